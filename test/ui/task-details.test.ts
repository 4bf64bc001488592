import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseTaskFile} from '../../source/tasks/index.js';
import {stringWidth} from '../../source/ui/lib/columns.js';
import {detailsView, taskDetailLines} from '../../source/ui/lib/task-details.js';
import {scrolledTop, shownTop} from '../../source/ui/state/list-cursor.js';

/** A user's own task: a long description over several comment lines, twelve parameters of every kind, a summed chart, a sort and exact-with. */
const DESCRIPTION_WORDS = Array.from({length: 60}, (_, index) => `word${index}`);
const OWN_TASK = [
	'-- id: my-long-task',
	'-- title: A task of my own whose title is longer than a narrow terminal is wide',
	'-- group: Mine',
	`-- description: Counts what I need. ${DESCRIPTION_WORDS.slice(0, 30).join(' ')}`,
	`--   ${DESCRIPTION_WORDS.slice(30).join(' ')} and an id course-v1:spbstu+PHYLOS+fall_2018_with_a_long_tail_that_fits_no_line.`,
	'-- param: course | course | | Course id (empty: the only course, or all courses together)',
	'-- param: user | user | | Learner username (empty: all learners)',
	'-- param: from | date | | First day, inclusive',
	'-- param: to | date | | Last day, inclusive (empty: no limit)',
	'-- param: tz | timezone | UTC | Time zone for days',
	'-- param: min_minutes | integer(0..10000) | 1 | Leave out learners below this',
	'-- param: mode | choice(fast,exact,both) | exact | How to count',
	'-- param: ratio | number | 0.5 | A share',
	'-- param: types | event-types | play_video,pause_video | Event types to count',
	'-- param: only_active | boolean | false | Active learners only',
	'-- param: label | text | required | A label',
	'-- param: video | video | | A video id',
	'-- exact-with: user',
	'-- chart: line x=day y=events,learners sum',
	'-- sort: events desc',
	'SELECT :course::text, :user::text, :from::date, :to::date, :tz::text, :min_minutes, :mode, :ratio, :types, :only_active, :label, :video',
].join('\n');

const ownTask = () => parseTaskFile('/home/me/queries/my-long-task.sql', OWN_TASK);
const texts = (width: number) => taskDetailLines(ownTask(), width).map((line) => line.text);

test("a task's details say all its definition holds: title, group, file, the whole description, each parameter, sort, chart, exact-with", () => {
	const lines = texts(80);
	const joined = lines.join('\n');
	const flat = lines.map((line) => line.trim()).join(' ');
	assert.equal(lines[0], 'A task of my own whose title is longer than a narrow terminal is wide');
	assert.ok(lines.includes('Group: Mine'));
	assert.ok(lines.includes('File: /home/me/queries/my-long-task.sql'));
	// The description whole, every word in order, over as many lines as it takes (the menu showed "Counts what I need.").
	const start = lines.indexOf('What it counts') + 1;
	const end = lines.indexOf('', start);
	assert.equal(lines.slice(start, end).map((line) => line.trim()).join(' '), ownTask().description);
	assert.ok(end - start >= 6, `several lines: ${end - start}`);
	assert.ok(lines.includes('Parameters (12)'));
	assert.ok(lines.includes('  min_minutes · integer · default 1 · from 0 to 10000'), joined);
	assert.ok(lines.includes('    Leave out learners below this'));
	assert.ok(lines.includes('  mode · choice · default exact · one of fast, exact, both'));
	assert.ok(lines.includes('  label · text · required'));
	assert.ok(lines.includes('  video · video · no default'));
	assert.ok(lines.includes("  tz · timezone · default UTC (the form starts with the database's day zone)"));
	assert.ok(lines.includes('    First day, inclusive (YYYY-MM-DD)'), 'how a date is written, as the form says it');
	// After a description that ends in a parenthesis, in it: "(empty: no limit) (YYYY-MM-DD)" read as two asides.
	assert.ok(lines.includes('    Last day, inclusive (empty: no limit; YYYY-MM-DD)'), joined);
	assert.ok(lines.includes('    Learner username (empty: all learners; Ctrl-L lists them)'), joined);
	assert.ok(lines.includes('  Rows sorted by events, descending.'));
	assert.match(flat, /Chart \(c on the result\): lines of events, learners along day, the rows of the same day added up\./);
	assert.match(flat, /Exact times with user: given a user, the answer puts events in hours and days by/);
	// The parameters' names are bold, each exactly.
	const bold = taskDetailLines(ownTask(), 80).filter((line) => line.bold).map((line) => line.text.slice(0, line.bold).trim());
	assert.deepEqual(bold, ownTask().parameters.map((parameter) => parameter.name));
});

test('no line of the details is wider than the screen, at 80, 60, 40 and 20 columns; narrow screens drop the indent', () => {
	for (const width of [80, 60, 40, 20]) {
		for (const line of texts(width)) assert.ok(stringWidth(line) <= width, `${width}: ${line}`);
	}
	assert.ok(texts(40).includes('  Rows sorted by events, descending.'), 'indented at 40 columns');
	assert.ok(texts(20).includes('Rows sorted by'), 'not at 20');
	// A word longer than the line is broken, not lost: the course id is all there.
	assert.match(texts(40).map((line) => line.trim()).join(''), /course-v1:spbstu\+PHYLOS\+fall_2018_with_a_long_tail_that_fits_no_line\./);
});

test("a task with no parameters, chart or sort says so; a user file's control characters are not sent to the terminal", () => {
	const bare = parseTaskFile('/q/bare.sql', '-- id: bare\n-- title: Bare\u001B[2J\n-- group: G\n-- description: Counts\u0007 nothing.\nSELECT 1');
	const lines = taskDetailLines(bare, 80).map((line) => line.text);
	assert.deepEqual(lines.slice(0, 2), ['Bare\uFFFD[2J', 'Group: G']);
	assert.ok(lines.includes('  Counts\uFFFD nothing.'));
	assert.ok(lines.includes('Parameters: none'));
	assert.deepEqual(lines.slice(lines.indexOf('Result')), ['Result', '  Rows in the order the SQL gives them (the header declares no sort).']);
});

test("a task's key columns are said after its sort", () => {
	const keyed = parseTaskFile('/q/keyed.sql', '-- id: keyed\n-- title: Keyed\n-- group: G\n-- description: Counts.\n-- sort: events desc\n-- key: username, course_id\nSELECT 1');
	const lines = taskDetailLines(keyed, 80).map((line) => line.text);
	assert.deepEqual(lines.slice(lines.indexOf('Result')), ['Result', '  Rows sorted by events, descending.', '  Kept in sight at the left when the table scrolls right: username, course_id.']);
});

test('the details view shows the lines that fit under its top line, and says which when not all do', () => {
	const all = taskDetailLines(ownTask(), 80);
	const view = detailsView(ownTask(), 0, 80, 22);
	assert.equal(view.lines.length, 21);
	assert.equal(view.position, ` · lines 1–21 of ${all.length}`);
	assert.equal(view.name, 'Task my-long-task');
	// Scrolled past the end (a resize made the text shorter): the last page, full.
	const end = detailsView(ownTask(), 500, 80, 22);
	assert.deepEqual([end.start, end.lines.at(-1)], [all.length - 21, all.at(-1)]);
	// At 40×10 the id gives way to the position, within 40 columns.
	const narrow = detailsView(ownTask(), 3, 40, 8);
	assert.ok(stringWidth(narrow.name + narrow.position) <= 40, narrow.name + narrow.position);
	assert.match(narrow.position, /^ · lines 4–10 of \d+$/);
	// All of it fits: no position.
	assert.equal(detailsView(ownTask(), 0, 80, 200).position, '');
});

test('a scrolled text stops at its last full page; from a top a resize left past it, ↑ moves what is shown', () => {
	assert.equal(scrolledTop(0, 30, 10, {type: 'page', by: 1}), 10);
	assert.equal(scrolledTop(15, 30, 10, {type: 'page', by: 1}), 20);
	assert.equal(scrolledTop(0, 30, 10, {type: 'bottom'}), 20);
	assert.equal(scrolledTop(0, 5, 10, {type: 'move', by: 1}), 0, 'a text that fits does not move');
	assert.equal(shownTop(25, 30, 10), 20);
	assert.equal(scrolledTop(25, 30, 10, {type: 'move', by: -1}), 19, 'the help went to 20 (its old top clamped): the last page, unmoved');
});
