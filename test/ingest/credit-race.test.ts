import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {setTimeout} from 'node:timers/promises';
import pg from 'pg';
import {parseChunk, storeChunk, type ChunkJob} from '../../ingest/chunk-loader.js';
import {clientConfig} from '../../ingest/db/database.js';
import {finishSource} from '../../ingest/manifest.js';
import {createTestDatabase, testPool} from '../helpers/database.js';
import {eventLine} from '../helpers/ingest.js';

/**
 * Three inputs of one load store the same event, each a chunk on a connection of its own (storeChunk, on a real
 * server), in the one order where the credit went astray: the last input stores it, the middle one takes it over and,
 * before that commits, the first one takes it from the middle one. The first one's statement read the event's file as it
 * was before the middle one's change, so the last input gave it over twice (its loaded went to -1) and the middle one
 * never did (a fresh-clone CI run: part10.log loaded 1,200 with 800 events of its own).
 */

const url = await createTestDatabase('credit_race');
const [first, middle, last] = [0, 1, 2].map(() => new pg.Client(clientConfig(url)));
const clients = [first!, middle!, last!];

/** A statement `when` picks waits for `gate` before it is sent; `reached` resolves as it is held. */
function holdBefore(client: pg.Client, when: (text: string, previous: string) => boolean) {
	let open!: () => void;
	let held!: () => void;
	const gate = new Promise<void>((resolve) => (open = resolve));
	const reached = new Promise<void>((resolve) => (held = resolve));
	const query = client.query.bind(client) as (...args: unknown[]) => unknown;
	let previous = '';
	client.query = ((config: unknown, ...rest: unknown[]) => {
		const text = typeof config === 'string' ? config : (config as {text?: string}).text;
		// A COPY's stream (no text) goes through as it is: pg-copy-streams reads what query returns.
		if (text === undefined) return query(config, ...rest);
		const last = previous;
		previous = text;
		if (!when(text, last)) return query(config, ...rest);
		held();
		return gate.then(() => query(config, ...rest));
	}) as typeof client.query;
	return {reached, open};
}

let loadId = 0;

async function newInput(name: string): Promise<number> {
	const {rows} = await first!.query<{file_id: number}>(
		"INSERT INTO source_files (path, kind, size_bytes, fingerprint, head_hash, status, load_id) VALUES ($1, 'plain', 0, $1, '', 'loading', $2) RETURNING file_id",
		[name, loadId],
	);
	return rows[0]!.file_id;
}

function store(client: pg.Client, fileId: number, line: string) {
	const data = Buffer.from(`${line}\n`);
	const job: ChunkJob = {fileId, loadId, startOffset: 0, endOffset: data.length, firstLine: 1, lineCount: 1, data, overlong: [], maxLineBytes: 1 << 20};
	return parseChunk(job).then((parsed) => storeChunk(client, job, parsed));
}

describe('inputs of one load taking over an event from one another at once', () => {
	before(async () => {
		for (const client of clients) await client.connect();
		({rows: [{load_id: loadId}]} = await first!.query('INSERT INTO loads DEFAULT VALUES RETURNING load_id'));
	});
	after(() => Promise.all(clients.map((client) => client.end())));

	it('credit the event to the first input, and each of the others counts it once as a duplicate', async () => {
		const line = eventLine(1);
		const [firstId, middleId, lastId] = [await newInput('first.log'), await newInput('middle.log'), await newInput('last.log')];
		await store(last!, lastId, line);
		// The first input has met the stored event (its insert from staging did nothing) and waits to take it over.
		const firstHeld = holdBefore(first!, (_, previous) => previous.startsWith('INSERT INTO events SELECT'));
		const firstStored = store(first!, firstId, line);
		await firstHeld.reached;
		// The middle one takes it from the last one and waits to commit.
		const middleHeld = holdBefore(middle!, (text) => text.includes('INSERT INTO file_chunks'));
		const middleStored = store(middle!, middleId, line);
		await middleHeld.reached;
		// The first one goes on until it waits for the middle one's lock on the event.
		firstHeld.open();
		const {processID} = first as unknown as {processID: number};
		const waitsForLock = async () => (await last!.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = $2', [processID, 'Lock'])).rowCount === 1;
		for (const started = Date.now(); !(await waitsForLock()); await setTimeout(10)) assert.ok(Date.now() - started < 10_000, 'the first input waits for the middle one');
		middleHeld.open();
		const [firstStats, middleStats] = await Promise.all([firstStored, middleStored]);
		assert.deepEqual(firstStats.creditedFrom, [{fileId: middleId, events: 1}], 'the first input took the event from the middle one');
		assert.deepEqual(middleStats.creditedFrom, [{fileId: lastId, events: 1}], 'the middle one took it from the last one');

		const {rows} = await last!.query<{path: string; loaded: number; duplicates: number; events: number}>(
			`SELECT f.path, sum(c.loaded)::int AS loaded, sum(c.duplicates)::int AS duplicates, (SELECT count(*)::int FROM events e WHERE e.file_id = f.file_id) AS events
			 FROM source_files f JOIN file_chunks c USING (file_id) GROUP BY f.file_id ORDER BY f.file_id`,
		);
		assert.deepEqual(rows, [
			{path: 'first.log', loaded: 1, duplicates: 0, events: 1},
			{path: 'middle.log', loaded: 0, duplicates: 1, events: 0},
			{path: 'last.log', loaded: 0, duplicates: 1, events: 0},
		]);
	});

	it('finish an input only once a chunk taking an event from it has committed', async () => {
		// A log loaded before that grew keeps its lower file id: met after a new input holding its new events, it takes
		// them while that input may be finishing. Its finish summed the input's chunks as they were before the take
		// committed: the new input kept saying it loaded the event, with no event of its own.
		const line = eventLine(2);
		const grownId = await newInput('grown.log');
		const newId = await newInput('new.log');
		await store(last!, newId, line);
		const takerHeld = holdBefore(middle!, (text) => text.includes('INSERT INTO file_chunks'));
		const taken = store(middle!, grownId, line);
		await takerHeld.reached;
		const pool = testPool(url);
		const finished = finishSource(pool, newId, undefined);
		// Let go once the finish has ended or waits for the taker's lock.
		const waitsForLock = async () =>
			(await last!.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%source_files%' AND pid <> pg_backend_pid()")).rowCount === 1;
		let ended = false;
		void finished.then(() => (ended = true));
		for (const started = Date.now(); !ended && !(await waitsForLock()); await setTimeout(10)) assert.ok(Date.now() - started < 10_000, 'the finish ends or waits');
		takerHeld.open();
		assert.deepEqual((await taken).creditedFrom, [{fileId: newId, events: 1}]);
		await finished;
		await pool.end();
		const {rows} = await last!.query('SELECT path, status, loaded::int, duplicates::int FROM source_file_counts WHERE file_id = $1', [newId]);
		assert.deepEqual(rows, [{path: 'new.log', status: 'loaded', loaded: 0, duplicates: 1}]);
	});
});
