import assert from 'node:assert/strict';
import {test} from 'node:test';
import {stripVTControlCharacters} from 'node:util';
import {axisLabels, chartLines, heatmapColumns, shadeOf} from '../../source/ui/lib/chart.js';
import type {ChartSpec, TaskResult} from '../../source/tasks/types.js';

const SPEC: ChartSpec = {kind: 'heatmap', x: 'name', y: ['c1..c3']};

/** Two rows of three cells, from 100 (not 0) to 140, one cell without a value. */
const SMALL: Pick<TaskResult, 'columns' | 'rows'> = {
	columns: [{name: 'id', kind: 'number'}, {name: 'name', kind: 'text'}, ...['c1', 'c2', 'c3'].map((name) => ({name, kind: 'number' as const}))],
	rows: [
		[1, 'A', 100, 110, 120],
		[2, 'B', 130, 140, null],
	],
};

const plain = (lines: string[]) => lines.map((line) => stripVTControlCharacters(line));

test('a heatmap shades each cell from the least cell to the most, two characters a cell; a cell of no value is blank', () => {
	assert.deepEqual(plain(chartLines(SMALL, SPEC, 60, 6)), [
		'A ░░▒▒▓▓',
		'B ████  ',
		// The last cell's name too, ending under it.
		'  1    3',
		'least to most: ░ 100–109 ▒ 110–119 ▓ 120–129 █ 130–140',
	]);
});

test('a heatmap\'s legend wraps when the width is short and lines are left, and is cut when none are', () => {
	assert.deepEqual(plain(chartLines(SMALL, SPEC, 40, 6)).slice(3), ['least to most: ░ 100–109 ▒ 110–119', '▓ 120–129 █ 130–140']);
	// One line: where each shade starts, the last its range, cut if that is still too long.
	assert.deepEqual(plain(chartLines(SMALL, SPEC, 50, 4)).slice(3), ['least to most: ░ 100 ▒ 110 ▓ 120 █ 130–140']);
	assert.deepEqual(plain(chartLines(SMALL, SPEC, 40, 4)).slice(3), ['least to most: ░ 100 ▒ 110 ▓ 120 █ 130–…']);
});

test('a heatmap of 6-digit counts at 80 columns says where each shade starts: its four ranges took 86 columns, the darkest cut', () => {
	const big = {...SMALL, rows: [[1, 'A', 100_000, 120_000, 140_000], [2, 'B', 160_000, 180_000, 170_000]]};
	assert.deepEqual(plain(chartLines(big, SPEC, 79, 4)).slice(3), ['least to most: ░ 100,000 ▒ 120,000 ▓ 140,000 █ 160,000–180,000']);
	assert.deepEqual(plain(chartLines(big, SPEC, 79, 5)).slice(3), ['least to most: ░ 100,000–119,999 ▒ 120,000–139,999 ▓ 140,000–159,999', '█ 160,000–180,000']);
});

test('the shades start at the least cell, not 0: a course used round the clock (every hour within ±10 %) still shows its rhythm', () => {
	assert.deepEqual([29_045, 31_000, 33_000, 35_000, 36_468].map((value) => shadeOf(value, 29_045, 36_468)), [0, 1, 2, 3, 3]);
	// All equal: one shade, the darkest.
	assert.equal(shadeOf(5, 5, 5), 3);
});

test('a heatmap\'s cell columns: names, and ranges first..last of the result\'s columns; a missing one gives none', () => {
	const columns = ['a', 'b', 'c', 'd'].map((name) => ({name}));
	assert.deepEqual(heatmapColumns(columns, ['b..d']), [1, 2, 3]);
	assert.deepEqual(heatmapColumns(columns, ['a', 'c..d']), [0, 2, 3]);
	assert.deepEqual(heatmapColumns(columns, ['a..x']), []);
	assert.deepEqual(heatmapColumns(columns, ['d..a']), []);
	assert.deepEqual(plain(chartLines({columns: SMALL.columns, rows: SMALL.rows}, {...SPEC, y: ['c1..c9']}, 60, 6)), ['The chart needs columns name and c1..c9, which this result does not have.']);
});

/** activity-heatmap's shape: weekday, day_name and h00 to h23; Monday's hour h has h events, each later day 100 more. */
export const WEEK: Pick<TaskResult, 'columns' | 'rows'> = {
	columns: [{name: 'weekday', kind: 'number'}, {name: 'day_name', kind: 'text'}, ...Array.from({length: 24}, (_, hour) => ({name: `h${String(hour).padStart(2, '0')}`, kind: 'number' as const}))],
	rows: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((day, index) => [index + 1, day, ...Array.from({length: 24}, (_, hour) => 1000 + index * 100 + hour)]),
};
const WEEK_SPEC: ChartSpec = {kind: 'heatmap', x: 'day_name', y: ['h00..h23']};

test('the hours are labelled under their cells every 3 hours at two characters a cell, every 6 at one, and the last hour (23) too where there is room', () => {
	const names = WEEK.columns.slice(2).map((column) => column.name);
	assert.equal(axisLabels(names, 2), '0     3     6     9     12    15    18    21  23');
	assert.equal(axisLabels(names, 1), '0     6     12    18  23');
	// Hour 7 would touch 6; hour 6, the last, is labelled already.
	assert.equal(axisLabels(names.slice(0, 8), 1), '0     6');
	assert.equal(axisLabels(names.slice(0, 7), 1), '0     6');
});

test('a week of 24 hours takes 2 characters an hour at 80 columns, 1 below 59, and a line saying so below 35', () => {
	const wide = plain(chartLines(WEEK, WEEK_SPEC, 79, 9));
	assert.deepEqual(wide, [
		`Monday    ${'░'.repeat(48)}`,
		`Tuesday   ${'░'.repeat(48)}`,
		`Wednesday ${'▒'.repeat(48)}`,
		// 1,300 to 1,311 and 1,312 to 1,323.
		`Thursday  ${'▒'.repeat(24)}${'▓'.repeat(24)}`,
		`Friday    ${'▓'.repeat(48)}`,
		`Saturday  ${'█'.repeat(48)}`,
		`Sunday    ${'█'.repeat(48)}`,
		'          0     3     6     9     12    15    18    21  23',
		'least to most: ░ 1,000–1,155 ▒ 1,156–1,311 ▓ 1,312–1,467 █ 1,468–1,623',
	]);
	// The chart gets the terminal's width less a column: 59 columns still draw 2 characters an hour.
	assert.deepEqual(plain(chartLines(WEEK, WEEK_SPEC, 58, 9)).slice(0, 8), wide.slice(0, 8));
	const halved = (line: string) => line.slice(0, 10) + [...line.slice(10)].filter((_, index) => index % 2 === 0).join('');
	assert.deepEqual(plain(chartLines(WEEK, WEEK_SPEC, 57, 9)).slice(0, 8), [...wide.slice(0, 7).map(halved), '          0     6     12    18  23']);
	assert.deepEqual(plain(chartLines(WEEK, WEEK_SPEC, 34, 9))[0]?.length, 34);
	assert.deepEqual(plain(chartLines(WEEK, WEEK_SPEC, 33, 9)), ['(The heatmap needs 34 columns.)']);
});

test('a heatmap on fewer lines than its rows, axis and legend says so rather than leave a weekday out', () => {
	assert.deepEqual(plain(chartLines(WEEK, WEEK_SPEC, 79, 8)), ['(The heatmap needs 9 lines: 7 rows, its axis and legend.)']);
	assert.equal(plain(chartLines(WEEK, WEEK_SPEC, 79, 9)).length, 9);
});

test('with colours on, each shade has its colour; without them (NO_COLOR, FORCE_COLOR=0) the block characters still shade it', () => {
	const lines = chartLines(SMALL, SPEC, 60, 6);
	assert.notEqual(lines[0], stripVTControlCharacters(lines[0] ?? ''), 'coloured');
	assert.equal(stripVTControlCharacters(lines[0] ?? ''), 'A ░░▒▒▓▓');
});
