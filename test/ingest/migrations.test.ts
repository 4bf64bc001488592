import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {migrate, migrations} from '../../ingest/db/migrations.js';
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
});
