import assert from 'node:assert/strict';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, migratedAgain, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * Each learner's completed videos, kept by the build (migration 180): a video is completed where the learner's watching
 * reached 95 % of the longest duration any player reported for it in the course. Course DONE, May 2024, each learner
 * plays from 0 and pauses once:
 * - first load: ann (1) plays v1 (her player reports 100 s) to 96, v2 (200 s) to 195; cat (3) plays v2 (200 s) to 191.
 *   Both of ann's and cat's are completed (95 and 190 needed).
 * - second load: bob (2) plays v1 and his player reports 110 s (a longer cut): v1 needs 104.5, ann's 96 no longer
 *   completes it, though the load has no event of hers. dan (4) plays v2 (200 s) to 100: v2 stays 200 s, cat keeps hers.
 */
const DONE = 'course-v1:Uni+DONE+2024';
const player = (user: string, id: number, type: string, time: string, video: string, position: number, duration: number) =>
	JSON.stringify({
		username: user, event_type: type, event_source: 'browser', time: `2024-05-${time}+00:00`,
		page: `https://openedu.ru/courses/${DONE}/courseware/ch1/u1/`,
		context: {course_id: DONE, org_id: 'Uni', path: '/event', user_id: id},
		event: JSON.stringify({id: video, currentTime: position, duration}),
	});
/** A play from 0 at `time` (day and hour), paused at `to` seconds later. */
const watch = (user: string, id: number, time: string, video: string, to: number, duration: number) => [
	player(user, id, 'play_video', `${time}:00:00`, video, 0, duration),
	player(user, id, 'pause_video', `${time}:0${Math.floor(to / 60)}:${String(to % 60).padStart(2, '0')}`, video, to, duration),
];
const dir = fixtureDir();
const first = writeLog(dir, 'first.log', [...watch('ann', 1, '01T09', 'v1', 96, 100), ...watch('ann', 1, '01T10', 'v2', 195, 200), ...watch('cat', 3, '01T11', 'v2', 191, 200)]);
const second = writeLog(dir, 'second.log', [...watch('bob', 2, '02T09', 'v1', 20, 110), ...watch('dan', 4, '02T10', 'v2', 100, 200)]);
const {tasks} = await loadTaskCatalogue();
type Database = Awaited<ReturnType<typeof openTestDatabase>>;

/** learner-summary's `name videos_played videos_completed`, and the durations kept. */
async function answers(database: Database): Promise<{summary: string[]; durations: unknown[]}> {
	const result = await runTask(database.pool, tasks.find((task) => task.id === 'learner-summary')!, {course: DONE});
	const [name, played, completed] = ['username', 'videos_played', 'videos_completed'].map((wanted) => result.columns.findIndex((column) => column.name === wanted));
	const {rows} = await database.pool.query('SELECT video_id, duration FROM d_video_duration ORDER BY 1');
	return {summary: csvRows(result).map((row) => `${String(row[name!])} ${String(row[played!])} ${String(row[completed!])}`).sort(), durations: rows};
}
const AFTER_FIRST = {summary: ['ann 2 2', 'cat 1 1'], durations: [{video_id: 'v1', duration: 100}, {video_id: 'v2', duration: 200}]};
const AFTER_BOTH = {summary: ['ann 2 1', 'bob 1 0', 'cat 1 1', 'dan 1 0'], durations: [{video_id: 'v1', duration: 110}, {video_id: 'v2', duration: 200}]};

it('one load: a video is completed at 95 % of the longest duration any learner\'s player reported', async () => {
	const database = await openTestDatabase('video_completion_one');
	await ingest(database, [first, second]);
	assert.deepEqual(await answers(database), AFTER_BOTH);
});

it("a later load's longer duration takes a completion from a learner it has no event of; split loads in either order, and a rebuild, as one", async () => {
	const database = await openTestDatabase('video_completion_split');
	await ingest(database, [first]);
	assert.deepEqual(await answers(database), AFTER_FIRST);
	await ingest(database, [second]);
	assert.deepEqual(await answers(database), AFTER_BOTH);
	// A new day zone rebuilds everything.
	await ingest(database, [], {dayZone: 'Europe/Moscow'});
	assert.deepEqual(await answers(database), AFTER_BOTH);

	// The longer duration first: ann's 96 s, loaded after it, never completes v1.
	const reversed = await openTestDatabase('video_completion_reversed');
	await ingest(reversed, [second]);
	assert.deepEqual(await answers(reversed), {summary: ['bob 1 0', 'dan 1 0'], durations: [{video_id: 'v1', duration: 110}, {video_id: 'v2', duration: 200}]});
	await ingest(reversed, [first]);
	assert.deepEqual(await answers(reversed), AFTER_BOTH);
});

it('a database built before migration 180 has its durations and completions from the rows stored, without a rebuild', async () => {
	const database = await openTestDatabase('video_completion_migrated');
	await ingest(database, [first]);
	// As the version before 180 left it.
	await migratedAgain(database, 180, 'DROP TABLE d_video_duration; ALTER TABLE d_learner_items DROP COLUMN videos_completed');
	assert.deepEqual(await answers(database), AFTER_FIRST);
	await ingest(database, [second]);
	assert.deepEqual(await answers(database), AFTER_BOTH);
});
