import {isUtf8} from 'node:buffer';

/**
 * What a content's first bytes say it is when it is no tracking log. Everything named was read as lines of a log:
 * a PDF, a workbook, a .tar.gz or a CSV was "loaded", its lines rejected or its binary header stored as an event's
 * logger prefix, with exit 0 and no word. Decided by content, not by name, so a log named .txt still loads.
 */

/**
 * Content that is no log, skipped with this sentence (what it looks like, and what to do): recorded as loaded with
 * nothing from it, as an empty file is, and named in the summary. Inputs whose logs wait inside a form ingest does
 * not read (a tar archive, xz, a Docker log) fail instead, as UTF-16 text does: their logs are not loaded.
 */
export class NotALog extends Error {}

/** How much of a content's beginning is looked at. */
export const SNIFF_BYTES = 64 * 1024;

/** A form whose logs, if any, are inside: the input fails, saying how to get them out. */
const unread = (what: string) => () => new Error(what);
/** A content that is no log, by what it is ("a PDF document"). */
export const notALog = (what: string) => new NotALog(`${what}, not a tracking log; nothing was loaded from it`);
const skipped = (what: string) => () => notALog(what);

const SIGNATURES: Array<{magic: Buffer; at: number; error: () => Error}> = [
	{magic: Buffer.from('ustar'), at: 257, error: unread('a tar archive: extract it (tar xf FILE, which reads a .tar.gz too) and load the files it holds')},
	{magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), at: 0, error: unread('xz-compressed: decompress it first (xz -d FILE, or 7-Zip) and load what comes out')},
	{magic: Buffer.from('BZh'), at: 0, error: unread('bzip2-compressed: decompress it first (bunzip2 FILE, or 7-Zip) and load what comes out')},
	{magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), at: 0, error: unread('zstd-compressed: decompress it first (zstd -d FILE) and load what comes out')},
	{magic: Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), at: 0, error: unread('a 7-Zip archive: extract it (7z x FILE) and load the files it holds')},
	{magic: Buffer.from('Rar!\x1a\x07', 'latin1'), at: 0, error: unread('a RAR archive: extract it and load the files it holds')},
	{magic: Buffer.from('%PDF-'), at: 0, error: skipped('a PDF document')},
	// OLE2 compound files: .xls, .doc, .ppt before 2007, and Windows' Thumbs.db.
	{magic: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), at: 0, error: skipped('an old Office document (.xls, .doc, .ppt) or a Windows thumbnail cache (Thumbs.db)')},
];

/**
 * UTF-16 text begins with its byte order mark (Windows PowerShell's `>` writes such files): read as UTF-8,
 * each of its lines was rejected. The file fails instead, saying how to convert it.
 */
const isUtf16 = (head: Buffer) => head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
const utf16Error = () => new Error('UTF-16 text, not UTF-8: save it as UTF-8 first (PowerShell: Get-Content FILE | Set-Content -Encoding utf8 NEWFILE)');

const parsed = (text: string): unknown => {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
};
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether a line is an event, or tries to be one: one that begins with `{` (broken or cut, it is rejected and kept, as
 * a log's bad line is), or whose text from its first `{` is a JSON object (after a logger prefix). A line cut by the
 * sample's end is given the benefit of the doubt when it holds a `{`. One that begins with `[` or `"` is JSON that
 * merely holds a brace, as parseLineInto reads it.
 */
function looksLikeEvent(line: string, whole: boolean): boolean {
	const brace = line.indexOf('{');
	if (brace < 0 || line.startsWith('[') || line.startsWith('"')) return false;
	return brace === 0 || !whole || isObject(parsed(line.slice(brace)));
}

const ONE_EVENT_A_LINE = 'where a tracking log has one event per line; put each event on a line of its own';

/**
 * Throws when `head`, a content's first bytes (up to SNIFF_BYTES; `ended`: the whole of it), is no tracking log: a
 * NotALog to skip it, an Error to fail it (see NotALog). Text is no log when none of its lines in those bytes looks
 * like an event (looksLikeEvent): a log with bad lines among them loads its good ones, and so does one after a header
 * of comments (a test log of edx-analytics-pipeline has 11 lines of them).
 */
export function sniffContent(head: Buffer, ended: boolean): void {
	if (isUtf16(head)) throw utf16Error();
	for (const {magic, at, error} of SIGNATURES) if (head.subarray(at, at + magic.length).equals(magic)) throw error();
	// The last line, unless the content ends there, may be cut: and so may a character at the sample's end.
	const pieces = head.toString('utf8').split('\n');
	const last = pieces.length - 1;
	const lines: Array<{text: string; whole: boolean}> = [];
	for (const [index, piece] of pieces.entries()) {
		const text = piece.replace(/^\uFEFF/, '').trim();
		if (text !== '') lines.push({text, whole: index < last || ended});
	}
	const first = lines[0];
	if (!first) return;
	const events = lines.filter((line) => looksLikeEvent(line.text, line.whole)).length;
	// A lone "{" opens pretty-printed JSON, where the lines that start with "{" open objects too ("{", "{},"); one that
	// holds more is an event after a bad first line, and the log loads its good ones (the fuzz test's had 1,050).
	if (first.text === '{' && !lines.some((line) => looksLikeEvent(line.text, line.whole) && !/^\{\s*\}?,?$/.test(line.text))) {
		throw new NotALog(`JSON spread over many lines (pretty-printed), ${ONE_EVENT_A_LINE} (jq -c . FILE) and load that; nothing was loaded from it`);
	}
	// An array of objects, an API's export: pretty-printed or with an element a line (its lone "[", which no log line is),
	// or on one line (jq -c .), with no event after it (a log whose first line is a bad one loads its good ones).
	if (first.text === '[' || (first.text.startsWith('[{') && events === 0)) {
		throw new NotALog(`a JSON array, ${ONE_EVENT_A_LINE} (jq -c ".[]" FILE) and load that; nothing was loaded from it`);
	}
	const record = first.whole ? parsed(first.text) : undefined;
	if (isObject(record) && typeof record.log === 'string' && 'stream' in record) {
		throw new Error(`a Docker json-file log, each line's text wrapped in its "log": unwrap it first (jq -j .log FILE > tracking.log) and load that`);
	}
	if (events > 0) return;
	// Up to 3 bytes at the sample's end may be a character cut in two.
	if (!isUtf8(ended ? head : head.subarray(0, Math.max(0, head.length - 3)))) throw notALog('binary data');
	const counted = lines.length === 1 ? 'its first line is not a JSON object' : `none of its first ${lines.length} lines is a JSON object`;
	throw new NotALog(`not a tracking log: ${counted} (a tracking log has one JSON event per line), as in a CSV file or notes; nothing was loaded from it`);
}

/** Office documents are zip archives: what one is by the names of its members, if it is one. */
export function officeDocument(names: string[]): string | undefined {
	if (names.includes('[Content_Types].xml')) {
		if (names.some((name) => name.startsWith('xl/'))) return 'an Excel workbook';
		if (names.some((name) => name.startsWith('word/'))) return 'a Word document';
		if (names.some((name) => name.startsWith('ppt/'))) return 'a PowerPoint presentation';
		return 'an Office document';
	}
	if (names.includes('mimetype') && names.includes('content.xml')) return 'an OpenDocument file (LibreOffice)';
	return undefined;
}
