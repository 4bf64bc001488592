import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import {acquireWorkdirLock, WorkdirInUseError} from '../../ingest/db/workdir-lock.js';
import {ensureWorkdir, resolveWorkdir} from '../../ingest/db/workdir.js';
import {createTestDatabase, testPool} from '../helpers/database.js';
import {fixtureDir, lines} from '../helpers/ingest.js';
import {runCli, startCli} from './helpers/cli.js';

/** Two app processes on one workdir would fight over its cluster: the second refuses, clearly. */
const url = await createTestDatabase('workdir_lock');
const newWorkdir = () => {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-lock-'));
	after(() => fs.rmSync(root, {recursive: true, force: true}));
	const workdir = resolveWorkdir(root);
	ensureWorkdir(workdir);
	return workdir;
};
const REFUSAL = /Another openpolyedu-tui \(pid \d+\) is already using the workdir .+; wait for it to finish, pass a different --workdir, or \(to run tasks beside it\) keep the database running with openpolyedu-tui db start before starting both\./;

describe('two instances on one workdir', () => {
	it('refuses a second CLI while one ingests, and lets the first finish', async () => {
		const workdir = newWorkdir();
		const input = path.join(fixtureDir(), 'big.log');
		fs.writeFileSync(input, lines(0, 30_000));
		const first = startCli(['ingest', '--db', url, '--workdir', workdir.root, input]);
		while (!fs.existsSync(workdir.lockFile) && first.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 10));
		const second = await runCli(['ingest', '--db', url, '--workdir', workdir.root, input]);
		const firstResult = await first.done;
		assert.equal(second.code, 1);
		assert.match(second.stderr, REFUSAL);
		assert.equal(second.stderr.trim().split('\n').length, 1, 'one sentence, no stack');
		assert.equal(firstResult.code, 0, firstResult.stderr);
		assert.match(firstResult.stdout, /read 30000 lines: loaded 30000, duplicates 0, rejected 0/);
		assert.ok(!fs.existsSync(workdir.lockFile), 'the lock is released at exit');
	});

	it('refuses in-process, and takes over the lock of a process that died', async () => {
		const workdir = newWorkdir();
		const input = path.join(fixtureDir(), 'small.log');
		fs.writeFileSync(input, lines(0, 10));
		const release = acquireWorkdirLock(workdir);
		const refused = await runCli(['ingest', '--db', url, '--workdir', workdir.root, input]);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, new RegExp(`pid ${process.pid}`));
		release();
		// Held by another live process (here the test runner): a WorkdirInUseError, which the app's error screen words as such.
		fs.writeFileSync(workdir.lockFile, String(process.ppid));
		assert.throws(() => acquireWorkdirLock(workdir), (error: Error) => error instanceof WorkdirInUseError && REFUSAL.test(error.message));
		// Which may be a killed run's, whose pid another program has now (Windows gives pids out again soon): said how to get out.
		assert.throws(() => acquireWorkdirLock(workdir), {
			message: new RegExp(`before starting both\\. If no openpolyedu-tui runs, a run that was killed left the lock, and another program has its process id now: delete ${workdir.lockFile.replace(/[.\\]/g, '\\$&')}\\.$`),
		});
		// A killed run leaves its lock file behind with a pid that no longer runs.
		fs.writeFileSync(workdir.lockFile, '2147483646');
		const after = await runCli(['ingest', '--db', url, '--workdir', workdir.root, input]);
		assert.equal(after.code, 0, after.stderr);
	});

	it('takes over a dead process\'s lock only: another run that took it over a moment before keeps it (two runs started together after a crash both deleted "it", and both went on)', () => {
		const workdir = newWorkdir();
		fs.writeFileSync(workdir.lockFile, '2147483646');
		// The other run (here the test runner, alive) takes the dead lock over right after this one has read it: the
		// moment between the read and the delete, which two processes started together met in 2 rounds of 10.
		const read = fs.readFileSync;
		let overtaken = false;
		fs.readFileSync = ((...args: Parameters<typeof read>) => {
			const text = read(...args);
			if (!overtaken && args[0] === workdir.lockFile) {
				overtaken = true;
				fs.rmSync(workdir.lockFile);
				fs.writeFileSync(workdir.lockFile, String(process.ppid));
			}
			return text;
		}) as typeof read;
		try {
			assert.throws(() => acquireWorkdirLock(workdir), (error: Error) => error instanceof WorkdirInUseError && error.message.includes(`pid ${process.ppid}`));
		} finally {
			fs.readFileSync = read;
		}
		assert.ok(overtaken, 'the lock was read');
		assert.deepEqual([fs.readFileSync(workdir.lockFile, 'utf8'), fs.readdirSync(workdir.root).filter((name) => name.startsWith('app.lock'))], [String(process.ppid), ['app.lock']]);
	});

	it("leaves another program's app.lock as it is, in one sentence (a --workdir such as ~ or . took it for a stale lock and deleted it)", async () => {
		const workdir = newWorkdir();
		const input = path.join(fixtureDir(), 'other.log');
		fs.writeFileSync(input, lines(0, 3));
		const sentence = `${workdir.lockFile} holds no process id, so it is no lock of openpolyedu-tui's (another program's file, or one being written this moment), and the app does not delete it: pass another --workdir, or remove it if no openpolyedu-tui is running.`;
		for (const text of ['{"pid": 2147483646, "by": "another program"}\n', '']) {
			fs.writeFileSync(workdir.lockFile, text);
			const refused = await runCli(['ingest', '--db', url, '--workdir', workdir.root, input]);
			assert.deepEqual([refused.code, refused.stdout, refused.stderr], [1, '', `${sentence}\n`], JSON.stringify(text));
			assert.equal(fs.readFileSync(workdir.lockFile, 'utf8'), text);
		}
	});

	it('with db start in effect, tells what holds the workdir instead of advising db start', async () => {
		const workdir = newWorkdir();
		const input = path.join(fixtureDir(), 'kept.log');
		fs.writeFileSync(input, lines(0, 10));
		fs.writeFileSync(workdir.keepRunningFile, 'kept running by: openpolyedu-tui db start\n');
		const release = acquireWorkdirLock(workdir);
		try {
			for (const args of [['db', 'stop'], ['ingest', '--db', url, input]]) {
				const refused = await runCli([...args, '--workdir', workdir.root]);
				assert.deepEqual(
					[refused.code, refused.stderr],
					[
						1,
						`Another openpolyedu-tui (pid ${process.pid}) is already using the workdir ${workdir.root} (an ingest, a reset or the app, which need it to themselves even while db start keeps the database running); wait for it to finish, or pass a different --workdir. If no openpolyedu-tui runs, a run that was killed left the lock, and another program has its process id now: delete ${workdir.lockFile}.\n`,
					],
					args.join(' '),
				);
			}
		} finally {
			release();
		}
	});

	it('lets commands that read run beside the owner when the server is not theirs to start or stop (--db)', async () => {
		const workdir = newWorkdir();
		const release = acquireWorkdirLock(workdir);
		try {
			const [files, summary] = await Promise.all([
				runCli(['files', '--db', url, '--workdir', workdir.root, '--format', 'csv']),
				runCli(['run', 'event-types', '--db', url, '--workdir', workdir.root, '--format', 'json']),
			]);
			assert.equal(files.code, 0, files.stderr);
			assert.match(files.stdout, /small\.log,plain/);
			assert.equal(summary.code, 0, summary.stderr);
			const pool = testPool(url);
			const {rows} = await pool.query<{count: string}>('SELECT count(*) FROM events').finally(() => pool.end());
			assert.equal(JSON.parse(summary.stdout).reduce((sum: number, row: {events: number}) => sum + row.events, 0), Number(rows[0]!.count));
			assert.equal(fs.readFileSync(workdir.lockFile, 'utf8'), String(process.pid), 'the owner keeps its lock');
		} finally {
			release();
		}
	});
});
