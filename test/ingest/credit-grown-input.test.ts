import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {setTimeout} from 'node:timers/promises';
import type pg from 'pg';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';

/**
 * A log loaded before that has grown keeps its file id, lower than those of the inputs new to this load. Met after a
 * new input that holds its new events, it takes them over (the lowest file id is credited): the new input was already
 * finished, its totals summed, and `files` kept saying it loaded them (100 loaded, 0 events of its own), though the
 * summary said 0.
 */

const dir = fixtureDir();
const grown = path.join(dir, 'grown.log');
const copy = path.join(dir, 'copy.log');

/** Holds the plan of `file` (its first statement) until `input` is finished. */
function holdPlanUntilFinished(pool: pg.Pool, file: string, input: string): void {
	const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<{rows: unknown[]}>;
	const finished = async () => {
		const isFinished = async () => (await query("SELECT 1 FROM source_files WHERE path = $1 AND status = 'loaded'", [input])).rows.length === 1;
		for (const started = Date.now(); !(await isFinished()); await setTimeout(10)) assert.ok(Date.now() - started < 10_000, `${input} is finished`);
	};
	pool.query = ((config: unknown, ...rest: unknown[]) => {
		const text = typeof config === 'string' ? config : ((config as {text?: string}).text ?? '');
		const planOfFile = text.includes('SELECT same.file_id') && (rest[0] as unknown[])[1] === file;
		return planOfFile ? finished().then(() => query(config, ...rest)) : query(config, ...rest);
	}) as typeof pool.query;
}

describe('a grown log met after a new input holding its new events', () => {
	it('takes them over, and the new input says so in the database as in the summary', async () => {
		const database = await openTestDatabase('credit_grown');
		fs.writeFileSync(grown, lines(0, 100));
		await ingest(database, [grown]);
		fs.appendFileSync(grown, lines(100, 200));
		fs.writeFileSync(copy, lines(100, 200));
		// The new input is finished before the grown one is planned (what its small size makes likely anyway).
		holdPlanUntilFinished(database.pool, grown, copy);
		const summary = await ingest(database, [copy, grown]);
		const reported = summary.files.map(({label, loaded, duplicates}) => ({name: path.basename(label), loaded, duplicates}));
		assert.deepEqual(reported, [
			{name: 'copy.log', loaded: 0, duplicates: 100},
			{name: 'grown.log', loaded: 100, duplicates: 0},
		]);
		const {rows} = await database.pool.query(
			`SELECT f.path AS name, f.loaded::int, f.duplicates::int, (SELECT count(*)::int FROM events e WHERE e.file_id = f.file_id) AS events
			 FROM source_file_counts f ORDER BY f.path`,
		);
		assert.deepEqual(
			rows.map((row: {name: string}) => ({...row, name: path.basename(row.name)})),
			[
				{name: 'copy.log', loaded: 0, duplicates: 100, events: 0},
				{name: 'grown.log', loaded: 200, duplicates: 0, events: 200},
			],
		);
	});
});
