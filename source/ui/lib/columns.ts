import stringWidth from 'string-width';
import type {TaskResult} from '../../tasks/types.js';
import {SAMPLED_ROWS, cellText, columnPlaces, oneLineCell, truncated} from '../../format.js';

/** Columns are separated by this many spaces. */
export const COLUMN_GAP = 2;
/**
 * What goes before each line of a list or the table: "▸ " on the cursor's, as wide in blanks on the others. Inverse
 * video alone showed the table's, and a terminal without attributes (FORCE_COLOR=0, TERM=dumb) showed no cursor at all.
 */
export const rowMark = (isCursor: boolean) => (isCursor ? '▸ ' : '  ');
export const ROW_MARK_WIDTH = rowMark(true).length;
/** Natural width of each column: header and the first rows, measured with string-width (CJK-aware). */
export function naturalWidths(result: Pick<TaskResult, 'columns' | 'rows'>, places = columnPlaces(result)): number[] {
	return result.columns.map((column, index) => {
		// One more cell for the sort mark (▲/▼) after the name.
		let width = stringWidth(column.name) + 1;
		for (const row of result.rows.slice(0, SAMPLED_ROWS)) width = Math.max(width, stringWidth(cellText(row[index] ?? null, column.kind, places[index])));
		return Math.max(width, 1);
	});
}

/** Caps each column at max(20, half the screen) (Harlequin), so one long text column cannot hide the rest. */
export function cappedWidths(natural: number[], screenWidth: number): number[] {
	const cap = Math.max(20, Math.floor(screenWidth / 2));
	return natural.map((width) => Math.min(width, cap, Math.max(1, screenWidth - 1)));
}

/** Cells the "‹ " before scrolled columns and the " ›" after them take. */
const MARKER_WIDTH = 2;
/** A column cut narrower than this is not worth showing: it is left for the next page. */
const MIN_SQUEEZED_WIDTH = 10;
/** Cells the scrolled columns keep beside the pinned key columns however narrow the screen: a number such as "1,234". */
const MIN_SCROLLED_WIDTH = 6;
/**
 * Key columns pinned together are not cut narrower than this: the last ones are left out instead (at 30 columns,
 * username and course_id cut to "Анна…" and "…2018" told less than "Анна_Иванова" alone).
 */
const MIN_PINNED_WIDTH = 8;

export type ColumnLayout = {
	/** The columns shown, in order, each with the cells it gets (a pinned key column or the last may be cut narrower than its width). */
	columns: Array<{index: number; width: number}>;
	/** How many of `columns`, at their start, are key columns pinned while scrolled right. */
	pinned: number;
	/** Columns hidden between the pinned ones (or the left edge) and the scrolled ones: shown as "‹". */
	hiddenLeft: boolean;
	/** Columns after the last shown: shown as "›". */
	hiddenRight: boolean;
};

/**
 * The result's key columns, the row's identifying ones (username and course_id of learner-summary), by index: those the
 * task's `key:` header names, in the result's order, else the first column; `missing` are the names the result lacks.
 */
export function keyColumns(names: readonly string[] | undefined, columns: ReadonlyArray<{name: string}>): {indices: number[]; missing: string[]} {
	const found = (names ?? []).map((name) => columns.findIndex((column) => column.name === name));
	const indices = found.filter((index) => index >= 0).sort((a, b) => a - b);
	const missing = (names ?? []).filter((_, position) => found[position]! < 0);
	return {indices: indices.length > 0 ? indices : columns.length > 0 ? [0] : [], missing};
}

/**
 * The cells each pinned key column gets within `budget`: all of its width when they fit, else the widest cut alike
 * (a short username stays whole beside a long course id); with too little room for them all, the last are left out.
 */
export function pinnedWidths(widths: readonly number[], budget: number): number[] {
	for (let count = widths.length; count > 0; count--) {
		const kept = widths.slice(0, count);
		const room = budget - COLUMN_GAP * (count - 1);
		let cap = Math.max(...kept);
		while (cap > 1 && kept.reduce((sum, width) => sum + Math.min(width, cap), 0) > room) cap--;
		if (kept.reduce((sum, width) => sum + Math.min(width, cap), 0) <= room && (count === 1 || cap >= MIN_PINNED_WIDTH)) return kept.map((width) => Math.min(width, cap));
	}
	return [];
}

/**
 * The columns shown from `left` on within `pageWidth` cells. Scrolled right, the key columns left of `left` (the row's
 * label: username, day…; `keys`, the first column unless the task names others) stay pinned at the left, taking at
 * most half the page and leaving the scrolled columns MIN_SCROLLED_WIDTH at least (a wider key is cut, see
 * pinnedWidths). A column that does not fit whole is cut to the room left rather than leaving it blank, and at least
 * one scrolled column is always shown.
 */
export function columnLayout(widths: readonly number[], left: number, pageWidth: number, keys: readonly number[] = [0]): ColumnLayout {
	const budget = Math.min(Math.floor(pageWidth / 2), pageWidth - COLUMN_GAP - 2 * MARKER_WIDTH - MIN_SCROLLED_WIDTH);
	const pinnable = keys.filter((index) => index < left && index < widths.length);
	const cut = pinnedWidths(pinnable.map((index) => widths[index] ?? 1), budget);
	const columns: ColumnLayout['columns'] = cut.map((width, position) => ({index: pinnable[position]!, width}));
	const pinned = columns.length;
	const hiddenLeft = left > pinned;
	let used = cut.reduce((sum, width) => sum + width + COLUMN_GAP, 0) + (hiddenLeft ? MARKER_WIDTH : 0);
	const allFit = widths.slice(left).reduce((sum, width) => sum + width + COLUMN_GAP, used - COLUMN_GAP) <= pageWidth;
	// Unless the rest fits, keep room for the "›".
	const room = pageWidth - (allFit ? 0 : MARKER_WIDTH);
	for (let index = left; index < widths.length; index++) {
		const width = widths[index] ?? 1;
		const free = room - used;
		if (width <= free) columns.push({index, width});
		else if (columns.length === pinned || free >= MIN_SQUEEZED_WIDTH) columns.push({index, width: Math.max(1, Math.min(width, free))});
		if (width > free) break;
		used += width + COLUMN_GAP;
	}
	const last = columns.at(-1)?.index ?? 0;
	return {columns, pinned, hiddenLeft, hiddenRight: last < widths.length - 1};
}

/** Is the column shown at its whole width (the cursor's column must be)? */
export function showsWhole(layout: ColumnLayout, widths: number[], index: number): boolean {
	return layout.columns.some((column) => column.index === index && column.width >= (widths[index] ?? 1));
}

/**
 * Text whose end tells values apart (URLs, paths, Open edX keys such as block-v1:…@hash and the older
 * i4x-Org-Course-video-hash ids of videos and problem parts, old course ids Org/Course/Run): cut at the start, since
 * these share a long prefix (https://courses.openedu.ru/courses/course-v1:…, i4x-edX-Open_DemoX-problem-…,
 * edX/DemoX/Demo_Course and edX/DemoX/Demo_Course_2).
 */
export function keepsEnd(text: string): boolean {
	return /^(?:[a-z][\w+.-]*:\/\/|\/|[a-z]+-v1:|i4x-)\S+$/i.test(text) || /^[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(text);
}

/** Pads or truncates (with "…") to exactly `width` cells; numbers go right, URL-like text keeps its end. */
export function fitCell(text: string, width: number, alignRight: boolean): string {
	const flat = oneLineCell(text);
	const cut = stringWidth(flat) > width ? truncated(flat, width, keepsEnd(flat) ? 'start' : 'end') : flat;
	const padding = ' '.repeat(Math.max(0, width - stringWidth(cut)));
	return alignRight ? padding + cut : cut + padding;
}

/** The gap between a menu title and its description. */
const MENU_GAP = 2;
/** The menu titles' column at 80 columns, gap included: "Funnel from enrollment to completion" whole, the descriptions 40 columns. */
const MENU_TITLE_COLUMN = 38;
/** Wider, the titles' column takes up to this share of the row, so that fewer titles are cut. */
const MENU_TITLE_SHARE = 0.45;
/** Fewer columns left for a description beside the titles: none is shown (a lone "…" said nothing). */
const MIN_DESCRIPTION_WIDTH = 8;

/** The menu titles' column in a row of `room`, gap included: as wide as the widest of `titles` needs, up to MENU_TITLE_COLUMN or MENU_TITLE_SHARE of the row. */
export function menuTitleColumn(titles: string[], room: number): number {
	return Math.min(Math.max(MENU_TITLE_COLUMN, Math.floor(room * MENU_TITLE_SHARE)), Math.max(10, ...titles.map((title) => stringWidth(title))) + MENU_GAP);
}

/**
 * `title` in `width` cells, cut after a whole word with "…", a bracket it leaves open closed after it: "Item analysis
 * (difficulty, …)"; cut in a word only when its first word alone is too wide.
 */
function titleCut(title: string, width: number): string {
	if (stringWidth(title) <= width) return title;
	const words = title.split(' ');
	for (let count = words.length - 1; count >= 1; count--) {
		const head = words.slice(0, count).join(' ');
		const open = (head.match(/\(/g)?.length ?? 0) > (head.match(/\)/g)?.length ?? 0);
		const cut = `${head}${head.endsWith(',') ? ' ' : ''}…${open ? ')' : ''}`;
		if (stringWidth(cut) <= width) return cut;
	}
	return truncated(title, width);
}

/**
 * A task's row on the menu, in the `room` beside its mark: its title in the titles' `column` (cut to it: see titleCut),
 * then its description cut to what is left, so that every description starts in the same column; with no room for a
 * few words of it, the title alone (cut to the row). A title longer than the column was whole, its description
 * starting further right: 10 of the 45 titles at 80 columns, each description in a column of its own.
 */
export function menuRow(title: string, description: string, column: number, room: number): {title: string; description: string} {
	const left = room - column;
	if (left < MIN_DESCRIPTION_WIDTH) return {title: titleCut(title, room), description: ''};
	return {title: fitCell(titleCut(title, column - MENU_GAP), column - MENU_GAP, false) + ' '.repeat(MENU_GAP), description: truncated(oneLineCell(description), left)};
}

/**
 * A list entry's `label` within `width` beside its `count` (" 40 learners with checks"): cut at its end, down to 8
 * columns, so that the count stays in sight. Cut with the line, a problem's label (its id, unit and page) took the
 * whole line at 100 columns and the counts the list is ordered by were never seen.
 */
export function besideCount(label: string, count: string, width: number): string {
	return truncated(label, Math.max(MIN_DESCRIPTION_WIDTH, width - stringWidth(count)));
}

export {stringWidth};
