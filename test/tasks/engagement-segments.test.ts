import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * engagement-segments on two courses whose percentiles are worked out by hand (positions as percentile_cont and
 * numpy take them: p × (n − 1) in the sorted values, interpolated).
 *
 * SEG, the week 05-08..05-14 (its last event: k's, 05-14), eleven learners active in it:
 *
 * | learner | videos | checks (problem ✓/✗)      | attempts | attempted | completed | per completed | posts |
 * | a       | 0      | (a page only)              | 0        | 0         | 0         | –             | 0     |
 * | b       | 1      | –                          | 0        | 0         | 0         | –             | 0     |
 * | c       | 1      | P1✓                        | 1        | 1         | 1         | 1             | 0     |
 * | d       | 1      | P1✗ P1✓                    | 2        | 1         | 1         | 2             | 0     |
 * | e       | 1      | P1✓ P2✓                    | 2        | 2         | 2         | 1             | 0     |
 * | f       | 1      | P1✗                        | 1        | 1         | 0         | Infinity      | 0     |
 * | g       | 1      | P1✓                        | 1        | 1         | 1         | 1             | 0     |
 * | h       | 1      | P1✗ P1✗ P1✓                | 3        | 1         | 1         | 3             | 0     |
 * | i       | 1      | P1✓ P2✗ P2✗                | 3        | 2         | 1         | 3             | 1     |
 * | j       | 1      | P1✗ P1✗ P1✗ P1✓            | 4        | 1         | 1         | 4             | 2     |
 * | k       | 3      | P1✓ P2✓ P3✓                | 3        | 3         | 3         | 1             | 5     |
 *
 * (n = 11: the 15th percentile at position 1.5, the 85th at 8.5.)
 * - videos [0,1,1,1,1,1,1,1,1,1,3]: 15th 1, 85th 1 — equal, so nobody is high on it, not even k's 3.
 * - attempted [0,0,1,1,1,1,1,1,2,2,3]: 85th (2 + 2) / 2 = 2, 15th 0.5: e and i at it (a tie: high) and k.
 * - completed [0,0,0,1,1,1,1,1,1,2,3]: 85th (1 + 2) / 2 = 1.5, 15th 0: e and k.
 * - posts [0,0,0,0,0,0,0,0,1,2,5]: 85th 1.5, 15th 0: j and k (i's 1 is below).
 * - per completed, of the nine with an attempt [1,1,1,1,2,3,3,4,Infinity]: 85th at 6.8 = 3 + 0.8 × (4 − 3) = 3.8,
 *   15th 1: j and f are struggling (h and i's 3 are not).
 * b's play at 05-07 23:59 and c's check of 05-05 are the week before. p played a video on 05-07 only and the learner
 * named x'; drop table events; -- visited a page on 05-03 only: disengaging. m (04-30) is two weeks back, n only
 * enrolled (05-06): neither is listed.
 *
 * SEG2, the week 05-14..05-20: r and s solve P1, t fails P1, u fails P1 and P2 (n = 4: positions 0.45 and 2.55).
 * - attempted [1,1,1,2]: 85th 1 + 0.55 × 1 = 1.55: u. completed [0,0,1,1]: 85th 1, 15th 0: r and s (a tie).
 * - per completed [1,1,Infinity,Infinity]: 15th 1; the 85th falls between two Infinity, where interpolating gives
 *   NaN, which is Infinity: t and u are struggling.
 */
const SEG = 'course-v1:Uni+SEG+2024';
const SEG2 = 'course-v1:Uni+SEG2+2024';
const DROP = "x'; drop table events; --";
const userIds = new Map<string, number>();
const userId = (username: string) => userIds.get(username) ?? userIds.set(username, userIds.size + 1).get(username)!;
const event = (course: string, username: string, time: string, eventType: string, fields: object) =>
	JSON.stringify({
		username, event_type: eventType, event_source: 'server', time: `2024-${time}:00+00:00`, page: null,
		context: {course_id: course, user_id: userId(username), org_id: 'Uni', path: '/event'}, ...fields,
	});
const page = (username: string, time: string) =>
	event(SEG, username, time, 'seq_goto', {event_source: 'browser', page: `https://openedu.ru/courses/${SEG}/courseware/a/b/1`, event: '{}'});
const play = (username: string, time: string, video: string) =>
	event(SEG, username, time, 'play_video', {event_source: 'browser', event: JSON.stringify({id: video, currentTime: 0})});
const check = (username: string, time: string, problem: string, correct: boolean, course = SEG) =>
	event(course, username, time, 'problem_check', {event: {problem_id: `${course}/${problem}`, success: correct ? 'correct' : 'incorrect', attempts: 1}});
const post = (username: string, time: string, kind: 'thread' | 'response' | 'comment') =>
	event(SEG, username, time, `edx.forum.${kind}.created`, {event: {commentable_id: 'c1'}});
/** Checks of one problem, one a minute from the time given, right or wrong in turn. */
const checks = (username: string, day: string, problem: string, results: boolean[]) =>
	results.map((correct, minute) => check(username, `${day}T10:0${minute}`, problem, correct));

const dir = fixtureDir();
const file = path.join(dir, 'segments.log');
fs.writeFileSync(
	file,
	`${[
		page('m', '04-30T10:00'),
		page(DROP, '05-03T10:00'),
		check('c', '05-05T10:00', 'P2', true),
		event(SEG, 'n', '05-06T10:00', 'edx.course.enrollment.activated', {event: {course_id: SEG, user_id: userId('n'), mode: 'audit'}}),
		play('b', '05-07T23:59', 'v2'),
		play('p', '05-07T18:40', 'v1'),
		page('a', '05-08T10:00'),
		play('b', '05-09T10:00', 'v1'),
		...['c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((username) => play(username, '05-10T09:00', 'v1')),
		...checks('c', '05-10', 'P1', [true]),
		...checks('d', '05-10', 'P1', [false, true]),
		...checks('e', '05-10', 'P1', [true]),
		...checks('e', '05-11', 'P2', [true]),
		...checks('f', '05-10', 'P1', [false]),
		...checks('g', '05-10', 'P1', [true]),
		...checks('h', '05-10', 'P1', [false, false, true]),
		...checks('i', '05-10', 'P1', [true]),
		...checks('i', '05-11', 'P2', [false, false]),
		...checks('j', '05-10', 'P1', [false, false, false, true]),
		post('i', '05-12T10:00', 'thread'),
		post('j', '05-12T10:00', 'response'),
		post('j', '05-12T10:01', 'comment'),
		play('k', '05-08T10:00', 'v1'),
		play('k', '05-08T10:05', 'v1'),
		play('k', '05-08T10:10', 'v2'),
		play('k', '05-14T10:00', 'v3'),
		...checks('k', '05-14', 'P1', [true]),
		...checks('k', '05-14', 'P2', [true]),
		...checks('k', '05-14', 'P3', [true]),
		...(['thread', 'thread', 'response', 'comment', 'comment'] as const).map((kind, minute) => post('k', `05-14T18:0${minute}`, kind)),
		check('r', '05-14T10:00', 'P1', true, SEG2),
		check('s', '05-16T10:00', 'P1', true, SEG2),
		check('t', '05-18T10:00', 'P1', false, SEG2),
		check('u', '05-20T10:00', 'P1', false, SEG2),
		check('u', '05-20T10:01', 'P2', false, SEG2),
	].join('\n')}\n`,
);
const database = await openTestDatabase('engagement_segments');
await ingest(database, [file]);
const {tasks} = await loadTaskCatalogue();
const segments = tasks.find((task) => task.id === 'engagement-segments')!;
const run = async (values: Record<string, string>) => csvRows(await runTask(database.pool, segments, values));

// username, course_id, week_start, week_end, segments, reasons, days_active, videos_viewed, problem_attempts,
// problems_attempted, problems_completed, attempts_per_completed, forum_posts
const seg = (username: string, segment: string | null, reasons: string | null, counts: (number | null)[], days = 1) =>
	[username, SEG, '2024-05-08', '2024-05-14', segment, reasons, days, ...counts];
const SEG_ROWS = [
	seg('a', null, null, [0, 0, 0, 0, null, 0]),
	seg('b', null, null, [1, 0, 0, 0, null, 0]),
	seg('c', null, null, [1, 1, 1, 1, 1, 0]),
	seg('d', null, null, [1, 2, 1, 1, 2, 0]),
	seg('e', 'highly_engaged', 'problems_attempted, problems_completed', [1, 2, 2, 2, 1, 0], 2),
	seg('f', 'struggling', 'attempts_per_completed', [1, 1, 1, 0, Infinity, 0]),
	seg('g', null, null, [1, 1, 1, 1, 1, 0]),
	seg('h', null, null, [1, 3, 1, 1, 3, 0]),
	seg('i', 'highly_engaged', 'problems_attempted', [1, 3, 2, 1, 3, 1], 3),
	seg('j', 'highly_engaged, struggling', 'forum_posts, attempts_per_completed', [1, 4, 1, 1, 4, 2], 2),
	seg('k', 'highly_engaged', 'problems_attempted, problems_completed, forum_posts', [3, 3, 3, 3, 1, 5], 2),
	seg('p', 'disengaging', null, [0, 0, 0, 0, null, 0], 0),
	seg(DROP, 'disengaging', null, [0, 0, 0, 0, null, 0], 0),
];

it('engagement-segments: the week\'s metrics, the percentiles worked out by hand, a tie at the 85th percentile high, equal percentiles flagging nobody', async () => {
	assert.deepEqual(await run({course: SEG}), SEG_ROWS);
	assert.deepEqual(await run({course: SEG, segment: 'struggling'}), [SEG_ROWS[5], SEG_ROWS[9]]);
	assert.deepEqual(await run({course: SEG, segment: 'disengaging'}), SEG_ROWS.slice(11));
});

it("engagement-segments in another zone: b's play of 05-07 23:59 UTC is in the week; the day tables and the hours agree", async () => {
	// Moscow (UTC+3, the test database's day zone: its day tables) and Kolkata (UTC+05:30: the hourly tables) alike.
	// p's play at 18:40 UTC is 00:10 on 05-08 in Kolkata, but its UTC hour begins at 23:30 on 05-07, the day the day
	// tables put it in: so is the play, and p stays disengaging there too, without a video viewed.
	// b is active on two days; videos [0,1,1,1,1,1,1,1,1,2,3]: 15th 1, 85th (1 + 2) / 2 = 1.5, so b (2 videos) and k are high on it.
	const shifted = [...SEG_ROWS];
	shifted[1] = seg('b', 'highly_engaged', 'videos_viewed', [2, 0, 0, 0, null, 0], 2);
	shifted[10] = seg('k', 'highly_engaged', 'videos_viewed, problems_attempted, problems_completed, forum_posts', [3, 3, 3, 3, 1, 5], 2);
	assert.deepEqual(await run({course: SEG, tz: 'Europe/Moscow'}), shifted);
	assert.deepEqual((await runTask(database.pool, segments, {course: SEG, tz: 'Asia/Kolkata'})).rows, (await runTask(database.pool, segments, {course: SEG, tz: 'Europe/Moscow'})).rows);
});

it('engagement-segments: each course its own week and percentiles; Infinity percentiles make the learners without a completion struggling', async () => {
	const seg2 = (username: string, segment: string, reasons: string, counts: (number | null)[]) =>
		[username, SEG2, '2024-05-14', '2024-05-20', segment, reasons, 1, 0, ...counts, 0];
	const seg2Rows = [
		seg2('r', 'highly_engaged', 'problems_completed', [1, 1, 1, 1]),
		seg2('s', 'highly_engaged', 'problems_completed', [1, 1, 1, 1]),
		seg2('t', 'struggling', 'attempts_per_completed', [1, 1, 0, Infinity]),
		seg2('u', 'highly_engaged, struggling', 'problems_attempted, attempts_per_completed', [2, 2, 0, Infinity]),
	];
	assert.deepEqual(await run({course: SEG2}), seg2Rows);
	// All courses: one list by name, each course with its own week and percentiles.
	assert.deepEqual(await run({}), [...SEG_ROWS.slice(0, 12), ...seg2Rows, SEG_ROWS[12]]);
});

it('engagement-segments as of a day: the week ending with it, and the week before it for disengaging', async () => {
	// 05-01..05-07: b and p (a video each), c (P2 right) and the page visitor; m, active on 04-30, is disengaging. n only
	// enrolled. n = 4 (positions 0.45 and 2.55): videos [0,0,1,1] have their 85th at 1 (b and p: a tie), attempted and
	// completed [0,0,0,1] at 0.55.
	const week = (username: string, segment: string | null, reasons: string | null, counts: (number | null)[], days = 1) =>
		[username, SEG, '2024-05-01', '2024-05-07', segment, reasons, days, ...counts];
	assert.deepEqual(await run({course: SEG, as_of: '2024-05-07'}), [
		week('b', 'highly_engaged', 'videos_viewed', [1, 0, 0, 0, null, 0]),
		week('c', 'highly_engaged', 'problems_attempted, problems_completed', [0, 1, 1, 1, 1, 0]),
		week('m', 'disengaging', null, [0, 0, 0, 0, null, 0], 0),
		week('p', 'highly_engaged', 'videos_viewed', [1, 0, 0, 0, null, 0]),
		week(DROP, null, null, [0, 0, 0, 0, null, 0]),
	]);
});
