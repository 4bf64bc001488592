import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {runIngest} from '../../ingest/engine.js';
import {UserError} from '../../ingest/errors.js';
import {checkValues, loadTaskCatalogue, runTask, streamTask, type TaskDefinition, type TaskResult} from '../../source/tasks/index.js';
import {UnknownLearnerError} from '../../source/tasks/parameters.js';
import {TaskQueryError} from '../../source/tasks/run.js';
import {createTestDatabase, testPool} from '../helpers/database.js';
import {projectRoot, settled} from '../helpers/shared.js';

/** The runner (parameter checks, defaults, cancel) and the `tasks` / `run` commands, on the HIST course alone. */
const url = await createTestDatabase('task_run');
const HIST = 'course-v1:Uni+HIST+2024';
const pool = new pg.Pool(clientConfig(url));
pool.on('error', () => {});
const tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
const task = (id: string) => tasks.get(id)!;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'task-run-'));

before(async () => {
	const lines = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'tasks', 'golden.log'), 'utf8').split('\n');
	const log = path.join(temp, 'hist.log');
	fs.writeFileSync(log, `${lines.filter((line) => line.includes(`"course_id": "${HIST}"`)).join('\n')}\n`);
	await runIngest({databaseUrl: url, pool, paths: [log], workers: 1});
});
after(async () => {
	await pool.end();
	fs.rmSync(temp, {recursive: true, force: true});
});

describe('runTask parameters', () => {
	it("run's early check and the task look a time zone up once (each lookup scans the server's zones, 16 ms)", async () => {
		// A pool of its own, whose queries are counted: run checks the values, then runs the task, on one pool.
		const counted = new pg.Pool({...clientConfig(url), max: 1});
		counted.on('error', () => {});
		const lookups: string[] = [];
		// On its connection, where the pool's queries and the task's (run on the connection it takes) go.
		counted.on('connect', (client) => {
			const query = client.query.bind(client) as (...args: unknown[]) => unknown;
			client.query = ((...args: unknown[]) => {
				const text = typeof args[0] === 'string' ? args[0] : (args[0] as {text: string}).text;
				if (text.includes('pg_timezone_names')) lookups.push(String((args[1] as unknown[])[0]));
				return query(...args);
			}) as typeof client.query;
		});
		try {
			assert.equal((await checkValues(counted, task('activity-by-day'), {tz: 'europe/moscow'})).tz, 'Europe/Moscow');
			assert.equal((await runTask(counted, task('activity-by-day'), {tz: 'europe/moscow'})).parameters.tz, 'Europe/Moscow');
			assert.equal((await runTask(counted, task('activity-by-day'), {tz: 'Europe/Moscow'})).parameters.tz, 'Europe/Moscow');
			assert.deepEqual(lookups, ['europe/moscow', 'Europe/Moscow']);
		} finally {
			await counted.end();
		}
	});

	it('an empty course means the only course; defaults are reported', async () => {
		const result = await runTask(pool, task('time-on-course'), {});
		assert.deepEqual(result.parameters, {course: HIST, user: '', from: '', to: '', tz: 'UTC', idle: '30'});
		assert.deepEqual(result.rows, [['alice', 8, 1]]);
		assert.deepEqual(result.columns, [
			{name: 'username', kind: 'text'},
			{name: 'minutes', kind: 'number'},
			{name: 'days', kind: 'number'},
		]);
	});

	it('an empty value takes the default (an unset shell variable is not NULL)', async () => {
		const result = await runTask(pool, task('activity-by-day'), {tz: '', course: ' ', user: 'alice'});
		assert.equal(result.parameters.tz, 'UTC');
		assert.equal(result.parameters.course, HIST);
		assert.deepEqual(result.rows, (await runTask(pool, task('activity-by-day'), {user: 'alice'})).rows);
		assert.ok(result.rows.length > 0 && result.rows.every((row) => row[0] !== null));
	});

	it('time zones are checked against the server and spelled canonically', async () => {
		assert.equal((await runTask(pool, task('course-summary'), {tz: 'europe/moscow'})).parameters.tz, 'Europe/Moscow');
		// Other names of UTC are UTC, so the day-based tasks read their UTC-day tables for them too.
		assert.equal((await runTask(pool, task('course-summary'), {tz: 'Etc/UTC'})).parameters.tz, 'UTC');
		assert.equal((await runTask(pool, task('course-summary'), {tz: 'zulu'})).parameters.tz, 'UTC');
	});

	it('bad values get one clear sentence', async () => {
		const cases: Array<[string, Record<string, string>, RegExp]> = [
			['activity-by-day', {from: '31.03.2024'}, /^Parameter "from" must be a date written YYYY-MM-DD \(like 2024-03-31\), not "31\.03\.2024"\.$/],
			// Written YYYY-MM-DD, not in the calendar: it said "must be written YYYY-MM-DD", as it was.
			['activity-by-day', {from: '2024-02-30'}, /^Parameter "from" must be a day of the calendar, not "2024-02-30"\.$/],
			['activity-by-day', {from: '0000-01-01'}, /^Parameter "from" must be a day of the calendar, not "0000-01-01"\.$/],
			['activity-by-day', {tz: 'Mars/Olympus'}, /^Parameter "tz": unknown time zone "Mars\/Olympus"; use a name like UTC or Europe\/Moscow\.$/],
			['time-on-course', {idle: '5.5'}, /^Parameter "idle" must be a whole number, not "5\.5"\.$/],
			['time-on-course', {idle: '0'}, /^Parameter "idle" must be between 1 and 240, not 0\.$/],
			// Twenty digits are a whole number too: it said "must be a whole number".
			['time-on-course', {idle: '99999999999999999999'}, /^Parameter "idle" must be between 1 and 240, not "99999999999999999999"\.$/],
			// Commas alone: it said 'No events of type  in …', naming a blank type.
			['learner-unit-events', {types: ' , ,'}, /^Parameter "types" names no event type \(", ,"\); give them comma-separated, e\.g\. play_video,pause_video \(event-types lists them\)\.$/],
			['active-learners', {period: 'year'}, /^Parameter "period" must be one of day, week, month, not "year"\.$/],
			['active-learners', {period: 'Week'}, /^Parameter "period" must be one of day, week, month, not "Week" \(did you mean "week"\?\)\.$/],
			['devices', {by: 'brwser'}, /^Parameter "by" must be one of browser, os, device, not "brwser" \(did you mean "browser"\?\)\.$/],
			['course-summary', {course: 'course-v1:Uni+HSIT+2024'}, /^No course "course-v1:Uni\+HSIT\+2024" in the database \(its courses: course-v1:Uni\+HIST\+2024\); did you mean "course-v1:Uni\+HIST\+2024"\?$/],
			['learners', {user: 'alcie'}, /^No learner "alcie" in the database \(did you mean "alice"\?\)\.$/],
			['learners', {user: 'zed'}, /^No learner "zed" in the database\.$/],
			['activity-by-day', {tz: 'Moscow'}, /^Parameter "tz": unknown time zone "Moscow" \(did you mean "Europe\/Moscow"\?\); use a name like UTC or Europe\/Moscow\.$/],
			// An offset is the Etc zone with the sign reversed: the nearest name to GMT+3 (Etc/GMT+3) is UTC-03:00, and UTC+3 got no guess.
			['activity-by-day', {tz: 'GMT+3'}, /^Parameter "tz": unknown time zone "GMT\+3" \(did you mean "Etc\/GMT-3"\? It is UTC\+03:00: the tz database writes the sign the other way round\); use/],
			['activity-by-day', {tz: 'UTC+3'}, /^Parameter "tz": unknown time zone "UTC\+3" \(did you mean "Etc\/GMT-3"\? It is UTC\+03:00: /],
			['activity-by-day', {tz: '-05:00'}, /^Parameter "tz": unknown time zone "-05:00" \(did you mean "Etc\/GMT\+5"\? It is UTC-05:00: /],
			['activity-by-day', {tz: '+05:30'}, /^Parameter "tz": unknown time zone "\+05:30" \(an offset, not a zone: give the name of a place's zone, such as Asia\/Kolkata\); use/],
			// An abbreviation names the zones that use it: Moscow's MSK was taken for "MST" (UTC-07:00), Australia's AEST for "EST".
			['activity-by-day', {tz: 'MSK'}, /^Parameter "tz": unknown time zone "MSK" \(an abbreviation, not a zone; zones that use it now: [^)]*Europe\/Moscow[^)]*\); use/],
			['activity-by-day', {tz: 'AEST'}, /^Parameter "tz": unknown time zone "AEST" \(an abbreviation, not a zone; zones that use it now: [^)]*Australia\/Brisbane[^)]*\); use/],
			['activity-by-day', {tz: 'MSD'}, /^Parameter "tz": unknown time zone "MSD" \(an abbreviation, not a zone\); use/],
			['activity-by-day', {from: '2024-03-05', to: '2024-03-01'}, /^The date range is empty: "from" \(2024-03-05\) is after "to" \(2024-03-01\)\.$/],
			['learners', {idle: '5'}, /^Task "learners" has no parameter "idle" \(its parameters: course, user, tz\)\.$/],
			['learner-path', {}, /^Task "learner-path" needs a value for "user": Learner username\.$/],
			// A description's own parenthesis stays the only one: it read "(Video id (event.id of …; see video-engagement))".
			['video-dropoff', {}, /^Task "video-dropoff" needs a value for "video": Video id \(event\.id of the player events; see video-engagement\)\.$/],
		];
		for (const [id, values, message] of cases) {
			// A value's fault, not the SQL's: the app's hint sends the user back to the form, not to the task file.
			await assert.rejects(runTask(pool, task(id), values), (error: Error) => error instanceof UserError && !(error instanceof TaskQueryError) && message.test(error.message), `${id} ${JSON.stringify(values)}`);
		}
	});
	it('an unknown learner is an UnknownLearnerError naming the course the task was to run for (the TUI tells where the names are)', async () => {
		// The course may come after the learner (learner-path) or be left empty (the only course).
		for (const [id, values] of [['learner-path', {user: 'alcie', course: HIST}], ['learners', {user: 'alcie'}]] as const) {
			await assert.rejects(runTask(pool, task(id), values), (error: Error) => error instanceof UnknownLearnerError && error.username === 'alcie' && error.course === HIST, id);
		}
	});
});

describe('result columns', () => {
	it('marks a whole-number column named id or …_id as an identifier (shown without separators), a count as a number', async () => {
		const {columns} = await runTask(pool, task('learners'), {});
		const kinds = Object.fromEntries(columns.map((column) => [column.name, column.kind]));
		assert.deepEqual([kinds.user_id, kinds.events], ['id', 'number']);
	});
});

/** Streams a task into memory: the head it was given and its batches, in the order they came. */
async function streamed(id: string, values: Record<string, string>, options: {batchRows?: number; signal?: AbortSignal; onBatch?: () => void} = {}) {
	const calls: Array<{head: Omit<TaskResult, 'rows' | 'elapsedMs'>} | {rows: TaskResult['rows']}> = [];
	const {rows} = await streamTask(pool, task(id), values, {
		start: async (head) => void calls.push({head}),
		rows: async (batch) => {
			calls.push({rows: batch});
			options.onBatch?.();
		},
	}, options);
	return {count: rows, calls};
}

describe('streamTask', () => {
	it('hands over the rows runTask keeps, a batch at a time, after the head (exact multiples of the batch size too)', async () => {
		const whole = await runTask(pool, task('activity-by-day'), {});
		assert.equal(whole.rows.length, 5, 'the fixture gives several batches');
		for (const batchRows of [1, 2, 5, 10_000]) {
			const {count, calls} = await streamed('activity-by-day', {}, {batchRows});
			assert.deepEqual(calls[0], {head: {taskId: 'activity-by-day', columns: whole.columns, parameters: whole.parameters}}, `batches of ${batchRows}`);
			const batches = calls.slice(1).map((call) => ('rows' in call ? call.rows : []));
			assert.deepEqual(batches.flat(), whole.rows, `batches of ${batchRows}`);
			assert.ok(batches.every((batch) => batch.length > 0 && batch.length <= batchRows), `batches of ${batchRows}`);
			assert.equal(count, 5);
		}
	});

	it('gives the head of an empty result, and no rows', async () => {
		const {count, calls} = await streamed('activity-by-day', {from: '2099-01-01'});
		assert.equal(count, 0);
		assert.equal(calls.length, 1);
		assert.deepEqual(
			'head' in calls[0]! && calls[0].head.columns.map((column) => column.name),
			(await runTask(pool, task('activity-by-day'), {})).columns.map((column) => column.name),
		);
	});

	it('stops between batches when aborted, with an AbortError, and leaves the pool usable', async () => {
		const controller = new AbortController();
		await assert.rejects(streamed('activity-by-day', {}, {batchRows: 2, signal: controller.signal, onBatch: () => controller.abort()}), (error: Error) => error.name === 'AbortError');
		assert.equal((await streamed('activity-by-day', {})).count, 5);
	});
});

describe('cancelling', () => {
	// A connection kept by the cancelled run leaves the next one waiting for good: a failure, not a hang.
	it('an abort cancels the query on the server and rejects with AbortError; a run started at once after it gets the connection back', {timeout: 30_000}, async () => {
		// One connection, and the next run asked for before the cancelled one has settled (the app's Esc then Enter).
		const single = testPool(url, {max: 1});
		try {
			const slow: TaskDefinition = {...task('learners'), id: 'slow', parameters: [], sql: 'SELECT pg_sleep(30) AS slept'};
			const active = `SELECT count(*)::int AS running FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND state = 'active'`;
			const controller = new AbortController();
			const started = performance.now();
			const cancelled = runTask(single, slow, {}, {signal: controller.signal});
			for (let tries = 0; (await pool.query(active)).rows[0].running === 0; tries++) {
				assert.ok(tries < 500, 'the query reached the server');
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			controller.abort();
			const next = runTask(single, task('learners'), {});
			await assert.rejects(cancelled, (error: Error) => error.name === 'AbortError');
			assert.ok(performance.now() - started < 10_000);
			assert.equal((await pool.query(active)).rows[0].running, 0);
			// The connection went back to the pool in a usable state.
			assert.equal((await next).rows.length, 1);
		} finally {
			await single.end();
		}
	});

	it("an abort gives up a parameter check's wait for another session's lock at once, and the connection is usable again (Esc left it waiting until the other session let go)", {timeout: 30_000}, async () => {
		const single = testPool(url, {max: 1});
		const holder = await pool.connect();
		const waiting = `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
		try {
			// The course is looked up in d_type_total before the task's own query runs.
			await holder.query('BEGIN');
			await holder.query('LOCK TABLE d_type_total IN ACCESS EXCLUSIVE MODE');
			const controller = new AbortController();
			const cancelled = runTask(single, task('time-on-course'), {course: HIST}, {signal: controller.signal});
			for (let tries = 0; (await pool.query(waiting)).rows[0].waiting === 0; tries++) {
				assert.ok(tries < 500, 'the check waits for the lock');
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			const started = performance.now();
			controller.abort();
			await assert.rejects(settled(cancelled, 'the run ends while the lock is still held', 10_000), (error: Error) => error.name === 'AbortError');
			assert.ok(performance.now() - started < 2000, `given up at once (${Math.round(performance.now() - started)} ms)`);
			assert.equal((await pool.query(waiting)).rows[0].waiting, 0, 'nothing of ours waits for the lock');
			await holder.query('ROLLBACK');
			assert.equal((await runTask(single, task('time-on-course'), {course: HIST})).parameters.course, HIST);
		} finally {
			await holder.query('ROLLBACK').catch(() => {});
			holder.release();
			await single.end();
		}
	});

	it('a task cannot modify the database (read-only transaction)', async () => {
		const writer: TaskDefinition = {...task('learners'), id: 'writer', parameters: [], sql: 'DELETE FROM events RETURNING 1'};
		await assert.rejects(runTask(pool, writer, {}), (error: Error) => error instanceof TaskQueryError && /^Task "writer" failed in the database: .*read-only transaction.* \(\/.*learners\.sql\)\.$/.test(error.message));
		assert.equal((await pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n, 6);
	});
});

describe('planner settings', () => {
	it("a task's planner line holds in its transaction only; the server refuses a value that is none", async () => {
		const setting = "SELECT current_setting('parallel_tuple_cost') AS cost, current_setting('enable_hashagg') AS hashagg";
		const planned: TaskDefinition = {...task('learners'), id: 'planned', parameters: [], sql: setting, planner: {parallel_tuple_cost: '0', enable_hashagg: 'off'}};
		assert.deepEqual((await runTask(pool, planned, {})).rows, [['0', 'off']]);
		assert.deepEqual((await runTask(pool, {...planned, planner: undefined}, {})).rows, [['0.1', 'on']], 'not on the pooled connection afterwards');
		await assert.rejects(runTask(pool, {...planned, planner: {parallel_tuple_cost: 'cheap'}}, {}), (error: Error) => error instanceof TaskQueryError && /invalid value for parameter "parallel_tuple_cost": "cheap"/.test(error.message));
	});
});

describe('tasks and run commands', () => {
	const cli = (...args: string[]) =>
		spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), ...args, '--db', url, '--workdir', path.join(temp, 'workdir')], {
			cwd: temp,
			encoding: 'utf8',
		});

	it('tasks lists id, group and title', () => {
		const listed = cli('tasks', '--format', 'csv');
		assert.equal(listed.status, 0);
		const lines = listed.stdout.trim().split('\n');
		assert.equal(lines[0], 'id,group,title');
		assert.equal(lines.length, tasks.size + 1);
		assert.ok(lines.includes('course-summary,Overview,Course summary'));
	});

	it('with no command off a terminal, loads input/ (its summary on stderr) and prints only the task list on stdout', () => {
		fs.mkdirSync(path.join(temp, 'input'), {recursive: true});
		const headless = cli();
		assert.equal(headless.status, 0, headless.stderr);
		assert.equal(headless.stdout.split('\n')[0], 'id,group,title');
		assert.equal(headless.stdout.trim().split('\n').length, tasks.size + 1);
		assert.match(headless.stderr, /^read \d+ lines: loaded \d+, duplicates \d+, rejected \d+$/m);
	});

	it('run prints json, saves with --save, writes --out, and rejects bad flags', () => {
		const printed = cli('run', 'pdf-search-words', '--format', 'json');
		assert.equal(printed.status, 0, printed.stderr);
		assert.deepEqual(JSON.parse(printed.stdout), [
			{word: 'newton', searches: 2, learners: 1},
			{word: 'laws', searches: 1, learners: 1},
		]);
		const saved = cli('run', 'time-on-course', '--idle', '5', '--save', '--bom');
		assert.equal(saved.status, 0, saved.stderr);
		const [file] = fs.readdirSync(path.join(temp, 'result'));
		assert.match(file!, /^time-on-course_course-v1_Uni_HIST_2024_\d{8}T\d{6}Z\.csv$/);
		assert.equal(fs.readFileSync(path.join(temp, 'result', file!), 'utf8'), '\uFEFFusername,minutes,days\nalice,3,1\n');
		assert.match(saved.stderr, /^Saved 1 row to .*time-on-course_/);
		const out = path.join(temp, 'visits.md');
		assert.equal(cli('run', 'pdf-views', '--format', 'md', '--out', out).status, 0);
		assert.equal(fs.readFileSync(out, 'utf8'), '| pdf | viewers | page_loads | events |\n| --- | ---: | ---: | ---: |\n| history_book.pdf | 1 | 1 | 4 |\n');
		// "-" is stdout, as to most tools ("Unexpected argument"; --out=- wrote a file named "-"); ./- names that file.
		for (const dash of [['--out', '-'], ['--out=-']]) {
			const printed = cli('run', 'pdf-views', '--format', 'md', ...dash);
			assert.deepEqual([printed.status, printed.stdout, printed.stderr], [0, fs.readFileSync(out, 'utf8'), ''], dash.join(' '));
		}
		assert.ok(!fs.existsSync(path.join(temp, '-')));
		assert.equal(cli('run', 'pdf-views', '--out', '-', '--save').stderr, 'Use either --out FILE or --save, not both.\n');
		const again = cli('run', 'pdf-views', '--format', 'md', '--out', out);
		assert.equal(again.status, 1);
		assert.match(again.stderr, /already exists/);
		// Without --format, a file is written in the format its name says (CSV for any other name).
		for (const [name, starts] of [['views.json', '[\n  {\n    "pdf": "history_book.pdf",'], ['views.MD', '| pdf | viewers |'], ['views.txt', 'pdf,viewers,']] as const) {
			assert.equal(cli('run', 'pdf-views', '--out', path.join(temp, name)).status, 0, name);
			assert.ok(fs.readFileSync(path.join(temp, name), 'utf8').startsWith(starts), name);
		}
		const folder = cli('run', 'pdf-views', '--out', temp);
		assert.deepEqual([folder.status, folder.stderr], [1, `${temp} is a folder; give --out a file name in it, or use --save.\n`]);
		const empty = cli('run', 'pdf-views', '--out', '');
		assert.deepEqual([empty.status, empty.stderr], [1, '--out needs a file name (--save picks one in result/).\n']);
		for (const [args, message] of [
			[['run', 'nope'], /^Unknown task "nope"; run openpolyedu-tui tasks for the list\.\n$/],
			[['run', 'activity-by-day', '--from', 'yesterday'], /^Parameter "from" must be a date/],
		] as const) {
			const failed = cli(...args);
			assert.equal(failed.status, 1, args.join(' '));
			assert.match(failed.stderr, message);
		}
		// Mistakes in the command line itself are usage errors (they exited 1).
		for (const [args, message] of [
			[['run'], 'Name the task to run, e.g. openpolyedu-tui run course-summary (openpolyedu-tui tasks lists them).\n'],
			[['run', 'pdf-views', '--out', path.join(temp, 'both.csv'), '--save'], 'Use either --out FILE or --save, not both.\n'],
			[['run', 'learners', '--param', 'tz'], '--param must be written name=value, not "tz".\n'],
			[['rejected', '--raw', '--format', 'csv'], '--raw prints the lines themselves: it takes no --format.\n'],
			// As --bom with JSON is (it exited 1).
			[['run', 'learners', '--format', 'xml'], '--format must be csv, json or md, not "xml".\n'],
		] as const) {
			const refused = cli(...args);
			assert.deepEqual([refused.status, refused.stderr], [2, message], args.join(' '));
		}
		assert.ok(!fs.existsSync(path.join(temp, 'both.csv')));
	});
});
