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
	// JSON spread over many lines: no log, nothing loaded from it (it counted as a file loaded).
	const pretty = path.join(fixtureDir(), 'health-order-pretty.json');
	fs.writeFileSync(pretty, `${JSON.stringify(JSON.parse(eventLine(3)), null, 2)}\n`);
	const database = await openTestDatabase('health_order');
	await ingest(database, [file, pretty]);
	const {tasks} = await loadTaskCatalogue();
	const {rows} = await runTask(database.pool, tasks.find((task) => task.id === 'data-health')!, {});
	assert.deepEqual(
		rows.map((row) => ((row[0] as number) === 12 || (row[0] as number) <= 2 ? row : row.slice(0, 2))),
		[
			[1, 'files loaded (zip members one by one)', 1],
			[2, 'files not a tracking log (nothing loaded from them)', 1],
			[3, 'files failed'],
			[4, 'files still loading or interrupted'],
			[5, 'files replaced by other content'],
			[6, 'files superseded by a whole copy'],
			[7, 'lines read'],
			[8, 'blank lines'],
			[9, 'events loaded'],
			[10, 'duplicate lines'],
			[11, 'rejected lines'],
			[12, 'rejected: truncated-json', 3],
			[12, 'rejected: not-an-object', 2],
			[20, 'events without a course'],
			[21, 'events without a username'],
			[22, 'events without a time'],
		],
	);
});
