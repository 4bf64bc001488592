import {JSONB_VERSION, beginField, endField, int8Field, nullField, textField, timestampField, uuidField} from './copy-binary.js';
import {eventHash} from './event-hash.js';
import {eventTime, hasUnstorableEscape, orgFromCourse, stringFields} from './event-fields.js';
import type {RowBuffer} from './row-buffer.js';

/**
 * The fast path of parseLine, for the usual event: one pass over the line's bytes validates the JSON
 * and notes where each top-level and context value lies; the COPY row is then written from those
 * bytes, with no JS objects and no re-serialised JSON (JSON.parse, JSON.stringify and a string per
 * field were most of the loader's CPU time). The row is in binary COPY format (copy-binary.ts).
 *
 * It only says yes to what it handles exactly like the general path: anything else — invalid JSON,
 * an escaped key, a \u0000 or surrogate escape, whitespace other than spaces, a number with an
 * exponent, nesting deeper than MAX_DEPTH, a user id that is not a plain integer, an event without a
 * course in its context, a payload string with blank or escaped ends — goes to the general path,
 * which stays the reference (the fuzz test compares the two).
 */

const MAX_DEPTH = 64;
/** Longer numbers take the general path (PostgreSQL's numeric has limits; logs never get near them). */
const MAX_NUMBER_LENGTH = 100;

const STRING = 1;
const NUMBER = 2;
const OBJECT = 3;
const ARRAY = 4;
const BOOLEAN = 5;
const NULL = 6;

// Slots of the values that get columns: the string fields, then time, context, event, then the context's own.
const TIME = stringFields.length;
const CONTEXT = TIME + 1;
const EVENT = TIME + 2;
const USER_ID = TIME + 3;
const ORG_ID = TIME + 4;
const COURSE_ID = TIME + 5;
const PATH = TIME + 6;
const SLOTS = PATH + 1;

/**
 * Known keys by a number made of their length and first and last bytes, so that a key is looked up
 * without making a string of it (the bytes are compared after). No two known keys share a number.
 */
type KeyTable = Map<number, {key: Buffer; slot: number}>;
const keyCode = (bytes: Uint8Array, start: number, length: number) => (length << 16) | (bytes[start]! << 8) | bytes[start + length - 1]!;
function keyTable(entries: Array<readonly [string, number]>): KeyTable {
	return new Map(entries.map(([name, slot]) => {
		const key = Buffer.from(name);
		return [keyCode(key, 0, key.length), {key, slot}];
	}));
}
const topSlots = keyTable([...stringFields.map((name, slot) => [name, slot] as const), ['time', TIME], ['context', CONTEXT], ['event', EVENT]]);
const contextSlots = keyTable([['user_id', USER_ID], ['org_id', ORG_ID], ['course_id', COURSE_ID], ['path', PATH]]);

function slotOf(table: KeyTable, start: number, length: number): number | undefined {
	if (length === 0) return undefined;
	const known = table.get(keyCode(src, start, length));
	if (!known) return undefined;
	for (let index = 1; index < length - 1; index++) if (src[start + index] !== known.key[index]) return undefined;
	return known.slot;
}

// The line being scanned and what the scan found (module state: parsing is synchronous and one line at a time).
let src: Buffer = Buffer.alloc(0);
/** The same bytes as a one-byte string: String#indexOf finds quotes and backslashes natively, far faster than a loop in JS. */
let text = '';
let end = 0;
/** Position of the next backslash at or after the scan's position (end when there is none); -1 before the first search. */
let nextBackslash = -1;
/** Backslashes met so far: a value holds escapes when the count moved while scanning it. */
let escapes = 0;
let valueType = 0;
const keyAt = new Int32Array(SLOTS);
const startAt = new Int32Array(SLOTS);
const endAt = new Int32Array(SLOTS);
const typeAt = new Uint8Array(SLOTS);
const escapedAt = new Uint8Array(SLOTS);
/** Members without a column, as (member start, member end) pairs: top-level ones go to `extra`, the context's to `context`. */
const extraMembers: number[] = [];
const contextMembers: number[] = [];
/** Slots whose value has a type its column cannot hold, so it goes to `extra` or to `context` as a member. */
const misfits: number[] = [];
const contextMisfits: number[] = [];
const CONTEXT_STRINGS = [ORG_ID, COURSE_ID, PATH];

/** Control characters are invalid in JSON strings, and tabs or CRs between tokens are rare: lines with any take the general path. */
const controlCharacter = /[\x00-\x1f]/;

const BACKSLASH = 0x5c;
/** What the letter after a backslash stands for (\u apart); zero for a letter that is no escape. */
const DECODED_ESCAPE = new Uint8Array(256);
for (const [char, byte] of [['"', 0x22], ['\\', BACKSLASH], ['/', 0x2f], ['b', 0x08], ['f', 0x0c], ['n', 0x0a], ['r', 0x0d], ['t', 0x09]] as const) {
	DECODED_ESCAPE[char.charCodeAt(0)] = byte;
}

const isDigit = (byte: number | undefined) => byte !== undefined && byte >= 0x30 && byte <= 0x39;

function skipSpaces(at: number): number {
	const bytes = src;
	while (bytes[at] === 0x20) at++;
	return at;
}

function hexValue(byte: number | undefined): number {
	if (byte === undefined) return -1;
	if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
	const lower = byte | 0x20;
	return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** The code of the \uXXXX escape whose hex digits start at `at`, or -1. */
function unicodeEscape(at: number): number {
	const a = hexValue(src[at]);
	const b = hexValue(src[at + 1]);
	const c = hexValue(src[at + 2]);
	const d = hexValue(src[at + 3]);
	return a < 0 || b < 0 || c < 0 || d < 0 ? -1 : (a << 12) | (b << 8) | (c << 4) | d;
}

/** `at` is on the opening quote; returns the position after the closing one, or -1. */
function scanString(at: number): number {
	at++;
	for (;;) {
		const quote = text.indexOf('"', at);
		if (quote < 0) return -1;
		if (nextBackslash < at) {
			nextBackslash = text.indexOf('\\', at);
			if (nextBackslash < 0) nextBackslash = end;
		}
		if (nextBackslash > quote) return quote + 1;
		// An escape comes first (it may be the quote's own).
		at = nextBackslash;
		escapes++;
		const next = src[at + 1];
		if (next === 0x75) {
			const code = unicodeEscape(at + 2);
			// NUL and surrogates need the general path (PostgreSQL refuses NUL and lone surrogates).
			if (code <= 0 || (code >= 0xd800 && code <= 0xdfff)) return -1;
			at += 6;
		} else if (next !== undefined && DECODED_ESCAPE[next] !== 0) at += 2;
		else return -1;
	}
}

function scanDigits(at: number): number {
	if (!isDigit(src[at])) return -1;
	while (isDigit(src[at])) at++;
	return at;
}

function scanNumber(start: number): number {
	let at = start;
	if (src[at] === 0x2d) at++;
	if (src[at] === 0x30) at++;
	else if ((at = scanDigits(at)) < 0) return -1;
	if (src[at] === 0x2e && (at = scanDigits(at + 1)) < 0) return -1;
	// An exponent can say 1e400, which the general path turns into null: it decides.
	if (src[at] === 0x65 || src[at] === 0x45) return -1;
	return at - start > MAX_NUMBER_LENGTH ? -1 : at;
}

function scanWord(at: number, word: Uint8Array): number {
	for (let index = 0; index < word.length; index++) if (src[at + index] !== word[index]) return -1;
	return at + word.length;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL_WORD = Buffer.from('null');

/** Any JSON value at `at`; sets valueType; returns the position after it, or -1. */
function scanValue(at: number, depth: number): number {
	let after: number;
	let type: number;
	switch (src[at]) {
		case 0x22:
			after = scanString(at);
			type = STRING;
			break;
		case 0x7b:
			after = scanObject(at, depth + 1, undefined, undefined);
			type = OBJECT;
			break;
		case 0x5b:
			after = scanArray(at, depth + 1);
			type = ARRAY;
			break;
		case 0x74:
			after = scanWord(at, TRUE);
			type = BOOLEAN;
			break;
		case 0x66:
			after = scanWord(at, FALSE);
			type = BOOLEAN;
			break;
		case 0x6e:
			after = scanWord(at, NULL_WORD);
			type = NULL;
			break;
		default:
			after = scanNumber(at);
			type = NUMBER;
	}
	valueType = type;
	return after;
}

function scanArray(at: number, depth: number): number {
	if (depth > MAX_DEPTH) return -1;
	at = skipSpaces(at + 1);
	if (src[at] === 0x5d) return at + 1;
	for (;;) {
		at = scanValue(at, depth);
		if (at < 0) return -1;
		at = skipSpaces(at);
		if (src[at] === 0x2c) at = skipSpaces(at + 1);
		else return src[at] === 0x5d ? at + 1 : -1;
	}
}

/**
 * An object at `at`. With `slots`, the values of the keys it names are recorded in their slots and
 * the other members listed in `others` (the top level and the context; last occurrence wins, as in JSON.parse).
 */
function scanObject(at: number, depth: number, slots: KeyTable | undefined, others: number[] | undefined): number {
	if (depth > MAX_DEPTH) return -1;
	at = skipSpaces(at + 1);
	if (src[at] === 0x7d) return at + 1;
	for (;;) {
		if (src[at] !== 0x22) return -1;
		const memberStart = at;
		const escapesBefore = escapes;
		at = scanString(at);
		if (at < 0) return -1;
		const keyEnd = at;
		at = skipSpaces(at);
		if (src[at] !== 0x3a) return -1;
		const valueStart = skipSpaces(at + 1);
		let slot: number | undefined;
		if (slots) {
			// An escaped key might spell a known one: the general path decides.
			if (escapes !== escapesBefore) return -1;
			slot = slotOf(slots, memberStart + 1, keyEnd - memberStart - 2);
		}
		if (slot === CONTEXT) {
			typeAt.fill(0, USER_ID, SLOTS);
			contextMembers.length = 0;
		}
		if (slot === CONTEXT && src[valueStart] === 0x7b) {
			at = scanObject(valueStart, depth + 1, contextSlots, contextMembers);
			valueType = OBJECT;
		} else at = scanValue(valueStart, depth);
		if (at < 0) return -1;
		if (slot !== undefined) {
			keyAt[slot] = memberStart;
			startAt[slot] = valueStart;
			endAt[slot] = at;
			typeAt[slot] = valueType;
			escapedAt[slot] = escapes === escapesBefore ? 0 : 1;
		} else if (others) others.push(memberStart, at);
		at = skipSpaces(at);
		if (src[at] === 0x2c) at = skipSpaces(at + 1);
		else return src[at] === 0x7d ? at + 1 : -1;
	}
}

const hasValue = (slot: number) => typeAt[slot] !== 0;
const isString = (slot: number) => typeAt[slot] === STRING;
/** A string value other than "" (a column holds NULL for ""). */
const isFilledString = (slot: number) => typeAt[slot] === STRING && endAt[slot]! - startAt[slot]! > 2;
/** Present with a type its column cannot hold (null never goes to `extra`). */
const isMisfit = (slot: number) => hasValue(slot) && !isString(slot) && typeAt[slot] !== NULL;

/** A JS string of a string slot's value. */
function stringValue(slot: number): string {
	const start = startAt[slot]!;
	const stop = endAt[slot]!;
	return escapedAt[slot] ? (JSON.parse(src.toString('utf8', start, stop)) as string) : src.toString('utf8', start + 1, stop - 1);
}

/** How context.user_id fills its column: 'column' (a plain integer of at most 15 digits), 'none', 'context' (kept in context), or 'general'. */
function userIdUse(): 'column' | 'none' | 'context' | 'general' {
	const type = typeAt[USER_ID];
	if (type === 0 || type === NULL) return 'none';
	const start = startAt[USER_ID]!;
	const stop = endAt[USER_ID]!;
	if (type === NUMBER) {
		const digitsStart = src[start] === 0x2d ? start + 1 : start;
		const plain = stop - digitsStart <= 15 && !text.slice(digitsStart, stop).includes('.');
		// -0 and numbers like 1.0 are whole numbers the general path writes differently.
		return plain && !(src[start] === 0x2d && src[digitsStart] === 0x30) ? 'column' : 'general';
	}
	if (type !== STRING) return 'context';
	if (stop - start === 2) return 'none';
	if (escapedAt[USER_ID]) return 'general';
	let digits = true;
	for (let at = start + 1; at < stop - 1; at++) if (!isDigit(src[at])) digits = false;
	if (!digits) return 'context';
	// "007" is the number 7 to the general path.
	return stop - start - 2 <= 15 && (stop - start === 3 || src[start + 1] !== 0x30) ? 'column' : 'general';
}

/** Whether the payload string's trimmed text looks like JSON, judged from its raw ends; undefined when they are blank or escaped. */
function payloadLooksLikeJson(): boolean | undefined {
	// "" is text (page_close events have it).
	if (endAt[EVENT]! - startAt[EVENT]! === 2) return false;
	const first = src[startAt[EVENT]! + 1]!;
	const last = src[endAt[EVENT]! - 2]!;
	if ((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d)) return true;
	const plain = (byte: number) => byte > 0x20 && byte < 0x7f && byte !== 0x5c;
	return plain(first) && plain(last) ? false : undefined;
}

// ---- writing the row (binary COPY format, see copy-binary.ts) ----

/** Raw JSON bytes, as they are (binary COPY needs no escaping). */
function writeJson(out: RowBuffer, start: number, stop: number): void {
	out.copy(src, start, stop);
}

/** A JSON string's content (between `start` and `stop`, quotes excluded), decoded to UTF-8. */
function writeDecoded(out: RowBuffer, start: number, stop: number, escaped: number): void {
	if (!escaped) {
		out.copy(src, start, stop);
		return;
	}
	// Decoding never lengthens the text.
	out.reserve(stop - start);
	const bytes = out.bytes;
	let length = out.length;
	for (let at = start; at < stop; ) {
		const byte = src[at]!;
		if (byte !== BACKSLASH) {
			bytes[length++] = byte;
			at++;
		} else if (src[at + 1] !== 0x75) {
			bytes[length++] = DECODED_ESCAPE[src[at + 1]!]!;
			at += 2;
		} else {
			// The scan let through no NUL and no surrogate: one to three bytes of UTF-8.
			const code = unicodeEscape(at + 2);
			at += 6;
			if (code < 0x80) bytes[length++] = code;
			else {
				if (code < 0x800) bytes[length++] = 0xc0 | (code >> 6);
				else {
					bytes[length++] = 0xe0 | (code >> 12);
					bytes[length++] = 0x80 | ((code >> 6) & 0x3f);
				}
				bytes[length++] = 0x80 | (code & 0x3f);
			}
		}
	}
	out.length = length;
}

function writeStringSlot(out: RowBuffer, slot: number): void {
	if (!isFilledString(slot)) {
		nullField(out);
		return;
	}
	const at = beginField(out);
	writeDecoded(out, startAt[slot]! + 1, endAt[slot]! - 1, escapedAt[slot]!);
	endField(out, at);
}

/** A JSON object of raw members: `extra` or the rest of the context; NULL when there are none. */
function writeMembers(out: RowBuffer, members: number[], misfitSlots: number[], firstMember?: string): void {
	if (members.length === 0 && misfitSlots.length === 0 && firstMember === undefined) {
		nullField(out);
		return;
	}
	const at = beginField(out);
	out.byte(0x7b);
	let first = true;
	const separate = () => (first ? (first = false) : out.byte(0x2c));
	if (firstMember !== undefined) {
		separate();
		out.text(firstMember);
	}
	for (let index = 0; index < members.length; index += 2) {
		separate();
		writeJson(out, members[index]!, members[index + 1]!);
	}
	for (const slot of misfitSlots) {
		separate();
		writeJson(out, keyAt[slot]!, endAt[slot]!);
	}
	out.byte(0x7d);
	endField(out, at);
}

/**
 * Writes the fields of the event `json` (those after file_id, line_no, load_id) into `out` and
 * returns its hash, or returns undefined, writing nothing, when the general path must handle the
 * line. `loggerPrefix` is the JSON member `"_logger_prefix": "…"` when the line had one.
 */
export function writeFastRow(json: Buffer, out: RowBuffer, loggerPrefix?: string): string | undefined {
	src = json;
	text = json.toString('latin1');
	end = json.length;
	if (controlCharacter.test(text)) return undefined;
	nextBackslash = -1;
	escapes = 0;
	typeAt.fill(0);
	extraMembers.length = 0;
	contextMembers.length = 0;
	if (src[0] !== 0x7b) return undefined;
	const after = scanObject(0, 1, topSlots, extraMembers);
	if (after < 0 || skipSpaces(after) !== end) return undefined;
	if (!isFilledString(COURSE_ID)) return undefined;
	const userId = userIdUse();
	if (userId === 'general') return undefined;
	if (isString(TIME) && escapedAt[TIME]) return undefined;

	const start = out.length;
	const time = isString(TIME) ? eventTime(text.slice(startAt[TIME]! + 1, endAt[TIME]! - 1)) : undefined;
	const hash = eventHash(json, time);
	uuidField(out, hash);
	// time: a valid one gets the column, anything else but null goes to extra.
	misfits.length = 0;
	if (time !== undefined) timestampField(out, time.seconds, time.micros);
	else {
		nullField(out);
		if (isString(TIME) || isMisfit(TIME)) misfits.push(TIME);
	}
	writeStringSlot(out, 0);
	if (userId === 'column') {
		const quoted = isString(USER_ID) ? 1 : 0;
		int8Field(out, Number(text.slice(startAt[USER_ID]! + quoted, endAt[USER_ID]! - quoted)));
	} else nullField(out);
	writeStringSlot(out, COURSE_ID);
	if (isFilledString(ORG_ID)) writeStringSlot(out, ORG_ID);
	else textField(out, orgFromCourse(stringValue(COURSE_ID)));
	for (let slot = 1; slot < stringFields.length; slot++) writeStringSlot(out, slot);
	for (let slot = 0; slot < stringFields.length; slot++) if (isMisfit(slot)) misfits.push(slot);
	writeStringSlot(out, PATH);
	if (!writePayload(out)) {
		out.length = start;
		return undefined;
	}
	if (hasValue(CONTEXT) && typeAt[CONTEXT] !== OBJECT) misfits.push(CONTEXT);
	contextMisfits.length = 0;
	if (userId === 'context') contextMisfits.push(USER_ID);
	for (const slot of CONTEXT_STRINGS) if (hasValue(slot) && !isString(slot)) contextMisfits.push(slot);
	writeMembers(out, contextMembers, contextMisfits);
	writeMembers(out, extraMembers, misfits, loggerPrefix);
	return hash;
}

const FORMAT_OBJECT = 'object';
const FORMAT_STRING = 'string';
const FORMAT_TEXT = 'text';

/** event (jsonb), event_text, event_format; false when the payload needs the general path. */
function writePayload(out: RowBuffer): boolean {
	if (!hasValue(EVENT)) {
		nullField(out);
		nullField(out);
		nullField(out);
		return true;
	}
	if (!isString(EVENT)) {
		const at = beginField(out);
		out.byte(JSONB_VERSION);
		writeJson(out, startAt[EVENT]!, endAt[EVENT]!);
		endField(out, at);
		nullField(out);
		textField(out, FORMAT_OBJECT);
		return true;
	}
	const looksLikeJson = payloadLooksLikeJson();
	if (looksLikeJson === undefined) return false;
	if (!looksLikeJson) nullField(out);
	const at = beginField(out);
	if (looksLikeJson) out.byte(JSONB_VERSION);
	const textStart = out.length;
	writeDecoded(out, startAt[EVENT]! + 1, endAt[EVENT]! - 1, escapedAt[EVENT]!);
	endField(out, at);
	if (looksLikeJson) {
		// The JSON held by a payload string may escape what jsonb refuses (the general path repairs it).
		const written = out.bytes.subarray(textStart, out.length);
		if (written.includes('\\u') && hasUnstorableEscape(written.toString('latin1'))) return false;
		nullField(out);
	}
	textField(out, looksLikeJson ? FORMAT_STRING : FORMAT_TEXT);
	return true;
}
