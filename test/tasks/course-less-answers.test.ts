import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * ann checks a problem of course X and, with no course id (a check logged outside any course), a stray problem. A first
 * build counts the answers of every problem in d_learner_problem without listing the problems touched (see
 * problemAnswerSteps), an incremental build those it lists, which are a course's only: both leave the stray problem out.
 */
const X = 'course-v1:Uni+X+2024';
const check = (n: number, course: string, problem: string, answer: string) =>
	eventLine(n, {
		username: 'ann',
		event_source: 'server',
		time: `2024-03-04T10:0${n}:00+00:00`,
		page: 'x_module',
		name: 'problem_check',
		event_type: 'problem_check',
		event: {problem_id: problem, answers: {[`${problem}_2_1`]: answer}, attempts: 1, success: 'correct'},
		context: {user_id: 7, course_id: course, path: '/event'},
	});

const answers = async (pool: Awaited<ReturnType<typeof openTestDatabase>>['pool']) =>
	(await pool.query('SELECT course_id, problem_id, part, answer, first_attempts::int, last_attempts::int FROM d_problem_answer ORDER BY 1, 2, 3, 4')).rows;

it("a check of no course makes no answer rows, on a first build as on an incremental one", async () => {
	const dir = fixtureDir();
	const [courseFile, strayFile] = [path.join(dir, 'course.log'), path.join(dir, 'stray.log')];
	fs.writeFileSync(courseFile, `${check(1, X, 'p1', 'a')}\n`);
	fs.writeFileSync(strayFile, `${check(2, '', 'stray', 'b')}\n`);
	const database = await openTestDatabase('course_less_answers');
	await ingest(database, [courseFile]);
	await ingest(database, [strayFile]);
	const expected = [{course_id: X, problem_id: 'p1', part: 'p1_2_1', answer: 'a', first_attempts: 1, last_attempts: 1}];
	assert.deepEqual(await answers(database.pool), expected, 'incremental');
	await database.pool.query('UPDATE loads SET derived_done = false');
	await refreshDerived(database.pool);
	const {rows: problems} = await database.pool.query('SELECT course_id, problem_id FROM d_learner_problem ORDER BY 1');
	assert.deepEqual(problems, [{course_id: '', problem_id: 'stray'}, {course_id: X, problem_id: 'p1'}], 'both problems walked');
	assert.deepEqual(await answers(database.pool), expected, 'first build');
});
