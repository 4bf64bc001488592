import crypto from 'node:crypto';
import {after} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {migrate} from '../../ingest/db/migrations.js';

/**
 * A fresh, migrated database on the suite's PostgreSQL (started by test/run-tests.ts), dropped after
 * the test file. Returns its connection URL (with password: never print it).
 */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
	const adminUrl = process.env.OPENPOLYEDU_TEST_ADMIN_URL;
	if (!adminUrl) throw new Error('OPENPOLYEDU_TEST_ADMIN_URL is not set: run the tests with npm test');
	const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
	const admin = new pg.Client(clientConfig(adminUrl));
	await admin.connect();
	// A copy of the migrated template that run-tests.ts made, when there is one.
	const template = process.env.OPENPOLYEDU_TEST_TEMPLATE;
	await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}${template ? ` TEMPLATE ${admin.escapeIdentifier(template)}` : ''}`);
	await admin.end();
	const url = Object.assign(new URL(adminUrl), {pathname: `/${name}`}).toString();
	const client = new pg.Client(clientConfig(url));
	await client.connect();
	// Migrates a database made without the template; on a copy it finds every migration applied (the template is current).
	await migrate(client);
	await client.end();
	after(() => dropTestDatabase(url));
	return url;
}

/**
 * Drops a database of createTestDatabase's (which does so after the test or file that made it), ending the sessions
 * still connected to it.
 */
export async function dropTestDatabase(url: string): Promise<void> {
	const dropper = new pg.Client(clientConfig(process.env.OPENPOLYEDU_TEST_ADMIN_URL!));
	await dropper.connect();
	// Ended when the drop fails too: the open connection kept the file's process alive, and the suite hung.
	try {
		await dropper.query(`DROP DATABASE IF EXISTS ${dropper.escapeIdentifier(new URL(url).pathname.slice(1))} WITH (FORCE)`);
	} finally {
		await dropper.end();
	}
}

/**
 * A pool on `url` for a test. Its end() resolves once it has asked its connections to close, before the server has
 * read that: the drop of the database right after the test (dropTestDatabase) could still find one open and terminate
 * it, and the FATAL "terminating connection due to administrator command" that then reached the closing connection was
 * an uncaught 'error' of the pool, failing a test that had passed (1 full run in 5 to 10, on a busy machine). An error
 * once the pool is ending is no test's concern; one before still fails the test.
 */
export function testPool(url: string, config: pg.PoolConfig = {}): pg.Pool {
	const pool = new pg.Pool({...clientConfig(url), ...config});
	pool.on('error', (error) => {
		if (!pool.ending) throw error;
	});
	return pool;
}

/** Where ../shared/corpus is, or undefined (tests using it then skip with a visible message). */
export {sharedCorpus} from './shared.js';
