import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {describe, it} from 'node:test';
import type {FileProgress, IngestSnapshot} from '../../ingest/progress.js';
import {ProgressTracker} from '../../ingest/progress-tracker.js';
import {eventsNotBuilt} from '../../ingest/manifest.js';
import type pg from 'pg';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {writeZip} from '../helpers/zip.js';

const dir = fixtureDir();
const [plainDatabase, gzDatabase, database] = await Promise.all(['load_progress_plain', 'load_progress_gz', 'load_cancel'].map((name) => openTestDatabase(name)));
const EVENTS = 60_000;
/** 5,000 lines (2.2 MB) to a chunk. */
const CHUNK_LINES = 5000;

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

describe('a cancel during the load', () => {
	const file = path.join(dir, 'cancelled.log');
	fs.writeFileSync(file, lines(0, EVENTS));
	const committed = async () =>
		(await database.pool.query<{chunks: number; events: number}>('SELECT (SELECT count(*)::int FROM file_chunks) AS chunks, (SELECT count(*)::int FROM events) AS events')).rows[0]!;
	let chunksAtCancel = 0;

	it('stores no more than the chunk each loader thread is storing (its queued chunks and the reader’s next are dropped)', async () => {
		const controller = new AbortController();
		const summary = await ingest(database, [file], {
			workers: 1,
			progressIntervalMs: 5,
			signal: controller.signal,
			onProgress: (snapshot) => {
				// Once a chunk is stored the reader has filled the thread's queue and waits for room.
				if (snapshot.loaded > 0 && !controller.signal.aborted) {
					chunksAtCancel = snapshot.loaded / CHUNK_LINES;
					controller.abort();
				}
			},
		});
		assert.equal(summary.phase, 'cancelled');
		const {chunks, events} = await committed();
		// The one being stored as the cancel came (a race may let the queued one begin): before, the queued
		// one and the reader's next were stored too.
		assert.ok(chunks - chunksAtCancel <= 1, `${chunks - chunksAtCancel} chunks stored after the cancel`);
		assert.ok(events < EVENTS, 'the rest is left for the next run');
		assert.equal(summary.loaded, events, 'the summary counts what is stored');
	});

	it('its interrupted file shows the counts it committed, and the next run loads the rest', async () => {
		const {events} = await committed();
		const {rows} = await database.pool.query('SELECT status, lines_read, loaded, duplicates, rejected, blank_lines FROM source_files');
		assert.deepEqual(rows, [{status: 'loading', lines_read: events, loaded: events, duplicates: 0, rejected: 0, blank_lines: 0}]);
		const again = await ingest(database, [file]);
		assert.equal(again.loaded, EVENTS - events);
		assert.deepEqual((await database.pool.query('SELECT status, loaded FROM source_files')).rows, [{status: 'loaded', loaded: EVENTS}]);
	});
});

/** A load of `input` on one thread, cancelled as soon as its first events are stored. */
async function cancelledOnceLoading(database: {url: string; pool: pg.Pool}, input: string) {
	const controller = new AbortController();
	return ingest(database, [input], {workers: 1, progressIntervalMs: 5, signal: controller.signal, onProgress: (snapshot) => snapshot.loaded > 0 && controller.abort()});
}

describe('a cancel while a file of a folder is read', () => {
	it('leaves the files after it as they were, with no row, and the next run loads them', async () => {
		const folderDatabase = await openTestDatabase('load_cancel_folder');
		const folder = path.join(dir, 'cancelled-days');
		fs.mkdirSync(folder);
		fs.writeFileSync(path.join(folder, 'tracking-2019-03-01.log'), lines(0, EVENTS));
		fs.writeFileSync(path.join(folder, 'tracking-2019-03-02.log'), lines(EVENTS, EVENTS + 100));
		fs.writeFileSync(path.join(folder, 'tracking-2019-03-03.log.gz'), zlib.gzipSync(lines(EVENTS + 100, EVENTS + 200)));
		const summary = await cancelledOnceLoading(folderDatabase, folder);
		assert.equal(summary.phase, 'cancelled');
		assert.deepEqual(summary.files.map((file) => file.status), ['loading', 'pending', 'pending']);
		const rows = async () => (await folderDatabase.pool.query('SELECT path, status, loaded FROM source_files ORDER BY file_id')).rows;
		const first = path.join(folder, 'tracking-2019-03-01.log');
		assert.deepEqual(await rows(), [{path: first, status: 'loading', loaded: summary.loaded}]);
		const again = await ingest(folderDatabase, [folder]);
		assert.deepEqual([again.loaded, again.filesLoaded], [EVENTS + 200 - summary.loaded, 3]);
		assert.deepEqual(
			(await rows()).map(({status, loaded}) => [status, loaded]),
			[
				['loaded', EVENTS],
				['loaded', 100],
				['loaded', 100],
			],
		);
	});
});

/**
 * Loads `file` (of EVENTS lines) up to half, cancelled, then again to its end, and checks what the second load said
 * while it passed over the half loaded before (decompressed again from its start): meanwhile the load's rates said
 * 0.0 MB/s while its percentage climbed, and the pass-over is said instead, with its share of the content loaded
 * before (uncompressed bytes: the whole lines of the first run's events).
 */
async function cancelledThenResumed(database: {url: string; pool: pg.Pool}, file: string) {
	const controller = new AbortController();
	const first = await ingest(database, [file], {workers: 1, progressIntervalMs: 5, signal: controller.signal, onProgress: (snapshot) => snapshot.loaded >= EVENTS / 2 && controller.abort()});
	assert.equal(first.phase, 'cancelled');
	// Not built: the build after the next load counts them too, and so does its estimate (see readyEstimate).
	assert.equal(await eventsNotBuilt(database.pool), first.loaded);
	const passing: Array<NonNullable<IngestSnapshot['passingOver']>> = [];
	const again = await ingest(database, [file], {progressIntervalMs: 1, onProgress: (snapshot) => snapshot.passingOver && passing.push(snapshot.passingOver)});
	assert.equal(again.loaded, EVENTS - first.loaded);
	assert.ok(passing.length > 0, 'no snapshot said the pass-over');
	const loadedBefore = Buffer.byteLength(lines(0, first.loaded));
	for (const {label, done, total} of passing) assert.deepEqual([label, total, done > 0 && done < total], [file, loadedBefore, true]);
	assert.equal(await eventsNotBuilt(database.pool), 0);
	return {first, again};
}

describe('a cancel during the load of a .zip', () => {
	it('says it is not loaded, and the bytes its committed lines come from, as of a plain file', async () => {
		const zipDatabase = await openTestDatabase('load_cancel_zip');
		const zip = path.join(dir, 'cancelled.zip');
		await writeZip(zip, [{name: 'tracking.log', data: Buffer.from(lines(0, EVENTS))}]);
		const summary = await cancelledOnceLoading(zipDatabase, zip);
		assert.equal(summary.phase, 'cancelled');
		assert.ok(summary.loaded < EVENTS);
		// It said "files: 1 loaded" and the whole archive read.
		assert.deepEqual([summary.filesLoaded, summary.files[0]!.status], [0, 'loading']);
		const size = fs.statSync(zip).size;
		assert.ok(summary.bytesRead > 0 && summary.bytesRead < size * 0.9, `${summary.bytesRead} of ${size} bytes read`);
	});

	it('resumed, its member is read past the part loaded before, which the archive’s line says', async () => {
		const zipDatabase = await openTestDatabase('load_resume_zip');
		const zip = path.join(dir, 'resumed.zip');
		await writeZip(zip, [{name: 'tracking.log', data: Buffer.from(lines(0, EVENTS))}]);
		await cancelledThenResumed(zipDatabase, zip);
	});
});

describe('the load reports its progress', () => {
	it("counts the bytes of this run's work: files already loaded leave the totals once skipped, unless all are", () => {
		const file = (label: string, bytesTotal: number, bytesDone: number, status: 'pending' | 'skipped' | 'loading') =>
			({label, kind: 'plain', bytesTotal, bytesDone, lines: 0, blankLines: 0, loaded: 0, readAgain: 0, duplicates: 0, rejected: 0, status}) as const;
		const tracker = new ProgressTracker(0, () => 1000);
		tracker.addFile({...file('old.log', 140, 140, 'skipped')});
		const fresh = tracker.addFile({...file('new.gz', 20, 5, 'loading')});
		assert.deepEqual([tracker.snapshot().bytesDone, tracker.snapshot().bytesTotal], [5, 20]);
		fresh.status = 'skipped';
		fresh.bytesDone = 20;
		assert.deepEqual([tracker.snapshot().bytesDone, tracker.snapshot().bytesTotal], [160, 160], 'a run with nothing new is all done');
	});
});

describe('a .gz resumed', () => {
	it('passes over the part an earlier run loaded as done, not as read: its rate and ETA are those of the rest', async () => {
		const resumeDatabase = await openTestDatabase('load_resume_gz');
		const file = path.join(dir, 'resumed.log.gz');
		fs.writeFileSync(file, zlib.gzipSync(lines(0, EVENTS)));
		const {first, again} = await cancelledThenResumed(resumeDatabase, file);
		assert.equal(again.passingOver, undefined, 'said after the load');
		// Read from its start again (a .gz cannot seek), but what it loaded is the rest: the part passed over said 6 MB/s
		// of a load going at 1.2, and the ETA 0:12 for 0:52 left (1M events, resumed at 61 %).
		const size = fs.statSync(file).size;
		const rest = size * (1 - first.loaded / EVENTS);
		assert.ok(Math.abs(again.bytesRead - rest) < size * 0.05, `${again.bytesRead} bytes read of ${size}, ${Math.round(rest)} of them left to load`);
	});
});
