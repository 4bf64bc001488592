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
		assert.ok(task.sql.startsWith('SELECT :course'));
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
			'notes.txt': 'not a task',
		});
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
		]);
		assert.equal(catalogue.problems[0]!.file, path.join(dir, 'b-no-id.sql'));
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
			for (const task of catalogue.tasks) {
				assert.ok(task.description.length > 80, `${task.id} documents its definition`);
				if (task.chart) assert.match(task.sql, new RegExp(`\\b${task.chart.x}\\b`), `${task.id} chart column`);
			}
		} finally {
			process.chdir(previous);
		}
	});
});
