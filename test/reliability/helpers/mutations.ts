import fs from 'node:fs';
import path from 'node:path';
import {eventLine} from '../../helpers/ingest.js';
import type {Random} from '../../tools/random.js';

/**
 * Mutations of real tracking-log lines, the ways real exports and hostile inputs break them. Each
 * case is a pure function of the random stream, so a seed replays the same cases.
 */

/** Real lines from ../shared/corpus when present (up to `limit`), always with the project's own event lines. */
export function baseLines(corpus: string | undefined, limit = 2000): Buffer[] {
	const lines: Buffer[] = [];
	for (let n = 0; n < 200; n++) lines.push(Buffer.from(eventLine(n, n % 3 === 0 ? {event: {answers: {q1: [n, 'x']}, grade: n / 7}} : {})));
	if (!corpus) return lines;
	const files: string[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (/\.(log|json|jsonl)$|tracking/i.test(entry.name) && !entry.name.endsWith('.gz')) files.push(full);
		}
	};
	walk(corpus);
	for (const file of files) {
		for (const line of fs.readFileSync(file).toString('latin1').split('\n')) {
			if (lines.length >= limit) return lines;
			if (line.includes('{') && line.length < 20_000) lines.push(Buffer.from(line, 'latin1'));
		}
	}
	return lines;
}

type Mutation = (line: Buffer, random: Random) => Buffer;

const INVALID_UTF8 = [[0xc3, 0x28], [0xff], [0xfe], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]];
const HUGE_NUMBERS = ['1e400', '-1e400', '123456789012345678901234567890', '1e-400', '-0', '9007199254740993', '0.1e99999', '1' + '0'.repeat(400)];
const ODD_STRINGS = ['\\u0000', 'a\\u0000b', '\\ud800', '\\udfff\\ud800', '\\uFEFF', '\\u2028', 'é日本\\t\\n\\r\\\\', '\\"', '😀', 'x\\u0000'];

function insertAt(line: Buffer, at: number, bytes: Buffer): Buffer {
	return Buffer.concat([line.subarray(0, at), bytes, line.subarray(at)]);
}

/** Parses a line as an object when it is one (for the structural mutations), else undefined. */
function asObject(line: Buffer): Record<string, unknown> | undefined {
	try {
		const value = JSON.parse(line.toString('utf8')) as unknown;
		return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** JSON.stringify of an object parsed from a line; undefined when it is nested too deep to re-serialise. */
function serialise(object: Record<string, unknown>): string | undefined {
	try {
		return JSON.stringify(object);
	} catch {
		return undefined;
	}
}

/** Replaces the text of a JSON value of the object with raw JSON text (numbers, nesting that JSON.stringify can't make). */
function withRawField(line: Buffer, random: Random, raw: string): Buffer {
	const object = asObject(line) ?? {};
	const keys = [...Object.keys(object), 'extra_field'];
	const key = random.pick(keys);
	const marker = `__raw_${random.hex(8)}__`;
	object[key] = marker;
	const text = serialise(object);
	return text === undefined ? line : Buffer.from(text.replace(`"${marker}"`, raw));
}

function nested(depth: number, random: Random): string {
	const array = random.chance(0.5);
	return array ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

const WRONG_TYPES: Array<(object: Record<string, unknown>) => void> = [
	(o) => (o.time = 5),
	(o) => (o.time = '2018-02-30T10:00:00+00:00'),
	(o) => (o.time = '99999-01-01T00:00:00'),
	(o) => (o.time = {iso: '2018-01-01'}),
	(o) => (o.context = 'x'),
	(o) => (o.context = [1, 2]),
	(o) => (o.context = null),
	(o) => (o.context = {...(o.context as object), user_id: 'abc'}),
	(o) => (o.context = {...(o.context as object), user_id: 1e20}),
	(o) => (o.context = {...(o.context as object), user_id: -5}),
	(o) => (o.context = {...(o.context as object), course_id: 42, org_id: [], path: {}}),
	(o) => (o.username = {name: 'x'}),
	(o) => (o.page = 17),
	(o) => (o.event = 3.5),
	(o) => (o.event = [1, {a: 'b'}]),
	(o) => (o.event = '{"truncated": '),
	(o) => (o.event = 'input_abc=1&input_def=%20'),
	(o) => (o.event_type = null),
	(o) => (o.agent = true),
	(o) => (o.ip = ''),
];

export const MUTATIONS: Record<string, Mutation> = {
	'byte flip'(line, random) {
		const out = Buffer.from(line);
		for (let i = random.int(1, 3); i > 0 && out.length > 0; i--) out[random.int(0, out.length - 1)] ^= 1 << random.int(0, 7);
		return out;
	},
	truncation: (line, random) => line.subarray(0, random.int(0, Math.max(0, line.length - 1))),
	'NUL byte': (line, random) => insertAt(line, random.int(0, line.length), Buffer.from([0])),
	'NUL escape'(line, random) {
		const quote = line.indexOf(0x22, random.int(0, line.length));
		return quote < 0 ? Buffer.concat([line, Buffer.from('\\u0000')]) : insertAt(line, quote + 1, Buffer.from('\\u0000'));
	},
	'invalid UTF-8': (line, random) => insertAt(line, random.int(0, line.length), Buffer.from(random.pick(INVALID_UTF8))),
	'huge number': (line, random) => withRawField(line, random, random.pick(HUGE_NUMBERS)),
	'deep nesting': (line, random) => withRawField(line, random, nested(random.pick([2, 64, 600, 3000, 3000, 20_000]), random)),
	'duplicate key'(line, random) {
		const text = line.toString('utf8');
		const close = text.lastIndexOf('}');
		if (close < 0) return line;
		const key = random.pick(['username', 'time', 'context', 'event', 'event_type', 'page']);
		const value = random.pick(['"dup"', '5', 'null', '{"user_id": "abc"}', '"2018-01-01T00:00:00Z"']);
		return Buffer.from(`${text.slice(0, close)}, "${key}": ${value}${text.slice(close)}`);
	},
	'wrong type'(line, random) {
		const object = asObject(line);
		if (!object) return line;
		random.pick(WRONG_TYPES)(object);
		const text = serialise(object);
		return text === undefined ? line : Buffer.from(text);
	},
	'odd string'(line, random) {
		return withRawField(line, random, `"${random.pick(ODD_STRINGS)}"`);
	},
	'not an object': (_line, random) => Buffer.from(random.pick(['null', '42', '"text"', '[1,2]', 'true', '[]', '{', '}', '', ' \t ', '\r', '\uFEFF'])),
	'logger prefix': (line) => Buffer.concat([Buffer.from('2023-05-23 13:53:13,461 INFO 1 [tracking] logger.py:41 - '), line]),
	'BOM and CR': (line, random) => Buffer.concat([random.chance(0.5) ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), line, Buffer.from(random.pick(['\r', '\r\r', ' ', '']))]),
	'CR inside': (line, random) => insertAt(line, random.int(0, line.length), Buffer.from('\r')),
	'two lines glued': (line, random) => Buffer.concat([line.subarray(0, random.int(0, line.length)), line]),
	'random bytes': (_line, random) => Buffer.from(Array.from({length: random.int(1, 200)}, () => (random.chance(0.8) ? random.int(0x20, 0x7e) : random.int(0, 255)))),
	unchanged: (line) => line,
};

const NAMES = Object.keys(MUTATIONS);

/** One fuzz case: a base line with one to three mutations; never contains \n (one case = one line). */
export function mutate(bases: Buffer[], random: Random): {line: Buffer; mutations: string[]} {
	let line = random.pick(bases);
	const mutations: string[] = [];
	for (let i = random.int(1, 3); i > 0; i--) {
		const name = random.pick(NAMES);
		mutations.push(name);
		line = MUTATIONS[name]!(line, random);
	}
	return {line: Buffer.from(line.filter((byte) => byte !== 0x0a)), mutations};
}
