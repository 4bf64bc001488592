import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {rejectedCommand} from '../../source/commands/files.js';
import type {CommandContext, Flags} from '../../source/commands/context.js';
import {fetchInBatches} from '../../source/tasks/index.js';

const database = await openTestDatabase('rejected_listing');
const dir = fixtureDir();

// 3,000 rejected lines in two files: text, Cyrillic, bytes that are not UTF-8, lines over the limit; b.log in
// CRLF, starting with a UTF-8 BOM.
const bad = (n: number) =>
	[Buffer.from(`not json ${n}`), Buffer.from(`Журнал ${n}: не JSON`), Buffer.from([0x7b, 0xcf, 0xf0, 0xe8, 0x7d, 0x30 + (n % 10)]), Buffer.from(`{"long": "${'x'.repeat(200 + (n % 50))}"}`)][n % 4]!;
const files = [path.join(dir, 'a.log'), path.join(dir, 'b.log')];
fs.writeFileSync(files[0]!, Buffer.concat(Array.from({length: 2000}, (_, n) => Buffer.concat([bad(n), Buffer.from('\n')]))));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
fs.writeFileSync(files[1]!, Buffer.concat([BOM, ...Array.from({length: 1000}, (_, n) => Buffer.concat([bad(n + 1), Buffer.from('\r\n')]))]));
await ingest(database, files, {maxLineBytes: 200});

/** `rejected` with these flags and batch size, on a terminal of `columns` or into a pipe; what it wrote. */
async function listed(flags: Partial<Flags>, batchRows: number, columns?: number): Promise<{stdout: string; stderr: string}> {
	const written = {stdout: '', stderr: ''};
	const context: CommandContext = {
		args: [],
		flags: {param: [], ...flags} as unknown as Flags,
		databaseUrl: database.url,
		stdout: {isTTY: columns !== undefined, columns, write: (text: string) => {
				written.stdout += text;
				// A stream that never fills: no wait for a 'drain'.
				return true;
			},
		} as unknown as NodeJS.WriteStream,
		stderr: {write: (text: string) => (written.stderr += text)} as unknown as NodeJS.WriteStream,
	};
	assert.equal(await rejectedCommand(context, {batchRows}), 0, written.stderr);
	return written;
}

describe('rejected, a batch at a time (a million rejected lines held at once took 3 GB and ran out of memory)', () => {
	it('fetchInBatches hands the rows over batchRows at a time, in order', async () => {
		const client = await database.pool.connect();
		try {
			await client.query('BEGIN TRANSACTION READ ONLY');
			const batches: number[][] = [];
			const count = await fetchInBatches(client, 'SELECT line_no FROM rejected_lines ORDER BY file_id, line_no', [], async ({rows}) => void batches.push(rows.map(([line]) => Number(line))), {batchRows: 7});
			await client.query('COMMIT');
			assert.equal(count, 3000);
			assert.deepEqual(batches.map((batch) => batch.length), [...Array.from({length: 428}, () => 7), 4]);
			assert.deepEqual(batches.flat(), [...Array.from({length: 2000}, (_, n) => n + 1), ...Array.from({length: 1000}, (_, n) => n + 1)]);
		} finally {
			client.release();
		}
	});

	it('CSV, JSON and Markdown in batches of 7 are the listing fetched whole, with --out too', async () => {
		for (const format of ['csv', 'json', 'md']) {
			const whole = await listed({format}, Infinity);
			assert.deepEqual(await listed({format}, 7), whole, format);
			const out = path.join(dir, `rejected.${format}`);
			assert.deepEqual(await listed({out}, 7), {stdout: '', stderr: `Saved 3,000 rows to ${out}\n`}, format);
			assert.equal(fs.readFileSync(out, 'utf8'), whole.stdout, format);
		}
		const rows = JSON.parse((await listed({format: 'json'}, 7)).stdout) as Array<Record<string, unknown>>;
		assert.equal(rows.length, 3000);
		assert.deepEqual(rows.slice(0, 4).map((row) => [row.line_no, row.reason, row.bytes, row.starts_with]), [
			[1, 'malformed-json', 10, 'not json 0'],
			[2, 'malformed-json', 25, 'Журнал 1: не JSON'],
			[3, 'invalid-utf8', 6, '{\ufffd\ufffd\ufffd}2'],
			[4, 'line-too-long', 200, `{"long": "${'x'.repeat(50)}`],
		]);
		assert.deepEqual(rows.at(-1)!.line_no, 1000);
		// b.log's first line as stored, its BOM included (it was dropped from starts_with alone).
		assert.deepEqual([rows[2000]!.line_no, rows[2000]!.bytes, rows[2000]!.starts_with], [1, 29, '\ufeffЖурнал 1: не JSON\r']);
		// Quoted for its CR, which some readers take for a line end.
		assert.match((await listed({format: 'csv'}, 7)).stdout, /^.*b\.log,1,0,malformed-json,.*,29,"\ufeffЖурнал 1: не JSON\r"$/m);
	});

	it('on a terminal: the table fetched whole when it fits a batch; else sized to its first batch, said on stderr', async () => {
		const whole = await listed({}, Infinity, 160);
		assert.deepEqual(await listed({}, 3000, 160), whole);
		const shown = whole.stdout.split('\n');
		assert.match(shown[0]!, /^file +line_no {2}byte_offset {2}reason +detail +bytes {2}starts_with$/);
		assert.equal(shown.length, 3003);
		assert.equal(whole.stderr, "Values cut (…) to fit the terminal's 160 columns: --format csv prints them whole.\n");

		const batched = await listed({}, 7, 160);
		assert.equal(batched.stderr, 'Columns sized to the first 7 of 3,000 rows, longer values cut (…): --format csv prints them whole.\n');
		const lines = batched.stdout.split('\n');
		assert.equal(lines.length, 3003);
		// The first rows' widths hold: every row's byte_offset ends under the heading's.
		assert.deepEqual([...new Set(lines.slice(2, -1).map((line) => /^\S+ +\d+ +\d+/.exec(line)![0].length))], [lines[0]!.indexOf('byte_offset') + 'byte_offset'.length]);
		assert.ok(lines.every((line) => line.length <= 160), 'cut to the terminal');
	});

	it('--raw in batches of 2 gives the lines back byte for byte', async () => {
		const expected = Buffer.concat([
			...Array.from({length: 2000}, (_, n) => Buffer.concat([bad(n).subarray(0, 200), Buffer.from('\n')])),
			// The CR of b.log's CRLF is kept: the line's bytes as the file held them.
			BOM,
			...Array.from({length: 1000}, (_, n) => Buffer.concat([bad(n + 1).subarray(0, 200), Buffer.from(bad(n + 1).length > 200 ? '\n' : '\r\n')])),
		]);
		const out = path.join(dir, 'rejected.log');
		await listed({raw: true, out}, 2);
		assert.deepEqual(fs.readFileSync(out), expected);
	});
});
