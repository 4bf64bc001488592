import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, it} from 'node:test';
import {loadTaskCatalogue, parseTaskFile, defaultQueriesDir} from '../../source/tasks/index.js';
import {namedParameters, toPositional} from '../../source/tasks/placeholders.js';
import {projectRoot} from '../helpers/shared.js';
import {tempDir} from '../helpers/temp-dir.js';

const GOOD = `-- id: my-task
-- title: My task
-- group: Custom
-- description: Counts things,
--   over two lines.
-- param: course | course | | Course id
-- param: idle | integer(1..240) | 30 | Idle cutoff
-- param: by | choice(a,b) | a | Grouping
-- param: who | user | required | Learner
-- chart: line x=day y=events,learners
-- sort: day desc
SELECT :course AS course, :idle AS idle, :by, :who, :course::text
`;

function folderWith(files: Record<string, string>): string {
	const dir = tempDir('queries-');
	for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
	return dir;
}

describe('task file header', () => {
	it('parses every field', () => {
		const task = parseTaskFile('/x/my-task.sql', GOOD);
		assert.equal(task.id, 'my-task');
		assert.equal(task.description, 'Counts things, over two lines.');
		assert.deepEqual(task.parameters, [
			{name: 'course', type: 'course', description: 'Course id'},
			{name: 'idle', type: 'integer', description: 'Idle cutoff', min: 1, max: 240, default: '30'},
			{name: 'by', type: 'choice', description: 'Grouping', choices: ['a', 'b'], default: 'a'},
			{name: 'who', type: 'user', description: 'Learner', required: true},
		]);
		assert.deepEqual(task.chart, {kind: 'line', x: 'day', y: ['events', 'learners']});
		assert.deepEqual(task.sort, {column: 'day', direction: 'desc'});
		assert.equal(task.key, undefined, 'no key: the app keeps the first column in sight');
		assert.ok(task.sql.startsWith('SELECT :course'));
	});

	it('a key names the columns that identify a row, commas between them', () => {
		const keyed = parseTaskFile('/x/my-task.sql', GOOD.replace('-- sort:', '-- key: username , course_id\n-- sort:'));
		assert.deepEqual(keyed.key, ['username', 'course_id']);
	});

	it('a planner line sets planner settings for the task, each named once', () => {
		const planned = parseTaskFile('/x/my-task.sql', GOOD.replace('-- sort:', '-- planner: parallel_tuple_cost=0, enable_hashagg = off\n-- sort:'));
		assert.deepEqual(planned.planner, {parallel_tuple_cost: '0', enable_hashagg: 'off'});
		assert.equal(parseTaskFile('/x/my-task.sql', GOOD).planner, undefined);
	});

	it('a heatmap names its rows\' label column and its cells\' columns, a range first..last among them', () => {
		const heatmap = parseTaskFile('/x/my-task.sql', GOOD.replace('chart: line x=day y=events,learners', 'chart: heatmap x=day y=events..learners'));
		assert.deepEqual(heatmap.chart, {kind: 'heatmap', x: 'day', y: ['events..learners']});
	});

	it('a line chart may add up the rows of the same x: a trailing "sum"', () => {
		const summed = parseTaskFile('/x/my-task.sql', GOOD.replace('y=events,learners', 'y=events,learners sum'));
		assert.deepEqual(summed.chart, {kind: 'line', x: 'day', y: ['events', 'learners'], sum: true});
		assert.equal(parseTaskFile('/x/my-task.sql', GOOD.replace('y=events,learners', 'y=sum')).chart?.sum, undefined, 'a column named sum is a column');
	});

	it('reports malformed files by name and still loads the others', async () => {
		const dir = folderWith({
			'a-good.sql': GOOD,
			'b-no-id.sql': GOOD.replace('-- id: my-task\n', ''),
			'c-bad-type.sql': GOOD.replace('integer(1..240)', 'float'),
			'd-undeclared.sql': GOOD.replace(':by,', ':missing,'),
			'e-duplicate.sql': GOOD,
			'f-bad-default.sql': GOOD.replace('| 30 |', '| thirty |'),
			'g-no-sql.sql': GOOD.split('SELECT')[0]!,
			'h-bad-id.sql': GOOD.replace('id: my-task', 'id: My Task'),
			'i-unused.sql': GOOD.replace('-- sort:', '-- param: spare | integer | 3 | Never read\n-- sort:'),
			'j-typo.sql': GOOD.replace('-- title:', '-- titel:'),
			'k-empty.sql': '',
			'l-bar.sql': GOOD.replace('chart: line', 'chart: bar'),
			'o-chart-word.sql': GOOD.replace('y=events,learners', 'y=events,learners total'),
			'p-bar-sum.sql': GOOD.replace('chart: line x=day y=events,learners', 'chart: bar x=day y=events sum'),
			'q-exact-with.sql': GOOD.replace('-- sort:', '-- exact-with: user\n-- sort:'),
			'r-line-range.sql': GOOD.replace('y=events,learners', 'y=events..learners'),
			's-heatmap-sum.sql': GOOD.replace('chart: line x=day y=events,learners', 'chart: heatmap x=day y=events..learners sum'),
			't-key-spaces.sql': GOOD.replace('-- sort:', '-- key: username course_id\n-- sort:'),
			'u-key-twice.sql': GOOD.replace('-- sort:', '-- key: username, day, username\n-- sort:'),
			'v-key-empty-name.sql': GOOD.replace('-- sort:', '-- key: username,,day\n-- sort:'),
			'w-planner-other.sql': GOOD.replace('-- sort:', '-- planner: transaction_read_only=off\n-- sort:'),
			'x-planner-twice.sql': GOOD.replace('-- sort:', '-- planner: enable_sort=off, enable_sort=on\n-- sort:'),
			'y-planner-form.sql': GOOD.replace('-- sort:', '-- planner: parallel_tuple_cost 0\n-- sort:'),
			'notes.txt': 'not a task',
		});
		fs.writeFileSync(path.join(dir, 'm-latin1.sql'), Buffer.from(GOOD.replace('My task', 'Mon t\u00e2che'), 'latin1'));
		fs.writeFileSync(path.join(dir, 'n-huge.sql'), `${GOOD}${'-- padding\n'.repeat(200_000)}`);
		fs.writeFileSync(path.join(dir, 'n-over.sql'), `${GOOD}${'-- padding\n'.repeat(95_400)}`);
		const catalogue = await loadTaskCatalogue(dir);
		assert.deepEqual(catalogue.tasks.map((task) => task.id), ['my-task']);
		const messages = catalogue.problems.map((problem) => problem.message);
		assert.deepEqual(messages, [
			'b-no-id.sql: the header has no "id:" line.',
			'c-bad-type.sql: parameter "idle" has unknown type "float" (known: text, course, user, video, problem, event-types, date, timezone, integer, number, boolean, choice).',
			'd-undeclared.sql: the SQL uses :missing, which no "param:" line declares.',
			'e-duplicate.sql: id "my-task" is already used by a-good.sql.',
			'f-bad-default.sql: its default: Parameter "idle" must be a whole number, not "thirty".',
			'g-no-sql.sql: there is no SQL after the header.',
			'h-bad-id.sql: id "My Task" must be kebab-case (lower-case letters and digits joined by -).',
			'i-unused.sql: parameter "spare" is declared, but the SQL never uses :spare.',
			'j-typo.sql: line 2 has the unknown key "titel:" (keys: id, title, group, description, param, chart, sort, key, exact-with, planner; indent a continuation line that starts with a word and a colon).',
			'k-empty.sql: the file is empty.',
			'l-bar.sql: "chart: bar x=day y=events,learners": a bar chart draws one column (y=events); a line chart draws several.',
			'm-latin1.sql: line 2 is not UTF-8 text; save the file as UTF-8.',
			'n-huge.sql: it is 2.1 MB; a task file is at most 1 MB.',
			'n-over.sql: it is 1.1 MB; a task file is at most 1 MB.',
			'o-chart-word.sql: "chart: line x=day y=events,learners total" must be "line|bar|heatmap x=column y=column[,column] [sum]".',
			'p-bar-sum.sql: "chart: bar x=day y=events sum": a bar chart draws each row as it is; "sum" adds up a line chart\'s rows of the same x.',
			'q-exact-with.sql: "exact-with: user" must name a parameter that a "param:" line declares.',
			'r-line-range.sql: "chart: line x=day y=events..learners": only a heatmap takes a range of columns (first..last).',
			's-heatmap-sum.sql: "chart: heatmap x=day y=events..learners sum": a heatmap chart draws each row as it is; "sum" adds up a line chart\'s rows of the same x.',
			't-key-spaces.sql: "key: username course_id" must be "column[,column…]".',
			'u-key-twice.sql: "key: username, day, username" names username twice.',
			'v-key-empty-name.sql: "key: username,,day" must be "column[,column…]".',
			'w-planner-other.sql: "planner: transaction_read_only=off": transaction_read_only is no planner setting (enable_…, …_cost, min_parallel_…_scan_size, effective_cache_size).',
			'x-planner-twice.sql: "planner: enable_sort=off, enable_sort=on" sets enable_sort twice.',
			'y-planner-form.sql: "planner: parallel_tuple_cost 0" must be "setting=value[, setting=value…]".',
		]);
		assert.equal(catalogue.problems[0]!.file, path.join(dir, 'b-no-id.sql'));
	});

	it('a BOM and CRLF line ends are read as plain UTF-8 lines', async () => {
		const catalogue = await loadTaskCatalogue(folderWith({'crlf.sql': `\uFEFF${GOOD.replaceAll('\n', '\r\n')}`}));
		assert.deepEqual(catalogue.problems, []);
		assert.deepEqual({...catalogue.tasks[0], file: ''}, {...parseTaskFile('', GOOD), file: ''});
	});

	it('an id belongs to the file named after it, whichever sorts first', async () => {
		const catalogue = await loadTaskCatalogue(folderWith({'aaa-copy.sql': GOOD, 'my-task.sql': GOOD.replace('My task', 'The original'), 'zzz-copy.sql': GOOD}));
		assert.deepEqual(catalogue.tasks.map((task) => [task.id, task.title, path.basename(task.file)]), [['my-task', 'The original', 'my-task.sql']]);
		assert.deepEqual(catalogue.problems.map((problem) => problem.message), [
			'aaa-copy.sql: id "my-task" is already used by my-task.sql.',
			'zzz-copy.sql: id "my-task" is already used by my-task.sql.',
		]);
	});

	it('a missing folder is a problem, not a crash', async () => {
		const missing = path.join(os.tmpdir(), 'no-such-queries-folder');
		const catalogue = await loadTaskCatalogue(missing);
		assert.deepEqual(catalogue.tasks, []);
		assert.deepEqual(catalogue.problems, [{file: missing, message: `${missing}: the task folder does not exist.`}]);
	});
});

describe('named placeholders', () => {
	it('skips strings, quoted identifiers, comments and casts', () => {
		const sql = `SELECT ':not' AS "x:y", :a::date, :b -- :c\n/* :d */ FROM t WHERE x = :a AND y = 'it''s :e'`;
		assert.deepEqual(namedParameters(sql), ['a', 'b']);
		const {text, names} = toPositional(sql, (name) => (name === 'a' ? 'date' : 'text'));
		assert.deepEqual(names, ['a', 'b']);
		assert.equal(text, `SELECT ':not' AS "x:y", $1::date::date, $2::text -- :c\n/* :d */ FROM t WHERE x = $1::date AND y = 'it''s :e'`);
	});
});

describe('the project catalogue', () => {
	it('loads from the package folder whatever the working directory, without problems', async () => {
		const previous = process.cwd();
		process.chdir(os.tmpdir());
		try {
			assert.equal(defaultQueriesDir, path.join(projectRoot, 'queries'));
			const catalogue = await loadTaskCatalogue();
			assert.deepEqual(catalogue.problems, []);
			const ids = catalogue.tasks.map((task) => task.id);
			for (const id of ['course-summary', 'learners', 'event-types', 'activity-by-day', 'video-plays-per-day', 'enrollment-over-time', 'time-on-course', 'enrolled-not-started', 'active-learners']) {
				assert.ok(ids.includes(id), id);
			}
			// A row per day and event type, day and page, day and learner: their charts draw each day's total, not its busiest row.
			assert.deepEqual(Object.fromEntries(catalogue.tasks.filter((task) => task.chart?.sum).map((task) => [task.id, task.chart])), {
				'activity-by-day': {kind: 'line', x: 'day', y: ['events'], sum: true},
				'page-visits-by-day': {kind: 'line', x: 'day', y: ['visits'], sum: true},
				'time-on-course-by-day': {kind: 'line', x: 'day', y: ['minutes'], sum: true},
			});
			for (const task of catalogue.tasks) {
				assert.ok(task.description.length > 80, `${task.id} documents its definition`);
				if (task.chart) assert.match(task.sql, new RegExp(`\\b${task.chart.x}\\b`), `${task.id} chart column`);
			}
		} finally {
			process.chdir(previous);
		}
	});
});
