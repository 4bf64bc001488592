import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * One user id logged under two names, in two files: "zed" enrolls (and does nothing more), then "amy",
 * the same user id, watches a video. The enrollment belongs to the name d_user keeps for the id, the
 * least one ("amy", who started): whichever file is loaded first, and as one build of both.
 */
const COURSE = 'course-v1:spbstu+PHYLOS+fall_2018';
const dir = fixtureDir();
const enrolled = path.join(dir, 'zed.log');
const watched = path.join(dir, 'amy.log');
fs.writeFileSync(
	enrolled,
	`${eventLine(1, {username: 'zed', event_source: 'server', event_type: 'edx.course.enrollment.activated', name: undefined, page: null, context: {user_id: 7, course_id: COURSE, org_id: 'spbstu', path: '/event'}, event: {user_id: 7, course_id: COURSE, mode: 'audit'}})}\n`,
);
fs.writeFileSync(watched, `${eventLine(2, {username: 'amy', context: {user_id: 7, course_id: COURSE, org_id: 'spbstu', path: '/event'}})}\n`);
// And one name logged with two user ids, one in each file (as test accounts are): the greatest is kept.
fs.appendFileSync(enrolled, `${eventLine(3, {username: 'honor', context: {user_id: 6, course_id: COURSE, org_id: 'spbstu', path: '/event'}})}\n`);
fs.appendFileSync(watched, `${eventLine(4, {username: 'honor', context: {user_id: 2, course_id: COURSE, org_id: 'spbstu', path: '/event'}})}\n`);
const orders = {'zed first': [[enrolled], [watched]], 'amy first': [[watched], [enrolled]], 'both at once': [[enrolled, watched]]};
const databases = await Promise.all(Object.keys(orders).map((name) => openTestDatabase(`user_names_${name.split(' ')[0]}`)));

it('a user id under several names, and a name under several user ids, come out the same whatever order the files are loaded in', async () => {
	const {tasks} = await loadTaskCatalogue();
	const task = (id: string) => tasks.find((candidate) => candidate.id === id)!;
	for (const [index, [order, loads]] of Object.entries(orders).entries()) {
		const database = databases[index]!;
		for (const paths of loads) await ingest(database, paths);
		const {rows} = await database.pool.query('SELECT user_id::int, username FROM d_user WHERE user_id = 7');
		assert.deepEqual(rows, [{user_id: 7, username: 'amy'}], order);
		const learners = (await runTask(database.pool, task('learners'), {})).rows.map((row) => row.slice(0, 2));
		assert.deepEqual(learners, [['honor', 6], ['amy', 7], ['zed', 7]], order);
		// amy started: nobody enrolled without starting; the funnel's enrolled learner is amy, who started.
		assert.deepEqual((await runTask(database.pool, task('enrolled-not-started'), {})).rows, [], order);
		const funnel = (await runTask(database.pool, task('funnel'), {})).rows.slice(0, 2).map((row) => row.slice(0, 3));
		assert.deepEqual(funnel, [[1, 'enrolled', 1], [2, 'started', 1]], order);
	}
});

it('learners enrolled by a staff member are not named after them', async () => {
	const database = await openTestDatabase('user_names_staff');
	const course = 'course-v1:QA+T7+2020';
	const context = (userId: number) => ({user_id: userId, course_id: course, org_id: 'QA', path: '/event'});
	// The instructor (user id 9, who has events of their own) enrolls 501, 502 and 503; 501 then studies.
	const enroll = (n: number, userId: number) =>
		eventLine(n, {username: 'staff', event_source: 'server', event_type: 'edx.course.enrollment.activated', name: undefined, page: null, context: context(9), event: {user_id: userId, course_id: course, mode: 'audit'}});
	const file = path.join(dir, 'staff.log');
	fs.writeFileSync(file, `${[eventLine(10, {username: 'staff', context: context(9)}), enroll(11, 501), enroll(12, 502), enroll(13, 503), eventLine(20, {username: 'learner501', context: context(501)})].join('\n')}\n`);
	await ingest(database, [file]);
	const {tasks} = await loadTaskCatalogue();
	const task = (id: string) => tasks.find((candidate) => candidate.id === id)!;
	// 502 and 503 never logged an event of their own: no name is known for them (was "staff" twice).
	const notStarted = (await runTask(database.pool, task('enrolled-not-started'), {})).rows.map((row) => row.slice(0, 2));
	assert.deepEqual(notStarted, [[null, 502], [null, 503]]);
	const funnel = (await runTask(database.pool, task('funnel'), {})).rows.slice(0, 2).map((row) => row.slice(0, 3));
	assert.deepEqual(funnel, [[1, 'enrolled', 3], [2, 'started', 1]]);
});

it('a learner enrolled by an event without a username has no name (null), as in the other tasks, not ""', async () => {
	const database = await openTestDatabase('user_names_anonymous');
	const course = 'course-v1:QA+T8+2020';
	// Enrolled by a process logged with no username (a bulk enrollment): 601 never logs an event of their own.
	const enroll = eventLine(30, {username: '', event_source: 'server', event_type: 'edx.course.enrollment.activated', name: undefined, page: null, context: {user_id: 601, course_id: course, org_id: 'QA', path: '/event'}, event: {user_id: 601, course_id: course, mode: 'audit'}});
	const file = path.join(dir, 'anonymous.log');
	fs.writeFileSync(file, `${enroll}\n${eventLine(31, {username: 'learner602', context: {user_id: 602, course_id: course, org_id: 'QA', path: '/event'}})}\n`);
	await ingest(database, [file]);
	const {tasks} = await loadTaskCatalogue();
	const task = (id: string) => tasks.find((candidate) => candidate.id === id)!;
	const notStarted = (await runTask(database.pool, task('enrolled-not-started'), {})).rows.map((row) => row.slice(0, 2));
	assert.deepEqual(notStarted, [[null, 601]]);
	const atRisk = (await runTask(database.pool, task('at-risk'), {as_of: '2018-12-31'})).rows.map((row) => row.slice(0, 2));
	assert.deepEqual(atRisk, [[null, 601]]);
});

it('events logged as "anonymous" (Open edX\'s server-side enrollments) are no learner\'s, in every task that counts learners', async () => {
	const database = await openTestDatabase('user_names_logged_anonymous');
	const course = 'edX/Open_DemoX/edx_demo_course';
	// As edx-analytics-pipeline's enrollment fixtures log them: "anonymous", no user id in the context, the learner in
	// event.user_id. 5 then plays a video as "bob"; 6 never logs an event of their own.
	const enroll = (n: number, userId: number) =>
		eventLine(n, {username: 'anonymous', event_source: 'server', event_type: 'edx.course.enrollment.activated', name: undefined, page: null, context: {course_id: course, org_id: 'edX'}, event: {user_id: userId, course_id: course, mode: 'honor'}});
	const file = path.join(dir, 'logged-anonymous.log');
	fs.writeFileSync(file, `${[enroll(40, 5), enroll(41, 6), eventLine(42, {username: 'bob', context: {user_id: 5, course_id: course, org_id: 'edX', path: '/event'}})].join('\n')}\n`);
	await ingest(database, [file]);
	const {tasks} = await loadTaskCatalogue();
	const run = async (id: string, values: Record<string, string> = {}) => (await runTask(database.pool, tasks.find((task) => task.id === id)!, values)).rows;
	// "anonymous" was a learner with 2 events, and user 6 was named after it.
	assert.deepEqual((await run('learners')).map((row) => row.slice(0, 2)), [['bob', 5]]);
	const [summary] = await run('course-summary');
	assert.deepEqual(summary!.slice(0, 2), [3, 1]);
	assert.deepEqual((await run('enrolled-not-started')).map((row) => row.slice(0, 2)), [[null, 6]]);
	assert.deepEqual((await run('funnel')).slice(0, 2).map((row) => row.slice(0, 3)), [[1, 'enrolled', 2], [2, 'started', 1]]);
	assert.deepEqual((await run('active-learners')).map((row) => row[1]), [1]);
	assert.deepEqual((await run('course-comparison')).map((row) => [row[0], row[1], row[2], row[6]]), [[course, 3, 1, 2]]);
	const health = Object.fromEntries((await run('data-health')).map((row) => [row[1], row[2]]));
	assert.equal(health['events without a username'], 2);
});
