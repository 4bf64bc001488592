import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {cleanCopyFor, timeJsonbCopy} from '../bench/helpers/jsonb-copy-baseline.js';
import {createTestDatabase} from '../helpers/database.js';
import {generateLog} from './generator.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-baseline-'));
after(() => fs.rmSync(folder, {recursive: true, force: true}));

test('the benchmark baseline COPYs every loadable line of a generated log into jsonb, byte for byte', async () => {
	const url = await createTestDatabase('baseline');
	const log = path.join(folder, 'baseline.log');
	// Enough forum posts that some carry \u0000, which jsonb refuses and the clean copy leaves out.
	const truth = await generateLog({events: 40_000, file: log, seed: 3, badLines: 60});
	assert.ok(truth.eventsWithNul > 0, 'the log holds events with \\u0000');
	const copy = await cleanCopyFor(log, truth);
	assert.equal(copy.lines, truth.lines - truth.rejectedLines - truth.eventsWithNul);

	const {rows} = await timeJsonbCopy(url, copy);
	assert.equal(rows, copy.lines);
	const client = new pg.Client(clientConfig(url));
	await client.connect();
	try {
		// Backslashes survived COPY's text format: the payloads are the JSON strings the lines hold.
		const {rows: plays} = await client.query<{count: number}>(`SELECT count(*)::int AS count FROM baseline_lines WHERE line->>'event_type' = 'play_video' AND (line->>'event')::jsonb ? 'currentTime'`);
		const lines = fs.readFileSync(log, 'latin1').split('\n');
		const duplicatePlays = truth.duplicates.filter((duplicate) => lines[duplicate.line - 1]!.includes('"event_type": "play_video"')).length;
		assert.equal(plays[0]!.count, truth.eventsPerType.play_video! + duplicatePlays);
	} finally {
		await client.end();
	}
	// Made once: a second call reuses the cached copy.
	const again = await cleanCopyFor(log, truth);
	assert.deepEqual(again, copy);
});
