import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {stringify} from 'csv-stringify/sync';
import {parse as parseArray} from 'postgres-array';
import stringWidth from 'string-width';
import {makeFolders} from '../../ingest/db/workdir.js';
import {folderDiskFull} from '../../ingest/disk-full.js';
import {UserError} from '../../ingest/errors.js';
import {cellText, columnPlaces, oneLineCell, truncated, valueText, wallTime} from '../format.js';
import {isoInstant} from './result-values.js';
import {isNumeric, type ColumnKind, type OutputFormat, type TaskResult} from './types.js';

type Cell = TaskResult['rows'][number][number];

/** What Excel reads as the start of a formula (OWASP's list): a learner's name or search can start so. */
const FORMULA_START = /^[=+\-@\t\r]/;

type Columns = TaskResult['columns'];
type Rows = TaskResult['rows'];

/** A format written a piece at a time (a streamed task): `start`, then `rows` per batch, then `end`. */
export type ResultWriter = {start(): string; rows(rows: Rows): string; end(): string};

/** A cell as CSV and Markdown write it: a time in the run's zone as its wall time (see wallTime), anything else as it is. */
export function textCell(columns: Columns): (value: Cell, index: number) => Cell {
	const times = columns.map((column) => column.kind === 'timestamp');
	return (value, index) => (times[index] && typeof value === 'string' ? wallTime(value) : value);
}

/**
 * CSV; for Excel (`bom`), a text cell that Excel would run as a formula (=HYPERLINK(…) as a username) gets a
 * leading ' that Excel shows as text. Without the BOM the cells are left exact for scripts.
 * SQL NULL is an empty field and empty text `""`, as PostgreSQL's COPY … CSV writes and reads them: both were an
 * empty field, and a script could not tell a learner without a section from one whose section is named "".
 */
function csvWriter(columns: Columns, bom: boolean): ResultWriter {
	const cell = textCell(columns);
	const forExcel = (value: Cell, index: number) => {
		if (value === null) return null;
		const text = String(cell(value, index));
		return bom && !isNumeric(columns[index]!.kind) && FORMULA_START.test(text) ? `'${text}` : text;
	};
	// A lone CR quoted too: with unix records the writer quotes only \n, and a reader taking CR as a line end split the
	// row (a rejected CRLF line's starts_with ends with one). An empty text quoted (/^$/), a NULL (null) left empty:
	// quoted_empty quotes both.
	const options = {record_delimiter: 'unix', quoted_match: [/\r/, /^$/]};
	return {
		start: () => stringify([columns.map((column) => column.name)], {bom, ...options}),
		rows: (rows) => stringify(rows.map((row) => row.map(forExcel)), options),
		end: () => '',
	};
}

/** A JSON number as PostgreSQL writes a numeric or a float (`-12.50`, `1e+301`). */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * A value in JSON: a number kept as its text (one a double would change: 9007199254740993) with every digit, as JSON
 * allows; NaN and ±Infinity, which JSON has no number for, as the text CSV writes (JSON.stringify wrote null, read
 * back as NULL). A json or jsonb value is the JSON text PostgreSQL sends (it validated it on the way in), written as
 * it is: a nested value, its numbers exact; it was a string holding JSON ("{\"a\": 1}"), which a reader had to parse again.
 */
function jsonValue(value: Cell, kind: ColumnKind): string {
	if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
	if (typeof value === 'string' && (kind === 'json' || (isNumeric(kind) && JSON_NUMBER.test(value)))) return value;
	return JSON.stringify(value);
}

/** An array's elements as PostgreSQL's text of it has them: NULL as null, an array of arrays nested. */
type ArrayElements = Array<string | null | ArrayElements>;

/**
 * An array column's value in JSON: PostgreSQL's text of it (`{1,NULL}`, `{{"a b",c}}`) read as pg reads an array, each
 * element written as a value of its kind is (jsonValue): numbers as numbers, booleans (`t`) as booleans, timestamptz
 * in ISO UTC, json nested, NULL as null; laid out on a line, as PostgreSQL lays out a jsonb array (`[1, null]`).
 * It was the array's text, `"{1,NULL}"`, which a reader had to parse as PostgreSQL does.
 */
function jsonArray(text: string, elements: ColumnKind): string {
	const element = (value: string): Cell => (elements === 'boolean' ? value === 't' : elements === 'timestamp' ? isoInstant(value, false) : value);
	const written = (values: ArrayElements): string =>
		`[${values.map((value) => (Array.isArray(value) ? written(value) : jsonValue(value === null ? null : element(value), elements))).join(', ')}]`;
	return written(parseArray(text) as ArrayElements);
}

/**
 * An array of objects as JSON.stringify(objects, null, 2) writes it, an object at a time. Refused when two columns
 * share a name (a task's `SELECT count(*), count(DISTINCT username)` names both count): an object keeps one value
 * a key, so the other column was dropped without a word.
 */
function jsonWriter(columns: Columns): ResultWriter {
	const names = columns.map((column) => column.name);
	const twice = names.find((name, index) => names.indexOf(name) !== index);
	if (twice !== undefined) throw new UserError(`Two columns are named "${twice}", and JSON keys a row's values by column name, so one would be lost: name them apart in the task's SQL (… AS another_name), or use CSV or Markdown.`);
	let written = 0;
	// Each row's object written as JSON.stringify(…, null, 2) inside the array writes it, value by value: an object made,
	// pretty-printed and indented again by a regex a row took 3.1 s for 475k rows, and the regex's ^ also matched after
	// a U+2028 in a value (JSON leaves it raw), putting two spaces into the value.
	const keys = columns.map((column) => `    ${JSON.stringify(column.name)}: `);
	const value = (cell: Cell, {kind, elements}: Columns[number]) => (elements !== undefined && typeof cell === 'string' ? jsonArray(cell, elements) : jsonValue(cell, kind));
	const object = (row: Rows[number]) => (keys.length === 0 ? '  {}' : `  {\n${keys.map((key, index) => key + value(row[index] ?? null, columns[index]!)).join(',\n')}\n  }`);
	return {
		start: () => '',
		rows: (rows) => rows.map((row) => `${written++ === 0 ? '[\n' : ',\n'}${object(row)}`).join(''),
		end: () => (written === 0 ? '[]\n' : '\n]\n'),
	};
}

/**
 * What a Markdown table cell would read as markup (GFM, as GitHub renders it, and CommonMark): `&` and `<` (HTML, entities,
 * <autolinks>), `\\`, `|` (the cell's end), a line break (LF, CRLF, or a lone CR, at which Markdown ends a line too: left
 * raw it cut the row in two), the inline syntax `` ` `` (code), `*` and `_` (emphasis), `~` (GFM's strikethrough), the
 * `]` of `](` (a link or an image: `[a]` alone is text, a table holding no link definitions, so a JSON array stays as it
 * is) and `$` (GitHub's math), and what starts a GFM literal autolink: the `:` of `http://` and the `.` of `www.`. Such
 * a link is read from the raw text, so a `\_` in it came out as `\_` and an `&amp;` as `&amp;`: as text, its escapes work. A run of `_` between letters or digits (user_id,
 * Demo_Course) is left as it is: it can neither open nor close emphasis there, and escaped it made every id hard to read.
 * Each alternative starts with its character and looks behind only then: a lookbehind first made the writer twice as
 * slow as the five replaceAll it replaces (2M cells of URLs, names, numbers and times: 1.6 s against 0.9 s).
 */
const MARKDOWN_SYNTAX = /[&<\\|`*~$\n]|\](?=\()|\r\n?|_(?<![\p{L}\p{N}_]_)_*|_+(?![\p{L}\p{N}_])|:(?<=[A-Za-z]:)(?=\/\/)|\.(?<=[Ww]{3}\.)/gu;
const WRITTEN: Record<string, string> = {'&': '&amp;', '<': '&lt;', '\n': '<br>', '\r': '<br>', '\r\n': '<br>'};

/** `text` as a Markdown table cell whose rendering reads as `text` (see MARKDOWN_SYNTAX): the rest as `\\` escapes. */
const markdownCell = (text: string) => text.replace(MARKDOWN_SYNTAX, (syntax) => WRITTEN[syntax] ?? (syntax.length === 1 ? `\\${syntax}` : syntax.replaceAll('_', '\\_')));

/**
 * Markdown: each cell as markdownCell writes it (so a row stays on one line and a learner named `<b>x</b>` or `__init__`
 * reads as such, not bold), number columns right-aligned, NULL as the app's tables show it (<null>, and a text that
 * reads so quoted: see valueText), an empty text as an empty cell; both were an empty cell.
 */
function markdownWriter(columns: Columns): ResultWriter {
	const line = (cells: string[]) => `| ${cells.join(' | ')} |\n`;
	const cell = textCell(columns);
	return {
		start: () => line(columns.map((column) => markdownCell(column.name))) + line(columns.map((column) => (isNumeric(column.kind) ? '---:' : '---'))),
		rows: (rows) => rows.map((row) => line(row.map((value, index) => markdownCell(valueText(cell(value, index)))))).join(''),
		end: () => '',
	};
}

export function resultWriter(columns: Columns, format: OutputFormat, options: {bom?: boolean} = {}): ResultWriter {
	switch (format) {
		case 'csv':
			return csvWriter(columns, options.bom ?? false);
		case 'json':
			return jsonWriter(columns);
		case 'md':
			return markdownWriter(columns);
	}
}

/** Printable ASCII, one column a character: string-width's segmenting took microseconds a cell, a minute for 500k rows. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const displayWidth = (text: string) => (PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text));

/** `text` cut in its middle (…) to at most `width` columns, and the columns it then takes (a wide character may leave one fewer). */
function cutInTheMiddle(text: string, width: number): {shown: string; columns: number} {
	if (!PRINTABLE_ASCII.test(text)) {
		const shown = truncated(text, width, 'middle');
		return {shown, columns: stringWidth(shown)};
	}
	const head = Math.ceil((width - 1) / 2);
	return {shown: `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`, columns: width};
}

/** Text columns are cut to fit a terminal, down to this width or their name's. */
const NARROWEST_CUT = 12;

/**
 * The widths of a table's columns within `maxWidth` (two spaces between columns): each text column gives a
 * share of what is too much in proportion to what it has above NARROWEST_CUT (or its name's width), so a long
 * URL gives most and keeps the most (cut alike, every column was as narrow as the shortest needed); numbers,
 * dates and the like, and the first column, are never cut. When that is not enough, the widths as they were:
 * the lines wrap anyway, and whole values read better than cut ones.
 */
function fittedWidths(widths: number[], cuttable: boolean[], narrowest: number[], maxWidth: number): number[] {
	const excess = widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1) - maxWidth;
	const spare = widths.map((width, index) => (cuttable[index] ? width - narrowest[index]! : 0));
	const spareTotal = spare.reduce((sum, each) => sum + each, 0);
	if (excess <= 0 || spareTotal < excess) return widths;
	const fitted = widths.map((width, index) => width - Math.floor((excess * spare[index]!) / spareTotal));
	// What the rounding down left: a character each from the columns with the most to spare.
	let left = fitted.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1) - maxWidth;
	for (const index of spare.map((_, index) => index).sort((a, b) => spare[b]! - spare[a]!)) {
		if (left <= 0) break;
		if (spare[index]! > widths[index]! - fitted[index]!) {
			fitted[index]!--;
			left--;
		}
	}
	return fitted;
}

/**
 * Aligned columns for a terminal (display width aware), numbers right-aligned and written as the app writes them
 * (3,000: the table said 3000 where the app said 3,000; decimals to at most three places, lined up), timestamps to the
 * second and NULL as <null> as in the app, one line per row; with `maxWidth` (the terminal's columns), text values that would make a line wrap
 * are cut in their middle (…): a URL keeps its start and its end. `cut` says whether any was.
 */
export function terminalTable(result: TaskResult, maxWidth = Infinity): {text: string; cut: boolean} {
	const table = terminalTableWriter(result.columns, result.rows, maxWidth);
	// As the app's table says: a header and dashes alone looked cut off.
	return {text: result.rows.length === 0 ? `${table.head}(no rows)\n` : table.head, cut: table.cut()};
}

/**
 * terminalTable written a batch at a time (a listing of a million rows): `head` is the names and the `first`
 * rows, whose widths the table keeps; `rows` gives later rows' lines. A later value wider than its column is cut
 * as the first rows' are, except in the columns never cut (numbers, dates, the first), which widen from there.
 */
export function terminalTableWriter(columns: Columns, first: Rows, maxWidth = Infinity): {head: string; rows(rows: Rows): string; cut(): boolean} {
	// The app's cells: NULL too, as <null> (it was empty, as an empty text is).
	const places = columnPlaces({columns, rows: first});
	const oneLine = (value: Cell, index: number) => oneLineCell(cellText(value, columns[index]!.kind, places[index]));
	const names = columns.map((column) => column.name);
	const cells = [names, ...first.map((row) => row.map(oneLine))];
	// A loop, not Math.max(...column): spread over more than about 120k rows, it threw "Maximum call stack size exceeded".
	const whole = names.map(() => 0);
	for (const row of cells) for (const [index, text] of row.entries()) whole[index] = Math.max(whole[index]!, displayWidth(text));
	// Not the first column: what a row is about (a learner, a file, a day), as in the app's table.
	const cuttable = columns.map((column, index) => index > 0 && (column.kind === 'text' || column.kind === 'json'));
	const narrowest = names.map((name, index) => Math.min(whole[index]!, Math.max(NARROWEST_CUT, displayWidth(name))));
	const widths = fittedWidths(whole, cuttable, narrowest, maxWidth);
	let cut = false;
	const pad = (text: string, index: number) => {
		const width = displayWidth(text);
		if (width > widths[index]! && !cuttable[index]) widths[index] = width;
		const {shown, columns: taken} = width > widths[index]! ? cutInTheMiddle(text, widths[index]!) : {shown: text, columns: width};
		if (shown !== text) cut = true;
		const fill = ' '.repeat(widths[index]! - taken);
		return isNumeric(columns[index]!.kind) ? fill + shown : shown + fill;
	};
	const lines = (rows: string[][]) => rows.map((row) => `${row.map(pad).join('  ').trimEnd()}
`).join('');
	const [heading, ...firstLines] = cells;
	const head = lines([heading!]) + `${widths.map((width) => '-'.repeat(width)).join('  ')}
` + lines(firstLines);
	return {head, rows: (rows) => lines(rows.map((row) => row.map(oneLine))), cut: () => cut};
}

export function formatResult(result: TaskResult, format: OutputFormat, options: {bom?: boolean} = {}): string {
	const writer = resultWriter(result.columns, format, options);
	return writer.start() + writer.rows(result.rows) + writer.end();
}

const EXTENSIONS: Record<OutputFormat, string> = {csv: 'csv', json: 'json', md: 'md'};

/** The most UTF-8 bytes a file's name may have: 255 on ext4, XFS, Btrfs and APFS (NTFS counts 255 UTF-16 units, never fewer). */
const NAME_BYTES = 255;

/** `text`'s first characters, within `bytes` UTF-8 bytes (a character is never split). */
function firstBytes(text: string, bytes: number): string {
	let kept = '';
	for (const char of text) {
		if (Buffer.byteLength(kept + char) > bytes) break;
		kept += char;
	}
	return kept;
}

/**
 * Safe on every file system: letters, digits, `_`, `-` only (no `:` `+` `/` `\`). No dot either: Windows
 * reads everything before a name's first dot as the name, so `aux.x_…csv` would be the AUX device.
 * Letters of any script count (a learner named борис stays борис), composed (NFC) whatever the input was.
 * At most `bytes` UTF-8 bytes: a part cut shorter ends in `-` and 8 hex digits of a hash of the whole, so two course
 * ids that share their first bytes (a university's long name in Cyrillic, 2 bytes a letter) keep names of their own.
 */
function fileNamePart(text: string, bytes: number): string {
	const whole = text.normalize('NFC');
	const safe = whole.replace(/[^\p{L}\p{M}\p{N}_-]+/gu, '_').replace(/^_+|_+$/g, '');
	if (Buffer.byteLength(safe) <= bytes) return safe;
	const hash = `-${crypto.createHash('sha256').update(whole).digest('hex').slice(0, 8)}`;
	return firstBytes(safe, bytes - hash.length).replace(/[_-]+$/, '') + hash;
}

/** A part's bytes at most, as long as the name's parts together fit. */
const PART_BYTES = 64;
/** The bytes of a generated name's stem at most, for its `-999` and `.json` to fit too. */
const BASE_BYTES = NAME_BYTES - '-999'.length - '.json'.length;

/**
 * `<task>_<course|all>[_<learner>][_<dates>][_<zone>]_<UTC timestamp>`: a run for one learner names them, one for a
 * date range names it (`2018-10-01_to_2018-10-31`, `from_2018-10-01`, `to_2018-10-31`), one in a zone other than UTC
 * names it (`Europe_Moscow`): October's and November's results, or the app's in Moscow time and `run`'s in UTC,
 * differed by their timestamps only. Each part is cut to 64 bytes; where they add up to more than a name holds (a long
 * task id, course id, learner and zone: 264 bytes, and saving failed with ENAMETOOLONG), the longest are cut alike,
 * shorter, until it fits.
 */
export function resultFileBase(result: Pick<TaskResult, 'taskId' | 'parameters'>, when: Date): string {
	const {parameters} = result;
	const named = (bytes: number) => {
		const part = (text: string | undefined) => fileNamePart(text ?? '', bytes);
		const [learner, from, to] = [part(parameters.user), part(parameters.from), part(parameters.to)];
		const dates = from && to ? [from, 'to', to] : from ? ['from', from] : to ? ['to', to] : [];
		const zone = parameters.tz && parameters.tz !== 'UTC' ? part(parameters.tz) : '';
		return [part(result.taskId) || 'task', part(parameters.course) || 'all', ...(learner ? [learner] : []), ...dates, ...(zone ? [zone] : []), timestampPart(when)].join('_');
	};
	// Ends by 36 bytes a part at the latest: six parts of 36, "to", the timestamp and seven `_` are 241 bytes.
	let bytes = PART_BYTES;
	let base = named(bytes);
	while (Buffer.byteLength(base) > BASE_BYTES) base = named(--bytes);
	return base;
}

/** 2026-11-25T15:48:18.123Z → 20261125T154818Z */
function timestampPart(date: Date): string {
	return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** Links the written `temp` in as `target` (or copies it, without overwriting, where links are not made): false when target exists. */
function placeNew(temp: string, target: string): boolean {
	try {
		fs.linkSync(temp, target);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		// File systems without hard links: an exclusive copy is still never an overwrite.
		try {
			fs.copyFileSync(temp, target, fs.constants.COPYFILE_EXCL);
			return true;
		} catch (copyError) {
			if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') return false;
			throw copyError;
		}
	}
}

/** The file that stands where `dir` or one of its parents should be a folder, or undefined. */
function fileInTheWay(dir: string): string | undefined {
	let at = dir;
	// Up to the root at most: on Windows the root of a drive or share that is not there (a USB disk taken out, a network
	// drive offline) is its own parent and never exists, and --out Q:\x.csv looped here for good.
	while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
	return fs.statSync(at, {throwIfNoEntry: false})?.isDirectory() === false ? at : undefined;
}

/** "Cannot save in dir: file is a file, not a folder; …" */
const notAFolder = (dir: string, file: string) => `Cannot save in ${dir}: ${file === dir ? 'it' : file} is a file, not a folder; move it away first.`;

/** Makes `dir` and its parents (not mkdir's recursive option: it spins forever under /proc); a file in the way is one sentence. */
function makeFolder(dir: string): void {
	try {
		makeFolders(dir);
	} catch (error) {
		const file = fileInTheWay(dir);
		if (file === undefined) throw error;
		throw new UserError(notAFolder(dir, file));
	}
}

/** Where --save and the app's save key write: result/ in the current folder. */
export const defaultResultDir = () => path.join(process.cwd(), 'result');

/** Windows' device names: NUL, and NUL.csv too, is the device, whatever the case. */
const WINDOWS_DEVICE = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * Why Windows cannot hold `name` as a file's name, or undefined. Node hands Windows every path in its \\?\ form, which
 * turns off the rules of Win32 names: `--out NUL` (Windows' /dev/null) made a file named NUL, and `report.` one whose
 * trailing dot stayed, files that Explorer and del can neither open nor delete.
 */
export function windowsNameProblem(name: string): string | undefined {
	const stem = name.split('.')[0]!.trimEnd();
	if (WINDOWS_DEVICE.test(stem)) return `${stem} is a device on Windows (as is ${stem} with any extension), not a file name`;
	if (/[. ]$/.test(name)) return 'Windows names cannot end in a dot or a space';
	if (/[<>:"|?*\u0000-\u001F]/.test(name)) return 'Windows names cannot hold < > : " | ? * or a control character';
	return undefined;
}

/** Why --out `out` cannot be written as a new file (a folder, a file already there, a folder of its path missing, a name Windows cannot hold), or undefined. */
export function outProblem(out: string, platform: NodeJS.Platform = process.platform): string | undefined {
	const target = path.resolve(out);
	const badName = platform === 'win32' ? windowsNameProblem(path.basename(target)) : undefined;
	if (badName !== undefined) return `--out ${target}: ${badName}; choose another file name.`;
	let stat: fs.Stats | undefined;
	try {
		stat = fs.statSync(target, {throwIfNoEntry: false});
	} catch {
		// A file where a folder of the path should be (ENOTDIR): said below.
	}
	if (stat?.isDirectory()) return `${target} is a folder; give --out a file name in it, or use --save.`;
	if (stat) return `${target} already exists; choose another --out file or remove it first.`;
	// --out makes no folders, as cp and most tools: a typo in its path must not leave one behind.
	const dir = path.dirname(target);
	const file = fileInTheWay(dir);
	if (file !== undefined) return notAFolder(dir, file);
	if (!fs.existsSync(dir)) return `The folder ${dir} does not exist; create it first.`;
	return undefined;
}

/** A result file being written: pieces go to a temp file beside it; `finish` puts it in place (never over another file) and says where. */
export type ResultFile = {write(text: string | Uint8Array): Promise<void>; finish(): Promise<string>; discard(): Promise<void>};

type SaveOptions = {
	format: OutputFormat;
	out?: string;
	resultDir?: string;
	/** The time a generated name carries (default: now); the same for two saves, the second takes `-2`. */
	now?: Date;
};

/** Runs `step`; a failure of the file system is one sentence naming `dir`. */
async function inFolder<T>(dir: string, step: () => Promise<T>): Promise<T> {
	try {
		return await step();
	} catch (error) {
		if (error instanceof UserError) throw error;
		const full = folderDiskFull(error, dir, {outcome: 'no file was left', retry: 'try again'});
		if (full) throw full;
		// Node names the temporary file it was writing ("EACCES: permission denied, open '/data/.x.csv.12795.tmp'"): the folder is what to fix.
		const reason = (error as Error).message.replace(/,.*$/s, '');
		throw new UserError(`Cannot write the result file in ${dir}: ${reason}.`);
	}
}

/**
 * Opens a result file: `out`, or in resultDir (default ./result) a name from the task and its parameters
 * (resultFileBase) and `[-n].<ext>`, taken when it is finished.
 */
export async function openResultFile(head: Pick<TaskResult, 'taskId' | 'parameters'>, options: SaveOptions): Promise<ResultFile> {
	const {out} = options;
	const dir = path.resolve(out ? path.dirname(out) : (options.resultDir ?? defaultResultDir()));
	const base = resultFileBase(head, options.now ?? new Date());
	const candidates = function* (): Generator<string> {
		if (out) {
			yield path.resolve(out);
			return;
		}
		for (let attempt = 1; attempt < 1000; attempt++) yield path.join(dir, `${base}${attempt > 1 ? `-${attempt}` : ''}.${EXTENSIONS[options.format]}`);
	};
	const first = candidates().next().value!;
	// A name no one can foresee, made anew ('wx'): one named by the pid alone was opened through whatever stood there,
	// a link planted in the folder (run as root into another user's folder: any file of the machine, emptied).
	// Its name within a name's 255 bytes: `first`'s cut to fit (an --out name of 250 bytes, valid, failed with ENAMETOOLONG).
	const unforeseen = `.${process.pid}-${crypto.randomBytes(6).toString('hex')}.tmp`;
	const temp = path.join(dir, `.${firstBytes(path.basename(first), NAME_BYTES - 1 - unforeseen.length)}${unforeseen}`);
	const file = await inFolder(dir, async () => {
		if (out === undefined) makeFolder(dir);
		const problem = out === undefined ? undefined : outProblem(first);
		if (problem !== undefined) throw new UserError(problem);
		return fs.promises.open(temp, 'wx');
	});
	const discard = async () => {
		await file.close().catch(() => {});
		fs.rmSync(temp, {force: true});
	};
	return {
		write: (text) => inFolder(dir, () => file.appendFile(text)),
		finish: () =>
			inFolder(dir, async () => {
				try {
					await file.close();
					for (const target of candidates()) if (placeNew(temp, target)) return target;
					// --out made meanwhile (another run): still never overwritten.
					throw new UserError(out ? (outProblem(first) ?? `${first} could not be written.`) : `Could not find a free file name in ${dir}.`);
				} finally {
					await discard();
				}
			}),
		discard,
	};
}

/**
 * Rows formatted per write when a whole result is saved. Each batch is one turn of the event loop, so it is kept to a few
 * ms: with 10,000 (~1.4 MB of CSV) learner-unit-events' 475k rows held the app's keys 50-110 ms a batch on a quiet
 * machine (300-480 ms on a busy one), and the batch's rows, alive across its young-generation collections, were copied
 * and promoted: the save spent 40 % of its time collecting garbage. With 1,000 the save is faster too (CSV 2.0 s, was 2.6-2.9).
 * One string of a whole result would not do anyway: a million rows of JSON are ~330 MB, near V8's limit.
 */
const SAVED_ROWS = 1_000;

/**
 * Saves a whole result (see openResultFile), written a batch of rows at a time; `onProgress` hears the rows written after
 * each batch. Between batches the event loop has its turn (the write is awaited), so the app's keys and frames are not
 * held for the whole save; the bytes are those of `formatResult`, however the rows are cut into batches.
 */
export async function saveResult(result: TaskResult, options: SaveOptions & {bom?: boolean; onProgress?: (rows: number) => void}): Promise<{path: string; rows: number}> {
	const file = await openResultFile(result, options);
	try {
		const writer = resultWriter(result.columns, options.format, {bom: options.bom});
		await file.write(writer.start());
		for (let from = 0; from < result.rows.length; from += SAVED_ROWS) {
			await file.write(writer.rows(result.rows.slice(from, from + SAVED_ROWS)));
			options.onProgress?.(Math.min(from + SAVED_ROWS, result.rows.length));
		}
		await file.write(writer.end());
	} catch (error) {
		await file.discard();
		throw error;
	}
	return {path: await file.finish(), rows: result.rows.length};
}
