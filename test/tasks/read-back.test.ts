import assert from 'node:assert/strict';
import fs from 'node:fs';
import {after, describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {formatResult, loadTaskCatalogue, runTask, saveResult, type TaskDefinition} from '../../source/tasks/index.js';
import {createTestDatabase} from '../helpers/database.js';
import {tempDir} from '../helpers/temp-dir.js';

/**
 * What `run --save` / `--out` (and the app's save key, through the same writers) writes, read back by the readers a
 * researcher's script uses: JSON.parse.
 */
const url = await createTestDatabase('read_back');
const pool = new pg.Pool(clientConfig(url));
pool.on('error', () => {});
after(() => pool.end());

/** A task of one's own (queries/ is the installation's, so it is made here) whose columns are json, jsonb, text that is NULL or empty. */
const learners = (await loadTaskCatalogue()).tasks.find((task) => task.id === 'learners')!;
const own: TaskDefinition = {
	...learners,
	id: 'answers',
	parameters: [],
	sql: `SELECT * FROM (VALUES
		(1, 'ann', '{"answer": ["choice_1", "choice_2"], "score": 9007199254740993, "half": 0.50}'::jsonb, '{"b": 1,  "a": [true, null]}'::json),
		(2, '', 'null'::jsonb, '"just text"'::json),
		(3, NULL, NULL, NULL),
		(4, 'x,"y"', '[]'::jsonb, '{}'::json)
	) AS v(n, section, answers, extra) ORDER BY n`,
};

describe('a saved result read back', () => {
	it('json: a json or jsonb column is nested JSON (it was a string holding JSON), its numbers exact; SQL NULL is null', async () => {
		const result = await runTask(pool, own, {});
		assert.deepEqual(result.columns.map((column) => column.kind), ['number', 'text', 'json', 'json']);
		const saved = await saveResult(result, {format: 'json', resultDir: tempDir('read-back-')});
		const text = fs.readFileSync(saved.path, 'utf8');
		assert.deepEqual(JSON.parse(text), [
			{n: 1, section: 'ann', answers: {half: 0.5, score: 9007199254740992, answer: ['choice_1', 'choice_2']}, extra: {b: 1, a: [true, null]}},
			{n: 2, section: '', answers: null, extra: 'just text'},
			{n: 3, section: null, answers: null, extra: null},
			{n: 4, section: 'x,"y"', answers: [], extra: {}},
		]);
		// Every digit, as PostgreSQL keeps it (Python's json reads 9007199254740993 exactly; JSON.parse rounds it).
		assert.match(text, /"answers": \{"half": 0\.50, "score": 9007199254740993, "answer": \["choice_1", "choice_2"\]\}/);
	});

	it('csv and md keep the JSON text as PostgreSQL writes it, one cell', async () => {
		const result = await runTask(pool, own, {});
		const csv = formatResult(result, 'csv');
		assert.equal(csv.split('\n')[1], `1,ann,"{""half"": 0.50, ""score"": 9007199254740993, ""answer"": [""choice_1"", ""choice_2""]}","{""b"": 1,  ""a"": [true, null]}"`);
		assert.match(formatResult(result, 'md'), /^\| 1 \| ann \| \{"half": 0\.50, "score": 9007199254740993, "answer": \["choice_1", "choice_2"\]\} \| \{"b": 1, {2}"a": \[true, null\]\} \|$/m);
	});
});
