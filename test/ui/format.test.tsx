import assert from 'node:assert/strict';
import {test} from 'node:test';
import {addedUp, axisRange, captionLines, chartLines, orderAlong, placePoints, plotLines, roundAxis, toggledSeries, viewChartLines, wholeAxis, xPositions, xStep} from '../../source/ui/lib/chart.js';
import {createTableState, tableReducer, type Cell, type TableAction} from '../../source/ui/state/table-state.js';
import type {ChartSpec, TaskResult} from '../../source/tasks/types.js';
import {cappedWidths, columnLayout, fitCell, keepsEnd, keyColumns, naturalWidths, pinnedWidths, stringWidth} from '../../source/ui/lib/columns.js';
import path from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import {cellText, dayZonesText, loadPercent, terminalSafe, timestampText, wrapLines, wrapProse} from '../../source/format.js';
import {bar, clock, displayPath, percent, shortPath, sparkline, thousands} from '../../source/ui/lib/format.js';
import {render} from 'ink-testing-library';
import {CourseScreen} from '../../source/ui/screens/form-screens.js';
import {result, tasks} from './fixtures.js';
import {filteredList} from '../../source/ui/state/filtered-list.js';

test('figures: separators, clock with unknown as --:--, bars and sparklines of a fixed width', () => {
	assert.equal(thousands(1234567.4), '1,234,567');
	assert.equal(clock(undefined), '--:--');
	assert.equal(clock(Number.POSITIVE_INFINITY), '--:--');
	assert.equal(clock(3723), '1:02:03');
	assert.equal(percent(1, 3), ' 33%');
	assert.equal(percent(5, 0), '  ?%');
	assert.equal(bar(1, 4, 8), '██░░░░░░');
	assert.equal(bar(9, 4, 4), '████', 'never more than full');
	// To the eighth of a cell: an 18 GB log's first 60 MB move a bar of 44 cells, and 99 % of 8 cells is no full bar.
	assert.equal(bar(60e6, 18e9, 44), `▏${'░'.repeat(43)}`);
	assert.equal(bar(99, 100, 8), '███████▉');
	assert.equal(bar(1, 3, 10), '███▎░░░░░░');
	assert.equal(sparkline([0, 1, 2, 4, 8], 4), '▁▂▄█', 'the last values, scaled to their maximum');
	assert.equal(sparkline([0, 0], 5), '▁▁');
});

test('a load’s share done: to a tenth below 10 %, never 0.0 % once a byte is done, never 100 % before the last one', () => {
	const GB = 1e9;
	// An 18 GB log: in whole percent it said 0 % through its first 180 MB while its bar moved.
	assert.equal(loadPercent(0, 18 * GB), '0%');
	assert.equal(loadPercent(1, 18 * GB), '0.1%', 'a byte counted is no 0.0 %');
	assert.equal(loadPercent(16e6, 18 * GB), '0.1%');
	assert.equal(loadPercent(72e6, 18 * GB), '0.4%');
	assert.equal(loadPercent(180e6, 18 * GB), '1.0%');
	assert.equal(loadPercent(1.7999e9, 18 * GB), '9.9%', 'floored: 9.99 % is no 10.0 %');
	assert.equal(loadPercent(1.8e9, 18 * GB), '10%');
	assert.equal(loadPercent(18 * GB - 1, 18 * GB), '99%', 'one byte short of the end');
	assert.equal(loadPercent(18 * GB, 18 * GB), '100%');
	assert.equal(loadPercent(0, 0), '100%', 'nothing to read is done');
	// The load screen's bars: the same figures in four columns, and "?%" of an unknown size.
	assert.equal(percent(72e6, 18 * GB), '0.4%');
	assert.equal(percent(0, 18 * GB), '  0%');
	assert.equal(percent(5, 0), '  ?%');
});

test('paths inside the current folder are shown relative to it, others as they are', () => {
	assert.equal(displayPath(path.join(process.cwd(), 'input', 'a.log')), path.join('input', 'a.log'));
	const outside = path.resolve(process.cwd(), '..', 'elsewhere.log');
	assert.equal(displayPath(outside), outside);
});

test('a path cut to fit keeps the file\'s name, and its folders, cut, or "…/" where not 4 cells are left for them', () => {
	const daily = path.join('input', '2018', 'tracking.log-20181019.gz');
	assert.equal(shortPath(daily, 40), daily);
	assert.equal(shortPath(daily, 30), `inp…8${path.sep}tracking.log-20181019.gz`);
	// 2 or 3 cells for the folders: the name whole after the marker (it was the name alone, as if in the current folder).
	assert.equal(shortPath(daily, 27), `…${path.sep}tracking.log-20181019.gz`);
	assert.equal(shortPath(daily, 26), `…${path.sep}tracking.log-20181019.gz`);
	// Narrower, the name is cut in its middle after the marker, down to a cell of it.
	assert.equal(shortPath(daily, 12), `…${path.sep}track…9.gz`);
	assert.equal(shortPath(daily, 3), `…${path.sep}…`);
	// A file of the current folder has no folder to mark.
	assert.equal(shortPath('tracking.log-20181019.gz', 12), 'tracki…19.gz');
});

test('cells: integers with separators, decimals to 3 places, NULL as <null>', () => {
	assert.equal(cellText(1234567), '1,234,567');
	assert.equal(cellText(-1234), '-1,234');
	assert.equal(cellText(2.5), '2.5');
	assert.equal(cellText(-1234.56789), '-1,234.568');
	assert.equal(cellText(4.1, 'number', 2), '4.10', "a column's places");
	assert.equal(cellText(2.5, 'number', 0), '2.5', 'a row past those the places were taken from keeps its own (it was rounded: "3")');
	assert.equal(cellText(1583, 'number', 1), '1,583.0');
	assert.equal(cellText(-0.25, 'number', 3), '-0.250');
	assert.equal(cellText(100119, 'id'), '100119', 'an identifier, not a count');
	assert.equal(cellText(null), '<null>');
	assert.equal(cellText(true), 'true');
});

test('timestamps are shown to the second, whatever fraction PostgreSQL printed', () => {
	assert.equal(cellText('2024-03-01 15:09:38.731565', 'timestamp'), '2024-03-01 15:09:38');
	assert.equal(cellText('2024-03-01 04:42:02.36468', 'timestamp'), '2024-03-01 04:42:02');
	assert.equal(cellText('2024-03-01 03:32:22', 'timestamp'), '2024-03-01 03:32:22');
	assert.equal(cellText('2024-03-01T03:32:22.5Z', 'timestamp'), '2024-03-01 03:32:22 UTC', 'timestamptz says it is UTC');
	assert.equal(cellText('2024-03-01 15:09:38.731565', 'text'), '2024-03-01 15:09:38.731565', 'only timestamp columns');
	assert.equal(timestampText('infinity'), 'infinity');
});

test('cells are padded or cut to exactly their width, CJK counted double, numbers on the right', () => {
	assert.equal(fitCell('abc', 5, false), 'abc  ');
	assert.equal(fitCell('42', 5, true), '   42');
	assert.equal(fitCell('a long value', 6, false), 'a lon…');
	assert.equal(stringWidth(fitCell('日本語のテキスト', 7, false)), 7);
	assert.equal(fitCell('two\nlines', 9, false), 'two lines', 'newlines flattened');
});

test('a cell cut where a wide character straddles its last cell keeps its width: "学生王小…" took 9 cells of 8 and pushed the next columns', () => {
	for (const text of ['学生王小明学生王小明', 'Иван😀Петров и 😀😀', 'https://example.org/课程/第一章/第二节']) {
		for (let width = 1; width <= 12; width++) assert.equal(stringWidth(fitCell(text, width, false)), width, `${text} in ${width}`);
	}
});

test('a cell or course id from the data cannot drive the terminal: its control characters show as U+FFFD', () => {
	// ESC[2J cleared the app's screen, SO switched the charset of everything after it.
	assert.equal(fitCell('x\u001b[2J\u000ey\u0007\u009b1m', 12, false), 'x\ufffd[2J\ufffdy\ufffd\ufffd1m ');
	assert.equal(terminalSafe('line 1\nline\t2\r\u001b]0;title\u0007'), 'line 1\nline\t2\ufffd\ufffd]0;title\ufffd', 'line breaks and tabs are the caller\'s');
	const {lastFrame, unmount} = render(<CourseScreen task={tasks[0]!} choices={['course-v1:X+\u001b[2J+1', undefined]} list={filteredList(0)} courses={[]} width={60} rows={5} />);
	try {
		assert.ok(!lastFrame()!.includes('\u001b[2J') && lastFrame()!.includes('course-v1:X+\ufffd[2J+1'));
	} finally {
		unmount();
	}
});

test('widths: measured once from header and rows, capped at max(20, half the screen); columns that fit', () => {
	const natural = naturalWidths(result([['x'.repeat(70), 12345]]));
	assert.deepEqual(natural, [70, 7], 'header + 1 for the sort mark');
	assert.deepEqual(cappedWidths(natural, 80), [40, 7]);
	assert.deepEqual(cappedWidths(natural, 30), [20, 7]);
	const shown = (widths: number[], left: number, page: number) => columnLayout(widths, left, page).columns.map(({index, width}) => `${index}:${width}`);
	assert.deepEqual(shown([40, 6, 30], 0, 80), ['0:40', '1:6', '2:30'], 'exactly fitting');
	assert.deepEqual(shown([90, 6], 0, 80), ['0:78'], 'at least one column, cut to the room left beside the "›"');
	assert.deepEqual(shown([60, 6, 30], 1, 80), ['0:40', '1:6', '2:30'], 'scrolled, a first column wider than half the page is pinned cut to half');
});

test('the column layout uses the width: a column that does not fit whole is cut to the room left, not hidden', () => {
	// learner-path at 80 columns: step, session, time, url (capped at 39), name.
	const layout = columnLayout([5, 8, 26, 39, 24], 0, 79);
	assert.deepEqual(layout.columns, [{index: 0, width: 5}, {index: 1, width: 8}, {index: 2, width: 26}, {index: 3, width: 32}]);
	assert.equal(layout.hiddenRight, true);
	assert.equal(layout.hiddenLeft, false);
	const line = layout.columns.reduce((sum, column) => sum + column.width, 0) + 2 * (layout.columns.length - 1) + 2;
	assert.equal(line, 79, 'cells, gaps and " ›" fill the page exactly');
	assert.deepEqual(columnLayout([5, 8, 19, 39], 0, 79).columns.at(-1), {index: 3, width: 39}, 'the last column fits without room for a "›"');
	assert.deepEqual(columnLayout([30, 30, 20], 0, 70).columns.map((column) => column.index), [0, 1], 'less than 10 cells left: not worth showing');
});

test('scrolled right, the label column stays pinned with a "‹" before the scrolled columns', () => {
	const widths = [9, 12, 12, 12, 12, 12, 12, 12];
	const layout = columnLayout(widths, 4, 60);
	assert.deepEqual(layout.columns.map((column) => column.index), [0, 4, 5, 6]);
	assert.equal(layout.hiddenLeft, true);
	assert.equal(layout.hiddenRight, true);
	assert.equal(columnLayout(widths, 1, 60).hiddenLeft, false, 'nothing hidden between the pinned column and column 1');
	const wide = columnLayout([30, 12, 12, 12], 2, 60);
	assert.deepEqual(wide.columns, [{index: 0, width: 30}, {index: 2, width: 12}, {index: 3, width: 12}], 'a first column of half the page stays too (over a third, it scrolled away)');
	assert.equal(wide.hiddenLeft, true);
});

test("the task's key columns stay pinned when scrolled right, cut alike to at most half the page", () => {
	// learner-summary at 80 columns (77 cells): username, a 34-cell course id, then 20 columns of figures.
	const widths = [13, 34, 8, 6, 20, 7, ...Array.from({length: 16}, () => 9)];
	const layout = columnLayout(widths, 10, 77, [0, 1]);
	assert.deepEqual(layout.columns.slice(0, 3), [{index: 0, width: 13}, {index: 1, width: 23}, {index: 10, width: 9}], 'the short username whole, the course id cut to the rest of half the page');
	assert.equal(layout.pinned, 2);
	assert.equal(layout.hiddenLeft, true);
	assert.equal(layout.hiddenRight, true);
	const line = layout.columns.reduce((sum, column) => sum + column.width + 2, -2) + 2 + 2;
	assert.ok(line <= 77, `the line fits: ${line}`);
	assert.deepEqual(columnLayout(widths, 0, 77, [0, 1]).pinned, 0, 'not scrolled: nothing pinned, every column in its place');
	assert.deepEqual(columnLayout(widths, 1, 77, [0, 1]).columns.slice(0, 2), [{index: 0, width: 13}, {index: 1, width: 34}], 'scrolled by one: the username pinned, the course id in its place');
	// A key column that is not among the first: pinned once it scrolls out, in the result's order.
	const later = columnLayout([10, 10, 10, 10, 10, 10], 3, 60, [1, 4]);
	assert.deepEqual(later.columns.map((column) => column.index), [1, 3, 4, 5]);
	assert.equal(later.pinned, 1);
	assert.deepEqual(columnLayout([10, 10, 10, 10, 10, 10], 5, 60, [1, 4]).columns.map((column) => column.index), [1, 4, 5]);
});

test('pinned key columns: the widest cut first, the last left out when too narrow; a narrow screen keeps room to scroll', () => {
	assert.deepEqual(pinnedWidths([8, 33], 38), [8, 28]);
	assert.deepEqual(pinnedWidths([20, 34], 38), [18, 18]);
	assert.deepEqual(pinnedWidths([30, 30, 30], 32), [9, 9, 9]);
	assert.deepEqual(pinnedWidths([30, 30, 30], 20), [9, 9], 'three would get 5 cells each');
	assert.deepEqual(pinnedWidths([12, 33], 13), [12], 'at 30 columns, a whole username rather than "Анна…" and "…2018"');
	assert.deepEqual(pinnedWidths([30, 30, 30], 10), [10]);
	assert.deepEqual(pinnedWidths([30], 5), [5]);
	assert.deepEqual(pinnedWidths([30], 0), []);
	// A key as wide as the screen (a URL), at 80 columns: cut to half, the rest scrolls.
	const url = columnLayout([76, 10, 10, 10], 2, 77, [0]);
	assert.deepEqual(url.columns, [{index: 0, width: 38}, {index: 2, width: 10}, {index: 3, width: 10}]);
	// 20 columns (17 cells for the table): the key cut to 5 cells, 6 left for the scrolled column beside "‹" and "›".
	const narrow = columnLayout([9, 7, 7, 7], 2, 17, [0]);
	assert.deepEqual(narrow.columns, [{index: 0, width: 5}, {index: 2, width: 6}]);
	assert.ok(narrow.hiddenLeft && narrow.hiddenRight);
	// The narrowest table (10 cells): no room to pin anything.
	assert.deepEqual(columnLayout([9, 7, 7], 2, 10, [0]).columns, [{index: 2, width: 7}]);
	// One column: nothing to scroll, nothing pinned, no marker.
	assert.deepEqual(columnLayout([12], 0, 17, [0]), {columns: [{index: 0, width: 12}], pinned: 0, hiddenLeft: false, hiddenRight: false});
});

test("key columns by name: the header's in the result's order, the names it lacks, else the first column", () => {
	const columns = [{name: 'username'}, {name: 'course_id'}, {name: 'events'}];
	assert.deepEqual(keyColumns(['course_id', 'username'], columns), {indices: [0, 1], missing: []});
	assert.deepEqual(keyColumns(['usernme', 'course_id'], columns), {indices: [1], missing: ['usernme']});
	assert.deepEqual(keyColumns(['usernme'], columns), {indices: [0], missing: ['usernme']});
	assert.deepEqual(keyColumns(undefined, columns), {indices: [0], missing: []});
	assert.deepEqual(keyColumns(undefined, []), {indices: [], missing: []});
});

test('URL-like cells keep their end, which tells them apart; other text is cut at the end', () => {
	const url = 'https://courses.openedu.ru/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/d1b8dc32/3616154e/1';
	assert.equal(fitCell(url, 20, false), '…d1b8dc32/3616154e/1');
	assert.ok(keepsEnd('block-v1:spbstu+PHYLOS+fall_2018+type@vertical+block@abc'));
	assert.ok(keepsEnd('/courses/x/y'));
	// The corpus's problem parts and videos: i4x-edX-Open_DemoX-problem-a0effb95…_2_1 and …_3_1 differ at the end only.
	assert.equal(fitCell('i4x-edX-Open_DemoX-problem-a0effb954cca4759994f1ac9e9434bf4_3_1', 20, false), '…94f1ac9e9434bf4_3_1');
	// Old course ids of one org and course differ at their end (the corpus's edX/DemoX/Demo_Course and …_2): cut at the
	// end, a course column read edX/DemoX/Demo_Cou… for both.
	assert.equal(fitCell('edX/DemoX/Demo_Course_2', 12, false), '…mo_Course_2');
	assert.ok(!keepsEnd('1.1 Лабораторная работа'));
	assert.ok(!keepsEnd('a/b c/d'), 'text with spaces is no course id');
	assert.ok(!keepsEnd('see https://example.org/a for details'), 'prose mentioning a URL reads from its start');
	assert.equal(fitCell('a long value', 6, false), 'a lon…');
});

test("a line chart of 332k rows (time-on-course-by-day at 10M events) is drawn: 'Maximum call stack size exceeded' before", () => {
	const rows = Array.from({length: 332_000}, (_, index) => [`2018-${String(9 + Math.floor(index / 83_000)).padStart(2, '0')}-01`, (index % 97) / 10] as [string, number]);
	const line = chartLines({columns: [{name: 'day', kind: 'date'}, {name: 'minutes', kind: 'number'}], rows}, {kind: 'line', x: 'day', y: ['minutes']}, 80, 12);
	assert.equal(line.length, 12);
	// The legend and its notes on two lines (the notes were cut).
	assert.deepEqual(line.slice(-2).map((text) => stripVTControlCharacters(text).trim()), ['minutes by day · several rows a column: the highest drawn', 'a break: no rows for those day values']);
	// The plot of the highest of each column's rows (~4,000 of them), 0 to 9.6: round ticks 2.5 apart, two rows each.
	assert.deepEqual(line.slice(0, -3).map((text) => stripVTControlCharacters(text).split(/[┤┼]/)[0]!.trim()), ['10.0', '', '7.5', '', '5.0', '', '2.5', '', '0.0']);
});

test('charts fit the space they are given', () => {
	const days = Array.from({length: 400}, (_, index) => [`2024-01-${String(index).padStart(3, '0')}`, index % 50] as [string, number]);
	const line = chartLines({columns: [{name: 'day', kind: 'date'}, {name: 'events', kind: 'number'}], rows: days}, {kind: 'line', x: 'day', y: ['events']}, 60, 10);
	assert.equal(line.length, 10, 'plot, axis and legend lines fill the height exactly');
	for (const text of line) assert.ok(stringWidth(text) <= 60, `"${text}" wider than 60`);
	assert.match(stripVTControlCharacters(line.at(-1) ?? ''), /events by day/);
	const three = [['play_video', 5], ['pause_video', 2], ['problem_check', 1]] as Array<[string, number]>;
	const bars = chartLines(result(three), {kind: 'bar', x: 'event_type', y: ['events']}, 40, 3);
	// As many rows as lines: all of them (two and "… 1 more row" before).
	assert.deepEqual(bars.map((line) => line.split(' ')[0]), ['play_video', 'pause_video', 'problem_check']);
	assert.match(bars[0] ?? '', /^play_video +█+ 5$/);
	const more = chartLines(result([...three, ['seek_video', 1]]), {kind: 'bar', x: 'event_type', y: ['events']}, 40, 3);
	assert.deepEqual(more.map((line) => line.split(' ')[0]), ['play_video', 'pause_video', '…']);
	assert.equal(more[2], '… 2 more rows');
	assert.match(chartLines(result([]), {kind: 'bar', x: 'nope', y: ['events']}, 40, 5)[0] ?? '', /needs columns nope/);
	// A number kept as text, as a double cannot hold it, gets its bar, drawn to the nearest double (it had none, and 0).
	const huge = chartLines(result([['a', '90071992547409930'], ['b', 45035996273704960]]), {kind: 'bar', x: 'event_type', y: ['events']}, 60, 3);
	const bar = (line = '') => line.split('█').length - 1;
	assert.match(huge[0] ?? '', /^a █+ 90,071,992,547,409,940$/);
	assert.equal(bar(huge[0]), 2 * bar(huge[1]));
});

test("a bar chart's labels are cut as the table's cells: URLs of one course keep the ends that tell them apart", () => {
	const prefix = '/courses/edX/Open_DemoX/edx_demo_course/xblock/i4x:;_;_edX;_Open_DemoX;_problem;_';
	const pages = result([[`${prefix}d2e35c1d294b4ba0b3b1048615605d2a/handler/xmodule_handler/problem_check`, 17], [`${prefix}c554538a57664fac80783b99d9d6da7c/handler/xmodule_handler/goto_position`, 12], ['page_close', 9]]);
	const labels = chartLines(pages, {kind: 'bar', x: 'event_type', y: ['events']}, 80, 4).map((line) => line.slice(0, Math.floor(80 / 3)));
	// They were cut at the end: "/courses/edX/Open_DemoX/ed" twice.
	assert.deepEqual(labels, ['…ule_handler/problem_check', '…ule_handler/goto_position', 'page_close'.padEnd(26)]);
});

test('a line chart labels its y-axis with the decimals that keep its rows apart: 0 to 4 over 6 rows read "4, 3, 3, 2, 1, 1, 0"; whole numbers get a row each', () => {
	const days = [['2014-05-02', 2], ['2014-05-16', 1], ['2014-06-12', 1], ['2014-06-19', 4], ['2014-07-21', 0]] as Array<[string, number]>;
	const lines = chartLines({columns: [{name: 'day', kind: 'date'}, {name: 'active', kind: 'number'}], rows: days}, {kind: 'line', x: 'day', y: ['active']}, 80, 9);
	const labels = lines.slice(0, -2).map((line) => stripVTControlCharacters(line).split(/[┤┼]/)[0]!.trim());
	assert.equal(new Set(labels).size, labels.length, labels.join(', '));
	assert.deepEqual(labels, ['4', '3', '2', '1', '0'], 'whole numbers over fewer units than rows: a row a unit (it read 4.0, 3.3, 2.7 …)');
	const tall = chartLines({columns: [{name: 'day', kind: 'date'}, {name: 'active', kind: 'number'}], rows: days}, {kind: 'line', x: 'day', y: ['active']}, 80, 12);
	assert.deepEqual(tall.slice(0, -2).map((line) => stripVTControlCharacters(line).split(/[┤┼]/)[0]!.trim()), ['4', '', '3', '', '2', '', '1', '', '0'], 'two rows a unit, the rows between unlabelled');
	const rows = (values: number[], height: number) => wholeAxis(values, height)?.rows;
	assert.deepEqual([rows([0, 4], 6), rows([0, 4], 9), rows([0, 4.5], 9), rows([3, 8], 6), rows([3, 9], 6), rows([3, 10], 6), rows([2, 2], 6)], [4, 8, undefined, 5, 6, 4, 6]);
});

test('a line chart of whole numbers spanning as many units as it has rows labels them whole (active-learners read "9.0, 8.0, 7.0 …"); a step of a tenth takes one place', () => {
	const columns = [{name: 'day', kind: 'date' as const}, {name: 'active', kind: 'number' as const}];
	const labels = (rows: Array<[string, number]>, height: number) => chartLines({columns, rows}, {kind: 'line', x: 'day', y: ['active']}, 40, height).slice(0, -2).map((line) => stripVTControlCharacters(line).split(/[┤┼]/)[0]!);
	const days = (values: number[]) => values.map((value, index) => [`2024-03-${String(index + 1).padStart(2, '0')}`, value] as [string, number]);
	// 0 to 9 over 9 rows (a height of 12): a unit a row.
	assert.deepEqual(labels(days([0, 3, 9, 5, 1]), 12), [' 9 ', ' 8 ', ' 7 ', ' 6 ', ' 5 ', ' 4 ', ' 3 ', ' 2 ', ' 1 ', ' 0 ']);
	// 0 to 3 over 10 rows: three rows a unit, the rows between unlabelled (never "3, 3, 2, 2 …").
	assert.deepEqual(labels(days([0, 3, 1]), 13), [' 3 ', '   ', '   ', ' 2 ', '   ', '   ', ' 1 ', '   ', '   ', ' 0 ']);
	// 0 to 12 over 9 rows: whole labels a whole step apart, of one width (they read 12, 11, 9, 8, 7, 5 …, a unit skipped here and there).
	assert.deepEqual(labels(days([0, 12, 7]), 12), [' 12 ', ' 10 ', '  8 ', '  6 ', '  4 ', '  2 ', '  0 ']);
	// 4 to 10 over 5 rows (1.2 a row) read "10, 9, 8, 6, 5, 4".
	assert.deepEqual(labels(days([4, 10, 7]), 8), [' 10 ', '  8 ', '  6 ', '  4 ']);
	// Down from the greatest value: 1 to 9 over 6 rows (it read 9, 8, 6, 5, 4, 2, 1); counts that would go below 0 up
	// from 0 by a round step (1 to 50 over 6 rows read 50, 42, 34 …).
	assert.deepEqual(labels(days([1, 9]), 9).map((label) => label.trim()), ['9', '7', '5', '3', '1']);
	assert.deepEqual(labels(days([0, 7]), 8).map((label) => label.trim()), ['8', '6', '4', '2', '0']);
	assert.deepEqual(labels(days([1, 50]), 9).map((label) => label.trim()), ['50', '40', '30', '20', '10', '0']);
	assert.deepEqual([wholeAxis([5, 63], 9), wholeAxis([-3, 3], 1), wholeAxis([0, 42], 4)], [{rows: 9, min: 0, max: 63}, {rows: 1, min: -3, max: 3}, {rows: 3, min: 0, max: 60}]);
	// Fractional minutes (time-on-course-by-day): 0 to 0.9 over 9 rows read "0.90, 0.80 …".
	assert.deepEqual(labels(days([0, 0.9, 0.4]), 12).map((label) => label.trim()), ['0.9', '0.8', '0.7', '0.6', '0.5', '0.4', '0.3', '0.2', '0.1', '0.0']);
	assert.deepEqual([wholeAxis([0, 9], 9)?.rows, wholeAxis([7, 10], 3)?.rows, wholeAxis([0, 10], 9)?.rows], [9, 3, 5]);
});

test('a line chart of other values labels round ticks (1, 2, 2.5, 5 × 10^k) on an axis stretched to them: day totals read "28,724.5, 25,533.6 …"', () => {
	const columns = [{name: 'day', kind: 'date' as const}, {name: 'minutes', kind: 'number' as const}];
	const day = (index: number) => `2024-03-${String(index + 1).padStart(2, '0')}`;
	// Two learners a day, added up: the days' totals run from 25,533.6 to 28,724.5.
	const totals = [25_533.6, 27_101.2, 28_724.5, 26_410.9, 25_980.3, 27_777.7];
	const rows = totals.flatMap((total, index) => [[day(index), 20_000], [day(index), Number((total - 20_000).toFixed(1))]] as Array<[string, number]>);
	const labels = (result: Array<[string, number]>, height: number, sum = true) =>
		chartLines({columns, rows: result}, {kind: 'line', x: 'day', y: ['minutes'], sum: sum || undefined}, 60, height)
			.slice(0, -2)
			.map((line) => stripVTControlCharacters(line).split(/[┤┼]/)[0]!.trim());
	assert.deepEqual(labels(rows, 12), ['29,000', '', '28,000', '', '27,000', '', '26,000', '', '25,000'], '9 rows: a thousand every other row');
	assert.deepEqual(labels(rows, 8), ['29,000', '28,000', '27,000', '26,000', '25,000']);
	assert.deepEqual(labels(rows, 20), ['28,800', '28,600', '28,400', '28,200', '28,000', '27,800', '27,600', '27,400', '27,200', '27,000', '26,800', '26,600', '26,400', '26,200', '26,000', '25,800', '25,600', '25,400'], '17 rows: 200 a row');
	// Below 0 too, in tenths: -3.5 to 2.2.
	const mixed = [-3.5, 2.2, 0.4].map((value, index) => [day(index), value] as [string, number]);
	assert.deepEqual(labels(mixed, 9, false), ['2.5', '', '0.0', '', '-2.5', '', '-5.0']);
	assert.deepEqual(labels(mixed, 12, false), ['2.5', '', '', '0.0', '', '', '-2.5', '', '', '-5.0']);
	// A flat line below 0: from its value, rounded down, to 0.
	assert.deepEqual(labels([[day(0), -3.5], [day(1), -3.5]], 9, false), ['0', '', '', '-2', '', '', '-4']);
	// Ten-thousandths: 0.0012 to 0.0042.
	assert.deepEqual(labels([[day(0), 0.0012], [day(1), 0.0042]], 9, false), ['0.0050', '', '', '0.0025', '', '', '0.0000']);
	assert.deepEqual(roundAxis([25_533.6, 28_724.5], 9), {rows: 8, min: 25_000, max: 29_000, step: 1000, places: 0});
	assert.deepEqual([roundAxis([9.6], 4), roundAxis([0, 0.9], 20), roundAxis([0.2, 0.9], 9)], [
		{rows: 4, min: 0, max: 10, step: 5, places: 0},
		{rows: 18, min: 0, max: 0.9, step: 0.1, places: 1},
		{rows: 8, min: 0.2, max: 1, step: 0.2, places: 1},
	]);
	// Values either side of 0 on a single row: the ends alone.
	assert.deepEqual(roundAxis([-0.5, 0.5], 1), {rows: 1, min: -1, max: 1, step: 2, places: 0});
});

test('messages wrap after spaces and path separators, a long name anywhere, never wider than asked', () => {
	const name = 'learner-path_course-v1_spbstu_PHYLOS_fall_2018_jolly-clever-siberiansable_20240305T101112Z.csv';
	assert.deepEqual(wrapLines(`Saved 15 rows to result/${name}`, 119), [`Saved 15 rows to result/${name}`]);
	assert.deepEqual(wrapLines(`Saved 15 rows to result/${name}`, 79), ['Saved 15 rows to result/learner-path_course-v1_spbstu_PHYLOS_fall_2018_', 'jolly-clever-siberiansable_20240305T101112Z.csv']);
	assert.deepEqual(wrapLines(`Saved 15 rows to result/${name}`, 59), ['Saved 15 rows to result/learner-path_course-v1_spbstu_', 'PHYLOS_fall_2018_jolly-clever-siberiansable_', '20240305T101112Z.csv']);
	assert.deepEqual(wrapLines(`Saved to ${'x'.repeat(25)}`, 10), ['Saved to', 'x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)], 'no break in sight: anywhere');
	assert.deepEqual(wrapLines('one two three', 7), ['one two', 'three']);
	assert.deepEqual(wrapLines('a'.repeat(30), 10, 2), ['a'.repeat(10), 'aaaaa…aaaa'], 'past the last line, cut in the middle');
	assert.deepEqual(wrapLines('one two three four five', 9, 2, 'end'), ['one two', 'three fo…'], 'prose: cut at its end, its words still apart');
	for (const line of wrapLines('日本語のテキスト '.repeat(5), 9)) assert.ok(stringWidth(line) <= 9, line);
});

test('sentences wrap at spaces; only a word longer than the line is broken, after a separator where it has one', () => {
	const zone = 'Parameter "tz": unknown time zone "Europe/Moskow"; use a name like UTC or Europe/Moscow.';
	// wrapLines gave 'Parameter "tz": unknown time zone "Europe/', 'Moskow"; use a name like UTC or Europe/', 'Moscow.'.
	assert.deepEqual(wrapProse(zone, 40), ['Parameter "tz": unknown time zone', '"Europe/Moskow"; use a name like UTC or', 'Europe/Moscow.']);
	assert.deepEqual(wrapProse('No course "course-v1:ITMOUniversity+PROGPY+spring_2019" in the database.', 40), ['No course', '"course-v1:ITMOUniversity+PROGPY+spring_', '2019" in the database.']);
	assert.deepEqual(wrapProse(`id ${'x'.repeat(25)} end`, 10), ['id', 'x'.repeat(10), 'x'.repeat(10), 'xxxxx end'], 'no break in sight: anywhere');
	assert.deepEqual(wrapProse('one two three', 7), ['one two', 'three']);
	assert.deepEqual(wrapProse("the server's /discussion/ page", 20), ["the server's", '/discussion/ page'], 'a path after a space starts the next line whole');
	assert.deepEqual(wrapProse('one two three four five', 9, 2), ['one two', 'three fo…'], 'past the last line, cut at its end, its words still apart');
});

test('a line chart of 20 days spans the width, its x labels under its first and last point, its legend in the lines\' colours', () => {
	const days = Array.from({length: 20}, (_, index) => [`2024-03-${String(index + 1).padStart(2, '0')}`, (index * 7) % 13, index % 5] as [string, number, number]);
	const plays = {columns: [{name: 'day', kind: 'date' as const}, {name: 'plays', kind: 'number' as const}, {name: 'viewers', kind: 'number' as const}], rows: days};
	const lines = chartLines(plays, {kind: 'line', x: 'day', y: ['plays', 'viewers']}, 119, 12);
	const plain = lines.map((line) => stripVTControlCharacters(line));
	const lastPoint = Math.max(...plain.slice(0, -2).map((line) => line.trimEnd().length)) - 1;
	assert.equal(lastPoint, 117, 'the plot reaches the last column but the blank asciichart ends its lines with');
	const axis = plain.at(-2) ?? '';
	assert.equal(axis.trimEnd().length - 1, lastPoint, 'the last day ends under the last point');
	assert.match(axis, /^ +2024-03-01 +2024-03-20$/);
	assert.equal(axis.indexOf('2024-03-01'), plain[0]!.search(/[┤┼]/), 'the first day starts under the y-axis, where the first point is');
	const legend = lines.at(-1) ?? '';
	assert.ok(legend.includes('\u001B[36mplays\u001B[0m'), 'plays in cyan, like its line');
	assert.ok(legend.includes('\u001B[33mviewers\u001B[0m'), 'viewers in yellow, like its line');
	for (const line of lines) assert.ok(stringWidth(line) <= 119);
	const spread = (values: number[], columns: number) => placePoints(values.map((_, index) => index), [values], 1, columns).points[0];
	assert.deepEqual(spread([0, 10], 5), [0, 2.5, 5, 7.5, 10], 'two days over 5 columns');
	assert.deepEqual(spread([0, 9, 0], 7), [0, 3, 6, 9, 6, 3, 0], 'every value on a column of its own');
	assert.equal(Math.max(...(spread([0, 9, 0, 0], 9) as number[])), 9, 'a peak between two columns is still drawn whole');
	assert.deepEqual(spread([1, 3, 5, 7], 2), [3, 7], 'more values than columns: the highest of each');
});

test('several lines are told apart without colour: each ends in its number, which the legend puts before its name', () => {
	const days = [['2024-03-01', 1, 9], ['2024-03-02', 3, 5], ['2024-03-03', 8, 2]] as Array<[string, number, number]>;
	const plays = {columns: [{name: 'day', kind: 'date' as const}, {name: 'plays', kind: 'number' as const}, {name: 'viewers', kind: 'number' as const}], rows: days};
	// As a terminal without colour shows it: the lines crossed, in cyan and yellow only.
	const plain = chartLines(plays, {kind: 'line', x: 'day', y: ['plays', 'viewers']}, 40, 9).map((line) => stripVTControlCharacters(line).trimEnd());
	// 1 to 9 over 6 rows, 2 a row: 9, 7, 5, 3, 1.
	assert.match(plain[1] ?? '', /^ +7 ┤ .*╭─+1$/, 'plays ends at 8, on the row nearest it');
	assert.match(plain[4] ?? '', /^ +1 ┼─+╯ +2$/, 'viewers ends at 2, on the row nearest it');
	assert.equal(plain.at(-1), '   1 plays, 2 viewers by day');
	// Ending together, each keeps a mark, side by side on their end cell: the one drawn last took the only cell, and then
	// the second walked back along its line ("─21", read as twenty-one, its 2 a point before the end).
	for (const rows of [[['2024-03-01', 1, 9], ['2024-03-02', 0, 0], ['2024-03-03', 0, 0]], [['2024-03-01', 0, 9], ['2024-03-02', 0, 9], ['2024-03-03', 0, 0]]] as Array<Array<[string, number, number]>>) {
		const together = chartLines({...plays, rows}, {kind: 'line', x: 'day', y: ['plays', 'viewers']}, 40, 9).map((line) => stripVTControlCharacters(line));
		assert.match(together.at(-3) ?? '', /^ +0 [┤┼].*[─╯╰]1,2$/, together.join('\n'));
		const digits = together.slice(0, -2).flatMap((line) => line.slice(line.search(/[┤┼]/) + 1).match(/\d/g) ?? []);
		assert.deepEqual(digits, ['1', '2'], together.join('\n'));
		assert.ok(together.every((line) => stringWidth(line) <= 40), together.join('\n'));
		// The x-axis' last day ends under the lines' last point, before the marks.
		assert.equal(together.at(-2)!.trimEnd().length, together.at(-3)!.length - 2, together.join('\n'));
	}
	const one = chartLines({...plays, columns: plays.columns.slice(0, 2)}, {kind: 'line', x: 'day', y: ['plays']}, 40, 9).map((line) => stripVTControlCharacters(line));
	assert.deepEqual(one.slice(0, -2).filter((line) => /\d/.test(line.slice(line.search(/[┤┼]/)))), [], 'one line needs no mark');
});

test('the numbers of lines that end together before the last column never cover another line\'s points or number', () => {
	const plain = (series: Array<Array<number | null>>, marks: string[]) => plotLines(series, 2, ['', '', ''], String, marks, {min: 0, max: 2}).map((line) => stripVTControlCharacters(line));
	// Lines 1 and 2 end at 0 on the second column, line 3 goes on at 0 to the fourth: its points and its 3 stay, and 2,
	// with no blank cells beside the 1, is left out (",3" covered line 3's point and its number: "┼1,3").
	assert.deepEqual(plain([[0, 0, null, null], [1, 0, null, null], [0, 0, 0, 0]], ['1', '2', '3']), ['2 ┤   ', '1 ┼╮  ', '0 ┼1─3']);
	// Line 3 higher up: the cells beside the 1 are blank, and 2 takes them.
	assert.deepEqual(plain([[0, 0, null, null], [1, 0, null, null], [2, 2, 2, 2]], ['1', '2', '3']), ['2 ┼──3', '1 ┼╮  ', '0 ┼1,2']);
	// Two ends a cell apart on one row: the first group's "," went over the second group's 3 ("┼1,2" drawn, then the 3
	// over the comma: "┼132"). With one blank cell between, too few for ",2", the next line's first point stays.
	assert.deepEqual(plain([[0, 0, null], [0, 0, null], [null, 0, 0]], ['1', '2', '3']), ['2 ┤  ', '1 ┤  ', '0 ┼13']);
	assert.deepEqual(plain([[0, 0, null, null, null], [0, 0, null, null, null], [null, null, null, 0, 0]], ['1', '2', '3']), ['2 ┤    ', '1 ┤    ', '0 ┼1 ─3']);
});

test('the zones of the precomputed days: UTC alone, or the day zone and UTC', () => {
	assert.equal(dayZonesText('UTC'), 'UTC');
	assert.equal(dayZonesText('Europe/Moscow'), 'Europe/Moscow + UTC');
});

/** The plot's lines without colours, and the column of each plotted cell (0 = the y-axis, where the first point is). */
function plainPlot(lines: string[]): string[] {
	return lines.slice(0, -2).map((line) => stripVTControlCharacters(line).replace(/^.*?[┤┼]/, (axis) => ' '.repeat(axis.length - 1) + axis.at(-1)));
}

test('a line chart places days by date: 2014\'s plays at the left, 2018\'s at the right, a break between (they were drawn side by side)', () => {
	const days = [['2014-05-02', 9, 3], ['2014-05-03', 1, 1], ['2018-09-01', 1, 1], ['2018-09-02', 8, 2]] as Array<[string, number, number]>;
	const plays = {columns: [{name: 'day', kind: 'date' as const}, {name: 'plays', kind: 'number' as const}, {name: 'viewers', kind: 'number' as const}], rows: days};
	const lines = chartLines(plays, {kind: 'line', x: 'day', y: ['plays', 'viewers']}, 120, 9);
	const plot = plainPlot(lines);
	const axisAt = plot[0]!.search(/[┤┼]/);
	// Drawn cells right of the y-axis: the first two days in the first two columns, the last two in the last two.
	const drawn = new Set(plot.flatMap((line) => [...line].flatMap((char, column) => (column > axisAt && char !== ' ' ? [column - axisAt] : []))));
	// Two days a column at this scale: 2014's on the y-axis, 2018's in the last column, their highest values.
	assert.deepEqual([...drawn], [115], 'nothing drawn over the four years without a row');
	assert.match(stripVTControlCharacters(lines[1] ?? ''), /^ +7 ┤ +1$/, "plays' last point, 8, its mark on the row nearest it (9, 7, 5 …)");
	assert.match(stripVTControlCharacters(lines.at(-1) ?? ''), /1 plays, 2 viewers by day · several rows a column: the highest drawn · a break: no rows for those day values$/);
	assert.match(stripVTControlCharacters(lines[0] ?? ''), /^ +9 ┼/, 'the greatest value labels the top row');
});

test("a line chart orders a number x by value: video-dropoff's segment 60 comes after 0, not after 480 (ordered as text)", () => {
	const segments = [[0, 13], [60, 12], [120, 11], [180, 11], [240, 9], [300, 10], [360, 10], [420, 8], [480, 8]] as Array<[number, number]>;
	// As the table shows them sorted by viewers, descending.
	const table = {columns: [{name: 'segment_start', kind: 'number' as const}, {name: 'viewers', kind: 'number' as const}], rows: [...segments].sort((a, b) => b[1] - a[1])};
	const lines = chartLines(table, {kind: 'line', x: 'segment_start', y: ['viewers']}, 40, 10).map((line) => stripVTControlCharacters(line));
	assert.match(lines.at(-2) ?? '', /^ +0 +480$/);
	assert.match(lines[0] ?? '', /^ +13 ┼─/, 'the first point, 13 viewers, on the top row');
	assert.match(lines[5] ?? '', /^ +8 ┤ +╰─+$/, 'the line ends low, at 8 viewers');
	assert.doesNotMatch(lines.at(-1) ?? '', /break|highest/, 'segments one step apart: one line, one row a column');
});

test('a line chart says when a column holds several rows and draws their highest: the top label is the data\'s greatest value', () => {
	const year = Array.from({length: 365}, (_, index) => [new Date(Date.UTC(2024, 0, 1 + index)).toISOString().slice(0, 10), index === 200 ? 63 : index % 7] as [string, number]);
	const lines = chartLines({columns: [{name: 'day', kind: 'date'}, {name: 'plays', kind: 'number'}], rows: year}, {kind: 'line', x: 'day', y: ['plays']}, 80, 12).map((line) => stripVTControlCharacters(line));
	assert.match(lines[0] ?? '', /^ +63 ┤/, 'averaged, the peak read about 13');
	assert.match(lines.at(-1) ?? '', /plays by day · several rows a column: the highest drawn$/);
	assert.match(lines.at(-2) ?? '', /^ +2024-01-01 +2024-12-30$/);
});

test('a line chart with "sum" adds up the rows of each day: 2, 3 and 5 on one day and 7 on the next plot 10 and 7', () => {
	assert.deepEqual(addedUp(['A', 'A', 'A', 'B'], [[2, 3, 5, 7]]), {keys: ['A', 'B'], series: [[10, 7]], added: true});
	assert.deepEqual(addedUp([1, 1, 2, 3, 3], [[null, 4, null, null, null], [1, 2, 3, 4, 5]]), {keys: [1, 2, 3], series: [[4, null, null], [3, 3, 9]], added: true}, 'a NULL adds nothing; all NULL stays none, not 0');
	assert.deepEqual(addedUp([1, 2], [[1, 2]]), {keys: [1, 2], series: [[1, 2]], added: false});
	// As the table shows them sorted by visits, descending.
	const visits = {columns: [{name: 'day', kind: 'date' as const}, {name: 'visits', kind: 'number' as const}], rows: [['2024-03-06', 7], ['2024-03-05', 5], ['2024-03-05', 3], ['2024-03-05', 2]] as Array<[string, number]>};
	const summed = chartLines(visits, {kind: 'line', x: 'day', y: ['visits'], sum: true}, 40, 6).map((line) => stripVTControlCharacters(line));
	// The two days one step apart: the line runs straight from 10 down to 7 (its labels read "10.0, 9.0 …").
	assert.deepEqual(summed.slice(0, -2), [' 10 ┼─────╮                            ', '  9 ┤     ╰──────────╮                 ', '  8 ┤                ╰───────────╮     ', '  7 ┤                            ╰─────']);
	assert.equal(summed.at(-1), '    visits by day · day totals');
	const highest = chartLines(visits, {kind: 'line', x: 'day', y: ['visits']}, 60, 6).map((line) => stripVTControlCharacters(line));
	assert.match(highest[0] ?? '', /^ +7 ┤/, 'without sum: the highest row of a day, 5, then 7');
	assert.match(highest.at(-1) ?? '', /visits by day · several rows a column: the highest drawn$/);
});

test('a line chart adds up the rows of each day first, then draws the highest sum of the days sharing a column', () => {
	// A year of three pages a day: day 200's 40 + 20 + 3 = 63 is the greatest sum, though no row is over 40.
	const year = Array.from({length: 365}, (_, index) => new Date(Date.UTC(2024, 0, 1 + index)).toISOString().slice(0, 10));
	const rows = year.flatMap((day, index) => (index === 200 ? [40, 20, 3] : [index % 7, 1, 2]).map((visits) => [day, visits] as [string, number]));
	const lines = chartLines({columns: [{name: 'day', kind: 'date'}, {name: 'visits', kind: 'number'}], rows}, {kind: 'line', x: 'day', y: ['visits'], sum: true}, 80, 12).map((line) => stripVTControlCharacters(line));
	assert.match(lines[0] ?? '', /^ +63 ┤/);
	// 7 a row down from 63 to 0: the first column's highest day, January 3rd, 2 + 1 + 2, on the row of 7.
	assert.match(lines[8] ?? '', /^ +7 ┼/, 'the first column\'s highest day, January 3rd, 2 + 1 + 2');
	assert.match(lines[9] ?? '', /^ +0 ┤/);
	assert.equal(lines.at(-1), '    visits by day · day totals · several rows a column: the highest drawn', 'both notes fit at 80 columns');
});

test('a NULL is no zero: an all-NULL series is said to have no values and draws nothing; a flat line of zeros has an axis', () => {
	const days = [['2024-03-01', 0, null], ['2024-03-02', 0, null]] as Array<[string, number, null]>;
	const result = {columns: [{name: 'day', kind: 'date' as const}, {name: 'plays', kind: 'number' as const}, {name: 'minutes', kind: 'number' as const}], rows: days};
	const lines = chartLines(result, {kind: 'line', x: 'day', y: ['plays', 'minutes']}, 40, 8).map((line) => stripVTControlCharacters(line));
	assert.match(lines.at(-1) ?? '', /1 plays, 2 minutes \(no values\) by day$/);
	assert.deepEqual(lines.slice(0, -2).map((line) => line.trim()), ['1 ┤', '┤', '┤', '┤', '┤', '0 ┼' + '─'.repeat(34) + '1']);
	assert.deepEqual(plotLines([[null, 2, null]], 2, [''], String).map((line) => line.replace(/\u001B\[\d+m/g, '')), ['2 ┤─ ', '1 ┤  ', '0 ┤  ']);
});

test('a line chart of one day draws each value as a bar, named, under "one day": it drew a lone "┼" on the y-axis', () => {
	const columns = [{name: 'day', kind: 'date' as const}, {name: 'visits', kind: 'number' as const}];
	const drawn = (rows: Array<[string, number]>, sum?: true) => chartLines({columns, rows}, {kind: 'line', x: 'day', y: ['visits'], sum}, 40, 7).map((line) => stripVTControlCharacters(line).trimEnd());
	assert.deepEqual(drawn([['2024-03-05', 42]]), [`visits ${'█'.repeat(29)} 42`, 'one day: 2024-03-05', 'visits by day']);
	assert.deepEqual(drawn([['2024-03-05', 2], ['2024-03-05', 3]], true), [`visits ${'█'.repeat(30)} 5`, 'one day: 2024-03-05', 'visits by day · day totals'], "one day's rows added up: 5");
	assert.deepEqual(drawn([['2024-03-05', 2], ['2024-03-05', 3]]), [`visits ${'█'.repeat(30)} 3`, 'one day: 2024-03-05', 'visits by day', 'several rows a column: the highest drawn'], 'without sum: the highest, as the plot draws a column');
	assert.deepEqual(drawn([['2024-03-05', -3]]), [`visits ${' '.repeat(29)} -3`, 'one day: 2024-03-05', 'visits by day'], 'below 0: no bar, the value');
	const plays = {columns: [columns[0]!, {name: 'plays', kind: 'number' as const}, {name: 'viewers', kind: 'number' as const}], rows: [['2024-03-05', 12, 4]] as Array<[string, number, number]>};
	const spec: ChartSpec = {kind: 'line', x: 'day', y: ['plays', 'viewers']};
	assert.deepEqual(chartLines(plays, spec, 60, 7).map((line) => stripVTControlCharacters(line).trimEnd()), [`1 plays   ${'█'.repeat(46)} 12`, `2 viewers ${'█'.repeat(15)}`.padEnd(57) + ' 4', 'one day: 2024-03-05', '1 plays, 2 viewers by day']);
	assert.deepEqual(chartLines(plays, spec, 60, 7, [0]).map((line) => stripVTControlCharacters(line).trimEnd()), [`2 viewers ${'█'.repeat(47)} 4`, 'one day: 2024-03-05', '1 plays (hidden), 2 viewers by day']);
	// A flat line of two days keeps both days, on an axis from 0 to a round step past its value.
	assert.deepEqual(drawn([['2024-03-05', 9.6], ['2024-03-06', 9.6]]).slice(0, 6), [` 10 ┼${'─'.repeat(34)}`, '    ┤', '  5 ┤', '    ┤', '  0 ┤', '    2024-03-05               2024-03-06']);
	assert.deepEqual([axisRange([42]), axisRange([9.6, 9.6]), axisRange([-3]), axisRange([0, 0]), axisRange([2, 5])], [{min: 0, max: 42}, {min: 0, max: 9.6}, {min: -3, max: 0}, {min: 0, max: 1}, {min: 2, max: 5}]);
});

test('the x positions and the data\'s step: days by date, weekly rows by their Mondays a week apart', () => {
	assert.deepEqual(xPositions(['2024-03-01', '2024-03-04'], 'date'), {positions: [19_783, 19_786], ordinal: false});
	assert.deepEqual(xPositions(['b', 'a'], 'text'), {positions: [0, 1], ordinal: true});
	assert.deepEqual(xPositions(['2024-03-04', '2024-03-01', '2024-03-04'], 'date').positions, [19_786, 19_783, 19_786], 'a repeated day: its position again');
	// Rows along the axis: by their x, rows of the same x in the result's order.
	assert.deepEqual(orderAlong([19_786, 19_783, 19_786, 19_790, 19_783], (a, b) => a - b), [1, 4, 0, 2, 3]);
	assert.deepEqual(orderAlong(['b', 'a', 'b', 'a'], (a, b) => a.localeCompare(b)), [1, 3, 0, 2]);
	assert.equal(xStep([19_779, 19_786, 19_800, 19_807], true), 7, 'ISO weeks from Monday 2024-02-26, one without a row');
	assert.equal(xStep([19_782, 19_789], true), 1, 'two Thursdays a week apart are days, with six days between them');
	assert.equal(xStep([-3, 4, 11], true), 7, 'Mondays before 1970 too');
	const columns = [{name: 'day', kind: 'date' as const}, {name: 'plays', kind: 'number' as const}];
	const legend = (days: string[]) => stripVTControlCharacters(chartLines({columns, rows: [[days[0]!, 1], [days[1]!, 7]]}, {kind: 'line', x: 'day', y: ['plays']}, 30, 6).at(-1)!);
	assert.match(legend(['2014-06-12', '2014-06-19']), /a break/, 'video-plays-per-day: no line across the days without a play');
	assert.doesNotMatch(legend(['2024-02-26', '2024-03-04']), /a break/, 'active-learners by week: joined');
	assert.equal(xStep([19_783, 19_784, 19_785, 19_792], true), 1, 'days, a week without a row among them');
	assert.equal(xStep([0, 10, 20, 40], false), 10, 'segments of 10 seconds');
	assert.deepEqual(placePoints([0, 1, 5, 6], [[1, 2, 3, 4]], 1, 7), {points: [[1, 2, null, null, null, 3, 4]], merged: false, broken: true});
	assert.deepEqual(placePoints([0, 1, 2, 3], [[1, null, 3, 4]], 1, 4), {points: [[1, null, 3, 4]], merged: false, broken: true}, 'a NULL value is a hole of its own series');
});

test("a bar chart of more rows than lines draws them all as columns: enrollment-by-hour showed hours 0-10 and '… 13 more rows', its busy evening hidden", () => {
	const activations = [1, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 5, 4, 4, 5, 6, 7, 8, 10, 14, 19, 22, 9];
	const hours = {columns: [{name: 'hour', kind: 'number' as const}, {name: 'activations', kind: 'number' as const}], rows: activations.map((value, hour) => [hour, value] as [number, number])};
	const spec: ChartSpec = {kind: 'bar', x: 'hour', y: ['activations']};
	// Each column's height in eighths of a cell, read off the plot's rows (top first) at its first cell.
	const heights = (lines: string[], rows: number, column: number) =>
		activations.map((_, index) => lines.slice(0, rows).reduce((sum, line) => sum + Math.max(0, [...' ▁▂▃▄▅▆▇█'].indexOf(line[4 + index * column] ?? ' ')), 0));
	const wide = chartLines(hours, spec, 79, 9);
	assert.equal(wide.length, 9);
	for (const line of wide) assert.ok(stringWidth(line) <= 79, line);
	// 6 rows of 8 eighths: hour 22's 22 the full 48, hour 21's 19 of 22 of it 41.
	assert.deepEqual(heights(wide, 6, 3), activations.map((value) => Math.round((value / 22) * 48)));
	assert.match(wide[0] ?? '', /^22 ┤ +▁▁ ██$/, 'the greatest value labels the top');
	assert.equal(wide[6], ` 0 ┼${'─'.repeat(71)}`);
	assert.equal(wide[7], `    ${activations.map((_, hour) => String(hour).padEnd(2)).join(' ')}`, 'every hour under its column');
	assert.equal(wide[8], '    activations by hour');
	// Two cells a column: every other hour labelled.
	const narrow = chartLines(hours, spec, 59, 9);
	assert.deepEqual(heights(narrow, 6, 2), activations.map((value) => Math.round((value / 22) * 48)));
	assert.equal(narrow[7], '    0   2   4   6   8   10  12  14  16  18  20  22');
	// Too many rows for two cells each: bars as before, the first rows and a count of the rest (time-on-course's
	// learners too, whose values are not spread into Math.max: past about 120k that threw).
	assert.deepEqual(chartLines(hours, spec, 40, 9).slice(-2), [`7 ${'█'.repeat(35)} 2`, '… 16 more rows']);
	assert.equal(chartLines({...hours, rows: Array.from({length: 200_000}, (_, index) => [index, index % 10])}, spec, 80, 9).at(-1), '… 199,992 more rows');
	// enrollment-by-weekday: seven days fit eight lines as bars; on six lines, columns, their names cut to fit.
	const week = {columns: [{name: 'day_name', kind: 'text' as const}, {name: 'activations', kind: 'number' as const}], rows: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((day, index) => [day, index * 3 + 1] as [string, number])};
	const weekSpec: ChartSpec = {kind: 'bar', x: 'day_name', y: ['activations']};
	assert.match(chartLines(week, weekSpec, 79, 9)[6] ?? '', /^Sunday +█+ 19$/);
	assert.equal(chartLines(week, weekSpec, 79, 9).length, 7);
	assert.equal(chartLines(week, weekSpec, 79, 6)[4], '    Monday    Tuesday   Wednesday Thursday  Friday    Saturday  Sunday');
	assert.equal(chartLines(week, weekSpec, 40, 6)[4], '    Mon… Tue… Wed… Thu… Fri… Sat… Sun…');
});

test('a line chart\'s legend and notes wrap, the plot giving up rows to them: cut at 100 columns, "… a break: no rows for those period_s…"', () => {
	// active-learners by day over a year and a half, a month without a row: more days than columns, and a break.
	const days = Array.from({length: 540}, (_, index) => index).filter((index) => index < 200 || index > 230);
	const rows = days.map((index) => [new Date(Date.UTC(2024, 0, 1 + index)).toISOString().slice(0, 10), index % 9, index % 5, index % 4, index % 3] as [string, number, number, number, number]);
	const learners = {columns: [{name: 'period_start', kind: 'date' as const}, ...['active', 'video', 'problem', 'forum'].map((name) => ({name, kind: 'number' as const}))], rows};
	const spec: ChartSpec = {kind: 'line', x: 'period_start', y: ['active', 'video', 'problem', 'forum']};
	const full = ['1 active, 2 video, 3 problem, 4 forum by period_start', 'several rows a column: the highest drawn', 'a break: no rows for those period_start values'];
	for (const width of [100, 80]) {
		const lines = chartLines(learners, spec, width, 12).map((line) => stripVTControlCharacters(line));
		assert.ok(lines.length <= 12, `${width} columns: within the height`);
		for (const line of lines) assert.ok(stringWidth(line) <= width, line);
		const axisAt = lines.findIndex((line) => /^ +2024-01-01 +2025-06-23$/.test(line));
		assert.deepEqual(lines.slice(axisAt + 1).map((line) => line.trim()).join(' · '), full.join(' · '), `${width} columns: the whole legend and notes, under the x-axis`);
		assert.equal(lines.slice(axisAt + 1).length, width === 100 ? 2 : 3);
	}
	assert.deepEqual(captionLines(['abc', 'defg', 'hi'], 2, 12), ['  abc · defg', '  hi']);
	assert.deepEqual(captionLines(['abc', 'defg', 'hi'], 2, 12, 1), ['  abc · def…'], 'past the last line, the rest cut');
	assert.deepEqual(captionLines(['a'.repeat(20)], 0, 8), ['aaaaaaa…']);
});

test('a bar chart of a negative value draws no bar and shows the value (the negative repeat threw)', () => {
	const bars = chartLines(result([['play_video', 5], ['refund', -3]]), {kind: 'bar', x: 'event_type', y: ['events']}, 40, 5);
	assert.match(bars[0] ?? '', /^play_video █+ +5$/);
	assert.match(bars[1] ?? '', /^refund +-3$/);
});

test('the chart of a view is drawn once and reused while the cursor moves; another size draws it again, and a sort a bar chart (a line is drawn along its x-axis)', () => {
	const rows: Cell[][] = Array.from({length: 50}, (_, index) => [`2024-01-${String(1 + (index % 28)).padStart(2, '0')}`, index]);
	const spec: ChartSpec = {kind: 'line', x: 'day', y: ['events']};
	const columns: TaskResult['columns'] = [{name: 'day', kind: 'date'}, {name: 'events', kind: 'number'}];
	const table = createTableState(rows, {pageRows: 5, pageWidth: 80, columnWidths: [10, 6]});
	const first = viewChartLines({columns}, table, spec, 60, 10);
	const moved: TableAction[] = [{type: 'move-row', by: 3}, {type: 'page', by: 1}, {type: 'bottom'}];
	// 337k rows took 0.75 s to draw, on every key: the same lines (not equal ones drawn again) come back.
	assert.equal(viewChartLines({columns}, moved.reduce(tableReducer, table), spec, 60, 10), first);
	assert.deepEqual(first, chartLines({columns, rows}, spec, 60, 10));
	const sorted = tableReducer(tableReducer(table, {type: 'move-column', by: 1}), {type: 'sort', direction: 'desc'});
	// A sort with the chart on took 0.4-0.5 s more a key on time-on-course-by-day, drawing the same line again.
	assert.equal(viewChartLines({columns}, sorted, spec, 60, 10), first, 'a line is the same whatever the order');
	assert.equal(viewChartLines({columns}, tableReducer(sorted, {type: 'sort', direction: 'desc'}), spec, 60, 10), first, 'and back in the original order');
	const bars: ChartSpec = {kind: 'bar', x: 'day', y: ['events']};
	const barsFirst = viewChartLines({columns}, table, bars, 60, 10);
	assert.deepEqual(viewChartLines({columns}, sorted, bars, 60, 10), chartLines({columns, rows: sorted.view.map((index) => rows[index]!)}, bars, 60, 10));
	assert.notDeepEqual(viewChartLines({columns}, sorted, bars, 60, 10), barsFirst, 'bars in the table\'s order');
	// Filtered, the line is drawn of the rows shown, ties in the result's order as unfiltered.
	const filtered = ([{type: 'search', query: '2024-01-03'}, {type: 'toggle-filter'}] as TableAction[]).reduce(tableReducer, sorted);
	assert.deepEqual(viewChartLines({columns}, filtered, spec, 60, 10), chartLines({columns, rows: rows.filter((row) => row[0] === '2024-01-03')}, spec, 60, 10));
	const wider = viewChartLines({columns}, table, spec, 70, 10);
	assert.deepEqual(wider, chartLines({columns, rows}, spec, 70, 10));
});

test('a line chart leaves out the series hidden (digits 1-9): its y-axis spans the shown ones, its legend still lists all, the hidden marked', () => {
	// active-learners' four lines: forum's 1 to 3 lay flat under active's 100-odd, unreadable.
	const weeks = [['2024-03-04', 100, 40, 12, 1], ['2024-03-11', 120, 35, 10, 3], ['2024-03-18', 90, 50, 14, 2]] as Array<[string, number, number, number, number]>;
	const learners = {columns: [{name: 'period_start', kind: 'date' as const}, ...['active', 'video', 'problem', 'forum'].map((name) => ({name, kind: 'number' as const}))], rows: weeks};
	const spec: ChartSpec = {kind: 'line', x: 'period_start', y: ['active', 'video', 'problem', 'forum']};
	const plain = (hidden: number[]) => chartLines(learners, spec, 80, 10, hidden).map((line) => stripVTControlCharacters(line).trimEnd());
	const top = (lines: string[]) => lines[0]?.match(/^ *([\d.,]+) [┤┼]/)?.[1];
	assert.equal(top(plain([])), '120');
	assert.equal(plain([]).at(-1), '     1 active, 2 video, 3 problem, 4 forum by period_start');
	const forumOnly = plain([0, 1, 2]);
	assert.equal(top(forumOnly), '3', 'the axis is forum\'s own: 1 to 3');
	assert.match(forumOnly.at(-3) ?? '', /^ +1 [┤┼]/, 'its least on the bottom row');
	assert.equal(forumOnly.at(-1), '   1 active (hidden), 2 video (hidden), 3 problem (hidden), 4 forum by period_s…', 'cut to the width');
	assert.deepEqual(forumOnly.slice(0, -2).flatMap((line) => [...line.slice(line.search(/[┤┼]/))].filter((char) => /\d/.test(char))), ['4'], 'forum\'s line alone, still numbered');
	const withoutActive = plain([0]);
	assert.equal(top(withoutActive), '50', 'video\'s greatest');
	assert.ok(!withoutActive.slice(0, -2).some((line) => line.endsWith('1')), 'no line ends in 1');
	// The legend is cut to the width as ever, the hidden ones' names uncoloured.
	const narrow = chartLines(learners, spec, 40, 10, [1]);
	for (const line of narrow) assert.ok(stringWidth(line) <= 40);
	assert.match(stripVTControlCharacters(narrow.at(-1) ?? ''), /^ +1 active, 2 video \(hidden\), 3 p.*…$/);
	assert.ok(chartLines(learners, spec, 80, 10, [1]).at(-1)?.includes(' video (hidden)'), 'video not in its yellow');
	// A bar chart has one series: nothing to hide.
	const bars: ChartSpec = {kind: 'bar', x: 'period_start', y: ['active']};
	assert.deepEqual(chartLines(learners, bars, 80, 10, [0]), chartLines(learners, bars, 80, 10));
});

test('a digit hides its series or shows it again; the last one shown stays; a digit past the series changes nothing', () => {
	assert.deepEqual(toggledSeries([], 1, 4), [1]);
	assert.deepEqual(toggledSeries([1], 0, 4), [0, 1]);
	assert.deepEqual(toggledSeries([0, 1], 1, 4), [0]);
	assert.equal(toggledSeries([0, 1, 3], 2, 4), undefined, 'problem alone is shown: it stays');
	assert.equal(toggledSeries([], 0, 1), undefined, 'one line: it stays');
	const hidden = [2];
	assert.equal(toggledSeries(hidden, 4, 4), hidden, '5 on four series');
});

test('the chart of a view is drawn again when a series is hidden or shown again, and not on the next key', () => {
	const rows: Cell[][] = Array.from({length: 10}, (_, index) => [`2024-01-${String(1 + index).padStart(2, '0')}`, index * 10, index % 3]);
	const spec: ChartSpec = {kind: 'line', x: 'day', y: ['events', 'learners']};
	const columns: TaskResult['columns'] = [{name: 'day', kind: 'date'}, {name: 'events', kind: 'number'}, {name: 'learners', kind: 'number'}];
	const table = createTableState(rows, {pageRows: 5, pageWidth: 80, columnWidths: [10, 6, 8]});
	const all = viewChartLines({columns}, table, spec, 60, 10);
	const hidden = viewChartLines({columns}, table, spec, 60, 10, [0]);
	assert.deepEqual(hidden, chartLines({columns, rows}, spec, 60, 10, [0]));
	assert.notDeepEqual(hidden, all);
	assert.equal(viewChartLines({columns}, tableReducer(table, {type: 'move-row', by: 1}), spec, 60, 10, [0]), hidden, 'the same lines while the cursor moves');
	assert.deepEqual(viewChartLines({columns}, table, spec, 60, 10, []), all, 'shown again');
});
