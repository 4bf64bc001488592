import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, migrated, openTestDatabase} from '../helpers/ingest.js';

/**
 * Passing grades and certificates logged by background tasks (Celery): no username, no context.user_id, the
 * learner only in event.user_id (a string), as in the corpus' event-routing-backends log. velma (8), walt (9) and
 * xena (10) enroll on 05-01 and check a problem; velma's passing grade comes at 05-02 10:01 (event.user_id "8"),
 * walt's certificate at 05-04 12:00 (his user id in the context only), xena only fails (now_failed, 05-03).
 */
const COURSE = 'course-v1:Uni+CELERY+2024';
const learnerLine = (username: string, userId: number, time: string, eventType: string, event: object) =>
	JSON.stringify({
		username, event_type: eventType, event_source: 'server', time: `2024-05-${time}:00+00:00`, page: null,
		context: {course_id: COURSE, user_id: userId, org_id: 'Uni', path: '/event'}, event,
	});
const enrolled = (username: string, userId: number, time: string) =>
	learnerLine(username, userId, time, 'edx.course.enrollment.activated', {course_id: COURSE, user_id: userId, mode: 'audit'});
const checked = (username: string, userId: number, time: string) =>
	learnerLine(username, userId, time, 'problem_check', {problem_id: `block-v1:Uni+CELERY+2024+type@problem+block@${username}`, success: 'correct', attempts: 1});
/** A background task's event, with the logger's prefix before the JSON as in real logs. */
const background = (eventType: string, time: string, event: object, context: object = {}) =>
	`2024-05-${time.replace('T', ' ')}:00,461 INFO 20 [tracking] [user None] [ip None] logger.py:41 - ${JSON.stringify({
		name: eventType, context: {course_id: COURSE, org_id: 'Uni', ...context}, username: '', session: '', ip: '', agent: '', host: '',
		event: {course_id: COURSE, ...event}, time: `2024-05-${time}:00+00:00`, event_type: eventType, event_source: 'server', page: null,
	})}`;
const dir = fixtureDir();
const learners = path.join(dir, 'learners.log');
const tasksLog = path.join(dir, 'tasks.log');
// velma is user id 8, walt 9, xena 10.
const learnerLines = (['velma', 'walt', 'xena'] as const).flatMap((name, index) => [
	enrolled(name, 8 + index, `01T09:${index}0`),
	checked(name, 8 + index, `02T1${index}:00`),
]);
fs.writeFileSync(learners, `${learnerLines.join('\n')}\n`);
const taskLines = [
	background('edx.course.grade.passed.first_time', '02T10:01', {user_id: '8'}),
	background('edx.course.grade.now_failed', '03T08:00', {user_id: '10'}),
	background('edx.certificate.created', '04T12:00', {certificate_id: 'c1', mode: 'audit'}, {user_id: 9}),
];
fs.writeFileSync(tasksLog, `${taskLines.join('\n')}\n`);
const {tasks} = await loadTaskCatalogue();
const runOn = async (database: Awaited<ReturnType<typeof openTestDatabase>>, id: string, values: Record<string, string> = {}) =>
	csvRows(await runTask(database.pool, tasks.find((task) => task.id === id)!, values));

async function assertAnswers(database: Awaited<ReturnType<typeof openTestDatabase>>): Promise<void> {
	const run = (id: string, values: Record<string, string> = {}) => runOn(database, id, values);
	assert.deepEqual(await run('finished'), [
		['velma', COURSE, '2024-05-02 10:01:00', '2024-05-02 10:00:00', 2],
		['walt', COURSE, '2024-05-04 12:00:00', '2024-05-02 11:00:00', 2],
	]);
	assert.deepEqual(await run('finished', {finish: 'certificate'}), [['walt', COURSE, '2024-05-04 12:00:00', '2024-05-02 11:00:00', 2]]);
	// Enrolled, started, watched a video, attempted a problem, an exam, passed: velma and walt passed.
	assert.deepEqual((await run('funnel')).map(([, stage, learners]) => `${stage}: ${learners}`), [
		'enrolled: 3', 'started: 3', 'watched a video: 0', 'attempted a problem: 3', 'attempted an exam: 0', 'passed: 2',
	]);
	// Reference day 05-04 (walt's certificate): xena's last activity is 2 days before it.
	assert.deepEqual(await run('at-risk', {days: '0'}), [['xena', 10, COURSE, '2024-05-01 09:20:00', '2024-05-02 12:00:00', 2, 1]]);
	// As of 05-03 walt had no certificate yet.
	assert.deepEqual(await run('at-risk', {days: '0', as_of: '2024-05-03'}), [
		['walt', 9, COURSE, '2024-05-01 09:10:00', '2024-05-02 11:00:00', 1, 1],
		['xena', 10, COURSE, '2024-05-01 09:20:00', '2024-05-02 12:00:00', 1, 1],
	]);
	assert.deepEqual(await run('started-not-finished'), [['xena', COURSE, '2024-05-02 12:00:00', '2024-05-02 12:00:00', 2]]);
	assert.deepEqual(await run('started-not-finished', {finish: 'certificate'}), [
		['xena', COURSE, '2024-05-02 12:00:00', '2024-05-02 12:00:00', 2],
		['velma', COURSE, '2024-05-02 10:00:00', '2024-05-02 10:00:00', 2],
	]);
}

it("a passing grade or certificate logged without a username is the finish of the user id's learner", async () => {
	const database = await openTestDatabase('background_finishes');
	await ingest(database, [learners, tasksLog]);
	await assertAnswers(database);
});

it('gives the same answers when the finishes are loaded before the learners, by a second ingest', async () => {
	const database = await openTestDatabase('background_finishes_split');
	await ingest(database, [tasksLog]);
	await ingest(database, [learners]);
	await assertAnswers(database);
});

it('a database built before migration 155 is rebuilt by the next build, with the finishes of its loads', async () => {
	const database = await openTestDatabase('background_finishes_migrated');
	await ingest(database, [learners, tasksLog]);
	// As the version before 155 left it.
	await database.pool.query('DROP VIEW d_named_finish; DROP TABLE d_user_finish; DELETE FROM schema_version WHERE version = 155');
	assert.deepEqual(await migrated(database), [155]);
	await refreshDerived(database.pool);
	await assertAnswers(database);
});

/**
 * yuri (11) has no event of his own in the course: a staff member (1) enrolled him on 05-01 09:30 (logged under the
 * staff's name, event.user_id 11), his only own event is a dashboard visit (no course: it names user id 11), and a
 * background task logged his passing grade on 05-03 09:00 with an empty context.course_id (the course in
 * event.course_id only).
 */
const elsewhere = path.join(dir, 'elsewhere.log');
fs.writeFileSync(elsewhere, `${[
	learnerLine('staff', 1, '01T09:30', 'edx.course.enrollment.activated', {course_id: COURSE, user_id: 11, mode: 'audit'}),
	JSON.stringify({
		username: 'yuri', event_type: '/dashboard', event_source: 'server', time: '2024-05-02T08:00:00+00:00', page: null,
		context: {course_id: '', user_id: 11, org_id: '', path: '/dashboard'}, event: {GET: {}, POST: {}},
	}),
	background('edx.course.grade.passed.first_time', '03T09:00', {user_id: '11'}, {course_id: ''}),
].join('\n')}\n`);

it('a finisher with no event of their own in the course is finished, as funnel counts them passed', async () => {
	const database = await openTestDatabase('background_finishes_elsewhere');
	await ingest(database, [learners, tasksLog, elsewhere]);
	const finished = await runOn(database, 'finished');
	assert.deepEqual(finished, [
		['velma', COURSE, '2024-05-02 10:01:00', '2024-05-02 10:00:00', 2],
		['yuri', COURSE, '2024-05-03 09:00:00', null, 0],
		['walt', COURSE, '2024-05-04 12:00:00', '2024-05-02 11:00:00', 2],
	]);
	// Every finisher enrolled and named: as many passed as finished lists. yuri never started.
	assert.deepEqual((await runOn(database, 'funnel')).map(([, stage, learners]) => `${stage}: ${learners}`), [
		'enrolled: 4', 'started: 3', 'watched a video: 0', 'attempted a problem: 3', 'attempted an exam: 0', `passed: ${finished.length}`,
	]);
	assert.deepEqual(await runOn(database, 'finished', {course: COURSE}), finished);
	// Started: velma, walt and xena; only xena has not finished (yuri, who never started, is in neither list).
	assert.deepEqual(await runOn(database, 'started-not-finished'), [['xena', COURSE, '2024-05-02 12:00:00', '2024-05-02 12:00:00', 2]]);
	assert.deepEqual(await runOn(database, 'at-risk', {days: '0'}), [['xena', 10, COURSE, '2024-05-01 09:20:00', '2024-05-02 12:00:00', 2, 1]]);
	// As of 05-02 only velma had passed, and walt and xena were active that day: yuri, enrolled on 05-01 and not passed
	// yet, is 1 day inactive from his enrollment.
	assert.deepEqual(await runOn(database, 'at-risk', {days: '0', as_of: '2024-05-02'}), [['yuri', 11, COURSE, '2024-05-01 09:30:00', null, 1, 0]]);
});
