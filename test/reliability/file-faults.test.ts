import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import zlib from 'node:zlib';
import type {LineCounts} from '../../ingest/progress.js';
import {summaryLines} from '../../source/commands/ingest.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {writeZip} from '../helpers/zip.js';
import {assertAccounting, assertOnlyCommittedChunks, contentOf} from './helpers/accounting.js';

/**
 * Inputs that break while being read: each gets a clear status of its own and the others load.
 */
const database = await openTestDatabase('file_faults');
const dir = fixtureDir();
const count = async (sql: string, values: unknown[] = []) => Number((await database.pool.query(sql, values)).rows[0].count);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describe('inputs that fail while being read', () => {
	it('gives a truncated .gz, a corrupt .zip, a vanished and an unreadable file their own status; the others load', async () => {
		const file = (name: string) => path.join(dir, name);
		fs.writeFileSync(file('01-good.log'), lines(0, 300));
		const gz = zlib.gzipSync(lines(300, 3000));
		fs.writeFileSync(file('02-truncated.log.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
		fs.writeFileSync(file('03-garbage.zip'), Buffer.from('PK\u0003\u0004 this is not really a zip archive'));
		await writeZip(file('04-bad-member.zip'), [
			{name: 'good.log', data: Buffer.from(lines(3000, 3100))},
			{name: 'broken.log.gz', data: zlib.gzipSync(lines(3100, 3200)).subarray(0, 500)},
		]);
		fs.writeFileSync(file('05-vanishing.log'), lines(3200, 3300));
		fs.writeFileSync(file('06-unreadable.log'), lines(3300, 3400));
		fs.chmodSync(file('06-unreadable.log'), 0o000);
		fs.writeFileSync(file('07-good.log'), lines(3400, 3500));

		let removed = false;
		const summary = await ingest(database, [dir], {
			onProgress(snapshot) {
				// The file disappears after the load has started (it was listed, then deleted before its turn).
				if (!removed && snapshot.phase === 'loading') {
					removed = true;
					fs.rmSync(file('05-vanishing.log'));
				}
			},
		});
		fs.chmodSync(file('06-unreadable.log'), 0o644);
		const status = Object.fromEntries(summary.files.map((item) => [path.basename(item.label), [item.status, item.loaded, item.note ?? '']]));
		assert.deepEqual(status['01-good.log']!.slice(0, 2), ['loaded', 300]);
		assert.deepEqual(status['07-good.log']!.slice(0, 2), ['loaded', 100]);
		assert.equal(status['02-truncated.log.gz']![0], 'failed');
		assert.match(status['02-truncated.log.gz']![2] as string, /unexpected end of file/);
		assert.equal(status['03-garbage.zip']![0], 'failed');
		assert.match(status['03-garbage.zip']![2] as string, /cannot read the archive/);
		assert.equal(status['04-bad-member.zip']![0], 'failed');
		assert.match(status['04-bad-member.zip']![2] as string, /1 of 2 members failed/);
		assert.equal(status['05-vanishing.log']![0], 'failed');
		assert.match(status['05-vanishing.log']![2] as string, /ENOENT|no such file/i);
		assert.equal(summary.phase, 'done', 'the load as a whole finishes');
		assert.equal(await count("SELECT count(*) FROM source_files WHERE path LIKE '%bad-member.zip' AND member = 'good.log' AND status = 'loaded' AND loaded = 100"), 1);
		const {rows: failed} = await database.pool.query<{path: string; error: string}>("SELECT path, error FROM source_files WHERE status = 'failed' ORDER BY path");
		assert.ok(failed.length >= 3 && failed.every((row) => row.error.length > 0), 'failed inputs keep their error in the manifest');

		// What a failed input committed before breaking is whole chunks only; the invariant holds everywhere.
		const contents = new Map([file('01-good.log'), file('07-good.log')].map((name) => [name, contentOf(name)]));
		await assertAccounting(database.pool, contents);
		await assertOnlyCommittedChunks(database.pool);
		assert.equal(await count('SELECT count(*) FROM events'), summary.loaded);
	});

	it('an unreadable file (chmod 000) fails alone', {skip: isRoot ? 'skipped: running as root, where chmod 000 does not stop reading' : process.platform === 'win32' ? 'skipped: no chmod on Windows' : false}, async () => {
		const unreadable = path.join(dir, 'locked.log');
		fs.writeFileSync(unreadable, lines(5000, 5010));
		fs.chmodSync(unreadable, 0o000);
		const good = path.join(dir, 'after-locked.log');
		fs.writeFileSync(good, lines(5010, 5020));
		const summary = await ingest(database, [unreadable, good]);
		fs.chmodSync(unreadable, 0o644);
		assert.equal(summary.files[0]!.status, 'failed');
		assert.match(summary.files[0]!.note!, /EACCES|permission/i);
		assert.deepEqual([summary.files[1]!.status, summary.files[1]!.loaded], ['loaded', 10]);
	});

	it('loads a log appended to while it is read, and its new part on the next run, each line once', async () => {
		const growing = path.join(dir, 'growing.log');
		fs.writeFileSync(growing, lines(10_000, 22_000));
		let appended = 0;
		const first = await ingest(database, [growing], {
			progressIntervalMs: 5,
			onProgress(snapshot) {
				if (snapshot.phase === 'loading' && appended < 5) fs.appendFileSync(growing, lines(22_000 + appended * 100, 22_100 + appended++ * 100));
			},
		});
		assert.equal(first.files[0]!.status, 'loaded');
		const second = await ingest(database, [growing]);
		assert.notEqual(second.files[0]!.status, 'failed');
		const total = 12_000 + appended * 100;
		// A run that read a half-written last line takes its chunk back next time: its events are read again, not loaded again.
		assert.equal(first.loaded + second.loaded, total, 'every line of the grown file loaded once over the two runs');
		assert.equal(await count('SELECT count(*) FROM events e JOIN source_files f USING (file_id) WHERE f.path = $1', [growing]), total);
		await assertAccounting(database.pool, new Map([[growing, contentOf(growing)]]));
	});

	it('does not lose an event whose line was half-written when the file was read', async () => {
		const active = path.join(dir, 'active-tracking.log');
		const event = eventLine(30_000);
		fs.writeFileSync(active, `${lines(30_001, 30_010)}${event.slice(0, 100)}`);
		const first = await ingest(database, [active]);
		fs.appendFileSync(active, `${event.slice(100)}\n${lines(30_010, 30_020)}`);
		const second = await ingest(database, [active]);
		// The second run reads the first one's chunk again: its 9 events were loaded, and the half line is whole now.
		const counts = ({lines, loaded, readAgain, duplicates, rejected}: LineCounts) => ({lines, loaded, readAgain, duplicates, rejected});
		assert.deepEqual(counts(first), {lines: 10, loaded: 9, readAgain: 0, duplicates: 0, rejected: 1});
		assert.deepEqual(counts(second), {lines: 20, loaded: 11, readAgain: 9, duplicates: 0, rejected: 0});
		assert.match(summaryLines(second)[0]!, /^read 20 lines: loaded 11, read again 9 \(loaded before: the log grew past its half-written last line\), duplicates 0, rejected 0$/);
		const fileId = (await database.pool.query('SELECT file_id FROM source_files WHERE path = $1', [active])).rows[0].file_id;
		assert.equal(await count('SELECT count(*) FROM events WHERE file_id = $1', [fileId]), 20, 'the event written in two steps is loaded');
		await assertAccounting(database.pool, new Map([[active, contentOf(active)]]));
	});
});

describe('a file replaced by other content under the same name', async () => {
	const dataHealthTask = (await loadTaskCatalogue()).tasks.find((task) => task.id === 'data-health')!;
	it('loads the new content and keeps what the old one loaded', async () => {
		const rotated = path.join(dir, 'rotated.log');
		fs.writeFileSync(rotated, `${lines(40_000, 40_002)}not json\n${lines(40_002, 40_005)}`);
		const first = await ingest(database, [rotated]);
		assert.deepEqual([first.loaded, first.rejected], [5, 1]);
		const health = async () =>
			Object.fromEntries((await runTask(database.pool, dataHealthTask, {})).rows.map((row) => [row[1], row[2]])) as Record<string, number>;
		const before = await health();
		// Log rotation: the same name now holds other lines, with a bad line at the same line number.
		fs.writeFileSync(rotated, `${lines(41_000, 41_002)}{"broken\n${lines(41_002, 41_010)}`);
		const second = await ingest(database, [rotated]);
		assert.equal(second.phase, 'done');
		assert.deepEqual([second.loaded, second.rejected], [10, 1]);
		assert.equal(await count("SELECT count(*) FROM events WHERE username LIKE 'learner%' AND time IS NOT NULL AND event_hash IS NOT NULL AND (event->>'currentTime')::int BETWEEN 40000 AND 40004"), 5, 'the old content\'s events stay');
		// The old content's lines still count in data-health, beside a file row that says where they came from.
		const after = await health();
		assert.deepEqual(
			['files loaded (zip members one by one)', 'files replaced by other content', 'lines read', 'rejected lines'].map((item) => after[item]! - before[item]!),
			[0, 1, 11, 1],
		);
		await assertAccounting(database.pool, new Map([[rotated, contentOf(rotated)]]));
	});
});
