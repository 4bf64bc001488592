import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * A learner's events logged at the same time (whole seconds), split between two files:
 * - pia, at 10:00:00, on section A (first file) and section B (second file), then B at 10:00:30 and A at 10:01: the
 *   walk takes A before B (their URLs' byte order), so she visits A, B, A: two transitions.
 * - vic plays vid9 from 10 s (first file) and from 20 s (second file) at 11:00:00 and pauses at 50 s 30 s later: the
 *   play from 20 s comes last (positions in order) and is the one the pause closes: 30 s watched.
 * - pat's two checks of p9 at 12:00:00, both attempt 1 with the same answer, wrong (first file) and right (second
 *   file): the wrong one first, so the first try was not correct and the right answer came at the second.
 * Each file's other learner, zed, visits one of the sections weeks before: loaded first, it numbers that URL first.
 */
const COURSE = 'course-v1:Uni+TIES+2024';
// As a page is shown: its path (the log names it at https://openedu.ru).
const PAGE = (section: string) => `/courses/${COURSE}/courseware/ch1/${section}`;
const line = (username: string, userId: number, eventType: string, time: string, extra: object) =>
	JSON.stringify({
		username, event_type: eventType, event_source: 'browser', time: `2024-${time}+00:00`, page: null,
		context: {course_id: COURSE, user_id: userId, org_id: 'Uni', path: '/event'}, event: {}, ...extra,
	});
const visit = (username: string, time: string, section: string) => line(username, 1, 'page_view', time, {page: `https://openedu.ru${PAGE(section)}/`});
const player = (eventType: string, time: string, position: number) =>
	line('vic', 2, eventType, time, {page: `https://openedu.ru${PAGE('seqC')}/`, event: JSON.stringify({id: 'vid9', currentTime: position, duration: 100})});
const check = (success: string) =>
	line('pat', 3, 'problem_check', '03-01T12:00:00', {event_source: 'server', page: 'x_module', event: {problem_id: 'p9', success, answers: {p9_2_1: 'choice_1'}, attempts: 1}});
const dir = fixtureDir();
const write = (name: string, lines: string[]) => {
	fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
	return path.join(dir, name);
};
const first = write('first.log', [
	visit('zed', '01-01T10:00:00', 'seqA'),
	visit('pia', '03-01T10:00:00', 'seqA'),
	visit('pia', '03-01T10:00:30', 'seqB'),
	visit('pia', '03-01T10:01:00', 'seqA'),
	player('play_video', '03-01T11:00:00', 10),
	player('pause_video', '03-01T11:00:30', 50),
	check('incorrect'),
]);
const second = write('second.log', [visit('zed', '01-02T10:00:00', 'seqB'), visit('pia', '03-01T10:00:00', 'seqB'), player('play_video', '03-01T11:00:00', 20), check('correct')]);
const {tasks} = await loadTaskCatalogue();

async function assertAnswers(pool: Awaited<ReturnType<typeof openTestDatabase>>['pool'], label: string): Promise<void> {
	const run = async (id: string, values: Record<string, string> = {}) => csvRows(await runTask(pool, tasks.find((task) => task.id === id)!, values));
	assert.deepEqual(
		await run('learner-path', {user: 'pia'}),
		[
			[1, 1, '2024-03-01 10:00:00', PAGE('seqA'), null],
			[2, 1, '2024-03-01 10:00:00', PAGE('seqB'), null],
			[3, 1, '2024-03-01 10:01:00', PAGE('seqA'), null],
		],
		label,
	);
	assert.deepEqual(await run('page-transitions'), [[PAGE('seqA'), PAGE('seqB'), 1, 1], [PAGE('seqB'), PAGE('seqA'), 1, 1]], label);
	// video_id, unit, viewers, plays, watched_minutes, duration_seconds, completed, url
	assert.deepEqual(await run('video-engagement'), [['vid9', null, 1, 2, 0.5, 100, 0, PAGE('seqC')]], label);
	// problem_id, unit, learners, attempts, first_try_correct_percent, mean_attempts_to_correct, solved, show_answer,
	// show_answer_before_trying, url (pat was on no page)
	assert.deepEqual(await run('problems'), [['p9', null, 1, 2, 0, 2, 1, 0, 0, null]], label);
}

for (const [label, loads] of [
	['one load', [[first, second]]],
	['the second file loaded first', [[second], [first]]],
	['the first file loaded first', [[first], [second]]],
] as const) {
	it(`events at the same time are walked in one order (${label}, and one build of it)`, async () => {
		const database = await openTestDatabase('event_ties');
		for (const paths of loads) await ingest(database, [...paths]);
		await assertAnswers(database.pool, label);
		await database.pool.query('UPDATE loads SET derived_done = false');
		await refreshDerived(database.pool);
		await assertAnswers(database.pool, `${label}, one build`);
	});
}
