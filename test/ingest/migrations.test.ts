import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {migratedTables, migrate, migrations} from '../../ingest/db/migrations.js';
import {eventTime} from '../../ingest/event-fields.js';
import {eventHash} from '../../ingest/event-hash.js';
import {createTestDatabase} from '../helpers/database.js';

describe('schema migrations', () => {
	it('are recorded once each; applying them again changes nothing', async () => {
		const url = await createTestDatabase('migrations');
		const client = new pg.Client(clientConfig(url));
		await client.connect();
		try {
			// createTestDatabase already migrated: every version is recorded, in order.
			const {rows} = await client.query<{version: number}>('SELECT version FROM schema_version ORDER BY version');
			assert.deepEqual(rows.map((row) => row.version), migrations.map((migration) => migration.version));
			assert.deepEqual(await migrate(client), []);
			const {rows: again} = await client.query('SELECT count(*)::int AS count FROM schema_version');
			assert.equal(again[0].count, migrations.length);
			// Two processes starting at once: the advisory lock makes the second wait, then find nothing to do.
			const second = new pg.Client(clientConfig(url));
			await second.connect();
			try {
				assert.deepEqual(await Promise.all([migrate(client), migrate(second)]), [[], []]);
			} finally {
				await second.end();
			}
		} finally {
			await client.end();
		}
	});

	it("name every table they leave in migratedTables, which reset empties (and nothing else: a --db database may hold others)", async () => {
		const url = await createTestDatabase('migrated_tables');
		const client = new pg.Client(clientConfig(url));
		await client.connect();
		try {
			const {rows} = await client.query<{name: string}>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_version' ORDER BY 1`);
			const named = new Set(migratedTables());
			assert.deepEqual(rows.map((row) => row.name).filter((name) => !named.has(name)), [], 'a table made otherwise than by CREATE TABLE name');
		} finally {
			await client.end();
		}
	});

	it('3 turns stored event hashes into time-led ones equal to what the loader now computes', async () => {
		const url = await createTestDatabase('migration-3');
		const client = new pg.Client(clientConfig(url));
		await client.connect();
		try {
			const lines = [
				{json: '{"time":"2019-03-04T05:06:07.891+03:00","event_type":"a"}', time: '2019-03-04T05:06:07.891+03:00'},
				// Before 2000 and before 1970: the prefix still counts whole seconds down (floor, not toward zero).
				{json: '{"time":"1969-12-31T23:59:59.5Z","event_type":"b"}', time: '1969-12-31T23:59:59.5Z'},
				{json: '{"event_type":"no time"}', time: null},
			];
			for (const [index, line] of lines.entries()) {
				// As version 2 stored it: the first 128 bits of the sha256.
				const oldHash = createHash('sha256').update(line.json).digest('hex').slice(0, 32);
				await client.query('INSERT INTO events (event_hash, file_id, line_no, load_id, time) VALUES ($1, 0, $2, 0, $3)', [oldHash, index, line.time]);
			}
			await client.query(migrations.find((migration) => migration.version === 3)!.sql);
			const {rows} = await client.query<{hash: string}>("SELECT replace(event_hash::text, '-', '') AS hash FROM events ORDER BY line_no");
			assert.deepEqual(
				rows.map((row) => row.hash),
				lines.map((line) => eventHash(Buffer.from(line.json), line.time === null ? undefined : eventTime(line.time))),
			);
			assert.ok(rows[0]!.hash.startsWith('0100'), 'a time after 2000 leads with the bias plus its seconds');
			assert.ok(rows[2]!.hash.startsWith('000000000000'), 'no time leads with zeros');
		} finally {
			await client.end();
		}
	});

	it("127 counts a new database's days in Moscow time, and leaves the zone of a database with loads", async () => {
		const url = await createTestDatabase('migration-127');
		const client = new pg.Client(clientConfig(url));
		await client.connect();
		try {
			const zone = async () => (await client.query<{zone: string}>('SELECT d_day_zone() AS zone')).rows[0]!.zone;
			assert.equal(await zone(), 'Europe/Moscow');
			const sql = migrations.find((migration) => migration.version === 127)!.sql;
			// As a database built in UTC before 127 stands.
			await client.query(`SELECT d_set_day_zone('UTC')`);
			await client.query('INSERT INTO loads (finished_at) VALUES (now())');
			await client.query(sql);
			assert.equal(await zone(), 'UTC');
			await client.query('DELETE FROM loads');
			await client.query(sql);
			assert.equal(await zone(), 'Europe/Moscow');
		} finally {
			await client.end();
		}
	});

	it('128: a logged page is a page only when it is a URL', async () => {
		const url = await createTestDatabase('migration-128');
		const client = new pg.Client(clientConfig(url));
		await client.connect();
		try {
			const pages = ['https://openedu.ru/courses/x/', 'HTTP://host/a', 'Https://host/b', '/courses/x/about', '/', 'x_module', 'dashboard', 'idashboard', '', ' /a', 'courses/x', 'ftp://host/c'];
			const {rows} = await client.query<{page: string}>('SELECT page FROM unnest($1::text[]) page WHERE d_is_page_url(page)', [pages]);
			assert.deepEqual(rows.map((row) => row.page), pages.slice(0, 5));
		} finally {
			await client.end();
		}
	});
});
