import assert from 'node:assert/strict';
import fs from 'node:fs';
import {pipeline} from 'node:stream/promises';
import {Readable} from 'node:stream';
import {after, describe, it} from 'node:test';
import {parse} from 'csv-parse/sync';
import pg from 'pg';
import {from as copyFrom} from 'pg-copy-streams';
import {clientConfig} from '../../ingest/db/database.js';
import {formatResult, loadTaskCatalogue, runTask, saveResult, type TaskDefinition} from '../../source/tasks/index.js';
import {createTestDatabase} from '../helpers/database.js';
import {tempDir} from '../helpers/temp-dir.js';

/**
 * What `run --save` / `--out` (and the app's save key, through the same writers) writes, read back by the readers a
 * researcher's script uses: JSON.parse, a CSV reader told which empty fields were quoted, and PostgreSQL's own COPY.
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

/** A CSV's cells as a reader told which fields were quoted reads them (csv-parse's context.quoting): an unquoted empty field is NULL. */
const csvCells = (csv: string) => parse(csv, {bom: true, cast: (value, context) => (value === '' && !context.quoting ? null : value)}) as Array<Array<string | null>>;

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
	it('csv: SQL NULL is an empty field and empty text a quoted "" (both were an empty field); numbers, JSON and the BOM as they were', async () => {
		const result = await runTask(pool, own, {});
		const saved = await saveResult(result, {format: 'csv', resultDir: tempDir('read-back-')});
		const csv = fs.readFileSync(saved.path, 'utf8');
		assert.deepEqual(csv.split('\n').slice(2), ['2,"",null,"""just text"""', '3,,,', '4,"x,""y""",[],{}', '']);
		assert.deepEqual(
			csvCells(csv).map((row) => row.slice(0, 2)),
			[['n', 'section'], ['1', 'ann'], ['2', ''], ['3', null], ['4', 'x,"y"']],
		);
		const excel = formatResult(result, 'csv', {bom: true});
		assert.equal(excel, `\uFEFF${csv}`, 'for Excel: the BOM before the same cells');
		// The header of an empty result stays as it was; a NULL in the last column ends its line with a comma.
		assert.equal(formatResult({...result, rows: []}, 'csv'), 'n,section,answers,extra\n');
	});

	it("csv: PostgreSQL's COPY … (FORMAT csv) reads the file back with its NULLs and its empty texts (its own convention)", async () => {
		const result = await runTask(pool, own, {});
		const client = await pool.connect();
		try {
			await client.query('CREATE TEMP TABLE back (n int, section text, answers jsonb, extra json)');
			await pipeline(Readable.from([formatResult(result, 'csv')]), client.query(copyFrom('COPY back FROM STDIN (FORMAT csv, HEADER true)')));
			const {rows} = await client.query(`SELECT n, section IS NULL AS null_section, section, answers::text, extra::text FROM back ORDER BY n`);
			const {rows: asked} = await client.query(`SELECT n, section IS NULL AS null_section, section, answers::text, extra::text FROM (${own.sql}) AS o ORDER BY n`);
			assert.deepEqual(rows, asked);
			assert.deepEqual(rows.map((row) => row.null_section), [false, false, true, false]);
		} finally {
			client.release();
		}
	});
});
