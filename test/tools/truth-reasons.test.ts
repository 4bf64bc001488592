import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {parseLine} from '../../ingest/parse-line.js';
import {generateLog} from './generator.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-reasons-'));
after(() => fs.rmSync(folder, {recursive: true, force: true}));

test("the truth file's rejection kinds are the reasons the ingest's line parser gives", async () => {
	const file = path.join(folder, 'reasons.log');
	const truth = await generateLog({events: 5000, file, seed: 9, badLines: 400});
	const lines = fs.readFileSync(file).toString('latin1').split('\n').map((line) => Buffer.from(line, 'latin1'));
	for (const rejected of truth.rejected) {
		const parsed = parseLine(lines[rejected.line - 1]!);
		assert.deepEqual(parsed.kind === 'rejected' ? parsed.reason : parsed.kind, rejected.kind, `line ${rejected.line}`);
	}
	for (const count of Object.values(truth.rejectedByKind)) assert.ok(count > 0, 'every kind of bad line is present');
	// Everything else parses into an event (duplicates too: the database's unique hash drops those).
	const events = lines.slice(0, truth.lines).filter((line) => parseLine(line).kind === 'event').length;
	assert.equal(events, truth.goodEvents + truth.duplicateLines);
});
