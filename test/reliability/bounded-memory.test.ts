import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {createTestDatabase} from '../helpers/database.js';
import {eventLine, fixtureDir, lines} from '../helpers/ingest.js';
import {runCli} from './helpers/cli.js';
import {BIG} from './helpers/seed.js';

/**
 * A single line of hundreds of MB (2 GB with OPENPOLYEDU_BIG=1), and a line of nothing but `[`:
 * rejected as line-too-long with the configured --max-line-bytes, while the CLI's peak RSS stays
 * near that of loading a small file — the line is never held in memory.
 */
const HUGE = BIG ? 2 * 1024 ** 3 : 160 * 1024 ** 2;
const MAX_LINE_BYTES = 1024 * 1024;
/** Allowed growth of peak RSS over a run on a small file: a few chunks and read buffers, far below HUGE. */
const RSS_ALLOWANCE_MB = 96;

/** Writes `size` bytes of `fill` after `head`, in blocks (the test never holds the line either). */
function writeLongLine(fd: number, head: string, fill: number, size: number): void {
	fs.writeSync(fd, head);
	const block = Buffer.alloc(8 * 1024 * 1024, fill);
	for (let left = size - Buffer.byteLength(head); left > 0; left -= block.length) fs.writeSync(fd, block, 0, Math.min(block.length, left));
	fs.writeSync(fd, '\n');
}

describe('bounded memory on monstrous lines', () => {
	it(`rejects a ${Math.round(HUGE / 1024 ** 2)} MB line and a line of ${Math.round(HUGE / 1024 ** 2)} MB of [ with bounded RSS`, async () => {
		const url = await createTestDatabase('bounded_memory');
		const dir = fixtureDir();
		const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-memory-'));
		after(() => fs.rmSync(workdir, {recursive: true, force: true}));
		const small = path.join(dir, 'small.log');
		fs.writeFileSync(small, lines(0, 20));
		const monster = path.join(dir, 'monster.log');
		const fd = fs.openSync(monster, 'w');
		const first = `${eventLine(100)}\n`;
		fs.writeSync(fd, first);
		writeLongLine(fd, '{"username": "long", "agent": "', 0x41, HUGE);
		writeLongLine(fd, '', 0x5b, HUGE);
		fs.writeSync(fd, `${eventLine(101)}\n`);
		fs.closeSync(fd);

		const args = ['ingest', '--db', url, '--workdir', workdir, '--workers', '2', '--max-line-bytes', String(MAX_LINE_BYTES)];
		const baseline = await runCli([...args, small], {measureRss: true});
		assert.equal(baseline.code, 0, baseline.stderr);
		const run = await runCli([...args, monster], {measureRss: true});
		assert.equal(run.code, 0, run.stderr);
		assert.match(run.stdout, /read 4 lines: loaded 2, duplicates 0, rejected 2/);
		assert.match(run.stdout, /line-too-long 2/);

		const pool = new pg.Pool(clientConfig(url));
		pool.on('error', () => {}); // the database is dropped WITH (FORCE) after the file
		after(() => pool.end());
		const {rows} = await pool.query<{line_no: number; byte_offset: number; reason: string; bytes: number; head: Buffer}>(
			`SELECT line_no, byte_offset, reason, length(raw) AS bytes, substring(raw from 1 for 31) AS head FROM rejected_lines r
			 JOIN source_files f USING (file_id) WHERE f.path = $1 ORDER BY line_no`,
			[monster],
		);
		assert.deepEqual(
			rows.map((row) => [row.line_no, row.byte_offset, row.reason, row.bytes]),
			[
				[2, first.length, 'line-too-long', 64 * 1024],
				[3, first.length + HUGE + 1, 'line-too-long', 64 * 1024],
			],
		);
		assert.equal(rows[0]!.head.toString(), '{"username": "long", "agent": "');

		const baselineMb = baseline.maxRssKb! / 1024;
		const peakMb = run.maxRssKb! / 1024;
		console.log(`# bounded-memory: two ${Math.round(HUGE / 1024 ** 2)} MB lines: peak RSS ${peakMb.toFixed(0)} MB (small file: ${baselineMb.toFixed(0)} MB)`);
		assert.ok(peakMb < baselineMb + RSS_ALLOWANCE_MB, `peak RSS ${peakMb.toFixed(0)} MB stays within ${RSS_ALLOWANCE_MB} MB of a small load (${baselineMb.toFixed(0)} MB)`);
	});
});
