import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {CHUNK_BYTES, copyBetween, type LearnerRowHandlers, PipedTables, readLearnerRows, withSpilledTables} from '../../ingest/derived/streamed-copy.js';
import {ARRAY_OF, arrayField, boolField, int4Field, int4OrNullField, int8Field, readArray, readInt8, startRow, textField} from '../../ingest/copy-binary.js';
import {createTestDatabase} from '../helpers/database.js';

const pool = new pg.Pool(clientConfig(await createTestDatabase('streamed_copy')));
// The database is dropped (its sessions ended) after the tests: an idle pooled client then reports an error.
pool.on('error', () => {});
after(() => pool.end());

const PAD = 'x'.repeat(200);

/** Runs `body` with two connections of the pool, released afterwards. */
async function withTwoConnections(body: (first: pg.PoolClient, second: pg.PoolClient) => Promise<void>): Promise<void> {
	const [first, second] = [await pool.connect(), await pool.connect()];
	try {
		await body(first, second);
	} finally {
		first.release();
		second.release();
	}
}

/** Handlers that copy each row read (learner id, value) into `table`, padded to about 230 bytes. */
function copyingTo<Table extends string>(tables: PipedTables<Table>, table: Table): LearnerRowHandlers {
	return {
		start: () => {},
		row: (data, starts) => {
			const out = tables.rows(table);
			startRow(out, 3);
			int4Field(out, data.readInt32BE(starts[0]!));
			int8Field(out, Number(data.readBigInt64BE(starts[1]!)));
			textField(out, PAD);
		},
		end: () => {},
	};
}

const TABLES = ['t1', 't2', 't3'] as const;
const COLUMNS = {t1: 'value', t2: 'value', t3: 'value'};

/** Creates the tables t1 to t3, the one named `refusing` refusing every row. */
async function createTables(client: pg.ClientBase, refusing?: string): Promise<void> {
	for (const table of TABLES) await client.query(`CREATE TEMP TABLE ${table} (value bigint ${table === refusing ? 'CHECK (value < 0)' : ''}) ON COMMIT DROP`);
}

/** Rows 1,000,000 k + 0 … 999 into table k of t1 … t3 (counted from 0). */
function writeRows(piped: PipedTables<(typeof TABLES)[number]>): void {
	TABLES.forEach((table, index) => {
		for (let value = 0; value < 1_000; value++) {
			const out = piped.rows(table);
			startRow(out, 1);
			int8Field(out, index * 1_000_000 + value);
		}
	});
}

describe('streamed COPY of the derived build', () => {
	// 3 learners × 40,000 rows: several pieces of the stream, and a spill of the written rows.
	const query = 'SELECT (n / 40000)::int AS learner_id, n::bigint AS value FROM generate_series(0, 119999) n ORDER BY 1, 2';

	it('hands each learner its rows in order, and stores what was written from them', async () => {
		const client = await pool.connect();
		try {
			await client.query('BEGIN');
			await client.query('CREATE TEMP TABLE sums (learner_id bigint, rows bigint, total bigint) ON COMMIT DROP');
			const seen: number[] = [];
			const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'streamed-copy-'));
			await withSpilledTables({sums: 'learner_id, rows, total'}, path.join(scratch, 'tmp'), async (tables) => {
				let rows = 0;
				let total = 0;
				let learner = -1;
				await readLearnerRows(
					client,
					query,
					{
						start: (id) => {
							learner = id;
							rows = 0;
							total = 0;
							seen.push(id);
						},
						row: (data, starts) => {
							rows++;
							total += Number(data.readBigInt64BE(starts[1]!));
						},
						end: () => {
							const out = tables.rows('sums');
							startRow(out, 3);
							int8Field(out, learner);
							int8Field(out, rows);
							int8Field(out, total);
						},
					},
					tables,
				);
				await tables.store(client);
				assert.equal(fs.readdirSync(path.join(scratch, 'tmp')).length, 1, 'the rows wait in a folder of the scratch folder');
			});
			assert.deepEqual(fs.readdirSync(path.join(scratch, 'tmp')), [], 'and it is removed afterwards');
			fs.rmSync(scratch, {recursive: true});
			const {rows} = await client.query<{learner_id: string; rows: string; total: string}>('SELECT * FROM sums ORDER BY 1');
			assert.deepEqual(seen, [0, 1, 2]);
			// Learner k has values 40000k … 40000k + 39999.
			assert.deepEqual(
				rows.map((row) => [Number(row.learner_id), Number(row.rows), Number(row.total)]),
				[0, 1, 2].map((k) => [k, 40_000, 40_000 * 40_000 * k + (39_999 * 40_000) / 2]),
			);
			await client.query('COMMIT');
		} finally {
			client.release();
		}
	});

	it('a build that fails after a spill closes the spilled files and removes their folder: the descriptors leaked, and Windows cannot remove a folder with an open file', {skip: process.platform === 'linux' ? false : 'skipped: counts open descriptors in /proc (Linux)'}, async () => {
		const openFiles = () => fs.readdirSync('/proc/self/fd').length;
		const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'streamed-copy-'));
		const before = openFiles();
		await assert.rejects(
			withSpilledTables({sums: 'learner_id, rows, total'}, scratch, async (tables) => {
				// Past the 1 MiB that a table keeps in memory: spilled to its file.
				for (let row = 0; row < 50_000; row++) {
					const out = tables.rows('sums');
					startRow(out, 3);
					for (let field = 0; field < 3; field++) int8Field(out, row);
				}
				await tables.spillIfFull();
				assert.equal(openFiles(), before + 1, 'the spilled file is open');
				throw new Error('the build failed');
			}),
			/the build failed/,
		);
		assert.equal(openFiles(), before);
		assert.deepEqual(fs.readdirSync(scratch), []);
		fs.rmSync(scratch, {recursive: true});
	});

	it('arrays written with arrayField are stored as PostgreSQL arrays, and readArray reads them back', async () => {
		const client = await pool.connect();
		// Microseconds since 2000-01-01: 2017-05-01T10:00:00Z and a microsecond later.
		const times = [546948000_000_000, 546948000_000_001];
		const urls = [7, null];
		try {
			await client.query('BEGIN');
			await client.query('CREATE TEMP TABLE arrays (learner_id int, times timestamptz[], closes boolean[], url_ids int[], empty int[]) ON COMMIT DROP');
			await withSpilledTables({arrays: 'learner_id, times, closes, url_ids, empty'}, undefined, async (tables) => {
				const out = tables.rows('arrays');
				startRow(out, 5);
				int4Field(out, 1);
				arrayField(out, ARRAY_OF.timestamptz, 2, false, () => times.forEach((time) => int8Field(out, time)));
				arrayField(out, ARRAY_OF.bool, 2, false, () => [false, true].forEach((closes) => boolField(out, closes)));
				arrayField(out, ARRAY_OF.int4, 2, true, () => urls.forEach((url) => int4OrNullField(out, url)));
				arrayField(out, ARRAY_OF.int4, 0, false, () => {});
				await tables.store(client);
			});
			const {rows: [stored]} = await client.query(`SELECT array_to_json(times)::text AS times, closes::text, url_ids::text, empty::text FROM arrays`);
			assert.deepEqual(stored, {
				times: '["2017-05-01T10:00:00+00:00","2017-05-01T10:00:00.000001+00:00"]',
				closes: '{f,t}',
				url_ids: '{7,NULL}',
				empty: '{}',
			});
			const read: unknown[][] = [];
			await readLearnerRows(
				client,
				'SELECT learner_id, times, closes, url_ids, empty FROM arrays',
				{
					start: () => {},
					row: (data, starts) => {
						for (const [field, value] of [
							[1, (at: number) => readInt8(data, at)],
							[2, (at: number) => data[at] === 1],
							[3, (at: number) => (at < 0 ? null : data.readInt32BE(at))],
							[4, (at: number) => at],
						] as const) {
							const values: unknown[] = [];
							readArray(data, starts[field]!, (at) => values.push(value(at)));
							read.push(values);
						}
					},
					end: () => {},
				},
				{spillIfFull: async () => {}},
			);
			assert.deepEqual(read, [times, [false, true], urls, []]);
			await client.query('COMMIT');
		} finally {
			client.release();
		}
	});

	it('PipedTables: rows read on one connection are stored on another while the reading goes on, in pieces', async () => {
		await withTwoConnections(async (reader, writer) => {
		await writer.query('BEGIN');
		await writer.query('CREATE TEMP TABLE piped (learner_id int, value bigint, pad text) ON COMMIT DROP');
		const tables = new PipedTables(writer, {piped: 'learner_id, value, pad'}, false, {buffered: 8 * 1024 * 1024, queued: 8 * 1024 * 1024});
		// 120,000 rows of about 230 bytes (27 MB), 8 MB buffered: pieces are sent before the reading ends.
		let pieceSentWhileReading = false;
		await readLearnerRows(
			reader,
			query,
			copyingTo(tables, 'piped'),
			{
				spillIfFull: async () => {
					await tables.spillIfFull();
					if (!pieceSentWhileReading) pieceSentWhileReading = (await writer.query('SELECT count(*)::int AS n FROM piped')).rows[0].n > 0;
				},
			},
		);
		await tables.store();
		assert.ok(pieceSentWhileReading, 'rows were stored before the reading ended');
		const {rows: [stored]} = await writer.query<{rows: number; total: string; learners: number}>(
			'SELECT count(*)::int AS rows, sum(value)::text AS total, count(DISTINCT learner_id)::int AS learners FROM piped',
		);
		assert.deepEqual(stored, {rows: 120_000, total: String((119_999 * 120_000) / 2), learners: 3});
		await writer.query('COMMIT');
		});
	});

	it('PipedTables: pieces handed over together are stored by one query of COPYs, their rows sent with it', async () => {
		const writer = await pool.connect();
		const sendQuery = writer.query.bind(writer) as (...args: unknown[]) => unknown;
		try {
			await writer.query('BEGIN');
			await createTables(writer);
			const piped = new PipedTables(writer, COLUMNS);
			writeRows(piped);
			let queries = 0;
			writer.query = ((...args: unknown[]) => {
				queries++;
				return sendQuery(...args);
			}) as typeof writer.query;
			await piped.store();
			writer.query = sendQuery as typeof writer.query;
			// A query per piece (one COPY each, its rows sent once PostgreSQL asked for them) made 3.
			assert.equal(queries, 1);
			const {rows} = await writer.query<{table: string; rows: number; total: string}>(
				TABLES.map((table) => `SELECT '${table}' AS table, count(*)::int AS rows, sum(value)::text AS total FROM ${table}`).join(' UNION ALL '),
			);
			assert.deepEqual(rows, TABLES.map((table, index) => ({table, rows: 1_000, total: String(index * 1_000 * 1_000_000 + (999 * 1_000) / 2)})));
			await writer.query('COMMIT');
		} finally {
			writer.query = sendQuery as typeof writer.query;
			writer.release();
		}
	});

	it('PipedTables: the memory its rows are held in stays within its bounds, whichever tables fill in turn', {timeout: 120_000}, async () => {
		const writer = await pool.connect();
		try {
			await writer.query('BEGIN');
			const tables = Array.from({length: 20}, (_, index) => `busy${index}`);
			for (const table of tables) await writer.query(`CREATE TEMP TABLE ${table} (value bigint, pad text) ON COMMIT DROP`);
			const bounds = {buffered: 1024 * 1024, queued: 1024 * 1024};
			const piped = new PipedTables(writer, Object.fromEntries(tables.map((table) => [table, 'value, pad'])), false, bounds);
			// Each table in turn gets 12,000 rows of about 220 bytes (2.6 MB): a buffer per table grown to the largest piece
			// it had, passed on to the next table once stored, held 25 MB here.
			let mostHeld = 0;
			for (const table of tables) {
				for (let value = 0; value < 12_000; value++) {
					const out = piped.rows(table);
					startRow(out, 2);
					int8Field(out, value);
					textField(out, PAD);
					if (value % 256 === 255) {
						await piped.spillIfFull();
						mostHeld = Math.max(mostHeld, piped.heldBytes());
					}
				}
			}
			await piped.store();
			mostHeld = Math.max(mostHeld, piped.heldBytes());
			// What is buffered and queued (up to a spill's rows more, and the room a chunk leaves at its end), and a chunk per table.
			assert.ok(mostHeld <= 1.1 * (bounds.buffered + bounds.queued) + tables.length * CHUNK_BYTES, `${mostHeld} bytes held`);
			const {rows} = await writer.query<{rows: number; total: string}>(tables.map((table) => `SELECT count(*)::int AS rows, sum(value)::text AS total FROM ${table}`).join(' UNION ALL '));
			assert.deepEqual(rows, tables.map(() => ({rows: 12_000, total: String((11_999 * 12_000) / 2)})));
			await writer.query('COMMIT');
		} finally {
			writer.release();
		}
	});

	it('PipedTables: rows longer than a chunk, and arrays, are stored whole among short ones', {timeout: 60_000}, async () => {
		const writer = await pool.connect();
		try {
			await writer.query('BEGIN');
			await writer.query('CREATE TEMP TABLE long_rows (id int, pad text, items int[]) ON COMMIT DROP');
			const piped = new PipedTables(writer, {long_rows: 'id, pad, items'}, false, {buffered: 256 * 1024, queued: 256 * 1024});
			// Row id: `pad` the letter a + id % 26 repeated, `items` id * 100,000 + 0, 1, …; every 500th row about 3 chunks long.
			const rowCount = 3_000;
			for (let id = 0; id < rowCount; id++) {
				const long = id % 500 === 499;
				const padLength = long ? 2 * CHUNK_BYTES : (id * 37) % 3_000;
				const itemCount = long ? CHUNK_BYTES / 8 : id % 50;
				const out = piped.rows('long_rows');
				startRow(out, 3);
				int4Field(out, id);
				textField(out, String.fromCharCode(97 + (id % 26)).repeat(padLength));
				arrayField(out, ARRAY_OF.int4, itemCount, false, () => {
					for (let item = 0; item < itemCount; item++) int4Field(out, id * 100_000 + item);
				});
				await piped.spillIfFull();
			}
			await piped.store();
			const {rows: [stored]} = await writer.query(
				`SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids, max(length(pad)) AS longest,
					bool_and(pad = repeat(chr(97 + id % 26), length(pad))) AS pads,
					bool_and(items = ARRAY(SELECT id * 100000 + item FROM generate_series(0, coalesce(cardinality(items), 0) - 1) item)) AS items,
					sum(cardinality(items))::int AS item_count FROM long_rows`,
			);
			let itemCount = 0;
			for (let id = 0; id < rowCount; id++) itemCount += id % 500 === 499 ? CHUNK_BYTES / 8 : id % 50;
			assert.deepEqual(stored, {rows: rowCount, ids: rowCount, longest: 2 * CHUNK_BYTES, pads: true, items: true, item_count: itemCount});
			await writer.query('COMMIT');
		} finally {
			writer.release();
		}
	});

	it('PipedTables: a COPY that fails is reported (by the next spill or the store), and both connections go on', {timeout: 60_000}, async () => {
		await withTwoConnections(async (reader, writer) => {
		await writer.query('BEGIN');
		// Every value is refused by the table: the first piece's COPY fails.
		await writer.query('CREATE TEMP TABLE refusing (learner_id int, value bigint CHECK (value < 0), pad text) ON COMMIT DROP');
		const tables = new PipedTables(writer, {refusing: 'learner_id, value, pad'});
		const failing = readLearnerRows(
			reader,
			query,
			copyingTo(tables, 'refusing'),
			tables,
		).then(() => tables.store());
		await assert.rejects(failing, /violates check constraint/);
		await tables.finished();
		await writer.query('ROLLBACK');
		for (const client of [reader, writer]) assert.equal((await client.query<{one: number}>('SELECT 1 AS one')).rows[0]!.one, 1);
		// A COPY that fails amid a query of COPYs: the rows sent for the COPYs after it are ignored.
		await writer.query('BEGIN');
		await createTables(writer, 't2');
		const piped = new PipedTables(writer, COLUMNS);
		writeRows(piped);
		await assert.rejects(piped.store(), /violates check constraint/);
		await piped.finished();
		await writer.query('ROLLBACK');
		assert.equal((await writer.query<{one: number}>('SELECT 1 AS one')).rows[0]!.one, 1);
		});
	});

	it('copyBetween copies rows from one connection to another; when the target refuses them, both connections can still roll back', {timeout: 60_000}, async () => {
		await withTwoConnections(async (source, target) => {
		await target.query('BEGIN');
		await target.query('CREATE TEMP TABLE copied (value bigint) ON COMMIT DROP');
		await copyBetween(source, 'SELECT n::bigint FROM generate_series(1, 200000) n', target, 'copied');
		assert.equal((await target.query<{total: string}>('SELECT sum(value)::text AS total FROM copied')).rows[0]!.total, String((200_000 * 200_001) / 2));
		// 200,000 rows, the first refused: the rest of the COPY out is still read.
		await target.query('CREATE TEMP TABLE refused (value bigint CHECK (value < 0)) ON COMMIT DROP');
		await source.query('BEGIN');
		await assert.rejects(copyBetween(source, 'SELECT n::bigint FROM generate_series(1, 200000) n', target, 'refused'), /violates check constraint/);
		await source.query('ROLLBACK');
		await target.query('ROLLBACK');
		for (const client of [source, target]) assert.equal((await client.query<{one: number}>('SELECT 1 AS one')).rows[0]!.one, 1);
		});
	});

	// Before the fix, the COPY was left unread and the ROLLBACK waited for ever.
	it('a failing handler rejects with its error, and the connection can still roll back (no COPY left hanging)', {timeout: 60_000}, async () => {
		const client = await pool.connect();
		try {
			await client.query('BEGIN');
			let rows = 0;
			const failing = readLearnerRows(
				client,
				query,
				{
					start: () => {},
					row: () => {
						if (++rows === 50_000) throw new Error('disk full (simulated)');
					},
					end: () => {},
				},
				{spillIfFull: async () => {}},
			);
			await assert.rejects(failing, /disk full \(simulated\)/);
			assert.equal(rows, 50_000, 'no row is handled after the failure');
			await client.query('ROLLBACK');
			const {rows: [check]} = await client.query<{one: number}>('SELECT 1 AS one');
			assert.equal(check!.one, 1);
		} finally {
			client.release();
		}
	});
});
