import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {before, describe, it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

const X = 'course-v1:Uni+X+2024';
const Y = 'course-v1:Uni+Y+2024';
// As pages are shown: their paths (logged at https://lms.example.org).
const A = '/shared/a';
const B = '/shared/b';

// Opened at the top level: the helper closes the pool after this file's tests.
const database = await openTestDatabase('several_courses');

/**
 * lena goes from page A to page B in course X at 10:00, and again in course Y at 11:00 (pages that both
 * courses link); max does it once, in X. All courses together, lena is one learner: one visitor of each
 * page, one learner of the transition, and her minutes of both courses fall on one day.
 */
describe('a learner of several courses, all courses together', () => {
	let tasks: Map<string, TaskDefinition>;
	const rows = async (id: string, values: Record<string, string> = {}) => (await runTask(database.pool, tasks.get(id)!, values)).rows;

	before(async () => {
		const event = (n: number, username: string, course: string, time: string, page: string) =>
			eventLine(n, {username, time, page: `https://lms.example.org${page}`, name: 'seq_goto', event_type: 'seq_goto', event: '{}', context: {user_id: username.length, course_id: course, path: '/event'}});
		const file = path.join(fixtureDir(), 'two-courses.log');
		const events = [
			event(1, 'lena', X, '2024-03-04T10:00:00+00:00', A),
			event(2, 'lena', X, '2024-03-04T10:01:00+00:00', B),
			event(3, 'lena', Y, '2024-03-04T11:00:00+00:00', A),
			event(4, 'lena', Y, '2024-03-04T11:01:00+00:00', B),
			event(5, 'max', X, '2024-03-04T10:00:00+00:00', A),
			event(6, 'max', X, '2024-03-04T10:02:00+00:00', B),
		];
		fs.writeFileSync(file, `${events.join('\n')}\n`);
		await ingest(database, [file]);
		tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
	});

	it('page-visits: a visitor once per page, visits from every course', async () => {
		assert.deepEqual(await rows('page-visits'), [
			[A, null, 3, 2],
			[B, null, 3, 2],
		]);
		assert.deepEqual(await rows('page-visits', {course: Y}), [
			[A, null, 1, 1],
			[B, null, 1, 1],
		]);
	});

	it('page-transitions: a learner once per transition', async () => {
		assert.deepEqual(await rows('page-transitions'), [[A, B, 3, 2]]);
		assert.deepEqual(await rows('page-transitions', {course: X}), [[A, B, 2, 2]]);
	});

	it('time-on-course: minutes of both courses, their one day counted once', async () => {
		assert.deepEqual(await rows('time-on-course'), [
			['lena', 2, 1],
			['max', 2, 1],
		]);
		assert.deepEqual(await rows('time-on-course', {course: X}), [
			['max', 2, 1],
			['lena', 1, 1],
		]);
	});
});
