import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ascendingOrder, createTableState, shownColumns, tableReducer, type Cell, type TableAction, type TableState} from '../../source/ui/state/table-state.js';

function table(rows: Cell[][], pageRows = 5, columnWidths = [10, 10, 10], pageWidth = 80): TableState {
	return createTableState(rows, {pageRows, pageWidth, columnWidths});
}

function apply(state: TableState, ...actions: TableAction[]): TableState {
	return actions.reduce(tableReducer, state);
}

const numbered = (count: number): Cell[][] => Array.from({length: count}, (_, index) => [`row ${index}`, index, index % 3 === 0 ? null : `x${index % 7}`]);

test('the cursor moves, pages and jumps, and the top row follows it', () => {
	const state = table(numbered(100));
	assert.deepEqual(pick(apply(state, {type: 'move-row', by: 1})), {cursorRow: 1, topRow: 0});
	assert.deepEqual(pick(apply(state, {type: 'move-row', by: -1})), {cursorRow: 0, topRow: 0}, 'clamped at the first row');
	assert.deepEqual(pick(apply(state, {type: 'move-row', by: 5})), {cursorRow: 5, topRow: 1}, 'scrolls one row past the page');
	assert.deepEqual(pick(apply(state, {type: 'page', by: 1})), {cursorRow: 5, topRow: 5});
	assert.deepEqual(pick(apply(state, {type: 'page', by: 1}, {type: 'page', by: -1})), {cursorRow: 0, topRow: 0});
	assert.deepEqual(pick(apply(state, {type: 'bottom'})), {cursorRow: 99, topRow: 95});
	assert.deepEqual(pick(apply(state, {type: 'bottom'}, {type: 'top'})), {cursorRow: 0, topRow: 0});
	assert.deepEqual(pick(apply(state, {type: 'bottom'}, {type: 'page', by: 1})), {cursorRow: 99, topRow: 95}, 'never past the end');
});

test('a resize keeps the cursor visible', () => {
	const state = apply(table(numbered(100), 20), {type: 'move-row', by: 19}, {type: 'resize', pageRows: 5, pageWidth: 80, columnWidths: [10, 10, 10]});
	assert.deepEqual(pick(state), {cursorRow: 19, topRow: 15});
});

test('moving right past the screen scrolls the columns, moving back scrolls them back', () => {
	// 4 columns of 30 cells (+2 gap) in 70 cells: columns 0 and 1 fit; scrolled, column 0 (the key) stays beside one other.
	const state = table([['a', 'b', 'c', 'd']], 5, [30, 30, 30, 30], 70);
	const right = apply(state, {type: 'move-column', by: 1});
	assert.equal(right.leftColumn, 0);
	const further = apply(right, {type: 'move-column', by: 1});
	assert.deepEqual([further.cursorColumn, further.leftColumn], [2, 2]);
	assert.deepEqual(shownColumns(further).columns.map((column) => column.index), [0, 2]);
	const last = apply(further, {type: 'move-column', by: 5});
	assert.deepEqual([last.cursorColumn, last.leftColumn], [3, 3]);
	const back = apply(last, {type: 'move-column', by: -3});
	assert.deepEqual([back.cursorColumn, back.leftColumn], [0, 0]);
});

test("the task's key columns stay in sight while the cursor goes to the last of 22 columns and back", () => {
	const widths = [13, 34, 8, 6, 20, 7, ...Array.from({length: 16}, () => 9)];
	let state = createTableState([widths.map((_, index) => `v${index}`)], {pageRows: 5, pageWidth: 77, columnWidths: widths}, [], [0, 1]);
	for (let column = 1; column < widths.length; column++) {
		state = apply(state, {type: 'move-column', by: 1});
		const shown = shownColumns(state).columns.map((shownColumn) => shownColumn.index);
		assert.deepEqual(shown.slice(0, 2), [0, 1], `cursor on ${column}: ${shown.join(',')}`);
		assert.ok(shown.includes(column), `the cursor's column ${column} is shown: ${shown.join(',')}`);
	}
	assert.equal(shownColumns(state).hiddenRight, false);
	state = apply(state, {type: 'move-column', by: -21});
	assert.deepEqual([state.cursorColumn, state.leftColumn, shownColumns(state).pinned], [0, 0, 0]);
});

test('sorting by the current column: numbers numerically, text as text, NULLs last, again restores the order', () => {
	const rows: Cell[][] = [
		['b', 10, null],
		['a', 9, 'z'],
		['c', 100, 'y'],
	];
	const byNumberDesc = apply(table(rows), {type: 'move-column', by: 1}, {type: 'sort', direction: 'desc'});
	assert.deepEqual(byNumberDesc.view, [2, 0, 1]);
	const byNumberAsc = apply(byNumberDesc, {type: 'sort', direction: 'asc'});
	assert.deepEqual(byNumberAsc.view, [1, 0, 2], '9 < 10 < 100, not as text');
	assert.deepEqual(apply(byNumberAsc, {type: 'sort', direction: 'asc'}).view, [0, 1, 2], 'the same key again: original order');
	const nullsLast = apply(table(rows), {type: 'move-column', by: 2}, {type: 'sort', direction: 'asc'});
	assert.deepEqual(nullsLast.view, [2, 1, 0]);
	assert.deepEqual(apply(nullsLast, {type: 'sort', direction: 'desc'}).view, [1, 2, 0], 'NULL last in both directions');
});

test('sorting keeps the cursor on the same row', () => {
	const state = apply(table(numbered(10)), {type: 'move-row', by: 3}, {type: 'move-column', by: 1}, {type: 'sort', direction: 'desc'});
	assert.equal(state.view[state.cursorRow], 3);
	assert.equal(state.cursorRow, 6);
});

test('search jumps to the next match, n and N move between matches and wrap around', () => {
	const rows: Cell[][] = [['alpha'], ['beta'], ['Alphabet'], ['gamma'], ['alpine']];
	const state = apply(table(rows, 5, [10]), {type: 'move-row', by: 1}, {type: 'search', query: 'ALP'});
	assert.equal(state.cursorRow, 2, 'first match at or after the cursor, case-insensitive');
	const next = apply(state, {type: 'next-match', by: 1});
	assert.equal(next.cursorRow, 4);
	const wrapped = apply(next, {type: 'next-match', by: 1});
	assert.equal(wrapped.cursorRow, 0);
	assert.equal(wrapped.notice, 'Search wrapped around.');
	assert.equal(apply(wrapped, {type: 'next-match', by: -1}).cursorRow, 4, 'N goes backwards, wrapping');
	const none = apply(state, {type: 'search', query: 'zeta'});
	assert.equal(none.cursorRow, 2, 'no match: the cursor stays');
	assert.equal(none.notice, 'No match for "zeta".');
	assert.equal(none.search, 'ALP', 'and the search before it stays on');
	assert.equal(apply(table(rows, 5, [10]), {type: 'search', query: 'zeta'}).search, '', 'no search is left on that matches nothing');
});

test("a time in the run's zone is found as the table shows it, and by its ISO text", () => {
	const state = table([['2018-09-07T19:20:28.778039+03:00'], ['2018-11-04T01:30:00-04:00'], ['2018-11-04T01:30:00-05:00']], 5, [19]);
	assert.equal(apply(state, {type: 'search', query: '2018-09-07 19:20'}).cursorRow, 0);
	assert.equal(apply(state, {type: 'search', query: '2018-11-04 01:30'}).view.length, 3, 'no filter: every row stays in view');
	assert.deepEqual(apply(state, {type: 'search', query: '2018-11-04 01:30'}, {type: 'toggle-filter'}).view, [1, 2]);
	assert.deepEqual(apply(state, {type: 'search', query: '-05:00'}, {type: 'toggle-filter'}).view, [2]);
});

test('numbers are found as shown (1,234) and as typed (1234)', () => {
	const state = table([[1], [1234], [5]], 5, [6]);
	assert.equal(apply(state, {type: 'search', query: '1,234'}).cursorRow, 1);
	assert.equal(apply(state, {type: 'search', query: '1234'}).cursorRow, 1);
});

test('f keeps only the matching rows, in the current sort; f again shows all rows', () => {
	const rows: Cell[][] = [['x', 3], ['y', 1], ['x', 2], ['z', 5]];
	const noSearch = apply(table(rows, 5, [5, 5]), {type: 'toggle-filter'});
	assert.equal(noSearch.filtered, false);
	assert.match(noSearch.notice ?? '', /Search first/);
	const filtered = apply(table(rows, 5, [5, 5]), {type: 'move-column', by: 1}, {type: 'sort', direction: 'asc'}, {type: 'search', query: 'x'}, {type: 'toggle-filter'});
	assert.deepEqual(filtered.view, [2, 0]);
	assert.deepEqual(apply(filtered, {type: 'toggle-filter'}).view, [1, 2, 0, 3]);
	// A search that matches nothing leaves the filtered rows as they were, rather than an empty table.
	const unchanged = apply(filtered, {type: 'search', query: 'nothing'});
	assert.deepEqual([unchanged.view, unchanged.search, unchanged.filtered, unchanged.notice], [[2, 0], 'x', true, 'No match for "nothing".']);
	// Another search while filtered filters by it, from all the rows (z was not in the filtered view).
	const other = apply(filtered, {type: 'search', query: 'z'});
	assert.deepEqual([other.view, other.search, other.filtered, other.cursorRow], [[3], 'z', true, 0]);
});

test('100,000 rows sort, search and scroll without copying the rows', () => {
	const rows = numbered(100_000);
	const state = apply(table(rows, 20), {type: 'move-column', by: 1}, {type: 'sort', direction: 'desc'}, {type: 'bottom'});
	assert.equal(state.rows, rows, 'the result is referenced, not copied');
	assert.equal(state.view[0], 99_999);
	assert.equal(state.view[state.cursorRow], 0);
	assert.equal(state.topRow, 100_000 - 20);
	const found = apply(state, {type: 'top'}, {type: 'search', query: 'row 54321'});
	assert.equal(found.view[found.cursorRow], 54_321);
});

test('a search for text does not format the number cells, which cannot hold it (a full pass over 475k rows took 0.6-0.9 s)', () => {
	const rows = numbered(1000);
	// Every number cell the search shows as text is formatted with toFixed (cellText): counted here.
	const toFixed = Number.prototype.toFixed;
	let formatted = 0;
	Number.prototype.toFixed = function (this: number, digits?: number) {
		formatted++;
		return toFixed.call(this, digits);
	};
	try {
		const found = apply(table(rows), {type: 'search', query: 'row 999'});
		assert.equal(found.view[found.cursorRow], 999);
		assert.equal(apply(found, {type: 'toggle-filter'}).view.length, 1);
		assert.equal(formatted, 0, 'no number was formatted for a query with letters');
		// A query that may be part of a number still finds it as shown, and as written.
		assert.equal(apply(table(rows), {type: 'search', query: '998'}).cursorRow, 998);
		assert.ok(formatted > 0);
	} finally {
		Number.prototype.toFixed = toFixed;
	}
	const special: Cell[][] = [['a', 1e21], ['b', Number.NaN], ['c', -1234.5]];
	assert.equal(apply(table(special), {type: 'search', query: 'e+21'}).cursorRow, 0, 'as String writes it');
	assert.equal(apply(table(special), {type: 'search', query: 'nan'}).cursorRow, 1, 'a number that is not finite, as shown');
	assert.equal(apply(table(special), {type: 'search', query: '-1,234.5'}).cursorRow, 2);
});

test('a search for a number formats each number cell without toLocaleString (a filter by 58.1 over 337k rows took 0.8-0.9 s)', () => {
	const rows: Cell[][] = Array.from({length: 1000}, (_, index) => [`row ${index}`, index * 1000.5]);
	const toLocaleString = Number.prototype.toLocaleString;
	let localized = 0;
	Number.prototype.toLocaleString = function (this: number, ...options: Parameters<typeof toLocaleString>) {
		localized++;
		return toLocaleString.apply(this, options);
	};
	try {
		const filtered = apply(table(rows), {type: 'search', query: '1,000.5'}, {type: 'toggle-filter'});
		assert.deepEqual(filtered.view, [1]);
		assert.equal(localized, 0);
	} finally {
		Number.prototype.toLocaleString = toLocaleString;
	}
});

test('a search passes over the rows once, in their own order: n, N and f then reuse what it found (sorted, a pass took 0.3-0.7 s at 10M)', () => {
	const rows = numbered(1000);
	const sorted = apply(table(rows), {type: 'move-column', by: 2}, {type: 'sort', direction: 'desc'});
	// Each text cell the search reads is lowered once: counted here.
	const toLowerCase = String.prototype.toLowerCase;
	let lowered = 0;
	String.prototype.toLowerCase = function (this: string) {
		lowered++;
		return toLowerCase.call(this);
	};
	let found: TableState;
	try {
		found = apply(sorted, {type: 'search', query: 'row 500'}, {type: 'next-match', by: 1}, {type: 'next-match', by: -1}, {type: 'toggle-filter'}, {type: 'toggle-filter'}, {type: 'next-match', by: 1});
	} finally {
		String.prototype.toLowerCase = toLowerCase;
	}
	assert.equal(found.view[found.cursorRow], 500);
	// Two text columns a row, and the query itself, a few times.
	assert.ok(lowered <= 2 * rows.length + 10, `${lowered} cells lowered for 1,000 rows`);
});

function pick(state: TableState): {cursorRow: number; topRow: number} {
	return {cursorRow: state.cursorRow, topRow: state.topRow};
}

test('UTC timestamps sort by time: a whole second (PostgreSQL prints no fraction) before its fractions, either way round', () => {
	const rows: Cell[][] = [['2024-03-02T11:33:05.5Z'], ['2024-03-02T11:33:05Z'], ['2024-03-02T11:33:04.999Z'], [null]];
	const sorted = (direction: 'asc' | 'desc') => {
		const state = tableReducer(createTableState(rows, {pageRows: 10, pageWidth: 80, columnWidths: [24]}), {type: 'sort', direction});
		return state.view.map((index) => rows[index]![0]);
	};
	assert.deepEqual(sorted('asc'), ['2024-03-02T11:33:04.999Z', '2024-03-02T11:33:05Z', '2024-03-02T11:33:05.5Z', null]);
	assert.deepEqual(sorted('desc'), ['2024-03-02T11:33:05.5Z', '2024-03-02T11:33:05Z', '2024-03-02T11:33:04.999Z', null], 'NULLs last both ways');
});

test('a column is sorted once per result: the other direction, the original order and the filter reuse its order', () => {
	// Ties (the 3s, the "b"s) keep the result's order in both directions; NULLs stay last.
	const rows: Cell[][] = [['b', 3], ['a', null], ['c', 1], ['b', 3], ['a', 2], ['b', null], ['c', 3]];
	const byNumber = apply(table(rows), {type: 'move-column', by: 1});
	const ascending = apply(byNumber, {type: 'sort', direction: 'asc'});
	assert.deepEqual(ascending.view, [2, 4, 0, 3, 6, 1, 5]);
	const sorted = ascendingOrder(rows, 1).order;
	// 475k rows took 0.5-0.9 s a key when every [ ] or f sorted them again: the same order object comes back.
	const descending = apply(ascending, {type: 'sort', direction: 'desc'});
	assert.deepEqual(descending.view, [0, 3, 6, 4, 2, 1, 5]);
	const again = apply(descending, {type: 'sort', direction: 'desc'}, {type: 'sort', direction: 'asc'});
	assert.equal(again.view, sorted);
	assert.equal(ascendingOrder(rows, 1).order, sorted);
	const filtered = apply(again, {type: 'search', query: 'b'}, {type: 'toggle-filter'});
	assert.deepEqual(filtered.view, [0, 3, 5]);
	assert.equal(ascendingOrder(rows, 1).order, sorted);
	const byText = apply(table(rows), {type: 'sort', direction: 'desc'});
	assert.deepEqual(byText.view, [2, 6, 0, 3, 5, 1, 4]);
});

test("a number a task keeps as text (past a double's digits) sorts by its value among the column's numbers", () => {
	// As text, 95 came after 9007199254740993 and 100000000000000000001 before 12.
	const rows: Cell[][] = [['a', '9007199254740993'], ['b', 95], ['c', '100000000000000000001'], ['d', 12], ['e', '-12345678901234567'], ['f', '0.33333333333333333333'], ['g', '12345678.123456789']];
	const numbers = createTableState(rows, {pageRows: 5, pageWidth: 80, columnWidths: [10, 10]}, [false, true]);
	const sorted = apply(numbers, {type: 'move-column', by: 1}, {type: 'sort', direction: 'asc'});
	assert.deepEqual(sorted.view, [4, 5, 3, 1, 6, 0, 2]);
});

test('long digit strings in a text column sort as the text they are, not as the nearest double', () => {
	// As numbers both were 12345678901234568, and a tie kept the result's order; as text a number of 19 digits read 1234567890123456800.
	const rows: Cell[][] = [['12345678901234568'], ['12345678901234567'], ['abc'], ['1234567890123456789']];
	const sorted = apply(createTableState(rows, {pageRows: 5, pageWidth: 80, columnWidths: [20]}, [false]), {type: 'sort', direction: 'asc'});
	assert.deepEqual(sorted.view, [1, 3, 0, 2]);
});
