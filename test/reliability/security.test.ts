import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {redactSecrets, UserError} from '../../ingest/errors.js';
import {coerceValue} from '../../source/tasks/parameters.js';
import {loadTaskCatalogue, parseTaskFile, runTask, saveResult, streamTask, type TaskResult} from '../../source/tasks/index.js';
import {createTestDatabase} from '../helpers/database.js';
import {ingest} from '../helpers/ingest.js';
import {projectRoot} from '../helpers/shared.js';
import {runCli} from './helpers/cli.js';
import {BIG} from './helpers/seed.js';

/**
 * What a hostile or careless value can do: nothing. Extends test/tasks (one injection string per
 * parameter, one hostile file name) with many payloads, every output format, Windows name rules,
 * and secrets in messages and logs.
 */
const tempDir = (prefix: string) => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	after(() => fs.rmSync(dir, {recursive: true, force: true}));
	return dir;
};

const HOSTILE_IDS = [
	'../../../etc/passwd', '/etc/passwd', 'C:\\Windows\\System32\\drivers', '\\\\server\\share\\x', 'course-v1:Org+Course+2024',
	'..', '.', '', ' ', '...', 'a/../../b', 'x:y+z/w\\v', 'CON', 'nul', 'COM1', 'lpt9', 'aux.txt', 'name.', 'name ',
	'<script>|?*"', 'tab\there\nnewline\r', '\u0000nul', 'é日本🎓', 'x'.repeat(400), '日本'.repeat(100), '%2e%2e%2f', 'ccx-v1:Org+Course+2024+ccx@3',
];
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

const sample: TaskResult = {taskId: 'learners', columns: [{name: 'n', kind: 'number'}], rows: [[1]], parameters: {}, elapsedMs: 0};

describe('saved file names from hostile course, learner and task ids', () => {
	it('stay directly inside result/ and are valid names on Windows', async () => {
		const root = tempDir('openpolyedu-names-');
		const resultDir = path.join(root, 'result');
		let saved = 0;
		for (const id of HOSTILE_IDS) {
			for (const format of ['csv', 'json', 'md'] as const) {
				for (const [taskId, course, user] of [[id, 'course-v1:a+b+c', ''], ['learners', id, ''], ['learner-path', 'c', id], [id, id, id]]) {
					const {path: file} = await saveResult({...sample, taskId: taskId!, parameters: {course: course!, user: user!}}, {format, resultDir});
					const where = `task ${JSON.stringify(taskId)}, course ${JSON.stringify(course)}, user ${JSON.stringify(user)}, ${format}`;
					assert.equal(path.dirname(file), resultDir, `${where}: inside result/`);
					const name = path.basename(file);
					assert.doesNotMatch(name, /[<>:"/\\|?*\u0000-\u001f]/, `${where}: no character Windows forbids (${name})`);
					assert.doesNotMatch(name, /[. ]$/, `${where}: does not end in a dot or space`);
					assert.doesNotMatch(name, WINDOWS_RESERVED, `${where}: not a reserved device name`);
					assert.ok(!name.includes('..') && Buffer.byteLength(name) <= 255, `${where}: no .., at most 255 bytes`);
					assert.ok(name.endsWith(`.${format}`), `${where}: keeps its extension`);
					saved++;
				}
			}
		}
		assert.deepEqual(fs.readdirSync(root), ['result'], 'nothing written beside result/');
		assert.equal(fs.readdirSync(resultDir).length, saved, 'every save is its own file, none overwritten');
	});
});

describe('hostile parameter values', () => {
	const PAYLOADS = [
		"'; DROP TABLE events; --", "' OR '1'='1", "x'); DELETE FROM source_files; --", '$1', ':course', '%', '_', '\\', '\\x00',
		"'||pg_sleep(5)||'", '"; TRUNCATE events CASCADE; --', '*/ DROP TABLE loads; /*', 'a'.repeat(10_000), '😀\u202e', 'NULL', '',
	];

	it('a refused value shows its invisible characters as escapes, so that the sentence reads as it is', () => {
		const idle = {name: 'idle', type: 'integer', description: '', min: 1, max: 240} as const;
		assert.throws(() => coerceValue(idle, '30\u200b'), {message: 'Parameter "idle" must be a whole number, not "30\\u200b".'});
		assert.throws(() => coerceValue(idle, '1\u202e0'), {message: 'Parameter "idle" must be a whole number, not "1\\u202e0".'});
	});

	it('every free-text parameter of every task treats them as plain values; the database is unchanged', async () => {
		const loadedUrl = await createTestDatabase('hostile_more');
		const emptyUrl = await createTestDatabase('hostile_more_empty');
		const loaded = new pg.Pool({...clientConfig(loadedUrl), max: 2});
		const empty = new pg.Pool({...clientConfig(emptyUrl), max: 2});
		for (const pool of [loaded, empty]) pool.on('error', () => {});
		after(() => Promise.all([loaded.end(), empty.end()]));
		await ingest({url: loadedUrl, pool: loaded}, [path.join(projectRoot, 'test', 'fixtures', 'tasks', 'golden.log')]);
		const state = async (pool: pg.Pool) => {
			const {rows: tables} = await pool.query<{name: string}>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
			const counts: Record<string, number> = {};
			for (const {name} of tables) counts[name] = Number((await pool.query(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(name)}`)).rows[0].n);
			const {rows: roles} = await pool.query('SELECT string_agg(rolname, \',\' ORDER BY rolname) AS roles FROM pg_roles');
			const {rows: events} = await pool.query("SELECT md5(string_agg(event_hash::text || coalesce(username, ''), ',' ORDER BY event_hash)) AS digest FROM events");
			return {counts, roles: roles[0].roles, events: events[0].digest};
		};
		const before = await state(loaded);
		const {tasks} = await loadTaskCatalogue();
		let runs = 0;
		let turn = 0;
		for (const task of tasks) {
			for (const parameter of task.parameters.filter((item) => ['text', 'user', 'course', 'video', 'problem', 'event-types'].includes(item.type))) {
				// In CI each parameter gets a few payloads in turn (all of them over the catalogue); every one with OPENPOLYEDU_BIG=1.
				const payloads = BIG ? PAYLOADS : Array.from({length: 4}, () => PAYLOADS[turn++ % PAYLOADS.length]!);
				for (const payload of payloads) {
					const values: Record<string, string> = {[parameter.name]: payload};
					// A required video must be one the log has (vid1), or the task is refused before the payload is tried.
					for (const other of task.parameters) if (other.required && other !== parameter) values[other.name] = other.type === 'video' ? 'vid1' : 'alice';
					const label = `${task.id} --${parameter.name} ${JSON.stringify(payload.slice(0, 40))}`;
					if (payload === '' && parameter.required) {
						await assert.rejects(runTask(loaded, task, values), UserError, label);
						continue;
					}
					if (payload !== '' && parameter.type !== 'text') {
						// Checked against the database (a bound lookup) before the task runs: unknown, refused with a sentence.
						const refused = /^No (course|learner|video|problem|events of type) /;
						await assert.rejects(runTask(loaded, task, values), (error: Error) => error instanceof UserError && refused.test(error.message), label);
						runs++;
						continue;
					}
					const answer = await runTask(loaded, task, values);
					// An empty value means "all" (or the only course); anything else matches nothing in this log.
					if (payload !== '') assert.deepEqual(answer.rows, (await runTask(empty, task, values)).rows, `${label}: the same answer as on an empty database`);
					runs++;
				}
			}
		}
		console.log(`# security: ${runs} task runs with hostile values`);
		assert.ok(runs > (BIG ? 600 : 150));
		assert.deepEqual(await state(loaded), before, 'the database is unchanged');
	});
});

describe('a task file that writes', () => {
	it('cannot change the database, not even by ending its read-only transaction', async () => {
		const url = await createTestDatabase('writing_task');
		const pool = new pg.Pool({...clientConfig(url), max: 2});
		pool.on('error', () => {});
		after(() => pool.end());
		await pool.query('CREATE TABLE canary (x int); INSERT INTO canary VALUES (1)');
		const header = '-- id: writer\n-- title: Writer\n-- group: Bad\n-- description: Writes.\n';
		const bodies = ['DELETE FROM canary', 'WITH gone AS (DELETE FROM canary RETURNING x) SELECT * FROM gone', 'SELECT 1 AS a; COMMIT; DELETE FROM canary', 'COMMIT; DROP TABLE canary'];
		const sink = {start: async () => {}, rows: async () => {}};
		for (const body of bodies) {
			const task = parseTaskFile('/x/writer.sql', header + body);
			for (const run of [() => runTask(pool, task, {}), () => streamTask(pool, task, {}, sink)]) {
				await assert.rejects(run(), (error: Error) => error instanceof UserError && error.message.startsWith('Task "writer" failed in the database: '), body);
				assert.deepEqual((await pool.query('SELECT x FROM canary')).rows, [{x: 1}], `${body}: the row is still there`);
			}
		}
	});
});

describe('secrets in messages and logs', () => {
	const SECRET = 'Sup3r-S3cret_pa55';
	const urls = [
		`postgres://alice:${SECRET}@127.0.0.1:1/nowhere`,
		`postgresql://alice:${SECRET}@localhost:1/nowhere?sslmode=disable`,
		`postgres://alice:${encodeURIComponent(`${SECRET}@:/`)}@127.0.0.1:1/x`,
		`postgres://alice:${SECRET}@@127.0.0.1:1/x`,
		`postgres://alice:p@${SECRET}@127.0.0.1:1/x`,
	];

	it('redactSecrets removes every password from connection strings in text', () => {
		for (const url of urls) {
			const text = `could not connect to ${url}: refused (again: ${url})`;
			const redacted = redactSecrets(text);
			assert.ok(!redacted.includes(SECRET) && !redacted.includes(encodeURIComponent(SECRET)), `${url} → ${redacted}`);
			assert.match(redacted, /alice:\*\*\*@/);
		}
	});

	it('the CLI never prints a password from --db or DATABASE_URL, nor writes it to its logs', async () => {
		const workdir = tempDir('openpolyedu-secrets-');
		for (const url of urls) {
			for (const [args, env] of [
				[['files', '--db', url, '--workdir', workdir], {}],
				[['ingest', '--db', url, '--workdir', workdir, path.join(projectRoot, 'test', 'fixtures', 'tasks', 'golden.log')], {}],
				[['run', 'learners', '--workdir', workdir], {DATABASE_URL: url}],
			] as const) {
				const result = await runCli([...args], {env});
				const where = `${args[0]} with ${url}`;
				assert.equal(result.code, 1, `${where}: fails`);
				assert.ok(!`${result.stdout}${result.stderr}`.includes(SECRET), `${where}: password not printed: ${result.stderr}`);
				assert.match(result.stderr, /Cannot reach the database at postgres(ql)?:\/\/alice:\*\*\*@/, `${where}: says which server, without its password`);
				assert.doesNotMatch(result.stderr, /\n\s+at /, `${where}: no stack trace`);
			}
		}
		for (const log of fs.existsSync(path.join(workdir, 'logs')) ? fs.readdirSync(path.join(workdir, 'logs')) : []) {
			assert.ok(!fs.readFileSync(path.join(workdir, 'logs', log), 'utf8').includes(SECRET), `${log} holds no password`);
		}
	});
});
