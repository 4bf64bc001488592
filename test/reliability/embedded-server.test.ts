import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess, type SpawnSyncReturns} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig, ensureDatabaseExists} from '../../ingest/db/database.js';
import {answersAsPostgres, connectionUrl, embeddedServerStatus, exitCodeText, readPassword, removeWorkdir, shellSafe, staleServerFile, startEmbeddedServer, stopEmbeddedServer} from '../../ingest/db/embedded-server.js';
import {acquireWorkdirLock} from '../../ingest/db/workdir-lock.js';
import {ensureWorkdir, REMOVE_FOLDER, resolveWorkdir, type Workdir} from '../../ingest/db/workdir.js';
import {describeError} from '../../source/ui/lib/errors.js';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {assertAccounting, assertOnlyCommittedChunks, loadedContent} from './helpers/accounting.js';
import {blockedRun, CLI, runCli, startCli} from './helpers/cli.js';
import {writeFaultInputs} from './helpers/inputs.js';
import {seededRandom} from './helpers/seed.js';
import {settled, until} from '../helpers/shared.js';

/**
 * The app's own embedded PostgreSQL, in a workdir of its own: stopped (immediate shutdown, as a
 * crash or an OOM kill would) in the middle of an ingest, then checked for what it lets in.
 */
const POSIX = process.platform !== 'win32';
const workdir = resolveWorkdir(fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-server-')));
ensureWorkdir(workdir);
after(async () => {
	await stopEmbeddedServer(workdir).catch(() => false);
	removeWorkdir(workdir);
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pool on the embedded server while it runs (the CLI started it). */
async function openRunning(): Promise<pg.Pool | undefined> {
	const port = embeddedServerStatus(workdir).port;
	const password = readPassword(workdir);
	if (port === undefined || !password) return undefined;
	const pool = new pg.Pool({...clientConfig(connectionUrl(password, port)), max: 1});
	pool.on('error', () => {});
	try {
		await pool.query('SELECT 1');
		return pool;
	} catch {
		await pool.end();
		return undefined;
	}
}

/** Runs `body` on the embedded server, started for it (and stopped after). */
async function withServer<T>(body: (pool: pg.Pool, url: string) => Promise<T>): Promise<T> {
	const server = await startEmbeddedServer(workdir);
	await ensureDatabaseExists(server.url);
	const pool = new pg.Pool({...clientConfig(server.url), max: 2});
	pool.on('error', () => {});
	try {
		return await body(pool, server.url);
	} finally {
		await pool.end();
		await stopEmbeddedServer(workdir);
	}
}

/**
 * A temporary folder of one test's own, and workdirs in it by name: after the test their servers are stopped, their
 * workdirs (clusters under /var/lib too) removed, and the folder deleted. `open` (0755): as root, the postgres user
 * reaches what is made in it (mkdtemp makes it 0700).
 */
function testFolder(prefix: string, options: {open?: boolean} = {}): {parent: string; workdir: (name: string) => Workdir} {
	const parent = fs.mkdtempSync(path.join(os.tmpdir(), `openpolyedu-${prefix}-`));
	if (options.open) fs.chmodSync(parent, 0o755);
	const made: Workdir[] = [];
	after(async () => {
		for (const each of made) {
			await stopEmbeddedServer(each).catch(() => false);
			removeWorkdir(each);
		}
		fs.rmSync(parent, {recursive: true, force: true});
	});
	const workdir = (name: string) => {
		const each = resolveWorkdir(path.join(parent, name));
		made.push(each);
		return each;
	};
	return {parent, workdir};
}

/** A workdir as a run of the app leaves it, but no server ever ran: its password file and a cluster folder (0700) with PG_VERSION. */
function madeWorkdir(root: string): Workdir {
	const made = resolveWorkdir(root);
	fs.mkdirSync(made.pgdata, {recursive: true, mode: 0o700});
	fs.writeFileSync(path.join(made.pgdata, 'PG_VERSION'), '18\n');
	fs.writeFileSync(made.passwordFile, 'secret', {mode: 0o600});
	return made;
}

describe('the embedded database stopped in the middle of an ingest', {skip: POSIX ? false : 'skipped: stops the server with SIGQUIT (POSIX)'}, () => {
	it('fails with a clear message, keeps only whole chunks, and the next run resumes to a clean load', async () => {
		const {random, seed} = seededRandom('embedded-server');
		const inputs = await writeFaultInputs(fixtureDir(), 12_000, random);
		const run = startCli(['ingest', '--workdir', workdir.root, '--workers', '2', inputs.dir]);
		let stopped = false;
		while (!stopped && run.child.exitCode === null) {
			const pool = await openRunning();
			if (pool) {
				while (!stopped && run.child.exitCode === null) {
					const {rows} = await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'COPY events%'").catch(() => ({rows: [{n: 0}]}));
					if (rows[0].n > 0) {
						// SIGQUIT to the postmaster is PostgreSQL's immediate shutdown (pg_ctl stop -m immediate).
						const pid = Number(fs.readFileSync(path.join(fs.realpathSync(workdir.pgdata), 'postmaster.pid'), 'utf8').split('\n')[0]);
						process.kill(pid, 'SIGQUIT');
						stopped = true;
					} else await sleep(10);
				}
				await pool.end();
			} else await sleep(50);
		}
		const failed = await run.done;
		assert.ok(stopped, `seed ${seed}: the server was stopped while the ingest was copying (exit ${failed.code}: ${failed.stderr})`);
		assert.equal(failed.code, 1, `seed ${seed}: non-zero exit`);
		const message = failed.stderr.split('\n').filter((line) => line && !line.startsWith('loading ') && !line.includes('derived tables'));
		assert.equal(message.length, 1, `one clear sentence, not: ${failed.stderr}`);
		assert.match(message[0]!, /database/i);
		assert.doesNotMatch(failed.stderr, /\n\s+at |Unexpected error/);

		await withServer((pool) => assertOnlyCommittedChunks(pool));
		const resumed = await runCli(['ingest', '--workdir', workdir.root, '--workers', '2', inputs.dir]);
		assert.equal(resumed.code, 0, resumed.stderr);

		const clean = await openTestDatabase('server_clean');
		await ingest(clean, [inputs.dir]);
		const label = (file: string) => path.relative(inputs.dir, file);
		const expected = await loadedContent(clean.pool, label);
		await withServer(async (pool) => {
			await assertAccounting(pool, inputs.contents);
			assert.deepEqual(await loadedContent(pool, label), expected, `seed ${seed}: resumed load equals a clean load`);
		});
		console.log(`# embedded-server: stopped mid-COPY: "${message[0]}"; resumed: ${expected.events} events, ${expected.rejected.length} rejected lines, equal to a clean load; lines lost 0`);
	});
});

describe('what the embedded server lets in', () => {
	it('listens on 127.0.0.1 only, with scram-sha-256 passwords and no trust', async () => {
		await withServer(async (pool, url) => {
			assert.equal((await pool.query('SHOW listen_addresses')).rows[0].listen_addresses, '127.0.0.1');
			assert.equal((await pool.query('SHOW password_encryption')).rows[0].password_encryption, 'scram-sha-256');
			const {rows: rules} = await pool.query<{type: string; auth_method: string; error: string | null}>('SELECT type, auth_method, error FROM pg_hba_file_rules');
			assert.ok(rules.length > 0);
			for (const rule of rules) {
				assert.equal(rule.error, null);
				assert.notEqual(rule.auth_method, 'trust', `no trust rule (${rule.type})`);
				assert.ok(['scram-sha-256', 'md5', 'password', 'reject'].includes(rule.auth_method), `password authentication only, not ${rule.auth_method}`);
			}

			const wrong = Object.assign(new URL(url), {password: 'not-the-password'}).toString();
			const intruder = new pg.Client(clientConfig(wrong));
			await assert.rejects(intruder.connect(), (error: {code?: string}) => error.code === '28P01');
			const noPassword = new pg.Client({...clientConfig(Object.assign(new URL(url), {password: ''}).toString()), password: ''});
			await assert.rejects(noPassword.connect());

			const port = Number(new URL(url).port);
			const external = Object.values(os.networkInterfaces())
				.flat()
				.filter((address) => address && !address.internal && address.family === 'IPv4')
				.map((address) => address!.address);
			console.log(`# embedded-server: port ${port} tried on non-loopback addresses: ${external.join(', ') || 'none on this machine'}`);
			for (const address of external) {
				const reached = await new Promise<boolean>((resolve) => {
					const socket = net.connect({host: address, port, timeout: 2000});
					socket.on('connect', () => (socket.destroy(), resolve(true)));
					socket.on('error', () => resolve(false));
					socket.on('timeout', () => (socket.destroy(), resolve(false)));
				});
				assert.equal(reached, false, `port ${port} is not reachable on ${address}`);
			}
		});
	});

	it('keeps its random password in a file only the user can read, and never in its logs', {skip: POSIX ? false : 'skipped: POSIX file modes'}, () => {
		const password = readPassword(workdir)!;
		assert.ok(password.length >= 24, 'a long random password');
		assert.equal(fs.statSync(workdir.passwordFile).mode & 0o777, 0o600);
		for (const log of fs.readdirSync(workdir.logs)) {
			assert.ok(!fs.readFileSync(path.join(workdir.logs, log), 'utf8').includes(password), `${log} does not contain the password`);
		}
	});

	it("removes at its next start the password file of an initdb whose process was killed (a second Ctrl-C), not a running one's", async () => {
		const folder = path.dirname(fs.realpathSync(workdir.pgdata));
		const gone = spawnSync(process.execPath, ['-e', '']).pid!;
		const [left, running] = [gone, process.pid].map((pid) => path.join(folder, `.pwfile-${pid}`));
		for (const file of [left, running]) fs.writeFileSync(file, `${readPassword(workdir)}\n`, {mode: 0o600});
		try {
			// It stayed in the workdir, the password in a second file, until `reset`.
			await withServer(async () => assert.deepEqual([fs.existsSync(left), fs.existsSync(running)], [false, true]));
		} finally {
			fs.rmSync(running, {force: true});
		}
	});
});

describe('a server binary that Windows cannot load', () => {
	it('is named with the runtime to install (the exit code alone, 3221225781, said nothing and the log was empty)', () => {
		assert.equal(
			exitCodeText('initdb', 3_221_225_781),
			"initdb exit code 0xC0000135: a library it needs was not found; install Microsoft's latest Visual C++ Redistributable for Visual Studio 2015-2022 (x64), then try again",
		);
		assert.match(exitCodeText('pg_ctl', 0xc0000139), /^pg_ctl exit code 0xC0000139: a library it needs is too old; install/);
		assert.equal(exitCodeText('initdb', 1), 'initdb exit code 1');
	});
});

describe('a workdir whose path the shell would read', () => {
	it('is refused in one sentence before a cluster is made (a " in it: initdb ran, then "Unterminated quoted string")', {skip: POSIX ? false : 'skipped: Windows paths cannot hold "'}, async () => {
		const dir = fixtureDir();
		// Reachable by the postgres user (as root): else the cluster goes to a folder of its own, whose path is safe.
		fs.chmodSync(dir, 0o755);
		const workdir = path.join(dir, 'a"b');
		const result = await runCli(['db', 'start', '--workdir', workdir]);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /^The embedded PostgreSQL cannot run from ".*a\\"b\/pgdata": its pg_ctl cannot take a path with " \$ ` \\ or a line break in it; choose another --workdir \(or move the project\)\.\n$/);
		assert.equal(fs.existsSync(path.join(workdir, 'pgdata', 'PG_VERSION')), false);
	});

	it('is any path without " $ ` \\ or a line break, and any path on Windows', () => {
		for (const file of ['/a b/c\'d/pgdata', '/работа/pgdata', '/x(1)/y&z/pgdata']) assert.equal(shellSafe(file, 'linux'), true, file);
		for (const file of ['/a"b', '/a$HOME', '/a`id`', '/a\\b', '/a\nb']) assert.equal(shellSafe(file, 'linux'), false, file);
		assert.equal(shellSafe('C:\\Users\\a$b\\pgdata', 'win32'), true);
	});
});

describe('a workdir moved to another folder', {skip: POSIX ? false : 'skipped: makes symlinks (rights on Windows) and renames a folder its server has just left'}, () => {
	it('keeps its database there, even after a new workdir started at its old path; a link to a deleted cluster gets one sentence', async () => {
		// mkdtemp's 0700 keeps postgres out: as root, the clusters live under /var/lib (see clusterDirectory).
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-move-'));
		const original = resolveWorkdir(path.join(parent, 'first'));
		const moved = resolveWorkdir(path.join(parent, 'moved'));
		const remade = resolveWorkdir(original.root);
		after(async () => {
			for (const each of [moved, remade]) {
				await stopEmbeddedServer(each).catch(() => false);
				removeWorkdir(each);
			}
			fs.rmSync(parent, {recursive: true, force: true});
		});
		const query = async (server: {url: string}, sql: string) => {
			await ensureDatabaseExists(server.url);
			const client = new pg.Client(clientConfig(server.url));
			await client.connect();
			try {
				return (await client.query(sql)).rows;
			} finally {
				await client.end();
			}
		};
		ensureWorkdir(original);
		await query(await startEmbeddedServer(original), 'CREATE TABLE kept AS SELECT 42 AS answer');
		await stopEmbeddedServer(original);
		// Not as root, the cluster is the workdir's own pgdata, and moves with it.
		const inside = fs.realpathSync(original.pgdata) === fs.realpathSync(original.root) + path.sep + 'pgdata';
		fs.renameSync(original.root, moved.root);
		const cluster = fs.realpathSync(moved.pgdata);
		// An hour old: an earlier version deleted a cluster whose workdir had gone, at the next start of any workdir.
		const anHourAgo = new Date(Date.now() - 3_600_000);
		fs.utimesSync(path.dirname(cluster), anHourAgo, anHourAgo);

		ensureWorkdir(remade);
		const fresh = await startEmbeddedServer(remade);
		assert.equal((await query(fresh, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept'"))[0].n, 0, 'the new workdir has a database of its own');
		await stopEmbeddedServer(remade);
		assert.notEqual(fs.realpathSync(remade.pgdata), cluster);
		const listed = async (workdir: typeof moved) => (await runCli(['db', 'status', '--workdir', workdir.root])).stdout.includes(`Not used by any workdir: ${path.dirname(cluster)} (`);
		if (!inside) assert.ok(await listed(remade), 'db status lists the cluster of the moved workdir');

		const back = await startEmbeddedServer(moved);
		assert.deepEqual(await query(back, 'SELECT answer FROM kept'), [{answer: 42}], 'the moved workdir still has its data');
		await stopEmbeddedServer(moved);
		assert.equal(await listed(moved), false, 'started from its new folder, the cluster is claimed again');
		console.log(`# embedded-server: a moved workdir kept its cluster (${inside ? 'inside the workdir' : path.dirname(cluster)})`);

		const dangling = resolveWorkdir(path.join(parent, 'dangling'));
		ensureWorkdir(dangling);
		fs.symlinkSync(path.join(parent, 'deleted-cluster'), dangling.pgdata);
		const failed = await runCli(['db', 'start', '--workdir', dangling.root]);
		assert.equal(failed.code, 1);
		assert.match(failed.stderr.trim(), /^[^\n]*links to [^\n]*deleted-cluster, which no longer exists; delete the link to start over with an empty database\.$/);
		const status = await runCli(['db', 'status', '--workdir', dangling.root]);
		assert.equal(status.stdout.split('\n')[0], failed.stderr.trim(), 'db status says the same');
	});

	it("copied with its link, does not share its database with the copy (the copy's reset emptied it)", async (t) => {
		if (process.getuid?.() !== 0) return t.skip('skipped: only root keeps clusters under /var/lib, linked from the workdir');
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-copy-'));
		const original = resolveWorkdir(path.join(parent, 'course'));
		const copy = resolveWorkdir(path.join(parent, 'course-backup'));
		after(async () => {
			await stopEmbeddedServer(original).catch(() => false);
			// The cluster goes with whichever names it last (the copy, when it took it over).
			for (const each of [original, copy]) removeWorkdir(each);
			fs.rmSync(parent, {recursive: true, force: true});
		});
		const input = path.join(parent, 'day.log');
		fs.writeFileSync(input, lines(0, 5));
		assert.equal((await runCli(['ingest', input, '--workdir', original.root])).code, 0);
		const owner = path.join(path.dirname(fs.realpathSync(original.pgdata)), 'workdir');
		// As `cp -a course course-backup` copies it: the link to the cluster under /var/lib as it is.
		fs.cpSync(original.root, copy.root, {recursive: true, verbatimSymlinks: true});
		assert.equal(fs.realpathSync(copy.pgdata), fs.realpathSync(original.pgdata));

		const reset = await runCli(['reset', '--yes', '--workdir', copy.root]);
		assert.deepEqual([reset.code, reset.stdout, reset.stderr], [
			1,
			'',
			`${copy.pgdata} leads to the database of the workdir ${fs.realpathSync(original.root)}, which still uses it (a copy of that workdir, its link copied as it was): delete ${copy.pgdata} to start this one with an empty database, or use ${fs.realpathSync(original.root)}.\n`,
		]);
		assert.equal(fs.readFileSync(owner, 'utf8'), fs.realpathSync(original.root), 'still the original\'s');
		const files = await runCli(['files', '--workdir', original.root, '--format', 'json']);
		assert.deepEqual(JSON.parse(files.stdout).map((row: {loaded: number}) => row.loaded), [5], 'its data is there');
	});
});

describe('a pgdata that is not a cluster', {skip: POSIX ? false : 'skipped: makes symlinks (rights on Windows)'}, () => {
	it("is refused in one sentence when it holds other files, which stay (its folder was emptied whole); a cut initdb's leftovers are cleared", async () => {
		// As root the server's user must reach the folder pgdata leads to.
		const {parent, workdir} = testFolder('pgdata', {open: true});
		const linked = workdir('linked');
		// A folder on a "bigger disk" that pgdata was made to lead to, with a file of the user's in it.
		const disk = path.join(parent, 'disk');
		fs.mkdirSync(disk);
		fs.writeFileSync(path.join(disk, 'thesis.txt'), 'four years of work');
		ensureWorkdir(linked);
		fs.symlinkSync(disk, linked.pgdata);
		const refused = await runCli(['db', 'start', '--workdir', linked.root]);
		assert.equal(refused.code, 1);
		assert.equal(
			refused.stderr.trim(),
			`${fs.realpathSync(disk)} (where ${linked.pgdata} leads) holds no database cluster but other files (thesis.txt), which the app does not delete: move them away, or let ${linked.pgdata} be an empty folder.`,
		);
		assert.equal(fs.readFileSync(path.join(disk, 'thesis.txt'), 'utf8'), 'four years of work');

		// Nothing but a log/ of the user's: a running server's name (logging_collector's), which no initdb makes, and it was emptied.
		const logged = path.join(parent, 'logged');
		fs.mkdirSync(path.join(logged, 'log'), {recursive: true});
		fs.writeFileSync(path.join(logged, 'log', 'lab.log'), 'measurements');
		fs.rmSync(linked.pgdata);
		fs.symlinkSync(logged, linked.pgdata);
		const kept = await runCli(['db', 'start', '--workdir', linked.root]);
		assert.deepEqual(
			[kept.code, kept.stderr.trim()],
			[1, `${fs.realpathSync(logged)} (where ${linked.pgdata} leads) holds no database cluster but other files (log), which the app does not delete: move them away, or let ${linked.pgdata} be an empty folder.`],
		);
		assert.equal(fs.readFileSync(path.join(logged, 'log', 'lab.log'), 'utf8'), 'measurements');
		fs.rmSync(linked.pgdata);
		fs.symlinkSync(disk, linked.pgdata);

		// A plain file where the cluster's folder goes.
		const plain = workdir('plain');
		ensureWorkdir(plain);
		fs.writeFileSync(plain.pgdata, 'not a folder');
		const file = await runCli(['db', 'start', '--workdir', plain.root]);
		assert.equal(file.code, 1);
		// Named as it is found (macOS' temporary folders lie behind a link).
		const real = fs.realpathSync(plain.pgdata);
		assert.equal(file.stderr.trim(), `${real === plain.pgdata ? real : `${real} (where ${plain.pgdata} leads)`} is a file, not a folder for the database cluster; the app does not delete it: move it away.`);
		assert.equal(fs.readFileSync(plain.pgdata, 'utf8'), 'not a folder');

		// A cluster that lost only its PG_VERSION (initdb writes it before pg_control) is data, not a cut initdb's
		// leftovers: it was emptied for a new cluster.
		fs.rmSync(path.join(disk, 'thesis.txt'));
		for (const folder of ['base/16384', 'global']) fs.mkdirSync(path.join(disk, folder), {recursive: true});
		fs.writeFileSync(path.join(disk, 'global', 'pg_control'), 'control');
		fs.writeFileSync(path.join(disk, 'base', '16384', '16385'), 'events');
		const damaged = await runCli(['db', 'start', '--workdir', linked.root]);
		assert.deepEqual(
			[damaged.code, damaged.stderr.trim()],
			[1, `${fs.realpathSync(disk)} (where ${linked.pgdata} leads) holds a database cluster whose PG_VERSION file is missing (damaged, or copied in part), which the app does not delete: put the file back (it holds the PostgreSQL major version, such as 18), or move the folder away to start a new database.`],
		);
		assert.equal(fs.readFileSync(path.join(disk, 'base', '16384', '16385'), 'utf8'), 'events');
		fs.rmSync(path.join(disk, 'base'), {recursive: true});
		fs.rmSync(path.join(disk, 'global'), {recursive: true});

		// What an initdb killed half-way leaves (no PG_VERSION yet) is the app's own, and is cleared for the next one.
		for (const folder of ['base/1', 'global', 'pg_wal']) fs.mkdirSync(path.join(disk, folder), {recursive: true});
		fs.writeFileSync(path.join(disk, 'base', '1', '112'), 'half-written');
		fs.writeFileSync(path.join(disk, 'postgresql.conf'), '# cut off');
		const server = await startEmbeddedServer(linked);
		await ensureDatabaseExists(server.url);
		const client = new pg.Client(clientConfig(server.url));
		await client.connect();
		try {
			assert.deepEqual((await client.query('SELECT 42 AS answer')).rows, [{answer: 42}]);
		} finally {
			await client.end();
			await stopEmbeddedServer(linked);
		}
		assert.ok(fs.existsSync(path.join(disk, 'PG_VERSION')), 'the cluster was made where pgdata leads');
	});

	it("that is another PostgreSQL's (a Docker project's pgdata with --workdir ., one's own ~/pgdata with --workdir ~) is left alone in one sentence: not named for deletion, its server not stopped", async () => {
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-foreign-'));
		after(() => fs.rmSync(parent, {recursive: true, force: true}));
		const cluster = (folder: string, settings: string) => {
			fs.mkdirSync(path.join(folder, 'pgdata', 'base'), {recursive: true, mode: 0o700});
			fs.writeFileSync(path.join(folder, 'pgdata', 'PG_VERSION'), '16\n');
			fs.writeFileSync(path.join(folder, 'pgdata', 'postgresql.conf'), settings);
			return resolveWorkdir(folder);
		};
		// A project whose database runs in Docker, its cluster in ./pgdata: "delete …/pgdata to create a new cluster" was the advice.
		const project = cluster(path.join(parent, 'project'), "listen_addresses = '*'\n");
		fs.writeFileSync(path.join(project.root, 'docker-compose.yml'), 'services: {db: {image: postgres, volumes: [./pgdata:/var/lib/postgresql/data]}}\n');
		for (const args of [['reset', '--yes'], ['db', 'start']]) {
			const refused = await runCli([...args, '--workdir', project.root]);
			assert.deepEqual([refused.code, refused.stdout, refused.stderr], [
				1,
				'',
				`${project.pgdata} holds a PostgreSQL cluster that openpolyedu-tui did not make (without its password file, and no settings of the app's in its postgresql.conf), which the app leaves alone: pass another --workdir.\n`,
			]);
		}
		assert.equal(fs.readFileSync(path.join(project.pgdata, 'postgresql.conf'), 'utf8'), "listen_addresses = '*'\n");
		// The app's own cluster, its password file lost: a new one is the way on.
		const ours = cluster(path.join(parent, 'ours'), "listen_addresses = '*'\n# --- openpolyedu-tui ---\nlisten_addresses = '127.0.0.1'\n");
		const lost = await runCli(['db', 'start', '--workdir', ours.root]);
		assert.equal(lost.stderr, `The password file ${ours.passwordFile} is missing; delete ${ours.pgdata} to create a new cluster.\n`);

		// The user's own PostgreSQL running on ~/pgdata, and db stop --workdir ~: it was stopped. (Made here by the app, then
		// stripped of what tells the app's own: its password file and its settings block.)
		fs.chmodSync(parent, 0o755);
		const home = resolveWorkdir(path.join(parent, 'home'));
		after(async () => {
			await stopEmbeddedServer(home).catch(() => false);
			removeWorkdir(home);
		});
		ensureWorkdir(home);
		await startEmbeddedServer(home);
		const settings = path.join(fs.realpathSync(home.pgdata), 'postgresql.conf');
		const ownSettings = fs.readFileSync(settings, 'utf8');
		fs.writeFileSync(settings, ownSettings.slice(0, ownSettings.indexOf('# --- openpolyedu-tui ---')));
		fs.renameSync(home.passwordFile, `${home.passwordFile}.aside`);
		const stop = await runCli(['db', 'stop', '--workdir', home.root]);
		assert.deepEqual([stop.code, stop.stdout, stop.stderr], [
			1,
			'',
			`${home.pgdata} holds a PostgreSQL cluster that openpolyedu-tui did not make (without its password file, and no settings of the app's in its postgresql.conf), which the app leaves alone: pass another --workdir.\n`,
		]);
		assert.notEqual(embeddedServerStatus(home).port, undefined, 'its server still runs');
		fs.renameSync(`${home.passwordFile}.aside`, home.passwordFile);
		assert.equal(await stopEmbeddedServer(home), true);
	});
});

describe("a link where the app keeps a file of its own in the workdir", {skip: POSIX ? false : 'skipped: makes symlinks (rights on Windows)'}, () => {
	it('is refused in one sentence, and what it leads to stays as it was (db start wrote over it; run as root, any file of the machine)', async () => {
		const {parent, workdir} = testFolder('links', {open: true});
		const linked = workdir('workdir');
		const precious = path.join(parent, 'thesis.txt');
		fs.writeFileSync(precious, 'four years of work');
		const gone = path.join(parent, 'made-by-the-app');
		ensureWorkdir(linked, linked.logs);
		const refusal = (file: string, target: string) =>
			`${file} is a link (to ${target}) where the app keeps a file of its own; it does not write through it: delete the link.\n`;

		// Each in turn: db start's marker, the server's log, and the password file a first start generates (a link to nothing: it made that file).
		for (const [file, target] of [[linked.keepRunningFile, precious], [path.join(linked.logs, 'postgres.log'), precious], [linked.passwordFile, gone]] as const) {
			fs.symlinkSync(target, file);
			const refused = await runCli(['db', 'start', '--workdir', linked.root]);
			assert.deepEqual([refused.code, refused.stdout, refused.stderr], [1, '', refusal(file, target)], file);
			assert.equal(fs.readFileSync(precious, 'utf8'), 'four years of work');
			assert.equal(fs.existsSync(gone), false, 'nothing made where the link leads');
			assert.equal(fs.readlinkSync(file), target, 'the link is left as it is');
			assert.equal(embeddedServerStatus(linked).port, undefined, 'no server left running');
			fs.rmSync(file);
		}
		const started = await runCli(['db', 'start', '--workdir', linked.root]);
		assert.equal(started.code, 0, started.stderr);
		assert.equal(fs.readFileSync(linked.keepRunningFile, 'utf8'), 'kept running by: openpolyedu-tui db start\n');
		assert.equal(fs.statSync(linked.passwordFile).mode & 0o777, 0o600);
		assert.equal((await runCli(['db', 'stop', '--workdir', linked.root])).code, 0);
	});

	it("under initdb's password file is replaced, not written through: what it leads to keeps its bytes and its owner (run as root, it was handed to postgres)", async () => {
		const {parent, workdir} = testFolder('pwfile', {open: true});
		const fresh = workdir('workdir');
		const precious = path.join(parent, 'thesis.txt');
		fs.writeFileSync(precious, 'four years of work', {mode: 0o644});
		const before = fs.statSync(precious);
		ensureWorkdir(fresh);
		// Where the first start hands initdb the password: beside the cluster, named by this process' id (planted by whoever can write there).
		fs.symlinkSync(precious, path.join(fresh.root, `.pwfile-${process.pid}`));
		await startEmbeddedServer(fresh);
		await stopEmbeddedServer(fresh);
		const now = fs.statSync(precious);
		assert.deepEqual([fs.readFileSync(precious, 'utf8'), now.uid, now.mode], ['four years of work', before.uid, before.mode]);
		assert.equal(fs.existsSync(path.join(fresh.root, `.pwfile-${process.pid}`)), false, 'its own file removed after initdb');
	});
});

describe('a workdir moved while db start keeps its server running', {skip: POSIX && process.getuid?.() === 0 ? false : 'skipped: needs root, whose clusters live under /var/lib'}, () => {
	it('lists its cluster as one whose server runs, not as one to delete (db status advised deleting a live database), and as stopped once it is, its postmaster.pid stale or not', async () => {
		const {parent, workdir} = testFolder('moved-running');
		// Renamed to moved before the test ends: only moved is left to clean up.
		const first = resolveWorkdir(path.join(parent, 'first'));
		const moved = workdir('moved');
		let home = '';
		// After testFolder's: never started from its new place, the cluster still names the old one, so removeWorkdir leaves it.
		after(() => home && fs.rmSync(home, REMOVE_FOLDER));
		ensureWorkdir(first);
		await startEmbeddedServer(first);
		fs.renameSync(first.root, moved.root);
		home = path.dirname(fs.realpathSync(moved.pgdata));
		const line = async () => (await runCli(['db', 'status', '--workdir', moved.root])).stdout.split('\n').find((each) => each.startsWith(`Not used by any workdir: ${home} (`));
		assert.match((await line()) ?? '', /\)\. Its server still runs, on port \d+: a workdir moved while db start kept it running uses it, and db stop there stops it; do not delete the folder while it runs\.$/);
		assert.equal(await stopEmbeddedServer(moved), true, 'db stop from the moved workdir stops it');
		const stopped = /\)\. A workdir moved away takes it back at its next start; otherwise delete the folder to free the space\.$/;
		assert.match((await line()) ?? '', stopped);
		// A postmaster.pid whose process is another program now runs no server either (its server was said to run still).
		const dataDir = fs.realpathSync(moved.pgdata);
		forgeServerFile(dataDir, standIn(dataDir).pid!, 1, 'ready');
		assert.match((await line()) ?? '', stopped, 'a stale postmaster.pid');
	});
});

/**
 * The CLI run as the user nobody, in what root's runs left: what a user other than root meets. Only root can make
 * files of another user and switch to one: elsewhere, the reason to skip.
 */
function cliAsNobody(): ((...args: string[]) => SpawnSyncReturns<string>) | string {
	if (!POSIX || process.getuid?.() !== 0) return "skipped: needs root, to leave what root's runs leave and run the CLI as another user";
	const nobody = {uid: Number(spawnSync('id', ['-u', 'nobody'], {encoding: 'utf8'}).stdout), gid: Number(spawnSync('id', ['-g', 'nobody'], {encoding: 'utf8'}).stdout)};
	const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], {...nobody, cwd: '/', encoding: 'utf8', env: {...process.env, HOME: '/nonexistent'}});
	return nobody.uid && run('--help').status === 0 ? run : `skipped: the user nobody cannot run ${CLI} (a checkout in a private home)`;
}

describe("what root's runs left, used by another user", () => {
	it('a workdir made by root is one sentence for run, ingest and db status (ingest was an "Unexpected error: EACCES", run and db status said there was no database)', (t) => {
		const asNobody = cliAsNobody();
		if (typeof asNobody === 'string') return t.skip(asNobody);
		// As a run with sudo leaves it: the folder and the password root's, the cluster the postgres user's (0700).
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-sudo-'));
		after(() => fs.rmSync(parent, {recursive: true, force: true}));
		fs.chmodSync(parent, 0o755);
		const made = madeWorkdir(path.join(parent, 'workdir'));
		const log = path.join(parent, 'tracking.log');
		fs.writeFileSync(log, '{"event_type": "x", "time": "2024-01-01T00:00:00Z"}\n');
		const sentence = `The workdir ${made.root} was made by a run as another user (with sudo, say), and only that user can use its database: run as that user, or pass another --workdir for a database of your own.\n`;
		for (const args of [['run', 'course-summary'], ['ingest', log], ['db', 'status']]) {
			const result = asNobody(...args, '--workdir', made.root);
			assert.deepEqual([result.status, result.stdout, result.stderr], [1, '', sentence], args.join(' '));
		}
		// Its own folder in root's workdir: the cluster alone is enough to tell.
		fs.chmodSync(made.root, 0o777);
		assert.deepEqual(asNobody('ingest', log, '--workdir', made.root).stderr, sentence);
		assert.equal(fs.existsSync(made.lockFile), false, 'no lock was taken');
	});

	it('clusters under /var/lib it cannot read are left out of db status, and one whose workdir is gone is still listed (it was an "Unexpected error: EACCES")', (t) => {
		const asNobody = cliAsNobody();
		if (typeof asNobody === 'string') return t.skip(asNobody);
		const systemHome = path.join(path.sep, 'var', 'lib', 'openpolyedu-tui');
		fs.mkdirSync(systemHome, {recursive: true, mode: 0o755});
		// As the code makes them: a folder of its own, readable, naming its workdir; pgdata is the server's own (0700).
		const cluster = (owner: string, pgdataMode: number) => {
			const home = fs.mkdtempSync(path.join(systemHome, 'cluster-'));
			fs.chmodSync(home, 0o755);
			fs.mkdirSync(path.join(home, 'pgdata'), {mode: pgdataMode});
			fs.chmodSync(path.join(home, 'pgdata'), pgdataMode);
			fs.writeFileSync(path.join(home, 'pgdata', 'PG_VERSION'), '18\n');
			fs.writeFileSync(path.join(home, 'workdir'), owner);
			return home;
		};
		const root = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-private-'));
		// Beside the private folder, where anyone can see that it is gone.
		const gone = `${root}-deleted/workdir`;
		const inPrivate = cluster(path.join(root, 'workdir'), 0o755);
		fs.mkdirSync(path.join(root, 'workdir'));
		fs.symlinkSync(path.join(inPrivate, 'pgdata'), path.join(root, 'workdir', 'pgdata'));
		const unreadable = cluster(gone, 0o700);
		const readable = cluster(gone, 0o755);
		after(() => {
			for (const folder of [root, inPrivate, unreadable, readable]) fs.rmSync(folder, {recursive: true, force: true});
		});
		const listed = (stdout: string) => [inPrivate, unreadable, readable].filter((home) => stdout.includes(`Not used by any workdir: ${home} (`));

		const missing = path.join(root, 'no-such-workdir');
		const theirs = asNobody('db', 'status', '--workdir', missing);
		assert.equal(theirs.stderr, '');
		assert.equal(theirs.status, 0);
		assert.equal(theirs.stdout.split('\n')[0], `No database in ${missing} yet.`);
		// Its workdir cannot be looked into (root's 0700 mkdtemp), nor can the other's server files: only the last is known gone.
		assert.deepEqual(listed(theirs.stdout), [readable]);
		// Its size: PG_VERSION and the file naming the workdir.
		assert.ok(theirs.stdout.includes(`Not used by any workdir: ${readable} (${3 + Buffer.byteLength(gone)} B; last started from ${gone}). `), theirs.stdout);
		// Root sees them all as before: the first one is in use, the other two are gone.
		assert.deepEqual(listed(spawnSync(process.execPath, [CLI, 'db', 'status', '--workdir', missing], {encoding: 'utf8'}).stdout), [unreadable, readable]);
	});
});

describe('a cluster folder under /var/lib gone while db status measures it', {skip: POSIX && process.getuid?.() === 0 ? false : 'skipped: needs root, whose clusters live under /var/lib'}, () => {
	it('is left out, not an "Unexpected error: ENOENT" (a run ending elsewhere removed its cluster as db status counted its bytes)', () => {
		const systemHome = path.join(path.sep, 'var', 'lib', 'openpolyedu-tui');
		fs.mkdirSync(systemHome, {recursive: true, mode: 0o755});
		// What the listing meets when the folder goes between its readdir and the count, every time: a name that leads nowhere.
		const vanished = path.join(systemHome, `cluster-vanished-${process.pid}`);
		fs.symlinkSync(path.join(os.tmpdir(), `openpolyedu-no-such-cluster-${process.pid}`), vanished);
		after(() => fs.rmSync(vanished, {force: true}));
		const missing = path.join(os.tmpdir(), `openpolyedu-no-workdir-${process.pid}`);
		const status = spawnSync(process.execPath, [CLI, 'db', 'status', '--workdir', missing], {encoding: 'utf8'});
		assert.deepEqual([status.status, status.stderr], [0, '']);
		assert.equal(status.stdout.split('\n')[0], `No database in ${missing} yet.`);
		assert.ok(!status.stdout.includes(vanished), status.stdout);
	});
});

describe('a server that does not start', () => {
	it('says why in the server\'s words, not only "pg_ctl exit code 1; see postgres.log"', async () => {
		const broken = resolveWorkdir(fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-broken-')));
		after(async () => {
			await stopEmbeddedServer(broken).catch(() => false);
			removeWorkdir(broken);
		});
		ensureWorkdir(broken);
		await startEmbeddedServer(broken);
		await stopEmbeddedServer(broken);
		// A line of its own before the app's block, which stays: the server's syntax error is why.
		const settings = path.join(fs.realpathSync(broken.pgdata), 'postgresql.conf');
		fs.writeFileSync(settings, `listen_addresses = '127.0.0.1' bogus\n${fs.readFileSync(settings, 'utf8')}`);
		const failed = await runCli(['db', 'start', '--workdir', broken.root]);
		assert.deepEqual([failed.code, failed.stdout, failed.stderr], [
			1,
			'',
			`The embedded PostgreSQL did not start: syntax error in file "${settings}" line 1, near token "bogus"; configuration file "${settings}" contains errors (pg_ctl exit code 1); see ${path.join(broken.logs, 'postgres.log')}.\n`,
		]);
	});

	it('because its cluster was made by another major version of PostgreSQL says so and what to do, and writes nothing into it (it said "database files are incompatible with server")', async () => {
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-major-'));
		after(() => fs.rmSync(parent, {recursive: true, force: true}));
		fs.chmodSync(parent, 0o755);
		const made = madeWorkdir(path.join(parent, 'workdir'));
		fs.writeFileSync(path.join(made.pgdata, 'PG_VERSION'), '17\n');
		// The suite's server runs the same embedded PostgreSQL.
		const admin = new pg.Client(clientConfig(process.env.OPENPOLYEDU_TEST_ADMIN_URL!));
		await admin.connect();
		const {rows: [{ours}]} = await admin.query<{ours: number}>(`SELECT current_setting('server_version_num')::int / 10000 AS ours`);
		await admin.end();
		for (const args of [['run', 'course-summary'], ['db', 'start']]) {
			const refused = await runCli([...args, '--workdir', made.root]);
			assert.deepEqual([refused.code, refused.stdout, refused.stderr], [
				1,
				'',
				`The database in ${made.root} was made by PostgreSQL 17, and this version of openpolyedu-tui runs PostgreSQL ${ours}, which cannot open it: load the logs into a new --workdir, or use the openpolyedu-tui version that made it; the database was left as it was.\n`,
			], args.join(' '));
		}
		assert.deepEqual(fs.readdirSync(made.pgdata), ['PG_VERSION']);
	});
});

describe('a database the app refuses', () => {
	it('leaves no server running that the run started (it stayed up after the sentence)', async () => {
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-refused-'));
		fs.chmodSync(parent, 0o755);
		const workdir = resolveWorkdir(path.join(parent, 'workdir'));
		after(async () => {
			await stopEmbeddedServer(workdir).catch(() => false);
			removeWorkdir(workdir);
			fs.rmSync(parent, {recursive: true, force: true});
		});
		ensureWorkdir(workdir);
		const {url} = await startEmbeddedServer(workdir);
		await ensureDatabaseExists(url);
		// As a newer version leaves it: a schema version this one does not know.
		const client = new pg.Client(clientConfig(url));
		await client.connect();
		await client.query(`CREATE TABLE schema_version (version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
		await client.query(`INSERT INTO schema_version (version, description) VALUES (9999, 'a newer version')`);
		await client.end();
		await stopEmbeddedServer(workdir);
		const refused = await runCli(['files', '--workdir', workdir.root]);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /^This database was written by a newer version of openpolyedu-tui/);
		assert.equal(embeddedServerStatus(workdir).port, undefined, 'the server is stopped');
	});
});

describe("another user's workdir, used by root", () => {
	it('is one sentence with the server\'s reason, the same in the app, and the user\'s files stay as they were', async (t) => {
		const asNobody = cliAsNobody();
		if (typeof asNobody === 'string') return t.skip(asNobody);
		// The user's own folder, private (0700), and in it a workdir of theirs, made by a run as them.
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-theirs-'));
		const theirs = resolveWorkdir(path.join(parent, 'workdir'));
		const nobody = Number(spawnSync('id', ['-u', 'nobody'], {encoding: 'utf8'}).stdout);
		fs.chownSync(parent, nobody, Number(spawnSync('id', ['-g', 'nobody'], {encoding: 'utf8'}).stdout));
		after(() => {
			asNobody('db', 'stop', '--workdir', theirs.root);
			fs.rmSync(parent, {recursive: true, force: true});
		});
		const made = asNobody('db', 'start', '--workdir', theirs.root);
		assert.equal(made.status, 0, made.stderr);
		assert.equal(asNobody('db', 'stop', '--workdir', theirs.root).status, 0);
		const modes = () => [parent, theirs.root, theirs.pgdata].map((file) => [fs.statSync(file).uid, fs.statSync(file).mode & 0o777]);
		const before = modes();

		// As root, the server runs as postgres, which cannot open the cluster: it said "pg_ctl exit code 1; see …" and no more.
		const sentence =
			`The embedded PostgreSQL did not start: could not access directory "${theirs.pgdata}": Permission denied (pg_ctl exit code 1); ` +
			`the database in ${theirs.root} belongs to the user nobody, and as root the server runs as postgres, which cannot use it: run as that user, or pass another --workdir.`;
		const failed = await runCli(['db', 'start', '--workdir', theirs.root]);
		assert.deepEqual([failed.code, failed.stdout, failed.stderr], [1, '', `${sentence}\n`]);
		const error = await startEmbeddedServer(theirs).then(() => undefined, (thrown: unknown) => thrown);
		assert.deepEqual(describeError(error, 'open'), {title: 'The workdir cannot be used', message: sentence, hint: 'Start the app with --workdir and a folder of your own that it can write.'});

		assert.deepEqual(modes(), before, 'nothing opened up or taken over');
		assert.deepEqual([parent, theirs.pgdata].map((file) => [fs.statSync(file).uid, fs.statSync(file).mode & 0o777]), [[nobody, 0o700], [nobody, 0o700]]);
		assert.equal(asNobody('db', 'start', '--workdir', theirs.root).status, 0, 'the user still starts their database');
	});

	it("hands the postgres user no folder of theirs, follows no link of theirs (to start or to stop a server), and writes nothing into a cluster of theirs (each was taken over, written through or stopped)", async (t) => {
		if (!POSIX || process.getuid?.() !== 0) return t.skip('skipped: needs root, to make files of another user');
		const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], {encoding: 'utf8'}).stdout);
		const nobody = {uid: id('-u'), gid: id('-g')};
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-handover-'));
		fs.chmodSync(parent, 0o755);
		after(() => fs.rmSync(parent, {recursive: true, force: true}));
		const ownerAndMode = (file: string) => [fs.statSync(file).uid, fs.statSync(file).mode & 0o777];
		const theirs = (...files: string[]) => files.forEach((file) => fs.lchownSync(file, nobody.uid, nobody.gid));

		// An empty folder of theirs that root's pgdata leads to: it became the postgres user's (0700), with a cluster in it.
		const folder = path.join(parent, 'theirs');
		fs.mkdirSync(folder, {mode: 0o755});
		theirs(folder);
		const linked = resolveWorkdir(path.join(parent, 'linked'));
		ensureWorkdir(linked);
		fs.symlinkSync(folder, linked.pgdata);
		const handed = await runCli(['db', 'start', '--workdir', linked.root]);
		assert.deepEqual([handed.code, handed.stdout, handed.stderr], [
			1,
			'',
			`${fs.realpathSync(folder)} (where ${linked.pgdata} leads) belongs to the user nobody, and as root the server runs as postgres, which the app does not hand a folder of theirs: run as that user, or pass another --workdir.\n`,
		]);
		assert.deepEqual([ownerAndMode(folder), fs.readdirSync(folder)], [[nobody.uid, 0o755], []]);

		// A link of theirs, in a workdir they can write, to an empty folder of root's (as /var/empty, which sshd needs to be root's).
		const system = path.join(parent, 'empty');
		fs.mkdirSync(system, {mode: 0o755});
		const planted = resolveWorkdir(path.join(parent, 'planted'));
		ensureWorkdir(planted);
		fs.symlinkSync(system, planted.pgdata);
		theirs(planted.root, planted.pgdata);
		const followed = await runCli(['db', 'start', '--workdir', planted.root]);
		assert.deepEqual([followed.code, followed.stdout, followed.stderr], [
			1,
			'',
			`${planted.pgdata} is a link (to ${system}) that the user nobody made, and root does not follow another user's link to the database cluster: run as that user, or pass another --workdir.\n`,
		]);
		assert.deepEqual([ownerAndMode(system), fs.readdirSync(system)], [[0, 0o755], []]);
		// The same link to the cluster of a database root keeps running, with a password file of theirs: db stop stopped it.
		const roots = resolveWorkdir(path.join(parent, 'roots'));
		after(async () => {
			await stopEmbeddedServer(roots).catch(() => false);
			removeWorkdir(roots);
		});
		assert.equal((await runCli(['db', 'start', '--workdir', roots.root])).code, 0);
		fs.rmSync(planted.pgdata);
		fs.symlinkSync(fs.realpathSync(roots.pgdata), planted.pgdata);
		fs.writeFileSync(planted.passwordFile, 'guessed');
		theirs(planted.pgdata, planted.passwordFile);
		const stopped = await runCli(['db', 'stop', '--workdir', planted.root]);
		assert.deepEqual([stopped.code, stopped.stdout, stopped.stderr], [
			1,
			'',
			`${planted.pgdata} is a link (to ${fs.realpathSync(roots.pgdata)}) that the user nobody made, and root does not follow another user's link to the database cluster: run as that user, or pass another --workdir.\n`,
		]);
		assert.notEqual(embeddedServerStatus(roots).port, undefined, "root's database still runs");
		assert.equal((await runCli(['db', 'stop', '--workdir', roots.root])).code, 0);

		// A cluster of theirs whose postgresql.conf is a link to a file of root's: root's file got the app's settings.
		const cluster = madeWorkdir(path.join(parent, 'cluster'));
		const rootsFile = path.join(parent, 'roots.conf');
		fs.writeFileSync(rootsFile, "root's own settings\n");
		fs.symlinkSync(rootsFile, path.join(cluster.pgdata, 'postgresql.conf'));
		theirs(cluster.root, cluster.pgdata, path.join(cluster.pgdata, 'PG_VERSION'), path.join(cluster.pgdata, 'postgresql.conf'), cluster.passwordFile);
		const written = await runCli(['db', 'start', '--workdir', cluster.root]);
		assert.equal(written.code, 1);
		assert.match(written.stderr, /the database in \S+ belongs to the user nobody, and as root the server runs as postgres, which cannot use it: run as that user, or pass another --workdir\.\n$/);
		assert.equal(fs.readFileSync(rootsFile, 'utf8'), "root's own settings\n");
	});
});

describe('a server kept running by db start', () => {
	it('serves runs beside the process that holds the workdir, and only until db stop', async () => {
		const started = await runCli(['db', 'start', '--workdir', workdir.root]);
		assert.equal(started.code, 0, started.stderr);
		const release = acquireWorkdirLock(workdir);
		try {
			const [first, second] = await Promise.all(['course-summary', 'event-types'].map((task) => runCli(['run', task, '--workdir', workdir.root, '--format', 'json'])));
			assert.deepEqual([first!.code, second!.code], [0, 0], `${first!.stderr}${second!.stderr}`);
			assert.ok(Array.isArray(JSON.parse(first!.stdout)));
			assert.notEqual(embeddedServerStatus(workdir).port, undefined, 'the runs leave the kept server running');
		} finally {
			release();
		}
		assert.equal((await runCli(['db', 'stop', '--workdir', workdir.root])).code, 0);
		const releaseAgain = acquireWorkdirLock(workdir);
		try {
			const refused = await runCli(['run', 'course-summary', '--workdir', workdir.root]);
			assert.equal(refused.code, 1);
			assert.match(refused.stderr, new RegExp(`pid ${process.pid}`), 'without a kept server, a run waits its turn as before');
		} finally {
			releaseAgain();
		}
	});

	it('whose server is gone (db start killed before it came up, a restart of the machine) is no reason for a run to leave its own server running', async () => {
		assert.equal(embeddedServerStatus(workdir).port, undefined, 'no server before');
		fs.writeFileSync(workdir.keepRunningFile, 'kept running by: openpolyedu-tui db start\n');
		const ran = await runCli(['run', 'course-summary', '--workdir', workdir.root, '--format', 'json']);
		assert.equal(ran.code, 0, ran.stderr);
		assert.deepEqual([embeddedServerStatus(workdir).port, fs.existsSync(workdir.keepRunningFile)], [undefined, false], 'the run stopped the server it started');
	});

	it('tells a run in progress that db stop stopped the database, in one sentence (it crashed with a stack)', async () => {
		assert.equal((await runCli(['db', 'start', '--workdir', workdir.root])).code, 0);
		const pool = new pg.Pool(clientConfig(connectionUrl(readPassword(workdir)!, embeddedServerStatus(workdir).port!)));
		pool.on('error', () => {});
		const {run, holder} = await blockedRun(pool, ['--workdir', workdir.root]);
		try {
			const stopped = await runCli(['db', 'stop', '--workdir', workdir.root]);
			assert.equal(stopped.code, 0, stopped.stderr);
			const result = await run.done;
			// The run says its wait for the lock once it has lasted a poll (a second): a busy machine's db stop can take that long.
			const said = result.stderr.replace(/^Waiting for a lock on rejected_lines held by another openpolyedu-tui \(.*\); the command goes on once it is released \(Ctrl-C stops it\)\.\n/, '');
			assert.deepEqual([result.code, said], [1, 'The database was stopped (or the connection to it lost) while the task ran; run the task again when it is back.\n']);
		} finally {
			holder.release(true);
			await pool.end();
		}
	});
});

describe('an embedded server that does not answer', {skip: process.platform === 'linux' ? false : 'skipped: stops the server with SIGSTOP, which only Linux tells from a stale postmaster.pid (by its working folder)'}, () => {
	it('is said with advice for the embedded server, not for a --db URL (check its host and port, give it a connect_timeout)', async () => {
		const stuck = testFolder('stuck', {open: true}).workdir('workdir');
		ensureWorkdir(stuck);
		const server = await startEmbeddedServer(stuck);
		const pid = Number(fs.readFileSync(path.join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
		// Stopped, the server's port still takes connections (the kernel's backlog), and nothing answers on them.
		process.kill(pid, 'SIGSTOP');
		try {
			const result = await runCli(['files', '--workdir', stuck.root], {env: {PGCONNECT_TIMEOUT: '2'}});
			const url = connectionUrl('***', Number(new URL(server.url).port));
			assert.deepEqual(
				[result.code, result.stderr],
				[1, `Cannot reach the database at ${url}: no answer in 2 seconds from the embedded PostgreSQL, whose process runs (too busy, or stuck: see ${path.join(stuck.logs, 'postgres.log')}); run again, or give it longer with the environment variable PGCONNECT_TIMEOUT (in seconds).\n`],
			);
		} finally {
			process.kill(pid, 'SIGCONT');
		}
	});
});

describe('a run ended by SIGTERM', {skip: POSIX ? false : 'skipped: signals (POSIX)'}, () => {
	it('cancels its query, stops the server it started and releases the workdir (it died leaving both)', async () => {
		// Up before the run (as a killed run leaves it), so the query can be held: the run adopts it as its own.
		const server = await startEmbeddedServer(workdir);
		const pool = new pg.Pool(clientConfig(server.url));
		pool.on('error', () => {});
		const {run, holder} = await blockedRun(pool, ['--workdir', workdir.root]);
		try {
			run.child.kill('SIGTERM');
			const result = await run.done;
			assert.deepEqual([result.code, result.stderr], [130, 'Cancelled: the query was stopped on the server.\n']);
			assert.equal(embeddedServerStatus(workdir).port, undefined, 'the server is stopped');
			assert.ok(!fs.existsSync(workdir.lockFile), 'the workdir lock is released');
		} finally {
			holder.release(true);
			await pool.end();
		}
	});
});

describe('a server caught shutting down', {skip: POSIX ? false : 'skipped: a smart shutdown by SIGTERM (POSIX)'}, () => {
	it('is waited for and started again, not reported as a crash', async () => {
		const server = await startEmbeddedServer(workdir);
		await ensureDatabaseExists(server.url);
		const holder = new pg.Client(clientConfig(server.url));
		await holder.connect();
		holder.on('error', () => {});
		// A smart shutdown waits for its clients; until they leave, new connections get 57P03.
		const pid = Number(fs.readFileSync(path.join(fs.realpathSync(workdir.pgdata), 'postmaster.pid'), 'utf8').split('\n')[0]);
		process.kill(pid, 'SIGTERM');
		await sleep(300);
		setTimeout(() => void holder.end().catch(() => {}), 1500);
		const listed = await runCli(['files', '--workdir', workdir.root, '--format', 'csv']);
		assert.equal(listed.code, 0, listed.stderr);
		assert.match(listed.stdout, /^id,file,kind,bytes,status/);
	});
});

describe('a start that waits', () => {
	it('replaying the WAL of an unclean stop says so, and a signal gives it up at once: the server stopped, the workdir released (a SIGTERM waited for the whole start, up to two minutes, in silence; db start killed by Ctrl-C left its marker)', {skip: POSIX ? false : 'skipped: stops the server with SIGQUIT (POSIX)'}, async () => {
		const slow = testFolder('recovering', {open: true}).workdir('workdir');
		ensureWorkdir(slow);
		await startEmbeddedServer(slow);
		const dataDir = fs.realpathSync(slow.pgdata);
		// An immediate shutdown, as a crash leaves the cluster: the next start replays its WAL.
		process.kill(Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]), 'SIGQUIT');
		await until(() => embeddedServerStatus(slow).port === undefined, 'the server stopped', 30_000);
		// A replay that takes long: asked for an archive that answers each request 5 s later, with nothing.
		const {uid, gid} = fs.statSync(dataDir);
		for (const [file, text] of [['recovery.signal', ''], ['postgresql.auto.conf', "restore_command = 'sleep 5; exit 1'\n"]]) {
			fs.appendFileSync(path.join(dataDir, file), text);
			fs.chownSync(path.join(dataDir, file), uid, gid);
		}
		// Cut off while it recovers, the cluster still needs its recovery: the second start replays the WAL again.
		for (const [args, said] of [
			[['files'], 'Cancelled: nothing was listed.'],
			[['db', 'start'], 'Cancelled: the embedded PostgreSQL was not started.'],
		] as const) {
			const run = startCli([...args, '--workdir', slow.root]);
			await until(() => run.stderr() !== '' || run.child.exitCode !== null, `${args.join(' ')}: the start says something`, 60_000);
			assert.equal(run.stderr(), 'Recovering the embedded PostgreSQL, which did not stop cleanly (a crash or a kill): this can take minutes after a large load (Ctrl-C stops it)…\n', args.join(' '));
			// To our process alone, as a service manager sends it, or as the app's q is: pg_ctl never heard of it.
			run.child.kill('SIGTERM');
			const result = await settled(run.done, `${args.join(' ')} ends on SIGTERM while the server starts`);
			assert.deepEqual([result.code, result.stdout, result.stderr.split('\n').at(-2)], [130, '', said], args.join(' '));
			assert.equal(embeddedServerStatus(slow).port, undefined, `${args.join(' ')}: the server it was starting is stopped`);
			assert.ok(!fs.existsSync(slow.lockFile), `${args.join(' ')}: the workdir lock is released`);
			assert.ok(!fs.existsSync(slow.keepRunningFile), `${args.join(' ')}: no marker keeps the server running`);
		}
	});

	it("on a postmaster.pid left by a crash, whose process id another program has now, replaces the file and starts the server, and a signal ends a wait for its port (it tried for 10 s, then said ECONNREFUSED; later it refused in a sentence that had the user delete the file; a port that accepts and never answers held it 30 s, deaf to Ctrl-C)", async () => {
		const {workdir: stale, dataDir} = await stoppedCluster('stale-pid');
		const pidFile = path.join(dataDir, 'postmaster.pid');
		const listener = net.createServer();
		const accepted = new Set<net.Socket>();
		listener.on('connection', (socket) => accepted.add(socket));
		await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
		const port = (listener.address() as net.AddressInfo).port;
		try {
			// Nothing on the port, and the process id of this test: a live process that is no PostgreSQL.
			await new Promise<void>((resolve) => listener.close(() => resolve()));
			forgeServerFile(dataDir, process.pid, port, 'ready');
			const listed = await settled(runCli(['files', '--workdir', stale.root]), 'the run starts the server at once');
			assert.deepEqual([listed.code, listed.stderr], [0, ''], listed.stderr);
			assert.ok(!fs.existsSync(pidFile), 'the server it started is stopped, its file gone with it');
			// Another program on the port that accepts and never answers, for a process that may be the server (one of
			// the server's user, in the cluster's folder, in its first moment, before it listens): a signal ends the wait.
			forgeServerFile(dataDir, standIn(dataDir, dataDir).pid!, port, undefined);
			await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve));
			const waiting = startCli(['files', '--workdir', stale.root]);
			await until(() => accepted.size > 0, 'the run connects', 30_000);
			waiting.child.kill('SIGTERM');
			const cancelled = await settled(waiting.done, 'the run ends on SIGTERM while it waits for the port');
			assert.deepEqual([cancelled.code, cancelled.stderr], [130, 'Cancelled: nothing was listed.\n']);
			assert.ok(fs.existsSync(pidFile), 'the file is left as it was');
		} finally {
			accepted.forEach((socket) => socket.destroy());
			listener.close();
			fs.rmSync(pidFile, {force: true});
		}
	});
});

describe('a postmaster.pid left by a crash, whose process id another program of the server\'s user has now', () => {
	it('is said by db status as no server running, and neither db stop nor db start signals it: stop says none ran, start starts the server (status said it ran; pg_ctl stop sent SIGINT to whatever process the file named; later stop and start refused, exit 1)', async () => {
		const {workdir: stale, dataDir} = await stoppedCluster('stale-stop');
		const other = standIn(dataDir);
		const ended = new Promise<string>((resolve) => other.on('exit', (code, signal) => resolve(`ended (${signal ?? code})`)));
		// A port where nothing listens: on Linux the process' working folder tells it is another program, elsewhere the silent port.
		const port = await new Promise<number>((resolve) => {
			const probe = net.createServer().listen(0, '127.0.0.1', () => {
				const {port} = probe.address() as net.AddressInfo;
				probe.close(() => resolve(port));
			});
		});
		const pidFile = path.join(dataDir, 'postmaster.pid');
		try {
			forgeServerFile(dataDir, other.pid!, port, 'ready');
			const status = await runCli(['db', 'status', '--workdir', stale.root]);
			// The first line: the lines after it name clusters of other workdirs on the machine (a suite running beside this one).
			assert.deepEqual([status.code, status.stdout.split('\n')[0], status.stderr], [0, `Not running (stale pid file; cluster in ${dataDir}): ${staleSentence(dataDir, other.pid!, port)}`, ''], 'db status');
			const stopped = await runCli(['db', 'stop', '--workdir', stale.root]);
			assert.deepEqual([stopped.code, stopped.stdout, stopped.stderr], [0, 'The embedded PostgreSQL was not running.\n', ''], 'db stop');
			assert.ok(!fs.existsSync(pidFile), 'db stop removed the stale file');
			forgeServerFile(dataDir, other.pid!, port, 'ready');
			const started = await runCli(['db', 'start', '--workdir', stale.root]);
			assert.deepEqual([started.code, started.stderr], [0, 'Started the embedded PostgreSQL; it keeps running until: openpolyedu-tui db stop\n'], 'db start');
			const running = await runCli(['db', 'status', '--workdir', stale.root]);
			assert.match(running.stdout, /^Running on 127\.0\.0\.1:\d+ /, 'db status after db start');
			assert.notEqual(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]), other.pid, 'the server wrote its own file');
			// pg_ctl waits for the process it signals: had it signalled this one, its end would be seen by now.
			assert.equal(await Promise.race([ended, sleep(500).then(() => 'running')]), 'running', 'the other program still runs');
			assert.deepEqual((await runCli(['db', 'stop', '--workdir', stale.root])).stdout, 'Stopped the embedded PostgreSQL.\n');
		} finally {
			await stopEmbeddedServer(stale).catch(() => false);
			fs.rmSync(pidFile, {force: true});
		}
	});
});

describe('a postmaster.pid whose server was killed as it started or stopped, or before the machine restarted (where the working folder of a process cannot be read: not Linux)', () => {
	it('is stale when nothing answers as PostgreSQL on its port, or when it is older than the machine\'s start or than the process its id names now; a file without a status (a server in its first moment) is taken at its word otherwise (a stale "starting" or "stopping" kept every later start from starting the server)', async () => {
		const {dataDir} = await stoppedCluster('stale-starting');
		const other = standIn(dataDir);
		const port = await new Promise<number>((resolve) => {
			const probe = net.createServer().listen(0, '127.0.0.1', () => {
				const {port} = probe.address() as net.AddressInfo;
				probe.close(() => resolve(port));
			});
		});
		const file = path.join(dataDir, 'postmaster.pid');
		const stale = (why: string) => `${file} names process ${other.pid}, but ${why}: the server stopped without removing the file (a crash, a kill, a restart of the machine), and the next start replaces it.`;
		try {
			for (const status of ['starting', 'ready', 'stopping']) {
				forgeServerFile(dataDir, other.pid!, port, status);
				assert.equal(await staleServerFile(dataDir, 'darwin'), stale(`no PostgreSQL answers on its port, ${port}`), status);
			}
			forgeServerFile(dataDir, other.pid!, port, undefined);
			assert.equal(await staleServerFile(dataDir, 'win32'), undefined, 'a server in its first moment');
			// Its process started before the file was written, as a server's does: asked of ps (of PowerShell on Windows).
			const notLinux = process.platform === 'linux' ? 'darwin' : process.platform;
			assert.equal(await staleServerFile(dataDir, notLinux), undefined, 'a server in its first moment (its process asked)');
			// Written ten minutes ago (since the machine started), its process id now another's, started since: a start took
			// it for a server in its first moment, and failed after 10 s of tries to connect.
			forgeServerFile(dataDir, other.pid!, port, undefined, Math.floor(Date.now() / 1000 - Math.min(600, os.uptime() - 120)));
			assert.equal(await staleServerFile(dataDir, notLinux), stale(`process ${other.pid} started after that server did`), 'its process id given out again');
			const beforeBoot = Math.floor(Date.now() / 1000 - os.uptime()) - 3600;
			forgeServerFile(dataDir, other.pid!, port, undefined, beforeBoot);
			assert.equal(await staleServerFile(dataDir, 'win32'), stale('the machine has restarted since that server started'), 'a file from before the machine started');
		} finally {
			fs.rmSync(file, {force: true});
		}
	});
});

describe('a postmaster.pid older than the machine\'s start whose port answers as PostgreSQL (not Linux)', () => {
	it('is no stale file: the clock may have been set forward since the server started, and a second server on a live one\'s cluster would ruin it', async () => {
		const {dataDir} = await stoppedCluster('clock-set');
		const other = standIn(dataDir);
		const file = path.join(dataDir, 'postmaster.pid');
		try {
			await withServer(async (_pool, url) => {
				forgeServerFile(dataDir, other.pid!, Number(new URL(url).port), 'ready', Math.floor(Date.now() / 1000 - os.uptime()) - 3600);
				assert.equal(await staleServerFile(dataDir, 'darwin'), undefined);
			});
		} finally {
			fs.rmSync(file, {force: true});
		}
	});
});

describe('whether a PostgreSQL answers on a port (where the working folder of a process cannot be read: not Linux)', () => {
	it('is yes for the server, no for a program that accepts and never answers, and no for a closed port, within two seconds', async () => {
		// Reads what it is sent (and sees the probe leave), answers nothing.
		const silent = net.createServer((socket) => socket.on('error', () => {}).resume());
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const port = (silent.address() as net.AddressInfo).port;
		try {
			await withServer(async (_pool, url) => assert.equal(await answersAsPostgres(Number(new URL(url).port)), true, 'the server'));
			const started = Date.now();
			assert.equal(await answersAsPostgres(port), false, 'a silent program');
			assert.ok(Date.now() - started < 3000, 'given up within two seconds');
		} finally {
			await new Promise<void>((resolve) => silent.close(() => resolve()));
		}
		assert.equal(await answersAsPostgres(port), false, 'a closed port');
	});
});

/** A workdir of its own (see testFolder) with a cluster whose server has run and stopped, for a postmaster.pid to be forged in. */
async function stoppedCluster(prefix: string): Promise<{workdir: Workdir; dataDir: string}> {
	const workdir = testFolder(prefix, {open: true}).workdir('workdir');
	ensureWorkdir(workdir);
	await startEmbeddedServer(workdir);
	await stopEmbeddedServer(workdir);
	return {workdir, dataDir: fs.realpathSync(workdir.pgdata)};
}

/**
 * A postmaster.pid as the server writes it (pid, folder, start time, port, socket folder, address, shared memory, status);
 * without a status, as in a server's first moment, before it listens.
 */
function forgeServerFile(dataDir: string, pid: number, port: number, status: string | undefined, startedAt = Math.floor(Date.now() / 1000)): void {
	const file = path.join(dataDir, 'postmaster.pid');
	fs.writeFileSync(file, `${pid}\n${dataDir}\n${startedAt}\n${port}\n\n127.0.0.1\n  1234567  7\n${status === undefined ? '' : `${status.padEnd(8)}\n`}`);
	const {uid, gid} = fs.statSync(dataDir);
	fs.chownSync(file, uid, gid);
}

/**
 * A harmless process of the server's user (as root, postgres: pg_ctl runs as that user, and can signal only its
 * processes), working in `cwd`; killed after the test.
 */
function standIn(dataDir: string, cwd?: string): ChildProcess {
	const {uid, gid} = fs.statSync(dataDir);
	const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600_000)'], {stdio: 'ignore', cwd, ...(process.getuid?.() === 0 ? {uid, gid} : {})});
	after(() => void child.kill('SIGKILL'));
	return child;
}

/** What db status says of a postmaster.pid whose process `pid` is not the server (see staleServerFile). */
function staleSentence(dataDir: string, pid: number, port: number): string {
	const why = process.platform === 'linux' ? `process ${pid} is another program (working in ${fs.readlinkSync(`/proc/${pid}/cwd`)})` : `no PostgreSQL answers on its port, ${port}`;
	return `${path.join(dataDir, 'postmaster.pid')} names process ${pid}, but ${why}: the server stopped without removing the file (a crash, a kill, a restart of the machine), and the next start replaces it.`;
}
