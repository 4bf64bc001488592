import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';
import {SHARED_MISSING, sharedCorpus} from '../helpers/shared.js';

/**
 * item-analysis on two courses whose answers are worked out by hand.
 *
 * ITEMS: four learners' last scores on three one-part problems (0: their last check wrong; -: never checked, scores 0):
 *
 *         i1  i2  i3   total
 *   a      1   1   1   3
 *   b      1   1   0   2
 *   c      1   0   -   1
 *   d      0   -   -   0     (d's first check on i1 was right, the last wrong: the last one scores)
 *
 * Population moments: var(i1) = var(i3) = 3/16, var(i2) = 1/4, var(total) = 5/4, so alpha = 3/2 (1 - (5/8) / (5/4)) = 0.75.
 * i1: cov(i1, total) = 3/8, item-total r = (3/8) / sqrt(3/16 * 5/4) = 0.775; the rest (2, 1, 0, 0) has variance 11/16
 * and covariance 3/16, r = 0.522; alpha without it = 2 (1 - (7/16) / (11/16)) = 0.727. i3 likewise. i2: cov = 1/2,
 * r = 0.894; rest (2, 1, 1, 0): variance 1/2, covariance 1/4, r = 0.707; alpha without it = 2 (1 - (3/8) / (1/2)) = 0.5.
 *
 * PARTS: one two-part problem: e got one part of two right (0.5), f both (1); g's and h's checks logged no grading
 * of the parts, g's right (1), h's wrong (0): 62.5 % correct; one item, so no rest, no alpha.
 */
const ITEMS = 'course-v1:Uni+ITEMS+2024';
const PARTS = 'course-v1:Uni+PARTS+2024';
const problem = (course: string, id: string) => `block-v1:${course.slice('course-v1:'.length)}+type@problem+block@${id}`;
let clock = 0;
function check(course: string, username: string, id: string, parts: boolean[] | boolean): string {
	clock++;
	const part = (index: number) => `${id}_${index + 2}_1`;
	const correct = Array.isArray(parts) ? parts.every(Boolean) : parts;
	const event: Record<string, unknown> = {
		problem_id: problem(course, id),
		success: correct ? 'correct' : 'incorrect',
		answers: {[part(0)]: 'choice_1'},
		attempts: clock,
	};
	if (Array.isArray(parts)) {
		event.correct_map = Object.fromEntries(parts.map((right, index) => [part(index), {correctness: right ? 'correct' : 'incorrect'}]));
	}
	return JSON.stringify({
		username,
		event_type: 'problem_check',
		event_source: 'server',
		time: `2024-05-01T10:${String(Math.floor(clock / 60)).padStart(2, '0')}:${String(clock % 60).padStart(2, '0')}+00:00`,
		page: 'x_module',
		context: {course_id: course, user_id: username.charCodeAt(0), org_id: 'Uni', path: '/event'},
		event,
	});
}
const dir = fixtureDir();
const log = writeLog(dir, 'checks.log', [
	check(ITEMS, 'a', 'i1', [true]),
	check(ITEMS, 'a', 'i2', [true]),
	check(ITEMS, 'a', 'i3', [true]),
	check(ITEMS, 'b', 'i1', [true]),
	check(ITEMS, 'b', 'i2', [false]),
	check(ITEMS, 'b', 'i2', [true]),
	check(ITEMS, 'b', 'i3', [false]),
	check(ITEMS, 'c', 'i1', [true]),
	check(ITEMS, 'c', 'i2', [false]),
	check(ITEMS, 'd', 'i1', [true]),
	check(ITEMS, 'd', 'i1', [false]),
	check(PARTS, 'e', 'p', [true, false]),
	check(PARTS, 'f', 'p', [true, true]),
	check(PARTS, 'g', 'p', true),
	check(PARTS, 'h', 'p', false),
]);
const database = await openTestDatabase('item_analysis');
await ingest(database, [log]);
const {tasks} = await loadTaskCatalogue();
const itemAnalysis = tasks.find((task) => task.id === 'item-analysis')!;
// problem (its block id's last part), learners, percent_correct, item_rest_r, item_total_r, alpha_if_deleted, alpha, persons
const rows = async (values: Record<string, string>) =>
	(await runTask(database.pool, itemAnalysis, values)).rows.map(([id, , ...figures]) => [String(id).split('@').at(-1), ...figures]);

it('item-analysis: difficulty, item-rest and item-total correlations, alpha with and without each problem', async () => {
	assert.deepEqual(await rows({course: ITEMS, min_learners: '1'}), [
		['i1', 4, 75, 0.522, 0.775, 0.727, 0.75, 4],
		['i3', 2, 50, 0.522, 0.775, 0.727, 0.75, 4],
		['i2', 3, 66.7, 0.707, 0.894, 0.5, 0.75, 4],
	]);
});

it('item-analysis: the problems fewer than min_learners checked are no items (edx2bigquery: more than 5; by default 5)', async () => {
	assert.deepEqual(await rows({course: ITEMS}), []);
	// i1 and i2: totals (2, 2, 1, 0), variance 11/16; alpha = 2 (1 - (3/16 + 1/4) / (11/16)) = 0.727, and each one's rest is the
	// other: r = (1/8) / sqrt(3/16 * 1/4) = 0.577. Two items leave no alpha without one.
	assert.deepEqual(await rows({course: ITEMS, min_learners: '3'}), [
		['i1', 4, 75, 0.577, 0.87, null, 0.727, 4],
		['i2', 3, 66.7, 0.577, 0.905, null, 0.727, 4],
	]);
});

it('item-analysis: min_attempted leaves out the learners who checked too few of the problems', async () => {
	// At least 50 % of 3 problems: a, b, c (d checked one). i1 = (1, 1, 1): no variance, no correlation; totals (3, 2, 1),
	// variance 2/3, alpha = 3/2 (1 - (4/9) / (2/3)) = 0.5; i2 and i3: r with the rest = (1/9) / (2/9) = 0.5.
	assert.deepEqual(await rows({course: ITEMS, min_learners: '1', min_attempted: '50'}), [
		['i2', 3, 66.7, 0.5, 0.866, 0, 0.5, 3],
		['i3', 2, 50, 0.5, 0.866, 0, 0.5, 3],
		['i1', 3, 100, null, null, 0.667, 0.5, 3],
	]);
});

it("item-analysis: a score is the share of parts the last check got right, or without their grading the check's success; each course its own test", async () => {
	const parts = ['p', 4, 62.5, null, 1, null, null, 4];
	assert.deepEqual(await rows({course: PARTS, min_learners: '1'}), [parts]);
	// All courses: ITEMS's figures stay those of its own four learners.
	assert.deepEqual(await rows({min_learners: '1'}), [
		['i1', 4, 75, 0.522, 0.775, 0.727, 0.75, 4],
		['i3', 2, 50, 0.522, 0.775, 0.727, 0.75, 4],
		['i2', 3, 66.7, 0.707, 0.894, 0.5, 0.75, 4],
		parts,
	]);
});

/**
 * The statistics computed here from the raw log, the plain way (a learner × problem matrix per course), for
 * item-analysis's columns after problem_id and unit: the server's graded checks of each named learner, the last by
 * time (then attempts) scoring the share of its correct_map's graded parts that are correct, else 1 if a check succeeded.
 */
function itemStatistics(log: string): Map<string, unknown[]> {
	type Check = {time: number; attempts: number; parts: Array<{correctness?: string}>; success: boolean};
	const checks = new Map<string, Map<string, Map<string, Check[]>>>();
	for (const line of log.split('\n')) {
		let event: {event_type?: string; event_source?: string; username?: string; time: string; context?: {course_id?: string}; event?: unknown};
		try {
			event = JSON.parse(line);
		} catch {
			continue;
		}
		const payload = (typeof event.event === 'string' ? {} : event.event) as {problem_id?: string; attempts?: number; correct_map?: object; success?: string};
		const course = event.context?.course_id;
		if (event.event_type !== 'problem_check' || event.event_source !== 'server' || !event.username || event.username === 'anonymous') continue;
		if (!course || !payload?.problem_id) continue;
		const learners = checks.get(course) ?? checks.set(course, new Map()).get(course)!;
		const problems = learners.get(event.username) ?? learners.set(event.username, new Map()).get(event.username)!;
		const list = problems.get(payload.problem_id) ?? problems.set(payload.problem_id, []).get(payload.problem_id)!;
		const parts = Object.values(payload.correct_map ?? {}).filter((part) => ['correct', 'incorrect', 'partially-correct'].includes(part?.correctness));
		list.push({time: Date.parse(event.time), attempts: payload.attempts ?? 0, parts, success: payload.success === 'correct'});
	}
	const statistics = new Map<string, unknown[]>();
	const round = (value: number) => Math.round(value * 1000) / 1000;
	for (const learners of checks.values()) {
		const scores = new Map<string, Map<string, number>>();
		for (const [learner, problems] of learners) {
			const own = new Map<string, number>();
			for (const [problem, list] of problems) {
				const last = list.sort((a, b) => a.time - b.time || a.attempts - b.attempts).at(-1)!;
				own.set(problem, last.parts.length > 0 ? last.parts.filter((part) => part.correctness === 'correct').length / last.parts.length : Number(list.some((check) => check.success)));
			}
			scores.set(learner, own);
		}
		const persons = [...scores.keys()];
		const items = [...new Set(persons.flatMap((person) => [...scores.get(person)!.keys()]))];
		const score = (person: string, item: string) => scores.get(person)!.get(item) ?? 0;
		const total = (person: string) => items.reduce((sum, item) => sum + score(person, item), 0);
		const mean = (of: (person: string) => number) => persons.reduce((sum, person) => sum + of(person), 0) / persons.length;
		const covariance = (a: (person: string) => number, b: (person: string) => number) => mean((person) => a(person) * b(person)) - mean(a) * mean(b);
		const variance = (of: (person: string) => number) => covariance(of, of);
		const k = items.length;
		const totalVariance = variance(total);
		const sumVariance = items.reduce((sum, item) => sum + variance((person) => score(person, item)), 0);
		for (const item of items) {
			const own = (person: string) => score(person, item);
			const rest = (person: string) => total(person) - own(person);
			const [ownVariance, restVariance] = [variance(own), variance(rest)];
			const checked = persons.filter((person) => scores.get(person)!.has(item));
			statistics.set(item, [
				checked.length,
				Math.round((1000 * checked.reduce((sum, person) => sum + own(person), 0)) / checked.length) / 10,
				ownVariance > 1e-12 && restVariance > 1e-12 ? round(covariance(own, rest) / Math.sqrt(ownVariance * restVariance)) : null,
				ownVariance > 1e-12 && totalVariance > 1e-12 ? round(covariance(own, total) / Math.sqrt(ownVariance * totalVariance)) : null,
				k >= 3 && restVariance > 1e-12 ? round(((k - 1) / (k - 2)) * (1 - (sumVariance - ownVariance) / restVariance)) : null,
				k >= 2 && totalVariance > 1e-12 ? round((k / (k - 1)) * (1 - sumVariance / totalVariance)) : null,
				persons.length,
			]);
		}
	}
	return statistics;
}

const corpus = sharedCorpus();
it('item-analysis on a real log (answer_dist_acceptance_tracking.log: 3 courses, 13 problems) equals the statistics computed from its raw checks', {skip: corpus ? false : SHARED_MISSING}, async () => {
	const file = path.join(corpus!, 'openedx-unsupported__edx-analytics-pipeline', 'answer_dist_acceptance_tracking.log');
	const real = await openTestDatabase('item_analysis_corpus');
	await ingest(real, [file]);
	const expected = itemStatistics(fs.readFileSync(file, 'utf8'));
	const rows = (await runTask(real.pool, itemAnalysis, {min_learners: '1'})).rows;
	assert.equal(rows.length, 13);
	assert.deepEqual(new Map(rows.map(([problem, , ...figures]) => [problem, figures])), expected);
});
