import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {previousHours} from '../helpers/previous-hours.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * at-risk's days active in a zone whose days were not counted when the tables were built (neither the day zone, Moscow
 * time here, nor UTC) sum a learner's first active hour of each day (migration 159). ann enrolls on March 2 at 10:00Z
 * (an enrollment is not learning activity, so that day is not one of hers), then is active at 20:00Z, 22:30Z on March
 * 4, 01:10Z and 06:00Z on March 5 and 20:00Z on March 6; the first and fourth of these come in a second load, after the
 * others. In Tokyo (UTC+9) that is March 5 and March 7: 2 days; in UTC March 4, 5 and 6; in Moscow (UTC+3) March 4
 * (23:00), 5 and 6; in New York (UTC-5) March 4, 5 (01:00) and 6. bob's visit on March 30 is the course's last day.
 */
const COURSE = 'course-v1:Uni+DAYS+2024';
const PAGE = `https://openedu.ru/courses/${COURSE}/courseware/a/b/1`;
const line = (username: string, userId: number, time: string, eventType: string) =>
	JSON.stringify({
		username, event_type: eventType, event_source: eventType.startsWith('edx.') ? 'server' : 'browser', time: `2024-03-${time}:00+00:00`, page: PAGE,
		context: {course_id: COURSE, user_id: userId, org_id: 'Uni', path: '/event'},
		event: {course_id: COURSE, user_id: userId, mode: 'audit'},
	});
const ACTIVATED = 'edx.course.enrollment.activated';
const dir = fixtureDir();
const first = path.join(dir, 'first.log');
const second = path.join(dir, 'second.log');
fs.writeFileSync(
	first,
	`${[
		line('ann', 1, '02T10:00', ACTIVATED),
		line('ann', 1, '04T22:30', 'seq_goto'),
		line('ann', 1, '05T01:10', 'seq_goto'),
		line('ann', 1, '06T20:00', 'seq_goto'),
		line('bob', 2, '30T08:00', ACTIVATED),
		line('bob', 2, '30T08:05', 'seq_goto'),
	].join('\n')}\n`,
);
// A second load: ann's hours before each active hour come from her whole history, earlier events too.
fs.writeFileSync(second, `${[line('ann', 1, '04T20:00', 'seq_goto'), line('ann', 1, '05T06:00', 'seq_goto')].join('\n')}\n`);
const database = await openTestDatabase('active_days_any_zone');
const atRisk = (await loadTaskCatalogue()).tasks.find((task) => task.id === 'at-risk')!;
// username, days active
const daysActive = async (values: Record<string, string>) => csvRows(await runTask(database.pool, atRisk, {days: '0', ...values})).map((row) => [row[0], row[6]]);

it('counts the days a learner was active in any zone, from hours loaded out of order too', async () => {
	await ingest(database, [first], {dayZone: 'Europe/Moscow'});
	await ingest(database, [second], {dayZone: 'Europe/Moscow'});
	assert.deepEqual(await previousHours(database.pool, 'd_learner_active_hour', 'ann'), [
		['04 20', null],
		['04 22', '04 20'],
		['05 01', '04 22'],
		['05 06', '05 01'],
		['06 20', '05 06'],
	]);
	assert.deepEqual(await daysActive({tz: 'Asia/Tokyo'}), [['ann', 2]]);
	assert.deepEqual(await daysActive({tz: 'America/New_York'}), [['ann', 3]]);
	// The days of the tables (the day zone's and UTC's) agree.
	assert.deepEqual(await daysActive({tz: 'Europe/Moscow'}), [['ann', 3]]);
	assert.deepEqual(await daysActive({}), [['ann', 3]]);
	// As it stood at the end of March 6 in Tokyo (15:00Z): her day of March 7 there had not come yet.
	assert.deepEqual(await daysActive({tz: 'Asia/Tokyo', as_of: '2024-03-06'}), [['ann', 1]]);
	assert.deepEqual(await daysActive({tz: 'Asia/Tokyo', course: COURSE}), [['ann', 2]]);
});
