import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {before, describe, it} from 'node:test';
import {explainEmpty, loadTaskCatalogue, noRowsNote, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

const X = 'course-v1:Uni+X+2024';
const Y = 'course-v1:Uni+Y+2024';

// Opened at the top level: the helper closes the pool after this file's tests.
const database = await openTestDatabase('no_course_events');

/**
 * Two courses with events on 2024-03-04 and 2024-03-05, and events of no course (course_id '': the dashboard, a
 * video outside any course) in 2020, of a type and a video that no course has. "All courses" is every course but
 * '': the checks of the parameters took '' in with the empty course value, so a type or video seen only outside
 * the courses passed as known (an empty answer, no word), and the no-rows note named 2020 as the courses' first day.
 */
describe('events of no course, with all courses chosen', () => {
	let tasks: Map<string, TaskDefinition>;
	const run = (id: string, values: Record<string, string>) => runTask(database.pool, tasks.get(id)!, values);

	before(async () => {
		const event = (n: number, course: string, time: string, type: string, payload: Record<string, unknown> = {}) =>
			eventLine(n, {username: 'ann', time, page: 'https://lms.example.org/dashboard', name: type, event_type: type, event: JSON.stringify(payload), context: {user_id: 7, course_id: course, path: '/event'}});
		const file = path.join(fixtureDir(), 'no-course.log');
		const events = [
			event(1, X, '2024-03-04T10:00:00+00:00', 'seq_goto'),
			event(2, Y, '2024-03-05T10:00:00+00:00', 'play_video', {id: 'course-video', currentTime: 0}),
			event(3, '', '2020-01-01T10:00:00+00:00', 'dashboard_only'),
			event(4, '', '2020-01-01T10:01:00+00:00', 'play_video', {id: 'stray-video', currentTime: 0}),
		];
		fs.writeFileSync(file, `${events.join('\n')}\n`);
		await ingest(database, [file]);
		tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
	});

	it('an event type only events of no course have is no type of the courses', async () => {
		await assert.rejects(run('learner-unit-events', {types: 'dashboard_only'}), {message: 'No events of type "dashboard_only" in the database (event-types lists the types it has).'});
	});

	it('a video only events of no course have is no video of the courses', async () => {
		await assert.rejects(run('video-dropoff', {video: 'stray-video'}), {message: /^No video "stray-video" in the database/});
		await assert.doesNotReject(run('video-dropoff', {video: 'course-video'}), 'a course video passes');
	});

	it("the no-rows note gives the courses' days, not those of events of no course", async () => {
		assert.equal(
			await noRowsNote(database.pool, tasks.get('learners')!, {from: '2025-01-01', course: ''}, 'command line'),
			'No rows: the courses have events from 2024-03-04 to 2024-03-05 (days in UTC), all before "from" (2025-01-01).',
		);
	});

	it('the app gets the no-rows note among an empty answer\'s notes, and a non-empty answer as it was', async () => {
		const activity = tasks.get('activity-by-day')!;
		const empty = await explainEmpty(database.pool, activity, await run('activity-by-day', {course: X, from: '2024-03-05'}));
		assert.deepEqual(empty.notes, [`No rows: ${X} has events from 2024-03-04 to 2024-03-04 (days in UTC), all before "from" (2024-03-05).`]);
		const answer = await run('activity-by-day', {course: X});
		assert.equal((await explainEmpty(database.pool, activity, answer)).rows.length, 1);
		assert.equal(await explainEmpty(database.pool, activity, answer), answer);
	});

	it("the app's no-rows note says what the task counts, as its menu and form do: it has no `run --help` to point to", async () => {
		const pdfViews = tasks.get('pdf-views')!;
		const none = await explainEmpty(database.pool, pdfViews, await run('pdf-views', {course: X}));
		assert.deepEqual(none.notes, [
			`No rows: this task counts nothing in ${X}: Per PDF (the file name at the end of event.chapter): viewers = distinct learners with any textbook.pdf.* event on it, page_loads = textbook.pdf.page.loaded events, events = all its textbook events.`,
		]);
		// The command line keeps its pointer to the task's help.
		assert.equal(
			await noRowsNote(database.pool, pdfViews, {course: X}, 'command line'),
			`No rows: this task counts nothing in ${X}; openpolyedu-tui run pdf-views --help says what it counts.`,
		);
	});
});
