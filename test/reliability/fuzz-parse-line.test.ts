import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {isUtf8} from 'node:buffer';
import {parseLine} from '../../ingest/parse-line.js';
import {LINE_COLUMNS, readableColumns} from '../helpers/event-row.js';
import {SHARED_MISSING, sharedCorpus} from '../helpers/shared.js';
import {baseLines, mutate} from './helpers/mutations.js';
import {MAX_SUPPORTED_DEPTH, oracle} from './helpers/oracle.js';
import {envCount, seededRandom} from './helpers/seed.js';

/**
 * parseLine on thousands of mutated real lines: it never throws, every row it builds has the exact
 * shape COPY expects, every line that is a valid JSON object becomes an event with the right hash,
 * and its fast path writes the same row as its general path.
 */
const CASES = envCount('OPENPOLYEDU_FUZZ_CASES', 5000);
const corpus = sharedCorpus();
if (!corpus) console.log(`# fuzz-parse-line: real lines ${SHARED_MISSING}; fuzzing the project's own event lines`);
const bases = baseLines(corpus);

const column = (name: (typeof LINE_COLUMNS)[number]) => LINE_COLUMNS.indexOf(name);
const JSON_COLUMNS = (['event', 'context', 'extra'] as const).map(column);
const TEXT_COLUMNS = LINE_COLUMNS.filter((name) => !['event_hash', 'time', 'user_id'].includes(name));

/** No string (key or value) with NUL or a lone surrogate; iterative, as values may be nested deep. */
function storableJson(value: unknown): boolean {
	const stack = [value];
	const ok = (text: string) => !text.includes('\0') && text.isWellFormed();
	while (stack.length > 0) {
		const item = stack.pop();
		if (typeof item === 'string' && !ok(item)) return false;
		if (item && typeof item === 'object') {
			for (const [key, inner] of Object.entries(item)) {
				if (!ok(key)) return false;
				stack.push(inner);
			}
		}
	}
	return true;
}

function isJson(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

/** A JSON text with its object keys sorted (duplicates resolved as JSON.parse does), to compare two serialisations. */
function canonicalJson(text: string): string {
	const sorted = (value: unknown): unknown => {
		if (Array.isArray(value)) return value.map(sorted);
		if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
		return value;
	};
	return JSON.stringify(sorted(JSON.parse(text)));
}

/**
 * The fast path must write what the general path writes: the same values, and JSON columns that
 * hold the same JSON (the fast path copies the original bytes, the general one re-serialises).
 */
function assertSameRow(fast: Array<Buffer | null>, general: Array<Buffer | null>, where: string): void {
	// Identical rows need no closer look (lines the fast path declines, nested too deep to canonicalise among them).
	if (fast.every((field, index) => (field === null ? general[index] === null : general[index] !== null && field.equals(general[index]!)))) return;
	const fastColumns = readableColumns(fast);
	const generalColumns = readableColumns(general);
	for (const [index, name] of LINE_COLUMNS.entries()) {
		const value = fastColumns[name];
		const other = generalColumns[name];
		const isJsonValue = JSON_COLUMNS.includes(index) && value !== null && isJson(value) && !(name === 'event' && fastColumns.event_format === 'string');
		if (isJsonValue) assert.equal(canonicalJson(value), canonicalJson(other!), `${where}: ${name} holds the same JSON on both paths`);
		else assert.equal(value, other, `${where}: ${name} is the same on both paths`);
	}
}

function assertRowShape(fields: Array<Buffer | null>, hash: string, where: string): void {
	assert.equal(fields.length, LINE_COLUMNS.length, `${where}: one field per column`);
	const columns = readableColumns(fields);
	assert.equal(columns.event_hash, hash, `${where}: event_hash first, the 16 bytes of the hash`);
	for (const name of TEXT_COLUMNS) {
		const field = fields[column(name)];
		if (field === null || field === undefined) continue;
		// jsonb starts with its version byte (readableColumns checked it).
		const bytes = name === 'event' ? field.subarray(1) : field;
		assert.ok(isUtf8(bytes), `${where}: ${name} is UTF-8`);
		const value = columns[name]!;
		assert.ok(!value.includes('\0'), `${where}: ${name} holds no NUL (PostgreSQL cannot store it)`);
		assert.equal(value, value.toWellFormed(), `${where}: ${name} holds no lone surrogate`);
		// A payload string that merely looks like JSON is validated by PostgreSQL, and stored as text when
		// refused (fuzz-ingest proves it through a real load): only its storability is checked here.
		const unvalidatedPayload = name === 'event' && columns.event_format === 'string';
		if (JSON_COLUMNS.includes(column(name)) && !(unvalidatedPayload && !isJson(value))) {
			assert.ok(storableJson(JSON.parse(value)), `${where}: ${name} is JSON without NUL or lone surrogates (jsonb refuses them)`);
		}
	}
	for (const name of ['time', 'user_id'] as const) {
		const field = fields[column(name)];
		if (field !== null) assert.equal(field!.length, 8, `${where}: ${name} is 8 bytes (timestamptz, bigint) or NULL`);
	}
}

describe('fuzzing parseLine', () => {
	it(`survives ${CASES} mutated lines and builds valid COPY rows`, () => {
		const {random, seed} = seededRandom('fuzz-parse-line');
		const byMutation = new Map<string, number>();
		let events = 0;
		let rejected = 0;
		for (let index = 0; index < CASES; index++) {
			const {line, mutations} = mutate(bases, random);
			const where = `case ${index} (seed ${seed}; ${mutations.join(' + ')}): ${JSON.stringify(line.subarray(0, 120).toString('latin1'))}`;
			for (const name of mutations) byMutation.set(name, (byMutation.get(name) ?? 0) + 1);
			let parsed: ReturnType<typeof parseLine>;
			try {
				parsed = parseLine(line);
			} catch (error) {
				assert.fail(`${where}: parseLine threw ${(error as Error).message}`);
			}
			assert.deepEqual(parseLine(line), parsed, `${where}: deterministic`);
			const general = parseLine(line, {fastPath: false});
			assert.equal(parsed.kind, general.kind, `${where}: the fast and general paths agree on the kind`);
			if (parsed.kind === 'event' && general.kind === 'event') {
				assert.equal(parsed.hash, general.hash, `${where}: same hash on both paths`);
				assertSameRow(parsed.fields, general.fields, where);
			}
			const expected = oracle(line);
			if (parsed.kind === 'event') {
				events++;
				assertRowShape(parsed.fields, parsed.hash, where);
				if (expected.validObject) assert.equal(parsed.hash, expected.hash, `${where}: hash of the JSON text`);
			} else if (parsed.kind === 'rejected') {
				rejected++;
				assert.ok(parsed.detail.length > 0, `${where}: a rejection says why`);
				if (expected.validObject) {
					assert.equal(parsed.reason, 'unsupported-json', `${where}: a valid object is only refused for its depth (${parsed.reason}: ${parsed.detail})`);
					assert.ok(expected.depth > MAX_SUPPORTED_DEPTH, `${where}: refused at depth ${expected.depth}`);
				}
			} else {
				assert.ok(!expected.validObject, `${where}: a valid object is not blank`);
				assert.match(line.toString('latin1'), /^(\xef\xbb\xbf)?[ \t\r]*$/, `${where}: blank means only white space`);
			}
		}
		console.log(`# fuzz-parse-line: ${CASES} cases, ${events} events, ${rejected} rejected; mutations ${JSON.stringify(Object.fromEntries(byMutation))}`);
		assert.ok(events > CASES / 10 && rejected > CASES / 10, 'the mutations produce both events and rejections');
	});
});
