import {cellText, wallTime} from '../../format.js';
import {columnLayout, showsWhole, type ColumnLayout} from '../lib/columns.js';

/**
 * The result table's whole interaction state as one pure reducer: cursor, scroll offsets, sort,
 * search and the "only matching rows" filter. The view is a list of row indices into the result,
 * so sorting or filtering 100k rows never copies them, and rendering reads only the visible slice.
 */
export type Cell = string | number | boolean | null;

export type SortOrder = {column: number; direction: 'asc' | 'desc'};

export type TableState = {
	rows: Cell[][];
	/** Row indices in display order (sorted, filtered). */
	view: number[];
	cursorRow: number;
	cursorColumn: number;
	topRow: number;
	leftColumn: number;
	/** Data rows that fit on screen. */
	pageRows: number;
	/** Screen cells available for columns, and each column's display width. */
	pageWidth: number;
	columnWidths: number[];
	/** The key columns, pinned at the left when scrolled right (keyColumns): the first column unless the task names others. */
	keyColumns: number[];
	/** Which columns are numbers (their kind): only there is a text a number kept as text (numberKeptAsText). */
	numericColumns: boolean[];
	sort?: SortOrder;
	search: string;
	filtered: boolean;
	/** One-line feedback ("no match for …"), cleared by the next action. */
	notice?: string;
	/** The last search, when it found nothing and none is on: f and n answer about it ("Search first" read as if none was typed). */
	missed?: string;
};

export type TableAction =
	| {type: 'move-row'; by: number}
	| {type: 'move-column'; by: number}
	| {type: 'page'; by: 1 | -1}
	| {type: 'top'}
	| {type: 'bottom'}
	| {type: 'resize'; pageRows: number; pageWidth: number; columnWidths: number[]}
	| {type: 'sort'; direction: 'asc' | 'desc'}
	| {type: 'search'; query: string}
	| {type: 'next-match'; by: 1 | -1}
	| {type: 'toggle-filter'};

export function createTableState(rows: Cell[][], layout: {pageRows: number; pageWidth: number; columnWidths: number[]}, numericColumns: boolean[] = [], keyColumns: number[] = [0]): TableState {
	return {
		rows,
		numericColumns,
		keyColumns,
		view: rows.map((_, index) => index),
		cursorRow: 0,
		cursorColumn: 0,
		topRow: 0,
		leftColumn: 0,
		...layout,
		pageRows: Math.max(1, layout.pageRows),
		search: '',
		filtered: false,
	};
}

export function tableReducer(state: TableState, action: TableAction): TableState {
	const next = {...state, notice: undefined};
	switch (action.type) {
		case 'move-row':
			return scrolled({...next, cursorRow: next.cursorRow + action.by});
		case 'page':
			return scrolled({...next, cursorRow: next.cursorRow + action.by * next.pageRows, topRow: next.topRow + action.by * next.pageRows});
		case 'top':
			return scrolled({...next, cursorRow: 0});
		case 'bottom':
			return scrolled({...next, cursorRow: next.view.length - 1});
		case 'move-column':
			return scrolled({...next, cursorColumn: next.cursorColumn + action.by});
		case 'resize':
			return scrolled({...next, pageRows: Math.max(1, action.pageRows), pageWidth: action.pageWidth, columnWidths: action.columnWidths});
		case 'sort': {
			const same = next.sort?.column === next.cursorColumn && next.sort.direction === action.direction;
			const sort = same ? undefined : {column: next.cursorColumn, direction: action.direction};
			return withView({...next, sort}, {keepRow: true});
		}
		case 'search': {
			const query = action.query.trim();
			if (!query) return withView({...next, search: '', filtered: false, missed: undefined}, {keepRow: true});
			// A search that finds nothing changes nothing (no empty view, no marker of a search that is not on), and says so.
			const notFound = {...next, notice: `No match for "${query}".`, missed: next.search ? undefined : query};
			const searched = {...next, search: query, missed: undefined};
			// One pass over the rows either way: a search that found something passed twice (time-on-course-by-day at 10M, 337k
			// rows: 1.3 s to find the last learner, 0.6 s now).
			if (next.filtered) {
				const filtered = withView(searched, {keepRow: false});
				return filtered.view.length > 0 ? filtered : notFound;
			}
			const position = matchPosition(searched, next.cursorRow, 1);
			return position < 0 ? notFound : jumpTo(searched, position, next.cursorRow, 1);
		}
		case 'next-match':
			if (!next.search) return {...next, notice: next.missed ? missedNotice(next.missed) : 'No search yet: press / to search.'};
			return jumpToMatch(next, next.cursorRow + action.by, action.by);
		case 'toggle-filter':
			if (!next.search && !next.filtered) return {...next, notice: next.missed ? missedNotice(next.missed) : 'Search first (/), then f shows only the matching rows.'};
			return withView({...next, filtered: !next.filtered}, {keepRow: next.filtered});
	}
}

function missedNotice(query: string): string {
	return `No cell matches "${query}" (/ searches again).`;
}

/** What ] does here, for the hint line: it sorts descending, or, on the column already sorted so, restores the order. */
export function sortDescHint(state: Pick<TableState, 'sort' | 'cursorColumn'>): string {
	return state.sort?.column === state.cursorColumn && state.sort.direction === 'desc' ? 'original order' : 'sort desc';
}

/** The columns the table shows, its key columns pinned when scrolled right (columnLayout). */
export function shownColumns(state: Pick<TableState, 'columnWidths' | 'leftColumn' | 'pageWidth' | 'keyColumns'>): ColumnLayout {
	return columnLayout(state.columnWidths, state.leftColumn, state.pageWidth, state.keyColumns);
}

/** The rows as the table shows them, sorted and filtered: what the chart draws. */
export function viewRows(state: Pick<TableState, 'rows' | 'view'>): Cell[][] {
	return state.view.map((row) => state.rows[row]!);
}

/** Does any cell of a row contain the query (case-insensitive, as displayed)? */
export function rowMatcher(query: string): (row: Cell[]) => boolean {
	const lower = query.toLowerCase();
	const numbers = mayBeInNumber(lower);
	return (row) =>
		row.some((value) => {
			// A time in the run's zone (2018-09-07T19:20:28+03:00) by its ISO text or as the table shows it (2018-09-07 19:20:28):
			// it was a wall time alone. Only a text with a T where an ISO time has it is tried so.
			if (typeof value === 'string' && value[10] === 'T' && wallTime(value).toLowerCase().includes(lower)) return true;
			if (typeof value !== 'number') return cellText(value).toLowerCase().includes(lower);
			if (!numbers && Number.isFinite(value)) return false;
			return cellText(value).toLowerCase().includes(lower) || String(value).includes(lower);
		});
}

/**
 * Could the query be part of a finite number as a cell shows it ("-1,234.5") or as String writes it ("1e+21")? A query
 * with any other character cannot: the numbers are then not formatted, which took most of a search's time (a pass
 * over learner-unit-events' 475k rows for a learner: 0.6-0.9 s).
 */
function mayBeInNumber(lowerQuery: string): boolean {
	return /^[\d,.+e-]+$/.test(lowerQuery);
}

export function compareCells(a: Cell, b: Cell): number {
	return compareKeys(sortKey(a, false), sortKey(b, false));
}

/** A non-NULL cell as it sorts: a number as itself (in a column of numbers, also one kept as text), anything else as sortText. */
type SortKey = number | string;

function sortKey(value: Cell, numeric: boolean): SortKey {
	if (typeof value === 'number') return value;
	// Only a column of numbers holds them: a text column's long digit strings (ids, say) sort as the text they are.
	return (numeric ? numberKeptAsText(value) : undefined) ?? sortText(value);
}

/**
 * A number that a result keeps as its text, as a double cannot hold its digits (decodeNumber in result-values.ts:
 * 9007199254740993, 12345678.123456789), as near as a double gets (to sort and draw it among the others); else undefined.
 */
export function numberKeptAsText(value: Cell): number | undefined {
	return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) && value.replace(/\D/g, '').length > 15 ? Number(value) : undefined;
}

function compareKeys(a: SortKey, b: SortKey): number {
	// Numbers numerically, everything else as text.
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	// No destructuring here: this runs some 9M times for a sort of 475k rows.
	const left = String(a);
	const right = String(b);
	return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * A cell as text that sorts as it reads: a UTC timestamp without its Z, since PostgreSQL leaves out a zero fraction
 * and "…:05Z" sorted after "…:05.5Z" ('.' comes before 'Z'). Without it, a whole second sorts before its fractions.
 */
function sortText(value: Cell): string {
	const text = String(value);
	return /^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/.test(text) ? text.slice(0, -1) : text;
}

/** A column's ascending order, with the key each row sorts by (null for NULL). */
type Ascending = {order: number[]; keys: Array<SortKey | null>};

/** Each result's rows in ascending order of a column, by column. */
const ascendingOrders = new WeakMap<Cell[][], Map<number, Ascending>>();

/**
 * Every row's index in ascending order of the column (ties in the result's order, NULLs last), sorted once per
 * result and column: the other direction and the filter are read off it. Sorting 475k rows again on every [ ] or f
 * took 0.5-0.9 s a key, comparing keys made again (a regex for timestamps) twice per comparison.
 */
export function ascendingOrder(rows: Cell[][], column: number, numeric = false): Ascending {
	let orders = ascendingOrders.get(rows);
	if (!orders) ascendingOrders.set(rows, (orders = new Map()));
	let ascending = orders.get(column);
	if (!ascending) {
		const keys = rows.map((row) => {
			const value = row[column] ?? null;
			return value === null ? null : sortKey(value, numeric);
		});
		const order = rows.map((_, index) => index);
		order.sort((x, y) => {
			const a = keys[x] ?? null;
			const b = keys[y] ?? null;
			if (a === null || b === null) return a === b ? x - y : a === null ? 1 : -1;
			return compareKeys(a, b) || x - y;
		});
		orders.set(column, (ascending = {order, keys}));
	}
	return ascending;
}

/** The rows in the sort's order: descending is the ascending order's runs of equal cells backwards, each run (ties) and the NULLs still in the result's order. */
function sortedOrder(rows: Cell[][], sort: SortOrder, numeric: boolean): number[] {
	const {order, keys} = ascendingOrder(rows, sort.column, numeric);
	if (sort.direction === 'asc') return order;
	const key = (position: number) => keys[order[position] ?? -1] ?? null;
	let nulls = order.length;
	while (nulls > 0 && key(nulls - 1) === null) nulls--;
	const descending: number[] = [];
	for (let end = nulls; end > 0; ) {
		let start = end - 1;
		while (start > 0 && compareKeys(key(start - 1)!, key(end - 1)!) === 0) start--;
		for (let position = start; position < end; position++) descending.push(order[position]!);
		end = start;
	}
	return descending.concat(order.slice(nulls));
}

/** Each result's rows that match its last search, one byte a row (1: matches). */
const matchedRows = new WeakMap<Cell[][], {search: string; matched: Uint8Array}>();

/**
 * Which rows match the search: one pass over them in the result's order, kept for n, N and f. A pass in a sorted
 * view's order read rows strewn over memory (time-on-course-by-day at 10M, 337k rows: 60 ms in the result's order,
 * 0.3-0.5 s sorted), and n and f passed again.
 */
function matchedRowsOf(rows: Cell[][], search: string): Uint8Array {
	const last = matchedRows.get(rows);
	if (last?.search === search) return last.matched;
	const matches = rowMatcher(search);
	const matched = new Uint8Array(rows.length);
	rows.forEach((row, index) => {
		if (matches(row)) matched[index] = 1;
	});
	matchedRows.set(rows, {search, matched});
	return matched;
}

/** The display order for the current sort and filter. */
export function computeView(rows: Cell[][], sort: SortOrder | undefined, search: string, filtered: boolean, numericColumns: boolean[]): number[] {
	const order = sort ? sortedOrder(rows, sort, numericColumns[sort.column] === true) : rows.map((_, index) => index);
	if (!filtered || !search) return order;
	const matched = matchedRowsOf(rows, search);
	return order.filter((index) => matched[index] === 1);
}

function withView(state: TableState, {keepRow}: {keepRow: boolean}): TableState {
	const current = state.view[state.cursorRow];
	const view = computeView(state.rows, state.sort, state.search, state.filtered, state.numericColumns);
	const found = keepRow && current !== undefined ? view.indexOf(current) : -1;
	return scrolled({...state, view, cursorRow: Math.max(0, found), topRow: found >= 0 ? state.topRow : 0});
}

function jumpToMatch(state: TableState, from: number, step: 1 | -1): TableState {
	const position = matchPosition(state, from, step);
	return position < 0 ? {...state, notice: `No match for "${state.search}".`} : jumpTo(state, position, from, step);
}

/** The view position of the first row from `from` on (going by `step`, wrapping around) that matches the search; -1 when none does. */
function matchPosition(state: TableState, from: number, step: 1 | -1): number {
	const matched = matchedRowsOf(state.rows, state.search);
	const count = state.view.length;
	for (let offset = 0; offset < count; offset++) {
		const position = (((from + step * offset) % count) + count) % count;
		if (matched[state.view[position] ?? -1] === 1) return position;
	}
	return -1;
}

function jumpTo(state: TableState, position: number, from: number, step: 1 | -1): TableState {
	const wrapped = step > 0 ? position < from : position > from;
	return scrolled({...state, cursorRow: position, notice: wrapped ? 'Search wrapped around.' : undefined});
}

/** Clamps the cursor and moves the top row / left column just enough to keep the cursor visible. */
function scrolled(state: TableState): TableState {
	const rowCount = state.view.length;
	const columnCount = state.columnWidths.length;
	const cursorRow = clamp(state.cursorRow, 0, rowCount - 1);
	let topRow = clamp(state.topRow, 0, Math.max(0, rowCount - state.pageRows));
	if (cursorRow < topRow) topRow = cursorRow;
	if (cursorRow >= topRow + state.pageRows) topRow = cursorRow - state.pageRows + 1;
	const cursorColumn = clamp(state.cursorColumn, 0, columnCount - 1);
	let leftColumn = clamp(state.leftColumn, 0, columnCount - 1);
	if (cursorColumn < leftColumn) leftColumn = cursorColumn;
	const whole = (left: number) => showsWhole(shownColumns({...state, leftColumn: left}), state.columnWidths, cursorColumn);
	while (leftColumn < cursorColumn && !whole(leftColumn)) leftColumn++;
	return {...state, cursorRow, topRow, cursorColumn, leftColumn};
}

function clamp(value: number, low: number, high: number): number {
	return Math.max(low, Math.min(high, value));
}
