import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {describe, it} from 'node:test';
import type {FileProgress} from '../../ingest/progress.js';
import type pg from 'pg';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';

const dir = fixtureDir();
const [plainDatabase, gzDatabase] = await Promise.all(['load_progress_plain', 'load_progress_gz'].map((name) => openTestDatabase(name)));
const EVENTS = 60_000;

type Seen = {file: FileProgress; loaded: number};

/** Every snapshot of the load's one file while it was loading, with the lines committed at that moment. */
async function loadingSnapshots(file: string, database: {url: string; pool: pg.Pool}): Promise<Seen[]> {
	const seen: Seen[] = [];
	const summary = await ingest(database, [file], {
		workers: 1,
		progressIntervalMs: 5,
		onProgress: (snapshot) => {
			const [progress] = snapshot.files;
			if (snapshot.phase === 'loading' && progress?.status === 'loading') seen.push({file: progress, loaded: progress.lines + progress.blankLines});
		},
	});
	assert.equal(summary.loaded, EVENTS);
	assert.ok(seen.length > 5, `${seen.length} snapshots while loading`);
	return seen;
}

describe('the load meters follow what is loaded, not what the reader has read ahead', () => {
	it('a plain file: its bytes done are those of the lines committed', async () => {
		const file = path.join(dir, 'plain.log');
		fs.writeFileSync(file, lines(0, EVENTS));
		for (const {file: progress, loaded} of await loadingSnapshots(file, plainDatabase)) {
			// The lines differ in length by a few bytes: 1 % of slack.
			assert.ok(progress.bytesDone / progress.bytesTotal <= loaded / EVENTS + 0.01, `${progress.bytesDone} of ${progress.bytesTotal} bytes done with ${loaded} lines loaded`);
		}
	});

	it('a .gz file (read a megabyte at a time: all of this one at once): its bytes done never run ahead of the lines committed', async () => {
		const file = path.join(dir, 'compressed.log.gz');
		fs.writeFileSync(file, zlib.gzipSync(lines(0, EVENTS)));
		const seen = await loadingSnapshots(file, gzDatabase);
		for (const {file: progress, loaded} of seen) {
			assert.ok(progress.bytesDone < progress.bytesTotal || loaded === EVENTS, `${progress.bytesDone} of ${progress.bytesTotal} bytes done with ${loaded} lines loaded`);
			// The ratio of compressed to content bytes varies along the file, and the inflater's output runs a
			// little ahead of the reading loop.
			assert.ok(progress.bytesDone / progress.bytesTotal <= loaded / EVENTS + 0.1, `${progress.bytesDone} of ${progress.bytesTotal} bytes done with ${loaded} lines loaded`);
		}
		assert.ok(seen.some(({file: progress}) => progress.bytesDone > 0), 'it moves while loading');
	});
});
