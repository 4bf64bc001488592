import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Names with several enrolled user ids in one course. "honor" enrolls as user ids 12 (05-01 09:00) and 21 (09:30),
 * then visits a page on 05-02 10:00. "staff", whose events carry no user id of their own, enrolls user ids 4
 * (05-01 10:00) and 9 (12:00), who have no events, so the enrollments keep the name they were logged under; staff
 * visits a page on 05-03 08:00. "ann" enrolls as 40 (05-01 08:00), visits a page on 05-03 09:00, and enrolls again
 * as 41 on 05-05 08:00, the course's last day.
 */
const COURSE = 'course-v1:Uni+NAMES+2024';
const PAGE = `https://openedu.ru/courses/${COURSE}/courseware/a/b/1`;
const line = (username: string, userId: number | null, time: string, enrolled: number | null = null) =>
	JSON.stringify({
		username, event_type: enrolled ? 'edx.course.enrollment.activated' : 'seq_goto', event_source: enrolled ? 'server' : 'browser',
		time: `2024-05-${time}:00+00:00`, page: enrolled ? null : PAGE,
		context: {course_id: COURSE, org_id: 'Uni', path: '/event', ...(userId === null ? {} : {user_id: userId})},
		event: enrolled ? {course_id: COURSE, user_id: enrolled, mode: 'audit'} : {},
	});
const file = path.join(fixtureDir(), 'names.log');
fs.writeFileSync(
	file,
	`${[
		line('honor', 12, '01T09:00', 12),
		line('honor', 21, '01T09:30', 21),
		line('honor', 21, '02T10:00'),
		line('staff', null, '01T12:00', 9),
		line('staff', null, '01T10:00', 4),
		line('staff', null, '03T08:00'),
		line('ann', 40, '01T08:00', 40),
		line('ann', 41, '03T09:00'),
		line('ann', 41, '05T08:00', 41),
	].join('\n')}\n`,
);
const database = await openTestDatabase('names_with_several_ids');
await ingest(database, [file]);
const {tasks} = await loadTaskCatalogue();
const run = async (id: string, values: Record<string, string> = {}) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === id)!, values));

it('started-not-finished lists a learner (a name) once per course, as learners and finished do, however many user ids enrolled it', async () => {
	assert.deepEqual(await run('learners'), [
		['ann', 41, '2024-05-01 08:00:00', '2024-05-05 08:00:00', 3],
		['honor', 21, '2024-05-01 09:00:00', '2024-05-02 10:00:00', 3],
		['staff', null, '2024-05-01 10:00:00', '2024-05-03 08:00:00', 3],
	]);
	// ann's page on 05-03 follows her first enrollment (40), not her second (41): she started.
	assert.deepEqual(await run('started-not-finished'), [
		['ann', COURSE, '2024-05-03 09:00:00', '2024-05-03 09:00:00', 3],
		['staff', COURSE, '2024-05-03 08:00:00', '2024-05-03 08:00:00', 3],
		['honor', COURSE, '2024-05-02 10:00:00', '2024-05-02 10:00:00', 3],
	]);
});

it('at-risk says which user id each row is: one row per enrolled user id, the name for all of them', async () => {
	// Reference day 05-05: honor's last activity is 3 days before it, ann's and staff's 2; ann's 41 enrolled on 05-05.
	assert.deepEqual(await run('at-risk', {days: '0'}), [
		['honor', 12, COURSE, '2024-05-01 09:00:00', '2024-05-02 10:00:00', 3, 1],
		['honor', 21, COURSE, '2024-05-01 09:30:00', '2024-05-02 10:00:00', 3, 1],
		['ann', 40, COURSE, '2024-05-01 08:00:00', '2024-05-03 09:00:00', 2, 1],
		['staff', 4, COURSE, '2024-05-01 10:00:00', '2024-05-03 08:00:00', 2, 1],
		['staff', 9, COURSE, '2024-05-01 12:00:00', '2024-05-03 08:00:00', 2, 1],
	]);
});
