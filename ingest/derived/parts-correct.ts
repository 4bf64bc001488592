import {JSONB_VERSION} from '../copy-binary.js';

/**
 * A problem check's grading of each part, read in Node from its event.correct_map as the counting pass's scan sends it
 * (a jsonb in binary form: its version, then its text as PostgreSQL writes it): in SQL (d_parts_correct, migration 166,
 * per check in the scan, an SQL function over jsonb_each that cannot be inlined) it cost the 1M-event scan 0.7-1.5 CPU-s,
 * against 0.15-0.3 for sending the maps and 0.08 for reading them here (see docs/derived-build.md, step 3).
 *
 * The text read is jsonb's own: no blank at its start, each object's keys unique and in jsonb's order, each string
 * escaped as jsonb writes it (only `"`, `\` and control characters), so a correctness of "correct" is the bytes
 * `"correct"` however the log wrote it, and a key's bytes are the ones the grading's own jsonb text gives that key.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const isBlank = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x09 || byte === 0x0d;

function skipBlank(text: Buffer, at: number): number {
	while (isBlank(text[at])) at++;
	return at;
}

/** The end (past its closing quote) of the string whose opening quote is at `at`. */
function stringEnd(text: Buffer, at: number): number {
	// A backslash escapes the byte after it (an escaped quote or backslash; the others are letters).
	for (at++; text[at] !== QUOTE; at++) if (text[at] === BACKSLASH) at++;
	return at + 1;
}

/** The end of the value that starts at `at`. */
function valueEnd(text: Buffer, at: number): number {
	const first = text[at];
	if (first === QUOTE) return stringEnd(text, at);
	if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
		// A number, true, false or null.
		while (at < text.length && text[at] !== COMMA && text[at] !== CLOSE_OBJECT && text[at] !== CLOSE_ARRAY && !isBlank(text[at])) at++;
		return at;
	}
	let depth = 0;
	do {
		const byte = text[at];
		if (byte === QUOTE) {
			at = stringEnd(text, at);
			continue;
		}
		if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
		else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
		at++;
	} while (depth > 0);
	return at;
}

/** Where the first member (its key) of the object at `at` starts; -1 if it has none. */
function firstMember(text: Buffer, at: number): number {
	const next = skipBlank(text, at + 1);
	return text[next] === CLOSE_OBJECT ? -1 : next;
}

/** Where the value of the member whose key ends at `keyEnd` starts (past the colon). */
const memberValue = (text: Buffer, keyEnd: number) => skipBlank(text, skipBlank(text, keyEnd) + 1);

/** Where the member after the one whose value ends at `end` starts; -1 after the last. */
function nextMember(text: Buffer, end: number): number {
	const next = skipBlank(text, end);
	return text[next] === COMMA ? skipBlank(text, next + 1) : -1;
}

/** Whether `text` has the bytes of `literal` at `at` (a whole string when `literal` is one with its quotes). */
function hasAt(text: Buffer, at: number, literal: Buffer): boolean {
	// Compared here: Buffer.compare is a native call, which cost more than the few bytes it compares.
	if (at + literal.length > text.length) return false;
	for (let place = 0; place < literal.length; place++) if (text[at + place] !== literal[place]) return false;
	return true;
}

const CORRECTNESS = Buffer.from('"correctness"');
/** The gradings a part's correctness names: correct in full, or not ("partially-correct" is not). */
const GRADES = [
	{literal: Buffer.from('"correct"'), correct: true},
	{literal: Buffer.from('"incorrect"'), correct: false},
	{literal: Buffer.from('"partially-correct"'), correct: false},
];

/**
 * The end of the part whose value (an object) starts at `at`, and its grading: its correctness, if one of GRADES (null
 * otherwise). One pass over it.
 */
function readPart(text: Buffer, at: number): {end: number; correct: boolean | null} {
	let correct: boolean | null = null;
	let end = at + 1;
	for (let key = firstMember(text, at); key >= 0; key = nextMember(text, end)) {
		const keyEnd = stringEnd(text, key);
		const value = memberValue(text, keyEnd);
		end = valueEnd(text, value);
		if (keyEnd - key === CORRECTNESS.length && hasAt(text, key, CORRECTNESS)) correct = GRADES.find(({literal}) => hasAt(text, value, literal))?.correct ?? null;
	}
	return {end: skipBlank(text, end) + 1, correct};
}

const TRUE = Buffer.from(': true');
const FALSE = Buffer.from(': false');
const SEPARATOR = Buffer.from(', ');

/**
 * The grading of each part of the correct_map field at `start` of a row (its value's start, -1 for NULL), as a jsonb in
 * binary form: true for "correct", false for "incorrect" or "partially-correct", no entry for a part that is no object
 * or whose correctness says neither. NULL when no part is graded, or when correct_map is no object.
 */
export function partsCorrect(data: Buffer, start: number): Buffer | null {
	if (start < 0 || data[start + 1] !== OPEN_OBJECT) return null;
	// The graded parts: where each key starts and ends, and its grading.
	const graded: Array<[number, number, boolean]> = [];
	let length = 2;
	for (let key = firstMember(data, start + 1); key >= 0; ) {
		const keyEnd = stringEnd(data, key);
		const value = memberValue(data, keyEnd);
		const part = data[value] === OPEN_OBJECT ? readPart(data, value) : {end: valueEnd(data, value), correct: null};
		if (part.correct !== null) {
			graded.push([key, keyEnd, part.correct]);
			length += keyEnd - key + (part.correct ? TRUE : FALSE).length + (graded.length > 1 ? SEPARATOR.length : 0);
		}
		key = nextMember(data, part.end);
	}
	if (graded.length === 0) return null;
	// The text jsonb_object_agg's would print: the keys in the correct_map's order, which is jsonb's.
	const out = Buffer.allocUnsafe(1 + length);
	out[0] = JSONB_VERSION;
	out[1] = OPEN_OBJECT;
	let at = 2;
	// Copied byte by byte: a native copy per piece cost more than the pieces' bytes.
	const put = (from: Buffer, start: number, end: number) => {
		for (let place = start; place < end; place++) out[at++] = from[place]!;
	};
	graded.forEach(([keyStart, keyEnd, correct], place) => {
		if (place > 0) put(SEPARATOR, 0, SEPARATOR.length);
		put(data, keyStart, keyEnd);
		const grading = correct ? TRUE : FALSE;
		put(grading, 0, grading.length);
	});
	out[at] = CLOSE_OBJECT;
	return out;
}
