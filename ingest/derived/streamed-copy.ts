import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {once} from 'node:events';
import {finished, pipeline} from 'node:stream/promises';
import type pg from 'pg';
import {from as copyFrom, to as copyTo} from 'pg-copy-streams';
import {BINARY_HEADER, BINARY_TRAILER, BinaryRowReader, startRow, textField} from '../copy-binary.js';
import {makeFolders, REMOVE_FOLDER} from '../db/workdir.js';
import {UserError} from '../errors.js';
import {RowBuffer} from '../row-buffer.js';

/**
 * The two ends of the derived steps computed in Node: rows read from PostgreSQL by a binary COPY, and
 * rows written back by binary COPY into tables. When the rows are read on the build's own connection
 * (the per-learner passes of an incremental build), the written rows wait in temporary files
 * (SpilledTables): the connection is busy sending while they are made, and at 10M events they would not
 * fit in memory. When they are read on a second connection (the counting pass), they go to the build's
 * connection while the reading goes on (PipedTables).
 */

/**
 * Rows are written to a table's file once this many bytes are buffered. Up to 19 tables are written at
 * once: with 4 MB buffers, allocated whole, the ingest process peaked at 334 MB instead of 223 MB.
 */
const SPILL_BYTES = 1024 * 1024;
/**
 * Bytes all of PipedTables' tables may buffer: beyond, the fullest is sent as a piece (one COPY), so a
 * busy table sends big pieces and the memory stays bounded however many tables there are. A COPY leaves
 * the last pages PostgreSQL added to the table for it empty (it adds up to 64 at once, 512 KB, and skips
 * the free space map for a table emptied by the transaction, a first build's): the pieces, about twice
 * this over the 30 tables that fill, must be big. With 8 MB (pieces of 0.55 MB on average) 29 % of the
 * 14 largest tables' pages stayed empty at 1M events, with 32 MB 7.6 %; bench:ingest's peak RSS 268-282 MB
 * with 32 MB in chunks (ChunkPool), against 271-275 MB with 8 MB in buffers grown whole. (A fixed 4 MB per
 * table took it to 377 MB, over its 300 MB target; pieces of 1 MB per table made the 1M-event counting
 * pass wait 3-3.6 s for its COPYs.)
 */
const BUFFERED_BYTES = 32 * 1024 * 1024;
/** Bytes of PipedTables' pieces waiting for their COPY before the reading waits for them. */
const QUEUED_BYTES = 8 * 1024 * 1024;

class SpilledTable {
	// Grown as rows come (most tables of a small load never reach the spill size).
	readonly rows = new RowBuffer(1 << 16);
	private handle: fs.promises.FileHandle | undefined;

	constructor(readonly file: string) {
		this.rows.copy(BINARY_HEADER, 0, BINARY_HEADER.length);
	}

	async spillIfFull(): Promise<void> {
		if (this.rows.length >= SPILL_BYTES) await this.spill();
	}

	async close(): Promise<void> {
		this.rows.copy(BINARY_TRAILER, 0, BINARY_TRAILER.length);
		await this.spill();
		await this.release();
	}

	/** Closes the file, if a spill opened it. */
	async release(): Promise<void> {
		await this.handle?.close();
		this.handle = undefined;
	}

	private async spill(): Promise<void> {
		this.handle ??= await fs.promises.open(this.file, 'w');
		// writeFile writes until every byte is written or the write fails: write() alone wrote part of them on a nearly
		// full disk and said so only in its count, and the COPY read a row cut short ("unexpected EOF in COPY data").
		await this.handle.writeFile(this.rows.view());
		this.rows.length = 0;
	}
}

/** What writes rows that start with a learner's course and username (see TableRows.learnerRow). */
export type LearnerRowWriter<Table extends string> = {learnerRow(table: Table, learner: Buffer, fields: number): RowBuffer};

/** Where the binary COPY rows of a set of tables are written, and how they reach the tables. */
export abstract class TableRows<Table extends string> implements LearnerRowWriter<Table> {
	/** Where the next row of `table` is written (start it with startRow). */
	abstract rows(table: Table): RowBuffer;

	/** Sends or spills what has piled up (readLearnerRows calls this between the pieces it reads). */
	abstract spillIfFull(): Promise<void>;

	/** Starts a row of `table` with a learner's course and username (see learnerFields), to be followed by `fields` more. */
	learnerRow(table: Table, learner: Buffer, fields: number): RowBuffer {
		const out = this.rows(table);
		startRow(out, fields + 2);
		out.copy(learner, 0, learner.length);
		return out;
	}
}

/** COPY statement of `table`'s rows (binary, the columns `columns` gives; `freeze`: see PipedTables). */
const copyStatement = (table: string, columns: string, freeze = false) => `COPY ${table} (${columns}) FROM STDIN (FORMAT binary${freeze ? ', FREEZE' : ''})`;

/** Binary COPY rows for a set of tables (table name → the columns the rows give, in order), spilled to files and stored at the end. */
export class SpilledTables<Table extends string> extends TableRows<Table> {
	private readonly tables: Map<Table, SpilledTable>;

	private constructor(
		private readonly folder: string,
		private readonly columns: Record<Table, string>,
	) {
		super();
		this.tables = new Map(Object.keys(columns).map((table) => [table as Table, new SpilledTable(path.join(folder, `${table}.bin`))]));
	}

	static async create<Table extends string>(columns: Record<Table, string>, parent = os.tmpdir()): Promise<SpilledTables<Table>> {
		// Not mkdir's recursive option: it spins forever where a level cannot be made (a --workdir under /proc, with --db).
		try {
			makeFolders(parent);
		} catch (error) {
			throw new UserError(`Cannot keep temporary files in ${parent}: ${(error as Error).message}.`);
		}
		return new SpilledTables(await fs.promises.mkdtemp(path.join(parent, 'openpolyedu-derived-')), columns);
	}

	rows(table: Table): RowBuffer {
		return this.tables.get(table)!.rows;
	}

	async spillIfFull(): Promise<void> {
		for (const table of this.tables.values()) await table.spillIfFull();
	}

	/** COPYs every table's rows in. */
	async store(client: pg.PoolClient): Promise<void> {
		for (const [name, table] of this.tables) {
			await table.close();
			await pipeline(fs.createReadStream(table.file), client.query(copyFrom(copyStatement(name, this.columns[name]))));
		}
	}

	async dispose(): Promise<void> {
		// A build that failed or was cancelled before store left the files it had spilled to open: the descriptors leaked,
		// and on Windows a folder with an open file in it is not removed (ENOTEMPTY), which hid the build's own error.
		for (const table of this.tables.values()) await table.release();
		await fs.promises.rm(this.folder, REMOVE_FOLDER);
	}
}

/** Runs `body` with tables spilled to a temporary folder (in `parent`, default the system's), removed afterwards whatever happens. */
export async function withSpilledTables<Table extends string, T>(
	columns: Record<Table, string>,
	parent: string | undefined,
	body: (tables: SpilledTables<Table>) => Promise<T>,
): Promise<T> {
	const tables = await SpilledTables.create(columns, parent);
	try {
		return await body(tables);
	} finally {
		await tables.dispose();
	}
}

/**
 * Bytes of the chunks PipedTables writes rows in, taken from a pool and given back once their COPY is
 * over. (A growable buffer per table, passed on to the next table once its piece was stored, held the
 * largest piece it ever had: the buffers held 3-4 times the bytes buffered and queued.)
 */
export const CHUNK_BYTES = 64 * 1024;
/**
 * A row starts in a new chunk when less than this is left in the current one: a row is written whole in
 * one chunk (its fields' lengths are written once the fields are), and one that does not fit grows its chunk.
 */
const ROW_ROOM = 2 * 1024;

/** Chunks of CHUNK_BYTES, reused: each new one counts as external memory, and V8 ran a full GC for about every 64 MB of them. */
class ChunkPool {
	private readonly free: RowBuffer[] = [];

	take(): RowBuffer {
		const chunk = this.free.pop() ?? new RowBuffer(CHUNK_BYTES);
		chunk.length = 0;
		return chunk;
	}

	/** Takes back chunks whose bytes are no longer needed (one grown for a long row is let go). */
	give(chunks: RowBuffer[]): void {
		for (const chunk of chunks) if (chunk.bytes.length === CHUNK_BYTES) this.free.push(chunk);
	}

	/** Bytes of the chunks waiting to be taken. */
	freeBytes(): number {
		return capacity(this.free);
	}
}

/** Bytes allocated for `chunks`, used or not. */
const capacity = (chunks: RowBuffer[]) => chunks.reduce((bytes, chunk) => bytes + chunk.bytes.length, 0);

/** A table's rows not yet sent, in chunks of the pool: the last one is being written. */
class ChunkedRows {
	readonly chunks: RowBuffer[];
	/** The last chunk. */
	private last: RowBuffer;
	/** Bytes in the chunks before the last. */
	private filled = 0;

	constructor(private readonly pool: ChunkPool) {
		this.last = pool.take();
		this.chunks = [this.last];
	}

	get length(): number {
		return this.filled + this.last.length;
	}

	/** Where the next row is written. */
	nextRow(): RowBuffer {
		// Not by the chunk's own size: one grown for a long row would take rows on, growing again.
		if (this.last.length + ROW_ROOM <= CHUNK_BYTES) return this.last;
		this.filled += this.last.length;
		this.last = this.pool.take();
		this.chunks.push(this.last);
		return this.last;
	}
}

/** A piece of a table's binary COPY rows handed over to PipedTables, and what settles it once stored or dropped. */
type Piece = {statement: string; rows: ChunkedRows; settled: Promise<void>; settle: () => void};

/**
 * Pieces stored by one simple query of a COPY per piece, each piece's rows sent right behind the query:
 * PostgreSQL runs the COPYs one after another, reading each one's rows from the socket, and needs no
 * answer from Node between them. (A COPY per query, its rows sent once PostgreSQL asked for them, took two
 * turns of Node's event loop per piece, each one waiting for the rows Node was making meanwhile.)
 * After an error PostgreSQL skips the query's other COPYs and ignores the rows sent for them.
 */
class CopyRound implements pg.Submittable {
	private stored = 0;

	constructor(
		private readonly pieces: Piece[],
		/** Each piece stored, in order (its CommandComplete). */
		private readonly onStored: (piece: Piece) => void,
		/** The query over (ReadyForQuery), or failed. */
		private readonly onEnd: (error?: unknown) => void,
	) {}

	submit(connection: pg.Connection): void {
		connection.query(this.pieces.map((piece) => piece.statement).join('; '));
		for (const {rows} of this.pieces) {
			// One CopyData message per piece, its chunks sent one after another.
			const header = Buffer.allocUnsafe(5);
			header[0] = COPY_DATA;
			header.writeUInt32BE(4 + BINARY_HEADER.length + rows.length + BINARY_TRAILER.length, 1);
			connection.stream.write(header);
			connection.stream.write(BINARY_HEADER);
			for (const chunk of rows.chunks) connection.stream.write(chunk.view());
			connection.stream.write(BINARY_TRAILER);
			connection.stream.write(COPY_DONE);
		}
	}

	handleCopyInResponse(): void {
		// The rows were sent with the query.
	}

	handleCommandComplete(): void {
		this.onStored(this.pieces[this.stored++]!);
	}

	handleReadyForQuery(): void {
		this.onEnd();
	}

	handleError(error: unknown): void {
		this.onEnd(error);
	}
}

/** The frontend's CopyData message type, and a whole CopyDone message (PostgreSQL's protocol). */
const COPY_DATA = 0x64;
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);

/** How many bytes of rows PipedTables may buffer, and how many wait for their COPY (see BUFFERED_BYTES and QUEUED_BYTES). */
type PipedBounds = {buffered: number; queued: number};

/**
 * Binary COPY rows for a set of tables, sent to `writer` (the build's connection, idle while a second one
 * reads) a piece at a time (see BUFFERED_BYTES), one COPY per piece: the tables fill while the rows are made
 * instead of after (a 1M-event rebuild: 12.1-16.8 s against 12.8-19.1 s, interleaved). At most
 * QUEUED_BYTES wait to be sent; beyond that the reading waits. The pieces handed over while a query of
 * COPYs runs go together in the next (CopyRound), which starts as soon as the last ends. The rows are
 * written in chunks of a pool (ChunkPool), so the memory held is what is buffered and queued, plus a
 * chunk per table.
 */
export class PipedTables<Table extends string> extends TableRows<Table> {
	private readonly pool = new ChunkPool();
	private readonly filling: Map<Table, ChunkedRows>;
	/** The table rows were last asked for, and its rows: a table's rows mostly come in runs (a learner's gaps, visits, …). */
	private lastTable: Table | undefined;
	private lastRows: ChunkedRows | undefined;
	/** The pieces handed over and not yet stored or dropped, oldest first: each settles in turn, and leaves. */
	private readonly inFlight: Piece[] = [];
	/** Their bytes. */
	private queued = 0;
	/** Pieces handed over while a query of COPYs runs: the next one's. */
	private waiting: Piece[] = [];
	/** The queries of COPYs running, until no piece waits. */
	private rounds: Promise<void> | undefined;
	private failure: {error: unknown} | undefined;

	constructor(
		private readonly writer: pg.PoolClient,
		private readonly columns: Record<Table, string>,
		/**
		 * Rows stored frozen and their pages marked all-visible, for tables emptied by this transaction (a first
		 * build's): otherwise the first reads after the commit rewrite every page to mark its rows committed
		 * (2.55 GB of a 10M-event build's tables, against 8 MB so), and a vacuum again to mark them visible.
		 */
		private readonly freeze = false,
		private readonly bounds: PipedBounds = {buffered: BUFFERED_BYTES, queued: QUEUED_BYTES},
	) {
		super();
		this.filling = new Map(Object.keys(columns).map((table) => [table as Table, new ChunkedRows(this.pool)]));
	}

	rows(table: Table): RowBuffer {
		if (table !== this.lastTable) {
			this.lastTable = table;
			this.lastRows = this.filling.get(table)!;
		}
		return this.lastRows!.nextRow();
	}

	async spillIfFull(): Promise<void> {
		let buffered = 0;
		for (const rows of this.filling.values()) buffered += rows.length;
		while (buffered > this.bounds.buffered) {
			const [fullest, rows] = [...this.filling].reduce((most, next) => (next[1].length > most[1].length ? next : most));
			buffered -= rows.length;
			this.send(fullest);
		}
		// The oldest piece is stored first: waiting for it makes room without draining the queue.
		while (this.queued > this.bounds.queued) await this.inFlight[0]!.settled;
		if (this.failure) throw this.failure.error;
	}

	/** Sends every table's rows left, and waits until all are stored. */
	async store(): Promise<void> {
		for (const [table, rows] of this.filling) if (rows.length > 0) this.send(table);
		await this.finished();
		if (this.failure) throw this.failure.error;
	}

	/** Settles when every piece handed over has been stored or dropped (it never rejects). */
	async finished(): Promise<void> {
		await this.inFlight.at(-1)?.settled;
	}

	/** Bytes of memory the rows are held in: the tables' chunks, the pieces' not yet stored, the pool's free ones. */
	heldBytes(): number {
		let held = this.pool.freeBytes();
		for (const rows of this.filling.values()) held += capacity(rows.chunks);
		for (const piece of this.inFlight) held += capacity(piece.rows.chunks);
		return held;
	}

	private send(table: Table): void {
		const rows = this.filling.get(table)!;
		this.filling.set(table, new ChunkedRows(this.pool));
		this.lastTable = undefined;
		const length = rows.length;
		this.queued += length;
		let settle!: () => void;
		const settled = new Promise<void>((resolve) => (settle = resolve));
		const piece: Piece = {
			statement: copyStatement(table, this.columns[table], this.freeze),
			rows,
			settled,
			settle: () => {
				this.queued -= length;
				this.inFlight.shift();
				settle();
			},
		};
		this.inFlight.push(piece);
		this.waiting.push(piece);
		this.rounds ??= this.storeWaiting();
	}

	/** Runs a query of COPYs for the pieces waiting, then for those handed over meanwhile, until none waits. */
	private async storeWaiting(): Promise<void> {
		// After the pieces handed over at once (by a spill, or the store): they go in one query.
		await Promise.resolve();
		while (this.waiting.length > 0) {
			const pieces = this.waiting;
			this.waiting = [];
			let stored = 0;
			// After a failure the connection's transaction is aborted: the rest is dropped, the failure reported once.
			if (!this.failure) {
				await new Promise<void>((resolve) => {
					const round = new CopyRound(
						pieces,
						(piece) => {
							stored++;
							// Read whole by PostgreSQL: the bytes can be overwritten.
							this.pool.give(piece.rows.chunks);
							piece.settle();
						},
						(error) => {
							if (error !== undefined) this.failure ??= {error};
							resolve();
						},
					);
					this.writer.query(round);
				});
			}
			for (const piece of pieces.slice(stored)) piece.settle();
		}
		this.rounds = undefined;
	}
}

/** What is done with each learner's rows of a query sorted by learner id (its first column, int4). */
export type LearnerRowHandlers = {
	start(learnerId: number): void;
	/** The row's bytes and where each field starts (see BinaryRowReader). */
	row(data: Buffer, starts: Int32Array): void;
	end(): void;
};

/**
 * Streams the rows of `query` (binary COPY, sorted by learner id) to `handlers`, spilling `tables` between
 * pieces. If a handler or a spill fails (a full disk, say), the rest of the COPY is read and dropped
 * before the error is thrown: the connection cannot roll back, or do anything else, until its COPY has
 * ended, and a stream left unread would keep both waiting for ever.
 */
export async function readLearnerRows(client: pg.ClientBase, query: string, handlers: LearnerRowHandlers, tables: Pick<TableRows<string>, 'spillIfFull'>): Promise<void> {
	let learnerId: number | undefined;
	const reader = new BinaryRowReader((data, starts) => {
		const id = data.readInt32BE(starts[0]!);
		if (id !== learnerId) {
			if (learnerId !== undefined) handlers.end();
			learnerId = id;
			handlers.start(id);
		}
		handlers.row(data, starts);
	});
	let failure: {error: unknown} | undefined;
	for await (const piece of client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`))) {
		if (failure) continue;
		try {
			reader.push(piece as Buffer);
			await tables.spillIfFull();
		} catch (error) {
			failure = {error};
		}
	}
	if (failure) throw failure.error;
	if (learnerId !== undefined) handlers.end();
}

/**
 * Copies the rows of `query` on `source` into `table` on `target` (two connections, binary COPY). The COPY out
 * is read to its end even when the COPY in fails: an unread COPY would keep `source` from doing anything else,
 * a ROLLBACK included. When the COPY out fails, the COPY in is abandoned (CopyFail), which frees `target`.
 */
export async function copyBetween(source: pg.ClientBase, query: string, target: pg.ClientBase, table: string): Promise<void> {
	const into = target.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT binary)`));
	let failure: {error: unknown} | undefined;
	const stored = finished(into).catch((error: unknown) => {
		failure ??= {error};
	});
	try {
		for await (const piece of source.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`))) {
			if (failure) continue;
			if (!into.write(piece)) await Promise.race([once(into, 'drain').catch(() => {}), stored]);
		}
	} catch (error) {
		into.destroy(error as Error);
		await stored;
		throw error;
	}
	if (!failure) into.end();
	await stored;
	if (failure) throw failure.error;
}

/** Learners by id, as the fields their rows start with (see learnerFields). */
export type LearnerFields = Map<number, Buffer>;

/** A learner's course and username as two binary fields, encoded once: each row of theirs starts with them. */
export function learnerFields(courseId: string, username: string): Buffer {
	const out = new RowBuffer(Buffer.byteLength(courseId) + Buffer.byteLength(username) + 8);
	textField(out, courseId);
	textField(out, username);
	return Buffer.from(out.view());
}
