import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {parse} from 'csv-parse/sync';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {rejectedCommand} from '../../source/commands/files.js';
import type {CommandContext, Flags} from '../../source/commands/context.js';
import {fetchInBatches} from '../../source/tasks/index.js';

const database = await openTestDatabase('rejected_listing');
const dir = fixtureDir();

// 3,000 rejected lines in two files: text, Cyrillic, bytes that are not UTF-8, lines over the limit; b.log in
// CRLF, starting with a UTF-8 BOM.
// b.log's long lines are its own (kept as their first 200 bytes, a.log's same lines would be duplicates of theirs).
const bad = (n: number, fill = 'x') =>
	[Buffer.from(`not json ${n}`), Buffer.from(`Журнал ${n}: не JSON`), Buffer.from([0x7b, 0xcf, 0xf0, 0xe8, 0x7d, 0x30 + (n % 10)]), Buffer.from(`{"long": "${fill.repeat(200 + (n % 50))}"}`)][n % 4]!;
const files = [path.join(dir, 'a.log'), path.join(dir, 'b.log')];
fs.writeFileSync(files[0]!, Buffer.concat(Array.from({length: 2000}, (_, n) => Buffer.concat([bad(n), Buffer.from('\n')]))));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
fs.writeFileSync(files[1]!, Buffer.concat([BOM, ...Array.from({length: 1000}, (_, n) => Buffer.concat([bad(n + 1, 'y'), Buffer.from('\r\n')]))]));
await ingest(database, files, {maxLineBytes: 200});

// Lines a CSV cell cannot carry as they are: NUL and other control bytes, bytes that are not UTF-8 (Windows-1251
// text; an overlong form, a surrogate and a code point past U+10FFFF), a character cut at the 60th byte, a CRLF line.
const controlBytes = await openTestDatabase('rejected_control_bytes');
const unprintable = [
	Buffer.from('{"e": "a\0b\x01\x1b[2J\x7f", "p": "C:\\\\dir"}\tx'),
	Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), Buffer.from(' \0 \\x41 Ж"}')]),
	Buffer.from([0x7b, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0x7d]),
	Buffer.from(`{"cut": "${'x'.repeat(50)}Жж", }`),
	Buffer.from('nul\0 here\r'),
];
const unprintableLog = path.join(dir, 'c.log');
fs.writeFileSync(unprintableLog, Buffer.concat(unprintable.flatMap((line) => [line, Buffer.from('\n')])));
await ingest(controlBytes, [unprintableLog]);

/** `rejected` with these flags and batch size, on a terminal of `columns` or into a pipe, of `from`; what it wrote. */
async function listed(flags: Partial<Flags>, batchRows: number, columns?: number, from = database): Promise<{stdout: string; stderr: string}> {
	const written = {stdout: '', stderr: ''};
	const context: CommandContext = {
		args: [],
		flags: {param: [], ...flags} as unknown as Flags,
		databaseUrl: from.url,
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
		// Its CR written \x0d in CSV: a CR in a cell, which some readers take for a line end, had to be quoted.
		assert.match((await listed({format: 'csv'}, 7)).stdout, /^.*b\.log,1,0,malformed-json,.*,29,\ufeffЖурнал 1: не JSON\\x0d$/m);
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
			...Array.from({length: 1000}, (_, n) => Buffer.concat([bad(n + 1, 'y').subarray(0, 200), Buffer.from(bad(n + 1).length > 200 ? '\n' : '\r\n')])),
		]);
		const out = path.join(dir, 'rejected.log');
		await listed({raw: true, out}, 2);
		assert.deepEqual(fs.readFileSync(out), expected);
	});
});

/** A CSV as a CSV reader reads it, from bytes that must be UTF-8 (csv-parse, of the csv-stringify that writes it). */
const csvCells = (csv: string): string[][] => parse(new TextDecoder('utf-8', {fatal: true}).decode(Buffer.from(csv))) as string[][];

/** The bytes a CSV starts_with stands for, as the README says to read it: \\ is a backslash, \xNN the byte NN. */
const bytesOf = (cell: string) => Buffer.concat(cell.split(/(\\\\|\\x[0-9a-f]{2})/).map((part) => (part === '\\\\' ? Buffer.from('\\') : /^\\x[0-9a-f]{2}$/.test(part) ? Buffer.from(part.slice(2), 'hex') : Buffer.from(part))));

describe('rejected --format csv of lines with NUL, control bytes and bytes that are not UTF-8 (their bytes went into the CSV as they were)', () => {
	it('escapes them so that a CSV reader gets every cell, and the cell gives the line\'s first 60 bytes back', async () => {
		const {stdout, stderr} = await listed({format: 'csv'}, 2, undefined, controlBytes);
		assert.equal(stderr, '');
		assert.equal(Buffer.from(stdout).includes(0), false, 'no NUL byte in the CSV');
		const [header, ...rows] = csvCells(stdout);
		assert.deepEqual(header, ['file', 'line_no', 'byte_offset', 'reason', 'detail', 'bytes', 'starts_with']);
		assert.deepEqual(rows.map((row) => [row[0], row[1], row[3], row[5]]), [
			[unprintableLog, '1', 'malformed-json', '36'],
			[unprintableLog, '2', 'invalid-utf8', '28'],
			[unprintableLog, '3', 'invalid-utf8', '11'],
			[unprintableLog, '4', 'malformed-json', '67'],
			[unprintableLog, '5', 'malformed-json', '10'],
		]);
		assert.deepEqual(rows.map((row) => row[6]), [
			// Tab stays; the file's two backslashes are four.
			'{"e": "a\\x00b\\x01\\x1b[2J\\x7f", "p": "C:\\\\\\\\dir"}\tx',
			// Windows-1251 bytes and a NUL escaped, the Cyrillic that is UTF-8 kept, the text \x41 told from a byte.
			'{"name": "\\xcf\\xf0\\xe8\\xe2\\xe5\\xf2 \\x00 \\\\x41 Ж"}',
			'{\\xc0\\xaf\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80}',
			`{"cut": "${'x'.repeat(50)}\\xd0`,
			'nul\\x00 here\\x0d',
		]);
		assert.deepEqual(rows.map((row) => bytesOf(row[6]!)), unprintable.map((line) => line.subarray(0, 60)));
		// Markdown the same, under its own escapes (a backslash doubled again): no NUL, and the CSV's text when rendered.
		const markdown = (await listed({format: 'md'}, 2, undefined, controlBytes)).stdout;
		assert.equal(Buffer.from(markdown).includes(0), false, 'no NUL byte in the Markdown');
		assert.ok(markdown.includes('| {"e": "a\\\\x00b\\\\x01\\\\x1b[2J\\\\x7f", "p": "C:\\\\\\\\\\\\\\\\dir"}\tx |\n'), markdown);
		// JSON has escapes of its own for control characters: its text is the line's, NUL and all.
		const json = JSON.parse((await listed({format: 'json'}, 2, undefined, controlBytes)).stdout) as Array<{starts_with: string}>;
		assert.equal(json[0]!.starts_with, unprintable[0]!.toString());
	});
});
