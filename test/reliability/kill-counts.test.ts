import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, it} from 'node:test';
import zlib from 'node:zlib';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {startCli} from './helpers/cli.js';

/**
 * A file killed mid-load and resumed ends with the very counts of a clean load, loaded and duplicates apart (the
 * multi-file kill test compares their sum only, since which of two files loads a shared event is timing): lines
 * repeated within a chunk and across chunks, bad lines, and a .gz whose gzip data is followed by garbage.
 */
const dir = fixtureDir();
const clean = await openTestDatabase('kill_counts_clean');
const faulted = await openTestDatabase('kill_counts_faulted');
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-kill-counts-'));
after(() => fs.rmSync(workdir, {recursive: true, force: true}));

/** 40,000 lines (8 chunks of 5,000) of the events from `first` on: a repeat of the line before every 31st, of one 3,000 lines back every 50th, a bad line every 997th. */
function log(first: number): string {
	let text = '';
	for (let i = 0; i < 40_000; i++) {
		if (i % 997 === 5) text += 'not json\n';
		else if (i % 50 === 7) text += `${eventLine(first + Math.max(0, i - 3000))}\n`;
		else if (i % 31 === 3) text += `${eventLine(first + i - 1)}\n`;
		else text += `${eventLine(first + i)}\n`;
	}
	return text;
}

const counts = async (pool: typeof clean.pool) =>
	(
		await pool.query(
			`SELECT regexp_replace(path, '.*[\\\\/]', '') AS file, status, lines_read::int, blank_lines::int, loaded::int, duplicates::int, rejected::int,
			   (SELECT array_agg(r.line_no || ' ' || r.reason ORDER BY r.line_no) FROM rejected_lines r WHERE r.file_id = f.file_id) AS rejected_lines
			 FROM source_files f ORDER BY path`,
		)
	).rows;

it('a plain and a .gz log killed mid-file and resumed count their lines, loaded, duplicates and rejected as a clean load does', async () => {
	const plain = path.join(dir, 'a-tracking.log');
	fs.writeFileSync(plain, log(100_000));
	const gz = path.join(dir, 'b-tracking.log.gz');
	fs.writeFileSync(gz, Buffer.concat([zlib.gzipSync(log(200_000)), Buffer.from('<html>502 Bad Gateway</html>\n')]));
	await ingest(clean, [plain, gz]);
	const expected = await counts(clean.pool);
	assert.deepEqual(
		expected.map((row) => [row.file, row.status, row.lines_read, row.rejected]),
		[
			['a-tracking.log', 'loaded', 40_000, 41],
			// Its 41 bad lines are a-tracking.log's (duplicates): its trailing garbage alone is its own.
			['b-tracking.log.gz', 'loaded', 40_001, 1],
		],
	);
	assert.ok(expected.every((row) => row.duplicates > 1000));

	const args = ['ingest', '--db', faulted.url, '--workdir', workdir, '--workers', '2', plain, gz];
	const chunksOf = async (file: string) =>
		Number((await faulted.pool.query('SELECT count(*) FROM file_chunks JOIN source_files USING (file_id) WHERE path = $1', [file]).catch(() => ({rows: [{count: 0}]}))).rows[0].count);
	// Killed once inside each file: after 2 of the plain file's 8 chunks, then after 2 of the .gz's.
	for (const file of [plain, gz]) {
		const run = startCli(args);
		const target = (await chunksOf(file)) + 2;
		let exited = false;
		void run.done.then(() => (exited = true));
		while (!exited && (await chunksOf(file)) < target) await new Promise((resolve) => setTimeout(resolve, 10));
		run.child.kill('SIGKILL');
		const result = await run.done;
		assert.equal(result.signal, 'SIGKILL', `killed inside ${path.basename(file)} (${result.stdout})`);
		assert.ok((await chunksOf(file)) < 8, `killed before ${path.basename(file)} was all loaded`);
	}
	const last = await startCli(args).done;
	assert.equal(last.code, 0, last.stderr);
	assert.deepEqual(await counts(faulted.pool), expected);
});
