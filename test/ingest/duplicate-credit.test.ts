import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import zlib from 'node:zlib';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';

/**
 * Inputs that share events: which one is credited with an event (loaded) and which count it as a duplicate must not
 * depend on which loader thread stored its chunk first. Small inputs of one chunk each are stored by several threads
 * at once, which is where it did: 4 runs of 20 such inputs with 2 threads gave 4 different tables.
 */

const dir = fixtureDir();
const SPAN = 1200;
const STEP = 800;
const PARTS = 12;
/** part00.log … part11.log, each repeating the last 400 events of the one before; and a .gz of events from parts 2 and 9. */
const inputs: Array<{name: string; events: number[]}> = [];
for (let part = 0; part < PARTS; part++) inputs.push({name: `part${String(part).padStart(2, '0')}.log`, events: range(part * STEP, part * STEP + SPAN)});
inputs.push({name: 'part99.log.gz', events: [...range(2 * STEP + 100, 2 * STEP + 500), ...range(9 * STEP + 700, 9 * STEP + 1300)]});
for (const {name, events} of inputs) {
	const text = events.map((n) => lines(n, n + 1)).join('');
	fs.writeFileSync(path.join(dir, name), name.endsWith('.gz') ? zlib.gzipSync(text) : text);
}

function range(from: number, to: number): number[] {
	return Array.from({length: to - from}, (_, index) => from + index);
}

/** Each input's loaded and duplicates when an event goes to the first input that has it, in load order. */
function expectedCounts(loadOrder: typeof inputs, stored = new Set<number>()) {
	return loadOrder.map(({name, events}) => {
		const loaded = events.filter((n) => !stored.has(n)).length;
		for (const n of events) stored.add(n);
		return {name, loaded, duplicates: events.length - loaded};
	});
}

type Counts = {name: string; loaded: number; duplicates: number};

async function storedCounts(database: Awaited<ReturnType<typeof openTestDatabase>>): Promise<Counts[]> {
	const {rows} = await database.pool.query<Counts & {events: number}>(
		`SELECT f.path AS name, f.loaded::int, f.duplicates::int, (SELECT count(*)::int FROM events e WHERE e.file_id = f.file_id) AS events
		 FROM source_file_counts f ORDER BY f.file_id`,
	);
	// The credit is the events' own: each input's loaded are the events stored as its.
	for (const row of rows) assert.equal(row.events, row.loaded, `${row.name}: its events`);
	return rows.map(({name, loaded, duplicates}) => ({name: path.basename(name), loaded, duplicates}));
}

describe('inputs that share events', () => {
	const expected = expectedCounts(inputs);

	it('credit each event to the first input in load order, whatever the threads, run after run', async () => {
		for (const workers of [4, 4, 4, 1]) {
			const database = await openTestDatabase('credit');
			const summary = await ingest(database, [dir], {workers});
			assert.deepEqual(await storedCounts(database), expected, `${workers} loader threads`);
			// The load's own figures say the same.
			const reported = summary.files.map(({label, loaded, duplicates}) => ({name: path.basename(label), loaded, duplicates}));
			assert.deepEqual(reported, expected, `the summary, ${workers} loader threads`);
		}
	});

	it('leave an input loaded before with its credit when a later load repeats its events', async () => {
		const database = await openTestDatabase('credit_later');
		const first = inputs.slice(4, 8);
		await ingest(database, first.map(({name}) => path.join(dir, name)), {workers: 4});
		await ingest(database, [dir], {workers: 4});
		// The parts loaded first keep theirs; the others, read later, count the events those hold as duplicates.
		const stored = await storedCounts(database);
		const rest = inputs.filter((input) => !first.includes(input));
		const byName = (counts: Counts[]) => [...counts].sort((a, b) => a.name.localeCompare(b.name));
		assert.deepEqual(byName(stored), byName([...expectedCounts(first), ...expectedCounts(rest, new Set(first.flatMap(({events}) => events)))]));
	});
});

describe('an input that repeats one of its events in a later chunk', () => {
	// 5,000 lines make a chunk: line 5,001, a repeat of line 1, is a chunk of its own, stored at once by another thread
	// while the first chunk's 5,000 events are still being parsed and copied.
	const repeats = path.join(fixtureDir(), 'repeat.log');
	fs.writeFileSync(repeats, `${lines(0, 5000)}${lines(0, 1)}`);

	it('credits it to its first line, whatever the threads', async () => {
		for (const workers of [4, 4, 4, 2]) {
			const database = await openTestDatabase('credit_line');
			await ingest(database, [repeats], {workers});
			const {rows} = await database.pool.query<{line_no: number}>(`SELECT line_no::int FROM events WHERE time = $1`, [JSON.parse(lines(0, 1)).time]);
			assert.deepEqual(rows, [{line_no: 1}], `${workers} loader threads`);
			// Its chunks count it where its lines are: loaded in the first, a duplicate in the second.
			const {rows: chunks} = await database.pool.query('SELECT first_line::int, loaded, duplicates FROM file_chunks ORDER BY first_line');
			assert.deepEqual(chunks, [{first_line: 1, loaded: 5000, duplicates: 0}, {first_line: 5001, loaded: 0, duplicates: 1}], `${workers} loader threads`);
		}
	});
});
