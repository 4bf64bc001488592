import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {before, it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

const database = await openTestDatabase('video_dropoff_still');
let task: TaskDefinition;

/** dan plays video v at 5 s and pauses at 5 s (he watched nothing), then watches 30–40 s; eve watches 10–20.5 s. */
before(async () => {
	const player = (n: number, username: string, type: string, time: string, position: number) =>
		eventLine(n, {username, name: type, event_type: type, time: `2024-03-04T${time}+00:00`, event: JSON.stringify({id: 'v', currentTime: position})});
	const file = path.join(fixtureDir(), 'still.log');
	const events = [
		player(1, 'dan', 'play_video', '11:00:00', 5),
		player(2, 'dan', 'pause_video', '11:00:01', 5),
		player(3, 'dan', 'play_video', '11:01:00', 30),
		player(4, 'dan', 'pause_video', '11:01:10', 40),
		player(5, 'eve', 'play_video', '11:00:00', 10),
		player(6, 'eve', 'pause_video', '11:00:10', 20.5),
	];
	fs.writeFileSync(file, `${events.join('\n')}\n`);
	await ingest(database, [file]);
	task = (await loadTaskCatalogue()).tasks.find((candidate) => candidate.id === 'video-dropoff')!;
});

it('video-dropoff: a play paused where it started is no view of its segment', async () => {
	assert.deepEqual((await runTask(database.pool, task, {video: 'v'})).rows, [
		[0, 0, 0],
		[10, 1, 1],
		[20, 1, 1],
		[30, 1, 1],
	]);
});
