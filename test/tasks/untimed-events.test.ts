import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {migrations} from '../../ingest/db/migrations.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Events whose time is missing or unreadable are loaded (time NULL): the counts of events keep them,
 * though no day or hour can. Two files: the second, an incremental load, has one more such event.
 */
const dir = fixtureDir();
const first = path.join(dir, 'untimed-1.log');
const second = path.join(dir, 'untimed-2.log');
fs.writeFileSync(
	first,
	`${[
		eventLine(1),
		eventLine(2),
		eventLine(3, {time: undefined}),
		eventLine(4, {time: '05/03/2024 10:00', event_type: 'page_close'}),
		eventLine(5, {time: '  ', event_type: 'page_close'}),
		eventLine(6, {event_type: 'page_close'}),
	].join('\n')}\n`,
);
fs.writeFileSync(second, `${eventLine(7, {time: undefined, event_type: 'seq_goto'})}\n`);
const database = await openTestDatabase('untimed_events');
const {tasks} = await loadTaskCatalogue();
const run = async (id: string) => (await runTask(database.pool, tasks.find((task) => task.id === id)!, {})).rows;
const eventTypes = async () => (await run('event-types')).map((row) => row.slice(0, 2));
const expected = [
	['page_close', 3],
	['play_video', 3],
	['seq_goto', 1],
];

it('event-types, course-summary and course-comparison count the events without a time; data-health names them', async () => {
	await ingest(database, [first]);
	await ingest(database, [second]);
	assert.deepEqual(await eventTypes(), expected);
	assert.equal((await run('course-summary'))[0]![0], 7);
	assert.deepEqual((await run('course-comparison')).map((row) => row.slice(0, 2)), [['course-v1:spbstu+PHYLOS+fall_2018', 7]]);
	const health = new Map((await run('data-health')).map((row) => [row[1], row[2]]));
	assert.equal(health.get('events without a time'), 4);
});

it('migration 133 adds them to a database built when only timed events were counted', async () => {
	// d_type_total as the builds before 133 left it.
	await database.pool.query('DELETE FROM d_type_total');
	await database.pool.query(`INSERT INTO d_type_total SELECT coalesce(course_id, ''), coalesce(event_type, ''), count(*) FROM events WHERE time IS NOT NULL GROUP BY 1, 2`);
	assert.deepEqual(await eventTypes(), [['play_video', 2], ['page_close', 1]]);
	await database.pool.query(migrations.find((migration) => migration.version === 133)!.sql);
	assert.deepEqual(await eventTypes(), expected);
});
