import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig, ensureDatabaseExists} from '../../ingest/db/database.js';
import {embeddedServerStatus, removeWorkdir, startEmbeddedServer, stopEmbeddedServer} from '../../ingest/db/embedded-server.js';
import {resolveWorkdir, type Workdir} from '../../ingest/db/workdir.js';
import {currentDayZone} from '../../ingest/derived/day-zone.js';
import {DiskFullError} from '../../ingest/errors.js';
import {loadTaskCatalogue, runTask, saveResult} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {generateLog} from '../tools/generator.js';
import {loadedContent} from './helpers/accounting.js';
import {runCli, type CliResult} from './helpers/cli.js';

/**
 * A disk that fills up under the app's state, made real: a tmpfs of a few MB mounted on a new empty folder (0755: the
 * postgres user reaches a cluster in it), unmounted after the test once the servers of its workdirs are stopped.
 * Mounting needs root with CAP_SYS_ADMIN on Linux: elsewhere each test skips and says why.
 */
type SmallDisk = {dir: string; resize(size: string): void; workdir(name: string): Workdir};

function smallDisk(size: string, {at, owner}: {at?: string; owner?: {uid: number; gid: number}} = {}): SmallDisk | string {
	if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'skipped: mounting a small disk (tmpfs) needs root on Linux';
	// `at`: a folder made anew for it (an empty one the app made is removed first; rmdir refuses one with files).
	if (at !== undefined && fs.existsSync(at)) fs.rmdirSync(at);
	if (at !== undefined) fs.mkdirSync(at);
	const dir = at ?? fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-disk-'));
	const mount = (options: string) => spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], {encoding: 'utf8'});
	const mounted = mount(`size=${size},${owner ? `mode=0700,uid=${owner.uid},gid=${owner.gid}` : 'mode=0755'}`);
	if (mounted.status !== 0) {
		fs.rmdirSync(dir);
		return `skipped: a small disk (tmpfs) cannot be mounted here (no CAP_SYS_ADMIN?): ${(mounted.stderr || String(mounted.error)).trim().split('\n')[0]}`;
	}
	const workdirs: Workdir[] = [];
	after(async () => {
		for (const each of workdirs) {
			await stopEmbeddedServer(each).catch(() => false);
			removeWorkdir(each);
		}
		spawnSync('umount', [dir]);
		if (at === undefined) fs.rmSync(dir, {recursive: true, force: true});
	});
	return {
		dir,
		resize(to) {
			assert.equal(mount(`remount,size=${to}`).status, 0, `remount ${dir} to ${to}`);
		},
		workdir(name) {
			const made = resolveWorkdir(path.join(dir, name));
			workdirs.push(made);
			return made;
		},
	};
}

/** Bytes in use on the disk holding `dir`. */
function usedBytes(dir: string): number {
	const stats = fs.statfsSync(dir);
	return (stats.blocks - stats.bfree) * stats.bsize;
}

/** What the command said on stderr, without its progress lines. */
const said = (result: CliResult) =>
	result.stderr
		.split(/[\r\n]+/)
		.filter((line) => line && !/^(loading|deriving) /.test(line) && !line.includes('derived tables'))
		.join('\n');

const FREE = String.raw`\(\d+(\.\d)? [KMG]?B free now\)`;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The sentence for the disk holding `folder`, from the words after it that `rest` gives (a regular expression). */
const fullDisk = (folder: string, rest: string) => new RegExp(`^The disk holding ${escaped(folder)} ran out of space ${FREE}: ${rest}$`);
const OR_LARGER_DISK = String.raw` \(or use a --workdir on a larger disk\)`;
/** The end of a load's sentence, with the other way than freeing space where there is one. */
const loadStopped = (or: string) => String.raw`nothing half-written was kept; free space on it${or} and run the ingest again to resume\.`;
const BUILD_STOPPED = String.raw`the logs are loaded, and the tables the tasks read were left as they were; free space on it${OR_LARGER_DISK} and run the ingest again to update them\.`;

/** The answers of a few tasks that read every kind of derived table. */
async function answers(pool: pg.Pool): Promise<unknown[]> {
	const {tasks} = await loadTaskCatalogue();
	const results = [];
	for (const id of ['course-summary', 'sessions', 'video-engagement', 'problems', 'activity-by-day']) {
		const {columns, rows} = await runTask(pool, tasks.find((task) => task.id === id)!, {});
		results.push({id, columns, rows});
	}
	return results;
}

/** Runs `body` on the embedded server of `workdir`, started for it and stopped after. */
async function onServer<T>(workdir: Workdir, body: (pool: pg.Pool, url: string) => Promise<T>): Promise<T> {
	const {url} = await startEmbeddedServer(workdir);
	await ensureDatabaseExists(url);
	const pool = new pg.Pool(clientConfig(url));
	pool.on('error', () => {});
	try {
		return await body(pool, url);
	} finally {
		await pool.end();
		await stopEmbeddedServer(workdir);
	}
}

describe('the disk of the embedded server filling up', () => {
	it('while loading, then while rebuilding: one sentence each, no server left, and once there is room the loads resume to a clean load', async (t) => {
		const disk = smallDisk('72M');
		if (typeof disk === 'string') return t.skip(disk);
		const log = path.join(fixtureDir(), 'course.log');
		await generateLog({events: 16_000, seed: 11, file: log});
		const workdir = disk.workdir('wd');
		const load = (...flags: string[]) => runCli(['ingest', '--workdir', workdir.root, '--workers', '2', ...flags, log]);

		// An empty cluster takes about 50 MB: the load fills the rest (its WAL, or a table's file).
		const failed = await load();
		const pgdata = fs.realpathSync(workdir.pgdata);
		assert.ok(pgdata.startsWith(disk.dir), `the cluster is on the small disk (${pgdata})`);
		assert.deepEqual([failed.code, failed.stdout], [1, ''], failed.stderr);
		assert.match(said(failed), fullDisk(pgdata, loadStopped(OR_LARGER_DISK)));
		assert.equal(embeddedServerStatus(workdir).port, undefined, 'no server left running');
		assert.equal(fs.existsSync(workdir.lockFile), false, 'the workdir is released');

		disk.resize('400M');
		const resumed = await load();
		assert.equal(resumed.code, 0, resumed.stderr);
		const clean = await openTestDatabase('disk_full_clean');
		await ingest(clean, [log]);
		const label = (file: string) => path.basename(file);
		const expected = {content: await loadedContent(clean.pool, label), answers: await answers(clean.pool)};
		await onServer(workdir, async (pool) => assert.deepEqual({content: await loadedContent(pool, label), answers: await answers(pool)}, expected, 'resumed equals a load that never failed'));

		// A rebuild in another day zone, a few MB short: the logs stay loaded, and the tables in their zone until it is done.
		disk.resize(String(usedBytes(disk.dir) + 4_000_000));
		const rebuild = await runCli(['ingest', '--workdir', workdir.root, '--tz', 'UTC']);
		assert.equal(rebuild.code, 1, rebuild.stderr);
		assert.match(said(rebuild), fullDisk(pgdata, BUILD_STOPPED));
		assert.equal(embeddedServerStatus(workdir).port, undefined, 'no server left running');
		disk.resize('400M');
		const rebuilt = await runCli(['ingest', '--workdir', workdir.root, '--tz', 'UTC']);
		assert.equal(rebuilt.code, 0, rebuilt.stderr);
		await onServer(workdir, async (pool) => assert.equal(await currentDayZone(pool), 'UTC'));
		console.log(`# disk-full: the cluster's disk filled while loading ("${said(failed)}") and while rebuilding; resumed equal to a clean load (${expected.content.events} events)`);
	});
});

describe('the settings a start writes into the cluster, on a full disk', () => {
	it("leave postgresql.conf as it was (rewritten in place, it was left empty) and say so; with room, the start writes them", async (t) => {
		const disk = smallDisk('72M');
		if (typeof disk === 'string') return t.skip(disk);
		const workdir = disk.workdir('wd');
		await onServer(workdir, async () => {});
		const pgdata = fs.realpathSync(workdir.pgdata);
		const conf = path.join(pgdata, 'postgresql.conf');
		// As a cluster made by a version with other settings: the next start rewrites its block.
		const older = fs.readFileSync(conf, 'utf8').replace("log_min_messages = 'warning'", "log_min_messages = 'notice'");
		fs.writeFileSync(conf, older);
		disk.resize(String(usedBytes(disk.dir) + 4096));
		await assert.rejects(startEmbeddedServer(workdir), (error: Error) => error instanceof DiskFullError && fullDisk(pgdata, String.raw`the database could not start; free space on it${OR_LARGER_DISK} and run again \(what was saved is kept\)\.`).test(error.message));
		assert.equal(fs.readFileSync(conf, 'utf8'), older, 'postgresql.conf whole');
		assert.deepEqual(fs.readdirSync(pgdata).filter((name) => name.startsWith('postgresql.conf')), ['postgresql.conf'], 'no temporary file left');
		disk.resize('200M');
		await onServer(workdir, async () => {});
		assert.match(fs.readFileSync(conf, 'utf8'), /log_min_messages = 'warning'/);
	});
});

describe("a --db server's disk filling up", () => {
	it('is said with the server\'s own words (its disk is not the app\'s to look at), and the load resumes to a clean one once there is room', async (t) => {
		// A server of the test's own, not the suite's: while the small disk is full no checkpoint of its server succeeds,
		// and another test file's DROP DATABASE (which asks for one) failed, its connection left open, its file hung.
		const workdir = resolveWorkdir(path.join(fixtureDir(), 'db-server'));
		// As root its cluster lives under /var/lib, which removing the fixture folder left behind (db status listed it).
		try {
			await onServer(workdir, async (admin, serverUrl) => {
				// A tablespace on a small disk, for one database: its WAL stays on the server's own disk.
				const name = 'disk_full_server';
				const {data_directory: cluster} = (await admin.query<{data_directory: string}>('SHOW data_directory')).rows[0]!;
				const disk = smallDisk('20M', {owner: fs.statSync(cluster)});
				if (typeof disk === 'string') return t.skip(disk);
				await admin.query(`CREATE TABLESPACE ${name} LOCATION ${pg.escapeLiteral(disk.dir)}`);
				await admin.query(`CREATE DATABASE ${name} TABLESPACE ${name}`);
				const url = Object.assign(new URL(serverUrl), {pathname: `/${name}`}).toString();
				const log = path.join(fixtureDir(), 'course.log');
				await generateLog({events: 20_000, seed: 14, file: log});

				const failed = await runCli(['ingest', '--db', url, '--workers', '2', log]);
				assert.equal(failed.code, 1, failed.stderr);
				assert.match(said(failed), new RegExp(String.raw`^The database server's disk ran out of space \(could not .* file "pg_tblspc/.*: No space left on device\): ${loadStopped('')}$`));
				disk.resize('200M');
				assert.equal((await runCli(['ingest', '--db', url, '--workers', '2', log])).code, 0);
				const clean = await openTestDatabase('disk_full_server_clean');
				await ingest(clean, [log]);
				const resumed = new pg.Pool(clientConfig(url));
				resumed.on('error', () => {});
				try {
					const label = (file: string) => path.basename(file);
					assert.deepEqual({content: await loadedContent(resumed, label), answers: await answers(resumed)}, {content: await loadedContent(clean.pool, label), answers: await answers(clean.pool)});
				} finally {
					await resumed.end();
				}
			});
		} finally {
			removeWorkdir(workdir);
		}
	});
});

describe("the derived build's scratch folder filling up", () => {
	it("says so for ingest and run (a spill written in part was a row cut short: 'unexpected EOF in COPY data'); with room, the build gives a clean load's answers", async (t) => {
		const dir = fixtureDir();
		const log = path.join(dir, 'term.log');
		await generateLog({events: 12_000, seed: 12, file: log});
		// The second load touches most learners, whose rows the incremental build recomputes in Node and spills.
		const lines = fs.readFileSync(log, 'utf8').trimEnd().split('\n');
		const [first, second] = [path.join(dir, 'first.log'), path.join(dir, 'second.log')];
		fs.writeFileSync(first, `${lines.slice(0, 6000).join('\n')}\n`);
		fs.writeFileSync(second, `${lines.slice(6000).join('\n')}\n`);
		const database = await openTestDatabase('disk_full_scratch');
		// Not in the fixture folder, whose removal comes first: removed once the disk mounted in it is unmounted.
		const workdir = resolveWorkdir(fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-scratch-')));
		const withDb = ['--db', database.url, '--workdir', workdir.root];
		assert.equal((await runCli(['ingest', ...withDb, first])).code, 0);
		const disk = smallDisk('256k', {at: path.join(workdir.root, 'tmp')});
		after(() => fs.rmSync(workdir.root, {recursive: true, force: true}));
		if (typeof disk === 'string') return t.skip(disk);

		const failed = await runCli(['ingest', ...withDb, second]);
		assert.equal(failed.code, 1, failed.stderr);
		assert.match(said(failed), fullDisk(disk.dir, BUILD_STOPPED));
		const run = await runCli(['run', 'course-summary', '--format', 'csv', ...withDb]);
		assert.deepEqual([run.code, run.stdout], [1, ''], run.stderr);
		assert.match(said(run), fullDisk(disk.dir, String.raw`the tables the tasks read were left as they were, and the task did not run; free space on it${OR_LARGER_DISK} and run it again\.`));
		assert.deepEqual(fs.readdirSync(disk.dir), [], 'no spill files left');

		disk.resize('64M');
		assert.equal((await runCli(['run', 'course-summary', ...withDb])).code, 0);
		const clean = await openTestDatabase('disk_full_scratch_clean');
		await ingest(clean, [log]);
		assert.deepEqual(await answers(database.pool), await answers(clean.pool), 'built after the failure, equal to one load of it all');
	});
});

describe('results and the workdir lock on a full disk', () => {
	it('leave no file behind, and say which disk in one sentence', async (t) => {
		const database = await openTestDatabase('disk_full_results');
		const log = path.join(fixtureDir(), 'small.log');
		await generateLog({events: 2000, seed: 13, file: log, badLines: 5});
		await ingest(database, [log]);
		const disk = smallDisk('64k');
		if (typeof disk === 'string') return t.skip(disk);
		// Full to the last byte.
		const filler = fs.openSync(path.join(disk.dir, 'filler'), 'w');
		try {
			for (;;) fs.writeSync(filler, Buffer.alloc(4096));
		} catch (error) {
			assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
		} finally {
			fs.closeSync(filler);
		}
		const noFile = fullDisk(disk.dir, String.raw`no file was left; free space on it and try again\.`);
		for (const command of [['run', 'course-summary'], ['rejected'], ['files']]) {
			const result = await runCli([...command, '--db', database.url, '--out', path.join(disk.dir, 'out.csv')]);
			assert.deepEqual([result.code, result.stdout], [1, ''], `${command[0]}: ${result.stderr}`);
			assert.match(said(result), noFile, command[0]);
		}
		// The app's save key (and --save): result/ made, nothing in it.
		const {tasks} = await loadTaskCatalogue();
		const result = await runTask(database.pool, tasks.find((task) => task.id === 'sessions')!, {});
		const resultDir = path.join(disk.dir, 'result');
		await assert.rejects(saveResult(result, {format: 'csv', resultDir}), (error: Error) => error instanceof DiskFullError && fullDisk(resultDir, String.raw`no file was left; free space on it and try again\.`).test(error.message));
		assert.deepEqual(fs.readdirSync(resultDir), []);

		// An empty app.lock was left, which every later run refused as another program's file.
		const workdir = disk.workdir('wd');
		const locked = await runCli(['ingest', '--db', database.url, '--workdir', workdir.root, log]);
		assert.equal(locked.code, 1, locked.stderr);
		assert.match(said(locked), fullDisk(workdir.root, String.raw`nothing was started; free space on it${OR_LARGER_DISK} and run again\.`));
		assert.deepEqual(fs.readdirSync(workdir.root), [], 'no lock left');
		assert.deepEqual(fs.readdirSync(disk.dir).sort(), ['filler', 'result', 'wd']);
		fs.rmSync(path.join(disk.dir, 'filler'));
		assert.equal((await runCli(['ingest', '--db', database.url, '--workdir', workdir.root, log])).code, 0, 'with room, the next run goes on');
	});
});
