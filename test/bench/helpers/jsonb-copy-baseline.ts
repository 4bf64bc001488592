import fs from 'node:fs';
import {once} from 'node:events';
import {pipeline} from 'node:stream/promises';
import pg from 'pg';
import {from as copyFrom} from 'pg-copy-streams';
import {clientConfig} from '../../../ingest/db/database.js';
import type {Truth} from '../../tools/generator.js';

/**
 * The naive PostgreSQL ceiling the ingest is compared with: every line COPY'd as is into a one-column
 * jsonb table. COPY's text format needs "\" doubled, and one line that is not JSON (or holds \u0000,
 * which jsonb refuses) aborts the whole COPY: so it reads a clean copy of the log, made once and cached.
 */

export type CleanCopy = {file: string; lines: number; sourceBytes: number};

const NUL_ESCAPE = Buffer.from('\\u0000');

/** The log's lines minus the rejected ones and those holding \u0000, backslashes doubled for COPY text format. */
export async function cleanCopyFor(log: string, truth: Truth): Promise<CleanCopy> {
	const file = `${log}.jsonb-copy.txt`;
	const metaFile = `${file}.json`;
	try {
		const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as CleanCopy;
		if (fs.statSync(file).size > 0 && meta.file === file) return meta;
	} catch {
		// Not made yet.
	}
	const rejected = new Set(truth.rejected.map((bad) => bad.line));
	const partial = `${file}.partial-${process.pid}`;
	const output = fs.createWriteStream(partial, {highWaterMark: 4 << 20});
	const finished = once(output, 'finish');
	let lines = 0;
	let sourceBytes = 0;
	let lineNumber = 0;
	let carry = Buffer.alloc(0);
	const keep = (line: Buffer, pieces: Buffer[]) => {
		lineNumber++;
		if (line.length === 0 || rejected.has(lineNumber) || line.includes(NUL_ESCAPE)) return;
		lines++;
		sourceBytes += line.length + 1;
		// Generated lines are ASCII, so latin1 round-trips them byte for byte.
		pieces.push(line.includes(0x5c) ? Buffer.from(line.toString('latin1').replaceAll('\\', '\\\\'), 'latin1') : line, NEWLINE);
	};
	for await (const buffer of fs.createReadStream(log, {highWaterMark: 4 << 20})) {
		const data = carry.length > 0 ? Buffer.concat([carry, buffer as Buffer]) : (buffer as Buffer);
		const pieces: Buffer[] = [];
		let start = 0;
		for (let end = data.indexOf(0x0a); end >= 0; end = data.indexOf(0x0a, start)) {
			keep(data.subarray(start, end), pieces);
			start = end + 1;
		}
		carry = Buffer.from(data.subarray(start));
		if (!output.write(Buffer.concat(pieces))) await once(output, 'drain');
	}
	const last: Buffer[] = [];
	if (carry.length > 0) keep(carry, last);
	output.end(Buffer.concat(last));
	await finished;
	fs.renameSync(partial, file);
	const meta: CleanCopy = {file, lines, sourceBytes};
	fs.writeFileSync(metaFile, JSON.stringify(meta));
	return meta;
}

const NEWLINE = Buffer.from('\n');

/** COPY the clean copy into a fresh one-column jsonb table of the database at `url`; returns milliseconds. */
export async function timeJsonbCopy(url: string, copy: CleanCopy): Promise<{milliseconds: number; rows: number}> {
	const client = new pg.Client(clientConfig(url));
	await client.connect();
	try {
		await client.query('DROP TABLE IF EXISTS baseline_lines');
		await client.query('CREATE TABLE baseline_lines (line jsonb)');
		const started = performance.now();
		await pipeline(fs.createReadStream(copy.file, {highWaterMark: 1 << 20}), client.query(copyFrom('COPY baseline_lines (line) FROM STDIN')));
		const milliseconds = performance.now() - started;
		const {rows} = await client.query<{count: number}>('SELECT count(*)::int AS count FROM baseline_lines');
		return {milliseconds, rows: rows[0]!.count};
	} finally {
		await client.end();
	}
}
