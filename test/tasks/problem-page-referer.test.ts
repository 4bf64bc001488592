import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';
import {SHARED_MISSING, sharedCorpus} from '../helpers/shared.js';

/**
 * A problem whose learners' first event on it is the server's graded check, with no page event before it (a mobile
 * app, a blocked browser tracker): the check's `page` is the placeholder x_module, but its referer is the unit page
 * the check was sent from (as in problem_response_tracking.log). ann checks p1 from unit 1 of section s1, then opens
 * the outline, which names s1 "Unit one"; bob checks p2 with no referer (as the LMS logged it before 2015: answer_dist_acceptance_tracking.log):
 * its page is unknown. In a second load, cat checks p3 from unit 2 of s1. So p1's page is …/s1/1, named "Unit one",
 * p3's …/s1/2 (named so too: its section's), and p2 has none.
 */
const COURSE = 'course-v1:Uni+REF+2024';
const LMS = `https://lms.example.org/courses/${COURSE}`;
const problem = (id: string) => `block-v1:Uni+REF+2024+type@problem+block@${id}`;
let minute = 0;
const event = (username: string, fields: Record<string, unknown>) =>
	JSON.stringify({
		username, time: `2024-03-01T10:${String(minute++).padStart(2, '0')}:00+00:00`,
		context: {course_id: COURSE, user_id: ['ann', 'bob', 'cat'].indexOf(username) + 1, org_id: 'Uni', path: '/event'}, ...fields,
	});
const check = (username: string, id: string, referer?: string) =>
	event(username, {
		event_type: 'problem_check', event_source: 'server', page: 'x_module', ...(referer ? {referer} : {}),
		event: {problem_id: problem(id), answers: {[`${id}_2_1`]: 'a'}, attempts: 1, success: 'correct'},
	});
const dir = fixtureDir();
const first = writeLog(dir, 'first.log', [
	check('ann', 'p1', `${LMS}/courseware/ch1/s1/1?activate_block_id=x`),
	event('ann', {
		event_type: 'edx.ui.lms.outline.selected', event_source: 'browser', page: `${LMS}/course/`,
		event: JSON.stringify({target_url: `${LMS}/jump_to/block-v1:Uni+REF+2024+type@sequential+block@s1`, target_name: 'Unit one'}),
	}),
	check('bob', 'p2'),
]);
const second = writeLog(dir, 'second.log', [check('cat', 'p3', `${LMS}/courseware/ch1/s1/2`)]);
const {tasks} = await loadTaskCatalogue();

it("a problem first met in a server check: its page is the check's referer, none without one", async () => {
	const database = await openTestDatabase('problem_referer');
	const columns = async (id: string, ...indexes: number[]): Promise<Record<string, unknown[]>> =>
		Object.fromEntries((await runTask(database.pool, tasks.find((task) => task.id === id)!, {})).rows.map((row) => [row[0], indexes.map((index) => row[index])]));
	const pages = async () => {
		// problems: problem_id, unit, …, url; problem-answers (problem_id, unit, …) shows the same unit.
		const problems = await columns('problems', 1, 9);
		assert.deepEqual(await columns('problem-answers', 1), Object.fromEntries(Object.entries(problems).map(([id, [unit]]) => [id, [unit]])));
		return problems;
	};
	await ingest(database, [first]);
	assert.deepEqual(await pages(), {
		[problem('p1')]: ['Unit one', `/courses/${COURSE}/courseware/ch1/s1/1`],
		[problem('p2')]: [null, null],
	});
	await ingest(database, [second]);
	const expected = {
		[problem('p1')]: ['Unit one', `/courses/${COURSE}/courseware/ch1/s1/1`],
		[problem('p2')]: [null, null],
		[problem('p3')]: ['Unit one', `/courses/${COURSE}/courseware/ch1/s1/2`],
	};
	assert.deepEqual(await pages(), expected, 'a later load (an incremental build)');
	await database.pool.query('UPDATE loads SET derived_done = false');
	await refreshDerived(database.pool);
	assert.deepEqual(await pages(), expected, 'one build of both loads');
});

const corpus = sharedCorpus();

it('the corpus: a problem of the learning MFE checked with no page event has its unit; a 2014 log tells no page', {skip: corpus ? false : SHARED_MISSING}, async () => {
	const database = await openTestDatabase('problem_referer_corpus');
	// event-routing-backends' three server checks of one problem by staff (one pretty-printed event a file, with the
	// tracking log's fields too), sent from the MFE's frame of its unit (…/xblock/<vertical>?show_title=0…).
	const folder = path.join(corpus!, 'openedx__event-routing-backends', 'processed_events_current');
	const checks = ['correct', 'incorrect', 'partial_correct'].map((grading) =>
		JSON.stringify(JSON.parse(fs.readFileSync(path.join(folder, `problem_check(server,multiple_questions,${grading}).json`), 'utf8'))),
	);
	await ingest(database, [writeLog(fixtureDir(), 'mfe-checks.log', checks)]);
	const problems = await runTask(database.pool, tasks.find((task) => task.id === 'problems')!, {});
	// problem_id, unit, learners, attempts, …, url
	assert.deepEqual(
		problems.rows.map((row) => [row[0], row[2], row[3], row[9]]),
		[['block-v1:edX+DemoX+Demo_Course+type@problem+block@a0effb954cca4759994f1ac9e9434bf4', 1, 3, '/xblock/block-v1:edX+DemoX+Demo_Course+type@vertical+block@54bb9b142c6c4c22afc62bcb628f0e68']],
	);
	// tags_dist_acceptance_tracking.log (2014): its learners' only events on its 15 problems are server checks without a
	// referer (page x_module), and no page event comes before them: no problem's page is known.
	await database.pool.query('TRUNCATE events, file_chunks, rejected_lines, source_files, loads CASCADE');
	await ingest(database, [path.join(corpus!, 'openedx-unsupported__edx-analytics-pipeline', 'tags_dist_acceptance_tracking.log')]);
	const old = (await runTask(database.pool, tasks.find((task) => task.id === 'problems')!, {})).rows;
	assert.deepEqual([old.length, old.filter((row) => row[9] === null).length], [15, 15]);
});
