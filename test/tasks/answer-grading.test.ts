import assert from 'node:assert/strict';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * Each answer's grading from the checks' correct_map, one check per learner (first and last attempt alike) on p1:
 * - part 2_1, answer "x": graded correct for learner 1 and incorrect for learner 2 (a randomized problem): 50 %.
 * - part 2_1, answer "y": partially-correct for learner 3: not correct in full, 0 %.
 * - part 3_1, answer "z": learner 4's correct_map says nothing of it (no correctness): not graded, empty.
 */
const PROBLEM = 'block-v1:Uni+GRADING+2024+type@problem+block@p1';
const check = (learner: number, answers: Record<string, string>, correctMap: Record<string, object>) =>
	eventLine(learner, {
		event_type: 'problem_check',
		event_source: 'server',
		time: `2024-05-0${learner}T10:00:00+00:00`,
		event: {problem_id: PROBLEM, answers, correct_map: correctMap, attempts: 1, success: 'incorrect'},
	});
const dir = fixtureDir();
const first = writeLog(dir, 'first.log', [
	check(1, {p1_2_1: 'x'}, {p1_2_1: {correctness: 'correct', npoints: null}}),
	check(2, {p1_2_1: 'x'}, {p1_2_1: {correctness: 'incorrect', npoints: null}}),
]);
const second = writeLog(dir, 'second.log', [
	check(3, {p1_2_1: 'y'}, {p1_2_1: {correctness: 'partially-correct', npoints: 0.5}}),
	check(4, {p1_3_1: 'z'}, {p1_3_1: {hint: ''}}),
]);
const {tasks} = await loadTaskCatalogue();

// In two loads, the second build reads the first's checks back from d_problem_event for the problem it touches.
for (const [label, loads] of [['one load', [[first, second]]], ['two loads', [[first], [second]]]] as const) {
	it(`problem-answers' correct_percent: the share of an answer's attempts graded correct in full (${label})`, async () => {
		const database = await openTestDatabase('answer_grading');
		for (const paths of loads) await ingest(database, [...paths]);
		const rows = (await runTask(database.pool, tasks.find((task) => task.id === 'problem-answers')!, {})).rows;
		// problem_id, unit, part, answer, first_attempts, last_attempts, correct_percent
		assert.deepEqual(
			rows.map((row) => [row[2], row[3], row[4], row[5], row[6]]),
			[
				['2_1', 'x', 2, 2, 50],
				['2_1', 'y', 1, 1, 0],
				['3_1', 'z', 1, 1, null],
			],
		);
	});
}
