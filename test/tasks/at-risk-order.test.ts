import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
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
			csvRows(await runTask(database.pool, atRisk, {})),
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

/**
 * at-risk as_of: the list as it stood at the end of that day. In another course, ivy enrolls 05-01 09:00, visits
 * pages 05-01 09:10, 05-03 14:30 and 05-10 16:45; jack enrolls 05-01, visits 05-02 11:00, passes 05-08; kim
 * enrolls 05-05 and does nothing; lee enrolls 05-01 and unenrolls 05-07. The course's last day is 05-10.
 */
it('at-risk as of a day counts neither the enrollments, the finishes nor the activity after it', async () => {
	const course = 'course-v1:Uni+ASOF+2024';
	const event = (username: string, userId: number, time: string, eventType: string, page: string | null = null) =>
		line(username, userId, time, eventType, userId, page).replaceAll(COURSE, course);
	const page = (unit: number) => `https://openedu.ru/courses/${course}/courseware/a/b/${unit}`;
	const file = path.join(dir, 'as-of.log');
	fs.writeFileSync(
		file,
		`${[
			event('ivy', 41, '01T09:00', ACTIVATED),
			event('ivy', 41, '01T09:10', 'seq_goto', page(1)),
			event('ivy', 41, '03T14:30', 'seq_goto', page(2)),
			event('ivy', 41, '10T16:45', 'seq_goto', page(3)),
			event('jack', 42, '01T09:00', ACTIVATED),
			event('jack', 42, '02T11:00', 'seq_goto', page(1)),
			event('jack', 42, '08T12:00', 'edx.course.grade.passed.first_time'),
			event('kim', 43, '05T09:00', ACTIVATED),
			event('lee', 44, '01T09:00', ACTIVATED),
			event('lee', 44, '07T09:00', 'edx.course.enrollment.deactivated'),
		].join('\n')}\n`,
	);
	const database = await openTestDatabase('at_risk_as_of');
	await ingest(database, [file]);
	const {tasks} = await loadTaskCatalogue();
	const atRisk = (values: Record<string, string>) => runTask(database.pool, tasks.find((task) => task.id === 'at-risk')!, {days: '0', ...values});
	// Now (05-10): ivy was active that day, jack finished, lee left; kim enrolled 5 days before.
	assert.deepEqual(csvRows(await atRisk({})), [['kim', 43, course, '2024-05-05 09:00:00', null, 5, 0]]);
	// On 05-06: ivy's last activity then is the hour of her visit on 05-03 (her 05-10 visit is later); jack had not
	// passed yet, lee not left; her 05-10 day is not an active day yet.
	assert.deepEqual(csvRows(await atRisk({as_of: '2024-05-06'})), [
		['lee', 44, course, '2024-05-01 09:00:00', null, 5, 0],
		['jack', 42, course, '2024-05-01 09:00:00', '2024-05-02 11:00:00', 4, 1],
		['ivy', 41, course, '2024-05-01 09:00:00', '2024-05-03 14:00:00', 3, 2],
		['kim', 43, course, '2024-05-05 09:00:00', null, 1, 0],
	]);
	// On 05-04 kim had not enrolled yet; ivy's visit of 05-03 was the day before.
	assert.deepEqual(csvRows(await atRisk({as_of: '2024-05-04'})).map((row) => row[0]), ['lee', 'jack', 'ivy']);
});
