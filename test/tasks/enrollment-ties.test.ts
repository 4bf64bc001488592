import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {writeFilePositions} from '../../ingest/derived/file-order.js';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {testPool} from '../helpers/database.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Enrollment changes logged at the same time, taken in the log's order (the file whose name comes first, then line):
 * - x enrolls 05-01 10:00; on 05-05 at 10:00 a deactivation, then an activation (a change of mode): enrolled.
 * - y enrolls 05-01 11:00; on 05-05 at 12:00 an activation (a repeat), then a deactivation: not enrolled.
 * - w enrolls 05-02 09:00; a deactivation 05-06 09:00 in first.log, an activation at the same time in
 *   second.log, after it by name whichever is loaded first: enrolled.
 * - z enrolls 05-20 08:00 and visits a page at 08:05 (the course's last day).
 */
const COURSE = 'course-v1:Uni+TIES+2024';
const USER_IDS: Record<string, number> = {x: 1, y: 2, w: 3, z: 4, u: 5};
const line = (username: string, time: string, eventType: string, extra: object = {}) =>
	JSON.stringify({
		username, event_type: eventType, event_source: 'server', time: `2024-05-${time}:00+00:00`, page: null,
		context: {course_id: COURSE, user_id: USER_IDS[username], org_id: 'Uni', path: '/event'},
		event: {course_id: COURSE, user_id: USER_IDS[username], mode: 'audit'}, ...extra,
	});
const activated = (username: string, time: string, mode = 'audit') =>
	line(username, time, 'edx.course.enrollment.activated', {event: {course_id: COURSE, user_id: USER_IDS[username], mode}});
const deactivated = (username: string, time: string) => line(username, time, 'edx.course.enrollment.deactivated');
const dir = fixtureDir();
const first = path.join(dir, 'first.log');
const second = path.join(dir, 'second.log');
fs.writeFileSync(
	first,
	`${[
		activated('x', '01T10:00'),
		activated('y', '01T11:00'),
		activated('w', '02T09:00'),
		deactivated('x', '05T10:00'),
		activated('x', '05T10:00', 'verified'),
		activated('y', '05T12:00'),
		deactivated('y', '05T12:00'),
		deactivated('w', '06T09:00'),
		activated('z', '20T08:00'),
		line('z', '20T08:05', 'seq_goto', {event_source: 'browser', page: `https://openedu.ru/courses/${COURSE}/courseware/a/b/1`}),
	].join('\n')}\n`,
);
fs.writeFileSync(second, `${activated('w', '06T09:00')}\n`);
// u's repeated activation (05-03) and repeated deactivation (05-07) are the only changes of their days.
const repeats = path.join(dir, 'repeats.log');
fs.writeFileSync(repeats, `${[activated('u', '01T10:00'), activated('u', '03T10:00'), deactivated('u', '04T10:00'), deactivated('u', '07T10:00')].join('\n')}\n`);
const repeatsDatabase = await openTestDatabase('enrollment_repeats');
const {tasks} = await loadTaskCatalogue();

async function assertAnswers(database: Awaited<ReturnType<typeof openTestDatabase>>, label: string): Promise<void> {
	const run = async (id: string, values: Record<string, string> = {}) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === id)!, values));
	assert.deepEqual(
		await run('enrollment-over-time'),
		[
			['2024-05-01', 2, 0, 2, 2],
			['2024-05-02', 1, 0, 1, 3],
			['2024-05-05', 1, 2, -1, 2],
			['2024-05-06', 1, 1, 0, 2],
			['2024-05-20', 1, 0, 1, 3],
		],
		label,
	);
	// enrolled ever 4, now 3 (x, w, z), unenrolled 1 (y): as enrollment-over-time ends.
	assert.deepEqual((await run('course-summary'))[0]!.slice(5, 8), [4, 3, 1], label);
	assert.deepEqual((await run('course-comparison'))[0]!.slice(6, 8), [4, 3], label);
	assert.deepEqual(
		await run('enrolled-not-started'),
		[
			['x', 1, COURSE, '2024-05-01 10:00:00'],
			['w', 3, COURSE, '2024-05-02 09:00:00'],
		],
		label,
	);
	// Inactive since their latest enrollment (x's change of mode on 05-05, w's return on 05-06): 15 and 14 days
	// before the course's last day, 05-20, so listed with days = 0 (14 by default would leave w out).
	assert.deepEqual(
		await run('at-risk', {days: '0'}),
		[
			['x', 1, COURSE, '2024-05-01 10:00:00', null, 15, 0],
			['w', 3, COURSE, '2024-05-02 09:00:00', null, 14, 0],
		],
		label,
	);
}

for (const [label, loads] of [
	['two loads', [[first], [second]]],
	['two loads, second.log first', [[second], [first]]],
	['one load, second.log named first', [[second, first]]],
] as const) {
	it(`enrollment changes at the same time are taken in the log's order by every task (${label})`, async () => {
		const database = await openTestDatabase('enrollment_ties');
		for (const paths of loads) await ingest(database, [...paths]);
		await assertAnswers(database, label);
		await database.pool.query('UPDATE loads SET derived_done = false');
		await refreshDerived(database.pool);
		await assertAnswers(database, `${label}, one build of it`);
	});
}

it("the enrollment tasks answer while a build writes the files' places (from the last build)", async () => {
	const database = await openTestDatabase('enrollment_ties_build');
	await ingest(database, [first, second]);
	const build = await database.pool.connect();
	// A lock the build held until its commit would stop the task: a second is plenty.
	const reader = testPool(database.url, {max: 2, options: '-c lock_timeout=1000'});
	try {
		await build.query('BEGIN');
		// Every row's place is written again (none changes otherwise).
		await build.query('UPDATE d_enrollment SET file_position = NULL');
		await writeFilePositions(build);
		const summary = await runTask(reader, tasks.find((task) => task.id === 'course-summary')!, {});
		assert.deepEqual(summary.rows[0]!.slice(5, 8), [4, 3, 1]);
	} finally {
		await build.query('ROLLBACK');
		build.release();
		await reader.end();
	}
});

it('a day whose only enrollment changes are ignored repeats has no row (it read 0/0/0)', async () => {
	await ingest(repeatsDatabase, [repeats]);
	const task = tasks.find((candidate) => candidate.id === 'enrollment-over-time')!;
	assert.deepEqual((await runTask(repeatsDatabase.pool, task, {})).rows, [
		['2024-05-01', 1, 0, 1, 1],
		['2024-05-04', 0, 1, -1, 0],
	]);
	assert.deepEqual((await runTask(repeatsDatabase.pool, task, {from: '2024-05-02'})).rows, [['2024-05-04', 0, 1, -1, 0]]);
});
