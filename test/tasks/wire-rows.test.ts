import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import pg from 'pg';
import {formatResult} from '../../source/tasks/output.js';
import {queryTable} from '../../source/tasks/run.js';
import {createTestDatabase, testPool} from '../helpers/database.js';

/**
 * Every kind of value a task gives, with NULLs, repeats (the decoders reuse an earlier row's string: the row
 * before's, or one found by a hash of its first and last bytes, which values that differ only in their middle share;
 * more distinct values than the decoder keeps), multi-byte text, a value longer than a socket read (a message split over reads) and enough rows
 * (about 6 MB) for many reads.
 */
const ALL_KINDS = `
	SELECT g AS n, g::int2 AS small, g * 1000000007::bigint AS big, 9007199254740993::bigint AS beyond_double,
		-g AS negative, (g / 3.0)::numeric(12, 4) AS ratio, g::float8 / 7 AS fraction, 1e300::float8 * g AS huge,
		'NaN'::float8 AS nan, '-Infinity'::float8 AS minus_infinity, 0::numeric * -1 AS zero, g::real AS single,
		g % 2 = 0 AS even, CASE WHEN g % 5 = 0 THEN NULL ELSE 'learner-' || (g / 10) END AS repeated,
		repeat('é€😀', g % 40) AS unicode, CASE WHEN g = 7 THEN repeat('long ', 40000) END AS long,
		'2024-01-02 03:04:05.678+00'::timestamptz + g * interval '1 hour 1 second' AS ts,
		'2024-01-02 03:04:05'::timestamp AS wall, date '2024-01-01' + g AS day, jsonb_build_object('g', g) AS j,
		'' AS empty, $1::text AS bound, 'v' || (g % 5000) AS cycled, (g % 3) || repeat('-', 20) AS same_tail,
		'12345678' || (g % 3) || repeat('-', 20) AS same_edges
	FROM generate_series(1, 20000) g`;

/** A whole number as a number when a double holds it exactly, else its text (every digit kept). */
const exactWhole = (value: string) => (/^-?\d+$/.test(value) && BigInt(Number(value)) !== BigInt(value) ? value : Number(value));

/** What pg itself makes of the same rows, with the conversions a task's result promises. */
const REFERENCE_TYPES = {
	getTypeParser(oid: number) {
		if ([20, 21, 23, 26, 700, 701, 1700].includes(oid)) return exactWhole;
		if (oid === 16) return (value: string) => value === 't';
		if (oid === 1184) return (value: string) => value.replace(' ', 'T').replace(/\+00$/, 'Z');
		return (value: string) => value;
	},
};

// Made at the top level: the helper drops it after this file's tests.
const url = await createTestDatabase('wire_rows');

describe('task rows read from the wire', () => {
	let pool: pg.Pool;
	let client: pg.PoolClient;

	before(async () => {
		pool = testPool(url);
		client = await pool.connect();
		await client.query("SET TIME ZONE 'UTC'");
	});
	after(async () => {
		client.release();
		await pool.end();
	});

	it('are the values pg reads, for every kind of column', async () => {
		const values = ["x'; drop table events; --"];
		const expected = await client.query({text: ALL_KINDS, values, rowMode: 'array', types: REFERENCE_TYPES});
		// pg's own reading of a row, which these rows must not go through.
		const prototype = pg.Query.prototype as unknown as {handleDataRow(message: unknown): void};
		const pgRead = prototype.handleDataRow;
		let rowsPgRead = 0;
		prototype.handleDataRow = function (message) {
			rowsPgRead++;
			pgRead.call(this, message);
		};
		const table = await queryTable(client, ALL_KINDS, values).finally(() => (prototype.handleDataRow = pgRead));
		assert.equal(rowsPgRead, 0);
		assert.equal(table.rows.length, 20_000);
		assert.deepEqual(table.rows, expected.rows);
		assert.deepEqual(table.columns.map((column) => column.name), expected.fields.map((field) => field.name));
		// The conversions themselves, on one row.
		const row = table.rows[6]!;
		assert.deepEqual(row.slice(0, 6), [7, 7, 7_000_000_049, '9007199254740993', -7, 2.3333]);
		assert.equal(row[15], 'long '.repeat(40_000));
		assert.equal(row[16], '2024-01-02T10:04:12.678Z');
		assert.deepEqual([row[12], table.rows[7]![12], table.rows[4]![13]], [false, true, null]);
	});

	it('are the same when the bytes come a few at a time (a message or its header split anywhere)', async () => {
		const text = ALL_KINDS.replace('20000', '1500');
		const expected = await client.query({text, values: ['a'], rowMode: 'array', types: REFERENCE_TYPES});
		const socket = (client as unknown as {connection: {stream: NodeJS.EventEmitter}}).connection.stream;
		const emit = socket.emit;
		let size = 0;
		socket.emit = function (event: string | symbol, ...args: unknown[]) {
			if (event !== 'data') return emit.call(this, event, ...args);
			const chunk = args[0] as Buffer;
			for (let at = 0; at < chunk.length; at += size) {
				size = (size % 13) + 1;
				emit.call(this, 'data', chunk.subarray(at, at + size));
			}
			return true;
		};
		try {
			assert.deepEqual((await queryTable(client, text, ['a'])).rows, expected.rows);
		} finally {
			socket.emit = emit;
		}
		assert.deepEqual((await queryTable(client, 'SELECT 41 + 1 AS answer')).rows, [[42]]);
	});

	it('leave messages between rows to pg, in their order', async () => {
		await client.query("CREATE FUNCTION pg_temp.noisy(n int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN IF n % 1000 = 0 THEN RAISE NOTICE 'row %', n; END IF; RETURN n; END $$");
		const notices: string[] = [];
		const onNotice = (notice: {message?: string}) => notices.push(notice.message ?? '');
		client.on('notice', onNotice);
		try {
			const table = await queryTable(client, 'SELECT pg_temp.noisy(g) FROM generate_series(1, 5000) g');
			assert.deepEqual(table.rows.map(([n]) => n), Array.from({length: 5000}, (_, index) => index + 1));
			assert.deepEqual(notices, ['row 1000', 'row 2000', 'row 3000', 'row 4000', 'row 5000']);
		} finally {
			client.removeListener('notice', onNotice);
		}
	});

	it('end in the error the server sends after some rows, and the connection goes on', async () => {
		await assert.rejects(
			queryTable(client, 'SELECT repeat($1, 100), 1 / (30000 - g) FROM generate_series(1, 40000) g', ['x']),
			(error: {code?: string}) => error.code === '22012',
		);
		assert.deepEqual((await queryTable(client, 'SELECT 41 + 1 AS answer')).rows, [[42]]);
	});

	it('keep every digit of a number a double cannot hold, in CSV, JSON and Markdown (9007199254740993 was written 9007199254740992)', async () => {
		const table = await queryTable(
			client,
			`SELECT 9007199254740993::bigint AS big, -123456789012345678::bigint AS user_id, avg(x) AS mean, 1 / 3::numeric AS third,
				(10::numeric ^ 400)::numeric(500, 0) AS vast, 2.50::numeric(20, 2) AS short, 1e-320::float8 AS tiny, 0.1::float8 + 0.2 AS sum,
				'NaN'::numeric AS nan, '-Infinity'::float8 AS minus_infinity
			 FROM (VALUES (1), (2), (4)) v(x)`,
		);
		const [big, userId, mean, third, vast, ...rest] = table.rows[0]!;
		assert.deepEqual([big, userId, mean, third], ['9007199254740993', '-123456789012345678', '2.3333333333333333', '0.33333333333333333333']);
		assert.equal(vast, `1${'0'.repeat(400)}`, 'not Infinity');
		assert.deepEqual(rest.slice(0, 3), [2.5, 1e-320, 0.30000000000000004], 'numbers a double holds stay numbers');
		const result = {taskId: 'digits', ...table, parameters: {}, elapsedMs: 0};
		const written = `9007199254740993,-123456789012345678,2.3333333333333333,0.33333333333333333333,1${'0'.repeat(400)},2.5,1e-320,0.30000000000000004`;
		assert.equal(formatResult(result, 'csv').split('\n')[1], `${written},NaN,-Infinity`);
		assert.equal(formatResult(result, 'md').split('\n')[2], `| ${written.replaceAll(',', ' | ')} | NaN | -Infinity |`);
		const json = formatResult(result, 'json');
		assert.match(json, /"big": 9007199254740993,\n {4}"user_id": -123456789012345678,\n {4}"mean": 2.3333333333333333,/);
		// JSON has no NaN nor Infinity: as text, not null (which is NULL).
		assert.deepEqual(Object.values(JSON.parse(json)[0]).slice(5), [2.5, 1e-320, 0.30000000000000004, 'NaN', '-Infinity']);
	});

	it('are empty, with the columns, when there are none', async () => {
		const table = await queryTable(client, 'SELECT 1 AS one, $1::text AS two WHERE false', ['a']);
		assert.deepEqual(table, {columns: [{name: 'one', kind: 'number'}, {name: 'two', kind: 'text'}], rows: []});
	});
});
