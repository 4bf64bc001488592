import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Havana turned its clocks back from 01:00 to 00:00 on 2018-11-04: that day began twice, at 04:00Z (UTC-04:00) and
 * at 05:00Z (UTC-05:00). bob's visits of page B at 04:30Z and C at 05:30Z are both at 00:30 on 11-04 there (the tz
 * database, as Python's zoneinfo reads it). PostgreSQL's '2018-11-04'::timestamp AT TIME ZONE 'America/Havana' is
 * the second midnight: a range of 11-04 lost B to 11-03, and so did d_page_day's incremental build in that day zone.
 */
// As pages are shown: their paths (logged at https://courses.openedu.ru).
const PAGE = '/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/a1/';
const dir = fixtureDir();
const visit = (n: number, username: string, time: string, page: string) => eventLine(n, {username, time, page: `https://courses.openedu.ru${PAGE}${page}/`});
const first = path.join(dir, 'first.log');
const second = path.join(dir, 'second.log');
fs.writeFileSync(first, `${visit(1, 'ann', '2018-11-01T12:00:00+00:00', 'A')}\n`);
fs.writeFileSync(second, `${[visit(2, 'bob', '2018-11-04T04:30:00+00:00', 'B'), visit(3, 'bob', '2018-11-04T05:30:00+00:00', 'C')].join('\n')}\n`);
const database = await openTestDatabase('second_midnight');
const tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
const pages = async (id: string, values: Record<string, string>) =>
	csvRows(await runTask(database.pool, tasks.get(id)!, {tz: 'America/Havana', ...values})).map((row) => row.map((value) => (String(value).startsWith(PAGE) ? String(value).slice(PAGE.length) : value)));

it('a day whose midnight came twice begins at the first', async () => {
	// The second load is incremental: d_page_day is rebuilt from the day of its first event on.
	await ingest(database, [first], {dayZone: 'America/Havana'});
	await ingest(database, [second], {dayZone: 'America/Havana'});
	// day, url, name, visits, visitors
	assert.deepEqual((await pages('page-visits-by-day', {from: '2018-11-04'})).map((row) => [row[0], row[1], row[3]]), [
		['2018-11-04', 'B', 1],
		['2018-11-04', 'C', 1],
	]);
	assert.deepEqual((await pages('page-visits', {from: '2018-11-04', to: '2018-11-04'})).map((row) => row[0]), ['B', 'C']);
	assert.deepEqual((await pages('page-visits', {from: '2018-11-03', to: '2018-11-03'})).map((row) => row[0]), []);
	// step, session, local time: both at 00:30 on 11-04, an hour apart.
	assert.deepEqual((await pages('learner-path', {user: 'bob', from: '2018-11-04', to: '2018-11-04'})).map((row) => row.slice(0, 3)), [
		[1, 1, '2018-11-04 00:30:00'],
		[2, 2, '2018-11-04 00:30:00'],
	]);
});
