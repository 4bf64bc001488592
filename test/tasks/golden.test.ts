import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {migrations} from '../../ingest/db/migrations.js';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {runIngest} from '../../ingest/engine.js';
import {courseEvents, loadTaskCatalogue, runTask, type TaskDefinition, type TaskResult} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {createTestDatabase} from '../helpers/database.js';
import {projectRoot} from '../helpers/shared.js';
import {recomputedRows} from '../helpers/recomputed-rows.js';

/**
 * Every task on test/fixtures/tasks/golden.log (36 events, loaded through the real ingest engine),
 * checked against answers worked out by hand from the fixture. The fixture, in short:
 * - PHYS (course-v1:Uni+PHYS+2024), 2024-03-04 (a Monday) … 03-06, times UTC unless said:
 *   an anonymous about-page hit 08:00; alice enrolls 09:00, outline click 09:05 (ch1), load/play/pause/
 *   play/stop on vid1 09:06–09:08:10 (positions 0→90, 90→100 of 100 s), problem p1 wrong 09:10, graded
 *   back on the unit's page 09:10:30, right 09:11, then idles 2 h: seq_next 11:11 on a %-encoded page, page_close 11:15, forum thread 11:20.
 *   bob enrolls 20:30, plays vid1 at "2024-03-05T00:10:00+03:00" (21:10Z), seeks 30→80 21:12, plays
 *   21:12:05 (never ends), pauses vid2 without playing it 21:20, shows the answer 21:24, answers p1
 *   right 21:25, unenrolls 03-06 10:00. carol views the about page 03-05 07:59, enrolls 08:00 and again
 *   08:00:30, nothing else. dave enrolls 03-06 12:00, starts a timed exam 12:01, passes 12:30,
 *   certificate 12:31.
 * - HIST (course-v1:Uni+HIST+2024, no exams): alice enrolls 03-05 10:00, PDF page loaded 10:05,
 *   scrolled 10:06, changes her e-mail settings 10:06:30, searches "Newton Laws" 10:07 and "newton" 10:08.
 * - alice's /dashboard at 08:55 has no course.
 * - As in real logs, the server's problem checks and show-answer log the page "x_module", and the e-mail
 *   settings change (a server event) the page "dashboard": no URLs, so not pages.
 */
const PHYS = 'course-v1:Uni+PHYS+2024';
const HIST = 'course-v1:Uni+HIST+2024';
// Pages as they are shown: their paths (the fixture logs them at https://openedu.ru).
const PAGE = `/courses/${PHYS}/courseware/ch1`;
const BOOK_PAGE = `/courses/${HIST}/pdfbook/0`;
const fixture = path.join(projectRoot, 'test', 'fixtures', 'tasks', 'golden.log');

// Created at the top level: the helper drops each database after this file's tests.
const goldenUrl = await createTestDatabase('golden');
const splitUrl = await createTestDatabase('golden_split');
const reversedUrl = await createTestDatabase('golden_reversed');
const moscowUrl = await createTestDatabase('golden_moscow');
const placeholderPagesUrl = await createTestDatabase('golden_placeholder_pages');
const definitionsUrl = await createTestDatabase('golden_definitions');

async function loadedPool(url: string, files: string[], dayZone?: string): Promise<pg.Pool> {
	const pool = new pg.Pool(clientConfig(url));
	// The helper drops the database (closing idle connections) before this file's own after() runs.
	pool.on('error', () => {});
	for (const file of files) await runIngest({databaseUrl: url, pool, paths: [file], workers: 1, dayZone});
	return pool;
}

let pool: pg.Pool;
let tasks: Map<string, TaskDefinition>;

async function rows(id: string, values: Record<string, string> = {}): Promise<TaskResult['rows']> {
	const task = tasks.get(id);
	assert.ok(task, `task ${id} exists`);
	return csvRows(await runTask(pool, task, values));
}

before(async () => {
	// Built in UTC: the hand-computed answers are checked on UTC's days; the other builds here (a new
	// database's Moscow days, in two loads) must answer the same.
	pool = await loadedPool(goldenUrl, [fixture], 'UTC');
	const catalogue = await loadTaskCatalogue();
	assert.deepEqual(catalogue.problems, []);
	tasks = new Map(catalogue.tasks.map((task) => [task.id, task]));
});
after(async () => {
	await pool.end();
});

describe('overview and learners', () => {
	it('course-summary: all courses together, and one course', async () => {
		// 35 events with a course; 5 enrollments (alice twice), bob's ended; carol's about page counts as activity.
		assert.deepEqual(await rows('course-summary'), [[35, 4, '2024-03-04', '2024-03-06', 3, 5, 4, 1, 4, 2, 2, 1]]);
		assert.deepEqual(await rows('course-summary', {course: HIST}), [[6, 1, '2024-03-05', '2024-03-05', 1, 1, 1, 0, 1, 0, 0, 0]]);
	});

	it('course-summary, course-comparison and problems name what they count: attempters (a graded check, solved or not), a percent, a mean', async () => {
		const columns = async (id: string) => (await runTask(pool, tasks.get(id)!, {})).columns.map((column) => column.name);
		// "problem_solvers" counted learners who submitted a graded check, right or wrong; "first_try_correct" 25 beside 4 learners read as 25 learners.
		assert.deepEqual((await columns('course-summary')).slice(-2), ['problem_attempters', 'forum_posters']);
		assert.deepEqual((await columns('course-comparison')).slice(-2), ['problem_attempters', 'forum_posters']);
		assert.deepEqual((await columns('problems')).slice(4, 6), ['first_try_correct_percent', 'mean_attempts_to_correct']);
	});

	it('course-comparison: one row per course', async () => {
		assert.deepEqual(await rows('course-comparison'), [
			[PHYS, 29, 4, '2024-03-04', '2024-03-06', 3, 4, 3, 4, 2, 2, 1],
			[HIST, 6, 1, '2024-03-05', '2024-03-05', 1, 1, 1, 1, 0, 0, 0],
		]);
	});

	it('learners: first/last seen in the time zone, events summed over courses', async () => {
		assert.deepEqual(await rows('learners'), [
			['alice', 1, '2024-03-04 09:00:00', '2024-03-05 10:08:00', 19],
			['bob', 2, '2024-03-04 20:30:00', '2024-03-06 10:00:00', 8],
			['dave', 4, '2024-03-06 12:00:00', '2024-03-06 12:31:00', 4],
			['carol', 3, '2024-03-05 07:59:00', '2024-03-05 08:00:30', 3],
		]);
		assert.deepEqual(await rows('learners', {user: 'bob', tz: 'Europe/Moscow'}), [['bob', 2, '2024-03-04 23:30:00', '2024-03-06 13:00:00', 8]]);
	});

	it("learner-summary: dave's row (enrolled verified, an exam, passed, a certificate; the gaps 60 + 1740 + 60 s)", async () => {
		assert.deepEqual(await rows('learner-summary', {user: 'dave'}), [
			['dave', PHYS, 4, true, '2024-03-06 12:00:00', 'verified', '2024-03-06 12:01:00', '2024-03-06 12:31:00', 1, 0, 4, 31, 1, 0, 0, 0, 0, 0, 0, 0, 0, '2024-03-06 12:30:00', null, null],
		]);
	});

	it('a zone whose offset is not whole hours gets a note that events are counted by UTC hours; others none', async () => {
		const notesOf = async (values: Record<string, string>) => (await runTask(pool, tasks.get('activity-by-day')!, values)).notes;
		assert.deepEqual(await notesOf({tz: 'Asia/Kolkata'}), [
			'Asia/Kolkata is UTC+05:30, and events are counted by whole UTC hours: those in the first 30 minutes of a local hour count in the hour before (just after midnight, in the day before). Given a user, events are put in days by their exact times.',
		]);
		assert.match((await notesOf({tz: 'Asia/Kathmandu'}))![0]!, /^Asia\/Kathmandu is UTC\+05:45, .* the first 45 minutes of a local hour/);
		assert.match((await notesOf({tz: 'America/St_Johns'}))![0]!, /^America\/St_Johns is UTC-0[23]:30, .* the first 30 minutes of a local hour/);
		for (const tz of ['UTC', 'Europe/Moscow', 'America/New_York']) assert.equal(await notesOf({tz}), undefined, tz);
		// Tasks of exact times: the first and last events, enrollments by local hour.
		for (const id of ['learners', 'enrollment-by-hour', 'learner-path', 'sessions']) {
			const values: Record<string, string> = id === 'learner-path' ? {user: 'alice', tz: 'Asia/Kolkata'} : {tz: 'Asia/Kolkata'};
			assert.equal((await runTask(pool, tasks.get(id)!, values)).notes, undefined, id);
		}
	});

	it('a learner of other courses only is refused for the chosen course, not answered with an empty table', async () => {
		assert.deepEqual((await rows('learners', {user: 'alice', course: HIST})).map((row) => row[0]), ['alice']);
		await assert.rejects(rows('learners', {user: 'bob', course: HIST}), {message: `No learner "bob" in ${HIST}: they have events in other courses only.`});
		await assert.rejects(rows('learner-path', {user: 'bob', course: HIST}), {message: `No learner "bob" in ${HIST}: they have events in other courses only.`});
	});

	it('a misspelt video, problem or event type is refused, or noted among known types, not answered with an empty table', async () => {
		await assert.rejects(rows('video-dropoff', {video: 'vid9'}), {message: 'No video "vid9" in the database (video-engagement lists them).'});
		await assert.rejects(rows('video-dropoff', {video: 'vid1', course: HIST}), {message: `No video "vid1" in ${HIST} (video-engagement lists them).`});
		await assert.rejects(rows('problem-answers', {problem: 'P1'}), {message: 'No problem "P1" in the database (problems lists them).'});
		// The id as typed, whole: cut at 60 characters it ended "…+block@7cfa8...", where ids differ.
		const block = 'block-v1:ITMOUniversity+PROGPY+spring_2019+type@problem+block@7cfa8d0b9d4f4e3c8b0a0e2a5c0f1d2e';
		await assert.rejects(rows('problem-answers', {problem: block}), {message: `No problem "${block}" in the database (problems lists them).`});
		// Each refusal names the parameter it is about: the app's form goes back to that field.
		await assert.rejects(rows('problem-answers', {problem: block}), {parameter: 'problem'});
		await assert.rejects(rows('learners', {user: 'nobody'}), {parameter: 'user'});
		await assert.rejects(rows('activity-by-day', {tz: 'Europe/Moskow'}), {parameter: 'tz'});
		await assert.rejects(rows('activity-by-day', {course: 'course-v1:none'}), {parameter: 'course'});
		await assert.rejects(rows('enrollment-over-time', {from: '2024-02-30'}), {parameter: 'from'});
		await assert.rejects(rows('enrollment-over-time', {from: '2024-03-05', to: '2024-03-01'}), {parameter: 'from'});
		await assert.rejects(rows('learner-unit-events', {types: 'PLAY_VIDEO'}), {parameter: 'types'});
		const caseSensitive = 'event types are case-sensitive (event-types lists them).';
		await assert.rejects(rows('learner-unit-events', {types: 'PLAY_VIDEO'}), {message: `No events of type "PLAY_VIDEO" in the database (did you mean "play_video"?): ${caseSensitive}`});
		const run = (types: string) => runTask(pool, tasks.get('learner-unit-events')!, {types});
		const mixed = await run('play_video, PLAY_VIDEO,pause');
		assert.deepEqual(mixed.notes, [`No events of type "PLAY_VIDEO", "pause" in the database (did you mean "play_video"?): ${caseSensitive}`]);
		// Types spelt right that the course has none of are no matter of case: HIST has no video and no outline click,
		// and its answer with the default types said "event types are case-sensitive", sending the user after a typo.
		await assert.rejects(rows('learner-unit-events', {course: HIST}), {
			message: `No events of type "play_video", "pause_video", "load_video", "edx.ui.lms.outline.selected" in ${HIST} (event-types lists the types it has).`,
		});
		assert.deepEqual((await run('play_video,pause')).notes, ['No events of type "pause" in the database (event-types lists the types it has).']);
		assert.deepEqual(mixed.rows, (await run('play_video')).rows);
		assert.equal((await run('play_video')).notes, undefined);
	});

	it('event-types: counts and shares', async () => {
		const types = await rows('event-types');
		assert.equal(types.reduce((sum, row) => sum + (row[1] as number), 0), 35);
		assert.deepEqual(types[0], ['edx.course.enrollment.activated', 6, 17.14]);
		assert.deepEqual(types[1], ['play_video', 4, 11.43]);
		assert.deepEqual(types.find((row) => row[0] === `/courses/${PHYS}/about`), [`/courses/${PHYS}/about`, 2, 5.71]);
		assert.deepEqual((await rows('event-types', {course: HIST})).map((row) => row.slice(0, 2)), [
			['textbook.pdf.search.executed', 2],
			['change-email-settings', 1],
			['edx.course.enrollment.activated', 1],
			['textbook.pdf.page.loaded', 1],
			['textbook.pdf.page.scrolled', 1],
		]);
	});
});

describe('activity', () => {
	it('activity-by-day for one learner moves across midnight with --tz', async () => {
		assert.deepEqual(await rows('activity-by-day', {user: 'bob', tz: 'Europe/Moscow'}), [
			['2024-03-04', 'edx.course.enrollment.activated', 1],
			['2024-03-05', 'play_video', 2],
			['2024-03-05', 'pause_video', 1],
			['2024-03-05', 'problem_check', 1],
			['2024-03-05', 'seek_video', 1],
			['2024-03-05', 'showanswer', 1],
			['2024-03-06', 'edx.course.enrollment.deactivated', 1],
		]);
		const utc = await rows('activity-by-day', {user: 'bob'});
		assert.deepEqual(utc.map((row) => row[0]), ['2024-03-04', '2024-03-04', '2024-03-04', '2024-03-04', '2024-03-04', '2024-03-04', '2024-03-06']);
	});

	it('activity-by-day counts server requests (URL event types) together', async () => {
		assert.deepEqual((await rows('activity-by-day', {course: PHYS, to: '2024-03-04'})).filter((row) => row[1] === '(server request)'), [['2024-03-04', '(server request)', 1]]);
	});

	it('activity-by-day for everyone sums to the events per day', async () => {
		const perDay = new Map<string, number>();
		for (const [day, , events] of await rows('activity-by-day')) perDay.set(day as string, (perDay.get(day as string) ?? 0) + (events as number));
		assert.deepEqual(Object.fromEntries(perDay), {'2024-03-04': 21, '2024-03-05': 9, '2024-03-06': 5});
	});

	it('active-learners per day, per week, and in Moscow time', async () => {
		assert.deepEqual(await rows('active-learners'), [
			['2024-03-04', 2, 2, 2, 1],
			['2024-03-05', 2, 0, 0, 0],
			['2024-03-06', 1, 0, 0, 0],
		]);
		assert.deepEqual(await rows('active-learners', {period: 'week'}), [['2024-03-04', 4, 2, 2, 1]]);
		assert.deepEqual(await rows('active-learners', {period: 'month'}), [['2024-03-01', 4, 2, 2, 1]]);
		// bob's evening (21:10–21:25 UTC) is past midnight in Moscow.
		assert.deepEqual(await rows('active-learners', {tz: 'Europe/Moscow'}), [
			['2024-03-04', 1, 1, 1, 1],
			['2024-03-05', 3, 1, 1, 0],
			['2024-03-06', 1, 0, 0, 0],
		]);
	});

	it('activity-heatmap: weekday × hour', async () => {
		const utc = await rows('activity-heatmap');
		const cells = (row: TaskResult['rows'][number]) => Object.fromEntries(row.slice(2, 26).flatMap((count, hour) => (count ? [[hour, count]] : [])));
		assert.deepEqual(cells(utc[0]!), {8: 1, 9: 10, 11: 3, 20: 1, 21: 6});
		assert.deepEqual(cells(utc[1]!), {7: 1, 8: 2, 10: 6});
		assert.deepEqual(cells(utc[2]!), {10: 1, 12: 4});
		assert.deepEqual(utc.map((row) => row[26]), [21, 9, 5, 0, 0, 0, 0]);
		const moscow = await rows('activity-heatmap', {tz: 'Europe/Moscow'});
		assert.deepEqual(cells(moscow[0]!), {11: 1, 12: 10, 14: 3, 23: 1});
		assert.deepEqual(cells(moscow[1]!), {0: 6, 10: 1, 11: 2, 13: 6});
	});

	it('video-plays-per-day: plays and viewers, split at Moscow midnight', async () => {
		assert.deepEqual(await rows('video-plays-per-day'), [['2024-03-04', 4, 2]]);
		assert.deepEqual(await rows('video-plays-per-day', {tz: 'Europe/Moscow'}), [
			['2024-03-04', 2, 1],
			['2024-03-05', 2, 1],
		]);
	});
});

describe('engagement', () => {
	it('time-on-course: gaps under the idle cutoff (the 2-hour idle adds nothing)', async () => {
		assert.deepEqual(await rows('time-on-course'), [
			['dave', 31, 1],
			['alice', 28, 2],
			['bob', 15, 1],
			['carol', 1.5, 1],
		]);
		assert.deepEqual(await rows('time-on-course', {course: PHYS, idle: '5'}), [
			['alice', 10, 1],
			['bob', 7.1, 1],
			['dave', 2, 1],
			['carol', 1.5, 1],
		]);
	});

	it('time-on-course-by-day follows the time zone', async () => {
		assert.deepEqual(await rows('time-on-course-by-day', {user: 'bob'}), [['bob', '2024-03-04', 15]]);
		assert.deepEqual(await rows('time-on-course-by-day', {user: 'bob', tz: 'Europe/Moscow'}), [['bob', '2024-03-05', 15]]);
		assert.deepEqual(await rows('time-on-course-by-day', {user: 'alice'}), [
			['alice', '2024-03-04', 20],
			['alice', '2024-03-05', 8],
		]);
		// UTC days of the 5-minute cutoff (summed per day at build time), and a cutoff read from the gaps by minute.
		const physFive = [
			['alice', '2024-03-04', 10],
			['bob', '2024-03-04', 7.1],
			['carol', '2024-03-05', 1.5],
			['dave', '2024-03-06', 2],
		];
		assert.deepEqual(await rows('time-on-course-by-day', {course: PHYS, idle: '5'}), physFive);
		assert.deepEqual(await rows('time-on-course-by-day', {course: PHYS, idle: '5', tz: 'Etc/GMT'}), physFive);
	});

	it('sessions: 30-minute gaps and page_close split them, lone events are not sessions', async () => {
		assert.deepEqual(await rows('sessions'), [
			['alice', 3, 23, 8, 11],
			['bob', 1, 15, 15, 15],
			['carol', 1, 1.5, 1.5, 1.5],
			['dave', 1, 31, 31, 31],
		]);
		assert.deepEqual(await rows('sessions', {min_seconds: '300'}), [
			['alice', 2, 19, 9.5, 11],
			['bob', 1, 15, 15, 15],
			['dave', 1, 31, 31, 31],
		]);
	});

	it('engagement-segments: the week to the course\'s last day, percentiles over its four active learners', async () => {
		// PHYS's week 02-29..03-06: alice (vid1, p1 wrong then right, a thread), bob (vid1, p1 right), carol (the about
		// page) and dave (the exam). Positions 0.45 and 2.55 of four: videos, attempted and completed [0,0,1,1] have
		// their 85th percentile at 1, posts [0,0,0,1] at 0.55; per completed [1,2] (of two) at 1.85, its 15th at 1.15.
		const week = ['2024-02-29', '2024-03-06'];
		assert.deepEqual(await rows('engagement-segments', {course: PHYS}), [
			['alice', PHYS, ...week, 'highly_engaged, struggling', 'videos_viewed, problems_attempted, problems_completed, forum_posts, attempts_per_completed', 1, 1, 2, 1, 1, 2, 1],
			['bob', PHYS, ...week, 'highly_engaged', 'videos_viewed, problems_attempted, problems_completed', 1, 1, 1, 1, 1, 1, 0],
			['carol', PHYS, ...week, null, null, 1, 0, 0, 0, 0, null, 0],
			['dave', PHYS, ...week, null, null, 1, 0, 0, 0, 0, null, 0],
		]);
	});
});

describe('enrollment and completion', () => {
	it('enrollment-over-time: a repeated activation is not a change; running total', async () => {
		assert.deepEqual(await rows('enrollment-over-time'), [
			['2024-03-04', 2, 0, 2, 2],
			['2024-03-05', 2, 0, 2, 4],
			['2024-03-06', 1, 1, 0, 4],
		]);
		assert.deepEqual(await rows('enrollment-over-time', {course: PHYS, from: '2024-03-05'}), [
			['2024-03-05', 1, 0, 1, 3],
			['2024-03-06', 1, 1, 0, 3],
		]);
	});

	it('enrollment-by-hour and -by-weekday: histograms in the time zone, of the activations that enrolled', async () => {
		// carol's second activation (08:00:30, already enrolled) is no enrollment, as in enrollment-over-time: the
		// five enrollments are alice PHYS Mon 09:00, bob Mon 20:30, carol Tue 08:00, alice HIST Tue 10:00, dave Wed 12:00.
		const byHour = Object.fromEntries((await rows('enrollment-by-hour')).filter((row) => row[1]));
		assert.deepEqual(byHour, {8: 1, 9: 1, 10: 1, 12: 1, 20: 1});
		const moscow = Object.fromEntries((await rows('enrollment-by-hour', {tz: 'Europe/Moscow'})).filter((row) => row[1]));
		assert.deepEqual(moscow, {11: 1, 12: 1, 13: 1, 15: 1, 23: 1});
		assert.equal((await rows('enrollment-by-hour')).length, 24);
		assert.deepEqual((await rows('enrollment-by-weekday')).map((row) => row[2]), [2, 2, 1, 0, 0, 0, 0]);
		// The same five as enrollment-over-time's activations.
		const activations = (await rows('enrollment-over-time')).reduce((sum, row) => sum + Number(row[1]), 0);
		assert.equal(activations, 5);
		assert.deepEqual(
			(await rows('enrollment-by-weekday', {course: PHYS, from: '2024-03-05'})).map((row) => row[2]),
			[0, 1, 1, 0, 0, 0, 0],
		);
	});

	it('enrollment-by-mode: the enrolled now by their mode, bob unenrolled from verified', async () => {
		// alice (in PHYS and HIST) and carol audit, dave verified; bob enrolled verified and left. A learner is a course's.
		assert.deepEqual(await rows('enrollment-by-mode'), [
			['audit', 3, 75, 3, 0, 0],
			['verified', 1, 25, 2, 0, 1],
		]);
		assert.deepEqual(await rows('enrollment-by-mode', {course: PHYS}), [
			['audit', 2, 66.7, 2, 0, 0],
			['verified', 1, 33.3, 2, 0, 1],
		]);
	});

	it('grade-distribution: every step of 10 % listed, none graded in a log without grade calculations', async () => {
		const grades = await rows('grade-distribution');
		assert.deepEqual(grades.map((row) => row.slice(0, 3)), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((from) => [from, from === 100 ? 100 : from + 9, 0]));
		assert.ok(grades.every((row) => row[3] === null), 'no share of no graded learner');
	});

	it('enrolled-not-started: carol (activity only before enrolling)', async () => {
		assert.deepEqual(await rows('enrolled-not-started'), [['carol', 3, PHYS, '2024-03-05 08:00:00']]);
	});

	it('started-not-finished and finished, by each definition of finishing', async () => {
		const started = [
			['alice', HIST, '2024-03-05 10:05:00', '2024-03-05 10:08:00', 6],
			['bob', PHYS, '2024-03-04 21:10:00', '2024-03-04 21:25:00', 8],
			['alice', PHYS, '2024-03-04 09:05:00', '2024-03-04 11:20:00', 13],
		];
		assert.deepEqual(await rows('started-not-finished'), started);
		assert.deepEqual(await rows('started-not-finished', {finish: 'exam'}), started);
		assert.deepEqual(await rows('finished'), [['dave', PHYS, '2024-03-06 12:30:00', '2024-03-06 12:01:00', 4]]);
		assert.deepEqual(await rows('finished', {finish: 'exam'}), [['dave', PHYS, '2024-03-06 12:01:00', '2024-03-06 12:01:00', 4]]);
		assert.deepEqual(await rows('finished', {finish: 'certificate'}), [['dave', PHYS, '2024-03-06 12:31:00', '2024-03-06 12:01:00', 4]]);
		// A course without exams: nobody finishes by the original's definition.
		assert.deepEqual(await rows('finished', {finish: 'exam', course: HIST}), []);
	});

	it('funnel: stages of the five enrollments', async () => {
		assert.deepEqual(await rows('funnel'), [
			[1, 'enrolled', 5, 100],
			[2, 'started', 4, 80],
			[3, 'watched a video', 2, 40],
			[4, 'attempted a problem', 2, 40],
			[5, 'attempted an exam', 1, 20],
			[6, 'passed', 1, 20],
		]);
	});

	it('at-risk: inactive for more than N days before the last day of data in the course', async () => {
		assert.deepEqual(await rows('at-risk'), []);
		assert.deepEqual(await rows('at-risk', {days: '1'}), [['alice', 1, PHYS, '2024-03-04 09:00:00', '2024-03-04 11:20:00', 2, 1]]);
		// HIST's last day is 03-05, alice's HIST activity too: all courses together, she is not 1 day behind
		// PHYS's last day (03-06).
		assert.deepEqual(await rows('at-risk', {days: '0'}), [
			['alice', 1, PHYS, '2024-03-04 09:00:00', '2024-03-04 11:20:00', 2, 1],
			['carol', 3, PHYS, '2024-03-05 08:00:00', '2024-03-05 07:59:00', 1, 1],
		]);
		assert.deepEqual(await rows('at-risk', {days: '0', course: HIST}), []);
		assert.deepEqual(await rows('at-risk', {days: '0', course: HIST, as_of: '2024-03-06'}), [['alice', 1, HIST, '2024-03-05 10:00:00', '2024-03-05 10:08:00', 1, 1]]);
		// In another zone the days active are counted from the hourly rows, not read from d_learner.
		assert.deepEqual(await rows('at-risk', {days: '0', tz: 'Europe/Moscow'}), [
			['alice', 1, PHYS, '2024-03-04 12:00:00', '2024-03-04 14:20:00', 2, 1],
			['carol', 3, PHYS, '2024-03-05 11:00:00', '2024-03-05 10:59:00', 1, 1],
		]);
	});
});

describe('pages', () => {
	it('page-visits: arrivals on normalised pages, not every event', async () => {
		assert.deepEqual(await rows('page-visits'), [
			[`${PAGE}/seq1`, 'Week 1: Motion', 2, 2],
			[BOOK_PAGE, null, 1, 1],
			[PAGE, null, 1, 1],
			[`${PAGE}/тест`, null, 1, 1],
		]);
	});

	it('page-visits-by-day in Moscow time', async () => {
		assert.deepEqual(await rows('page-visits-by-day', {tz: 'Europe/Moscow'}), [
			['2024-03-04', PAGE, null, 1, 1],
			['2024-03-04', `${PAGE}/seq1`, 'Week 1: Motion', 1, 1],
			['2024-03-04', `${PAGE}/тест`, null, 1, 1],
			['2024-03-05', BOOK_PAGE, null, 1, 1],
			['2024-03-05', `${PAGE}/seq1`, 'Week 1: Motion', 1, 1],
		]);
	});

	it('page-visits-by-day in UTC (counted per day when the tables were built), per course and in a date range', async () => {
		// bob's visit of 21:10Z falls on 03-04 in UTC (03-05 in Moscow): two visitors of seq1 that day.
		assert.deepEqual(await rows('page-visits-by-day'), [
			['2024-03-04', `${PAGE}/seq1`, 'Week 1: Motion', 2, 2],
			['2024-03-04', PAGE, null, 1, 1],
			['2024-03-04', `${PAGE}/тест`, null, 1, 1],
			['2024-03-05', BOOK_PAGE, null, 1, 1],
		]);
		assert.deepEqual(await rows('page-visits-by-day', {course: HIST}), [['2024-03-05', BOOK_PAGE, null, 1, 1]]);
		assert.deepEqual(await rows('page-visits-by-day', {from: '2024-03-05', to: '2024-03-06'}), [['2024-03-05', BOOK_PAGE, null, 1, 1]]);
	});

	it('page-names, learner-path, page-transitions', async () => {
		assert.deepEqual(await rows('page-names'), [[`${PAGE}/seq1`, 'Week 1: Motion']]);
		assert.deepEqual(await rows('page-names', {course: HIST}), []);
		assert.deepEqual(await rows('learner-path', {user: 'alice'}), [
			[1, 1, '2024-03-04 09:05:00', PAGE, null],
			[2, 1, '2024-03-04 09:06:00', `${PAGE}/seq1`, 'Week 1: Motion'],
			[3, 2, '2024-03-04 11:11:00', `${PAGE}/тест`, null],
			[4, 3, '2024-03-05 10:05:00', BOOK_PAGE, null],
		]);
		// A range keeps the numbers of the whole history (the second session used to restart as session 0, step 1).
		assert.deepEqual(await rows('learner-path', {user: 'alice', from: '2024-03-05'}), [[4, 3, '2024-03-05 10:05:00', BOOK_PAGE, null]]);
		assert.deepEqual(await rows('learner-path', {user: 'alice', to: '2024-03-04'}), [
			[1, 1, '2024-03-04 09:05:00', PAGE, null],
			[2, 1, '2024-03-04 09:06:00', `${PAGE}/seq1`, 'Week 1: Motion'],
			[3, 2, '2024-03-04 11:11:00', `${PAGE}/тест`, null],
		]);
		assert.deepEqual(await rows('page-transitions'), [[PAGE, `${PAGE}/seq1`, 1, 1]]);
		assert.deepEqual(await rows('page-transitions', {course: PHYS}), [[PAGE, `${PAGE}/seq1`, 1, 1]]);
		assert.deepEqual(await rows('page-transitions', {course: HIST}), []);
		assert.deepEqual(await rows('page-transitions', {from: '2024-03-04', to: '2024-03-04'}), [[PAGE, `${PAGE}/seq1`, 1, 1]]);
	});

	it('section-coverage: PHYS has sections seq1 and тест, each one page; its chapter ch1 both; HIST has none', async () => {
		// PHYS's learners: alice, bob, carol, dave. seq1's page was visited by alice and bob, тест's by alice; ch1's own URL
		// (PAGE) and HIST's textbook are no section's.
		assert.deepEqual(await rows('section-coverage'), [
			[PHYS, 'ch1', 'seq1', 'Week 1: Motion', 1, 4, 2, 0, 2, 2],
			[PHYS, 'ch1', 'тест', null, 1, 4, 3, 0, 1, 1],
		]);
		assert.deepEqual(await rows('section-coverage', {by: 'chapter'}), [[PHYS, 'ch1', null, null, 2, 4, 2, 1, 1, 3]]);
		assert.deepEqual(await rows('section-coverage', {course: HIST}), []);
	});

	it("the server's placeholder pages (x_module, dashboard) are no pages and split no visit", async () => {
		// alice: the unit (seq1), her check on x_module 09:10, the unit 09:10:30, x_module 09:11: one visit of
		// the unit (page-visits, learner-path and page-transitions above); in HIST the PDF, dashboard, the PDF: one.
		assert.deepEqual(await rows('learner-path', {user: 'alice', course: HIST}), [[1, 1, '2024-03-05 10:05:00', BOOK_PAGE, null]]);
		// bob: the unit 21:10–21:20, then x_module (show-answer 21:24, check 21:25).
		assert.deepEqual(await rows('learner-path', {user: 'bob'}), [[1, 1, '2024-03-04 21:10:00', `${PAGE}/seq1`, 'Week 1: Motion']]);
		// Their events are events without a page: counted, but on no unit.
		assert.deepEqual(await rows('learner-unit-events', {user: 'alice', types: 'problem_check,problem_graded,change-email-settings'}), [
			['alice', `${PAGE}/seq1`, 'Week 1: Motion', 'problem_graded', 1],
		]);
		assert.deepEqual((await rows('event-types', {course: PHYS})).find((row) => row[0] === 'problem_check')?.slice(0, 2), ['problem_check', 3]);
	});

	it('learner-unit-events: chosen event types per learner and unit', async () => {
		assert.deepEqual(await rows('learner-unit-events', {user: 'bob', types: 'play_video, pause_video'}), [
			['bob', `${PAGE}/seq1`, 'Week 1: Motion', 'pause_video', 1],
			['bob', `${PAGE}/seq1`, 'Week 1: Motion', 'play_video', 2],
		]);
		assert.equal((await rows('learner-unit-events')).length, 6);
	});
});

describe('video, problems, forum, textbooks, audience, data', () => {
	it('video-engagement: intervals from play to pause/stop/seek; a pause without play adds nothing', async () => {
		// vid1: alice 0→90 and 90→100, bob 0→30 (the seek's old position); bob's last play never ends.
		assert.deepEqual(await rows('video-engagement'), [
			['vid1', 'Week 1: Motion', 2, 4, 2.2, 100, 1, `${PAGE}/seq1`],
			// vid2's duration is not reported (its pause's position, 50, is no length): no completion either.
			['vid2', 'Week 1: Motion', 0, 0, 0, null, null, `${PAGE}/seq1`],
		]);
	});

	it('video-dropoff: viewers per segment', async () => {
		assert.deepEqual(await rows('video-dropoff', {video: 'vid1'}), [
			[0, 2, 2], [10, 2, 2], [20, 2, 2], [30, 1, 1], [40, 1, 1], [50, 1, 1], [60, 1, 1], [70, 1, 1], [80, 1, 1], [90, 1, 1],
		]);
		assert.deepEqual(await rows('video-dropoff', {video: 'vid1', segment: '50'}), [
			[0, 2, 2],
			[50, 1, 2],
		]);
	});

	it('problems, problem-answers and item-analysis: first-try correctness, first vs last answers, scores', async () => {
		// The checks come from the server without a page: the unit is the page the learners were on.
		// bob looked at the answer a minute before his first (correct) check: before trying.
		assert.deepEqual(await rows('problems'), [['p1', 'Week 1: Motion', 2, 3, 50, 1.5, 2, 1, 1, `${PAGE}/seq1`]]);
		assert.deepEqual(await rows('problem-answers', {problem: 'p1'}), [
			// The checks carry no correct_map: no part's grading is known.
			['p1', 'Week 1: Motion', '2_1', 'choice_1', 1, 0, null],
			['p1', 'Week 1: Motion', '2_1', 'choice_2', 1, 2, null],
		]);
		// Fewer than 5 learners checked p1: no item by default. Both got it right at the last check (no parts' grading:
		// the check's success): no variance, so no correlation, and one item has no alpha.
		assert.deepEqual(await rows('item-analysis'), []);
		assert.deepEqual(await rows('item-analysis', {min_learners: '1'}), [['p1', 'Week 1: Motion', 2, 100, null, null, null, null, 2]]);
	});

	it('forum-activity and forum-contributors', async () => {
		assert.deepEqual(await rows('forum-activity'), [['2024-03-04', 1, 0, 0, 1]]);
		// Other zones read the hourly rows: alice's thread of 11:20Z is on the next day at UTC+14.
		assert.deepEqual(await rows('forum-activity', {tz: 'Europe/Moscow'}), [['2024-03-04', 1, 0, 0, 1]]);
		assert.deepEqual(await rows('forum-activity', {tz: 'Pacific/Kiritimati'}), [['2024-03-05', 1, 0, 0, 1]]);
		assert.deepEqual(await rows('forum-contributors'), [['alice', 1, 1, 0, 0, 0]]);
	});

	it('PDF tasks: case-folded search words, viewers, scrolls', async () => {
		assert.deepEqual(await rows('pdf-search-words'), [
			['newton', 2, 1],
			['laws', 1, 1],
		]);
		assert.deepEqual(await rows('pdf-views'), [['history_book.pdf', 1, 1, 4]]);
		assert.deepEqual(await rows('pdf-scrolling'), [['history_book.pdf', 1, 1, 1]]);
	});

	it('devices and languages, parsed from the agent once per distinct agent', async () => {
		assert.deepEqual(await rows('devices'), [
			['(none)', 2, 7, 20.6],
			['Firefox', 1, 19, 55.9],
			['Chrome', 1, 8, 23.5],
		]);
		assert.deepEqual(await rows('devices', {by: 'device'}), [
			['(none)', 2, 7, 20.6],
			['desktop', 1, 19, 55.9],
			['mobile', 1, 8, 23.5],
		]);
		assert.deepEqual(await rows('devices', {by: 'os'}), [
			['(none)', 2, 7, 20.6],
			['Mac OS', 1, 19, 55.9],
			['Android', 1, 8, 23.5],
		]);
		assert.deepEqual(await rows('languages'), [
			['(none)', 2, 7],
			['ru-ru', 1, 19],
			['en-us', 1, 8],
		]);
	});

	it('data-health: files, lines and events without course or user', async () => {
		const health = Object.fromEntries((await rows('data-health')).map((row) => [row[1], row[2]]));
		assert.deepEqual(health, {
			'files loaded (zip members one by one)': 1,
			'files not a tracking log (nothing loaded from them)': 0,
			'files failed': 0,
			'files still loading or interrupted': 0,
			'files replaced by other content': 0,
			'files superseded by a whole copy': 0,
			'lines read': 36,
			'blank lines': 0,
			'events loaded': 36,
			'duplicate lines': 0,
			'rejected lines': 0,
			'events without a course': 1,
			'events without a username': 1,
			'events without a time': 0,
		});
		// The menu's count of them (for a log with no course at all) agrees.
		assert.equal((await courseEvents(pool)).eventsWithoutCourse, 1);
	});

	it('every task in the catalogue is covered above', () => {
		assert.equal(tasks.size, 45);
	});

	it("every task's rows come in the order its sort header names", async () => {
		let sorted = 0;
		for (const task of tasks.values()) {
			if (!task.sort) continue;
			const result = await runTask(pool, task, valuesFor(task));
			const column = result.columns.findIndex((candidate) => candidate.name === task.sort!.column);
			assert.ok(column >= 0, `${task.id}: no column ${task.sort.column}`);
			const sign = task.sort.direction === 'asc' ? 1 : -1;
			for (let index = 1; index < result.rows.length; index++) {
				const [before, after] = [result.rows[index - 1]![column]!, result.rows[index]![column]!];
				// NULLs sort last ascending in PostgreSQL, first descending.
				const order = before === after ? 0 : before === null ? 1 : after === null ? -1 : before < after ? -1 : 1;
				assert.ok(order * sign <= 0, `${task.id}: row ${index} (${String(after)}) before row ${index - 1} (${String(before)}) by ${task.sort.column} ${task.sort.direction}`);
			}
			if (result.rows.length > 1) sorted++;
		}
		assert.ok(sorted >= 25, `${sorted} tasks with several rows checked`);
	});

	it("every task's key header names columns of its result (a misspelt one left the first column in sight)", async () => {
		let keyed = 0;
		for (const task of tasks.values()) {
			if (!task.key) continue;
			const result = await runTask(pool, task, valuesFor(task));
			const names = result.columns.map((column) => column.name);
			for (const name of task.key) assert.ok(names.includes(name), `${task.id}: no column ${name} (${names.join(', ')})`);
			keyed++;
		}
		assert.ok(keyed >= 10, `${keyed} tasks with a key checked`);
	});
});

/**
 * Definitions checked against the reference systems' (edX Insights, edx2bigquery, Aspects), on
 * test/fixtures/tasks/definitions.log (21 events, course-v1:Uni+DEF+2024, times UTC):
 * - hank enrolls 2024-02-01 08:00 (Thursday), clicks the outline 08:10, unenrolls 02-02 08:00, enrolls again
 *   03-10 08:00 (Sunday) and does nothing more.
 * - 2024-03-11 (Monday): gina enrolls 09:00 and again 09:00:30, erin 09:05, frank 09:10.
 * - erin plays vid3, whose duration no event reports, 0→30 (10:00:05–10:00:35). frank only opens its unit
 *   (load_video 10:05, show_transcript 10:05:01) and reads a forum thread (10:06).
 * - vid4 reports 60 s: erin watches 0→10, seeks to 40 while paused, watches 40→60 (stop); gina watches 0→5.
 */
describe('definitions against the reference systems', () => {
	const DEF = 'course-v1:Uni+DEF+2024';
	let definitionsPool: pg.Pool;
	const definitionRows = async (id: string, values: Record<string, string> = {}) => csvRows(await runTask(definitionsPool, tasks.get(id)!, values));
	before(async () => {
		definitionsPool = await loadedPool(definitionsUrl, [path.join(projectRoot, 'test', 'fixtures', 'tasks', 'definitions.log')], 'UTC');
	});
	after(async () => {
		await definitionsPool.end();
	});

	it('active-learners: a video learner played one (a load_video or transcript fetch is opening a page); forum is any forum event', async () => {
		// 03-11: erin, frank and gina active; erin and gina played (frank only loaded vid3); frank read the forum.
		assert.deepEqual(await definitionRows('active-learners'), [
			['2024-02-01', 1, 0, 0, 0],
			['2024-03-11', 3, 2, 0, 1],
		]);
		assert.deepEqual(await definitionRows('active-learners', {period: 'week'}), [
			['2024-01-29', 1, 0, 0, 0],
			['2024-03-11', 3, 2, 0, 1],
		]);
		// Calendar months in the zone: hank's outline click (02-01 08:10 UTC) is on January 31 in Honolulu (UTC-10).
		assert.deepEqual(await definitionRows('active-learners', {period: 'month'}), [
			['2024-02-01', 1, 0, 0, 0],
			['2024-03-01', 3, 2, 0, 1],
		]);
		assert.deepEqual(await definitionRows('active-learners', {period: 'month', tz: 'Pacific/Honolulu'}), [
			['2024-01-01', 1, 0, 0, 0],
			['2024-03-01', 3, 2, 0, 1],
		]);
		// A month at the edge of a range counts its days inside it: to 03-10, March has nobody active (hank only enrolled).
		assert.deepEqual(await definitionRows('active-learners', {period: 'month', from: '2024-02-01', to: '2024-03-10'}), [['2024-02-01', 1, 0, 0, 0]]);
		// As many video learners as course-summary's video viewers.
		assert.equal((await definitionRows('course-summary'))[0]![9], 2);
	});

	it("enrollment-by-hour and -by-weekday count the activations that enrolled: gina's repeat is none, hank's return is one", async () => {
		assert.deepEqual(Object.fromEntries((await definitionRows('enrollment-by-hour')).filter((row) => row[1])), {8: 2, 9: 3});
		assert.deepEqual((await definitionRows('enrollment-by-weekday')).map((row) => row[2]), [3, 0, 0, 1, 0, 0, 1]);
		assert.deepEqual(await definitionRows('enrollment-over-time'), [
			['2024-02-01', 1, 0, 1, 1],
			['2024-02-02', 0, 1, -1, 0],
			['2024-03-10', 1, 0, 1, 1],
			['2024-03-11', 3, 0, 3, 4],
		]);
	});

	it('video-engagement: completion needs a reported duration (the furthest position reached is no length)', async () => {
		// vid4: 10 + 20 + 5 = 35 s watched (0.6 min); erin reached 60 ≥ 95 % of 60, gina 5. vid3: 30 s, length unknown.
		assert.deepEqual(await definitionRows('video-engagement'), [
			['vid4', 'Week 1', 2, 3, 0.6, 60, 1, '/courses/course-v1:Uni+DEF+2024/courseware/ch1/seq1'],
			['vid3', 'Week 1', 1, 1, 0.5, null, null, '/courses/course-v1:Uni+DEF+2024/courseware/ch1/seq1'],
		]);
	});

	it('video-dropoff: every segment from the start to the last one watched, 0 where nobody watched', async () => {
		assert.deepEqual(await definitionRows('video-dropoff', {video: 'vid4'}), [
			[0, 2, 2], [10, 0, 0], [20, 0, 0], [30, 0, 0], [40, 1, 1], [50, 1, 1],
		]);
		assert.deepEqual(await definitionRows('video-dropoff', {video: 'vid4', segment: '20'}), [[0, 2, 2], [20, 0, 0], [40, 1, 1]]);
	});

	it('at-risk counts from the latest enrollment when it is later than the last activity', async () => {
		// The last day with events is 03-11; hank re-enrolled 03-10: 1 day, not 39 (from his activity on 02-01).
		assert.deepEqual(await definitionRows('at-risk'), []);
		assert.deepEqual(await definitionRows('at-risk', {days: '0'}), [['hank', 8, DEF, '2024-02-01 08:00:00', '2024-02-01 08:10:00', 1, 1]]);
	});
});

const valuesFor = (task: TaskDefinition): Record<string, string> =>
	// at-risk lists nobody by default (14 days): with 0 its days active are compared too.
	task.id === 'learner-path' ? {user: 'bob'} : task.id === 'video-dropoff' ? {video: 'vid1'} : task.id === 'at-risk' ? {days: '0'} : {};

/** The fixture in two loads, the first at line 18 (inside bob's evening, so both loads hold it). */
function splitFixture(): {first: string; second: string; remove(): void} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-split-'));
	const lines = fs.readFileSync(fixture, 'utf8').trimEnd().split('\n');
	const first = path.join(dir, 'part1.log');
	const second = path.join(dir, 'part2.log');
	fs.writeFileSync(first, `${lines.slice(0, 18).join('\n')}\n`);
	fs.writeFileSync(second, `${lines.slice(18).join('\n')}\n`);
	return {first, second, remove: () => fs.rmSync(dir, {recursive: true, force: true})};
}

describe('incremental derived tables', () => {

	it('loading the fixture in two parts, in either order, gives the same answers as loading it at once, as one rebuild of both loads, and after a load of duplicates only', async () => {
		// The split falls inside bob's evening: his gaps, sessions and video intervals span both loads.
		const {first, second, remove} = splitFixture();
		const split = await loadedPool(splitUrl, [first, second]);
		try {
			const {rows: loads} = await split.query<{count: number}>('SELECT count(*)::int AS count FROM loads WHERE derived_done');
			assert.equal(loads[0]!.count, 2);
			for (const task of tasks.values()) {
				const values = valuesFor(task);
				if (task.id === 'data-health') continue; // counts files, and there are two here
				const once = await runTask(pool, task, values);
				const twice = await runTask(split, task, values);
				assert.deepEqual(twice.rows, once.rows, task.id);
			}
			// Bob's evening is in both loads, on one day: recounted after the merge, not added up (1, not 2).
			const activeDays = async (on: pg.Pool) => (await on.query('SELECT course_id, username, active_days FROM d_learner ORDER BY 1, 2')).rows;
			assert.deepEqual(await activeDays(split), await activeDays(pool));
			assert.deepEqual((await activeDays(split)).find((row) => row.username === 'bob'), {course_id: PHYS, username: 'bob', active_days: 1});
			// Both loads pending again: one build from scratch over two loads gives what the two builds gave.
			const incremental = await Promise.all([...tasks.values()].map(async (task) => runTask(split, task, valuesFor(task))));
			const incrementalWalks = await recomputedRows(split);
			// Bob's second-load events recomputed only his rows from the first of them on: the rest were kept.
			assert.ok(incrementalWalks.d_session!.length >= 3 && incrementalWalks.d_page_visit!.length >= 3, 'the fixture has sessions and visits');
			await split.query('UPDATE loads SET derived_done = false');
			await refreshDerived(split);
			assert.deepEqual(await recomputedRows(split), incrementalWalks);
			for (const [index, task] of [...tasks.values()].entries()) {
				assert.deepEqual((await runTask(split, task, valuesFor(task))).rows, incremental[index]!.rows, `${task.id} after a full rebuild`);
			}
			// A load of duplicates only: nothing changes.
			const copy = `${first}.copy`;
			// A blank line first: another file's content, whose events are all stored already.
			fs.writeFileSync(copy, `\n${fs.readFileSync(first, 'utf8')}`);
			const duplicates = await runIngest({databaseUrl: splitUrl, pool: split, paths: [copy], workers: 1});
			assert.deepEqual([duplicates.loaded, duplicates.duplicates > 0], [0, true]);
			assert.deepEqual(await recomputedRows(split), incrementalWalks);
			for (const [index, task] of [...tasks.values()].entries()) {
				if (task.id === 'data-health') continue; // counts files
				assert.deepEqual((await runTask(split, task, valuesFor(task))).rows, incremental[index]!.rows, `${task.id} after a load of duplicates`);
			}
			// The later part first, then the earlier one (an old file found late): the second refresh reaches back
			// before the first load's days.
			const reversed = await loadedPool(reversedUrl, [second, first]);
			try {
				for (const task of tasks.values()) {
					if (task.id === 'data-health') continue;
					assert.deepEqual((await runTask(reversed, task, valuesFor(task))).rows, (await runTask(pool, task, valuesFor(task))).rows, `${task.id}, parts in reverse`);
				}
			} finally {
				await reversed.end();
			}
		} finally {
			await split.end();
			remove();
		}
	});
});

describe('the day zone (the days the day tables count)', () => {
	it('built in Moscow time, in two loads, every task answers as built in UTC, in UTC and in Moscow time; a new zone rebuilds', async () => {
		const {first, second, remove} = splitFixture();
		const moscow = await loadedPool(moscowUrl, [first, second], 'Europe/Moscow');
		try {
			const dayZone = async () => (await moscow.query<{zone: string}>('SELECT d_day_zone() AS zone')).rows[0]!.zone;
			assert.equal(await dayZone(), 'Europe/Moscow');
			// bob enrolls at 23:30 Moscow time on March 4; his plays at 21:10 and 21:12 UTC are on March 5 there.
			const bobsDays = async (table = 'd_learner_day') =>
				(await moscow.query(`SELECT day::text, sum(plays)::int AS plays FROM ${table} WHERE username = 'bob' GROUP BY 1 ORDER BY 1`)).rows;
			const utcDays = [{day: '2024-03-04', plays: 2}, {day: '2024-03-06', plays: 0}];
			assert.deepEqual(await bobsDays(), [{day: '2024-03-04', plays: 0}, {day: '2024-03-05', plays: 2}, {day: '2024-03-06', plays: 0}]);
			// UTC's days are kept beside them, and the tasks' default zone reads them instead of the hourly tables.
			assert.deepEqual(await bobsDays('d_learner_day_utc'), utcDays);
			// The planner keeps the branch of the zone's table only (the day-zone tests fold to constants).
			const tablesRead = async (tz: string) => {
				const {rows} = await moscow.query<{'QUERY PLAN': string}>('EXPLAIN SELECT count(*) FROM d_learner_days($1::text)', [tz]);
				return rows.flatMap((row) => /Scan on (\w+)/.exec(row['QUERY PLAN'])?.[1] ?? []).sort();
			};
			assert.deepEqual(await tablesRead('UTC'), ['d_learner_day_utc']);
			assert.deepEqual(await tablesRead('Europe/Moscow'), ['d_learner_day']);
			assert.deepEqual(await tablesRead('Asia/Kolkata'), ['d_learner_hour']);
			const compare = async (label: string) => {
				for (const task of tasks.values()) {
					if (task.id === 'data-health') continue; // counts files, and there are two here
					const zones = task.parameters.some((parameter) => parameter.name === 'tz') ? ['UTC', 'Europe/Moscow', 'Asia/Kolkata'] : ['UTC'];
					for (const tz of zones) {
						const values = {...valuesFor(task), ...(tz === 'UTC' ? {} : {tz})};
						assert.deepEqual((await runTask(moscow, task, values)).rows, (await runTask(pool, task, values)).rows, `${task.id} in ${tz}, ${label}`);
					}
				}
			};
			await compare('built in Moscow time');
			// Back to UTC with nothing new to load: every load is built again, in UTC.
			await runIngest({databaseUrl: moscowUrl, pool: moscow, paths: [first], workers: 1, dayZone: 'UTC'});
			assert.equal(await dayZone(), 'UTC');
			assert.deepEqual(await bobsDays(), utcDays);
			assert.deepEqual(await bobsDays('d_learner_day_utc'), []);
			const {rows: pending} = await moscow.query<{count: number}>('SELECT count(*)::int AS count FROM loads WHERE NOT derived_done');
			assert.equal(pending[0]!.count, 0);
			await compare('built again in UTC');
		} finally {
			await moscow.end();
			remove();
		}
	});
});

describe('migration 128 (only URLs are pages) on a database built before it', () => {
	it('removes the placeholder pages, and the rebuild it asks for answers every task as a database built after it', async () => {
		const old = await loadedPool(placeholderPagesUrl, [fixture], 'UTC');
		try {
			// Built as before 128, when every logged page was numbered as a page.
			await old.query(`CREATE OR REPLACE FUNCTION d_is_page_url(page text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT page IS NOT NULL'`);
			await old.query('UPDATE loads SET derived_done = false');
			await refreshDerived(old);
			const visited = async () => (await runTask(old, tasks.get('page-visits')!, {})).rows.map((row) => row[0]);
			assert.ok((await visited()).includes('x_module') && (await visited()).includes('dashboard'), 'the old build counted them as pages');
			await old.query('DROP FUNCTION d_is_page_url(text)');
			await old.query(migrations.find((migration) => migration.version === 128)!.sql);
			const placeholders = async (table: string, column: string) =>
				(await old.query<{count: number}>(`SELECT count(*)::int AS count FROM ${table} WHERE ${column} IN ('x_module', 'dashboard')`)).rows[0]!.count;
			assert.deepEqual([await placeholders('d_page', 'page'), await placeholders('d_url', 'url')], [0, 0]);
			const {rows: pending} = await old.query<{count: number}>('SELECT count(*)::int AS count FROM loads WHERE NOT derived_done');
			assert.equal(pending[0]!.count, 1);
			// The next ingest (nothing new to load) rebuilds.
			await runIngest({databaseUrl: placeholderPagesUrl, pool: old, paths: [fixture], workers: 1, dayZone: 'UTC'});
			for (const task of tasks.values()) {
				assert.deepEqual((await runTask(old, task, valuesFor(task))).rows, (await runTask(pool, task, valuesFor(task))).rows, task.id);
			}
		} finally {
			await old.end();
		}
	});
});
