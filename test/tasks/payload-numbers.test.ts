import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {before, describe, it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

const database = await openTestDatabase('payload_numbers');

/**
 * Numbers in payloads that no double precision or bigint holds, as a broken player or a hand-edited log writes them:
 * JSON allows any size, and PostgreSQL's jsonb keeps them exactly. ann watches v for 30 s as usual; bob's player reports
 * 1e400, -1e400, 1e-400 and a string "9e999"; eve's enrollment carries user_id 1e30. Read as numbers, each raised "out of
 * range" in the derived build: that load failed, and so did every later ingest and run, its event being stored.
 * They are read as unknown (NULL), as a position that is no number is.
 */
describe('payload numbers out of any range', () => {
	let tasks: Map<string, TaskDefinition>;
	const rows = async (id: string, values: Record<string, string> = {}) => (await runTask(database.pool, tasks.get(id)!, values)).rows;

	before(async () => {
		const player = (n: number, username: string, type: string, time: string, payload: string) =>
			eventLine(n, {username, name: type, event_type: type, time, event: `{"id": "v", "duration": 600, ${payload}}`});
		const enrollment = JSON.stringify({
			username: 'eve', event_type: 'edx.course.enrollment.activated', event_source: 'server', time: '2024-03-04T09:00:00+00:00', page: null,
			context: {course_id: 'course-v1:spbstu+PHYLOS+fall_2018', user_id: 7, org_id: 'spbstu', path: '/change_enrollment'},
			event: {course_id: 'course-v1:spbstu+PHYLOS+fall_2018', user_id: 0, mode: 'audit'},
		}).replace('"user_id":0', '"user_id":1e30');
		const file = path.join(fixtureDir(), 'numbers.log');
		const events = [
			player(1, 'ann', 'play_video', '2024-03-04T10:00:00+00:00', '"currentTime": 0'),
			player(2, 'ann', 'pause_video', '2024-03-04T10:00:30+00:00', '"currentTime": 30'),
			player(3, 'bob', 'play_video', '2024-03-04T11:00:00+00:00', '"currentTime": 1e400'),
			player(4, 'bob', 'pause_video', '2024-03-04T11:00:30+00:00', '"currentTime": -1e400'),
			player(5, 'bob', 'play_video', '2024-03-04T11:01:00+00:00', '"currentTime": 1e-400'),
			player(6, 'bob', 'seek_video', '2024-03-04T11:01:10+00:00', '"old_time": 10, "new_time": "9e999"'),
			enrollment,
		];
		fs.writeFileSync(file, `${events.join('\n')}\n`);
		const summary = await ingest(database, [file]);
		assert.equal(summary.loaded, events.length, 'every line is an event');
		tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
	});

	it('are read as unknown: the build finishes, and the other numbers count', async () => {
		const {rows: positions} = await database.pool.query<{username: string; position: number | null; new_position: number | null}>(
			'SELECT username, position, new_position FROM d_video_event ORDER BY time',
		);
		assert.deepEqual(
			positions.map(({username, position, new_position}) => [username, position, new_position]),
			[['ann', 0, null], ['ann', 30, null], ['bob', null, null], ['bob', null, null], ['bob', null, null], ['bob', null, null]],
		);
		// ann's 30 s are half a minute; bob played, and watched nothing that can be told.
		assert.deepEqual(await rows('video-engagement'), [['v', null, 2, 3, 0.5, 600, 0, '/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/a1/b2']]);
		// The payload's user id unknown, the context's (the user acting, here eve herself) is taken.
		const {rows: enrolled} = await database.pool.query('SELECT username, user_id, activated FROM d_enrollment');
		assert.deepEqual(enrolled, [{username: 'eve', user_id: 7, activated: true}]);
	});
});
