import {pipeline} from 'node:stream/promises';
import {Readable} from 'node:stream';
import type pg from 'pg';
import {from as copyFrom} from 'pg-copy-streams';
import {COPY_NULL, copyBytea, copyField} from './copy-text.js';
import {EVENT_COLUMNS, parseLine, type RejectReason} from './parse-line.js';
import type {LineCounts} from './progress.js';

/**
 * Loads one chunk of lines in one transaction: its events, its rejected lines and its file_chunks
 * row commit together or not at all, which is what makes a killed load resumable without holes or
 * duplicates.
 */

export type ChunkJob = {
	fileId: number;
	loadId: number;
	startOffset: number;
	endOffset: number;
	firstLine: number;
	lineCount: number;
	data: Uint8Array;
	overlong: Array<{index: number; length: number}>;
	maxLineBytes: number;
};

export type ChunkStats = LineCounts & {
	rejectedByReason: Partial<Record<RejectReason, number>>;
};

type EventLine = {row: string; raw: Buffer; lineNo: number; offset: number};
type RejectedLine = {lineNo: number; offset: number; reason: RejectReason; detail: string; raw: Buffer};

const eventColumns = EVENT_COLUMNS.join(', ');
const UNIQUE_VIOLATION = '23505';
const DEADLOCK = '40P01';

export type ParsedChunk = {events: EventLine[]; rejected: RejectedLine[]; blankLines: number; duplicates: number};

/** Lines parsed between two turns of the event loop, so the previous chunk's COPY keeps streaming meanwhile. */
const LINES_PER_SLICE = 250;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Parses a chunk's lines (CPU work, done while the connection still stores the previous chunk). */
export async function parseChunk(job: ChunkJob): Promise<ParsedChunk> {
	const data = Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
	const overlong = new Map(job.overlong.map((line) => [line.index, line.length]));
	const events: EventLine[] = [];
	const rejected: RejectedLine[] = [];
	const seen = new Set<string>();
	let blankLines = 0;
	let duplicates = 0;
	let position = 0;
	let offset = job.startOffset;
	for (let index = 0; index < job.lineCount; index++) {
		if (index % LINES_PER_SLICE === LINES_PER_SLICE - 1) await nextTurn();
		const newline = data.indexOf(0x0a, position);
		const end = newline < 0 ? data.length : newline;
		const raw = data.subarray(position, end);
		const lineNo = job.firstLine + index;
		const lineStart = offset;
		// Overlong lines are cut short in `data`: advance the offset by their real length.
		const realLength = overlong.get(index);
		offset += realLength ?? (newline < 0 ? end - position : end - position + 1);
		position = end + 1;
		if (realLength !== undefined) {
			const detail = `a line of ${realLength} bytes exceeds the limit of ${job.maxLineBytes} bytes; its first ${raw.length} bytes are kept`;
			rejected.push({lineNo, offset: lineStart, reason: 'line-too-long', detail, raw});
			continue;
		}
		const parsed = parseLine(raw);
		if (parsed.kind === 'blank') blankLines++;
		else if (parsed.kind === 'rejected') rejected.push({lineNo, offset: lineStart, reason: parsed.reason, detail: parsed.detail, raw});
		else if (seen.has(parsed.hash)) duplicates++;
		else {
			seen.add(parsed.hash);
			events.push({row: `${job.fileId}\t${lineNo}\t${job.loadId}\t${parsed.row}`, raw, lineNo, offset: lineStart});
		}
	}
	return {events, rejected, blankLines, duplicates};
}

async function copyRows(client: pg.ClientBase, statement: string, rows: string[]): Promise<void> {
	if (rows.length === 0) return;
	const body = Buffer.from(`${rows.join('\n')}\n`);
	await pipeline(Readable.from([body]), client.query(copyFrom(statement)));
}

const isDataError = (error: unknown) => /^(22|54)/.test(String((error as {code?: string}).code ?? ''));

/** Fast path: COPY straight into events (a duplicate of an already-stored event aborts it). */
type InsertStrategy = (client: pg.ClientBase, events: EventLine[], rejected: RejectedLine[]) => Promise<number>;

async function copyEvents(client: pg.ClientBase, events: EventLine[]): Promise<number> {
	await copyRows(client, `COPY events (${eventColumns}) FROM STDIN`, events.map((event) => event.row));
	return events.length;
}

/**
 * Chunks that repeat stored events: COPY to a staging table, insert what is new. An event already
 * stored from this very file and line (a chunk read again) counts as loaded, not as a duplicate.
 */
async function insertNewEvents(client: pg.ClientBase, events: EventLine[]): Promise<number> {
	await client.query('CREATE TEMP TABLE IF NOT EXISTS staging_events (LIKE events)');
	await client.query('TRUNCATE staging_events');
	await copyRows(client, `COPY staging_events (${eventColumns}) FROM STDIN`, events.map((event) => event.row));
	const {rows} = await client.query<{own: number}>(
		'SELECT count(*) AS own FROM staging_events s JOIN events e USING (event_hash) WHERE e.file_id = s.file_id AND e.line_no = s.line_no',
	);
	const result = await client.query(`INSERT INTO events SELECT * FROM staging_events ON CONFLICT (event_hash) DO NOTHING`);
	return (result.rowCount ?? 0) + Number(rows[0]!.own);
}

const EVENT_COLUMN = EVENT_COLUMNS.indexOf('event');

/** The row with a payload PostgreSQL refused as JSON moved to event_text, or undefined when it was not JSON-typed. */
function withPayloadAsText(row: string): string | undefined {
	const columns = row.split('\t');
	if (columns[EVENT_COLUMN + 2] !== 'string') return undefined;
	columns[EVENT_COLUMN + 1] = columns[EVENT_COLUMN]!;
	columns[EVENT_COLUMN] = COPY_NULL;
	columns[EVENT_COLUMN + 2] = 'text';
	return columns.join('\t');
}

/**
 * Last resort when PostgreSQL refuses some row's data: halves of the chunk are stored apart until the
 * refused rows are alone (a few COPYs per bad row, not one per line). A payload refused as JSON is
 * stored as text; anything else refused becomes a rejected line.
 */
async function insertBisecting(client: pg.ClientBase, events: EventLine[], rejected: RejectedLine[]): Promise<number> {
	const store = async (slice: EventLine[]): Promise<number> => {
		if (slice.length === 0) return 0;
		await client.query('SAVEPOINT part');
		try {
			const loaded = await insertNewEvents(client, slice);
			await client.query('RELEASE SAVEPOINT part');
			return loaded;
		} catch (error) {
			await client.query('ROLLBACK TO SAVEPOINT part');
			await client.query('RELEASE SAVEPOINT part');
			if (!isDataError(error)) throw error;
			if (slice.length > 1) {
				const middle = slice.length >> 1;
				return (await store(slice.slice(0, middle))) + (await store(slice.slice(middle)));
			}
			const [event] = slice as [EventLine];
			const asText = withPayloadAsText(event.row);
			if (asText !== undefined) return store([{...event, row: asText}]);
			rejected.push({lineNo: event.lineNo, offset: event.offset, reason: 'database-refused', detail: (error as Error).message, raw: event.raw});
			return 0;
		}
	};
	return store(events);
}

async function inTransaction<T>(client: pg.ClientBase, body: () => Promise<T>): Promise<T> {
	await client.query('BEGIN');
	try {
		const result = await body();
		await client.query('COMMIT');
		return result;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	}
}

/** Stores a parsed chunk: its events, rejected lines and file_chunks row in one transaction. */
export async function storeChunk(client: pg.ClientBase, job: ChunkJob, parsed: ParsedChunk): Promise<ChunkStats> {
	const {events, rejected: parseRejected, blankLines, duplicates: inChunkDuplicates} = parsed;
	// Fast COPY first; a chunk repeating stored events goes through staging; data PostgreSQL refuses, by halves.
	const strategies: InsertStrategy[] = [copyEvents, insertNewEvents, insertBisecting];
	let strategy = 0;
	let deadlocks = 0;
	for (;;) {
		const rejected = [...parseRejected];
		try {
			return await inTransaction(client, async () => {
				const loaded = await strategies[strategy]!(client, events, rejected);
				const duplicates = inChunkDuplicates + events.length - loaded - (rejected.length - parseRejected.length);
				await copyRows(
					client,
					'COPY rejected_lines (file_id, line_no, byte_offset, reason, detail, raw) FROM STDIN',
					rejected.map((line) => [job.fileId, line.lineNo, line.offset, line.reason, copyField(line.detail), copyBytea(line.raw)].join('\t')),
				);
				await client.query(
					`INSERT INTO file_chunks (file_id, start_offset, end_offset, first_line, lines, blank_lines, loaded, duplicates, rejected)
					 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
					[job.fileId, job.startOffset, job.endOffset, job.firstLine, job.lineCount - blankLines, blankLines, loaded, duplicates, rejected.length],
				);
				const rejectedByReason: ChunkStats['rejectedByReason'] = {};
				for (const line of rejected) rejectedByReason[line.reason] = (rejectedByReason[line.reason] ?? 0) + 1;
				return {lines: job.lineCount - blankLines, blankLines, loaded, duplicates, rejected: rejected.length, rejectedByReason};
			});
		} catch (error) {
			const code = (error as {code?: string}).code;
			// Two workers inserting the same repeated events in opposite order: PostgreSQL aborts one; run it again.
			if (code === DEADLOCK && deadlocks++ < 10) continue;
			if (strategy === 0 && code === UNIQUE_VIOLATION) strategy = 1;
			else if (strategy < 2 && isDataError(error)) strategy = 2;
			else throw error;
		}
	}
}
