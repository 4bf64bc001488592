import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import pg from 'pg';
import {clientConfig} from '../ingest/db/database.js';
import {migrate} from '../ingest/db/migrations.js';
import {startEmbeddedServer, stopEmbeddedServer, connectionUrl, readPassword, removeWorkdir, serverLogFile} from '../ingest/db/embedded-server.js';
import {ensureWorkdir, resolveWorkdir} from '../ingest/db/workdir.js';
import {cancelOnSignals} from '../source/commands/context.js';

/**
 * `npm test`: one real PostgreSQL (the embedded one) for the whole suite, in a throw-away workdir;
 * each test file creates its own database on it (test/helpers/database.ts), a copy of one migrated here. Then node's
 * test runner.
 * Extra arguments pick the test files whose path contains any of them (`node dist/test/run-tests.js tasks/run`).
 */
const here = path.dirname(fileURLToPath(import.meta.url));

function testFiles(dir: string): string[] {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return testFiles(full);
		return entry.name.endsWith('.test.js') ? [full] : [];
	});
}

/**
 * The migrated database that the test files' databases are copied from: migrating each new one took ~0.3 s of the
 * server's time, for ~130 databases a run; a copy of this small one takes less than a tenth of it.
 */
const TEMPLATE_DATABASE = 'openpolyedu_test_template';

async function createTemplateDatabase(adminUrl: string): Promise<void> {
	const admin = new pg.Client(clientConfig(adminUrl));
	await admin.connect();
	await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
	// Each line of the server's log names the database and the program: a connection that a failed test lost
	// ("terminating connection due to administrator command", seen twice, never reproduced) can then be traced.
	await admin.query(`ALTER SYSTEM SET log_line_prefix = '%m [%p] %d %a '`);
	await admin.query('SELECT pg_reload_conf()');
	await admin.end();
	// Disconnected before the tests run: a database someone is connected to cannot be copied.
	const client = new pg.Client(clientConfig(Object.assign(new URL(adminUrl), {pathname: `/${TEMPLATE_DATABASE}`}).toString()));
	await client.connect();
	try {
		await migrate(client);
	} finally {
		await client.end();
	}
}

/**
 * The server's FATAL and PANIC lines (the last 80), on stderr after a failed run: its workdir is removed next, and CI
 * keeps only the output. Many are a test's own doing (a connection it cut, a server it stopped).
 */
function printServerFailures(logFile: string): void {
	const lines = (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '').split('\n').filter((line) => / (FATAL|PANIC): /.test(line));
	if (lines.length === 0) return;
	console.error(`\nThe suite's PostgreSQL said (the FATAL and PANIC lines of ${logFile}, ${Math.min(lines.length, 80)} of ${lines.length}):`);
	console.error(lines.slice(-80).join('\n'));
}

// A stop (Ctrl-C, `timeout`'s SIGTERM, a CI's cancel) ends the tests, then stops the server and removes the workdir:
// the server runs in a session of its own and outlived a killed runner, with its /tmp/openpolyedu-test-* folder.
const cancel = cancelOnSignals();
const workdir = resolveWorkdir(fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-test-')));
let code = 130;
try {
	// mkdtemp makes it 0700; as root the server's own user must enter it to keep the cluster inside.
	fs.chmodSync(workdir.root, 0o755);
	ensureWorkdir(workdir);
	const server = await startEmbeddedServer(workdir);
	const password = readPassword(workdir)!;
	const port = Number(new URL(server.url).port);
	const adminUrl = connectionUrl(password, port, 'postgres');
	await createTemplateDatabase(adminUrl);
	const filter = process.argv.slice(2);
	// Paths compared with / between folders: on Windows `tasks/run` (as this manual writes it) matched no file, and `tasks\run` none elsewhere.
	const slashed = (text: string) => text.replaceAll('\\', '/');
	const files = testFiles(here).filter((file) => filter.length === 0 || filter.some((part) => slashed(file).includes(slashed(part))));
	// With no file, node --test finds its own: every .js under test/, helpers and tools too, which then fail.
	if (files.length === 0) {
		console.error(`No test file's path contains ${filter.map((part) => JSON.stringify(part)).join(' or ')}.`);
		code = 1;
	} else if (!cancel.signal.aborted) {
		code = await new Promise<number>((resolve) => {
			// Three files at a time on CI's two cores: a file often waits (on a CLI it spawned, an initdb's fsync, a server's
			// start or stop, a kill's aftermath), and two left the cores a fifth idle.
			const child = spawn(process.execPath, ['--test', '--test-concurrency=3', ...files], {
				stdio: 'inherit',
				env: {...process.env, OPENPOLYEDU_TEST_ADMIN_URL: adminUrl, OPENPOLYEDU_TEST_TEMPLATE: TEMPLATE_DATABASE},
				signal: cancel.signal,
			});
			child.on('error', (error) => {
				// A cancel's AbortError: the exit that follows resolves.
				if (cancel.signal.aborted) return;
				console.error(error.message);
				resolve(1);
			});
			child.on('exit', (exitCode) => resolve(cancel.signal.aborted ? 130 : (exitCode ?? 1)));
		});
	}
} finally {
	await stopEmbeddedServer(workdir);
	if (code !== 0 && code !== 130) printServerFailures(serverLogFile(workdir));
	removeWorkdir(workdir);
	cancel.dispose();
}
process.exitCode = code;
