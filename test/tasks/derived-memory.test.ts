import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {describe, it} from 'node:test';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {projectRoot} from '../helpers/shared.js';

const COURSE = 'course-v1:spbstu+PHYLOS+fall_2018';

/**
 * The derived build reads new distinct pages and agents into Node (to normalise / parse them): in
 * bounded batches, so the client's memory does not grow with their number.
 */
/**
 * Many distinct long pages in one load, inserted straight into events (loading them through the engine takes minutes).
 * 100,000 is enough to see an unbounded read: all of them read at once took the child to 750 MB (the bounded build
 * peaks near 150 MB whatever their number: 148 MB at 30,000, 149 MB at 100,000, 159 MB at 300,000). 300,000 showed
 * nothing more (batches of 10,000 rows stayed under 300 MB there too, 250 MB) and took the build 61 s instead of 22 s.
 */
const DISTINCT_PAGES = 100_000;
const CHILD = path.join(projectRoot, 'dist', 'test', 'tasks', 'helpers', 'refresh-derived-child.js');
const REPORT_MAX_RSS = pathToFileURL(path.join(projectRoot, 'dist', 'test', 'reliability', 'helpers', 'report-max-rss.js')).href;
const memoryDatabase = await openTestDatabase('derived_memory');

describe('derived build memory', () => {
	it(`keeps the refreshing process within 300 MB with ${DISTINCT_PAGES} distinct 1 KB URLs`, async () => {
		const {pool} = memoryDatabase;
		const file = path.join(fixtureDir(), 'small.log');
		fs.writeFileSync(file, lines(0, 20));
		await ingest(memoryDatabase, [file]);
		await pool.query(`INSERT INTO loads (finished_at) VALUES (now())`);
		await pool.query(
			`INSERT INTO events (event_hash, file_id, line_no, load_id, time, username, course_id, event_type, event_source, page)
			SELECT md5('page ' || i)::uuid, (SELECT min(file_id) FROM source_files), 1000 + i, (SELECT max(load_id) FROM loads),
				timestamptz '2018-09-18' + i * interval '1 second', 'learner' || i % 1000, $1, 'seq_goto', 'browser',
				'https://courses.openedu.ru/courses/' || $1 || '/courseware/' || i || '/' || repeat('x', 1000)
			FROM generate_series(1, $2) i`,
			[COURSE, DISTINCT_PAGES],
		);
		const child = spawnSync(process.execPath, ['--import', REPORT_MAX_RSS, CHILD, memoryDatabase.url], {encoding: 'utf8'});
		assert.equal(child.status, 0, child.stderr);
		const peakMb = Number(/openpolyedu-test-max-rss-kb=(\d+)/.exec(child.stderr)![1]) / 1024;
		console.log(`# derived memory: ${DISTINCT_PAGES} distinct 1 KB URLs: peak RSS ${peakMb.toFixed(0)} MB`);
		assert.ok(peakMb <= 300, `peak RSS ${peakMb.toFixed(0)} MB <= 300 MB`);
		const {rows} = await pool.query<{pages: number}>(`SELECT count(*)::int AS pages FROM d_page`);
		assert.equal(rows[0]!.pages, DISTINCT_PAGES + 1);
	});
});
