import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import {describe, it} from 'node:test';
import pg from 'pg';
import {MIGRATION_LOCK, REFRESH_LOCK} from '../../ingest/db/advisory-locks.js';
import {backendPid, clientConfig} from '../../ingest/db/database.js';
import {eventLine, fixtureDir, lines} from '../helpers/ingest.js';
import {createTestDatabase, testPool} from '../helpers/database.js';
import {projectRoot, settled, until} from '../helpers/shared.js';
import {writeZip} from '../helpers/zip.js';
import {interruptedNote, pendingNote, printResult} from '../../source/commands/run.js';
import {filesCommand, filesOnTerminal} from '../../source/commands/files.js';
import {loadTaskCatalogue, runTask, saveResult, terminalTable} from '../../source/tasks/index.js';
import type {CommandContext, Flags} from '../../source/commands/context.js';
import {blockedRun, runCli, startCli} from '../reliability/helpers/cli.js';

const url = await createTestDatabase('cli');
const dir = fixtureDir();

function cliIn(cwd: string, ...args: string[]) {
	const result = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), ...args], {cwd, encoding: 'utf8', env: {...process.env, DATABASE_URL: ''}});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

const cli = (...args: string[]) => cliIn(dir, ...args);

/**
 * A database with a log ingested and built, a connection of another openpolyedu-tui's to it (the holder of its locks,
 * and its server process) and a second log (`more`) for an ingest to load and then build.
 */
async function builtBesideHolder(name: string): Promise<{databaseUrl: string; holder: pg.Client; holderPid: number; more: string}> {
	const databaseUrl = await createTestDatabase(`cli_${name.replaceAll('-', '_')}`);
	const file = path.join(dir, `${name}.log`);
	fs.writeFileSync(file, lines(0, 14));
	assert.equal(cli('ingest', file, '--db', databaseUrl).code, 0);
	const more = path.join(dir, `${name}-more.log`);
	fs.writeFileSync(more, lines(14, 20));
	const holder = new pg.Client(clientConfig(databaseUrl));
	await holder.connect();
	return {databaseUrl, holder, holderPid: await backendPid(holder), more};
}

/** What `files` prints on a terminal of 100 columns, run in this process (a child's stdout is no terminal). */
async function filesOnATerminal(databaseUrl: string): Promise<string> {
	const written = {stdout: '', stderr: ''};
	const code = await filesCommand({
		args: [],
		flags: {param: []} as unknown as Flags,
		databaseUrl,
		stdout: {isTTY: true, columns: 100, write: (text: string) => (written.stdout += text)} as unknown as NodeJS.WriteStream,
		stderr: {write: (text: string) => (written.stderr += text)} as unknown as NodeJS.WriteStream,
	});
	assert.equal(code, 0, written.stderr);
	return written.stdout;
}

/**
 * Runs `body` with a database that the suite's superuser made (`options` of its CREATE DATABASE), not migrated
 * as createTestDatabase's are, and drops it afterwards.
 */
async function withAdminDatabase(prefix: string, options: string, body: (url: string, adminUrl: string, admin: pg.Client) => Promise<void>): Promise<void> {
	const adminUrl = process.env.OPENPOLYEDU_TEST_ADMIN_URL!;
	const admin = new pg.Client(clientConfig(adminUrl));
	await admin.connect();
	const name = `${prefix}_${process.pid}`;
	try {
		await admin.query(`DROP DATABASE IF EXISTS ${name}`);
		await admin.query(`CREATE DATABASE ${name} ${options}`);
		await body(Object.assign(new URL(adminUrl), {pathname: `/${name}`}).toString(), adminUrl, admin);
	} finally {
		await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await admin.end();
	}
}

/** How many tables a database's schema public holds. */
async function publicTables(url: string): Promise<number> {
	const client = new pg.Client(clientConfig(url));
	await client.connect();
	try {
		const {rows} = await client.query<{tables: number}>(`SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname = 'public'`);
		return rows[0]!.tables;
	} finally {
		await client.end();
	}
}

describe('the headless commands', () => {
	it('ingest prints the accounting and exits 0, even with rejected lines', () => {
		const file = path.join(dir, 'day.log');
		fs.writeFileSync(file, `${lines(0, 40)}not json\n\n${lines(0, 5)}`);
		const result = cli('ingest', file, '--db', url);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^read 46 lines: loaded 40, duplicates 5, rejected 1$/m);
		assert.match(result.stdout, /files: 1 loaded, 0 skipped \(already loaded\), 0 failed; 1 blank lines ignored/);
		assert.match(result.stdout, /^time: loading \d+:\d\d, updating the tables the tasks read \d+:\d\d$/m);
		assert.match(result.stdout, /rejected by reason: malformed-json 1/);
		// The build's last line says it is over (the one before it, up to a second earlier, said 99 % at most).
		assert.match(result.stderr, /\nderiving 100% · the tables are updated\n$/);
	});

	it('ingest of a folder without log files says so, and exits 0', () => {
		const empty = path.join(dir, 'empty');
		fs.mkdirSync(empty);
		fs.writeFileSync(path.join(empty, 'README.md'), 'only notes here\n');
		const result = cli('ingest', empty, '--db', url);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^read 0 lines: loaded 0, duplicates 0, rejected 0$/m);
		assert.equal(result.stderr, `No log files were found in ${empty}; nothing was loaded.\n`);
	});

	it('ingest of a folder with a named pipe in it loads the files and says the pipe was skipped (it was passed over without a word)', {skip: process.platform === 'win32'}, async () => {
		const pipeUrl = await createTestDatabase('cli_fifo');
		const folder = path.join(dir, 'with-a-pipe');
		fs.mkdirSync(folder);
		fs.writeFileSync(path.join(folder, 'day.log'), lines(0, 3));
		assert.equal(spawnSync('mkfifo', [path.join(folder, 'live.pipe')]).status, 0);
		const result = cli('ingest', folder, '--db', pipeUrl);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^read 3 lines: loaded 3, duplicates 0, rejected 0$/m);
		assert.deepEqual(
			result.stdout.split('\n').filter((line) => line.startsWith('skipped: ')),
			[`skipped: ${path.join(folder, 'live.pipe')}: a named pipe (FIFO), not a file or folder; save the log to a file to load it`],
		);
	});

	it('ingest of JSON spread over many lines or in an array skips it, saying it is no log and what to do (thousands of malformed-json lines, or all but the last element rejected, said neither)', async () => {
		const jsonUrl = await createTestDatabase('cli_pretty_json');
		const object = path.join(dir, 'event.json');
		const array = path.join(dir, 'events.json');
		const perLine = path.join(dir, 'events-a-line.json');
		const broken = path.join(dir, 'broken.log');
		const events = [{event_type: 'a', time: '2024-01-01T00:00:00Z'}, {event_type: 'b', time: '2024-01-01T00:00:01Z'}];
		fs.writeFileSync(object, `${JSON.stringify({event_type: 'play_video', username: 'ann', time: '2024-01-01T00:00:00Z', event: {id: 'v1'}}, null, 2)}\n`);
		fs.writeFileSync(array, `\uFEFF${JSON.stringify(events, null, 4)}\n`);
		fs.writeFileSync(perLine, `[\n${events.map((event) => JSON.stringify(event)).join(',\n')}\n]\n`);
		fs.writeFileSync(broken, '{"event_type": "cut\n{"not json\n');
		const result = cli('ingest', object, array, perLine, broken, '--db', jsonUrl);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^read 2 lines: loaded 0, duplicates 0, rejected 2$/m);
		// The log of broken events is loaded (its lines rejected and kept); the other three are not counted loaded (they were: "4 loaded").
		assert.match(result.stdout, /^files: 1 loaded, 3 not a tracking log, 0 skipped \(already loaded\), 0 failed;/m);
		const notices = result.stdout.split('\n').filter((line) => /^(skipped|rejected): /.test(line));
		const advice = 'where a tracking log has one event per line; put each event on a line of its own';
		const arrayAdvice = `skipped: %s: a JSON array, ${advice} (jq -c ".[]" FILE) and load that; nothing was loaded from it`;
		assert.deepEqual(
			notices,
			[
				`skipped: ${object}: JSON spread over many lines (pretty-printed), ${advice} (jq -c . FILE) and load that; nothing was loaded from it`,
				arrayAdvice.replace('%s', array),
				arrayAdvice.replace('%s', perLine),
			],
			'not the file of broken events, which is a log whose lines are rejected and kept',
		);
	});

	it('ingest of a .zip with no log file in it says so, and files lists it as it lists an empty file (it had no row, no word)', async () => {
		const emptyUrl = await createTestDatabase('cli_empty_zip');
		const empty = path.join(dir, 'empty.zip');
		const notes = path.join(dir, 'notes.zip');
		await writeZip(empty, []);
		await writeZip(notes, [{name: 'README.md', data: Buffer.from('only notes here\n')}]);
		const emptyLog = path.join(dir, 'empty.log');
		fs.writeFileSync(emptyLog, '');
		const notices = [`empty: ${empty}: no log files in the archive; nothing was loaded from it`, `empty: ${notes}: no log files in the archive; nothing was loaded from it`];
		const first = cli('ingest', empty, notes, emptyLog, '--db', emptyUrl);
		assert.equal(first.code, 0, first.stderr);
		assert.match(first.stdout, /^files: 3 loaded, 0 skipped \(already loaded\), 0 failed;/m);
		assert.deepEqual(first.stdout.split('\n').filter((line) => line.startsWith('empty: ')), notices);
		const listed = JSON.parse(cli('files', '--db', emptyUrl, '--format', 'json').stdout) as Array<Record<string, unknown>>;
		assert.deepEqual(
			listed.map((row) => [row.file, row.kind, row.bytes, row.status, row.lines_read, row.loaded]),
			[empty, notes, emptyLog].map((file) => [file, file.endsWith('.zip') ? 'zip' : 'plain', fs.statSync(file).size, 'loaded', 0, 0]),
		);
		// Run again, they are skipped as already loaded, and still named.
		const again = cli('ingest', empty, notes, emptyLog, '--db', emptyUrl);
		assert.equal(again.code, 0, again.stderr);
		assert.match(again.stdout, /^files: 0 loaded, 3 skipped \(already loaded\), 0 failed;/m);
		assert.deepEqual(again.stdout.split('\n').filter((line) => line.startsWith('empty: ')), notices);
		assert.equal(JSON.parse(cli('files', '--db', emptyUrl, '--format', 'json').stdout).length, 3);
	});

	it('ingest of a folder that holds the workdir and result/ passes them over (ingest . loaded the cluster files, lock, log and password, and the saved tables)', async () => {
		const ownUrl = await createTestDatabase('cli_workdir_inside');
		const project = path.join(dir, 'project');
		const workdir = path.join(project, 'workdir');
		fs.mkdirSync(path.join(project, 'input'), {recursive: true});
		fs.mkdirSync(path.join(workdir, 'logs'), {recursive: true});
		fs.writeFileSync(path.join(project, 'input', 'day.log'), lines(0, 3));
		fs.writeFileSync(path.join(workdir, 'pg-password'), 'secret\n');
		fs.writeFileSync(path.join(workdir, 'logs', 'postgres.log'), 'LOG:  database system is ready to accept connections\n');
		fs.mkdirSync(path.join(project, 'result'));
		fs.writeFileSync(path.join(project, 'result', 'learners_all_20240101T000000Z.csv'), 'username,events\nann,3\n');
		const result = cliIn(project, 'ingest', '.', '--db', ownUrl, '--workdir', 'workdir');
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^read 3 lines: loaded 3, duplicates 0, rejected 0$/m);
		const listed = JSON.parse(cli('files', '--db', ownUrl, '--format', 'json').stdout) as Array<{file: string}>;
		assert.deepEqual(listed.map((row) => row.file), [path.join(project, 'input', 'day.log')]);
	});

	it('files and rejected list what was loaded and what was not', () => {
		const files = cli('files', '--db', url, '--format', 'json');
		assert.equal(files.code, 0, files.stderr);
		const [row] = JSON.parse(files.stdout);
		assert.deepEqual([path.basename(row.file), row.status, row.lines_read, row.loaded, row.duplicates, row.rejected], ['day.log', 'loaded', 46, 40, 5, 1]);
		const rejected = cli('rejected', '--db', url, '--format', 'json');
		assert.deepEqual(JSON.parse(rejected.stdout).map((line: {line_no: number; reason: string}) => [line.line_no, line.reason]), [[41, 'malformed-json']]);
		// The formats of run and tasks.
		const csv = cli('files', '--db', url, '--format', 'csv').stdout.split('\n');
		assert.equal(csv[0], 'id,file,kind,bytes,status,lines_read,loaded,duplicates,rejected,blank_lines,finished,error');
		// The time finished says its zone, UTC, as a task's times do (it said none, read as the local time).
		assert.match(csv[1]!, /,loaded,46,40,5,1,1,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,$/);
		assert.match(cli('rejected', '--db', url, '--format', 'md').stdout, /^\| file \| line_no \| byte_offset \| reason \|.*\n\| --- \| ---: \| ---: \| --- \|/);
		// A caveat of the answer goes to stderr; stdout stays the answer.
		const kolkata = cli('run', 'activity-by-day', '--db', url, '--tz', 'Asia/Kolkata', '--format', 'json');
		assert.ok(Array.isArray(JSON.parse(kolkata.stdout)));
		assert.match(kolkata.stderr, /^Note: Asia\/Kolkata is UTC\+05:30, and events are counted by whole UTC hours: .*\n$/);
		// A usage error, exit 2 as --bom with JSON is: it was 1.
		const bad = cli('files', '--db', url, '--format', 'tsv');
		assert.deepEqual([bad.code, bad.stdout, bad.stderr], [2, '', '--format must be csv, json or md, not "tsv".\n']);
		// CSV in a .xlsx file, which Excel refuses to open, was written silently, and with --format csv it still was.
		const xlsx = path.join(dir, 'learners.xlsx');
		const spreadsheet = cli('run', 'learners', '--db', url, '--out', xlsx);
		assert.deepEqual([spreadsheet.code, spreadsheet.stderr], [2, `--out ${xlsx} would be CSV in a .xlsx file, which spreadsheets refuse to open; name it .csv (Excel opens it; add --bom).\n`]);
		assert.deepEqual(cli('run', 'learners', '--db', url, '--out', xlsx, '--format', 'csv'), spreadsheet);
		const jsonSheet = cli('run', 'learners', '--db', url, '--out', xlsx, '--format', 'json');
		assert.deepEqual([jsonSheet.code, jsonSheet.stderr], [2, `--out ${xlsx} would be JSON in a .xlsx file, which spreadsheets refuse to open; name it .json.\n`]);
		assert.ok(!fs.existsSync(xlsx));
		// Commas in a .tsv file, read at its tabs as one column, were written silently too.
		const tsv = path.join(dir, 'learners.tsv');
		const tabs = cli('run', 'learners', '--db', url, '--out', tsv);
		assert.deepEqual([tabs.code, tabs.stdout, tabs.stderr], [2, '', `--out ${tsv} would be comma-separated CSV in a .tsv file, which readers split at tabs; name it .csv.\n`]);
		assert.deepEqual(cli('run', 'learners', '--db', url, '--out', tsv, '--format', 'csv'), tabs);
		assert.ok(!fs.existsSync(tsv));
		// An extension naming another format than --format: CSV was written as learners.json.
		const json = path.join(dir, 'learners.json');
		const mismatch = cli('files', '--db', url, '--out', json, '--format', 'csv');
		assert.deepEqual([mismatch.code, mismatch.stdout, mismatch.stderr], [2, '', `--out ${json} names JSON, but --format csv writes CSV; name it .csv (Excel opens it; add --bom), or drop --format.\n`]);
		assert.ok(!fs.existsSync(json));
		const markdown = path.join(dir, 'learners.markdown');
		assert.equal(cli('run', 'learners', '--db', url, '--out', markdown).code, 0);
		assert.match(fs.readFileSync(markdown, 'utf8'), /^\| username \|/);
		// The extension agreeing (in any case), or naming no format, is written as --format says.
		const agreeing = path.join(dir, 'learners.JSON');
		assert.equal(cli('run', 'learners', '--db', url, '--out', agreeing, '--format', 'json').code, 0);
		assert.ok(Array.isArray(JSON.parse(fs.readFileSync(agreeing, 'utf8'))));
		const text = path.join(dir, 'learners.txt');
		assert.equal(cli('run', 'learners', '--db', url, '--out', text, '--format', 'md').code, 0);
		assert.match(fs.readFileSync(text, 'utf8'), /^\| username \|/);
		// Any case: --format CSV was refused.
		assert.deepEqual(cli('files', '--db', url, '--format', 'CSV'), cli('files', '--db', url, '--format', 'csv'));
		assert.equal(cli('run', 'learners', '--db', url, '--format', 'Json').stdout, cli('run', 'learners', '--db', url, '--format', 'json').stdout);
	});

	it('the app\'s save writes the bytes run --out writes, in each format (the same writers, its batches of rows or run\'s)', async () => {
		const pool = testPool(url);
		try {
			const {tasks} = await loadTaskCatalogue();
			for (const id of ['learners', 'learner-unit-events']) {
				const result = await runTask(pool, tasks.find((task) => task.id === id)!, {});
				assert.ok(result.rows.length > 0, `${id} has rows`);
				for (const format of ['csv', 'json', 'md'] as const) {
					const out = path.join(dir, `${id}-out.${format}`);
					assert.equal(cli('run', id, '--db', url, '--out', out).code, 0);
					const saved = await saveResult(result, {format, resultDir: path.join(dir, 'app-saved')});
					assert.equal(fs.readFileSync(saved.path, 'utf8'), fs.readFileSync(out, 'utf8'), `${id} as ${format}`);
					fs.rmSync(out);
				}
			}
		} finally {
			await pool.end();
			fs.rmSync(path.join(dir, 'app-saved'), {recursive: true, force: true});
		}
	});

	it('files and data-health count what a killed load committed, before the next run finishes it; on a terminal its time finished is an empty cell (it was <null>)', async () => {
		const killedUrl = await createTestDatabase('cli_killed');
		const file = path.join(dir, 'killed.log');
		fs.writeFileSync(file, `${lines(0, 30)}not json\n`);
		assert.equal(cli('ingest', file, '--db', killedUrl).code, 0);
		const pool = testPool(killedUrl);
		try {
			// What a kill -9 after the first of two chunks leaves: one chunk's rows, the file still 'loading' with no totals.
			await pool.query(`DELETE FROM file_chunks WHERE start_offset > 0;
				UPDATE file_chunks SET lines = 20, loaded = 20, rejected = 0, end_offset = 100;
				UPDATE source_files SET status = 'loading', lines_read = 0, loaded = 0, rejected = 0, finished_at = NULL`);
		} finally {
			await pool.end();
		}
		const [row] = JSON.parse(cli('files', '--db', killedUrl, '--format', 'json').stdout);
		assert.deepEqual([row.status, row.lines_read, row.loaded, row.rejected, row.bytes, row.finished], ['loading', 20, 20, 0, fs.statSync(file).size, null]);
		assert.match(cli('files', '--db', killedUrl, '--format', 'csv').stdout, /,loading,20,20,0,0,0,,$/m);
		// On a terminal no time finished is an empty cell, the status saying why: it was the task results' NULL mark, <null>.
		assert.match(await filesOnATerminal(killedUrl), /^ 1 {2}killed\.log +[\d.]+ [KM]?B {2}loading +20 +0 +0 +0$/m);
		const health = JSON.parse(cli('run', 'data-health', '--db', killedUrl, '--format', 'json').stdout) as Array<{item: string; count: number}>;
		const counted = (item: string) => health.find((line) => line.item === item)?.count;
		assert.deepEqual([counted('files still loading or interrupted'), counted('lines read'), counted('events loaded')], [1, 20, 20]);
	});

	it('rejected --raw gives the rejected lines back byte for byte, in file and line order', async () => {
		const rawUrl = await createTestDatabase('cli_raw');
		const bad = [Buffer.from('{"time": "2024-01-01T00:00:00Z", "cut\r'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), Buffer.from('[1, 2]')];
		const first = path.join(dir, 'raw-a.log');
		const second = path.join(dir, 'raw-b.log');
		fs.writeFileSync(first, Buffer.concat([Buffer.from(lines(0, 2)), bad[0]!, Buffer.from('\n'), Buffer.from(lines(2, 3)), bad[1]!, Buffer.from('\n')]));
		fs.writeFileSync(second, Buffer.concat([bad[2]!, Buffer.from('\n'), Buffer.from(lines(3, 4))]));
		assert.equal(cli('ingest', first, second, '--db', rawUrl).code, 0);
		const raw = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'rejected', '--raw', '--db', rawUrl], {cwd: dir, env: {...process.env, DATABASE_URL: ''}});
		assert.equal(raw.status, 0, raw.stderr.toString());
		assert.deepEqual(raw.stdout, Buffer.concat(bad.flatMap((line) => [line, Buffer.from('\n')])));
		assert.equal(cli('rejected', '--raw', '--format', 'csv', '--db', rawUrl).stderr, '--raw prints the lines themselves: it takes no --format.\n');
		// --out: the same bytes in a new file (Windows PowerShell 5.1's > re-encodes them), never over one that exists.
		const repaired = path.join(dir, 'repaired.log');
		const saved = cli('rejected', '--raw', '--out', repaired, '--db', rawUrl);
		assert.deepEqual([saved.code, saved.stdout, saved.stderr], [0, '', `Saved 3 lines to ${repaired}\n`]);
		assert.deepEqual(fs.readFileSync(repaired), raw.stdout);
		const again = cli('rejected', '--raw', '--out', repaired, '--db', rawUrl);
		assert.deepEqual([again.code, again.stderr], [1, `${repaired} already exists; choose another --out file or remove it first.\n`]);
		assert.deepEqual(fs.readFileSync(repaired), raw.stdout);
		const listing = path.join(dir, 'rejected.json');
		assert.equal(cli('rejected', '--out', listing, '--db', rawUrl).stderr, `Saved 3 rows to ${listing}\n`);
		assert.deepEqual(
			(JSON.parse(fs.readFileSync(listing, 'utf8')) as Array<{line_no: number}>).map((line) => line.line_no),
			(JSON.parse(cli('rejected', '--db', rawUrl, '--format', 'json').stdout) as Array<{line_no: number}>).map((line) => line.line_no),
		);
		const filesCsv = path.join(dir, 'files.csv');
		assert.equal(cli('files', '--out', filesCsv, '--db', rawUrl).code, 0);
		assert.equal(fs.readFileSync(filesCsv, 'utf8'), cli('files', '--db', rawUrl, '--format', 'csv').stdout);
		// The listing shows each line's start as UTF-8 text (a Russian line was an octal escape per byte), U+FFFD where it is not.
		// After an event: text alone is no log, and is skipped (sniffContent).
		fs.writeFileSync(path.join(dir, 'raw-c.log'), `${lines(4, 5)}Журнал курса: не JSON\n`);
		assert.equal(cli('ingest', path.join(dir, 'raw-c.log'), '--db', rawUrl).code, 0);
		const listed = JSON.parse(cli('rejected', '--db', rawUrl, '--format', 'json').stdout) as Array<{starts_with: string}>;
		assert.deepEqual(
			listed.map((line) => line.starts_with),
			['{"time": "2024-01-01T00:00:00Z", "cut\r', '{\ufffd\ufffd}', '[1, 2]', 'Журнал курса: не JSON'],
		);
	});

	it('rejected --raw whose reader goes away (| head -1) stops quietly with exit 141, as SIGPIPE ends a tool (its EPIPE was an unexpected error, exit 1)', async () => {
		const manyUrl = await createTestDatabase('cli_raw_epipe');
		// 1.2 MB of rejected lines: far more than a pipe holds, so the listing waits for its reader.
		const file = path.join(dir, 'raw-many.log');
		fs.writeFileSync(file, `${lines(0, 1)}${`${'not json '.repeat(20)}\n`.repeat(6000)}`);
		assert.equal(cli('ingest', file, '--db', manyUrl).code, 0);
		const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'rejected', '--raw', '--db', manyUrl], {cwd: dir, env: {...process.env, DATABASE_URL: ''}});
		let stderr = '';
		child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
		const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
		await new Promise((resolve) => child.stdout.once('data', resolve));
		child.stdout.destroy();
		assert.deepEqual([await exited, stderr], [141, '']);
	});

	it('run streaming to a reader that goes away (| head -1) stops its query quietly with exit 141 (it said "Cancelled", exit 130, as for a Ctrl-C)', async () => {
		const manyUrl = await createTestDatabase('cli_run_epipe');
		// 4,000 learners: ~250 KB of the learners task, far more than a pipe holds, so the run waits for its reader.
		const file = path.join(dir, 'many-learners.log');
		fs.writeFileSync(file, Array.from({length: 4000}, (_, n) => eventLine(n, {username: `a-learner-with-a-long-name-${n}`})).join('\n') + '\n');
		assert.equal(cli('ingest', file, '--db', manyUrl).code, 0);
		const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'run', 'learners', '--format', 'csv', '--db', manyUrl], {cwd: dir, env: {...process.env, DATABASE_URL: ''}});
		let stderr = '';
		child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
		const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
		const first = await new Promise<Buffer>((resolve) => child.stdout.once('data', resolve));
		child.stdout.destroy();
		assert.deepEqual([await exited, stderr], [141, '']);
		assert.match(first.toString(), /^username,/, 'the rows came as they were fetched');
	});

	it('run and rejected --raw whose reader stops reading (a pager left waiting) end on Ctrl-C: exit 130 and their sentence, the workdir released (they said it, then waited for good for the reader to read what they had written)', {skip: process.platform === 'win32' ? 'skipped: signals sent to a child (POSIX)' : false}, async () => {
		const manyUrl = await createTestDatabase('cli_stalled_reader');
		const workdir = path.join(dir, 'stalled-reader-workdir');
		// Far more than a pipe holds of both: 4,000 learners, 6,000 rejected lines.
		const file = path.join(dir, 'stalled-reader.log');
		const learners = Array.from({length: 4000}, (_, n) => eventLine(n, {username: `a-learner-with-a-long-name-${n}`})).join('\n');
		fs.writeFileSync(file, `${learners}\n${`${'not json '.repeat(20)}\n`.repeat(6000)}`);
		assert.equal(cli('ingest', file, '--db', manyUrl).code, 0);
		for (const [args, said] of [
			[['rejected', '--raw'], 'Cancelled: the rejected lines were not all written.'],
			[['run', 'learners', '--format', 'csv'], 'Cancelled: the query was stopped on the server.'],
		] as const) {
			const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), ...args, '--db', manyUrl, '--workdir', workdir], {cwd: dir, env: {...process.env, DATABASE_URL: ''}});
			try {
				let stderr = '';
				child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
				const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
				// Read once, then no more: the command fills the pipe and waits.
				await new Promise((resolve) => child.stdout.once('data', resolve));
				child.stdout.pause();
				await new Promise((resolve) => setTimeout(resolve, 500));
				child.kill('SIGINT');
				const code = await settled(exited, `${args.join(' ')} ends on Ctrl-C though its reader reads no more`);
				assert.deepEqual([code, stderr], [130, `${said}\n`], args.join(' '));
				assert.ok(!fs.existsSync(path.join(workdir, 'app.lock')), `${args.join(' ')}: the workdir lock is released`);
			} finally {
				child.stdout.destroy();
				child.kill('SIGKILL');
			}
		}
	});

	it('a second ingest into a database another one is loading into is one sentence and exit 1, at once', async () => {
		const busyUrl = await createTestDatabase('cli_ingest_busy');
		// What a running ingest holds for the whole load (see runIngest).
		const loading = new pg.Client(clientConfig(busyUrl));
		await loading.connect();
		try {
			await loading.query('SELECT pg_advisory_lock(7240002)');
			const second = await settled(runCli(['ingest', path.join(dir, 'day.log'), '--db', busyUrl, '--workdir', path.join(dir, 'busy-workdir')]), 'the second ingest ends at once');
			assert.deepEqual([second.code, second.stdout, second.stderr], [1, '', 'Another ingest is already loading into this database; wait for it to finish.\n']);
		} finally {
			await loading.end();
		}
	});

	it('a missing input, a bad option or an unknown command get one sentence and a non-zero exit', () => {
		const missing = cli('ingest', path.join(dir, 'nope.log'), '--db', url);
		assert.equal(missing.code, 1);
		assert.equal(missing.stderr.trim().split('\n').length, 1);
		assert.match(missing.stderr, /does not exist/);
		// Refused before the database starts: a mistyped name made the workdir and a 48 MB cluster in it.
		const workdir = path.join(dir, 'untouched-by-missing-inputs');
		const typo = cli('ingest', path.join(dir, 'day.log'), path.join(dir, 'day.lgo'), '--workdir', workdir);
		assert.deepEqual([typo.code, typo.stdout, typo.stderr], [1, '', `The input path ${path.join(dir, 'day.lgo')} does not exist.\n`]);
		assert.ok(!fs.existsSync(workdir), 'nothing was made');
		const option = cli('ingest', '--bogus');
		assert.equal(option.code, 2);
		assert.match(option.stderr, /^Unknown option --bogus for "ingest"/);
		// A log whose name starts with "-" reads as options: the sentence says how to name it.
		fs.writeFileSync(path.join(dir, '-day.log'), '');
		const dashed = cli('ingest', '-day.log', '--workdir', workdir);
		assert.deepEqual([dashed.code, dashed.stderr], [2, `Unknown option -d for "ingest"; to name the file -day.log, write .${path.sep}-day.log or put -- before it.\n`]);
		const zone = cli('ingest', path.join(dir, 'day.log'), '--tz', 'Mars/Olympus', '--db', url);
		assert.equal(zone.code, 1);
		assert.equal(zone.stderr.trim().split('\n').length, 1);
		assert.match(zone.stderr, /^Unknown time zone "Mars\/Olympus" for --tz/);
		// Told before a missing input, as the app tells it (it was told only once the input was there).
		const zoneFirst = cli('ingest', path.join(dir, 'day.lgo'), '--tz', 'Mars/Olympus', '--workdir', workdir);
		assert.deepEqual([zoneFirst.code, zoneFirst.stderr], [1, 'Unknown time zone "Mars/Olympus" for --tz; use a name like UTC or Europe/Moscow.\n']);
		assert.ok(!fs.existsSync(workdir), 'nothing was made');
		// Empty, as run takes it: the day zone is kept (it was 'Unknown time zone "" for --tz').
		const unset = cli('ingest', path.join(dir, 'day.log'), '--tz', '', '--db', url);
		assert.deepEqual([unset.code, unset.stderr], [0, '']);
		for (const [flag, value] of [['--workers', 'abc'], ['--workers', '0'], ['--max-line-bytes', '1e3']]) {
			const number = cli('ingest', path.join(dir, 'day.log'), flag!, value!, '--db', url);
			assert.equal(number.code, 1);
			assert.equal(number.stderr, `${flag} must be a whole number from 1 to ${flag === '--workers' ? 64 : 2 ** 30}, not "${value}".\n`);
		}
		const command = cli('frobnicate');
		assert.equal(command.code, 2);
		assert.equal(command.stderr, 'Unknown command "frobnicate"; run openpolyedu-tui --help for the list of commands.\n');
	});

	it('an option given twice is a usage error: one sentence and exit 2, before anything runs', () => {
		for (const [args, flag] of [
			[['run', 'activity-by-day', '--tz', 'UTC', '--tz', 'Europe/Moscow'], '--tz'],
			[['run', 'learners', '--course', 'a', '--course=b'], '--course'],
			[['ingest', '--workers', '1', '--workers', '2'], '--workers'],
			[['ingest', '--max-line-bytes', '10', '--max-line-bytes', '20'], '--max-line-bytes'],
			[['tasks', '--format', 'csv', '--format', 'json'], '--format'],
			// A switch too: --save --no-save saved, and the run went on.
			[['run', 'learners', '--save', '--save'], '--save'],
			[['run', 'learners', '--save', '--no-save'], '--save / --no-save'],
			[['run', 'learners', '--format', 'csv', '--bom', '--bom'], '--bom'],
			[['rejected', '--raw', '--raw'], '--raw'],
			[['reset', '-y', '--yes'], '-y / --yes'],
			[['reset', '-yy'], '-y'],
			// Named as typed (it said --tui).
			[['--no-tui', '--no-tui'], '--no-tui'],
		] as const) {
			const twice = cli(...args, '--db', url);
			assert.deepEqual([twice.code, twice.stdout, twice.stderr], [2, '', `The flag ${flag} can only be set once; run openpolyedu-tui --help.\n`], args.join(' '));
		}
		// --param is the one option meant to be repeated.
		const params = cli('run', 'learners', '--param', 'tz=UTC', '--param', 'user=learner1', '--db', url, '--format', 'json');
		assert.equal(params.code, 0, params.stderr);
		assert.deepEqual(JSON.parse(params.stdout).map((row: {username: string}) => row.username), ['learner1']);
	});

	it('a parameter given both by its option and by --param (or by two --param) is a usage error: the last one silently won', () => {
		for (const [args, message] of [
			[['run', 'activity-by-day', '--tz', 'UTC', '--param', 'tz=Europe/Moscow'], 'tz is given twice (--tz and --param tz=Europe/Moscow)'],
			[['run', 'learners', '--param', 'course=a', '--course', 'b'], 'course is given twice (--course and --param course=a)'],
			[['run', 'learner-path', '--user', 'learner1', '--param', ' user=learner2'], 'user is given twice (--user and --param  user=learner2)'],
			[['run', 'activity-by-day', '--from', '2018-09-01', '--param', 'from=2018-09-02'], 'from is given twice (--from and --param from=2018-09-02)'],
			[['run', 'activity-by-day', '--to', '2018-09-30', '--param', 'to='], 'to is given twice (--to and --param to=)'],
			[['run', 'time-on-course', '--idle', '5', '--param', 'idle=30'], 'idle is given twice (--idle and --param idle=30)'],
			[['run', 'active-learners', '--param', 'period=day', '--param', 'period=week'], 'period is given twice (--param period=day and --param period=week)'],
		] as const) {
			const refused = cli(...args, '--db', url);
			assert.deepEqual([refused.code, refused.stdout, refused.stderr], [2, '', `The parameter ${message}; give it once.\n`], args.join(' '));
		}
	});

	it('a parameter that the task does not have is a usage error, refused before the database starts (it was exit 1, after starting it)', () => {
		const workdir = path.join(dir, 'untouched-by-unknown-parameters');
		for (const [args, message] of [
			[['run', 'learners', '--idle', '5'], 'Task "learners" has no parameter "idle" (its parameters: course, user, tz).'],
			[['run', 'activity-by-day', '--param', 'period=week'], 'Task "activity-by-day" has no parameter "period" (its parameters: course, user, from, to, tz).'],
			[['run', 'learners', '--param', 'USER=learner1'], 'Task "learners" has no parameter "USER" (its parameters: course, user, tz); did you mean "user"?'],
		] as const) {
			const refused = cli(...args, '--workdir', workdir);
			assert.deepEqual([refused.code, refused.stdout, refused.stderr], [2, '', `${message}\n`], args.join(' '));
		}
		assert.ok(!fs.existsSync(workdir), 'no database was started');
	});

	it('run, files and rejected on a workdir with no database say so and make none (a mistyped --workdir answered zeros)', () => {
		const workdir = path.join(dir, 'mistyped-workdir');
		for (const args of [['run', 'course-summary'], ['files'], ['rejected'], ['rejected', '--raw']]) {
			const refused = cli(...args, '--workdir', workdir);
			assert.deepEqual(
				[refused.code, refused.stdout, refused.stderr],
				[1, '', `No database in ${workdir} yet: load logs first (openpolyedu-tui ingest FILE…), or check --workdir.\n`],
				args.join(' '),
			);
		}
		assert.ok(!fs.existsSync(workdir), 'no database was made');
	});

	it('reset of a workdir with no database says there is nothing to delete and makes none (it made a 48 MB cluster to delete nothing)', () => {
		const workdir = path.join(dir, 'mistyped-reset-workdir');
		for (const args of [['reset', '--yes'], ['reset']]) {
			const reset = cli(...args, '--workdir', workdir);
			assert.deepEqual([reset.code, reset.stdout, reset.stderr], [0, `No database in ${workdir}: nothing to delete.\n`, ''], args.join(' '));
		}
		assert.ok(!fs.existsSync(workdir), 'no database was made');
	});

	it('--out naming a file that exists, or a folder, is refused before the database starts (it was refused after the query)', () => {
		const workdir = path.join(dir, 'untouched-by-out');
		const existing = path.join(dir, 'kept.csv');
		fs.writeFileSync(existing, 'kept\n');
		for (const [out, message] of [
			[existing, `${existing} already exists; choose another --out file or remove it first.`],
			[dir, `${dir} is a folder; give --out a file name in it, or use --save.`],
		] as const) {
			const refused = cli('run', 'course-summary', '--out', out, '--workdir', workdir);
			assert.deepEqual([refused.code, refused.stderr], [1, `${message}\n`], out);
		}
		assert.ok(!fs.existsSync(workdir), 'no database was started');
		assert.equal(fs.readFileSync(existing, 'utf8'), 'kept\n');
	});

	it('an option that takes a value, given without one, is a usage error naming it (it silently took the default)', () => {
		const workdir = path.join(dir, 'untouched-by-missing-values');
		for (const [args, message] of [
			[['run', 'course-summary', '--course'], '--course needs a value'],
			[['run', 'learners', '--course', '--user', 'learner1'], '--course needs a value'],
			[['run', 'activity-by-day', '--to', '-2018-09-02'], '--to needs a value (a value that starts with "-" is written --to=-2018-09-02)'],
			[['run', 'learners', '--param'], '--param needs a value'],
			[['ingest', '--max-line-bytes'], '--max-line-bytes needs a value'],
			[['files', '--format'], '--format needs a value'],
			// Alone, such a word was read as short options (-2, -0, -1, -8) and dropped.
			[['run', 'learners', '-2018-09-02'], 'Unknown option -2 for "run"'],
			// Named as typed: it read "--tui", which was not typed.
			[['run', 'learners', '--no-tui'], 'Unknown option --no-tui for "run"'],
		] as const) {
			const refused = cli(...args, '--workdir', workdir);
			assert.deepEqual([refused.code, refused.stdout, refused.stderr], [2, '', `${message}; run openpolyedu-tui --help.\n`], args.join(' '));
		}
		// A task's own parameter given as an option: the sentence writes it as --param.
		for (const [args, written] of [
			[['--period', 'week'], 'period=week'],
			[['--period=week'], 'period=week'],
			[['--period'], 'period=VALUE'],
		] as const) {
			const refused = cli('run', 'active-learners', ...args, '--workdir', workdir);
			const advice = `; a task's own parameter is written --param ${written} (run openpolyedu-tui run <task> --help lists them).\n`;
			assert.deepEqual([refused.code, refused.stderr], [2, `Unknown option --period for "run"${advice}`], args.join(' '));
		}
		assert.ok(!fs.existsSync(workdir), 'nothing ran');
		// Written with "=", a value that starts with "-" is the value (here a date the task refuses).
		const dashed = cli('run', 'activity-by-day', '--to=-2018-09-02', '--db', url);
		assert.equal(dashed.code, 1);
		assert.match(dashed.stderr, /-2018-09-02/);
	});

	it('an argument a command does not take, or an unknown db action, is a usage error (exit 2) that changes nothing', () => {
		const workdir = path.join(dir, 'untouched-workdir');
		for (const [args, message] of [
			[['tasks', 'extra'], 'Unexpected argument "extra" for "tasks"'],
			[['files', 'extra'], 'Unexpected argument "extra" for "files"'],
			[['rejected', 'a', 'b'], 'Unexpected arguments "a b" for "rejected"'],
			[['reset', '--yes', 'now'], 'Unexpected argument "now" for "reset"'],
			[['run', 'learners', 'extra'], 'Unexpected argument "extra" for "run learners"'],
			[['db', 'start', 'extra'], 'Unexpected argument "extra" for "db start"'],
		] as const) {
			const refused = cli(...args, '--workdir', workdir);
			assert.deepEqual([refused.code, refused.stdout, refused.stderr], [2, '', `${message}; run openpolyedu-tui --help.\n`], args.join(' '));
		}
		const restart = cli('db', 'restart', '--workdir', workdir);
		assert.deepEqual([restart.code, restart.stderr], [2, 'Unknown db action "restart"; use: openpolyedu-tui db start | stop | status.\n']);
		// Without an action it had said 'Unknown db action ""'.
		const bare = cli('db', '--workdir', workdir);
		assert.deepEqual([bare.code, bare.stderr], [2, 'db needs an action: openpolyedu-tui db start | stop | status.\n']);
		assert.ok(!fs.existsSync(workdir), 'no workdir was made, no server started');
	});

	it('rejected and files take --bom: a rejected line holds the log bytes, which Excel would run as a formula', async () => {
		const bomUrl = await createTestDatabase('cli_bom');
		const formula = '=HYPERLINK("http://example.com","open me")';
		fs.writeFileSync(path.join(dir, 'formula.log'), `${lines(6, 7)}${formula}\n`);
		assert.equal(cli('ingest', path.join(dir, 'formula.log'), '--db', bomUrl).code, 0);
		const guarded = cli('rejected', '--bom', '--db', bomUrl);
		assert.equal(guarded.code, 0, guarded.stderr);
		assert.ok(guarded.stdout.startsWith('\uFEFFfile,'));
		assert.ok(guarded.stdout.trimEnd().endsWith(`,"'${formula.replaceAll('"', '""')}"`), guarded.stdout);
		assert.ok(cli('files', '--bom', '--db', bomUrl).stdout.startsWith('\uFEFFid,'));
		for (const args of [['rejected', '--raw'], ['files', '--format', 'json']]) {
			const refused = cli(...args, '--bom', '--db', bomUrl);
			assert.deepEqual([refused.code, refused.stdout], [2, ''], args.join(' '));
			assert.match(refused.stderr, /^--(raw prints the lines themselves: it takes no --bom|bom applies only to CSV output, not to JSON; drop it or use --format csv)\.\n$/);
		}
	});

	it('--bom is refused unless the output is CSV, and still starts CSV output', () => {
		const out = path.join(dir, 'learners.json');
		for (const [args, name] of [
			[['--format', 'json'], 'JSON'],
			[['--format', 'md', '--save'], 'Markdown'],
			[['--out', out], 'JSON'],
		] as const) {
			const refused = cli('run', 'learners', '--bom', ...args, '--db', url);
			assert.deepEqual([refused.code, refused.stdout, refused.stderr], [2, '', `--bom applies only to CSV output, not to ${name}; drop it or use --format csv.\n`], args.join(' '));
		}
		assert.ok(!fs.existsSync(out) && !fs.existsSync(path.join(dir, 'result')), 'nothing was written');
		const csv = cli('run', 'learners', '--bom', '--db', url);
		assert.equal(csv.code, 0, csv.stderr);
		assert.ok(csv.stdout.startsWith('\uFEFFusername,'));
	});

	it('saving where a file stands in for the folder is one sentence', () => {
		const blocker = path.join(dir, 'result');
		fs.writeFileSync(blocker, 'not a folder');
		try {
			const saved = cli('run', 'learners', '--save', '--db', url);
			assert.deepEqual([saved.code, saved.stderr], [1, `Cannot save in ${blocker}: it is a file, not a folder; move it away first.\n`]);
			const nested = cli('run', 'learners', '--out', path.join(blocker, 'sub', 'learners.csv'), '--db', url);
			assert.deepEqual([nested.code, nested.stderr], [1, `Cannot save in ${path.join(blocker, 'sub')}: ${blocker} is a file, not a folder; move it away first.\n`]);
		} finally {
			fs.rmSync(blocker);
		}
	});

	it('--out into a folder that does not exist is one sentence, also under /proc (Node\'s recursive mkdir spun there forever, deaf to SIGTERM)', {skip: process.platform === 'linux' ? false : 'skipped: needs /proc (Linux)'}, () => {
		const run = (cwd: string, ...args: string[]) => {
			const result = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'run', 'learners', '--db', url, ...args], {cwd, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL'});
			return [result.status, result.stdout, result.stderr];
		};
		assert.deepEqual(run(dir, '--out', '/proc/nope/x.csv'), [1, '', 'The folder /proc/nope does not exist; create it first.\n']);
		const typo = path.join(dir, 'nodir', 'x.csv');
		assert.deepEqual(run(dir, '--out', typo), [1, '', `The folder ${path.dirname(typo)} does not exist; create it first.\n`]);
		assert.ok(!fs.existsSync(path.dirname(typo)), 'no folder was made');
		// SIGKILL: the spinning mkdir ignored SIGTERM. --save makes result/, one level at a time: where it cannot, one sentence.
		assert.deepEqual(run('/proc', '--save'), [1, '', 'Cannot write the result file in /proc/result: ENOENT: no such file or directory.\n']);
	});

	it('db status of a workdir that does not exist says so, and makes nothing', () => {
		const workdir = path.join(dir, 'no-such-parent', 'workdir');
		const status = cli('db', 'status', '--workdir', workdir);
		assert.equal(status.code, 0, status.stderr);
		assert.equal(status.stdout.split('\n')[0], `No database in ${workdir} yet.`);
		assert.ok(!fs.existsSync(path.dirname(workdir)));
	});

	it('a command makes no workdir, nor logs folder, that it does not need (db stop made a missing one; --db made logs/)', () => {
		const missing = path.join(dir, 'missing-workdir');
		const stop = cli('db', 'stop', '--workdir', missing);
		assert.deepEqual([stop.code, stop.stdout, stop.stderr], [0, `The embedded PostgreSQL was not running: there is no workdir ${missing}.\n`, '']);
		// With --db, the commands that read need nothing of the workdir (no lock: the server is not theirs).
		for (const args of [['files'], ['rejected'], ['run', 'learners']]) {
			const read = cli(...args, '--db', url, '--workdir', missing, '--format', 'json');
			assert.equal(read.code, 0, read.stderr);
		}
		assert.ok(!fs.existsSync(missing), 'no workdir was made');
		// ingest holds the workdir's lock even with --db, and writes nothing else there.
		const locked = path.join(dir, 'lock-only-workdir');
		const ingest = cli('ingest', path.join(dir, 'day.log'), '--db', url, '--workdir', locked);
		assert.equal(ingest.code, 0, ingest.stderr);
		assert.deepEqual(fs.readdirSync(locked), []);
	});

	it('run <task> --help tells what the task counts and how to give each parameter', () => {
		const help = cli('run', 'learner-unit-events', '--help');
		assert.equal(help.code, 0, help.stderr);
		assert.match(help.stdout, /^ {2}learner-unit-events: Events per learner per unit \(Pages\)$/m);
		assert.match(help.stdout, /^ {4}--course COURSE +Course id/m);
		assert.match(help.stdout, /^ {4}--param types=EVENT-TYPES +Event types, comma-separated \(default play_video,pause_video,load_video,edx\.ui\.lms\.outline\.selected\)$/m);
		const definition = help.stdout.split('\n  Parameters\n')[0]!.split('\n').slice(3);
		assert.ok(definition.length > 1 && definition.every((line) => line.length <= 100), 'the definition is wrapped');
		// At spaces, as prose: broken after its "/", a path read "the server's /" and "discussion/ page requests".
		assert.match(cli('run', 'forum-contributors', '--help').stdout, /follows …; the server's\n {2}\/discussion\/ page requests/);
		// The range a parameter takes, as a value outside it is told.
		// In the description's own parenthesis, as one aside: "(edx2bigquery uses 30 and 5) (default 30; from 1 to 240)" read as two.
		assert.match(cli('run', 'time-on-course', '--help').stdout, /^ {4}--idle INTEGER +Idle cutoff in minutes \(edx2bigquery uses 30 and 5; default 30; from 1 to 240\)$/m);
		// How a date is written, as the app's form says it.
		assert.match(cli('run', 'forum-activity', '--help').stdout, /^ {4}--from DATE +First day, inclusive, in the time zone \(empty: no limit; YYYY-MM-DD\)$/m);
		const unknown = cli('run', 'nope', '--help');
		assert.deepEqual([unknown.code, unknown.stderr], [1, 'Unknown task "nope"; run openpolyedu-tui tasks for the list.\n']);
	});

	it('--version prints the version beside a command or options too (meow printed it only as the one word: files --version listed the files)', () => {
		const {version} = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string};
		for (const args of [['--version'], ['files', '--version', '--db', url], ['run', 'learners', '--db', url, '--version']]) {
			const result = cli(...args);
			assert.deepEqual([result.code, result.stdout, result.stderr], [0, `${version}\n`, ''], args.join(' '));
		}
	});

	it('ingest --tz keeps the days in that zone, rebuilding what was loaded even when nothing is new', async () => {
		const pool = testPool(url);
		const dayZone = async () => (await pool.query(`SELECT d_day_zone() AS zone, bool_and(derived_done) AS done, (SELECT count(*)::int FROM d_learner_day) AS days,
			(SELECT count(*)::int FROM d_learner_day_utc) AS utc_days FROM loads`)).rows;
		try {
			// A new database counts its days in Moscow time (OpenEdu's), and UTC's beside them.
			assert.deepEqual(await dayZone(), [{zone: 'Europe/Moscow', done: true, days: 7, utc_days: 7}]);
			const result = cli('ingest', path.join(dir, 'day.log'), '--tz', 'utc', '--db', url);
			assert.equal(result.code, 0, result.stderr);
			assert.match(result.stdout, /files: 0 loaded, 1 skipped/);
			assert.match(result.stdout, /^days are now counted in UTC \(was Europe\/Moscow\): the derived tables were rebuilt$/m);
			// In UTC the day tables are UTC's: no twins.
			assert.deepEqual(await dayZone(), [{zone: 'UTC', done: true, days: 7, utc_days: 0}]);
		} finally {
			await pool.end();
		}
	});

	it("ingest --tz on a new database's first load sets the zone without calling it a rebuild", async () => {
		const freshUrl = await createTestDatabase('cli_first_zone');
		const result = cli('ingest', path.join(dir, 'day.log'), '--tz', 'UTC', '--db', freshUrl);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /files: 1 loaded/);
		assert.doesNotMatch(result.stdout, /days are now counted/);
		const pool = testPool(freshUrl);
		try {
			assert.deepEqual((await pool.query('SELECT d_day_zone() AS zone, (SELECT count(*)::int FROM d_learner_day) AS days')).rows, [{zone: 'UTC', days: 7}]);
		} finally {
			await pool.end();
		}
	});

	it('a table on a terminal fits its width, and says on stderr that values were cut (URLs wrapped every line)', () => {
		const written = {stdout: '', stderr: ''};
		const context = (columns: number) =>
			({
				args: [],
				flags: {param: []} as unknown as Flags,
				databaseUrl: undefined,
				stdout: {isTTY: true, columns, write: (text: string) => (written.stdout += text)} as unknown as NodeJS.WriteStream,
				stderr: {write: (text: string) => (written.stderr += text)} as unknown as NodeJS.WriteStream,
			}) satisfies CommandContext;
		const result = {
			taskId: 'page-visits',
			columns: [{name: 'url', kind: 'text' as const}, {name: 'name', kind: 'text' as const}, {name: 'visits', kind: 'number' as const}],
			rows: [['/courses/x/courseware/1', `section ${'name '.repeat(20)}end`, 7]],
			parameters: {},
			elapsedMs: 1,
		};
		printResult(context(60), result, 'table');
		assert.ok(written.stdout.split('\n').every((line) => line.length <= 60), written.stdout);
		assert.match(written.stdout, /^\/courses\/x\/courseware\/1  section name.*….*end +7$/m);
		assert.equal(written.stderr, "Values cut (…) to fit the terminal's 60 columns: --format csv prints them whole.\n");
		written.stdout = written.stderr = '';
		printResult(context(300), result, 'table');
		assert.match(written.stdout, /section (name ){20}end {2}/);
		assert.equal(written.stderr, '');
	});

	it('files on a terminal fits 100 columns: paths from the folder the inputs share, no lines_read (it took 195 columns and wrapped)', async () => {
		const filesUrl = await createTestDatabase('cli_files_terminal');
		const logs = path.join(dir, 'terminal-files', 'logs');
		fs.mkdirSync(path.join(logs, 'old'), {recursive: true});
		fs.writeFileSync(path.join(logs, 'tracking.log-20181019.gz'), zlib.gzipSync(lines(0, 5)));
		await writeZip(path.join(logs, 'old', 'export.zip'), [{name: 'day.log', data: Buffer.from(lines(5, 8))}]);
		assert.equal(cli('ingest', logs, '--db', filesUrl).code, 0);
		const printed = await filesOnATerminal(filesUrl);
		const shown = printed.split('\n');
		assert.equal(shown[0], `Under ${logs}${path.sep}:`);
		assert.match(shown[1]!, /^id {2}file +size +status {2}loaded {2}dups {2}rejected {2}blank {2}finished$/);
		assert.match(shown[3]!, /^ 1 {2}old\/export\.zip!day\.log {4}\d+ B +loaded +3 +0 +0 +0 {2}\d{4}-\d\d-\d\d \d\d:\d\d$/);
		assert.match(shown[4]!, /^ 2 {2}tracking\.log-20181019\.gz {2}\d+ B +loaded +5 +0 +0 +0 {2}\d{4}-\d\d-\d\d \d\d:\d\d$/);
		assert.ok(shown.every((line) => line.length <= 100), printed);
		// Scripts still get every column and the full paths.
		assert.match(cli('files', '--db', filesUrl, '--format', 'csv').stdout, new RegExp(`^2,${logs}/tracking\\.log-20181019\\.gz,gz,\\d+,loaded,5,5,0,0,0,\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ,$`, 'm'));
	});

	it("files on a terminal: a zip's members in a folder of its own are shown from the zip's folder, which is on disk", () => {
		const zip = path.join(dir, 'export.zip');
		const columns = ['id', 'file', 'kind', 'bytes', 'status', 'lines_read', 'loaded', 'duplicates', 'rejected', 'blank_lines', 'finished', 'error'].map((name) => ({name, kind: 'text' as const}));
		const row = (id: number, member: string) => [id, `${zip}!logs/${member}`, 'zip', 10, 'failed', 1, 0, 0, 0, 0, null, 'unexpected end of file'];
		const shown = filesOnTerminal({columns, rows: [row(1, 'a.log'), row(2, 'b.log')]}, path.join(dir, 'elsewhere'));
		assert.equal(shown.heading, `Under ${dir}${path.sep}:`);
		assert.deepEqual(shown.rows[1], [2, 'export.zip!logs/b.log', '10 B', 'failed', 0, 0, 0, 0, '']);
		assert.deepEqual(shown.notes, ['1: unexpected end of file', '2: unexpected end of file']);
	});

	it('files on a terminal: a reason goes below the table, wrapped to the width, the names and status whole', () => {
		const columns = ['id', 'file', 'kind', 'bytes', 'status', 'lines_read', 'loaded', 'duplicates', 'rejected', 'blank_lines', 'finished', 'error'].map((name) => ({name, kind: 'text' as const}));
		const reason = `a cut copy of ${path.join(dir, 'input', '2018-10-19 (1).gz')}, which is loaded whole; nothing is left to load from it`;
		const rows = [
			[1, path.join(dir, 'input', '2018-10-19.gz'), 'gz', 1000, 'superseded', 5, 5, 0, 0, 0, '2026-12-05 09:00:00', reason],
			[2, path.join(dir, 'input', '2018-10-19 (1).gz'), 'gz', 2000, 'loaded', 9, 9, 0, 0, 0, '2026-12-05 09:00:01', null],
		];
		const shown = filesOnTerminal({columns, rows}, dir, 100);
		const {text, cut} = terminalTable({taskId: 'files', parameters: {}, elapsedMs: 0, ...shown}, 100);
		const lines = text.split('\n');
		// Before: "input/…019.gz  gz  1000 B  superse…rom it", the reason beside the status.
		assert.match(lines[2]!, /^ 1 {2}input\/2018-10-19\.gz {6}1\.0 KB {2}superseded +5 +0 +0 +0 {2}2026-12-05 09:00$/);
		assert.match(lines[3]!, /^ 2 {2}input\/2018-10-19 \(1\)\.gz {2}2\.0 KB {2}loaded +9/);
		assert.equal(cut, false);
		assert.ok([...lines, ...shown.notes!].every((line) => line.length <= 100));
		assert.equal(shown.notes!.join(' ').replace(/ +/g, ' '), `1: ${reason}`);
		assert.match(shown.notes![1]!, /^ {3}\S/, 'continued under the reason');
	});

	it('an unreachable database is one sentence, without the password', () => {
		const result = cli('files', '--db', 'postgres://someone:s3cret-pw@127.0.0.1:1/nothing');
		assert.equal(result.code, 1);
		assert.match(result.stderr, /^Cannot reach the database at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nothing/);
		assert.ok(!result.stderr.includes('s3cret-pw'));
		// A server that asks for a password the URL does not give: pg said 'SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'.
		const noPassword = Object.assign(new URL(url), {password: ''}).toString();
		const env: NodeJS.ProcessEnv = {...process.env, DATABASE_URL: ''};
		delete env.PGPASSWORD;
		// It also kept the process alive for the server's authentication_timeout (60 s): the pool left the failed socket open.
		const asked = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'files', '--db', noPassword], {cwd: dir, encoding: 'utf8', env, timeout: 30_000});
		assert.deepEqual(
			[asked.status, asked.stderr],
			[1, `Cannot reach the database at ${noPassword}: the server asks for a password and none was given; put it in the URL (postgres://user:password@host/database) or in PGPASSWORD.\n`],
		);
	});

	it('a server that accepts and never answers ends at the connect timeout, or at once on Ctrl-C (pg waited as long as the socket stayed open)', async () => {
		const silent = net.createServer(() => {});
		const accepted = new Set<net.Socket>();
		silent.on('connection', (socket) => accepted.add(socket));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		try {
			const address = `postgres://someone:pw@127.0.0.1:${(silent.address() as net.AddressInfo).port}/db`;
			// Not spawnSync: this process must accept the connections as they come.
			const timedOut = await runCli(['files', '--db', `${address}?connect_timeout=2`]);
			assert.deepEqual(
				[timedOut.code, timedOut.stderr],
				[1, `Cannot reach the database at ${address.replace(':pw@', ':***@')}?connect_timeout=2: no answer in 2 seconds; check the host and port, or give the URL a longer connect_timeout (in seconds).\n`],
			);
			// Without connect_timeout it would wait 30 s: Ctrl-C once connected gives up at once.
			const run = startCli(['files', '--db', address]);
			const waiting = accepted.size;
			await until(() => accepted.size > waiting, 'the command connects', 20_000);
			run.child.kill('SIGINT');
			// Well before the 30 s it would otherwise wait.
			const cancelled = await settled(run.done, 'Ctrl-C ends the wait for the server', 20_000);
			assert.deepEqual([cancelled.code, cancelled.stderr], [130, 'Cancelled: nothing was listed.\n']);
			const badValue = cli('files', '--db', `${address}?connect_timeout=soon`);
			assert.deepEqual([badValue.code, badValue.stderr], [1, 'connect_timeout (in the --db URL or PGCONNECT_TIMEOUT) must be a whole number of seconds, not "soon".\n']);
		} finally {
			accepted.forEach((socket) => socket.destroy());
			silent.close();
		}
	});

	it('sslmode in a --db URL means what it means to psql, without a warning: require against a server without SSL is one sentence', () => {
		// pg took require for verify-full and printed a 10-line 'SECURITY WARNING: The SSL modes …' on every command.
		const withSsl = new URL(url);
		withSsl.searchParams.set('sslmode', 'require');
		const required = cli('files', '--db', withSsl.toString());
		assert.deepEqual([required.code, required.stderr.replace(/:[^:@/]*@/, ':***@')], [1, `Cannot reach the database at ${withSsl.toString().replace(/:[^:@/]*@/, ':***@')}: The server does not support SSL connections.\n`]);
		withSsl.searchParams.set('sslmode', 'disable');
		const disabled = cli('files', '--db', withSsl.toString(), '--format', 'csv');
		assert.deepEqual([disabled.code, disabled.stderr], [0, '']);
		assert.match(disabled.stdout, /^id,file,kind,/);
	});

	it('a bad --db or --workdir value, or an input that is not a file, is one sentence (never a hang or a stack)', () => {
		const sentence = (result: {code: number | null; stderr: string}, pattern: RegExp) => {
			assert.equal(result.code, 1, result.stderr);
			assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
			assert.match(result.stderr.trim(), pattern);
		};
		sentence(cli('files', '--workdir', ''), /^--workdir needs a value \(a folder\)\.$/);
		sentence(cli('files', '--db', ''), /^--db needs a value \(a postgres:\/\/ URL\)\.$/);
		sentence(cli('files', '--db', 'notaurl'), /^--db \(or DATABASE_URL\) must be a PostgreSQL URL such as .*, not "notaurl"\.$/);
		const mysql = cli('files', '--db', 'mysql://root:s3cret-pw@localhost/db');
		sentence(mysql, /not "mysql:\/\/…"\.$/);
		assert.ok(!mysql.stderr.includes('s3cret-pw'));
		const aFile = path.join(dir, 'not-a-folder');
		fs.writeFileSync(aFile, '');
		// ingest holds the workdir's lock even with --db: it makes the workdir.
		const log = path.join(dir, 'day.log');
		sentence(cli('ingest', log, '--db', url, '--workdir', aFile), /^Cannot use (.*not-a-folder) as the workdir: \1 is a file, not a folder\.$/);
		if (process.platform === 'linux') {
			// Node's recursive mkdir loops forever under /proc: the app must not.
			const proc = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'ingest', log, '--db', url, '--workdir', '/proc/openpolyedu-test/wd'], {encoding: 'utf8', timeout: 20_000});
			sentence({code: proc.status, stderr: proc.stderr}, /^Cannot use \/proc\/openpolyedu-test\/wd as the workdir: ENOENT/);
		}
		if (process.platform !== 'win32') sentence(cli('ingest', '/dev/null', '--db', url), /^The input \/dev\/null is not a file or folder; save the log to a file first\.$/);
	});

	it('a --db or DATABASE_URL with spaces or a CR around it connects (cmd\'s "set DATABASE_URL=… " keeps the space: ENOTFOUND, or no database "openpolyedu ")', () => {
		const expected = cli('files', '--db', url, '--format', 'csv');
		assert.equal(expected.code, 0, expected.stderr);
		for (const padded of [` ${url}`, `${url} `, `${url}\r`]) {
			const flag = cli('files', '--db', padded, '--format', 'csv');
			assert.deepEqual([flag.code, flag.stdout, flag.stderr], [0, expected.stdout, ''], JSON.stringify(padded));
			const env = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'files', '--format', 'csv'], {cwd: dir, encoding: 'utf8', env: {...process.env, DATABASE_URL: padded}});
			assert.deepEqual([env.status, env.stdout, env.stderr], [0, expected.stdout, ''], JSON.stringify(padded));
		}
		// Blank, as an empty one, it names no server: the embedded one of the workdir, which has no database here.
		const workdir = path.join(dir, 'blank-database-url');
		const blank = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'files', '--workdir', workdir], {cwd: dir, encoding: 'utf8', env: {...process.env, DATABASE_URL: ' '}});
		assert.deepEqual([blank.status, blank.stderr], [1, `No database in ${workdir} yet: load logs first (openpolyedu-tui ingest FILE…), or check --workdir.\n`]);
	});

	it('walks a folder that links back to itself once, and fails a dangling link on its own', {skip: process.platform === 'win32' ? 'symlinks need rights on Windows' : false}, async () => {
		const folder = path.join(dir, 'looped');
		fs.mkdirSync(folder, {recursive: true});
		fs.writeFileSync(path.join(folder, 'a.log'), lines(500, 503));
		fs.symlinkSync(folder, path.join(folder, 'loop'));
		const result = cli('ingest', folder, '--db', await createTestDatabase('cli_loop'));
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^read 3 lines: loaded 3, duplicates 0, rejected 0$/m);
		// A link whose target is gone fails on its own; the other files still load.
		fs.symlinkSync(path.join(dir, 'gone.log'), path.join(folder, 'dangling.log'));
		fs.writeFileSync(path.join(folder, 'b.log'), lines(503, 505));
		const dangling = cli('ingest', folder, '--db', await createTestDatabase('cli_dangling'));
		assert.equal(dangling.code, 1);
		assert.match(dangling.stdout, /^read 5 lines: loaded 5, duplicates 0, rejected 0$/m);
		assert.match(dangling.stdout, /files: 2 loaded, 0 skipped \(already loaded\), 1 failed/);
		assert.match(dangling.stdout, new RegExp(`dangling\\.log: cannot read: it is a link to ${path.join(dir, 'gone.log').replace(/[.+]/g, '\\$&')}, which does not exist`));
	});

	it('reset asks for --yes off a terminal, then empties everything', () => {
		const refused = cli('reset', '--db', url);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /pass --yes/);
		assert.equal(JSON.parse(cli('run', 'learners', '--db', url, '--format', 'json').stdout).length, 7);
		const reset = cli('reset', '--db', url, '--yes');
		assert.equal(reset.code, 0, reset.stderr);
		assert.match(reset.stdout, /Deleted 40 events/);
		// Off a terminal an empty listing is still CSV (a terminal gets "No files loaded yet").
		assert.equal(cli('files', '--db', url).stdout, 'id,file,kind,bytes,status,lines_read,loaded,duplicates,rejected,blank_lines,finished,error\n');
		// The derived tables are emptied too: the tasks see no learner any more.
		const learners = cli('run', 'learners', '--db', url, '--format', 'json');
		assert.equal(learners.code, 0, learners.stderr);
		assert.deepEqual(JSON.parse(learners.stdout), []);
	});

	it('ingest expands the wildcards a shell left as typed, in natural order (Windows cmd and PowerShell do: "does not exist"), and refuses "-" in a sentence of its own', async () => {
		const globUrl = await createTestDatabase('cli_wildcards');
		const logs = path.join(dir, 'wildcard-logs');
		for (const folder of ['2018-09', '2018-10', 'other']) fs.mkdirSync(path.join(logs, folder), {recursive: true});
		const days = [path.join('2018-09', 'tracking.log-2'), path.join('2018-09', 'tracking.log-10'), path.join('2018-10', 'tracking.log-1')];
		days.forEach((day, index) => fs.writeFileSync(path.join(logs, `${day}.gz`), zlib.gzipSync(lines(index * 10, index * 10 + 10))));
		fs.writeFileSync(path.join(logs, '2018-09', '.tracking.log-3.gz'), zlib.gzipSync(lines(90, 95)));
		fs.writeFileSync(path.join(logs, 'other', 'tracking.log-4.gz'), zlib.gzipSync(lines(95, 100)));
		// No shell here: the patterns reach the CLI as typed.
		const result = cli('ingest', path.join(logs, '2018-*', 'tracking.log-*.gz'), '--db', globUrl);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^read 30 lines: loaded 30, duplicates 0, rejected 0$/m);
		const listed = JSON.parse(cli('files', '--db', globUrl, '--format', 'json').stdout) as Array<{file: string}>;
		assert.deepEqual(listed.map((row) => row.file), days.map((day) => path.join(logs, `${day}.gz`)));
		const single = cli('ingest', path.join(logs, 'oth?r', '*'), '--db', globUrl);
		assert.match(single.stdout, /^read 5 lines: loaded 5,/m);
		// "-" is standard input to many tools: 'The input path - does not exist.'
		const stdin = cli('ingest', '-', '--db', globUrl);
		assert.deepEqual([stdin.code, stdin.stderr], [1, 'ingest reads files, not standard input ("-"); save the log to a file first.\n']);
		const workdir = path.join(dir, 'untouched-by-wildcards');
		const none = cli('ingest', path.join(logs, '2018-*', '*.zip'), '--workdir', workdir);
		assert.deepEqual([none.code, none.stdout, none.stderr], [1, '', `No file or folder matches ${path.join(logs, '2018-*', '*.zip')}.\n`]);
		assert.ok(!fs.existsSync(workdir), 'nothing was made');
	});

	it('reset at a terminal: Ctrl-C cancels (exit 130), Ctrl-D answers no (both were an "Unexpected error: AbortError" with its stack)', {skip: spawnSync('script', ['-V']).status === 0 ? false : 'script(1), which gives the CLI a terminal, is not installed'}, async () => {
		const keptUrl = await createTestDatabase('cli_reset_prompt');
		assert.equal(cli('ingest', path.join(dir, 'day.log'), '--db', keptUrl).code, 0);
		const quoted = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
		for (const [key, code, said] of [['\x03', 130, 'Cancelled; nothing was deleted.'], ['\x04', 1, 'Nothing deleted.']] as const) {
			const command = [process.execPath, path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'reset', '--db', keptUrl].map(quoted).join(' ');
			const child = spawn('script', ['-qec', command, '/dev/null'], {cwd: dir, env: {...process.env, DATABASE_URL: ''}});
			let output = '';
			child.stdout.on('data', (data: Buffer) => {
				const asked = output.includes('Type "yes" to confirm: ');
				output += data.toString();
				if (!asked && output.includes('Type "yes" to confirm: ')) child.stdin.write(key);
			});
			const exited = await new Promise<number | null>((resolve) => child.on('close', resolve));
			const after = output.split('Type "yes" to confirm: ')[1] ?? output;
			assert.deepEqual([exited, after.replace(/\x1b\[\d*G/g, '').trim()], [code, said], JSON.stringify(output));
		}
		assert.equal(JSON.parse(cli('files', '--db', keptUrl, '--format', 'json').stdout)[0].loaded, 40, 'nothing was deleted');
	});

	it('output to a full disk is one sentence and exit 1, the workdir released (the write error was a stack trace, the server and lock left behind)', {skip: fs.existsSync('/dev/full') ? false : 'no /dev/full on this system'}, async () => {
		const fullUrl = await createTestDatabase('cli_full_disk');
		const workdir = path.join(dir, 'full-disk-workdir');
		const file = path.join(dir, 'full-disk.log');
		fs.writeFileSync(file, lines(0, 12));
		const toFullDisk = (...args: string[]) => {
			const full = fs.openSync('/dev/full', 'w');
			try {
				const result = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), ...args], {cwd: dir, encoding: 'utf8', stdio: ['ignore', full, 'pipe'], env: {...process.env, DATABASE_URL: ''}});
				return {code: result.status, stderr: result.stderr};
			} finally {
				fs.closeSync(full);
			}
		};
		const sentence = 'Could not write to stdout (ENOSPC: no space left on device): the output is incomplete.';
		// The load finished; only its summary was lost.
		const ingest = toFullDisk('ingest', file, '--db', fullUrl, '--workdir', workdir);
		assert.deepEqual([ingest.code, ingest.stderr.split('\n').filter((line) => !/^(loading|deriving|building)/.test(line))], [1, [sentence, '']]);
		assert.deepEqual(fs.readdirSync(workdir), [], 'the lock is released');
		assert.equal(JSON.parse(cli('files', '--db', fullUrl, '--format', 'json').stdout)[0].loaded, 12);
		for (const args of [['run', 'learners', '--format', 'csv'], ['files'], ['tasks']]) {
			const result = toFullDisk(...args, '--db', fullUrl);
			assert.deepEqual([result.code, result.stderr], [1, `${sentence}\n`], args.join(' '));
		}
	});
});

describe('run after a load whose derived tables were not built', () => {
	/** A database of its own with 14 events of one learner loaded (and built) by the CLI. */
	const loadedDatabase = async (name: string) => {
		const loadedUrl = await createTestDatabase(`cli_${name}`);
		const file = path.join(dir, `${name}.log`);
		fs.writeFileSync(file, lines(0, 14));
		assert.equal(cli('ingest', file, '--db', loadedUrl).code, 0);
		return loadedUrl;
	};

	it('builds them first, so the answer is never stale', async () => {
		const pendingUrl = await loadedDatabase('pending');
		// What a load killed before its refresh (or a migration asking for a rebuild) leaves behind.
		const pool = testPool(pendingUrl);
		try {
			await pool.query("DELETE FROM d_learner; UPDATE loads SET derived_done = false");
			const learners = cli('run', 'learners', '--db', pendingUrl, '--format', 'json');
			assert.equal(learners.code, 0, learners.stderr);
			assert.equal(JSON.parse(learners.stdout).length, 7);
			// Said on stderr (stdout is the answer): the wait, and its first step; never the load's figures ("deriving 100%
			// 0 B/0 B · 0.0 MB/s …", said at every line when the printer's tracker had not started its build).
			assert.match(learners.stderr, /^Building the derived tables the tasks read \(loads are pending\) before the task runs…\nderiving 0% · listing the new learners/);
			assert.doesNotMatch(learners.stderr, / MB\/s/);
			assert.match(learners.stderr, /\nderiving 100% · the tables are updated\n$/);
			const {rows} = await pool.query('SELECT bool_and(derived_done) AS done FROM loads');
			assert.equal(rows[0].done, true);
		} finally {
			await pool.end();
		}
	});

	it('tells a mistyped value before building them, and leaves them pending', async () => {
		const pendingUrl = await loadedDatabase('pending_typo');
		const pool = testPool(pendingUrl);
		try {
			await pool.query('UPDATE loads SET derived_done = false');
			const cases: Array<[string[], RegExp]> = [
				[['run', 'page-visits', '--from', '2018-13-01'], /^Parameter "from" must be a day of the calendar, not "2018-13-01"\.\n$/],
				[['run', 'activity-by-day', '--tz', 'Mars/Olympus'], /^Parameter "tz": unknown time zone "Mars\/Olympus"; use a name like UTC or Europe\/Moscow\.\n$/],
				[['run', 'page-visits', '--from', '2018-10-02', '--to', '2018-10-01'], /^The date range is empty: "from" \(2018-10-02\) is after "to" \(2018-10-01\)\.\n$/],
				[['run', 'time-on-course', '--idle', '0'], /^Parameter "idle" must be between 1 and 240, not 0\.\n$/],
			];
			for (const [args, message] of cases) {
				const result = cli(...args, '--db', pendingUrl);
				assert.equal(result.code, 1, args.join(' '));
				// No "Building the derived tables …" first: the answer comes at once.
				assert.match(result.stderr, message, args.join(' '));
			}
			const {rows} = await pool.query('SELECT count(*) FILTER (WHERE derived_done)::int AS done FROM loads');
			assert.equal(rows[0].done, 0, 'nothing was built');
		} finally {
			await pool.end();
		}
	});

	it('refuses a --db database that holds none of our data, in one sentence, and leaves it as it was (it was given our tables and answered zeros)', async () => {
		await withAdminDatabase('cli_foreign', '', async (foreignUrl, adminUrl) => {
			for (const args of [['run', 'course-summary'], ['files'], ['rejected', '--raw']]) {
				const result = cli(...args, '--db', foreignUrl);
				assert.equal(result.code, 1, args.join(' '));
				assert.match(result.stderr, /^The database at \S+ holds no openpolyedu-tui data: load logs into it first \(openpolyedu-tui ingest FILE… --db URL\), or check the URL\.\n$/);
				assert.ok(!result.stderr.includes(new URL(adminUrl).password), 'no password in the message');
			}
			assert.equal(await publicTables(foreignUrl), 0, 'nothing was created in it');
		});
	});

	it("reset with --db empties our tables only: the database's own keep their rows (every table of the schema was truncated, CASCADE), one that refers to ours stops it whole, and a database without our data is refused as it is", async () => {
		await withAdminDatabase('cli_reset_shared', '', async (sharedUrl) => {
			const client = new pg.Client(clientConfig(sharedUrl));
			await client.connect();
			const count = async (table: string) => (await client.query<{rows: number}>(`SELECT count(*)::int AS rows FROM ${table}`)).rows[0]!.rows;
			try {
				await client.query(`CREATE TABLE customers (id int PRIMARY KEY, name text); INSERT INTO customers VALUES (1, 'ann'), (2, 'bob')`);
				// Nothing of ours in it yet: it was given our tables, to have them emptied (and the customers with them).
				const refused = cli('reset', '--yes', '--db', sharedUrl);
				assert.equal(refused.code, 1);
				assert.match(refused.stderr, /^The database at \S+ holds no openpolyedu-tui data: load logs into it first \(openpolyedu-tui ingest FILE… --db URL\), or check the URL\.\n$/);
				assert.equal(await publicTables(sharedUrl), 1, 'nothing was created in it');
				assert.equal(await count('customers'), 2);

				const log = path.join(dir, 'shared.log');
				fs.writeFileSync(log, lines(0, 12));
				assert.equal(cli('ingest', log, '--db', sharedUrl).code, 0);
				const reset = cli('reset', '--yes', '--db', sharedUrl);
				assert.deepEqual([reset.code, reset.stdout, reset.stderr], [0, "Deleted 12 events and every loaded file's records.\n", '']);
				assert.equal(await count('customers'), 2, "the database's own table keeps its rows");
				assert.equal(await count('events'), 0);

				// A table of theirs with a foreign key to ours: TRUNCATE … CASCADE emptied it too.
				assert.equal(cli('ingest', log, '--db', sharedUrl).code, 0);
				await client.query('CREATE TABLE notes (file_id int REFERENCES source_files, note text); INSERT INTO notes SELECT file_id, $$a note$$ FROM source_files');
				const referred = cli('reset', '--yes', '--db', sharedUrl);
				assert.deepEqual([referred.code, referred.stdout, referred.stderr], [
					1,
					'',
					`Nothing was deleted: Table "notes" references "source_files", and reset empties only openpolyedu-tui's tables: drop that foreign key, or empty that table first.\n`,
				]);
				assert.deepEqual([await count('notes'), await count('events'), await count('customers')], [1, 12, 2]);
			} finally {
				await client.end();
			}
		});
	});

	it('refuses a --db database not in UTF8, in one sentence, before loading anything (SQL_ASCII failed half-way through the load, again at each retry)', async () => {
		await withAdminDatabase('cli_ascii', `ENCODING 'SQL_ASCII' LOCALE 'C' TEMPLATE template0`, async (asciiUrl) => {
			const file = path.join(dir, 'ascii.log');
			fs.writeFileSync(file, lines(0, 3));
			const result = cli('ingest', file, '--db', asciiUrl);
			assert.equal(result.code, 1);
			assert.match(
				result.stderr,
				/^The database at \S+ stores text as SQL_ASCII, and tracking logs need UTF8: use a database made with CREATE DATABASE name ENCODING 'UTF8' TEMPLATE template0\.\n$/,
			);
			assert.equal(await publicTables(asciiUrl), 0, 'nothing was created in it');
		});
	});

	it('a --db user that may not make tables is told so, not that the database cannot be reached', async () => {
		await withAdminDatabase('cli_not_owned', '', async (databaseUrl, _, admin) => {
			// As a database administrator often sets one up: made by the superuser, the app's user may only connect (PostgreSQL 15 and
			// later grant CREATE on schema public to the database's owner only).
			const role = `cli_guest_${process.pid}`;
			await admin.query(`DROP ROLE IF EXISTS ${role}`);
			await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'guest-pw'`);
			const name = new URL(databaseUrl).pathname.slice(1);
			await admin.query(`GRANT CONNECT ON DATABASE ${name} TO ${role}`);
			const guestUrl = Object.assign(new URL(databaseUrl), {username: role, password: 'guest-pw'}).toString();
			try {
				const file = path.join(dir, 'guest.log');
				fs.writeFileSync(file, lines(0, 3));
				const result = cli('ingest', file, '--db', guestUrl);
				assert.equal(result.code, 1);
				assert.match(
					result.stderr,
					/^The database at postgres:\/\/cli_guest_\d+:\*\*\*@\S+ does not let its user make our tables \(permission denied for schema public\): give the user a database of its own \(CREATE DATABASE name OWNER user\) or CREATE on its schema public, which PostgreSQL 15 and later grant to the database's owner only\.\n$/,
				);
			} finally {
				// The role cannot go while the database grants it CONNECT.
				await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
				await admin.query(`DROP ROLE IF EXISTS ${role}`);
			}
		});
	});

	it('after an ingest cut off, builds what it had loaded and says the input is half-read (the answer left its events out, silently)', async () => {
		const cutUrl = await loadedDatabase('cut');
		const pool = testPool(cutUrl);
		try {
			// What Ctrl-C during a load leaves: the load never finished, its tables not built, its file still loading.
			await pool.query("DELETE FROM d_learner; UPDATE loads SET finished_at = NULL, derived_done = false; UPDATE source_files SET status = 'loading'");
			const note = `${interruptedNote({files: 1, events: 14})}\n`;
			assert.match(note, /^Partly loaded: 1 input was not read to the end \(an ingest was interrupted\); the answer counts the 14 events loaded from it so far\./);
			const learners = cli('run', 'learners', '--db', cutUrl, '--format', 'json');
			assert.equal(learners.code, 0, learners.stderr);
			assert.equal(JSON.parse(learners.stdout).length, 7);
			assert.ok(learners.stderr.endsWith(note), learners.stderr);
			// Built once; each answer says it again while the input stays half-read.
			const again = cli('run', 'learners', '--db', cutUrl, '--format', 'json');
			assert.deepEqual([JSON.parse(again.stdout).length, again.stderr], [7, note]);
		} finally {
			await pool.end();
		}
	});

	it('says what its answer leaves out while another process holds the pending loads, and nothing when none are pending', async () => {
		const busyUrl = await loadedDatabase('busy');
		const holder = new pg.Client(clientConfig(busyUrl));
		await holder.connect();
		try {
			// Another run checking for pending loads holds the lock a moment: 2 of 8 runs at once said "Not counted yet: 0 events that another openpolyedu-tui is still loading".
			await holder.query('SELECT pg_advisory_lock(7240002)');
			const alongside = cli('run', 'learners', '--db', busyUrl, '--format', 'json');
			assert.deepEqual([alongside.code, JSON.parse(alongside.stdout).length, alongside.stderr], [0, 7, '']);
			await holder.query('SELECT pg_advisory_unlock(7240002)');
			// What another run building them, or an ingest still loading, looks like: the loads pending, the ingest lock taken.
			await holder.query('UPDATE loads SET derived_done = false');
			await holder.query('SELECT pg_advisory_lock(7240002)');
			const answer = cli('run', 'learners', '--db', busyUrl, '--format', 'json');
			assert.equal(answer.code, 0, answer.stderr);
			assert.equal(JSON.parse(answer.stdout).length, 7, 'the tables as they are');
			assert.equal(answer.stderr, `${pendingNote(14)}\n`);
			assert.match(pendingNote(14), /^Not counted yet: 14 events that another openpolyedu-tui is still loading/);
		} finally {
			await holder.end();
		}
	});
});

describe('run with an empty answer', () => {
	it('says on stderr that there are no rows, with the days of the data when "from" or "to" lie outside them; stdout stays a header or []', async () => {
		const emptyUrl = await createTestDatabase('cli_empty');
		const file = path.join(dir, 'empty-answer.log');
		fs.writeFileSync(file, lines(0, 14));
		assert.equal(cli('ingest', file, '--db', emptyUrl).code, 0);
		const course = 'course-v1:spbstu+PHYLOS+fall_2018';
		const late = cli('run', 'active-learners', '--from', '2030-01-01', '--format', 'csv', '--db', emptyUrl);
		assert.deepEqual(
			[late.code, late.stdout, late.stderr],
			[0, 'period_start,active,video,problem,forum\n', `No rows: ${course} has events from 2018-09-17 to 2018-09-17 (days in UTC), all before "from" (2030-01-01).\n`],
		);
		const early = cli('run', 'active-learners', '--param', 'to=2018-01-01', '--tz', 'Europe/Moscow', '--format', 'json', '--db', emptyUrl);
		assert.deepEqual([early.code, early.stdout, early.stderr], [0, '[]\n', `No rows: ${course} has events from 2018-09-17 to 2018-09-17 (days in Europe/Moscow), all after "to" (2018-01-01).\n`]);
		// No forum event in the data: no range to blame, and the task's own definition says what it counts.
		const none = cli('run', 'forum-contributors', '--format', 'csv', '--db', emptyUrl);
		assert.deepEqual([none.code, none.stderr], [0, `No rows: this task counts nothing in ${course}; openpolyedu-tui run forum-contributors --help says what it counts.\n`]);
		const inRange = cli('run', 'forum-activity', '--from', '2018-09-17', '--db', emptyUrl);
		assert.equal(inRange.stderr, `No rows: this task counts nothing in ${course} on the days asked; openpolyedu-tui run forum-activity --help says what it counts.\n`);
	});
});

describe('run with an answer emptied by its values', () => {
	it('says the task counts nothing, with the values changed from its defaults, not that the course has none of it (at-risk with days=14 read as a course without learners)', async () => {
		const zeroUrl = await createTestDatabase('cli_emptied');
		const course = 'course-v1:spbstu+PHYLOS+fall_2018';
		// learner1 enrolls on 09-10 and is last seen on 09-17; the course's last day is 09-30 (13 days later).
		const enrolled = eventLine(1, {event_type: 'edx.course.enrollment.activated', event_source: 'server', time: '2018-09-10T09:00:00+00:00', event: {user_id: 1001, course_id: course, mode: 'audit'}});
		const file = path.join(dir, 'emptied.log');
		fs.writeFileSync(file, `${enrolled}\n${eventLine(1)}\n${eventLine(2, {time: '2018-09-30T09:00:00+00:00'})}\n`);
		assert.equal(cli('ingest', file, '--db', zeroUrl).code, 0);
		const atRisk = (...args: string[]) => cli('run', 'at-risk', '--format', 'csv', '--db', zeroUrl, ...args);
		// The course has an enrolled learner, inactive for 13 days: at risk past 10 days, not past the default 14.
		assert.match(atRisk('--param', 'days=10').stdout, /\nlearner1,1001,course-v1:spbstu\+PHYLOS\+fall_2018,2018-09-10 09:00:00,2018-09-17 [^,]+,13,1\n$/);
		const help = `openpolyedu-tui run at-risk --help says what it counts.\n`;
		assert.deepEqual([atRisk().stdout.split('\n').length, atRisk().stderr], [2, `No rows: this task counts nothing in ${course}; ${help}`]);
		// A value changed from its default is named; the time zone (which moves rows between days) and the course are not.
		assert.equal(atRisk('--param', 'days=30', '--tz', 'Europe/Moscow').stderr, `No rows: this task counts nothing in ${course} with days = 30; ${help}`);
		assert.equal(atRisk('--param', 'days=30', '--param', 'as_of=2018-09-20').stderr, `No rows: this task counts nothing in ${course} with days = 30, as_of = 2018-09-20; ${help}`);
	});
});

describe('a run whose database goes away', () => {
	it('says so in one sentence when the server ends its connection mid-query (it crashed on an unheard error event)', async () => {
		const pool = new pg.Pool(clientConfig(url));
		pool.on('error', () => {});
		// startCli runs in the project: its default workdir must not be touched.
		const {run, backend, holder} = await blockedRun(pool, ['--db', url, '--workdir', path.join(dir, 'workdir')]);
		try {
			await pool.query('SELECT pg_terminate_backend($1)', [backend]);
			const result = await run.done;
			assert.deepEqual(
				[result.code, result.stdout, result.stderr],
				[1, '', 'The database was stopped (or the connection to it lost) while the task ran; run the task again when it is back.\n'],
			);
		} finally {
			await holder.query('ROLLBACK');
			holder.release();
			await pool.end();
		}
	});
});

// On Windows a child's kill() with a signal terminates it outright (SIGHUP throws): there is nothing to cancel cleanly.
describe('run and ingest stopped by Ctrl-C, SIGTERM or SIGHUP (the terminal closed)', {skip: process.platform === 'win32' ? 'skipped: signals sent to a child (POSIX)' : false}, () => {
	it('run cancels its query on the server and exits 130 (SIGTERM and SIGHUP killed it with the query left running; Ctrl-C exited 1)', async () => {
		const pool = new pg.Pool(clientConfig(url));
		pool.on('error', () => {});
		try {
			for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
				const {run, backend, holder} = await blockedRun(pool, ['--db', url, '--workdir', path.join(dir, 'workdir')]);
				try {
					run.child.kill(signal);
					const result = await run.done;
					assert.deepEqual([result.code, result.stdout, result.stderr], [130, '', 'Cancelled: the query was stopped on the server.\n'], signal);
					// Still behind the lock: only a cancel can have ended it.
					const {rows} = await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [backend]);
					assert.equal(rows[0].n, 0, `${signal}: its query no longer runs on the server`);
				} finally {
					await holder.query('ROLLBACK');
					holder.release();
				}
			}
		} finally {
			await pool.end();
		}
	});

	it('files, rejected and reset waiting for another session\'s lock say so, and a signal stops them at once with one sentence and exit 130, the workdir released (they sat silent, deaf to the signal until the lock was released: reset then deleted everything and exited 0)', async () => {
		const listedUrl = await createTestDatabase('cli_listing_signal');
		const workdir = path.join(dir, 'listing-signal-workdir');
		assert.equal(cli('ingest', path.join(dir, 'day.log'), '--db', listedUrl).code, 0);
		// Another user's psql, say, left idle in its transaction.
		const pool = new pg.Pool({...clientConfig(listedUrl), application_name: 'psql'});
		pool.on('error', () => {});
		const user = decodeURIComponent(new URL(listedUrl).username);
		try {
			for (const [args, table, said] of [
				[['files'], 'source_files', 'Cancelled: nothing was listed.'],
				[['rejected'], 'rejected_lines', 'Cancelled: nothing was listed.'],
				[['reset', '--yes'], 'events', 'Cancelled; nothing was deleted.'],
			] as const) {
				// The command waits behind this lock, which is held until it has ended.
				const holder = await pool.connect();
				try {
					await holder.query('BEGIN');
					await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
					const holderPid = await backendPid(holder);
					const command = startCli([...args, '--db', listedUrl, '--workdir', workdir]);
					await until(() => command.stderr().includes('Waiting for'), `${args.join(' ')} says what it waits for: ${command.stderr()}`, 30_000);
					command.child.kill('SIGTERM');
					const result = await settled(command.done, `${args.join(' ')} ends on the signal while the lock is still held`);
					const waiting = `Waiting for a lock on ${table} held by another session (server process ${holderPid}: psql, user ${user}, idle in transaction); the command goes on once it is released (Ctrl-C stops it).`;
					assert.deepEqual([result.code, result.signal, result.stdout, result.stderr], [130, null, '', `${waiting}\n${said}\n`], args.join(' '));
					assert.ok(!fs.existsSync(path.join(workdir, 'app.lock')), `${args.join(' ')}: the workdir lock is released`);
				} finally {
					await holder.query('ROLLBACK');
					holder.release();
				}
			}
			assert.equal((await pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n, 40, 'nothing was deleted');
		} finally {
			await pool.end();
		}
	});

	it('a migration that runs long is stopped by a signal at once: rolled back, exit 130 (the command waited for it to end)', async () => {
		const slowUrl = await createTestDatabase('cli_slow_migration');
		const admin = new pg.Client(clientConfig(slowUrl));
		await admin.connect();
		try {
			// Migration 9 (an ALTER TABLE first), applied again, takes ten minutes here; one that reads every event takes 35 s at 10M.
			await admin.query(`CREATE FUNCTION slow_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(600); END $$`);
			await admin.query(`CREATE EVENT TRIGGER slow_ddl ON ddl_command_start WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION slow_ddl()`);
			await admin.query('DELETE FROM schema_version WHERE version = 9');
			const command = startCli(['files', '--db', slowUrl, '--workdir', path.join(dir, 'slow-migration-workdir')]);
			const running = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'openpolyedu-tui' AND wait_event = 'PgSleep'";
			while ((await admin.query(running)).rows[0].n === 0) {
				assert.equal(command.child.exitCode, null, command.stderr());
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			command.child.kill('SIGTERM');
			const result = await settled(command.done, 'the command ends on the signal, its migration stopped');
			assert.deepEqual([result.code, result.stdout, result.stderr], [
				130,
				'',
				"Updating the database for this version of openpolyedu-tui: one current row per input path, not one row (a database made before 'replaced' rows)…\nCancelled: nothing was listed.\n",
			]);
			assert.equal((await admin.query('SELECT count(*)::int AS n FROM schema_version WHERE version = 9')).rows[0].n, 0, 'the migration is not recorded');
		} finally {
			await admin.query('DROP EVENT TRIGGER IF EXISTS slow_ddl');
			await admin.end();
		}
	});

	it('run, ingest and files waiting for another process\'s build of the derived tables or migration say so, naming its lock, and SIGTERM ends them at once: exit 130, one sentence, their work given up and their connections gone (it said "a lock")', async () => {
		const workdir = path.join(dir, 'build-wait-workdir');
		// Another openpolyedu-tui, holding the lock of its build or migration; the test asks on its connection too.
		const {databaseUrl: buildUrl, holder, holderPid, more} = await builtBesideHolder('build-wait');
		try {
			await holder.query('UPDATE loads SET derived_done = false');
			const build = "the lock of the derived tables' build";
			for (const [lock, lockName, args, said] of [
				[REFRESH_LOCK, build, ['run', 'learners', '--format', 'json'], 'Cancelled while building the derived tables: they were left as they were, and the next ingest or run builds them.'],
				[REFRESH_LOCK, build, ['ingest', more], 'Cancelled while updating the tables the tasks read: everything is loaded, and the next ingest (or run) updates them.'],
				[MIGRATION_LOCK, "the lock of the database's update", ['files'], 'Cancelled: nothing was listed.'],
			] as const) {
				await holder.query('SELECT pg_advisory_lock($1)', [lock]);
				const command = startCli([...args, '--db', buildUrl, '--workdir', workdir]);
				await until(() => command.stderr().includes('Waiting for'), `${args[0]} says what it waits for: ${command.stderr()}`, 30_000);
				// The wait's time goes on on the progress line (run's said "0:00 so far" until the build started).
				if (lock === REFRESH_LOCK) await until(() => /^deriving \d+% · waiting for the lock of the derived tables' build · 0:0[1-9] so far$/m.test(command.stderr()), `${args[0]}'s wait goes on: ${command.stderr()}`, 30_000);
				command.child.kill('SIGTERM');
				const result = await settled(command.done, `${args[0]} ends on SIGTERM while the lock is still held`);
				await holder.query('SELECT pg_advisory_unlock($1)', [lock]);
				const waiting = `Waiting for ${lockName} held by another openpolyedu-tui (server process ${holderPid}: user ${decodeURIComponent(new URL(buildUrl).username)}, idle); the command goes on once it is released (Ctrl-C stops it).`;
				// run announces the build as it starts waiting for it (its progress line says the wait).
				const building = args[0] === 'run' ? ['Building the derived tables the tasks read (loads are pending) before the task runs…'] : [];
				assert.deepEqual([result.code, result.stderr.split('\n').filter((line) => !/^(loading|deriving|building) /.test(line))], [130, [...building, waiting, said, '']], args[0]);
				assert.equal((await holder.query('SELECT count(*)::int AS n FROM loads WHERE derived_done')).rows[0].n, 0, `${args[0]}: the loads stay pending`);
				// The server lets a closed connection's process go a moment after the client has gone.
				const others = async () => (await holder.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows[0].n;
				for (let tries = 0; (await others()) > 0; tries++) {
					assert.ok(tries < 600, `${args[0]}: its connections are gone`);
					await new Promise((resolve) => setTimeout(resolve, 50));
				}
			}
		} finally {
			await holder.end();
		}
	});

	it("ingest waiting for another process's build of the derived tables says so on its progress line too, with its figures held (its estimate ran down to \"ready any moment\" and its share to 99 % meanwhile), and builds once the lock is let go", async () => {
		const {databaseUrl: waitUrl, holder, holderPid, more} = await builtBesideHolder('build-wait-line');
		try {
			await holder.query('SELECT pg_advisory_lock($1)', [REFRESH_LOCK]);
			const command = startCli(['ingest', more, '--db', waitUrl, '--workdir', path.join(dir, 'build-wait-line-workdir')]);
			const sentence = `Waiting for the lock of the derived tables' build held by another openpolyedu-tui (server process ${holderPid}: user ${decodeURIComponent(new URL(waitUrl).username)}, idle); the command goes on once it is released (Ctrl-C stops it).`;
			// The progress lines after the lock's watch has said whom it waits for (a line a second): the wait has lasted seconds.
			const linesAfter = () => command.stderr().split(sentence)[1]?.split('\n').filter((line) => line.startsWith('deriving ')) ?? [];
			await until(() => linesAfter().length >= 3, `ingest says its wait, then its progress lines: ${command.stderr()}`, 60_000);
			const waiting = linesAfter();
			await holder.query('SELECT pg_advisory_unlock($1)', [REFRESH_LOCK]);
			const result = await settled(command.done, 'the ingest builds once the lock is let go');
			assert.equal(result.code, 0, result.stderr);
			// Each the same but for the wait's time: no estimate, the share where it was when the wait started.
			const said = waiting.map((line) => /^(deriving \d+%) · waiting for the lock of the derived tables' build · \d+:\d\d so far$/.exec(line)?.[1]);
			assert.ok(said.every((start) => start !== undefined && start === said[0]), waiting.join('\n'));
			assert.equal(result.stderr.split('\n').at(-2), 'deriving 100% · the tables are updated');
			assert.equal((await holder.query('SELECT count(*)::int AS n FROM loads WHERE NOT derived_done')).rows[0].n, 0, 'built');
		} finally {
			await holder.end();
		}
	});

	it('ingest waiting for another session\'s lock says so, and SIGTERM or SIGHUP stops it at once, releases the workdir and exits 130, as on Ctrl-C (it waited for the lock to be released: a frozen "0 events/s", deaf to the signal)', async () => {
		const ingestUrl = await createTestDatabase('cli_sigterm');
		const workdir = path.join(dir, 'sigterm-workdir');
		const file = path.join(dir, 'sigterm.log');
		fs.writeFileSync(file, lines(0, 20));
		const pool = new pg.Pool(clientConfig(ingestUrl));
		pool.on('error', () => {});
		try {
			for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
				// The load waits behind this lock, which is held until it has ended.
				const holder = await pool.connect();
				try {
					await holder.query('BEGIN');
					await holder.query('LOCK TABLE loads IN ACCESS EXCLUSIVE MODE');
					const holderPid = await backendPid(holder);
					const ingest = startCli(['ingest', file, '--db', ingestUrl, '--workdir', workdir]);
					await until(() => ingest.stderr().includes('Waiting for'), `the ingest says what it waits for: ${ingest.stderr()}`, 30_000);
					ingest.child.kill(signal);
					const result = await settled(ingest.done, `${signal} ends the ingest while the lock is still held`);
					assert.equal(result.code, 130, `${signal}: ${result.stderr}`);
					// Held by a session of the same name (the test's pool), not of this process.
					const waiting = `Waiting for a lock on loads held by another openpolyedu-tui (server process ${holderPid}: user ${decodeURIComponent(new URL(ingestUrl).username)}, idle in transaction); the command goes on once it is released (Ctrl-C stops it).`;
					assert.equal(result.stderr, `${waiting}\nCancelled; what was committed stays, and the next ingest resumes from there.\n`);
					assert.ok(!fs.existsSync(path.join(workdir, 'app.lock')), `${signal}: the workdir lock is released`);
				} finally {
					await holder.query('ROLLBACK');
					holder.release();
				}
				assert.equal((await pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n, 0, `${signal}: nothing loaded after the signal`);
			}
		} finally {
			await pool.end();
		}
	});

});
