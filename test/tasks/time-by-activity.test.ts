import assert from 'node:assert/strict';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * time-by-activity on a course whose minutes were counted by hand (times UTC):
 * - ann, 2024-03-01: plays a video 10:00, checks a problem 10:02, pauses the video 10:03 (3 minutes of video: the
 *   problem between is video time too, edx2bigquery's caveat), checks again 10:10 (8 minutes of problem: under 30
 *   minutes, not under 5), posts in the forum 10:11 and opens a thread 10:12 (a server request of a forum URL: 1
 *   minute of forum), turns a textbook page 10:20 and opens the wiki 10:24 (a server request: 4 minutes of text).
 *   2024-03-02: plays 09:00 and pauses 09:01:30 (1.5 minutes of video; nothing from the day before: 23 hours).
 *   Total: 2+1+7+1+1+8+4 = 24 minutes on 03-01 under 30 (2+1+1+1+4 = 9 under 5), and 1.5 on 03-02.
 * - bob views two pages 2 minutes apart: 2 minutes in total, none of a kind.
 * - cat has one event: nothing.
 */
const COURSE = 'course-v1:Uni+TIME+2024';
const line = (username: string, userId: number, eventType: string, time: string, source = 'browser') =>
	JSON.stringify({
		username, event_type: eventType, event_source: source, time: `2024-${time}+00:00`, page: `https://openedu.ru/courses/${COURSE}/courseware/ch1/s1/`,
		context: {course_id: COURSE, user_id: userId, org_id: 'Uni', path: '/event'}, event: {},
	});
const ann = (eventType: string, time: string, source?: string) => line('ann', 1, eventType, time, source);
const dir = fixtureDir();
// The second file's events fall between the first's: its load re-walks ann's whole hour.
const first = writeLog(dir, 'first.log', [
	ann('play_video', '03-01T10:00:00'),
	ann('problem_check', '03-01T10:10:00', 'server'),
	ann('edx.forum.thread.created', '03-01T10:11:00', 'server'),
	ann('textbook.pdf.page.navigated', '03-01T10:20:00'),
	line('bob', 2, 'page_view', '03-01T12:00:00'),
	line('cat', 3, 'page_view', '03-01T13:00:00'),
]);
const second = writeLog(dir, 'second.log', [
	ann('problem_check', '03-01T10:02:00', 'server'),
	ann('pause_video', '03-01T10:03:00'),
	ann(`/courses/${COURSE}/discussion/forum/general/threads/t1`, '03-01T10:12:00', 'server'),
	ann(`/courses/${COURSE}/wiki/${COURSE}/`, '03-01T10:24:00', 'server'),
	ann('play_video', '03-02T09:00:00'),
	ann('pause_video', '03-02T09:01:30'),
	line('bob', 2, 'page_view', '03-01T12:02:00'),
]);
const {tasks} = await loadTaskCatalogue();
const task = tasks.find((candidate) => candidate.id === 'time-by-activity')!;

// username, minutes, video, problem, forum, text
const EVERY_DAY = [
	['ann', 25.5, 4.5, 8, 1, 4],
	['bob', 2, 0, 0, 0, 0],
	['cat', 0, 0, 0, 0, 0],
];

async function assertAnswers(pool: Awaited<ReturnType<typeof openTestDatabase>>['pool'], label: string): Promise<void> {
	const run = async (values: Record<string, string> = {}) => csvRows(await runTask(pool, task, values));
	assert.deepEqual(await run(), EVERY_DAY, label);
	assert.deepEqual(await run({idle: '5'}), [['ann', 10.5, 4.5, 0, 1, 4], ['bob', 2, 0, 0, 0, 0], ['cat', 0, 0, 0, 0, 0]], label);
	assert.deepEqual(await run({user: 'ann', to: '2024-03-01'}), [['ann', 24, 3, 8, 1, 4]], label);
	assert.deepEqual(await run({user: 'ann', from: '2024-03-02'}), [['ann', 1.5, 1.5, 0, 0, 0]], label);
	// In Samoa (UTC+13) 03-01 10:00 UTC is 03-01 23:00 and 03-02 09:00 UTC is 03-02 22:00: the same days.
	assert.deepEqual(await run({user: 'ann', from: '2024-03-02', tz: 'Pacific/Apia'}), [['ann', 1.5, 1.5, 0, 0, 0]], label);
	// On Kiritimati (UTC+14) 03-01 10:00 UTC is 03-02 00:00: every minute is on 03-02.
	assert.deepEqual(await run({user: 'ann', from: '2024-03-02', tz: 'Pacific/Kiritimati'}), [EVERY_DAY[0]], label);
}

for (const [label, loads] of [
	['one load', [[first, second]]],
	["two loads, the second's events between the first's", [[first], [second]]],
] as const) {
	it(`time-by-activity: minutes per learner in total and per kind, from each gap to the previous event of that kind (${label}, and one build of it)`, async () => {
		const database = await openTestDatabase('time_by_activity');
		for (const paths of loads) await ingest(database, [...paths]);
		await assertAnswers(database.pool, label);
		await assert.rejects(runTask(database.pool, task, {user: "x'; drop table events; --"}), /learner/i);
		assert.equal((await database.pool.query('SELECT count(*)::int AS count FROM events')).rows[0].count, 13, 'the events table is still there');
		await database.pool.query('UPDATE loads SET derived_done = false');
		await refreshDerived(database.pool);
		await assertAnswers(database.pool, `${label}, one build`);
	});
}
