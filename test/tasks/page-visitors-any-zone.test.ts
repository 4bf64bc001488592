import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {previousHours} from '../helpers/previous-hours.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * page-visits-by-day in a zone whose days were not counted when the tables were built (neither the day zone, Moscow
 * time here, nor UTC) counts a learner as a visitor of a page on a day by their first hour on it that day (migration
 * 157). ann visits page A at 22:30Z on March 4 and 01:10Z and 10:00Z on March 5, all on March 5 in Tokyo (UTC+9), and
 * at 20:00Z on March 6 (March 7 there): 3 visits by 1 visitor on the 5th. bob visits the wiki page W (no course in its
 * URL) in course X at 03:00Z and in course Y at 05:00Z: all courses together, 2 visits by 1 visitor.
 */
const X = 'course-v1:spbstu+PHYLOS+fall_2018';
const Y = 'course-v1:itmo+CS+2024';
// As pages are shown: their paths (logged at https://courses.openedu.ru).
const A = `/courses/${X}/courseware/a`;
const W = '/wiki/shared';
const dir = fixtureDir();
const visit = (n: number, username: string, course: string, time: string, page: string) =>
	eventLine(n, {username, time, page: `https://courses.openedu.ru${page}/`, context: {user_id: username === 'ann' ? 1 : 2, org_id: 'x', course_id: course, path: '/event'}});
const first = path.join(dir, 'first.log');
const second = path.join(dir, 'second.log');
fs.writeFileSync(
	first,
	`${[
		visit(1, 'ann', X, '2024-03-04T22:30:00+00:00', A),
		visit(2, 'ann', X, '2024-03-05T01:10:00+00:00', A),
		visit(3, 'bob', X, '2024-03-05T03:00:00+00:00', W),
		visit(4, 'bob', Y, '2024-03-05T05:00:00+00:00', W),
	].join('\n')}\n`,
);
// A second load: ann's previous hours on A come from her whole history, not from this file.
fs.writeFileSync(second, `${[visit(5, 'ann', X, '2024-03-05T10:00:00+00:00', A), visit(6, 'ann', X, '2024-03-06T20:00:00+00:00', A)].join('\n')}\n`);
const database = await openTestDatabase('page_visitors_any_zone');
const tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
// day, url, visits, visitors
const visits = async (values: Record<string, string>) =>
	csvRows(await runTask(database.pool, tasks.get('page-visits-by-day')!, values)).map((row) => [row[0], row[1], row[3], row[4]]);

it('counts a visitor of a page on a day of any zone once, all courses together too', async () => {
	await ingest(database, [first], {dayZone: 'Europe/Moscow'});
	await ingest(database, [second], {dayZone: 'Europe/Moscow'});
	assert.deepEqual(await previousHours(database.pool, 'd_learner_page_hour', 'ann'), [
		['04 22', null],
		['05 01', '04 22'],
		['05 10', '05 01'],
		['06 20', '05 10'],
	]);
	const {rows: shared} = await database.pool.query<{url: string}>('SELECT u.url FROM d_shared_url s JOIN d_url u USING (url_id)');
	assert.deepEqual(shared, [{url: W}]);
	assert.deepEqual(await visits({tz: 'Asia/Tokyo'}), [
		['2024-03-05', A, 3, 1],
		['2024-03-05', W, 2, 1],
		['2024-03-07', A, 1, 1],
	]);
	assert.deepEqual(await visits({tz: 'Asia/Tokyo', course: Y}), [['2024-03-05', W, 1, 1]]);
	// The same days counted as the tables were built (UTC's), and by the new rule in New York (UTC-5).
	assert.deepEqual(await visits({}), [
		['2024-03-04', A, 1, 1],
		['2024-03-05', A, 2, 1],
		['2024-03-05', W, 2, 1],
		['2024-03-06', A, 1, 1],
	]);
	// bob's visit of 03:00Z is on March 4 there.
	assert.deepEqual(await visits({tz: 'America/New_York'}), [
		['2024-03-04', A, 2, 1],
		['2024-03-04', W, 1, 1],
		['2024-03-05', A, 1, 1],
		['2024-03-05', W, 1, 1],
		['2024-03-06', A, 1, 1],
	]);
});
