import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * learner1 checks p1 twice in one whole second: wrong first (attempts 1, answer 'b'), then right (attempts 2,
 * answer 'a'). The answers' text sorts the right one first, and the log lists it first too: the server's
 * attempt numbers are what put the wrong one first.
 */
const PROBLEM = 'block-v1:spbstu+PHYLOS+fall_2018+type@problem+block@p1';
const check = (attempts: number, answer: string, success: string) =>
	eventLine(1, {
		event_type: 'problem_check',
		event_source: 'server',
		time: '2018-09-17T10:00:00+00:00',
		event: {problem_id: PROBLEM, answers: {p1_2_1: answer}, attempts, success},
	});
const wrong = check(1, 'b', 'incorrect');
const right = check(2, 'a', 'correct');
const dir = fixtureDir();
const {tasks} = await loadTaskCatalogue();

async function assertWrongFirst(pool: Awaited<ReturnType<typeof openTestDatabase>>['pool'], label: string): Promise<void> {
	const run = async (id: string) => (await runTask(pool, tasks.find((task) => task.id === id)!, {})).rows;
	// problem_id, unit, learners, attempts, first_try_correct_percent, mean_attempts_to_correct, solved, show_answer, url
	assert.deepEqual(await run('problems'), [[PROBLEM, null, 1, 2, 0, 2, 1, 0, 0, '/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/a1/b2']], label);
	// problem_id, unit, part, answer, first_attempts, last_attempts
	assert.deepEqual(await run('problem-answers'), [[PROBLEM, null, '2_1', 'b', 1, 0, null], [PROBLEM, null, '2_1', 'a', 0, 1, null]], label);
}

it('checks at the same time follow their attempt numbers, in one load', async () => {
	const file = path.join(dir, 'both.log');
	fs.writeFileSync(file, `${right}\n${wrong}\n`);
	const database = await openTestDatabase('problem_ties_one');
	await ingest(database, [file]);
	await assertWrongFirst(database.pool, 'one load');
});

it('checks at the same time follow their attempt numbers, loaded in two files (incremental) and rebuilt', async () => {
	const [first, second] = [path.join(dir, 'right.log'), path.join(dir, 'wrong.log')];
	fs.writeFileSync(first, `${right}\n`);
	fs.writeFileSync(second, `${wrong}\n`);
	const database = await openTestDatabase('problem_ties_two');
	await ingest(database, [first]);
	await ingest(database, [second]);
	await assertWrongFirst(database.pool, 'two loads');
	await database.pool.query('UPDATE loads SET derived_done = false');
	await refreshDerived(database.pool);
	await assertWrongFirst(database.pool, 'one build of both loads');
});
