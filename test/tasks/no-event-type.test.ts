import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Events without an event_type (Open edX's processed shape, which names its type in `name`, made one a line as ingest
 * advises: 67 of the 81 events of event-routing-backends' fixtures) were a blank event type, 82 % of event-types' rows
 * there: "(none)", as languages and devices name a missing value.
 */
it('event-types and activity-by-day name a missing event type "(none)" (it was an empty cell)', async () => {
	const file = path.join(fixtureDir(), 'no-type.log');
	fs.writeFileSync(file, `${[eventLine(1), eventLine(2, {event_type: undefined}), eventLine(3, {event_type: ''}), eventLine(64, {event_type: undefined})].join('\n')}\n`);
	const database = await openTestDatabase('no_event_type');
	await ingest(database, [file]);
	const {tasks} = await loadTaskCatalogue();
	const run = async (id: string, values: Record<string, string> = {}) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === id)!, values));
	assert.deepEqual(await run('event-types'), [
		['(none)', 3, 75],
		['play_video', 1, 25],
	]);
	// learner1's events 1 and 64 (n % 7), one of each, in the day's counts and in the learner's own.
	assert.deepEqual(await run('activity-by-day'), [
		['2018-09-17', '(none)', 3],
		['2018-09-17', 'play_video', 1],
	]);
	assert.deepEqual(await run('activity-by-day', {user: 'learner1'}), [
		['2018-09-17', '(none)', 1],
		['2018-09-17', 'play_video', 1],
	]);
});
