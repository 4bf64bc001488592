import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import pg from 'pg';
import {cellText, columnPlaces} from '../../source/format.js';
import {formatResult, terminalTable} from '../../source/tasks/output.js';
import {queryTable} from '../../source/tasks/run.js';
import type {TaskResult} from '../../source/tasks/types.js';
import {clientConfig} from '../../ingest/db/database.js';
import {createTestDatabase} from '../helpers/database.js';

// Made at the top level: the helper drops it after this file's tests.
const url = await createTestDatabase('output_values');

describe('outputs of what a query gives', () => {
	const client = new pg.Client(clientConfig(url));
	// In UTC, as a task's session (timestamptz as ISO UTC).
	before(() => client.connect().then(() => client.query("SET TIME ZONE 'UTC'")));
	after(() => client.end());

	const result = async (sql: string): Promise<TaskResult> => ({taskId: 'mine', ...(await queryTable(client, sql)), parameters: {}, elapsedMs: 0});

	it('tell SQL NULL from an empty text, and from a text that reads <null>, in every format and in the app', async () => {
		// A learner with no section, one whose section is '', and sections named as NULL is shown.
		const sections = await result(`
			SELECT username, section, events FROM (VALUES
				(1, 'ann', NULL, 3), (2, 'bob', '', NULL), (3, 'cid', '<null>', 1), (4, 'dan', '"<null>"', 2),
				(5, 'eve', ' <null>', 4), (6, 'fay', 'NULL', 5)) AS t(n, username, section, events)
			ORDER BY n`);
		const table = terminalTable(sections).text;
		assert.equal(
			table,
			[
				'username  section     events',
				'--------  ----------  ------',
				'ann       <null>           3',
				'bob                   <null>',
				'cid       "<null>"         1',
				'dan       ""<null>""       2',
				'eve       " <null>"        4',
				'fay       NULL             5',
				'',
			].join('\n'),
		);
		assert.equal(
			formatResult(sections, 'md'),
			[
				'| username | section | events |',
				'| --- | --- | ---: |',
				'| ann | &lt;null> | 3 |',
				'| bob |  | &lt;null> |',
				'| cid | "&lt;null>" | 1 |',
				'| dan | ""&lt;null>"" | 2 |',
				'| eve | " &lt;null>" | 4 |',
				'| fay | NULL | 5 |',
				'',
			].join('\n'),
		);
		// The app's cells are the aligned table's.
		const places = columnPlaces(sections);
		assert.deepEqual(
			sections.rows.map((row) => row.map((value, index) => cellText(value, sections.columns[index]!.kind, places[index]))),
			[['ann', '<null>', '3'], ['bob', '', '<null>'], ['cid', '"<null>"', '1'], ['dan', '""<null>""', '2'], ['eve', '" <null>"', '4'], ['fay', 'NULL', '5']],
		);
		// The files keep each value as it is.
		assert.equal(formatResult(sections, 'csv'), 'username,section,events\nann,,3\nbob,"",\ncid,<null>,1\ndan,"""<null>""",2\neve, <null>,4\nfay,NULL,5\n');
		assert.deepEqual(
			JSON.parse(formatResult(sections, 'json')).map((row: {section: string | null}) => row.section),
			[null, '', '<null>', '"<null>"', ' <null>', 'NULL'],
		);
	});

	it('write an array column as a JSON array of its elements in their kinds, and as PostgreSQL writes it in CSV, Markdown and the tables', async () => {
		const arrays = await result(String.raw`
			SELECT 'ann' AS username, ARRAY['a', 'b c', NULL, '', 'NULL', 'x,"y"\z'] AS words, ARRAY[1, NULL, 3] AS ints,
				ARRAY[9007199254740993] AS big, ARRAY[1.50, 'NaN'] AS decimals, ARRAY['Infinity', 0.5]::float8[] AS floats,
				ARRAY[true, false, NULL] AS flags, ARRAY['{"a": [1, 2.50]}', 'null', '"s"', NULL]::jsonb[] AS docs,
				ARRAY[[1, 2], [3, 4]] AS grid, ARRAY['2024-01-02 03:04:05.5+00'::timestamptz, NULL] AS times,
				ARRAY[date '2024-01-02'] AS days, '{}'::text[] AS none, NULL::text[] AS missing, '[0:1]={7,8}'::int[] AS shifted`);
		const json = formatResult(arrays, 'json');
		assert.equal(
			json,
			String.raw`[
  {
    "username": "ann",
    "words": ["a", "b c", null, "", "NULL", "x,\"y\"\\z"],
    "ints": [1, null, 3],
    "big": [9007199254740993],
    "decimals": [1.50, "NaN"],
    "floats": ["Infinity", 0.5],
    "flags": [true, false, null],
    "docs": [{"a": [1, 2.50]}, null, "s", null],
    "grid": [[1, 2], [3, 4]],
    "times": ["2024-01-02T03:04:05.5Z", null],
    "days": ["2024-01-02"],
    "none": [],
    "missing": null,
    "shifted": [7, 8]
  }
]
`,
		);
		assert.deepEqual(JSON.parse(json)[0].words, ['a', 'b c', null, '', 'NULL', 'x,"y"\\z']);
		const words = {...arrays, columns: arrays.columns.slice(0, 3), rows: arrays.rows.map((row) => row.slice(0, 3))};
		assert.equal(formatResult(words, 'csv'), String.raw`username,words,ints
ann,"{a,""b c"",NULL,"""",""NULL"",""x,\""y\""\\z""}","{1,NULL,3}"
`);
		assert.equal(formatResult(words, 'md'), String.raw`| username | words | ints |
| --- | --- | --- |
| ann | {a,"b c",NULL,"","NULL","x,\\"y\\"\\\\z"} | {1,NULL,3} |
`);
		assert.equal(terminalTable(words).text, String.raw`username  words                                  ints
--------  -------------------------------------  ----------
ann       {a,"b c",NULL,"","NULL","x,\"y\"\\z"}  {1,NULL,3}
`);
	});
});
