import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {migrations} from '../../ingest/db/migrations.js';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {listCourses, loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Events whose time is missing or unreadable are loaded (time NULL): the counts of events keep them,
 * though no day or hour can. Two files: the second, an incremental load, has one more such event.
 */
const dir = fixtureDir();
const first = path.join(dir, 'untimed-1.log');
const second = path.join(dir, 'untimed-2.log');
fs.writeFileSync(
	first,
	`${[
		eventLine(1),
		eventLine(2),
		eventLine(3, {time: undefined}),
		eventLine(4, {time: '05/03/2024 10:00', event_type: 'page_close'}),
		eventLine(5, {time: '  ', event_type: 'page_close'}),
		eventLine(6, {event_type: 'page_close'}),
	].join('\n')}\n`,
);
fs.writeFileSync(second, `${eventLine(7, {time: undefined, event_type: 'seq_goto'})}\n`);
const database = await openTestDatabase('untimed_events');
const {tasks} = await loadTaskCatalogue();
const run = async (id: string) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === id)!, {}));
const eventTypes = async () => (await run('event-types')).map((row) => row.slice(0, 2));
const expected = [
	['page_close', 3],
	['play_video', 3],
	['seq_goto', 1],
];

/**
 * Learners whose events lack a time: learner1 has one event with a time and two without (one in each load),
 * learner3 only events without one (an unreadable time, then none).
 */
const learnersFirst = path.join(dir, 'learners-1.log');
const learnersSecond = path.join(dir, 'learners-2.log');
fs.writeFileSync(learnersFirst, `${[eventLine(1), eventLine(8, {time: undefined}), eventLine(3, {time: 'yesterday'})].join('\n')}\n`);
fs.writeFileSync(learnersSecond, `${[eventLine(15, {time: undefined}), eventLine(10, {time: undefined})].join('\n')}\n`);
const learnersDatabase = await openTestDatabase('untimed_learners');
const learnerRows = async (id: string) => csvRows(await runTask(learnersDatabase.pool, tasks.find((task) => task.id === id)!, {}));

it('event-types, course-summary and course-comparison count the events without a time; data-health names them', async () => {
	await ingest(database, [first]);
	await ingest(database, [second]);
	assert.deepEqual(await eventTypes(), expected);
	assert.equal((await run('course-summary'))[0]![0], 7);
	assert.deepEqual((await run('course-comparison')).map((row) => row.slice(0, 2)), [['course-v1:spbstu+PHYLOS+fall_2018', 7]]);
	const health = new Map((await run('data-health')).map((row) => [row[1], row[2]]));
	assert.equal(health.get('events without a time'), 4);
});

async function assertUntimedLearners(label: string): Promise<void> {
	const seen = '2018-09-17 09:00:01.000001';
	assert.deepEqual(
		await learnerRows('learners'),
		[
			['learner1', 1001, seen, seen, 3],
			['learner3', 1003, null, null, 2],
		],
		label,
	);
	assert.deepEqual(await learnerRows('time-on-course'), [['learner1', 0, 0], ['learner3', 0, 0]], label);
	assert.deepEqual((await learnerRows('course-summary'))[0]!.slice(0, 2), [5, 2], label);
	assert.deepEqual(await learnerRows('started-not-finished'), [['learner1', 'course-v1:spbstu+PHYLOS+fall_2018', seen, seen, 3]], label);
	assert.deepEqual(await learnerRows('devices'), [['(none)', 2, 5, 100]], label);
	assert.deepEqual(await learnerRows('languages'), [['(none)', 2, 5]], label);
	const unitEvents = await runTask(learnersDatabase.pool, tasks.find((task) => task.id === 'learner-unit-events')!, {types: 'play_video'});
	assert.deepEqual(unitEvents.rows.map((row) => [row[0], row[3], row[4]]), [['learner1', 'play_video', 3], ['learner3', 'play_video', 2]], label);
	// Events without a time add no day: learner1's day is not recounted away by the second load.
	const {rows} = await learnersDatabase.pool.query('SELECT username, active_days FROM d_learner ORDER BY 1');
	assert.deepEqual(rows, [{username: 'learner1', active_days: 1}, {username: 'learner3', active_days: 0}], label);
}

it('a learner whose events have no time is a learner, and every event of a learner counts', async () => {
	await ingest(learnersDatabase, [learnersFirst]);
	await ingest(learnersDatabase, [learnersSecond]);
	await assertUntimedLearners('two loads');
	await learnersDatabase.pool.query('UPDATE loads SET derived_done = false');
	await refreshDerived(learnersDatabase.pool);
	await assertUntimedLearners('one build of both loads');
});

it('migration 133 adds them to a database built when only timed events were counted', async () => {
	// d_type_total as the builds before 133 left it.
	await database.pool.query('DELETE FROM d_type_total');
	await database.pool.query(`INSERT INTO d_type_total SELECT coalesce(course_id, ''), coalesce(event_type, ''), count(*) FROM events WHERE time IS NOT NULL GROUP BY 1, 2`);
	assert.deepEqual(await eventTypes(), [['play_video', 2], ['page_close', 1]]);
	await database.pool.query(migrations.find((migration) => migration.version === 133)!.sql);
	assert.deepEqual(await eventTypes(), expected);
});

/**
 * A course whose every event lacks a readable time (learner3 with none, learner4 with 'yesterday'), beside
 * PHYLOS's three timed events: it has events, so it is a course to choose, and the default is all courses.
 */
it('a course whose events all lack a time is in the course list, and course-summary and course-comparison count it', async () => {
	const untimed = 'course-v1:Uni+UNTIMED+2024';
	const context = {user_id: 1, org_id: 'Uni', course_id: untimed, path: '/event'};
	const file = path.join(dir, 'untimed-course.log');
	fs.writeFileSync(file, `${[eventLine(1), eventLine(2), eventLine(5), eventLine(3, {time: undefined, context}), eventLine(4, {time: 'yesterday', context})].join('\n')}\n`);
	const courses = await openTestDatabase('untimed_course');
	await ingest(courses, [file]);
	const phylos = 'course-v1:spbstu+PHYLOS+fall_2018';
	assert.deepEqual(await listCourses(courses.pool), [{courseId: phylos, events: 3}, {courseId: untimed, events: 2}]);
	const summary = async (values: Record<string, string>) => (await runTask(courses.pool, tasks.find((task) => task.id === 'course-summary')!, values)).rows;
	// No day, no enrollment, no learning activity (first_activity takes timed events only): 2 events of 2 learners.
	assert.deepEqual(await summary({course: untimed}), [[2, 2, null, null, 0, 0, 0, 0, 0, 0, 0, 0]]);
	assert.deepEqual((await summary({}))[0]!.slice(0, 2), [5, 5]);
	assert.deepEqual((await runTask(courses.pool, tasks.find((task) => task.id === 'course-comparison')!, {})).rows, [
		[phylos, 3, 3, '2018-09-17', '2018-09-17', 1, 0, 0, 3, 3, 0, 0],
		[untimed, 2, 2, null, null, 0, 0, 0, 0, 0, 0, 0],
	]);
});
