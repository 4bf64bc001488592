import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import zlib from 'node:zlib';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {writeZip} from '../helpers/zip.js';

/**
 * A rejected line that another input holds too is kept once, by the first input in load order, as an event is: a
 * copy of a loaded file (another name, or a .gz of it) stored its rejected lines again, and data-health's rejected
 * total grew with each copy while its events were duplicates. Lines an input repeats stay rejected at each of its
 * lines (a `null` twice in one file is two bad lines to repair).
 */

type Database = Awaited<ReturnType<typeof openTestDatabase>>;
const dir = fixtureDir();
const {tasks} = await loadTaskCatalogue();

const health = async (database: Database) =>
	Object.fromEntries((await runTask(database.pool, tasks.find((task) => task.id === 'data-health')!, {})).rows.map((row) => [row[1], row[2]]));

type Counts = {name: string; lines: number; loaded: number; duplicates: number; rejected: number};

/** Each input's counts (lines read = loaded + duplicates + rejected), and its rejected lines as stored, by file id. */
async function stored(database: Database): Promise<{counts: Counts[]; rejects: string[]}> {
	const {rows: counts} = await database.pool.query<Counts & {rows: number}>(
		`SELECT f.path AS name, f.lines_read::int AS lines, f.loaded::int, f.duplicates::int, f.rejected::int,
			(SELECT count(*)::int FROM rejected_lines r WHERE r.file_id = f.file_id) AS rows
		 FROM source_file_counts f ORDER BY f.file_id`,
	);
	for (const row of counts) {
		assert.equal(row.rows, row.rejected, `${row.name}: its rejected lines`);
		assert.equal(row.lines, row.loaded + row.duplicates + row.rejected, `${row.name}: lines read = loaded + duplicates + rejected`);
	}
	const {rows} = await database.pool.query<{name: string; line_no: number; raw: Buffer}>(
		'SELECT f.path AS name, r.line_no::int, r.raw FROM rejected_lines r JOIN source_files f USING (file_id) ORDER BY f.file_id, r.line_no',
	);
	return {
		counts: counts.map(({name, lines, loaded, duplicates, rejected}) => ({name: path.basename(name), lines, loaded, duplicates, rejected})),
		rejects: rows.map((row) => `${path.basename(row.name)}:${row.line_no} ${row.raw.toString()}`),
	};
}

describe('a copy of a loaded file', () => {
	// 6 events, a truncated line, `null` twice and a malformed line: 4 rejected.
	const text = `${lines(0, 3)}{"username": "cut\nnull\n${lines(3, 6)}null\nnot json\n`;
	const day = path.join(dir, 'day.log');
	fs.writeFileSync(day, text);
	const copies = path.join(dir, 'copies');
	fs.mkdirSync(copies);
	fs.writeFileSync(path.join(copies, 'day.log.gz'), zlib.gzipSync(text));
	fs.writeFileSync(path.join(copies, 'renamed.log'), `${text}{"also": \n`);

	it('counts its rejected lines as duplicates, in a later load and in the same one: data-health\'s rejected total stays', async () => {
		const later = await openTestDatabase('rejects_copy_later');
		await ingest(later, [day]);
		const before = await health(later);
		assert.deepEqual([before['lines read'], before['events loaded'], before['duplicate lines'], before['rejected lines']], [10, 6, 0, 4]);
		const summary = await ingest(later, [copies]);
		// The .gz reads the same 10 lines, all duplicates; renamed.log the same and a bad line of its own. They said rejected 9.
		assert.deepEqual([summary.lines, summary.loaded, summary.duplicates, summary.rejected, summary.rejectedByReason], [21, 0, 20, 1, {'truncated-json': 1}]);
		const after = await health(later);
		assert.deepEqual([after['lines read'], after['events loaded'], after['duplicate lines'], after['rejected lines']], [31, 6, 20, 5]);
		assert.deepEqual([after['rejected: malformed-json'], after['rejected: not-an-object'], after['rejected: truncated-json']], [1, 2, 2]);
		const expected = {
			counts: [
				{name: 'day.log', lines: 10, loaded: 6, duplicates: 0, rejected: 4},
				{name: 'day.log.gz', lines: 10, loaded: 0, duplicates: 10, rejected: 0},
				{name: 'renamed.log', lines: 11, loaded: 0, duplicates: 10, rejected: 1},
			],
			rejects: ['day.log:4 {"username": "cut', 'day.log:5 null', 'day.log:9 null', 'day.log:10 not json', 'renamed.log:11 {"also": '],
		};
		assert.deepEqual(await stored(later), expected);
		// All three in one load, on several threads: the first in load order keeps them (the folder's files come first).
		for (const workers of [4, 1]) {
			const once = await openTestDatabase('rejects_copy_once');
			await ingest(once, [copies, day], {workers});
			const {counts, rejects} = await stored(once);
			assert.deepEqual(counts.map(({name, rejected}) => [name, rejected]), [['day.log.gz', 4], ['renamed.log', 1], ['day.log', 0]], `${workers} threads`);
			assert.deepEqual(rejects, ['day.log.gz:4 {"username": "cut', 'day.log.gz:5 null', 'day.log.gz:9 null', 'day.log.gz:10 not json', 'renamed.log:11 {"also": '], `${workers} threads`);
		}
	});

	it('takes them from a later input when an earlier one (a log that grew) meets them in a later load', async () => {
		const database = await openTestDatabase('rejects_grown');
		const grows = path.join(dir, 'grows.log');
		fs.writeFileSync(grows, lines(100, 103));
		await ingest(database, [grows]);
		const other = path.join(dir, 'other.log');
		fs.writeFileSync(other, `${lines(200, 202)}not json\n`);
		await ingest(database, [other]);
		fs.appendFileSync(grows, 'not json\n');
		const summary = await ingest(database, [grows]);
		assert.deepEqual([summary.lines, summary.loaded, summary.duplicates, summary.rejected], [1, 0, 0, 1]);
		// other.log, loaded and finished before, gave its line over (the first input holding it, by load order, is grows.log).
		assert.deepEqual(await stored(database), {
			counts: [
				{name: 'grows.log', lines: 4, loaded: 3, duplicates: 0, rejected: 1},
				{name: 'other.log', lines: 3, loaded: 2, duplicates: 1, rejected: 0},
			],
			rejects: ['grows.log:4 not json'],
		});
		const counts = await health(database);
		assert.deepEqual([counts['lines read'], counts['events loaded'], counts['duplicate lines'], counts['rejected lines']], [7, 5, 1, 1]);
	});
});

describe('a .gz with trailing garbage, and the same .gz in a .zip', () => {
	it('keeps the garbage once: the member counts it as a duplicate', async () => {
		const database = await openTestDatabase('rejects_garbage');
		const gz = Buffer.concat([zlib.gzipSync(`${lines(300, 305)}null\n`), Buffer.from('<html>502 Bad Gateway</html>\n')]);
		const garbage = path.join(dir, 'garbage');
		fs.mkdirSync(garbage);
		fs.writeFileSync(path.join(garbage, 'a.log.gz'), gz);
		await writeZip(path.join(garbage, 'b.zip'), [{name: 'a.log.gz', data: gz}]);
		const summary = await ingest(database, [garbage]);
		assert.deepEqual([summary.lines, summary.loaded, summary.duplicates, summary.rejected, summary.rejectedByReason], [14, 5, 7, 2, {'not-an-object': 1, 'trailing-garbage': 1}]);
		const {counts, rejects} = await stored(database);
		assert.deepEqual(counts, [
			{name: 'a.log.gz', lines: 7, loaded: 5, duplicates: 0, rejected: 2},
			{name: 'b.zip', lines: 7, loaded: 0, duplicates: 7, rejected: 0},
		]);
		assert.deepEqual(rejects, ['a.log.gz:6 null', 'a.log.gz:7 <html>502 Bad Gateway</html>\n']);
	});
});

describe('inputs sharing rejected lines, stored by several threads at once', () => {
	// 12 one-chunk inputs: each its own events, a bad line of its own, one of 3 shared ones, and `null` twice.
	const parts = path.join(dir, 'parts');
	fs.mkdirSync(parts);
	const PARTS = 12;
	const names = Array.from({length: PARTS}, (_, part) => `part${String(part).padStart(2, '0')}.log`);
	names.forEach((name, part) => fs.writeFileSync(path.join(parts, name), `${lines(part * 100, part * 100 + 50)}null\nbad ${part}\n{"shared": ${part % 3}\nnull\n`));

	it('keeps each in the first input in load order that has it, whatever the threads, run after run', async () => {
		// part00 keeps its nulls; parts 00-02 their shared line; each its own bad line.
		const expected = names.map((name, part) => ({name, lines: 54, loaded: 50, duplicates: part === 0 ? 0 : part < 3 ? 2 : 3, rejected: part === 0 ? 4 : part < 3 ? 2 : 1}));
		for (const workers of [4, 4, 4, 1]) {
			const database = await openTestDatabase('rejects_threads');
			const summary = await ingest(database, [parts], {workers});
			const {counts, rejects} = await stored(database);
			assert.deepEqual(counts, expected, `${workers} loader threads`);
			assert.equal(rejects.length, 4 + 2 + 2 + 9, `${workers} loader threads`);
			// The load's own figures say the same.
			assert.deepEqual(
				summary.files.map(({label, loaded, duplicates, rejected}) => ({name: path.basename(label), lines: 54, loaded, duplicates, rejected})),
				expected,
				`the summary, ${workers} loader threads`,
			);
			assert.deepEqual([summary.rejected, summary.rejectedByReason], [17, {'not-an-object': 2, 'malformed-json': 12, 'truncated-json': 3}], `${workers} loader threads`);
		}
	});
});

describe('two logs that grew, the first now holding a rejected line the second stored in an earlier load', () => {
	it('counts in this load only what this load read: the second gives the line over, and its counts do not go below what it read now (they said rejected -1)', async () => {
		const database = await openTestDatabase('rejects_grown');
		const first = path.join(dir, 'grown-a.log');
		const second = path.join(dir, 'grown-b.log');
		fs.writeFileSync(first, lines(0, 3));
		fs.writeFileSync(second, `null\n${lines(3, 5)}`);
		await ingest(database, [first, second]);
		// Both resumed where they ended: the first's new `null` is kept by it (the lower file id), the second's goes.
		fs.appendFileSync(first, `null\n${lines(5, 6)}`);
		fs.appendFileSync(second, lines(6, 7));
		const summary = await ingest(database, [first, second]);
		assert.deepEqual(
			summary.files.map(({label, loaded, duplicates, rejected}) => ({name: path.basename(label), loaded, duplicates, rejected})),
			[
				{name: 'grown-a.log', loaded: 1, duplicates: 0, rejected: 1},
				{name: 'grown-b.log', loaded: 1, duplicates: 0, rejected: 0},
			],
		);
		assert.deepEqual([summary.lines, summary.loaded, summary.duplicates, summary.rejected, summary.rejectedByReason], [3, 2, 0, 1, {'not-an-object': 1}]);
		// Over both loads: the second's `null` a duplicate now.
		assert.deepEqual((await stored(database)).counts, [
			{name: 'grown-a.log', lines: 5, loaded: 4, duplicates: 0, rejected: 1},
			{name: 'grown-b.log', lines: 4, loaded: 3, duplicates: 1, rejected: 0},
		]);
	});
});
