import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {learnerEvents, loadTaskCatalogue} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * The learner picker's list (learnerEvents): the learners of a course, or of every course together, with their events,
 * most active first. Names as logs spell them (a space, quotes, Cyrillic, a combining accent) come back whole, each
 * course's counts alone or summed, an event without a time counted, events of no course and of no name left out.
 */
const A = 'course-v1:spbstu+PHYLOS+fall_2018';
const B = 'course-v1:urfu+MATAN+fall_2019';
const context = (course: string, userId: number) => ({user_id: userId, org_id: course.split(/[:+]/)[1], course_id: course, path: '/event'});
let n = 0;
/** `count` events of `username` in `course` ('' = none), the first `untimed` of them without a time. */
const events = (username: string, course: string, userId: number, count: number, untimed = 0) =>
	Array.from({length: count}, (_, index) =>
		// The page too names the course (the loader reads it from there when the context has none).
		eventLine(++n, {username, context: context(course, userId), page: `https://courses.openedu.ru/${course ? `courses/${course}/courseware/` : 'dashboard'}`, ...(index < untimed ? {time: undefined} : {})}),
	);
const file = path.join(fixtureDir(), 'learners.log');
fs.writeFileSync(
	file,
	`${[
		...events('Анна Петрова', A, 1, 4),
		...events(`o'brien "ob"`, A, 2, 3),
		...events('bob smith', A, 3, 2),
		...events('zoe\u0308', A, 4, 1, 1),
		...events('bob smith', B, 3, 5),
		...events('Анна Петрова', B, 1, 1),
		// Outside any course (a dashboard visit), and with no name: no learner of any course.
		...events('only-dashboard', '', 5, 9),
		...events('', A, 6, 7),
	].join('\n')}\n`,
);
const database = await openTestDatabase('learner_list');
await ingest(database, [file]);
const {tasks} = await loadTaskCatalogue();
/** The picker's list for a field of the task `id`. */
const listed = async (course: string, id = 'learners') => learnerEvents(database.pool, course, tasks.find((task) => task.id === id)!.sql);

it("lists one course's learners with their events in it, most active first, names whole", async () => {
	assert.deepEqual(await listed(A), [
		{username: 'Анна Петрова', events: 4},
		{username: `o'brien "ob"`, events: 3},
		{username: 'bob smith', events: 2},
		{username: 'zoe\u0308', events: 1},
	]);
	assert.deepEqual(await listed(B), [
		{username: 'bob smith', events: 5},
		{username: 'Анна Петрова', events: 1},
	]);
});

it('all courses together (the course left empty): each learner once, their events in every course summed', async () => {
	assert.deepEqual(await listed(''), [
		{username: 'bob smith', events: 7},
		{username: 'Анна Петрова', events: 5},
		{username: `o'brien "ob"`, events: 3},
		{username: 'zoe\u0308', events: 1},
	]);
});

it('a course the database does not have (a typo in the form) lists nobody; the course is a value, never SQL', async () => {
	for (const id of ['learners', 'learner-summary']) {
		assert.deepEqual(await listed('course-v1:nope', id), []);
		assert.deepEqual(await listed(`' OR '' = '`, id), []);
	}
});
