import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/** data-health's steps number its rows one by one, the rejected lines' reasons under their total, the most frequent first. */
it('data-health: one step per row, then the reasons of rejected lines by count', async () => {
	const file = path.join(fixtureDir(), 'health-order.log');
	fs.writeFileSync(file, `${[eventLine(1), '[1, 2]', '{"broken": ', eventLine(2), '{"also": ', '{"cut', '"text"'].join('\n')}\n`);
	const database = await openTestDatabase('health_order');
	await ingest(database, [file]);
	const {tasks} = await loadTaskCatalogue();
	const {rows} = await runTask(database.pool, tasks.find((task) => task.id === 'data-health')!, {});
	assert.deepEqual(
		rows.map((row) => (row[0] === 11 ? row : row.slice(0, 2))),
		[
			[1, 'files loaded (zip members one by one)'],
			[2, 'files failed'],
			[3, 'files still loading or interrupted'],
			[4, 'files replaced by other content'],
			[5, 'files superseded by a whole copy'],
			[6, 'lines read'],
			[7, 'blank lines'],
			[8, 'events loaded'],
			[9, 'duplicate lines'],
			[10, 'rejected lines'],
			[11, 'rejected: truncated-json', 3],
			[11, 'rejected: not-an-object', 2],
			[20, 'events without a course'],
			[21, 'events without a username'],
			[22, 'events without a time'],
		],
	);
});
