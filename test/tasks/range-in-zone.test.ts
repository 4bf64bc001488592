import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {before, describe, it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * A --from/--to range is days of the zone, whatever the database's day zone: ann works on page A from 20:30 to
 * 20:35 UTC on 2024-03-04 (23:30 in Moscow), then an hour later on page B at 21:30 (00:30 on 03-05 in Moscow) and
 * C at 21:35: a second session, with a transition B → C. The tasks that filter exact times by the range (rather than read day tables) must cut
 * between her two sessions in Moscow time and keep both in UTC.
 */
// As pages are shown: their paths (logged at https://courses.openedu.ru).
const PAGE = '/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/a1/';
const database = await openTestDatabase('range_in_zone');
let tasks: Map<string, TaskDefinition>;
const rows = async (id: string, values: Record<string, string>) => csvRows(await runTask(database.pool, tasks.get(id)!, values));
const moscowDay = {tz: 'Europe/Moscow', from: '2024-03-05', to: '2024-03-05'};
const moscowBefore = {tz: 'Europe/Moscow', from: '2024-03-04', to: '2024-03-04'};
const utcDay = {from: '2024-03-04', to: '2024-03-04'};

describe('a date range in a zone other than UTC', () => {
	before(async () => {
		const event = (n: number, time: string, page: string) => eventLine(n, {username: 'ann', time: `2024-03-04T${time}+00:00`, page: `https://courses.openedu.ru${PAGE}${page}/`});
		const file = path.join(fixtureDir(), 'range-in-zone.log');
		fs.writeFileSync(file, `${[event(1, '20:30:00', 'A'), event(2, '20:35:00', 'A'), event(3, '21:30:00', 'B'), event(4, '21:35:00', 'C')].join('\n')}\n`);
		await ingest(database, [file], {dayZone: 'UTC'});
		tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
	});

	it('page-visits, sessions, learner-path and page-transitions cut at the zone\'s midnight', async () => {
		const urls = async (values: Record<string, string>) => (await rows('page-visits', values)).map((row) => String(row[0]).slice(PAGE.length));
		assert.deepEqual(await urls(moscowDay), ['B', 'C']);
		assert.deepEqual(await urls(moscowBefore), ['A']);
		assert.deepEqual(await urls(utcDay), ['A', 'B', 'C']);
		// username, sessions, total and median minutes, …
		assert.deepEqual((await rows('sessions', moscowDay)).map((row) => row.slice(0, 3)), [['ann', 1, 5]]);
		assert.deepEqual((await rows('sessions', moscowBefore)).map((row) => row.slice(0, 3)), [['ann', 1, 5]]);
		assert.deepEqual((await rows('sessions', utcDay)).map((row) => row.slice(0, 3)), [['ann', 2, 10]]);
		assert.deepEqual((await rows('learner-path', {user: 'ann', ...moscowBefore})).map((row) => row.slice(0, 3)), [[1, 1, '2024-03-04 23:30:00']]);
		assert.deepEqual((await rows('learner-path', {user: 'ann', ...moscowDay})).map((row) => row.slice(0, 3)), [
			[2, 2, '2024-03-05 00:30:00'],
			[3, 2, '2024-03-05 00:35:00'],
		]);
		const transitions = async (values: Record<string, string>) => (await rows('page-transitions', values)).map((row) => row.slice(0, 2).map((url) => String(url).slice(PAGE.length)));
		assert.deepEqual(await transitions(moscowDay), [['B', 'C']]);
		assert.deepEqual(await transitions(moscowBefore), []);
		assert.deepEqual(await transitions(utcDay), [['B', 'C']]);
	});

	it("activity-heatmap counts the range's hours in the zone", async () => {
		// [weekday, first hour with events, events]: Tuesday at Moscow's hour 0, the two events of 03-05, none of 03-04's.
		const busy = (rows: unknown[][]) => rows.filter((row) => row.at(-1) !== 0).map((row) => [row[0], row.slice(2, -1).findIndex((events) => events !== 0), row.at(-1)]);
		assert.deepEqual(busy(await rows('activity-heatmap', moscowDay)), [[2, 0, 2]]);
		// Monday at 23:00: the two of 03-04.
		assert.deepEqual(busy(await rows('activity-heatmap', moscowBefore)), [[1, 23, 2]]);
	});
});
