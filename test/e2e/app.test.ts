import assert from 'node:assert/strict';
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import pg from 'pg';
import {clientConfig, ensureDatabaseExists} from '../../ingest/db/database.js';
import {connectionUrl, embeddedServerStatus, readPassword, removeWorkdir, startEmbeddedServer, stopEmbeddedServer} from '../../ingest/db/embedded-server.js';
import {migrate} from '../../ingest/db/migrations.js';
import {resolveWorkdir, type Workdir} from '../../ingest/db/workdir.js';
import {projectRoot, settled} from '../helpers/shared.js';
import {FIXTURE_EXPECTED, fixtureLog} from './fixture-log.js';

/**
 * Drives the real binary in a real terminal (tmux): a fixture log in input/ → the load's counts →
 * a task chosen from the menu → its first row in the table → `s` → the saved file. The app starts its
 * own embedded PostgreSQL in a temporary workdir, as a user's first run does.
 */
function haveTmux(): boolean {
	if (spawnSync('tmux', ['-V']).status === 0) return true;
	if (process.platform === 'win32' || process.getuid?.() !== 0) return false;
	// Debian images (and .ci/run) may lack it; install it when we can.
	spawnSync('apt-get', ['update'], {stdio: 'ignore'});
	spawnSync('apt-get', ['install', '-y', 'tmux'], {stdio: 'ignore'});
	return spawnSync('tmux', ['-V']).status === 0;
}

const tmuxReady = haveTmux();
const bin = path.join(projectRoot, 'bin', 'openpolyedu-tui.js');

function tmux(...args: string[]): string {
	return execFileSync('tmux', args, {encoding: 'utf8'});
}

function quote(text: string): string {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

async function waitForScreen(session: string, pattern: RegExp, timeoutMs: number): Promise<string> {
	const started = Date.now();
	for (;;) {
		const screen = tmux('capture-pane', '-p', '-t', session);
		if (pattern.test(screen)) return screen;
		if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${pattern}; the terminal shows:\n${screen}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Keys one at a time, as a person types (a burst would arrive as one chunk). */
async function send(session: string, ...keys: string[]): Promise<void> {
	for (const key of keys) {
		tmux('send-keys', '-t', session, key);
		await new Promise((resolve) => setTimeout(resolve, 120));
	}
}

/** Several keys in one write, as a paste or key repeat delivers them (the app reads them in one chunk). */
async function burst(session: string, keys: string): Promise<void> {
	tmux('send-keys', '-t', session, '-l', keys);
	await new Promise((resolve) => setTimeout(resolve, 120));
}

test('end to end in tmux: load a fixture log, run a task, save its table', {skip: tmuxReady ? false : 'skipped: tmux is not installed and could not be installed (apt-get)', timeout: 180_000}, async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-e2e-'));
	const session = `openpolyedu-e2e-${process.pid}`;
	fs.mkdirSync(path.join(dir, 'input'));
	fs.writeFileSync(path.join(dir, 'input', 'fixture.log'), fixtureLog());
	const command = `${quote(process.execPath)} ${quote(bin)} --workdir ${quote(path.join(dir, 'workdir'))}; echo "EXIT=$?"; sleep 60`;
	tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', dir, command);
	try {
		const summary = await waitForScreen(session, /Load finished/, 90_000);
		const {lines, loaded, duplicates, rejected} = FIXTURE_EXPECTED;
		assert.match(summary, new RegExp(`read ${lines} lines: loaded ${loaded} · duplicates ${duplicates} · rejected ${rejected}`));
		assert.equal(tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim(), '1', 'the app runs on the alternate screen');

		await send(session, 'Enter');
		await waitForScreen(session, /Tasks · \d+ of \d+ · course course-v1:TestX\+T101\+2024/, 10_000);
		// A typo taken back and Enter, all in one write.
		await burst(session, '/event typos\u007F\u007F\u007Fpes\r');
		await waitForScreen(session, /filter: event types · course .*\n(.*\n)*▸ Event types/, 10_000);
		await send(session, 'Enter');
		// A task with parameters besides the course opens its form first (Enter runs it with the defaults).
		if (/Enter run/.test(await waitForScreen(session, /Enter run|row 1\/4 · col 1\/3/, 30_000))) await send(session, 'Enter');
		const table = await waitForScreen(session, /row 1\/4 · col 1\/3/, 30_000);
		const firstRow = table.split('\n')[3] ?? '';
		assert.match(firstRow, new RegExp(`^▸ ${FIXTURE_EXPECTED.firstEventType} +${FIXTURE_EXPECTED.firstEventCount} +55\\.56`), `first row: ${firstRow}`);

		await burst(session, 's\r');
		await waitForScreen(session, /Saved 4 rows to result/, 10_000);
		const saved = fs.readdirSync(path.join(dir, 'result'));
		assert.equal(saved.length, 1);
		assert.match(saved[0] ?? '', /^event-types_course-v1_TestX_T101_2024_\d{8}T\d{6}Z\.csv$/);
		assert.equal(
			fs.readFileSync(path.join(dir, 'result', saved[0] ?? ''), 'utf8').replace(/\r\n/g, '\n'),
			'event_type,events,percent\nplay_video,5,55.56\npause_video,2,22.22\nedx.course.enrollment.activated,1,11.11\nproblem_check,1,11.11\n',
		);

		// A table wider than the terminal (learner-summary's 24 columns): scrolled to its last column, each row still says whose it is.
		await send(session, 'Escape', 'Escape');
		await burst(session, '/learner summary\r');
		await waitForScreen(session, /▸ Learner summary/, 10_000);
		await send(session, 'Enter');
		if (/Enter run/.test(await waitForScreen(session, /Enter run|col 1\/24/, 30_000))) await send(session, 'Enter');
		assert.match(await waitForScreen(session, /row 1\/2 · col 1\/24/, 30_000), /→\/l more · /, 'the hint line says there is more to the right');
		await burst(session, 'l'.repeat(23));
		const scrolled = (await waitForScreen(session, /col 24\/24/, 10_000)).split('\n');
		assert.match(scrolled[1] ?? '', /^ {2}username +course_id +‹ .*passing\s*$/, scrolled.join('\n'));
		assert.match(scrolled[3] ?? '', /^▸ alice +course-v1:TestX\+T101\+2024 /, scrolled.join('\n'));
		assert.match(scrolled[4] ?? '', /^ {2}bob +course-v1:TestX\+T101\+2024 /, scrolled.join('\n'));

		await send(session, 'q');
		const after = await waitForScreen(session, /EXIT=\d+/, 30_000);
		assert.match(after, /EXIT=0/);
		assert.equal(tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim(), '0', 'the normal screen is back');
		assert.ok(!fs.existsSync(path.join(dir, 'workdir', 'app.lock')), 'the workdir lock is released');

		// Started again from a folder without input/, on the same workdir: straight to the tasks on the loaded data, saying why nothing was read.
		const elsewhere = path.join(dir, 'elsewhere');
		fs.mkdirSync(elsewhere);
		tmux('kill-session', '-t', session);
		tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', '-c', elsewhere, command);
		const menu = await waitForScreen(session, /Tasks · \d+ of \d+ · course course-v1:TestX\+T101\+2024/, 60_000);
		assert.match(menu, new RegExp(`No input/ folder in ${fs.realpathSync(elsewhere).replace(/[.+]/g, '\\$&')}: nothing new was read\\.`));
		assert.doesNotMatch(menu, /No new data|No data yet|could not be loaded/);
		// learner-path needs a learner: Enter on its empty field lists them from the database, most active first.
		await burst(session, '/path\r');
		// Its details (i), read from its header, and Esc back to it on the menu; then Ctrl-T on its form, and back there.
		await send(session, 'i');
		await waitForScreen(session, /Task learner-path( · lines \S+ of \d+)?\nA learner's path over pages\nGroup: Pages\n(.*\n)*  user · user · required\n/, 10_000);
		await send(session, 'Escape');
		await waitForScreen(session, /▸ A learner's path over pages/, 10_000);
		await send(session, 'Enter');
		await waitForScreen(session, /▸ user +▏/, 10_000);
		await send(session, 'C-t');
		await waitForScreen(session, /Task learner-path( · lines \S+ of \d+)?\n/, 10_000);
		await send(session, 'Escape');
		await waitForScreen(session, /▸ user +▏/, 10_000);
		await send(session, 'Enter');
		await waitForScreen(session, /2 learners of course-v1:TestX\+T101\+2024, most active first\n▸ alice 5 events\n {2}bob 4 events\n/, 10_000);
		await send(session, 'j', 'Enter');
		await waitForScreen(session, /▸ user +bob▏/, 10_000);
		await send(session, 'Enter');
		await waitForScreen(session, /A learner's path over pages · .*user=bob/, 30_000);
		await send(session, 'q');
		assert.match(await waitForScreen(session, /EXIT=\d+/, 30_000), /EXIT=0/);
	} finally {
		// Ctrl-C first, so the app stops its embedded server before the terminal goes away.
		spawnSync('tmux', ['send-keys', '-t', session, 'C-c']);
		await waitForScreen(session, /EXIT=\d+/, 30_000).catch(() => {});
		spawnSync('tmux', ['kill-session', '-t', session]);
		removeWorkdir(resolveWorkdir(path.join(dir, 'workdir')));
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test("Esc on a task whose parameter checks wait for another session's lock gives the wait up at once, the lock still held (the check waited until the other session let go; only quitting gave it up)", {skip: tmuxReady ? false : 'skipped: tmux is not installed and could not be installed (apt-get)', timeout: 180_000}, async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-e2e-esc-'));
	const session = `openpolyedu-e2e-esc-${process.pid}`;
	const workdir = resolveWorkdir(path.join(dir, 'workdir'));
	fs.mkdirSync(path.join(dir, 'input'));
	fs.writeFileSync(path.join(dir, 'input', 'fixture.log'), fixtureLog());
	const command = `${quote(process.execPath)} ${quote(bin)} --workdir ${quote(workdir.root)}; echo "EXIT=$?"; sleep 60`;
	tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', '-c', dir, command);
	let pool: pg.Pool | undefined;
	try {
		await waitForScreen(session, /Load finished/, 90_000);
		await send(session, 'Enter');
		await waitForScreen(session, /Tasks · \d+ of \d+ · course/, 10_000);
		// Another session (a psql, say) holds the table where the task's course is looked up, as a build's swap does.
		pool = new pg.Pool({...clientConfig(connectionUrl(readPassword(workdir)!, embeddedServerStatus(workdir).port!)), application_name: 'psql'});
		pool.on('error', () => {});
		const holder = await pool.connect();
		await holder.query('BEGIN');
		await holder.query('LOCK TABLE d_type_total IN ACCESS EXCLUSIVE MODE');
		const waiting = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'openpolyedu-tui' AND wait_event_type = 'Lock'`;
		try {
			await burst(session, '/event types\r');
			await waitForScreen(session, /▸ Event types/, 10_000);
			await send(session, 'Enter');
			if (/Enter run/.test(await waitForScreen(session, /Enter run|Waiting for a lock/, 30_000))) await send(session, 'Enter');
			await waitForScreen(session, /Waiting for a lock on d_type_total held by another session/, 30_000);
			await send(session, 'Escape');
			const started = Date.now();
			while ((await pool.query(waiting)).rows[0].n > 0) {
				assert.ok(Date.now() - started < 3000, 'the check still waits for the lock after Esc');
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
		} finally {
			await holder.query('ROLLBACK');
			holder.release();
		}
		// Back from the task's form to the menu, then quit.
		await waitForScreen(session, /Enter run · Esc back/, 10_000);
		await send(session, 'Escape');
		await waitForScreen(session, /Tasks · \d+ of \d+ · filter/, 10_000);
		await send(session, 'q');
		assert.match(await waitForScreen(session, /EXIT=\d+/, 30_000), /EXIT=0/);
	} finally {
		await pool?.end().catch(() => {});
		// Ctrl-C first, so the app stops its embedded server before the terminal goes away.
		spawnSync('tmux', ['send-keys', '-t', session, 'C-c']);
		await waitForScreen(session, /EXIT=\d+/, 30_000).catch(() => {});
		spawnSync('tmux', ['kill-session', '-t', session]);
		removeWorkdir(workdir);
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

type HeldLoad = {dir: string; workdir: Workdir; pool: pg.Pool; holder: pg.PoolClient};

/**
 * An ingest's setting for a cancel: a fixture log in a temporary folder, and the embedded server started here
 * (the ingest adopts it, so it is the ingest's to stop), where `lock` (a LOCK statement) holds the load back
 * in an open transaction of `holder` until the test rolls it back. Everything is removed afterwards.
 */
async function withHeldLoad(prefix: string, lock: string, body: (held: HeldLoad) => Promise<void>): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	// mkdtemp's 0700: as root, the server's own user must enter the workdir to keep its cluster inside.
	fs.chmodSync(dir, 0o755);
	const workdir = resolveWorkdir(path.join(dir, 'workdir'));
	fs.writeFileSync(path.join(dir, 'fixture.log'), fixtureLog());
	const server = await startEmbeddedServer(workdir);
	await ensureDatabaseExists(server.url);
	// The ingest stops the server under these connections: that is no error.
	const pool = new pg.Pool(clientConfig(server.url));
	pool.on('error', () => {});
	const holder = await pool.connect();
	holder.on('error', () => {});
	try {
		await migrate(holder);
		await holder.query('BEGIN');
		await holder.query(lock);
		await body({dir, workdir, pool, holder});
	} finally {
		holder.release();
		await pool.end().catch(() => {});
		await stopEmbeddedServer(workdir).catch(() => false);
		removeWorkdir(workdir);
		fs.rmSync(dir, {recursive: true, force: true});
	}
}


test('a workdir that cannot be made is said on the screen, and q quits with 1 (the app spun at "Opening the workdir…" for good: writing the error to its log failed too)', {skip: tmuxReady ? false : 'skipped: tmux is not installed and could not be installed (apt-get)', timeout: 60_000}, async () => {
	const session = `openpolyedu-noworkdir-${process.pid}`;
	// Nothing can be made under /proc, even by root: as a folder without write permission is to another user.
	const workdir = '/proc/openpolyedu-none/workdir';
	tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', os.tmpdir(), `${quote(process.execPath)} ${quote(bin)} --workdir ${workdir}; echo "EXIT=$?"; sleep 60`);
	try {
		const screen = (await waitForScreen(session, /The workdir cannot be used/, 30_000)).replace(/[│\s]+/g, ' ');
		assert.match(screen, /Cannot use \/proc\/openpolyedu-none\/workdir as the workdir: ENOENT: no such file or directory, mkdir '\/proc\/openpolyedu-none'\./);
		// Not the server's logs, which would be in that workdir.
		assert.match(screen, /Start the app with --workdir and a folder of your own that it can write\./);
		await send(session, 'q');
		assert.match(await waitForScreen(session, /EXIT=\d+/, 10_000), /EXIT=1\b/);
	} finally {
		spawnSync('tmux', ['kill-session', '-t', session]);
	}
});

test('closing the terminal of an ingest (SIGHUP) cancels it: the server it runs is stopped and the workdir released', {skip: tmuxReady ? false : 'skipped: tmux is not installed and could not be installed (apt-get)', timeout: 180_000}, async () => {
	const session = `openpolyedu-hangup-${process.pid}`;
	// The load waits behind a lock on loads, held until the end.
	await withHeldLoad('openpolyedu-hangup-', 'LOCK TABLE loads IN ACCESS EXCLUSIVE MODE', async ({dir, workdir, pool}) => {
		try {
			tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', dir, `${quote(process.execPath)} ${quote(bin)} ingest fixture.log --workdir ${quote(workdir.root)}`);
			// Asked outside the holder's transaction, which sees one snapshot of pg_stat_activity.
			const waiting = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'openpolyedu-tui' AND wait_event_type = 'Lock'";
			for (let tries = 0; (await pool.query(waiting)).rows[0].n === 0; tries++) {
				assert.ok(tries < 600, 'the ingest reached the lock');
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			tmux('kill-session', '-t', session);
			// Its cancelled load gives up its wait for the lock, still held, then writes its summary to a terminal that is
			// gone (EIO), and must go on to stop the server.
			for (let tries = 0; embeddedServerStatus(workdir).port !== undefined || fs.existsSync(workdir.lockFile); tries++) {
				assert.ok(tries < 300, `the server stopped (${embeddedServerStatus(workdir).port === undefined}) and the workdir released (${!fs.existsSync(workdir.lockFile)})`);
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		} finally {
			spawnSync('tmux', ['kill-session', '-t', session]);
		}
	});
});

test('a start of the app that waits for another session\'s lock says so, and q quits at once, the lock still held: the server stopped, the workdir released (q did nothing there, and Ctrl-C waited for the lock)', {skip: tmuxReady ? false : 'skipped: tmux is not installed and could not be installed (apt-get)', timeout: 180_000}, async () => {
	const session = `openpolyedu-startwait-${process.pid}`;
	// A psql, say, left idle in a transaction that read source_files: migration 9, applied again, waits to alter it.
	await withHeldLoad('openpolyedu-startwait-', 'SELECT count(*) FROM source_files', async ({dir, workdir, pool}) => {
		try {
			await pool.query('DELETE FROM schema_version WHERE version = 9');
			tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', dir, `${quote(process.execPath)} ${quote(bin)} --workdir ${quote(workdir.root)}; echo "EXIT=$?"; sleep 60`);
			const screen = (await waitForScreen(session, /Waiting for/, 60_000)).replace(/\s*\n\s*/g, ' ');
			assert.match(screen, /Updating the database for this version: .*Waiting for a lock on source_files held by another openpolyedu-tui \(server process \d+: user postgres, idle in transaction\)… q\/Esc quit/);
			await send(session, 'q');
			assert.match(await waitForScreen(session, /EXIT=\d+/, 20_000), /EXIT=130\b/);
			assert.equal(embeddedServerStatus(workdir).port, undefined, 'the server is stopped');
			assert.ok(!fs.existsSync(workdir.lockFile), 'the workdir is released');
		} finally {
			spawnSync('tmux', ['kill-session', '-t', session]);
		}
	});
});

test('a reader of its progress that goes away (ingest 2>&1 | head -1) cancels the ingest: exit 141 as for SIGPIPE, the server stopped, the workdir released', {timeout: 120_000}, async () => {
	// The load waits behind a lock on events, held until the end, printing its "loading" line every second (and the wait's).
	await withHeldLoad('openpolyedu-epipe-', 'LOCK TABLE events IN ACCESS EXCLUSIVE MODE', async ({dir, workdir}) => {
		const child = spawn(process.execPath, [bin, 'ingest', 'fixture.log', '--workdir', workdir.root], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
		try {
			const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
			// The first line read, the pipe's read end is closed: the next line written fails with EPIPE.
			const firstLine = await new Promise<string>((resolve) => child.stderr.once('data', (data: Buffer) => resolve(data.toString())));
			child.stderr.destroy();
			assert.match(firstLine, /^(loading|Waiting for) /);
			assert.equal(await settled(exited, 'the ingest ends while the lock is still held'), 141, 'cancelled');
			assert.equal(embeddedServerStatus(workdir).port, undefined, 'the server is stopped');
			assert.ok(!fs.existsSync(workdir.lockFile), 'the workdir is released');
		} finally {
			child.kill('SIGKILL');
		}
	});
});

test('without a terminal the app runs headless: the ingest summary (on stderr), then the task list (alone on stdout)', {timeout: 120_000}, () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-headless-'));
	try {
		fs.mkdirSync(path.join(dir, 'input'));
		fs.writeFileSync(path.join(dir, 'input', 'fixture.log'), fixtureLog());
		const run = spawnSync(process.execPath, [bin, '--workdir', path.join(dir, 'workdir')], {cwd: dir, encoding: 'utf8'});
		assert.equal(run.status, 0, run.stderr);
		const {lines, loaded, duplicates, rejected} = FIXTURE_EXPECTED;
		assert.match(run.stderr, new RegExp(`read ${lines} lines: loaded ${loaded}, duplicates ${duplicates}, rejected ${rejected}`));
		assert.equal(run.stdout.split('\n')[0], 'id,group,title');
		assert.match(run.stdout, /^event-types,Activity,Event types$/m);
		assert.doesNotMatch(run.stdout, /\u001B\[\?1049h/, 'no alternate screen when not on a terminal');

		// As the full-screen app: an input that failed still leaves the task list (exit 1), and so does no input/ (exit 0).
		fs.writeFileSync(path.join(dir, 'input', 'broken.log.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
		const failed = spawnSync(process.execPath, [bin, '--workdir', path.join(dir, 'workdir')], {cwd: dir, encoding: 'utf8'});
		assert.equal(failed.status, 1, failed.stderr);
		assert.match(failed.stderr, /failed: .*broken\.log\.gz/);
		assert.match(failed.stdout, /^event-types,Activity,Event types$/m);
		const elsewhere = path.join(dir, 'elsewhere');
		fs.mkdirSync(elsewhere);
		const noInput = spawnSync(process.execPath, [bin, '--workdir', path.join(dir, 'workdir')], {cwd: elsewhere, encoding: 'utf8'});
		assert.equal(noInput.status, 0, noInput.stderr);
		assert.match(noInput.stderr, /^No input\/ folder in .*elsewhere: nothing new was read \(put tracking logs there to load them\)\.$/m);
		assert.match(noInput.stdout, /^event-types,Activity,Event types$/m);
		// Its --tz: a misspelt zone is one sentence and exit 1 before anything starts (it was ignored without input/,
		// and the full-screen app showed it as logs that could not be loaded); a known one moves the days to it.
		const misspelt = spawnSync(process.execPath, [bin, '--tz', 'Europe/Moskow', '--workdir', path.join(dir, 'workdir')], {cwd: elsewhere, encoding: 'utf8'});
		assert.deepEqual([misspelt.status, misspelt.stderr, misspelt.stdout], [1, 'Unknown time zone "Europe/Moskow" for --tz (did you mean "Europe/Moscow"?); use a name like UTC or Europe/Moscow.\n', '']);
		const tokyo = spawnSync(process.execPath, [bin, '--tz', 'asia/tokyo', '--workdir', path.join(dir, 'workdir')], {cwd: elsewhere, encoding: 'utf8'});
		assert.equal(tokyo.status, 0, tokyo.stderr);
		assert.match(tokyo.stderr, /^days are now counted in Asia\/Tokyo \(was Europe\/Moscow\): the derived tables were rebuilt$/m);
		assert.match(tokyo.stdout, /^event-types,Activity,Event types$/m);
	} finally {
		removeWorkdir(resolveWorkdir(path.join(dir, 'workdir')));
		fs.rmSync(dir, {recursive: true, force: true});
	}
});
