import assert from 'node:assert/strict';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * Course grades as Open edX logs them (edx.grades.course.grade_calculated, by the server without a username, the
 * user id a string in the payload), in course A unless said:
 * - 1: 20 %, then 65 % with a letter: 60–69 %, passing.
 * - 2 (logged with his name, bob): 100 % "Pass": 100 %, passing.
 * - 3: 3 %: 0–9 %.
 * - 4: 57 % (0.57 * 100 is 56.99999999999999 as a double): 50–59 %.
 * - 5: two grades at one time, 40 % and 49.9 %: the higher, 40–49 %.
 * - 6: a grade that is no number, and 7 one of 130 %: left out.
 * - 1 in course B: 95 %, "A": 90–99 % there.
 */
const A = 'course-v1:Uni+GRADES+A';
const B = 'course-v1:Uni+GRADES+B';
const grade = (userId: number, time: string, percent: unknown, letter = '', {course = A, username = ''} = {}) =>
	JSON.stringify({
		username, event_type: 'edx.grades.course.grade_calculated', event_source: 'server', time: `2024-05-${time}:00+00:00`, page: null,
		context: {course_id: course, org_id: 'Uni', path: '/event'},
		event: {user_id: String(userId), course_id: course, percent_grade: percent, letter_grade: letter},
	});
const log = writeLog(fixtureDir(), 'grades.log', [
	grade(1, '01T10:00', 0.2),
	grade(1, '02T10:00', 0.65, 'Pass'),
	grade(2, '01T11:00', 1, 'Pass', {username: 'bob'}),
	grade(3, '01T12:00', 0.03),
	grade(4, '01T13:00', 0.57),
	grade(5, '01T14:00', 0.4),
	grade(5, '01T14:00', 0.499),
	grade(6, '01T15:00', 'n/a'),
	grade(7, '01T16:00', 1.3, 'Pass'),
	grade(1, '03T10:00', 0.95, 'A', {course: B}),
]);
const {tasks} = await loadTaskCatalogue();

it('grade-distribution: each learner by their latest course grade, in steps of 10 %', async () => {
	const database = await openTestDatabase('grades');
	await ingest(database, [log]);
	const run = async (course?: string) => (await runTask(database.pool, tasks.find((task) => task.id === 'grade-distribution')!, course ? {course} : {})).rows;
	const empty = (from: number) => [from, from === 100 ? 100 : from + 9, 0, 0, 0];
	// grade_from, grade_to, learners, share %, passing: five graded in A.
	assert.deepEqual(await run(A), [
		[0, 9, 1, 20, 0],
		...[10, 20, 30].map(empty),
		[40, 49, 1, 20, 0],
		[50, 59, 1, 20, 0],
		[60, 69, 1, 20, 1],
		...[70, 80, 90].map(empty),
		[100, 100, 1, 20, 1],
	]);
	const all = await run();
	assert.deepEqual(all[9], [90, 99, 1, 16.7, 1]);
	assert.equal(all.reduce((sum, row) => sum + Number(row[2]), 0), 6);
});
