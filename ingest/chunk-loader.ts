import {pipeline} from 'node:stream/promises';
import {Readable} from 'node:stream';
import type pg from 'pg';
import {from as copyFrom} from 'pg-copy-streams';
import {REJECTED_LINES_LOCK} from './db/advisory-locks.js';
import {BINARY_HEADER, BINARY_TRAILER, int4Field, int8Field, readFields, startRow, writeRow} from './copy-binary.js';
import {copyBytea, copyField} from './copy-text.js';
import {EVENT_COLUMNS} from './event-fields.js';
import {parseLineInto, withLoneCrHint, type RejectReason} from './parse-line.js';
import type {OverlongLine} from './line-chunker.js';
import {RowBuffer} from './row-buffer.js';
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
	overlong: OverlongLine[];
	maxLineBytes: number;
};

export type ChunkStats = LineCounts & {
	rejectedByReason: Partial<Record<RejectReason, number>>;
	/** Events of this chunk that a later input of the same load had stored first: now this one's (counted in loaded), and duplicates of those. */
	creditedFrom: CreditedFrom[];
	/** Rejected lines of later inputs (by file id) that this chunk's hold too: duplicates of these now (see TAKE_REPEATED_REJECTS). */
	rejectsFrom: RejectsFrom[];
};

/** The rejected lines, by reason, an input gave over to an earlier one: where they were in its content. */
export type RejectsFrom = {fileId: number; reason: RejectReason; offsets: number[]};

/** How many events a later input (by file id) gave over to an earlier one (see insertViaStaging). */
export type CreditedFrom = {fileId: number; events: number};

/** An event of a parsed chunk, for the rare paths that store events one by one: its COPY row and its line. */
type EventLine = {row: Buffer; raw: Buffer; lineNo: number; offset: number};
type RejectedLine = {lineNo: number; offset: number; reason: RejectReason; detail: string; raw: Buffer};

const eventColumns = EVENT_COLUMNS.join(', ');
const UNIQUE_VIOLATION = '23505';
const DEADLOCK = '40P01';

/**
 * `rows` holds every event's row (binary COPY, see copy-binary.ts): the body of the chunk's COPY. Each event
 * is 6 numbers in `eventSpans` (see EVENT_SPAN), so no object is made per line on the fast path.
 */
export type ParsedChunk = {rows: Buffer; rowBuffer: RowBuffer; data: Buffer; eventSpans: number[]; rejected: RejectedLine[]; blankLines: number; duplicates: number};

/** Row start and end in `rows`, line start and end in `data`, line number, byte offset in the file. */
const EVENT_SPAN = 6;

const eventCount = (chunk: ParsedChunk) => chunk.eventSpans.length / EVENT_SPAN;

function eventLines(chunk: ParsedChunk): EventLine[] {
	const events: EventLine[] = [];
	const spans = chunk.eventSpans;
	for (let at = 0; at < spans.length; at += EVENT_SPAN) {
		events.push({row: chunk.rows.subarray(spans[at], spans[at + 1]), raw: chunk.data.subarray(spans[at + 2], spans[at + 3]), lineNo: spans[at + 4]!, offset: spans[at + 5]!});
	}
	return events;
}

/**
 * Row buffers of stored chunks, used again: a new buffer per chunk made V8 run a full garbage
 * collection every few chunks (its heuristics count such memory), about a sixth of a loader's time.
 */
const spareRowBuffers: RowBuffer[] = [];

/** One grown for a chunk with a very long line is left to the collector, so memory stays bounded. */
const MAX_SPARE_ROW_BUFFER = 8 * 1024 * 1024;

/** Gives the chunk's row buffer back once its rows are stored (its views must not be used after). */
export function releaseChunk(chunk: ParsedChunk): void {
	if (spareRowBuffers.length < 3 && chunk.rowBuffer.bytes.length <= MAX_SPARE_ROW_BUFFER) spareRowBuffers.push(chunk.rowBuffer);
}

/** Lines parsed between two turns of the event loop, so the previous chunk's COPY keeps streaming meanwhile. */
const LINES_PER_SLICE = 250;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Parses a chunk's lines (CPU work, done while the connection still stores the previous chunk). */
export async function parseChunk(job: ChunkJob): Promise<ParsedChunk> {
	const data = Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
	const overlong = new Map(job.overlong.map((line) => [line.index, line]));
	// Rows are about as long as their lines (keys are dropped, the hash and some escapes added).
	const out = spareRowBuffers.pop() ?? new RowBuffer(job.data.byteLength + (1 << 16));
	out.length = 0;
	const eventSpans: number[] = [];
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
		const lineStart = position;
		const raw = data.subarray(position, end);
		const lineNo = job.firstLine + index;
		const lineOffset = offset;
		// Overlong lines are cut short in `data`: advance the offset by their real length.
		const long = overlong.size === 0 ? undefined : overlong.get(index);
		offset += long?.length ?? (newline < 0 ? end - position : end - position + 1);
		position = end + 1;
		if (long !== undefined) {
			// Without its ending, as the limit counts it: a line of 201 bytes over a limit of 200 was said to be of 202 (203 with CRLF).
			const detail = withLoneCrHint(`a line of ${long.length - long.ending} bytes exceeds the limit of ${job.maxLineBytes} bytes; its first ${raw.length} bytes are kept`, raw);
			rejected.push({lineNo, offset: lineOffset, reason: 'line-too-long', detail, raw});
			continue;
		}
		const rowStart = out.length;
		startRow(out, EVENT_COLUMNS.length);
		int4Field(out, job.fileId);
		int8Field(out, lineNo);
		int4Field(out, job.loadId);
		const parsed = parseLineInto(raw, out);
		if (parsed.kind === 'event' && !seen.has(parsed.hash)) {
			seen.add(parsed.hash);
			eventSpans.push(rowStart, out.length, lineStart, end, lineNo, lineOffset);
			continue;
		}
		out.length = rowStart;
		if (parsed.kind === 'blank') blankLines++;
		else if (parsed.kind === 'rejected') rejected.push({lineNo, offset: lineOffset, reason: parsed.reason, detail: parsed.detail, raw});
		else duplicates++;
	}
	return {rows: out.view(), rowBuffer: out, data, eventSpans, rejected, blankLines, duplicates};
}

async function copyText(client: pg.ClientBase, statement: string, body: Buffer): Promise<void> {
	if (body.length === 0) return;
	await pipeline(Readable.from([body]), client.query(copyFrom(statement)));
}

/** COPY of binary rows into events or its staging table. */
async function copyEventRows(client: pg.ClientBase, table: string, rows: Buffer): Promise<void> {
	if (rows.length === 0) return;
	await pipeline(Readable.from([BINARY_HEADER, rows, BINARY_TRAILER]), client.query(copyFrom(`COPY ${table} (${eventColumns}) FROM STDIN (FORMAT binary)`)));
}

const isDataError = (error: unknown) => /^(22|54)/.test(String((error as {code?: string}).code ?? ''));

/**
 * Events stored by this chunk (new ones and those credited to it from later inputs), those an earlier load stored
 * from its very lines (a chunk read again), and the inputs that gave events over.
 */
type Stored = {inserted: number; readAgain: number; creditedFrom: CreditedFrom[]};
const NOTHING_STORED: Stored = {inserted: 0, readAgain: 0, creditedFrom: []};
const bothStored = (a: Stored, b: Stored): Stored => ({inserted: a.inserted + b.inserted, readAgain: a.readAgain + b.readAgain, creditedFrom: [...a.creditedFrom, ...b.creditedFrom]});
type InsertStrategy = (client: pg.ClientBase, chunk: ParsedChunk, rejected: RejectedLine[]) => Promise<Stored>;

/** Fast path: COPY straight into events (a duplicate of an already-stored event aborts it). */
async function copyEvents(client: pg.ClientBase, chunk: ParsedChunk): Promise<Stored> {
	await copyEventRows(client, 'events', chunk.rows);
	return {inserted: eventCount(chunk), readAgain: 0, creditedFrom: []};
}

/** Chunks that repeat stored events: through a staging table. */
const insertNewEvents: InsertStrategy = (client, chunk) => insertViaStaging(client, chunk.rows);

/**
 * The CTEs that count the lines of `lines` (file_id, line_no: events or rejected lines an input gave over) as duplicates
 * instead of `count` in their chunks, and in their inputs' totals once finished (a loading input's are its chunks').
 * per_input says how many each input gave over. A chunk not stored yet has no row: its lines match no chunk.
 */
const GIVEN_OVER = (lines: string, count: 'loaded' | 'rejected') => `per_chunk AS (
	SELECT c.file_id, c.start_offset, count(*)::int AS lines
	FROM ${lines} t JOIN file_chunks c ON c.file_id = t.file_id AND t.line_no >= c.first_line AND t.line_no < c.first_line + c.lines + c.blank_lines
	GROUP BY c.file_id, c.start_offset
), moved AS (
	UPDATE file_chunks c SET ${count} = c.${count} - p.lines, duplicates = c.duplicates + p.lines
	FROM per_chunk p WHERE c.file_id = p.file_id AND c.start_offset = p.start_offset
), per_input AS (
	SELECT file_id, sum(lines)::int AS lines FROM per_chunk GROUP BY file_id
), finished AS (
	UPDATE source_files f SET ${count} = f.${count} - p.lines, duplicates = f.duplicates + p.lines
	FROM per_input p WHERE f.file_id = p.file_id AND f.status <> 'loading'
)`;

/**
 * An event of an input that a later input of the same load stored first (their chunks ran in parallel) becomes this
 * one's: its file and line, and a duplicate in that input's chunk. So which input of a load is credited with an event
 * does not depend on timing: the first in load order (the lowest file id, the order `files` lists), as one loader
 * thread would do; and within an input, its first line (a later chunk of the same input may have stored a repeat
 * first: enrollment changes at one time are taken in the log's order, by their lines). Not across loads: an input
 * loaded before keeps what it loaded (its tables are built). That input's counts are its chunks' until it is
 * finished, which waits for the inputs before it (loadStream); but a log loaded before that grew, or an input resumed,
 * keeps its lower file id and may come later in the load than a new input holding its new events: that one may be
 * finished, and its totals are changed too (`finished`). The events are locked first, then those inputs' rows
 * (LOCK_WHAT_TO_TAKE).
 */
const CREDIT_EARLIER_INPUT = `
WITH taken AS (
	UPDATE events e SET file_id = s.file_id, line_no = s.line_no
	FROM staging_events s, events was
	WHERE e.event_hash = s.event_hash AND was.event_hash = s.event_hash AND (e.file_id, e.line_no) > (s.file_id, s.line_no) AND e.load_id = s.load_id
	RETURNING was.file_id, was.line_no
), ${GIVEN_OVER('taken', 'loaded')}
SELECT file_id AS "fileId", lines AS events FROM per_input`;

/**
 * Before CREDIT_EARLIER_INPUT, in a statement of its own: the events to take (waiting for a load taking them over from
 * a third input to commit, and keeping them), then the rows of the inputs holding them, in file id order. Taken in one
 * statement with the credit, the input that gave them over was read from the statement's snapshot, from before that
 * load's change: the third input gave them over twice and the other never did (fresh-clone CI: part10.log counted 1,200
 * loaded with 800 events of its own). The inputs' rows: an input's finish (finishSource) sums its chunks only once no
 * chunk taking events from it is left uncommitted, and one finished before is seen so by CREDIT_EARLIER_INPUT.
 * The sort locks the inputs after every event (it needs all of them first).
 */
const LOCK_WHAT_TO_TAKE = `
WITH held AS (
	SELECT e.file_id FROM events e JOIN staging_events s USING (event_hash)
	WHERE (e.file_id, e.line_no) > (s.file_id, s.line_no) AND e.load_id = s.load_id
	FOR UPDATE OF e
)
SELECT count(*) FROM (
	SELECT FROM source_files WHERE file_id IN (SELECT file_id FROM held)
	-- Not FOR UPDATE, which a chunk's file_chunks and rejected_lines rows (their foreign keys) of those inputs would wait for.
	ORDER BY file_id FOR NO KEY UPDATE
) AS locked`;

/**
 * COPY to a staging table, insert what is new. An event already stored from this very file and
 * line (a chunk read again) is read again, not a duplicate; one a later input of this load stored is credited to this one.
 */
async function insertViaStaging(client: pg.ClientBase, body: Buffer): Promise<Stored> {
	await emptyStaging(client);
	await copyEventRows(client, 'staging_events', body);
	return insertFromStaging(client);
}

async function emptyStaging(client: pg.ClientBase): Promise<void> {
	await client.query('CREATE TEMP TABLE IF NOT EXISTS staging_events (LIKE events)');
	await client.query('TRUNCATE staging_events');
}

/** Inserts what is new of the staged events (see insertViaStaging). */
async function insertFromStaging(client: pg.ClientBase): Promise<Stored> {
	const {rows} = await client.query<{own: number}>(
		'SELECT count(*) AS own FROM staging_events s JOIN events e USING (event_hash) WHERE e.file_id = s.file_id AND e.line_no = s.line_no',
	);
	const result = await client.query(`INSERT INTO events SELECT * FROM staging_events ON CONFLICT (event_hash) DO NOTHING`);
	// After the insert, which waited for any chunk storing the same events to commit.
	await client.query(LOCK_WHAT_TO_TAKE);
	const {rows: creditedFrom} = await client.query<CreditedFrom>(CREDIT_EARLIER_INPUT);
	const credited = creditedFrom.reduce((sum, from) => sum + from.events, 0);
	return {inserted: (result.rowCount ?? 0) + credited, readAgain: Number(rows[0]!.own), creditedFrom};
}

const EVENT_COLUMN = EVENT_COLUMNS.indexOf('event');
const EVENT_TEXT_COLUMN = EVENT_COLUMNS.indexOf('event_text');
const FORMAT_COLUMN = EVENT_COLUMNS.indexOf('event_format');

/** What JSON.parse refuses, jsonb refuses too (refused-rows.test.ts checks it on mutated payloads). */
function isJson(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch (error) {
		// Anything but a syntax error is no verdict: left to PostgreSQL.
		return !(error instanceof SyntaxError);
	}
}

/**
 * The row with its payload string moved to event_text (PostgreSQL refused it as JSON), or undefined when it was not
 * JSON-typed; with `ifNotJson`, only when JSON.parse refuses it too.
 */
function withPayloadAsText(row: Buffer, ifNotJson = false): Buffer | undefined {
	// A row starts with its number of fields (2 bytes).
	const fields = readFields(row, 2, EVENT_COLUMNS.length);
	if (fields[FORMAT_COLUMN]?.toString() !== 'string') return undefined;
	// jsonb starts with its version byte; text is the JSON text alone.
	const json = fields[EVENT_COLUMN]!.subarray(1);
	if (ifNotJson && isJson(json.toString())) return undefined;
	fields[EVENT_TEXT_COLUMN] = json;
	fields[EVENT_COLUMN] = null;
	fields[FORMAT_COLUMN] = Buffer.from('text');
	const out = new RowBuffer(row.length);
	writeRow(out, fields);
	return out.view();
}

/**
 * The chunk with each payload string that is not JSON moved to text, or undefined when it has none. The parser leaves
 * such strings for jsonb to check (checking each would cost every load, see payloadOf in parse-line.ts); in a chunk
 * PostgreSQL refused they are the usual refusals (a damaged .gz garbles payloads), and finding each by a failed COPY
 * cost far more than this pass.
 */
function withInvalidJsonAsText(chunk: ParsedChunk): ParsedChunk | undefined {
	const out = new RowBuffer(chunk.rows.length + (1 << 16));
	const eventSpans = [...chunk.eventSpans];
	let changed = false;
	for (let at = 0; at < eventSpans.length; at += EVENT_SPAN) {
		const row = chunk.rows.subarray(eventSpans[at], eventSpans[at + 1]);
		const stored = withPayloadAsText(row, true) ?? row;
		if (stored !== row) changed = true;
		eventSpans[at] = out.length;
		out.copy(stored, 0, stored.length);
		eventSpans[at + 1] = out.length;
	}
	return changed ? {...chunk, rows: out.view(), rowBuffer: out, eventSpans} : undefined;
}

/**
 * The row of a COPY of `rows` rows into staging_events that PostgreSQL's error names (1 for the first), or undefined.
 * Its context "COPY staging_events, line N, column event" is the last line of `where` (a JSON error's own context,
 * before it, quotes the payload: anything may be written there); in translations too the first number after the table
 * name is the row.
 */
function refusedRow(error: unknown, rows: number): number | undefined {
	const where = (error as {where?: string}).where ?? '';
	const named = /^COPY staging_events\D*?(\d+)/.exec(where.slice(where.lastIndexOf('\n') + 1));
	const row = Number(named?.[1]);
	return row >= 1 && row <= rows ? row : undefined;
}

/** Rejected for what PostgreSQL said of it. */
const refusedLine = (event: EventLine, error: unknown): RejectedLine => ({lineNo: event.lineNo, offset: event.offset, reason: 'database-refused', detail: (error as Error).message, raw: event.raw});

/**
 * When PostgreSQL refuses some row's data: the chunk's events go to the staging table by COPYs that each stop at the
 * row PostgreSQL names. The rows before it are copied again; a payload refused as JSON is tried again as text, anything
 * else refused becomes a rejected line; the rest goes on. Then what is new is inserted once. So a refused row costs one
 * failed COPY (halving the chunk took about five, and a staging insert after each half).
 */
async function insertSplittingAtRefusals(client: pg.ClientBase, chunk: ParsedChunk, rejected: RejectedLine[]): Promise<Stored> {
	await emptyStaging(client);
	const events = eventLines(chunk);
	const copy = (from: number, to: number) => copyEventRows(client, 'staging_events', Buffer.concat(events.slice(from, to).map((event) => event.row)));
	for (let from = 0; from < events.length; ) {
		await client.query('SAVEPOINT part');
		try {
			await copy(from, events.length);
			await client.query('RELEASE SAVEPOINT part');
			break;
		} catch (error) {
			await client.query('ROLLBACK TO SAVEPOINT part');
			await client.query('RELEASE SAVEPOINT part');
			const row = isDataError(error) ? refusedRow(error, events.length - from) : undefined;
			// Named no row: found by halves instead (storeChunk's next strategy).
			if (row === undefined) throw error;
			const refused = from + row - 1;
			// PostgreSQL took the rows before it: an error now is no refusal of theirs, and fails this strategy too.
			await copy(from, refused);
			const asText = withPayloadAsText(events[refused]!.row);
			if (asText === undefined) {
				rejected.push(refusedLine(events[refused]!, error));
				from = refused + 1;
			} else {
				// Tried again, as the first row of the next COPY.
				events[refused] = {...events[refused]!, row: asText};
				from = refused;
			}
		}
	}
	return insertFromStaging(client);
}

/**
 * Last resort when PostgreSQL refuses some row's data and names no row of the COPY (a refusal in the insert from
 * staging, or a translation that words the COPY's context otherwise): halves of the chunk are stored apart until the
 * refused rows are alone. A payload refused as JSON is stored as text; anything else refused becomes a rejected line.
 */
async function insertBisecting(client: pg.ClientBase, chunk: ParsedChunk, rejected: RejectedLine[]): Promise<Stored> {
	const store = async (slice: EventLine[]): Promise<Stored> => {
		if (slice.length === 0) return NOTHING_STORED;
		await client.query('SAVEPOINT part');
		try {
			const stored = await insertViaStaging(client, Buffer.concat(slice.map((event) => event.row)));
			await client.query('RELEASE SAVEPOINT part');
			return stored;
		} catch (error) {
			await client.query('ROLLBACK TO SAVEPOINT part');
			await client.query('RELEASE SAVEPOINT part');
			if (!isDataError(error)) throw error;
			if (slice.length > 1) {
				const middle = slice.length >> 1;
				return bothStored(await store(slice.slice(0, middle)), await store(slice.slice(middle)));
			}
			const [event] = slice as [EventLine];
			const asText = withPayloadAsText(event.row);
			if (asText !== undefined) return store([{...event, row: asText}]);
			rejected.push(refusedLine(event, error));
			return NOTHING_STORED;
		}
	};
	return store(eventLines(chunk));
}

/** The keys of the chunk's rejected lines ($1 its file, $2 and $3 its lines), and the input holding each first by file id. */
const REPEATED_REJECT_KEYS = `
keys AS (SELECT DISTINCT line_key FROM rejected_lines WHERE file_id = $1 AND line_no >= $2 AND line_no < $3),
owner AS (SELECT k.line_key, min(r.file_id) AS file_id FROM keys k JOIN rejected_lines r USING (line_key) GROUP BY 1)`;

/** The rows of the other inputs TAKE_REPEATED_REJECTS changes, locked first (as LOCK_WHAT_TO_TAKE, for finishSource). */
const LOCK_REPEATED_REJECT_INPUTS = `
WITH ${REPEATED_REJECT_KEYS}
SELECT count(*) FROM (
	SELECT FROM source_files WHERE file_id <> $1
		AND file_id IN (SELECT r.file_id FROM owner o JOIN rejected_lines r USING (line_key) WHERE r.file_id <> o.file_id)
	ORDER BY file_id FOR NO KEY UPDATE
) AS locked`;

/**
 * A rejected line is kept by the first input holding it, by file id (the load order, whatever the timing, as events are
 * credited: see CREDIT_EARLIER_INPUT), at each of its lines there; in any other input it is a duplicate, as an event read
 * again is. So the chunk's lines that an earlier input holds go (duplicates of this chunk), and so do the lines a later
 * input stored first (duplicates in that input's chunks, and its totals once finished). Returned by file and reason,
 * `own` for this chunk's lines.
 */
const TAKE_REPEATED_REJECTS = `
WITH ${REPEATED_REJECT_KEYS},
gone AS (
	DELETE FROM rejected_lines r USING owner o WHERE r.line_key = o.line_key AND r.file_id <> o.file_id
	RETURNING r.file_id, r.line_no, r.byte_offset, r.reason
), ${GIVEN_OVER('gone', 'rejected')}
SELECT file_id AS "fileId", reason, count(*)::int AS lines, array_agg(byte_offset::float8) AS offsets, (file_id = $1 AND line_no >= $2 AND line_no < $3) AS own
FROM gone GROUP BY 1, 2, 5`;

export type TakenRejects = RejectsFrom & {lines: number; own: boolean};

/** The lines taken from other inputs, for the load's counts of those (see ChunkStats.rejectsFrom). */
export const takenFromOthers = (taken: TakenRejects[]): RejectsFrom[] => taken.filter((entry) => !entry.own).map(({fileId, reason, offsets}) => ({fileId, reason, offsets}));

/** Settles the chunk's rejected lines that other inputs hold too (see TAKE_REPEATED_REJECTS), once they are stored. */
export async function takeRepeatedRejects(client: pg.ClientBase, job: Pick<ChunkJob, 'fileId' | 'firstLine' | 'lineCount'>): Promise<TakenRejects[]> {
	const lines = [job.fileId, job.firstLine, job.firstLine + job.lineCount];
	await client.query('SELECT pg_advisory_xact_lock($1)', [REJECTED_LINES_LOCK]);
	await client.query(LOCK_REPEATED_REJECT_INPUTS, lines);
	return (await client.query<TakenRejects>(TAKE_REPEATED_REJECTS, lines)).rows;
}

export async function inTransaction<T>(client: pg.ClientBase, body: () => Promise<T>): Promise<T> {
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
	const {rejected: parseRejected, blankLines, duplicates: inChunkDuplicates} = parsed;
	// Fast COPY first; a chunk repeating stored events goes through staging; data PostgreSQL refuses, split at the rows
	// it names, or else by halves.
	const strategies: InsertStrategy[] = [copyEvents, insertNewEvents, insertSplittingAtRefusals, insertBisecting];
	let strategy = 0;
	let deadlocks = 0;
	let chunk = parsed;
	let checkedJson = false;
	for (;;) {
		const rejected = [...parseRejected];
		try {
			return await inTransaction(client, async () => {
				// Taken first when the chunk has rejected lines already: taken after the events' locks, two chunks waited for each other.
				if (parseRejected.length > 0) await client.query('SELECT pg_advisory_xact_lock($1)', [REJECTED_LINES_LOCK]);
				const {inserted, readAgain, creditedFrom} = await strategies[strategy]!(client, chunk, rejected);
				// The file's totals (sums over its chunks) count the events read again as loaded: the chunk that held them is gone.
				const loaded = inserted + readAgain;
				const rejectedRows = rejected.map((line) => `${[job.fileId, line.lineNo, line.offset, line.reason, copyField(line.detail), copyBytea(line.raw)].join('\t')}\n`);
				await copyText(client, 'COPY rejected_lines (file_id, line_no, byte_offset, reason, detail, raw) FROM STDIN', Buffer.from(rejectedRows.join('')));
				const taken = rejected.length === 0 ? [] : await takeRepeatedRejects(client, job);
				const rejectedByReason: ChunkStats['rejectedByReason'] = {};
				for (const line of rejected) rejectedByReason[line.reason] = (rejectedByReason[line.reason] ?? 0) + 1;
				let repeated = 0;
				for (const {reason, lines} of taken.filter((entry) => entry.own)) {
					repeated += lines;
					rejectedByReason[reason] = rejectedByReason[reason]! - lines;
					if (rejectedByReason[reason] === 0) delete rejectedByReason[reason];
				}
				const duplicates = inChunkDuplicates + eventCount(parsed) - loaded - (rejected.length - parseRejected.length) + repeated;
				await client.query(
					`INSERT INTO file_chunks (file_id, start_offset, end_offset, first_line, lines, blank_lines, loaded, duplicates, rejected)
					 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
					[job.fileId, job.startOffset, job.endOffset, job.firstLine, job.lineCount - blankLines, blankLines, loaded, duplicates, rejected.length - repeated],
				);
				return {lines: job.lineCount - blankLines, blankLines, loaded: inserted, readAgain, duplicates, rejected: rejected.length - repeated, rejectedByReason, creditedFrom, rejectsFrom: takenFromOthers(taken)};
			});
		} catch (error) {
			const code = (error as {code?: string}).code;
			// Two workers inserting the same repeated events in opposite order: PostgreSQL aborts one; run it again.
			if (code === DEADLOCK && deadlocks++ < 10) continue;
			if (isDataError(error) && !checkedJson) {
				// Data PostgreSQL refuses: first the same again with the payloads that are not JSON as text, if there are any.
				checkedJson = true;
				const repaired = withInvalidJsonAsText(parsed);
				if (repaired) {
					chunk = repaired;
					continue;
				}
			}
			if (strategy === 0 && code === UNIQUE_VIOLATION) strategy = 1;
			// Other data PostgreSQL refuses: split at the rows it names; should that fail too, by halves.
			else if (strategy < 2 && isDataError(error)) strategy = 2;
			else if (strategy === 2 && isDataError(error)) strategy = 3;
			else throw error;
		}
	}
}
