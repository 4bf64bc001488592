import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {migrate} from '../../ingest/db/migrations.js';
import {runIngest, type IngestOptions} from '../../ingest/engine.js';
import {createTestDatabase} from './database.js';

/** A fresh database with a pool, closed after the test file. */
export async function openTestDatabase(prefix = 'ingest'): Promise<{url: string; pool: pg.Pool}> {
	const url = await createTestDatabase(prefix);
	const pool = new pg.Pool({...clientConfig(url), max: 4});
	// The database is dropped WITH (FORCE) after the file, which ends idle connections: not an error.
	pool.on('error', () => {});
	after(() => pool.end());
	return {url, pool};
}

export function ingest(database: {url: string; pool: pg.Pool}, paths: string[], options: Partial<IngestOptions> = {}) {
	return runIngest({databaseUrl: database.url, pool: database.pool, paths, workers: 2, ...options});
}

/** The versions the migrations applied (a test undoes one, as a database built before it was, and migrates again). */
export async function migrated(database: {pool: pg.Pool}): Promise<number[]> {
	const client = await database.pool.connect();
	try {
		return await migrate(client);
	} finally {
		client.release();
	}
}

/**
 * Undoes migration `version` by `undo` (leaving the database as the version before it did) and migrates again: that
 * migration alone runs, and leaves no load to rebuild (asserted).
 */
export async function migratedAgain(database: {pool: pg.Pool}, version: number, undo: string): Promise<void> {
	await database.pool.query(`${undo}; DELETE FROM schema_version WHERE version = ${version}`);
	assert.deepEqual(await migrated(database), [version]);
	const {rows: [{pending}]} = await database.pool.query<{pending: number}>('SELECT count(*)::int AS pending FROM loads WHERE NOT derived_done');
	assert.equal(pending, 0);
}

/** A temporary folder for fixture files, removed after the test file. */
export function fixtureDir(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-fixture-'));
	after(() => fs.rmSync(dir, {recursive: true, force: true}));
	return dir;
}

/** Writes a log of these lines in `dir` and returns its path. */
export function writeLog(dir: string, name: string, lines: string[]): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, `${lines.join('\n')}\n`);
	return file;
}

/** One realistic tracking-log event line (JSON), numbered so that every n gives a distinct event. */
export function eventLine(n: number, overrides: Record<string, unknown> = {}): string {
	return JSON.stringify({
		username: `learner${n % 7}`,
		event_source: 'browser',
		name: 'play_video',
		time: `2018-09-17T09:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}.000${String(n % 1000).padStart(3, '0')}+00:00`,
		page: 'https://courses.openedu.ru/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/a1/b2/',
		context: {user_id: 1000 + (n % 7), org_id: 'spbstu', course_id: 'course-v1:spbstu+PHYLOS+fall_2018', path: '/event'},
		event: JSON.stringify({id: `video${n % 3}`, currentTime: n}),
		event_type: 'play_video',
		...overrides,
	});
}

export function lines(from: number, to: number): string {
	let text = '';
	for (let n = from; n < to; n++) text += `${eventLine(n)}\n`;
	return text;
}
