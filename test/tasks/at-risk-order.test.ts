import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * at-risk rows that tie on days inactive, name and course: a staff member enrolls user ids 9 (05-01 12:00, in
 * one file), 4 (05-01 10:00) and 7 (05-01 12:00, as 9, both in another), who have no event of their own, so no
 * name; "honor" enrolls under user id 21 at 09:30 and 12 at 09:00 (two accounts, one name). zoe enrolls and visits
 * a page on 05-20, the course's last day. Loaded in either order, the rows come out in one order: the earlier
 * enrollment first, then the lesser user id.
 */
const COURSE = 'course-v1:Uni+RISK+2024';
const line = (username: string, userId: number, time: string, eventType: string, enrolled = userId, page: string | null = null) =>
	JSON.stringify({
		username, event_type: eventType, event_source: page ? 'browser' : 'server', time: `2024-05-${time}:00+00:00`, page,
		context: {course_id: COURSE, user_id: userId, org_id: 'Uni', path: '/event'},
		event: {course_id: COURSE, user_id: enrolled, mode: 'audit'},
	});
const ACTIVATED = 'edx.course.enrollment.activated';
const dir = fixtureDir();
const files = ['first.log', 'second.log'].map((name) => path.join(dir, name));
fs.writeFileSync(
	files[0]!,
	`${[
		line('staff', 100, '01T12:00', ACTIVATED, 9),
		line('honor', 21, '01T09:30', ACTIVATED),
		line('zoe', 30, '20T08:00', ACTIVATED),
		line('zoe', 30, '20T08:05', 'seq_goto', 30, `https://openedu.ru/courses/${COURSE}/courseware/a/b/1`),
	].join('\n')}\n`,
);
fs.writeFileSync(
	files[1]!,
	`${[line('staff', 100, '01T10:00', ACTIVATED, 4), line('honor', 12, '01T09:00', ACTIVATED), line('staff', 100, '01T12:00', ACTIVATED, 7)].join('\n')}\n`,
);
const databases = await Promise.all(['in_order', 'reversed'].map((name) => openTestDatabase(`at_risk_order_${name}`)));

it('at-risk rows that tie on days inactive, name and course come out in one order, whatever order the files loaded in', async () => {
	const {tasks} = await loadTaskCatalogue();
	const atRisk = tasks.find((task) => task.id === 'at-risk')!;
	for (const [index, order] of [files, [...files].reverse()].entries()) {
		const database = databases[index]!;
		for (const file of order) await ingest(database, [file]);
		assert.deepEqual(
			(await runTask(database.pool, atRisk, {})).rows,
			[
				['honor', 12, COURSE, '2024-05-01 09:00:00', null, 19, 0],
				['honor', 21, COURSE, '2024-05-01 09:30:00', null, 19, 0],
				[null, 4, COURSE, '2024-05-01 10:00:00', null, 19, 0],
				[null, 7, COURSE, '2024-05-01 12:00:00', null, 19, 0],
				[null, 9, COURSE, '2024-05-01 12:00:00', null, 19, 0],
			],
			order.map((file) => path.basename(file)).join(', '),
		);
	}
});
