import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {isDatabaseFailure} from '../../ingest/engine.js';
import {createTestDatabase} from '../helpers/database.js';

/**
 * A statement on a client whose connection was cut fails with pg's own error, not the server's nor the socket's: it
 * reached the user bare ("Client has encountered a connection error and is not queryable", kill-and-resume, a
 * connection cut mid-COPY, seed 3053870580), where every other failure of the database says what was kept and how to
 * go on. The errors here are pg's, made as the ingest met them.
 */
describe('a failure of the database connection', () => {
	it('is one whether the socket goes under a statement or before the next one', async () => {
		const client = new pg.Client(clientConfig(await createTestDatabase('failure')));
		await client.connect();
		const failed = new Promise((resolve) => client.once('error', resolve));
		(client as unknown as {connection: {stream: {destroy(error: Error): void}}}).connection.stream.destroy(new Error('cut'));
		await failed;
		const next = await client.query('SELECT 1').then(
			() => undefined,
			(error: unknown) => error,
		);
		assert.match(String((next as Error).message), /not queryable/);
		assert.equal(isDatabaseFailure(next), true);
		await client.end().catch(() => {});
		const closed = new pg.Client(clientConfig(await createTestDatabase('failure')));
		await closed.connect();
		await closed.end();
		const afterEnd = await closed.query('SELECT 1').then(
			() => undefined,
			(error: unknown) => error,
		);
		assert.equal(isDatabaseFailure(afterEnd), true, String(afterEnd));
		assert.equal(isDatabaseFailure(new Error('Unexpected token } in JSON')), false);
	});
});
