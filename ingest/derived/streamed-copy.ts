import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import type pg from 'pg';
import {from as copyFrom, to as copyTo} from 'pg-copy-streams';
import {BINARY_HEADER, BINARY_TRAILER, BinaryRowReader, startRow, textField} from '../copy-binary.js';
import {RowBuffer} from '../row-buffer.js';

/**
 * The two ends of the derived steps computed in Node: rows read from PostgreSQL by a binary COPY, and
 * rows written back by binary COPY into tables. The written rows wait in temporary files, because the
 * connection is busy sending while they are made (one transaction, one connection) and at 10M events
 * they would not fit in memory.
 */

/**
 * Rows are written to a table's file once this many bytes are buffered. Up to 19 tables are written at
 * once: with 4 MB buffers, allocated whole, the ingest process peaked at 334 MB instead of 223 MB.
 */
const SPILL_BYTES = 1024 * 1024;

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
		await this.handle?.close();
		this.handle = undefined;
	}

	private async spill(): Promise<void> {
		this.handle ??= await fs.promises.open(this.file, 'w');
		await this.handle.write(this.rows.bytes, 0, this.rows.length);
		this.rows.length = 0;
	}
}

/** What writes rows that start with a learner's course and username (see SpilledTables.learnerRow). */
export type LearnerRowWriter<Table extends string> = {learnerRow(table: Table, learner: Buffer, fields: number): RowBuffer};

/** Binary COPY rows for a set of tables (table name → the columns the rows give, in order). */
export class SpilledTables<Table extends string> {
	private readonly tables: Map<Table, SpilledTable>;

	private constructor(
		private readonly folder: string,
		private readonly columns: Record<Table, string>,
	) {
		this.tables = new Map(Object.keys(columns).map((table) => [table as Table, new SpilledTable(path.join(folder, `${table}.bin`))]));
	}

	static async create<Table extends string>(columns: Record<Table, string>, parent = os.tmpdir()): Promise<SpilledTables<Table>> {
		await fs.promises.mkdir(parent, {recursive: true});
		return new SpilledTables(await fs.promises.mkdtemp(path.join(parent, 'openpolyedu-derived-')), columns);
	}

	/** Where the next row of `table` is written (start it with startRow). */
	rows(table: Table): RowBuffer {
		return this.tables.get(table)!.rows;
	}

	/** Starts a row of `table` with a learner's course and username (see learnerFields), to be followed by `fields` more. */
	learnerRow(table: Table, learner: Buffer, fields: number): RowBuffer {
		const out = this.rows(table);
		startRow(out, fields + 2);
		out.copy(learner, 0, learner.length);
		return out;
	}

	async spillIfFull(): Promise<void> {
		for (const table of this.tables.values()) await table.spillIfFull();
	}

	/** COPYs every table's rows in. */
	async store(client: pg.PoolClient): Promise<void> {
		for (const [name, table] of this.tables) {
			await table.close();
			await pipeline(fs.createReadStream(table.file), client.query(copyFrom(`COPY ${name} (${this.columns[name]}) FROM STDIN (FORMAT binary)`)));
		}
	}

	async dispose(): Promise<void> {
		await fs.promises.rm(this.folder, {recursive: true, force: true});
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
export async function readLearnerRows(client: pg.PoolClient, query: string, handlers: LearnerRowHandlers, tables: {spillIfFull(): Promise<void>}): Promise<void> {
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

/** Learners by id, as the fields their rows start with (see learnerFields). */
export type LearnerFields = Map<number, Buffer>;

/** A learner's course and username as two binary fields, encoded once: each row of theirs starts with them. */
export function learnerFields(courseId: string, username: string): Buffer {
	const out = new RowBuffer(Buffer.byteLength(courseId) + Buffer.byteLength(username) + 8);
	textField(out, courseId);
	textField(out, username);
	return Buffer.from(out.view());
}
