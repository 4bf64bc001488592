import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {walkedRows} from '../helpers/walked-rows.js';
import {generateLog} from '../tools/generator.js';

const database = await openTestDatabase('incremental_walks');
const dir = fixtureDir();

describe('an incremental build replaces only the walked rows (timelines, videos, problems) that new events change', () => {
	it('two loads split mid-day (with some older events in the second) leave the rows of a build from scratch', async () => {
		const log = path.join(dir, 'term.log');
		await generateLog({events: 6000, learners: 40, courses: 2, start: '2018-09-01T00:00:00Z', days: 4, seed: 7, file: log});
		// The second load: everything from a time in the middle of the third day (most learners' new events
		// start inside a session or an hour of theirs), and one learner's every 7th earlier line (old events
		// found late: their rows are replaced from the first of those on).
		const split = Date.parse('2018-09-03T13:17:00Z');
		const first: string[] = [];
		const second: string[] = [];
		let lateLearner: string | undefined;
		for (const [index, line] of fs.readFileSync(log, 'utf8').trimEnd().split('\n').entries()) {
			const event = JSON.parse(line) as {time: string; username: string};
			lateLearner ??= event.username || undefined;
			const late = Date.parse(event.time) >= split || (event.username === lateLearner && index % 7 === 0);
			(late ? second : first).push(line);
		}
		const files = ['first.log', 'second.log'].map((name) => path.join(dir, name));
		fs.writeFileSync(files[0]!, `${first.join('\n')}\n`);
		fs.writeFileSync(files[1]!, `${second.join('\n')}\n`);
		for (const file of files) assert.equal((await ingest(database, [file])).phase, 'done');

		const incremental = await walkedRows(database.pool);
		for (const table of ['d_session', 'd_page_visit', 'd_learner_gap', 'd_learner_day_time', 'd_learner_day_time_utc', 'd_video_interval', 'd_learner_video', 'd_learner_problem']) {
			assert.ok(incremental[table]!.length > 50, `${table} has rows to compare (${incremental[table]!.length})`);
		}
		await database.pool.query('UPDATE loads SET derived_done = false');
		await refreshDerived(database.pool);
		assert.deepEqual(await walkedRows(database.pool), incremental);
	});
});
