import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {runIngest} from '../../ingest/engine.js';
import {UserError} from '../../ingest/errors.js';
import {loadTaskCatalogue, runTask, type TaskParameter} from '../../source/tasks/index.js';
import {createTestDatabase} from '../helpers/database.js';
import {projectRoot} from '../helpers/shared.js';

/**
 * Hostile parameter values are only values: every parameter of every task gets an SQL-injection
 * attempt. Free-text parameters (ids, lists) must answer exactly what the same task answers on an empty
 * database (nothing matches). A course and a learner are checked against the database first: one that
 * is named so (an event of theirs is loaded) runs, on the empty database it is refused as unknown.
 * Typed ones (dates, numbers, zones, choices) are refused with a sentence. The database is unchanged.
 */
const HOSTILE = `x'; drop table events; --`;
const loadedUrl = await createTestDatabase('hostile');
const emptyUrl = await createTestDatabase('hostile_empty');
const loaded = new pg.Pool(clientConfig(loadedUrl));
const empty = new pg.Pool(clientConfig(emptyUrl));
for (const pool of [loaded, empty]) pool.on('error', () => {});
after(async () => {
	await loaded.end();
	await empty.end();
});

const FREE_TEXT: TaskParameter['type'][] = ['text'];
const CHECKED_NAMES: TaskParameter['type'][] = ['user', 'course', 'video', 'problem', 'event-types'];

async function fingerprint(pool: pg.Pool): Promise<unknown> {
	const {rows: tables} = await pool.query(`SELECT string_agg(tablename, ',' ORDER BY tablename) AS names FROM pg_tables WHERE schemaname = 'public'`);
	const {rows: events} = await pool.query('SELECT count(*)::int AS n, string_agg(event_hash::text, \',\' ORDER BY event_hash) AS hashes FROM events');
	return {tables: tables[0].names, events: events[0]};
}

it('every task treats hostile values as plain values', async () => {
	const hostileLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-')), 'hostile.log');
	const event = {username: HOSTILE, event_type: 'page_close', event_source: 'browser', time: '2024-03-01T10:00:00+00:00', page: 'https://lms.example/courses/x/', context: {course_id: HOSTILE, user_id: 99}, event: '{}'};
	// The hostile name is also a video, a problem and an event type, so that their checks find it.
	const named = [
		{...event, event_type: 'play_video', event: JSON.stringify({id: HOSTILE, currentTime: 0})},
		{...event, event_type: 'problem_check', event_source: 'server', event: {problem_id: HOSTILE, success: 'correct', answers: {}}},
		// A list of event types loses its spaces (as in learner-unit-events' SQL).
		{...event, event_type: HOSTILE.replaceAll(' ', '')},
	];
	fs.writeFileSync(hostileLog, [event, ...named].map((line) => `${JSON.stringify(line)}\n`).join(''));
	await runIngest({databaseUrl: loadedUrl, pool: loaded, paths: [path.join(projectRoot, 'test', 'fixtures', 'tasks', 'golden.log'), hostileLog], workers: 1});
	fs.rmSync(path.dirname(hostileLog), {recursive: true, force: true});
	const before = await fingerprint(loaded);
	const {tasks} = await loadTaskCatalogue();
	let checked = 0;
	for (const task of tasks) {
		for (const parameter of task.parameters) {
			const values: Record<string, string> = {[parameter.name]: HOSTILE};
			// The hostile course's only learner is the hostile one: a learner is checked in the chosen course.
			for (const other of task.parameters) if (other.required && other !== parameter) values[other.name] = parameter.type === 'course' ? HOSTILE : 'alice';
			const label = `${task.id} --${parameter.name}`;
			if (FREE_TEXT.includes(parameter.type)) {
				const answer = await runTask(loaded, task, values);
				const nothing = await runTask(empty, task, values);
				assert.deepEqual(answer.rows, nothing.rows, label);
			} else if (CHECKED_NAMES.includes(parameter.type)) {
				await runTask(loaded, task, values);
				await assert.rejects(runTask(empty, task, values), (error: Error) => error instanceof UserError && error.message.startsWith('No '), label);
			} else {
				await assert.rejects(runTask(loaded, task, values), UserError, label);
			}
			checked++;
		}
	}
	assert.ok(checked > 100, `${checked} parameters checked`);
	assert.deepEqual(await fingerprint(loaded), before);
});
