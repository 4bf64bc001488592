import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {before, describe, it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * A seek made while playing is logged a moment before the play that follows it (the corpus' user_activity_tracking.log:
 * seek_video at 18:28:12.817653, play_video at 18:28:12.920433, reporting the position before the seek). In a log with
 * whole seconds the two have one time. ann plays video v (600 s) from 0 at 10:00:00, seeks 60 → 300 at 10:01:00 with
 * the play at that second (reporting 60), and pauses at 420 at 10:03:00: she watched 0–60 and 300–420, 3 minutes. Taken
 * play first (actions in byte order), the seek ended that play at once and nothing was watched. Loaded at once (the
 * first build's walk) and in two loads (the seek, play and pause read back from d_video_event in SQL's order).
 */
const player = (n: number, type: string, time: string, payload: Record<string, unknown>) =>
	eventLine(n, {username: 'ann', name: type, event_type: type, time, event: JSON.stringify({id: 'v', duration: 600, ...payload})});
const events = [
	player(1, 'play_video', '2024-03-04T10:00:00+00:00', {currentTime: 0}),
	player(2, 'seek_video', '2024-03-04T10:01:00+00:00', {old_time: 60, new_time: 300}),
	player(3, 'play_video', '2024-03-04T10:01:00+00:00', {currentTime: 60}),
	player(4, 'pause_video', '2024-03-04T10:03:00+00:00', {currentTime: 420}),
];
const dir = fixtureDir();
const write = (name: string, lines: string[]) => {
	const file = path.join(dir, name);
	fs.writeFileSync(file, `${lines.join('\n')}\n`);
	return file;
};

const loadedAtOnce = await openTestDatabase('video_seek_same_second');
const loadedInTwo = await openTestDatabase('video_seek_same_second');

for (const [label, database, loads] of [
	['in one load', loadedAtOnce, [['seek-same-second.log', events]]],
	['in two loads', loadedInTwo, [['seek-same-second-1.log', events.slice(0, 1)], ['seek-same-second-2.log', events.slice(1)]]],
] as const) {
	describe(`a seek and the play after it in the same second, ${label}`, () => {
		let tasks: Map<string, TaskDefinition>;
		const rows = async (id: string, values: Record<string, string> = {}) => (await runTask(database.pool, tasks.get(id)!, values)).rows;

		before(async () => {
			for (const [name, lines] of loads) await ingest(database, [write(name, [...lines])]);
			tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
		});

		it('video-engagement: 0–60 and 300–420 watched, 3 minutes', async () => {
			// video_id, unit, viewers, plays, watched_minutes, duration_seconds, completed (420 < 95 % of 600), url
			assert.deepEqual(await rows('video-engagement'), [['v', null, 1, 2, 3, 600, 0, '/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/a1/b2']]);
		});

		it('video-dropoff: the first minute and minutes 5–7 watched, the seek skipped minutes 1–5', async () => {
			const curve = await rows('video-dropoff', {video: 'v', segment: '60'});
			assert.deepEqual(
				curve.map((row) => row[1]),
				[1, 0, 0, 0, 0, 1, 1],
			);
		});
	});
}
