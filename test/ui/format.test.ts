import assert from 'node:assert/strict';
import {test} from 'node:test';
import {chartLines, downsample} from '../../source/ui/lib/chart.js';
import {cappedWidths, fitCell, naturalWidths, stringWidth, visibleColumns} from '../../source/ui/lib/columns.js';
import path from 'node:path';
import {bar, cellText, clock, dayZonesText, displayPath, percent, sparkline, thousands} from '../../source/ui/lib/format.js';
import {result} from './fixtures.js';

test('figures: separators, clock with unknown as --:--, bars and sparklines of a fixed width', () => {
	assert.equal(thousands(1234567.4), '1,234,567');
	assert.equal(clock(undefined), '--:--');
	assert.equal(clock(Number.POSITIVE_INFINITY), '--:--');
	assert.equal(clock(3723), '1:02:03');
	assert.equal(percent(1, 3), ' 33%');
	assert.equal(percent(5, 0), '  ?%');
	assert.equal(bar(1, 4, 8), '██░░░░░░');
	assert.equal(bar(9, 4, 4), '████', 'never more than full');
	assert.equal(sparkline([0, 1, 2, 4, 8], 4), '▁▂▄█', 'the last values, scaled to their maximum');
	assert.equal(sparkline([0, 0], 5), '▁▁');
});

test('paths inside the current folder are shown relative to it, others as they are', () => {
	assert.equal(displayPath(path.join(process.cwd(), 'input', 'a.log')), path.join('input', 'a.log'));
	const outside = path.resolve(process.cwd(), '..', 'elsewhere.log');
	assert.equal(displayPath(outside), outside);
});

test('cells: integers with separators, decimals to 3 places, NULL as <null>', () => {
	assert.equal(cellText(1234567), '1,234,567');
	assert.equal(cellText(-1234), '-1,234');
	assert.equal(cellText(2.5), '2.5');
	assert.equal(cellText(-1234.56789), '-1,234.568');
	assert.equal(cellText(null), '<null>');
	assert.equal(cellText(true), 'true');
});

test('cells are padded or cut to exactly their width, CJK counted double, numbers on the right', () => {
	assert.equal(fitCell('abc', 5, false), 'abc  ');
	assert.equal(fitCell('42', 5, true), '   42');
	assert.equal(fitCell('a long value', 6, false), 'a lon…');
	assert.equal(stringWidth(fitCell('日本語のテキスト', 7, false)), 7);
	assert.equal(fitCell('two\nlines', 9, false), 'two lines', 'newlines flattened');
});

test('widths: measured once from header and rows, capped at max(20, half the screen); columns that fit', () => {
	const natural = naturalWidths(result([['x'.repeat(70), 12345]]));
	assert.deepEqual(natural, [70, 7], 'header + 1 for the sort mark');
	assert.deepEqual(cappedWidths(natural, 80), [40, 7]);
	assert.deepEqual(cappedWidths(natural, 30), [20, 7]);
	assert.deepEqual(visibleColumns([40, 6, 30], 0, 75), [0, 1]);
	assert.deepEqual(visibleColumns([40, 6, 30], 0, 80), [0, 1, 2], "exactly fitting");
	assert.deepEqual(visibleColumns([90, 6], 0, 80), [0], 'at least one column');
	assert.deepEqual(visibleColumns([40, 6, 30], 1, 80), [1, 2]);
});

test('charts fit the space they are given', () => {
	const days = Array.from({length: 400}, (_, index) => [`2024-01-${String(index).padStart(3, '0')}`, index % 50] as [string, number]);
	const line = chartLines({columns: [{name: 'day', kind: 'date'}, {name: 'events', kind: 'number'}], rows: days}, {kind: 'line', x: 'day', y: ['events']}, 60, 10);
	assert.equal(line.length, 10, 'plot, axis and legend lines fill the height exactly');
	for (const text of line) assert.ok(stringWidth(text) <= 60, `"${text}" wider than 60`);
	assert.match(line.at(-1) ?? '', /events by day/);
	const bars = chartLines(result([['play_video', 5], ['pause_video', 2], ['problem_check', 1]]), {kind: 'bar', x: 'event_type', y: ['events']}, 40, 3);
	assert.equal(bars.length, 3, 'two bars and the "more rows" line');
	assert.match(bars[0] ?? '', /^play_video +█+ 5$/);
	assert.equal(bars[2], '… 1 more rows');
	assert.match(chartLines(result([]), {kind: 'bar', x: 'nope', y: ['events']}, 40, 5)[0] ?? '', /needs columns nope/);
	assert.deepEqual(downsample([1, 3, 5, 7], 2), [2, 6]);
});

test('the zones of the precomputed days: UTC alone, or the day zone and UTC', () => {
	assert.equal(dayZonesText('UTC'), 'UTC');
	assert.equal(dayZonesText('Europe/Moscow'), 'Europe/Moscow + UTC');
});
