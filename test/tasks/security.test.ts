import assert from 'node:assert/strict';
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
 * attempt. Free-text parameters (course, user, ids, lists) must answer exactly what the same task
 * answers on an empty database (nothing matches); typed ones (dates, numbers, zones, choices) are
 * refused with a sentence. Either way the database is unchanged.
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

const FREE_TEXT: TaskParameter['type'][] = ['text', 'user', 'course'];

async function fingerprint(pool: pg.Pool): Promise<unknown> {
	const {rows: tables} = await pool.query(`SELECT string_agg(tablename, ',' ORDER BY tablename) AS names FROM pg_tables WHERE schemaname = 'public'`);
	const {rows: events} = await pool.query('SELECT count(*)::int AS n, string_agg(event_hash::text, \',\' ORDER BY event_hash) AS hashes FROM events');
	return {tables: tables[0].names, events: events[0]};
}

it('every task treats hostile values as plain values', async () => {
	await runIngest({databaseUrl: loadedUrl, pool: loaded, paths: [path.join(projectRoot, 'test', 'fixtures', 'tasks', 'golden.log')], workers: 1});
	const before = await fingerprint(loaded);
	const {tasks} = await loadTaskCatalogue();
	let checked = 0;
	for (const task of tasks) {
		for (const parameter of task.parameters) {
			const values: Record<string, string> = {[parameter.name]: HOSTILE};
			for (const other of task.parameters) if (other.required && other !== parameter) values[other.name] = 'alice';
			const label = `${task.id} --${parameter.name}`;
			if (FREE_TEXT.includes(parameter.type)) {
				const answer = await runTask(loaded, task, values);
				const nothing = await runTask(empty, task, values);
				assert.deepEqual(answer.rows, nothing.rows, label);
			} else {
				await assert.rejects(runTask(loaded, task, values), UserError, label);
			}
			checked++;
		}
	}
	assert.ok(checked > 100, `${checked} parameters checked`);
	assert.deepEqual(await fingerprint(loaded), before);
});
