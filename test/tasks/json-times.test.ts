import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {formatResult, loadTaskCatalogue, parseTaskFile, runTask, saveResult} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {projectRoot} from '../helpers/shared.js';

/**
 * JSON writes a time as the instant it is, with the offset of the run's zone at that instant; CSV, Markdown and the
 * tables its wall time there, as before. The fixture, times UTC:
 * - ann: 2018-09-07 16:20:28.778039 and 2018-09-08 10:00 (Moscow, UTC+03:00 all year: 19:20:28.778039 and 13:00).
 * - bea, in America/New_York: 2018-03-11 06:59 (01:59 EST, -05:00) and 07:01 (03:01 EDT, -04:00) either side of
 *   the clocks going forward; on 2018-11-04, 05:30 (01:30 EDT, -04:00) and 06:30 (01:30 EST, -05:00), the two 01:30s
 *   of the night the clocks went back. Each on a page of its own, so that each is a step of her path.
 */
const dir = fixtureDir();
const log = path.join(dir, 'times.log');
const page = (n: number) => `https://courses.openedu.ru/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/a${n}/`;
const events: Array<[string, string]> = [
	['ann', '2018-09-07T16:20:28.778039+00:00'],
	['ann', '2018-09-08T10:00:00Z'],
	['bea', '2018-03-11T06:59:00Z'],
	['bea', '2018-03-11T07:01:00Z'],
	['bea', '2018-11-04T05:30:00Z'],
	['bea', '2018-11-04T06:30:00Z'],
];
fs.writeFileSync(log, `${events.map(([username, time], n) => eventLine(n, {username, time, page: page(n), context: {user_id: username === 'ann' ? 1 : 2, course_id: 'course-v1:spbstu+PHYLOS+fall_2018', path: '/event'}})).join('\n')}\n`);
const database = await openTestDatabase('json_times');
await ingest(database, [log], {dayZone: 'UTC'});
const {tasks} = await loadTaskCatalogue();
const task = (id: string) => tasks.find((each) => each.id === id)!;

const cli = (...args: string[]) => {
	const result = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), ...args, '--db', database.url], {cwd: dir, encoding: 'utf8', env: {...process.env, DATABASE_URL: ''}});
	assert.equal(result.status, 0, result.stderr);
	return result.stdout;
};

it('run --format json writes a time in Moscow time with +03:00, to stdout and to a file; CSV its wall time as before', () => {
	const ann = {username: 'ann', user_id: 1, first_seen: '2018-09-07T19:20:28.778039+03:00', last_seen: '2018-09-08T13:00:00+03:00', events: 2};
	assert.deepEqual(JSON.parse(cli('run', 'learners', '--user', 'ann', '--tz', 'Europe/Moscow', '--format', 'json')), [ann]);
	const out = path.join(dir, 'learners.json');
	cli('run', 'learners', '--user', 'ann', '--tz', 'Europe/Moscow', '--out', out);
	assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), [ann]);
	// JavaScript reads the instant back (without the offset it took the time as the machine's local time).
	assert.equal(new Date(ann.first_seen).toISOString(), '2018-09-07T16:20:28.778Z');
	// A guard: CSV and Markdown are what they were (Excel reads this form as a date and time).
	assert.equal(cli('run', 'learners', '--user', 'ann', '--tz', 'Europe/Moscow', '--format', 'csv'), 'username,user_id,first_seen,last_seen,events\nann,1,2018-09-07 19:20:28.778039,2018-09-08 13:00:00,2\n');
	assert.equal(
		cli('run', 'learners', '--user', 'ann', '--tz', 'Europe/Moscow', '--format', 'md'),
		'| username | user_id | first_seen | last_seen | events |\n| --- | ---: | --- | --- | ---: |\n| ann | 1 | 2018-09-07 19:20:28.778039 | 2018-09-08 13:00:00 | 2 |\n',
	);
});

it('in a zone with daylight saving time, each side of a change has its offset, and the two 01:30s of the night the clocks went back are two instants', async () => {
	const path = await runTask(database.pool, task('learner-path'), {user: 'bea', tz: 'America/New_York'});
	const json = JSON.parse(formatResult(path, 'json')) as Array<{step: number; time: string}>;
	assert.deepEqual(
		json.map(({step, time}) => [step, time]),
		[
			[1, '2018-03-11T01:59:00-05:00'],
			[2, '2018-03-11T03:01:00-04:00'],
			[3, '2018-11-04T01:30:00-04:00'],
			[4, '2018-11-04T01:30:00-05:00'],
		],
	);
	// An hour apart, as they were (a wall-clock time gave the same text twice, and one instant back).
	assert.equal(Date.parse(json[3]!.time) - Date.parse(json[2]!.time), 3_600_000);
	assert.equal(Date.parse(json[1]!.time) - Date.parse(json[0]!.time), 120_000);
	// A guard: CSV writes the wall times, as before.
	assert.deepEqual(
		formatResult(path, 'csv')
			.split('\n')
			.slice(1, -1)
			.map((line) => line.split(',')[2]),
		['2018-03-11 01:59:00', '2018-03-11 03:01:00', '2018-11-04 01:30:00', '2018-11-04 01:30:00'],
	);
});

it("a run in UTC writes +00:00 (UTC's offset), and the app's JSON save writes what run does", async () => {
	const result = await runTask(database.pool, task('learners'), {user: 'ann', tz: 'UTC'});
	const saved = await saveResult(result, {format: 'json', resultDir: path.join(dir, 'saved')});
	const [row] = JSON.parse(fs.readFileSync(saved.path, 'utf8')) as Array<Record<string, unknown>>;
	assert.deepEqual([row!.first_seen, row!.last_seen], ['2018-09-07T16:20:28.778039+00:00', '2018-09-08T10:00:00+00:00']);
	assert.equal(formatResult(result, 'csv'), 'username,user_id,first_seen,last_seen,events\nann,1,2018-09-07 16:20:28.778039,2018-09-08 10:00:00,2\n');
});

/** A task file of one's own, its SQL after a header with a time zone parameter (and `more` header lines). */
function ownTask(sql: string, ...more: string[]) {
	const header = ['-- id: own-times', '-- title: Own times', '-- group: Test', '-- description: Times.', '-- param: tz | timezone | UTC | Time zone', ...more];
	return parseTaskFile(path.join(dir, 'own-times.sql'), [...header, sql].join('\n'));
}

it("a task of one's own: a timestamptz is written in the run's zone, a timestamp (no zone says which) as it is", async () => {
	const own = ownTask("SELECT min(time) AS instant, min(time) AT TIME ZONE :tz AS wall FROM events WHERE username = 'ann'");
	const result = await runTask(database.pool, own, {tz: 'Asia/Kolkata'});
	assert.deepEqual(JSON.parse(formatResult(result, 'json')), [{instant: '2018-09-07T21:50:28.778039+05:30', wall: '2018-09-07 21:50:28.778039'}]);
	assert.equal(formatResult(result, 'csv'), 'instant,wall\n2018-09-07 21:50:28.778039,2018-09-07 21:50:28.778039\n');
});

it('a time zone parameter the SQL does not read is the zone its times are written in, not a mistake; any other still is one', async () => {
	const own = ownTask("SELECT min(time) AS instant FROM events WHERE username = 'ann'");
	assert.deepEqual((await runTask(database.pool, own, {tz: 'Asia/Tokyo'})).rows, [['2018-09-08T01:20:28.778039+09:00']]);
	assert.throws(() => ownTask('SELECT 1', '-- param: other | timezone | UTC | A second zone'), {message: 'parameter "other" is declared, but the SQL never uses :other'});
});
