import {isUtf8} from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import {counted, formatBytes, formatCount, rowCount, timestampText, wrapProse} from '../format.js';
import {fetchInBatches, openResultFile, queryTable, readOnly, resultWriter, terminalTableWriter, type ColumnKind, type OutputFormat, type ResultFile, type ResultWriter} from '../tasks/index.js';
import {cancellable, withDatabase, writeOrWait, type Command, type CommandContext} from './context.js';
import {cutNote, outFileFormat, outputFormatOf, refuseBomOutsideCsv} from './run.js';
import {UsageError} from '../usage.js';

/**
 * Fills the --out file of a listing (run's result file, for its checks and its never overwriting) with `fill`, puts
 * it in place and says on stderr what it saved (`fill`'s words: "3 rows"); a failure leaves no file.
 */
async function intoOutFile(context: CommandContext, name: string, format: OutputFormat, fill: (file: ResultFile) => Promise<string>): Promise<void> {
	const file = await openResultFile({taskId: name, parameters: {}}, {format, out: context.flags.out});
	try {
		const saved = await fill(file);
		context.stderr.write(`Saved ${saved} to ${await file.finish()}\n`);
	} catch (error) {
		await file.discard();
		throw error;
	}
}

type Listing = Awaited<ReturnType<typeof queryTable>>;
type Rows = Listing['rows'];
/** A listing as a terminal shows it, a line said above it and lines said below it. */
type TerminalListing = Listing & {heading?: string; notes?: string[]};
/** Where a listing's batches go (see fetchInBatches), and what is said once they have all gone, given how many rows. */
type ListingSink = {batch(table: Listing, index: number): Promise<void>; end(rows: number): Promise<void>};

/**
 * Runs `sql` through fetchInBatches on a client of `pool`, in one read-only transaction (one snapshot for all
 * its batches); returns how many rows it gave.
 */
async function fetchListed(pool: pg.Pool, sql: string, batch: ListingSink['batch'], options: {batchRows?: number; signal: AbortSignal}): Promise<number> {
	const client = await pool.connect();
	try {
		return await readOnly(client, () => fetchInBatches(client, sql, [], batch, options));
	} finally {
		client.release();
	}
}

/** A listing's rows as `format` writes them (the terminal's table: 'table'). */
type Shape = (rows: Rows, format: OutputFormat | 'table') => Rows;

/** Batches written in a file format with `write`, each shaped by `shape`. */
function formattedSink(format: OutputFormat, shape: Shape, write: (text: string) => Promise<void>, bom: boolean | undefined): ListingSink {
	let writer: ResultWriter | undefined;
	return {
		batch: async (table, index) => {
			if (index === 0) {
				writer = resultWriter(table.columns, format, {bom});
				await write(writer.start());
			}
			await write(writer!.rows(shape(table.rows, format)));
		},
		end: async () => write(writer!.end()),
	};
}

/**
 * Batches as the aligned table of a terminal (or `whenEmpty`), each shaped by `shape` then `onTerminal`. Its
 * widths are those of the first batch: a table of a million rows is not held to measure them all.
 */
function terminalSink(
	context: CommandContext,
	whenEmpty: string,
	shape: Shape,
	onTerminal: (table: Listing) => TerminalListing,
	write: (text: string) => Promise<void>,
): ListingSink {
	let table: ReturnType<typeof terminalTableWriter> | undefined;
	let firstRows = 0;
	return {
		batch: async (batch, index) => {
			const shown = onTerminal({columns: batch.columns, rows: shape(batch.rows, 'table')});
			if (index > 0) await write(table!.rows(shown.rows));
			else {
				if (shown.rows.length === 0) return write(`${whenEmpty}\n`);
				if (shown.heading) await write(`${shown.heading}\n`);
				table = terminalTableWriter(shown.columns, shown.rows, context.stdout.columns || Infinity);
				firstRows = shown.rows.length;
				await write(table.head);
			}
			if (shown.notes?.length) await write(`\n${shown.notes.join('\n')}\n`);
		},
		end: async (rows) => {
			if (rows > firstRows) {
				context.stderr.write(`Columns sized to the first ${formatCount(firstRows)} of ${formatCount(rows)} rows${table!.cut() ? ', longer values cut (…)' : ''}: --format csv prints them whole.\n`);
			} else if (table?.cut()) context.stderr.write(cutNote(context));
		},
	};
}

/**
 * Prints a listing in the formats of `run` and `tasks`: an aligned table on a terminal (or a sentence when
 * it is empty), else --format, where an empty listing is still valid CSV / JSON / Markdown for scripts;
 * with --out, writes it to that new file instead (Windows PowerShell 5.1's `>` writes UTF-16 and garbles
 * what the console's code page lacks, Cyrillic names on a Western Windows). Fetched and written `batchRows`
 * rows at a time, so memory stays bounded: a million rejected lines held at once took 3 GB.
 */
async function printListing(
	context: CommandContext,
	name: string,
	sql: string,
	whenEmpty: string,
	{shape = (rows: Rows) => rows, onTerminal = (table: Listing): TerminalListing => table, batchRows}: {shape?: Shape; onTerminal?: (table: Listing) => TerminalListing; batchRows?: number} = {},
): Promise<number> {
	// A bad --format or --out is refused before the database starts.
	const fileFormat = outFileFormat(context);
	const format = fileFormat ?? outputFormatOf(context);
	refuseBomOutsideCsv(context, format);
	const {bom} = context.flags;
	// Ctrl-C, SIGTERM or SIGHUP while the server starts or the query runs: killed, the listing left the embedded server running.
	return cancellable('Cancelled: nothing was listed.', (signal) =>
		withDatabase(context, async ({pool}) => {
			const list = async (sink: ListingSink) => {
				const rows = await fetchListed(pool, sql, sink.batch, {batchRows, signal});
				await sink.end(rows);
				return rows;
			};
			const toStdout = (text: string) => writeOrWait(context.stdout, text, signal);
			if (fileFormat) await intoOutFile(context, name, fileFormat, async (file) => rowCount(await list(formattedSink(fileFormat, shape, file.write, bom))));
			else if (format === 'table') await list(terminalSink(context, whenEmpty, shape, onTerminal, toStdout));
			else await list(formattedSink(format, shape, toStdout, bom));
			return 0;
		}, {reader: true, signal}),
	);
}

/** A bytea cell as queryTable gives it (as PostgreSQL prints it: \x7b22…) as its bytes. */
const storedBytes = (cell: Rows[number][number]) => Buffer.from(String(cell).slice(2), 'hex');

/** What escapedBytes writes as an escape in UTF-8 text: the C0 control characters other than tab, DEL, and the backslash itself. */
const UNPRINTABLE = /[\x00-\x08\x0a-\x1f\x7f\\]/g;
const byteEscape = (byte: number) => `\\x${byte.toString(16).padStart(2, '0')}`;
const escapedText = (text: string) => text.replace(UNPRINTABLE, (character) => (character === '\\' ? '\\\\' : byteEscape(character.charCodeAt(0))));
/** How many bytes the UTF-8 sequence that `lead` starts has (0: none starts with it). */
const sequenceLength = (lead: number) => (lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0);

/**
 * `bytes` as text that a CSV cell holds and that gives the bytes back: UTF-8 where it is; a control character but
 * tab (NUL, CR, ESC …), DEL, and each byte that is no part of UTF-8 as \xNN (in hex); a backslash as \\. A NUL byte
 * in a CSV breaks Excel and most readers, and U+FFFD said nothing of the bytes it stood for.
 */
function escapedBytes(bytes: Buffer): string {
	if (isUtf8(bytes)) return escapedText(bytes.toString('utf8'));
	let text = '';
	for (let at = 0; at < bytes.length; ) {
		const length = sequenceLength(bytes[at]!);
		// One sequence at a time: isUtf8 checks its continuation bytes, overlong forms and surrogates.
		const valid = length > 0 && isUtf8(bytes.subarray(at, at + length));
		text += valid ? escapedText(bytes.toString('utf8', at, at + length)) : byteEscape(bytes[at]!);
		at += valid ? length : 1;
	}
	return text;
}

/**
 * The last column (a line's first bytes) as text: UTF-8 where it is, so a Russian line reads as such
 * (encode(…, 'escape') gave an octal escape per byte of Cyrillic), and U+FFFD for bytes that are not; in CSV and Markdown,
 * escapedBytes. A file's BOM is kept, as stored: TextDecoder dropped it by default, so the listing differed from --raw.
 */
function bytesAsText(rows: Rows, format: OutputFormat | 'table'): Rows {
	const utf8 = new TextDecoder('utf-8', {ignoreBOM: true});
	const text = format === 'csv' || format === 'md' ? escapedBytes : (bytes: Buffer) => utf8.decode(bytes);
	return rows.map((row) => [...row.slice(0, -1), text(storedBytes(row.at(-1)!))]);
}

/**
 * Whether `file` is inside `folder` (a zip member's path!member by its zip's path), as path.relative tells: on Windows
 * whatever the case: inputs are recorded under C:, and in VS Code's terminal, which starts in c:, the listing named their
 * folder above the table, and each path from there, instead of input\a.log.
 */
function isUnder(folder: string, file: string): boolean {
	const relative = path.relative(folder, file);
	return relative !== '' && !path.isAbsolute(relative) && relative.split(path.sep)[0] !== '..';
}

/**
 * The folder that every one of `files` is in, if any but the root; one that is not on disk (a zip's
 * "path.zip!folder", or a folder moved since the load) is not taken.
 */
function commonFolder(files: string[]): string | undefined {
	let folder = path.dirname(files[0] ?? path.sep);
	while (files.some((file) => !isUnder(folder, file)) || !fs.statSync(folder, {throwIfNoEntry: false})?.isDirectory()) {
		if (path.dirname(folder) === folder) return undefined;
		folder = path.dirname(folder);
	}
	return path.dirname(folder) === folder ? undefined : folder;
}

type Row = Rows[number];

/**
 * `files` on a terminal, to fit 100 columns (it took 195: every input's absolute path and twelve columns): each
 * path relative to the current folder when all are under it, else to the folder they share, named above the
 * table; the size as the app writes it; kind and lines_read left out (the name says the one, loaded + duplicates +
 * rejected is the other); shorter names
 * for duplicates and blank_lines; the time finished to the minute; each error or reason below the table, by id, wrapped
 * to `maxWidth`. The terminal table cuts what is still too wide. The other formats keep every column, full paths and
 * bytes.
 */
export function filesOnTerminal(table: Listing, cwd = process.cwd(), maxWidth = Infinity): TerminalListing {
	const cell = (row: Row, name: string) => row[table.columns.findIndex((column) => column.name === name)] ?? null;
	const files = table.rows.map((row) => String(cell(row, 'file')));
	const base = files.every((file) => isUnder(cwd, file)) ? cwd : commonFolder(files);
	const shown: Array<[string, ColumnKind, (row: Row) => Row[number]]> = [
		['id', 'id', (row) => cell(row, 'id')],
		['file', 'text', (row) => (base ? path.relative(base, String(cell(row, 'file'))) : cell(row, 'file'))],
		['size', 'text', (row) => formatBytes(Number(cell(row, 'bytes')))],
		['status', 'text', (row) => cell(row, 'status')],
		['loaded', 'number', (row) => cell(row, 'loaded')],
		['dups', 'number', (row) => cell(row, 'duplicates')],
		['rejected', 'number', (row) => cell(row, 'rejected')],
		['blank', 'number', (row) => cell(row, 'blank_lines')],
		// To the minute; a timestamp, which the terminal table does not cut as it cuts text. None yet (an input loading,
		// or whose load was cut off: status says so) is an empty cell, as in CSV: it was <null>, the mark of a task's NULL.
		['finished', 'timestamp', (row) => (cell(row, 'finished') === null ? '' : timestampText(String(cell(row, 'finished'))).slice(0, 16))],
	];
	// Below the table, by id, wrapped to the width: beside the status a skipped or superseded input's reason (up to 190
	// characters) had the status word and the names cut to 13 ('superse…rom it').
	const notes = table.rows.flatMap((row) => {
		const error = cell(row, 'error');
		if (error === null) return [];
		const id = `${cell(row, 'id')}: `;
		const [first = '', ...rest] = wrapProse(String(error), Math.max(20, maxWidth - id.length));
		return [id + first, ...rest.map((line) => ' '.repeat(id.length) + line)];
	});
	return {
		columns: shown.map(([name, kind]) => ({name, kind})),
		rows: table.rows.map((row) => shown.map(([, , value]) => value(row))),
		heading: base && base !== cwd ? `Under ${base}${path.sep}:` : undefined,
		notes,
	};
}

/** `files`: what was loaded from where, with the per-file accounting. */
export const filesCommand: Command = async (context) =>
	printListing(
		context,
		'files',
		// The size in bytes, as a number for scripts (pg_size_pretty's MiB disagreed with the app's MB); the
		// counts of a file still loading, or whose load was killed, are those its chunks committed. The time finished
		// to the second, in UTC as tasks write a time (2026-12-06T10:21:05Z): it said no zone, read as the local time.
		`SELECT file_id AS id, CASE WHEN member = '' THEN path ELSE path || '!' || member END AS file, kind, size_bytes AS bytes, status,
		        lines_read, loaded, duplicates, rejected, blank_lines, date_trunc('second', finished_at) AS finished, error
		 FROM source_file_counts ORDER BY file_id`,
		'No files loaded yet; run openpolyedu-tui ingest.',
		// Fetched whole: a row a file, and the table a terminal shows is shaped from all of them.
		{onTerminal: (table) => filesOnTerminal(table, process.cwd(), context.stdout.columns || Infinity), batchRows: Infinity},
	);

/**
 * On a terminal, where a rejected line is (line_no, byte_offset) written as an id is, not grouped as counts are
 * (3,000): `sed -n 12345p` and `tail -c +N` take it as it is.
 */
const positionsAsWritten = (table: Listing): TerminalListing => ({...table, columns: table.columns.map((column) => (['line_no', 'byte_offset'].includes(column.name) ? {...column, kind: 'id' as const} : column))});

/** `rejected`: every rejected line with where it was and why; with --raw, the lines themselves. `batchRows` as fetchInBatches'. */
export const rejectedCommand = async (context: CommandContext, {batchRows}: {batchRows?: number} = {}): Promise<number> => {
	if (context.flags.raw) return writeRejectedLines(context, batchRows);
	return printListing(
		context,
		'rejected',
		`SELECT CASE WHEN f.member = '' THEN f.path ELSE f.path || '!' || f.member END AS file, r.line_no, r.byte_offset, r.reason, r.detail,
		        length(r.raw) AS bytes, substring(r.raw from 1 for 60) AS starts_with
		 FROM rejected_lines r JOIN source_files f USING (file_id) ORDER BY r.file_id, r.line_no`,
		'No rejected lines.',
		{shape: bytesAsText, onTerminal: positionsAsWritten, batchRows},
	);
};

/** Rejected lines fetched per round trip with --raw (each can be up to the 64 KiB kept of an overlong line). */
const RAW_BATCH = 500;
const NEWLINE = Buffer.from('\n');

/**
 * `rejected --raw`: the rejected lines' bytes as their files held them, each ending in a newline, in the
 * order of `rejected` (to repair them and load the result: nothing is escaped or cut, except the lines
 * over --max-line-bytes, of which only the first 64 KiB were kept). Fetched through a cursor, written with
 * the pipe's back-pressure, so memory stays bounded whatever their number.
 */
async function writeRejectedLines(context: CommandContext, batchRows = RAW_BATCH): Promise<number> {
	if (context.flags.format !== undefined || context.flags.bom) throw new UsageError(`--raw prints the lines themselves: it takes no ${context.flags.bom ? '--bom' : '--format'}.`);
	const toFile = outFileFormat(context) !== undefined;
	// A reader that has gone (`rejected --raw | head`) stops the listing as Ctrl-C does: waiting for a 'drain'
	// that never comes, its EPIPE was an unexpected error.
	return cancellable('Cancelled: the rejected lines were not all written.', (signal) =>
		withDatabase(context, async ({pool}) => {
			const copy = (write: (bytes: Buffer) => Promise<void>) =>
				fetchListed(pool, 'SELECT raw FROM rejected_lines ORDER BY file_id, line_no', async ({rows}) => {
					for (const [raw] of rows) await write(Buffer.concat([storedBytes(raw!), NEWLINE]));
				}, {batchRows, signal});
			// The format only names a generated file: --out names this one.
			if (toFile) await intoOutFile(context, 'rejected', 'csv', async (file) => counted(await copy(file.write), 'line'));
			else await copy((bytes) => writeOrWait(context.stdout, bytes, signal));
			return 0;
		}, {reader: true, signal}),
	);
}
