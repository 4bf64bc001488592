import crypto from 'node:crypto';
import {isUtf8} from 'node:buffer';
import {copyField, plainField} from './copy-text.js';

/**
 * Turns one tracking-log line into one row of the events table (COPY text format), or says why the
 * line is rejected. Pure: no I/O, so it is fuzzed and unit-tested directly.
 */

/** Column order of the rows parseLine builds; file_id, line_no and load_id are prepended by the loader. */
export const EVENT_COLUMNS = [
	'file_id', 'line_no', 'load_id', 'event_hash', 'time', 'username', 'user_id', 'course_id', 'org_id', 'event_type',
	'name', 'event_source', 'session', 'page', 'referer', 'host', 'ip', 'agent', 'accept_language', 'context_path',
	'event', 'event_text', 'event_format', 'context', 'extra',
] as const;

export type RejectReason = 'invalid-utf8' | 'malformed-json' | 'truncated-json' | 'not-an-object' | 'line-too-long' | 'unsupported-json' | 'database-refused';

export type ParsedLine =
	| {kind: 'blank'}
	| {kind: 'event'; hash: string; row: string}
	| {kind: 'rejected'; reason: RejectReason; detail: string};

/** Top-level string fields that get a column of their own (context and event are handled apart). */
const stringFields = ['username', 'event_type', 'name', 'event_source', 'session', 'page', 'referer', 'host', 'ip', 'agent', 'accept_language'] as const;
const knownTopLevel = new Set<string>([...stringFields, 'time', 'context', 'event']);
const contextColumns = new Set(['user_id', 'org_id', 'course_id', 'path']);

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CR = 0x0d;

function trimLine(line: Buffer): Buffer {
	let start = 0;
	let end = line.length;
	if (end >= 3 && line[0] === BOM[0] && line[1] === BOM[1] && line[2] === BOM[2]) start = 3;
	if (end > start && line[end - 1] === CR) end--;
	return line.subarray(start, end);
}

const isoTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

const digitsAt = (text: string, start: number, count: number) => Number(text.slice(start, start + count));

/** A time PostgreSQL will accept for timestamptz, or undefined (then the original goes to `extra`). */
export function validTime(value: unknown): string | undefined {
	if (typeof value !== 'string' || !isoTime.test(value)) return undefined;
	const year = digitsAt(value, 0, 4);
	const month = digitsAt(value, 5, 2);
	const day = digitsAt(value, 8, 2);
	if (year < 1 || month < 1 || month > 12 || day < 1 || digitsAt(value, 11, 2) > 23 || digitsAt(value, 14, 2) > 59 || digitsAt(value, 17, 2) > 59) return undefined;
	if (day > 28 && day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
	// PostgreSQL refuses offsets beyond ±15:59 (and the whole row with them).
	const offset = /[+-](\d{2}):?(\d{2})?$/.exec(value.slice(19));
	if (offset && (Number(offset[1]) > 15 || Number(offset[2] ?? 0) > 59)) return undefined;
	// No offset means UTC (the loader's sessions run in UTC, so PostgreSQL reads it that way too).
	return value;
}

const courseInUrl = /(?:course-v1|ccx-v1):[^/?#\s"]+/;
const oldCourseInUrl = /\/courses\/([^/?#\s"]+\/[^/?#\s"]+\/[^/?#\s"]+)\//;

/** Course id from a URL or URL-like event_type: opaque keys first, then old Org/Course/Run paths. */
export function courseFromUrl(url: string | undefined): string | undefined {
	if (!url) return undefined;
	const opaque = courseInUrl.exec(url);
	if (opaque) return decodeURIComponentSafe(opaque[0]);
	const old = oldCourseInUrl.exec(url);
	if (old && !old[1]!.startsWith('course-v1:')) return decodeURIComponentSafe(old[1]!);
	return undefined;
}

function decodeURIComponentSafe(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

export function orgFromCourse(courseId: string | undefined): string | undefined {
	if (!courseId) return undefined;
	const opaque = /^(?:course-v1|ccx-v1):([^+]+)\+/.exec(courseId);
	if (opaque) return opaque[1];
	const slash = courseId.indexOf('/');
	return slash > 0 ? courseId.slice(0, slash) : undefined;
}

// PostgreSQL cannot store NUL in text or jsonb, and jsonb refuses escapes of lone surrogates.
const unstorableEscapePattern = /\\u(?:0000|[dD][89a-fA-F])/;
const hasUnstorableEscape = (text: string) => text.includes('\\u') && unstorableEscapePattern.test(text);

function storable(text: string): string {
	return text.replace(/\0/g, '\uFFFD').toWellFormed();
}

/** Replaces NUL and lone surrogates in every string (keys too) of a parsed value. */
function makeStorable(value: unknown): unknown {
	if (typeof value === 'string') return storable(value);
	if (Array.isArray(value)) return value.map(makeStorable);
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
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

/** The event's identity: the first 128 bits of the sha256 of its JSON text (sha256 runs in hardware on current CPUs). */
export function eventHash(json: Uint8Array): string {
	return crypto.hash('sha256', json).slice(0, 32);
}

export function parseLine(rawLine: Buffer): ParsedLine {
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
	const jsonBytes = line.subarray(start);
	const text = jsonBytes.toString('utf8');
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		const message = (error as Error).message;
		const truncated = /end of JSON input|Unterminated string/i.test(message);
		return {kind: 'rejected', reason: truncated ? 'truncated-json' : 'malformed-json', detail: message};
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return {kind: 'rejected', reason: 'not-an-object', detail: 'valid JSON, but not an object'};
	}
	const hash = eventHash(jsonBytes);
	try {
		const record = (hasUnstorableEscape(text) ? makeStorable(parsed) : parsed) as Record<string, unknown>;
		// Without a backslash in the JSON no value can hold a character COPY must escape (JSON escapes them all).
		const field = prefix === undefined && !text.includes('\\') ? plainField : copyField;
		return {kind: 'event', hash, row: buildRow(hash, record, prefix, field)};
	} catch (error) {
		// Nesting deep enough to overflow the stack while re-serialising: rejected, never a crash.
		return {kind: 'rejected', reason: 'unsupported-json', detail: (error as Error).message};
	}
}

function buildRow(hash: string, record: Record<string, unknown>, prefix: string | undefined, field: (value: string | number | undefined) => string): string {
	// Values of known fields with an unexpected type, unknown keys and the logger prefix go to `extra`.
	const extra: Record<string, unknown> = {};
	if (prefix !== undefined) extra._logger_prefix = prefix;
	for (const key in record) if (!knownTopLevel.has(key)) extra[key] = record[key];

	const strings: Record<string, string | undefined> = {};
	for (const field of stringFields) {
		const value = record[field];
		if (typeof value === 'string') strings[field] = value === '' ? undefined : value;
		else if (value !== undefined && value !== null) extra[field] = value;
	}
	const time = validTime(record.time);
	if (time === undefined && record.time !== undefined && record.time !== null) extra.time = record.time;

	let context: Record<string, unknown> = {};
	const rawContext = record.context;
	if (rawContext && typeof rawContext === 'object' && !Array.isArray(rawContext)) context = rawContext as Record<string, unknown>;
	else if (rawContext !== undefined) extra.context = rawContext;
	const contextRest: Record<string, unknown> = {};
	for (const key in context) if (!contextColumns.has(key)) contextRest[key] = context[key];
	const userId = userIdOf(context.user_id);
	if (userId === undefined && context.user_id !== undefined && context.user_id !== '' && context.user_id !== null) contextRest.user_id = context.user_id;
	for (const key of ['org_id', 'course_id', 'path'] as const) {
		if (context[key] !== undefined && typeof context[key] !== 'string') contextRest[key] = context[key];
	}

	const payload = payloadOf(record.event);
	const courseId = nonEmpty(context.course_id) ?? payloadCourse(payload) ?? courseFromUrl(strings.page) ?? courseFromUrl(strings.event_type);
	const orgId = nonEmpty(context.org_id) ?? orgFromCourse(courseId);

	return [
		hash,
		field(time),
		field(strings.username),
		field(userId),
		field(courseId),
		field(orgId),
		field(strings.event_type),
		field(strings.name),
		field(strings.event_source),
		field(strings.session),
		field(strings.page),
		field(strings.referer),
		field(strings.host),
		field(strings.ip),
		field(strings.agent),
		field(strings.accept_language),
		field(nonEmpty(context.path)),
		field(payload.json),
		field(payload.text),
		field(payload.format),
		field(jsonOrNull(contextRest)),
		field(jsonOrNull(extra)),
	].join('\t');
}
