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
	after(async () => {
		const dropper = new pg.Client(clientConfig(adminUrl));
		await dropper.connect();
		// Ended when the drop fails too: the open connection kept the file's process alive, and the suite hung.
		try {
			await dropper.query(`DROP DATABASE IF EXISTS ${dropper.escapeIdentifier(name)} WITH (FORCE)`);
		} finally {
			await dropper.end();
		}
	});
	return url;
}

/** Where ../shared/corpus is, or undefined (tests using it then skip with a visible message). */
export {sharedCorpus} from './shared.js';
