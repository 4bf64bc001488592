import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {before, describe, it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

const database = await openTestDatabase('video_seek_gap');

/**
 * ann plays video v (600 s) from 0 and, a minute in, seeks 60 → 300 while playing; she leaves. Two days later she
 * reloads the page and plays it from 0 to the end. That play is no play "right after" the seek: it starts at 0, so
 * she watched 60 + 600 s. (Taking the seek's target, 300, lost 300 s: 6 minutes instead of 11.)
 */
describe('a play long after a seek made while playing', () => {
	let tasks: Map<string, TaskDefinition>;
	const rows = async (id: string, values: Record<string, string> = {}) => (await runTask(database.pool, tasks.get(id)!, values)).rows;

	before(async () => {
		const player = (n: number, type: string, time: string, payload: Record<string, unknown>) =>
			eventLine(n, {username: 'ann', name: type, event_type: type, time, event: JSON.stringify({id: 'v', duration: 600, ...payload})});
		const file = path.join(fixtureDir(), 'seek-gap.log');
		const events = [
			player(1, 'play_video', '2024-03-04T10:00:00+00:00', {currentTime: 0}),
			player(2, 'seek_video', '2024-03-04T10:01:00+00:00', {old_time: 60, new_time: 300}),
			player(3, 'load_video', '2024-03-06T10:00:00+00:00', {}),
			player(4, 'play_video', '2024-03-06T10:00:05+00:00', {currentTime: 0}),
			player(5, 'pause_video', '2024-03-06T10:10:05+00:00', {currentTime: 600}),
		];
		fs.writeFileSync(file, `${events.join('\n')}\n`);
		await ingest(database, [file]);
		tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
	});

	it('video-engagement: the later play starts where it says (11 minutes watched, not 6)', async () => {
		assert.deepEqual(await rows('video-engagement'), [['v', null, 1, 2, 11, 600, 1, '/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/a1/b2']]);
	});

	it('video-dropoff: the first minute is watched twice', async () => {
		const curve = await rows('video-dropoff', {video: 'v', segment: '60'});
		assert.deepEqual(curve.slice(0, 2), [
			[0, 1, 2],
			[60, 1, 1],
		]);
		assert.equal(curve.length, 10);
	});
});
