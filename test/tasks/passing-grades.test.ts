import assert from 'node:assert/strict';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, migrated, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * A course grade that carries a letter finishes the learner, as edx.course.grade.passed.first_time does, in a log
 * without that event. May 2024: kim (21), lou (22) and mia (23) enroll on 05-01 at 09:00, 09:10 and 09:20; kim visits
 * a page at 10:00, lou at 11:00, mia on 05-04 at 12:00 (the course's last day). The server logs their course grades
 * (no username, event.user_id a string): kim 40 % on 05-02 10:00, 75 % "Pass" on 05-03 10:00 (her first pass) and 80 %
 * "Pass" on 05-04 10:00; lou 30 % on 05-02 and 130 % "Pass" on 05-03 (out of range: left out).
 */
const COURSE = 'course-v1:Uni+PASS+2024';
const own = (username: string, userId: number, time: string, eventType: string, event: object) =>
	JSON.stringify({
		username, event_type: eventType, event_source: 'server', time: `2024-05-${time}:00+00:00`, page: `https://openedu.ru/courses/${COURSE}/courseware/ch1/u1/`,
		context: {course_id: COURSE, user_id: userId, org_id: 'Uni', path: '/event'}, event,
	});
const enrolled = (username: string, userId: number, time: string) => own(username, userId, time, 'edx.course.enrollment.activated', {course_id: COURSE, user_id: userId, mode: 'audit'});
const grade = (userId: number, time: string, percent: number, letter = '') =>
	JSON.stringify({
		username: '', event_type: 'edx.grades.course.grade_calculated', event_source: 'server', time: `2024-05-${time}:00+00:00`, page: null,
		context: {course_id: COURSE, org_id: 'Uni', path: '/event'},
		event: {user_id: String(userId), course_id: COURSE, percent_grade: percent, letter_grade: letter},
	});
const kimsFirstPass = grade(21, '03T10:00', 0.75, 'Pass');
const lines = [
	enrolled('kim', 21, '01T09:00'), enrolled('lou', 22, '01T09:10'), enrolled('mia', 23, '01T09:20'),
	own('kim', 21, '01T10:00', 'seq_goto', {}), own('lou', 22, '01T11:00', 'seq_goto', {}), own('mia', 23, '04T12:00', 'seq_goto', {}),
	grade(21, '02T10:00', 0.4), grade(21, '04T10:00', 0.8, 'Pass'), grade(22, '02T11:00', 0.3), grade(22, '03T11:00', 1.3, 'Pass'),
];
const dir = fixtureDir();
const whole = writeLog(dir, 'whole.log', [...lines, kimsFirstPass]);
// kim's first pass in a later load, older than her pass in the first.
const [early, late] = [writeLog(dir, 'early.log', lines), writeLog(dir, 'late.log', [kimsFirstPass])];
const {tasks} = await loadTaskCatalogue();
type Database = Awaited<ReturnType<typeof openTestDatabase>>;
const run = async (database: Database, id: string, values: Record<string, string> = {}) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === id)!, values));
const names = async (database: Database, id: string, values: Record<string, string> = {}) => (await run(database, id, values)).map((row) => row[0]).sort();

async function assertAnswers(database: Database): Promise<void> {
	// username, course, finished_at, first_activity, events (her enrollment and visit).
	assert.deepEqual(await run(database, 'finished'), [['kim', COURSE, '2024-05-03 10:00:00', '2024-05-01 10:00:00', 2]]);
	assert.deepEqual((await run(database, 'funnel')).map(([, stage, learners]) => `${stage}: ${learners}`), [
		'enrolled: 3', 'started: 3', 'watched a video: 0', 'attempted a problem: 0', 'attempted an exam: 0', 'passed: 1',
	]);
	// Reference day 05-04: lou is 3 days inactive, mia 0; kim has passed.
	assert.deepEqual(await names(database, 'at-risk', {days: '0'}), ['lou']);
	// At the end of 05-02 kim had not passed yet; at the end of 05-03 she had.
	assert.deepEqual(await names(database, 'at-risk', {days: '0', as_of: '2024-05-02'}), ['kim', 'lou', 'mia']);
	assert.deepEqual(await names(database, 'at-risk', {days: '0', as_of: '2024-05-03'}), ['lou', 'mia']);
	assert.deepEqual(await names(database, 'started-not-finished'), ['lou', 'mia']);
	const summary = await runTask(database.pool, tasks.find((task) => task.id === 'learner-summary')!, {});
	const wanted = ['username', 'finished_at', 'grade_percent', 'passing'].map((name) => summary.columns.findIndex((column) => column.name === name));
	assert.deepEqual(csvRows(summary).map((row) => wanted.map((index) => row[index])).sort(), [
		['kim', '2024-05-03 10:00:00', 80, true],
		['lou', null, 30, false],
		['mia', null, null, null],
	]);
}

it('a course grade with a letter finishes the learner in finished, funnel, at-risk, started-not-finished and learner-summary', async () => {
	const database = await openTestDatabase('passing_grades');
	await ingest(database, [whole]);
	await assertAnswers(database);
});

it('the first pass loaded later, older than a pass loaded before, is the finish', async () => {
	const database = await openTestDatabase('passing_grades_split');
	await ingest(database, [early]);
	assert.deepEqual(await run(database, 'finished'), [['kim', COURSE, '2024-05-04 10:00:00', '2024-05-01 10:00:00', 2]]);
	await ingest(database, [late]);
	await assertAnswers(database);
});

it('a database built before migration 177 finishes the learners of its stored grades, without a rebuild', async () => {
	const database = await openTestDatabase('passing_grades_migrated');
	await ingest(database, [whole]);
	// As the version before 177 left it: no finish but the passing grades'.
	await database.pool.query('DELETE FROM d_user_finish; DELETE FROM schema_version WHERE version = 177');
	assert.deepEqual(await names(database, 'finished'), []);
	assert.deepEqual(await migrated(database), [177]);
	await assertAnswers(database);
});
