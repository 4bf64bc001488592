import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import type pg from 'pg';

/**
 * Checks, from the database alone plus the input bytes, that nothing was lost or counted twice:
 * per file and in total `lines read = loaded + duplicates + rejected`, every rejected line stored
 * with the exact bytes found at its offset, every event inside a committed chunk and every
 * committed chunk's events present.
 */

/** The decompressed bytes of a plain or .gz input (what byte_offset and line_no refer to). */
export function contentOf(file: string): Buffer {
	const bytes = fs.readFileSync(file);
	return file.toLowerCase().endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes;
}

/** Start offset of every physical line (split on \n; a final line without \n counts, an empty tail does not). */
export function lineStarts(content: Buffer): number[] {
	const starts: number[] = [];
	let position = 0;
	while (position < content.length) {
		starts.push(position);
		const newline = content.indexOf(0x0a, position);
		if (newline < 0) break;
		position = newline + 1;
	}
	return starts;
}

/** The line starting at `start`, without its \n. */
export function lineAt(content: Buffer, start: number): Buffer {
	const newline = content.indexOf(0x0a, start);
	return content.subarray(start, newline < 0 ? content.length : newline);
}

export type FileCounts = {id: number; path: string; member: string; status: string; lines: number; blank: number; loaded: number; duplicates: number; rejected: number};

export async function fileCounts(pool: pg.Pool): Promise<FileCounts[]> {
	const {rows} = await pool.query<FileCounts>(
		`SELECT file_id AS id, path, member, status, lines_read AS lines, blank_lines AS blank, loaded, duplicates, rejected
		 FROM source_files ORDER BY path, member`,
	);
	return rows;
}

/**
 * The invariant, for every file whose load finished; `contents` maps a source_files path (or
 * "path!member") to its decompressed bytes, to compare rejected raw bytes and line counts with.
 */
export async function assertAccounting(pool: pg.Pool, contents: Map<string, Buffer>): Promise<{lines: number; loaded: number; duplicates: number; rejected: number}> {
	const files = await fileCounts(pool);
	const total = {lines: 0, loaded: 0, duplicates: 0, rejected: 0};
	for (const file of files.filter((row) => row.status === 'loaded')) {
		const label = file.member ? `${file.path}!${file.member}` : file.path;
		assert.equal(file.lines, file.loaded + file.duplicates + file.rejected, `${label}: lines read = loaded + duplicates + rejected`);
		const stored = await pool.query<{count: number}>('SELECT count(*) AS count FROM events WHERE file_id = $1', [file.id]);
		assert.equal(stored.rows[0]!.count, file.loaded, `${label}: events stored = loaded`);
		const rejected = await pool.query<{line_no: number; byte_offset: number; reason: string; raw: Buffer}>(
			'SELECT line_no, byte_offset, reason, raw FROM rejected_lines WHERE file_id = $1 ORDER BY line_no',
			[file.id],
		);
		assert.equal(rejected.rows.length, file.rejected, `${label}: rejected_lines rows = rejected`);
		const content = contents.get(label);
		if (content) {
			const starts = lineStarts(content);
			assert.equal(file.lines + file.blank, starts.length, `${label}: every physical line was read`);
			await assertNoHole(pool, file.id, content.length, label);
			for (const row of rejected.rows) {
				assert.equal(starts[row.line_no - 1], row.byte_offset, `${label} line ${row.line_no}: byte_offset is where that line starts`);
				const line = lineAt(content, row.byte_offset);
				if (row.reason === 'line-too-long') assert.ok(line.subarray(0, row.raw.length).equals(row.raw), `${label} line ${row.line_no}: kept prefix of the long line`);
				else assert.ok(line.equals(row.raw), `${label} line ${row.line_no} (${row.reason}): raw bytes (${row.raw.length}) equal the file's bytes (${line.length})`);
			}
		}
		total.lines += file.lines;
		total.loaded += file.loaded;
		total.duplicates += file.duplicates;
		total.rejected += file.rejected;
	}
	await assertOnlyCommittedChunks(pool);
	return total;
}

/** The committed chunks of a finished file cover its content from the first byte to the last, in order. */
async function assertNoHole(pool: pg.Pool, fileId: number, length: number, label: string): Promise<void> {
	const {rows} = await pool.query<{start_offset: number; end_offset: number}>('SELECT start_offset, end_offset FROM file_chunks WHERE file_id = $1 ORDER BY start_offset', [fileId]);
	let expected = 0;
	for (const chunk of rows) {
		assert.equal(chunk.start_offset, expected, `${label}: no hole before byte ${chunk.start_offset}`);
		expected = chunk.end_offset;
	}
	assert.equal(expected, length, `${label}: chunks reach the end of the content`);
}

/** Nothing half-committed: every event and rejected line lies in a committed chunk, whose counts match. */
export async function assertOnlyCommittedChunks(pool: pg.Pool): Promise<void> {
	const {rows: strays} = await pool.query<{count: number}>(
		`SELECT count(*) AS count FROM events e WHERE NOT EXISTS (
		   SELECT 1 FROM file_chunks c WHERE c.file_id = e.file_id AND e.line_no >= c.first_line AND e.line_no < c.first_line + c.lines + c.blank_lines)`,
	);
	assert.equal(strays[0]!.count, 0, 'no event outside a committed chunk');
	const {rows: strayRejects} = await pool.query<{count: number}>(
		`SELECT count(*) AS count FROM rejected_lines r WHERE NOT EXISTS (
		   SELECT 1 FROM file_chunks c WHERE c.file_id = r.file_id AND r.line_no >= c.first_line AND r.line_no < c.first_line + c.lines + c.blank_lines)`,
	);
	assert.equal(strayRejects[0]!.count, 0, 'no rejected line outside a committed chunk');
	const {rows: mismatched} = await pool.query<{file_id: number; first_line: number; loaded: number; events: number; rejected: number; rejects: number}>(
		`SELECT c.file_id, c.first_line, c.loaded, c.rejected,
		   (SELECT count(*) FROM events e WHERE e.file_id = c.file_id AND e.line_no >= c.first_line AND e.line_no < c.first_line + c.lines + c.blank_lines) AS events,
		   (SELECT count(*) FROM rejected_lines r WHERE r.file_id = c.file_id AND r.line_no >= c.first_line AND r.line_no < c.first_line + c.lines + c.blank_lines) AS rejects
		 FROM file_chunks c`,
	);
	for (const chunk of mismatched) {
		assert.equal(chunk.events, chunk.loaded, `chunk at line ${chunk.first_line} of file ${chunk.file_id}: all its events are present`);
		assert.equal(chunk.rejects, chunk.rejected, `chunk at line ${chunk.first_line} of file ${chunk.file_id}: all its rejected lines are present`);
	}
	const {rows: overlaps} = await pool.query<{count: number}>(
		`SELECT count(*) AS count FROM file_chunks a JOIN file_chunks b ON a.file_id = b.file_id AND a.start_offset < b.start_offset AND b.start_offset < a.end_offset`,
	);
	assert.equal(overlaps[0]!.count, 0, 'committed chunks never overlap');
}

/**
 * What a finished load holds, independent of file ids and of which file met an event first: the
 * comparison between a load interrupted many times and a clean single pass.
 */
export type LoadedContent = {
	events: number;
	distinctHashes: number;
	hashDigest: string;
	rejected: string[];
	files: string[];
	duplicates: number;
};

export async function loadedContent(pool: pg.Pool, label: (path: string) => string): Promise<LoadedContent> {
	const {rows} = await pool.query<{events: number; distinct_hashes: number; digest: string | null}>(
		`SELECT count(*) AS events, count(DISTINCT event_hash) AS distinct_hashes, md5(string_agg(event_hash::text, ',' ORDER BY event_hash)) AS digest FROM events`,
	);
	const {rows: rejected} = await pool.query<{path: string; member: string; line_no: number; byte_offset: number; reason: string; raw: Buffer}>(
		`SELECT f.path, f.member, r.line_no, r.byte_offset, r.reason, r.raw FROM rejected_lines r JOIN source_files f USING (file_id)`,
	);
	const files = await fileCounts(pool);
	return {
		events: rows[0]!.events,
		distinctHashes: rows[0]!.distinct_hashes,
		hashDigest: rows[0]!.digest ?? '',
		rejected: rejected
			.map((row) => `${label(row.path)}!${row.member}:${row.line_no}@${row.byte_offset} ${row.reason} ${crypto.hash('md5', row.raw)}`)
			.sort(),
		// Which file loads an event that two files share depends on timing; loaded + duplicates per file does not.
		files: files.map((file) => `${label(file.path)}!${file.member} ${file.status} lines=${file.lines} blank=${file.blank} kept=${file.loaded + file.duplicates} rejected=${file.rejected}`).sort(),
		duplicates: files.reduce((sum, file) => sum + file.duplicates, 0),
	};
}
