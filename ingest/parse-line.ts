import {isUtf8} from 'node:buffer';
import {int8Field, jsonbField, nullField, readFields, textField, timestampField, uuidField} from './copy-binary.js';
import {eventHash} from './event-hash.js';
import {EVENT_COLUMNS, type EventTime, courseFromUrl, eventTime, hasUnstorableEscape, orgFromCourse, storable, stringFields} from './event-fields.js';
import {writeFastRow} from './fast-event-row.js';
import {RowBuffer} from './row-buffer.js';

/**
 * Turns one tracking-log line into one row of the events table (binary COPY fields), or says why the
 * line is rejected. Pure: no I/O, so it is fuzzed and unit-tested directly. The usual event takes
 * the fast path (fast-event-row.ts); the rest, the general JSON.parse path below.
 */

/** Why a line is rejected; 'trailing-garbage' is no line: the bytes after a .gz's gzip data that are not gzip (see recordTrailingGarbage). */
export type RejectReason = 'invalid-utf8' | 'malformed-json' | 'truncated-json' | 'not-an-object' | 'line-too-long' | 'unsupported-json' | 'database-refused' | 'trailing-garbage';

type Rejected = {kind: 'rejected'; reason: RejectReason; detail: string};
/** What parseLineInto says of a line; an event's row has been appended to the RowBuffer. */
export type LineResult = {kind: 'blank'} | {kind: 'event'; hash: string} | Rejected;
/** An event's fields: those after file_id, line_no and load_id, in binary COPY form (null for NULL). */
export type ParsedLine = {kind: 'blank'} | {kind: 'event'; hash: string; fields: Array<Buffer | null>} | Rejected;

/** Fields parseLineInto writes per event (the loader writes file_id, line_no and load_id). */
export const LINE_FIELDS = EVENT_COLUMNS.length - 3;

const knownTopLevel = new Set<string>([...stringFields, 'time', 'context', 'event']);
const contextColumns = new Set(['user_id', 'org_id', 'course_id', 'path']);

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CR = 0x0d;
const EVENTS_APART_BY_CR = Buffer.from('}\r{');

/**
 * A rejected line's detail, with the reason when it holds events apart by a lone CR: a file with old Mac line endings
 * is one line (split at \n only: a lone CR is rare, and splitting at it too would cost every line). Its JSON error
 * ("non-whitespace character after JSON") or length alone did not say so, nor what to do.
 */
export function withLoneCrHint(detail: string, raw: Buffer): string {
	return raw.includes(EVENTS_APART_BY_CR) ? `${detail}; its events end in a CR alone (old Mac line endings): convert them to LF (an editor's line-ending setting, or tr '\\r' '\\n') and load the file again` : detail;
}

/**
 * The line without its BOM and the JSON whitespace after it (spaces, tabs, CRs: a CRLF's CR among them), which is no
 * part of the event: with it, the same event in another export hashed apart and was stored twice. The usual line,
 * ending in `}`, costs three byte comparisons.
 */
function trimLine(line: Buffer): Buffer {
	let start = 0;
	let end = line.length;
	if (end >= 3 && line[0] === BOM[0] && line[1] === BOM[1] && line[2] === BOM[2]) start = 3;
	while (end > start && (line[end - 1] === CR || line[end - 1] === 0x20 || line[end - 1] === 0x09)) end--;
	return start === 0 && end === line.length ? line : line.subarray(start, end);
}

/** An object without a prototype: a "__proto__" key from the log is kept as a plain member. */
const newRecord = () => Object.create(null) as Record<string, unknown>;

/** Replaces NUL and lone surrogates in every string (keys too) of a parsed value. */
function makeStorable(value: unknown): unknown {
	if (typeof value === 'string') return storable(value);
	if (Array.isArray(value)) return value.map(makeStorable);
	if (value && typeof value === 'object') {
		const out = newRecord();
		for (const [key, inner] of Object.entries(value)) out[storable(key)] = makeStorable(inner);
		return out;
	}
	return value;
}

const nonEmpty = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function userIdOf(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
	if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
	return undefined;
}

type Payload = {json?: string; text?: string; format?: 'object' | 'string' | 'text'; parsed?: unknown};

/** Balanced-looking JSON text: truncated payloads (the usual bad ones) fail this cheap test. */
function looksLikeJson(text: string): boolean {
	const trimmed = text.trim();
	const first = trimmed[0];
	const last = trimmed[trimmed.length - 1];
	return (first === '{' && last === '}') || (first === '[' && last === ']');
}

function payloadOf(event: unknown): Payload {
	if (event === undefined) return {};
	if (typeof event !== 'string') return {json: JSON.stringify(event), format: 'object', parsed: event};
	if (looksLikeJson(event)) {
		// PostgreSQL validates the JSON as it stores it (a refused one is stored as text, see chunk-loader):
		// parsing it here too would cost a tenth of the loader's time.
		if (!hasUnstorableEscape(event)) return {json: event, format: 'string'};
		try {
			return {json: JSON.stringify(makeStorable(JSON.parse(event))), format: 'string'};
		} catch {
			// Not JSON after all: kept verbatim below.
		}
	}
	return {text: event, format: 'text'};
}

/** The payload's course_id, for the rare events whose context has none. */
function payloadCourse(payload: Payload): string | undefined {
	let parsed = payload.parsed;
	if (parsed === undefined && payload.format === 'string') {
		try {
			parsed = JSON.parse(payload.json!);
		} catch {
			return undefined;
		}
	}
	return parsed && typeof parsed === 'object' ? nonEmpty((parsed as Record<string, unknown>).course_id) : undefined;
}

function jsonOrNull(entries: Record<string, unknown>): string | undefined {
	for (const _ in entries) return JSON.stringify(entries);
	return undefined;
}

/**
 * One line with its fields apart (for tests and tools; the loader writes rows straight into its
 * buffer). `fastPath: false` forces the general path, so a test can compare the two.
 */
export function parseLine(rawLine: Buffer, {fastPath = true} = {}): ParsedLine {
	const out = new RowBuffer(rawLine.length + 256);
	const result = parseLineInto(rawLine, out, fastPath);
	return result.kind === 'event' ? {...result, fields: readFields(out.bytes, 0, LINE_FIELDS)} : result;
}

/** Parses one line; an event's fields (binary COPY, without file_id, line_no, load_id) are appended to `out`. */
export function parseLineInto(rawLine: Buffer, out: RowBuffer, fastPath = true): LineResult {
	const line = trimLine(rawLine);
	let start = 0;
	while (start < line.length && (line[start] === 0x20 || line[start] === 0x09)) start++;
	if (start === line.length) return {kind: 'blank'};
	if (!isUtf8(line)) return {kind: 'rejected', reason: 'invalid-utf8', detail: 'the line is not valid UTF-8'};

	// A logger prefix ("2023-05-23 13:53:13,461 INFO … - ") may stand before the JSON object.
	let prefix: string | undefined;
	if (line[start] !== 0x7b) {
		const brace = line.indexOf(0x7b, start);
		// No object start, or a JSON array/string that merely contains a brace: not a prefixed event.
		if (brace < 0 || line[start] === 0x5b || line[start] === 0x22) {
			try {
				JSON.parse(line.toString('utf8', start));
				return {kind: 'rejected', reason: 'not-an-object', detail: 'valid JSON, but not an object'};
			} catch (error) {
				return {kind: 'rejected', reason: 'malformed-json', detail: (error as Error).message};
			}
		}
		// A NUL in the prefix would make jsonb refuse the whole event.
		prefix = storable(line.toString('utf8', start, brace));
		start = brace;
	}
	const jsonBytes = start === 0 ? line : line.subarray(start);
	if (fastPath) {
		const prefixMember = prefix === undefined ? undefined : `"_logger_prefix":${JSON.stringify(prefix)}`;
		const hash = writeFastRow(jsonBytes, out, prefixMember);
		if (hash !== undefined) return {kind: 'event', hash};
	}
	const text = jsonBytes.toString('utf8');
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		const message = (error as Error).message;
		// Cut anywhere, a line ends early: also right after a whole value or a comma, where V8 names what it
		// expected at the position just past the end ("Expected ',' or '}' … at position <length>").
		const at = /at position (\d+)/.exec(message);
		const truncated = /end of JSON input|Unterminated string/i.test(message) || (at !== null && Number(at[1]) >= text.length);
		return {kind: 'rejected', reason: truncated ? 'truncated-json' : 'malformed-json', detail: withLoneCrHint(message, line)};
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return {kind: 'rejected', reason: 'not-an-object', detail: 'valid JSON, but not an object'};
	}
	const rowStart = out.length;
	try {
		const record = (hasUnstorableEscape(text) ? makeStorable(parsed) : parsed) as Record<string, unknown>;
		const time = eventTime(record.time);
		const hash = eventHash(jsonBytes, time);
		writeRow(out, hash, time, record, prefix);
		return {kind: 'event', hash};
	} catch (error) {
		out.length = rowStart;
		// Nesting deep enough to overflow the stack while re-serialising: rejected, never a crash.
		return {kind: 'rejected', reason: 'unsupported-json', detail: (error as Error).message};
	}
}

function writeRow(out: RowBuffer, hash: string, time: EventTime | undefined, record: Record<string, unknown>, prefix: string | undefined): void {
	// Values of known fields with an unexpected type, unknown keys and the logger prefix go to `extra`.
	const extra = newRecord();
	if (prefix !== undefined) extra._logger_prefix = prefix;
	for (const key in record) if (!knownTopLevel.has(key)) extra[key] = record[key];

	const strings: Record<string, string | undefined> = {};
	for (const field of stringFields) {
		const value = record[field];
		if (typeof value === 'string') strings[field] = value === '' ? undefined : value;
		else if (value !== undefined && value !== null) extra[field] = value;
	}
	if (time === undefined && record.time !== undefined && record.time !== null) extra.time = record.time;

	let context: Record<string, unknown> = {};
	const rawContext = record.context;
	if (rawContext && typeof rawContext === 'object' && !Array.isArray(rawContext)) context = rawContext as Record<string, unknown>;
	else if (rawContext !== undefined) extra.context = rawContext;
	const contextRest = newRecord();
	for (const key in context) if (!contextColumns.has(key)) contextRest[key] = context[key];
	const userId = userIdOf(context.user_id);
	if (userId === undefined && context.user_id !== undefined && context.user_id !== '' && context.user_id !== null) contextRest.user_id = context.user_id;
	for (const key of ['org_id', 'course_id', 'path'] as const) {
		if (context[key] !== undefined && typeof context[key] !== 'string') contextRest[key] = context[key];
	}

	const payload = payloadOf(record.event);
	const courseId = nonEmpty(context.course_id) ?? payloadCourse(payload) ?? courseFromUrl(strings.page) ?? courseFromUrl(strings.event_type);
	const orgId = nonEmpty(context.org_id) ?? orgFromCourse(courseId);

	// Serialised before anything is written: a value nested too deep to re-serialise throws here.
	const contextJson = jsonOrNull(contextRest);
	const extraJson = jsonOrNull(extra);
	uuidField(out, hash);
	if (time === undefined) nullField(out);
	else timestampField(out, time.seconds, time.micros);
	textField(out, strings.username);
	if (userId === undefined) nullField(out);
	else int8Field(out, userId);
	textField(out, courseId);
	textField(out, orgId);
	for (const name of stringFields.slice(1)) textField(out, strings[name]);
	textField(out, nonEmpty(context.path));
	jsonbField(out, payload.json);
	textField(out, payload.text);
	textField(out, payload.format);
	textField(out, contextJson);
	textField(out, extraJson);
}
