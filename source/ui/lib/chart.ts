import asciichart from 'asciichart';
import type {ChartSpec, ColumnKind, TaskResult} from '../../tasks/types.js';
import {type Cell, compareCells, numberKeptAsText, type TableState, viewRows} from '../state/table-state.js';
import {cellText, counted, truncated} from '../../format.js';
import {fitCell, stringWidth} from './columns.js';
import {thousands} from './format.js';

/**
 * The inline chart of a result, as text lines sized to the screen: a line chart (asciichart's look) with
 * its points placed by their x values (time, a number), horizontal bars for the first categories, or a heatmap.
 */
export function chartLines(result: Pick<TaskResult, 'columns' | 'rows'>, spec: ChartSpec, width: number, height: number, hidden: readonly number[] = []): string[] {
	const x = result.columns.findIndex((column) => column.name === spec.x);
	const ys = spec.kind === 'heatmap' ? heatmapColumns(result.columns, spec.y) : spec.y.map((name) => result.columns.findIndex((column) => column.name === name)).filter((index) => index >= 0);
	if (x < 0 || ys.length === 0) return [`The chart needs columns ${spec.x} and ${spec.y.join(', ')}, which this result does not have.`];
	if (result.rows.length === 0) return ['(no rows to chart)'];
	if (spec.kind === 'heatmap') return heatmapLines(result, x, ys, width, height);
	return spec.kind === 'bar' ? barLines(result, x, ys[0] ?? 0, width, height) : lineLines(result, x, ys, spec.sum === true, width, height, hidden);
}

/**
 * The columns a heatmap's `y` names, in its order: each a column, or `first..last` the result's columns from first to
 * last; none when one is missing (the chart then says which it needs rather than draw part of them).
 */
export function heatmapColumns(columns: ReadonlyArray<{name: string}>, y: string[]): number[] {
	const indexOf = (name: string) => columns.findIndex((column) => column.name === name);
	const indices: number[] = [];
	for (const part of y) {
		const [first, last] = part.includes('..') ? part.split('..') : [part, part];
		const [from, to] = [indexOf(first ?? ''), indexOf(last ?? '')];
		if (from < 0 || to < from) return [];
		for (let index = from; index <= to; index++) indices.push(index);
	}
	return indices;
}

/** A heatmap's shades, least to most: readable without colour (NO_COLOR, FORCE_COLOR=0), coloured where it is on. */
const SHADES = [...'░▒▓█'];
const SHADE_COLOURS = [asciichart.blue, asciichart.cyan, asciichart.yellow, asciichart.red];

/**
 * The shade (0 to SHADES.length - 1) of `value` between the least and the greatest cell. From the least, not from 0: a
 * course used round the clock (every hour within ±10 % of the others) was one shade from 0, its daily rhythm lost.
 * All cells equal are the darkest.
 */
export function shadeOf(value: number, min: number, max: number): number {
	if (max <= min) return SHADES.length - 1;
	return Math.min(SHADES.length - 1, Math.floor(((value - min) * SHADES.length) / (max - min)));
}

/**
 * The values each shade stands for, as shadeOf gives them: whole numbers by the whole numbers in each step (a step
 * with none left out), others by their step's ends.
 */
export function shadeRanges(min: number, max: number, whole: boolean): Array<{shade: number; from: number; to: number}> {
	if (max <= min) return [{shade: SHADES.length - 1, from: min, to: max}];
	const starts = SHADES.map((_, shade) => (shade === 0 ? min : min + ((max - min) * shade) / SHADES.length)).map((start) => (whole ? Math.ceil(start) : start));
	return starts.flatMap((from, shade) => {
		const next = starts[shade + 1];
		const to = next === undefined ? max : whole ? next - 1 : next;
		return to < from ? [] : [{shade, from, to}];
	});
}

/** The lines a heatmap of `rows` rows needs at least: a line a row, its axis and a legend's line. */
export const heatmapHeight = (rows: number) => rows + 2;

/** Columns a heatmap's row label takes at most: a third of the width, as a bar's label. */
const labelRoom = (width: number) => Math.floor(width / 3);

/**
 * A row of cells per result row, labelled by its x value, each cell shaded by its value (two characters a cell, one
 * when two do not fit, a line saying so when one does not); the cells' column names every few cells under them, and a
 * legend of the values each shade stands for. Fewer lines than its rows, axis and legend get a line saying so: a row
 * of a heatmap left out (a weekday of activity-heatmap's) is a gap in it, not one more bar.
 */
function heatmapLines(result: Pick<TaskResult, 'columns' | 'rows'>, x: number, cells: number[], width: number, height: number): string[] {
	const kind = result.columns[x]?.kind;
	const labels = result.rows.map((row) => cellText(row[x] ?? null, kind));
	const labelWidth = Math.min(Math.max(1, ...labels.map((label) => stringWidth(label))), labelRoom(width));
	const cellWidth = [2, 1].find((each) => labelWidth + 1 + cells.length * each <= width);
	if (cellWidth === undefined) return [truncated(`(The heatmap needs ${labelWidth + 1 + cells.length} columns.)`, width)];
	const values = result.rows.map((row) => cells.map((index) => plotted(row[index] ?? null)));
	const drawn = values.flat().filter((value): value is number => value !== null);
	const {min, max} = drawn.length > 0 ? extent(drawn) : {min: 0, max: 0};
	const shaded = (shade: number, text: string) => asciichart.colored(text, SHADE_COLOURS[shade] ?? asciichart.default);
	// Rows and the axis first; the legend on one line at least, on more when they are left.
	if (heatmapHeight(result.rows.length) > height) return [truncated(`(The heatmap needs ${heatmapHeight(result.rows.length)} lines: ${counted(result.rows.length, 'row')}, its axis and legend.)`, width)];
	const rows = values.map((row, index) => {
		const line = row
			.map((value) => {
				const shade = value === null ? undefined : shadeOf(value, min, max);
				return shade === undefined ? ' '.repeat(cellWidth) : shaded(shade, SHADES[shade]!.repeat(cellWidth));
			})
			.join('');
		return `${fitCell(labels[index] ?? '', labelWidth, false)} ${line}`;
	});
	const names = cells.map((index) => result.columns[index]?.name ?? '');
	const axis = `${' '.repeat(labelWidth + 1)}${axisLabels(names, cellWidth)}`;
	const number = (value: number) => cellText(value, 'number');
	const steps = shadeRanges(min, max, drawn.every(Number.isInteger));
	// Each shade's values, or where it starts (the last its range) when those do not fit: 6-digit counts' four ranges
	// took 86 columns, the darkest one cut at 80.
	const legendOf = (ranges: boolean) =>
		drawn.length === 0 ? ['no values'] : ['least to most:', ...steps.map(({shade, from, to}) => `${shaded(shade, SHADES[shade]!)} ${from === to || (!ranges && shade < SHADES.length - 1) ? number(from) : `${number(from)}–${number(to)}`}`)];
	const above = [...rows, truncated(axis, width)];
	// The ranges show where the shades start (the least cell's value, not 0); a narrow chart wraps them if it has the lines.
	const lines = Math.max(1, height - above.length);
	const full = captionLines(legendOf(true), 0, width, Number.POSITIVE_INFINITY, ' ');
	return [...above, ...(full.length <= lines ? full : captionLines(legendOf(false), 0, width, lines, ' '))];
}

/**
 * Under a heatmap's cells, a label every few cells: each column's name less the start they all share, a number without
 * its leading zeros (h00…h23 read 0, 3, 6 … 21), at least 6 columns apart and one wider than the widest; and the last
 * cell's, ending under it, where it leaves two blanks after the label before (… 21  23: the axis ended at 21, and
 * whether the hours went on to 23 was a guess).
 */
export function axisLabels(names: string[], cellWidth: number): string {
	let shared = 0;
	while (shared < (names[0]?.length ?? 0) && names.every((name) => name[shared] === names[0]![shared])) shared++;
	// A common start as long as a name would leave it nothing: the names are then written whole.
	const labels = names.map((name) => (shared < name.length ? name.slice(shared) : name).replace(/^0+(?=\d)/, ''));
	const apart = Math.max(6, Math.max(...labels.map((label) => stringWidth(label))) + 1);
	const every = Math.ceil(apart / cellWidth);
	const axis = labels
		.map((label, index) => (index % every === 0 ? fitCell(label, every * cellWidth, false) : ''))
		.join('')
		.trimEnd();
	const last = labels.at(-1) ?? '';
	const at = labels.length * cellWidth - stringWidth(last);
	return (labels.length - 1) % every !== 0 && at >= stringWidth(axis) + 2 ? `${axis}${' '.repeat(at - stringWidth(axis))}${last}` : axis;
}

/**
 * The series of a line chart hidden once series `position` (0 for the legend's 1) is toggled, of `count`: undefined
 * when that would hide them all (a chart of no line), the same list when there is no such series.
 */
export function toggledSeries(hidden: readonly number[], position: number, count: number): readonly number[] | undefined {
	if (position < 0 || position >= count) return hidden;
	if (hidden.includes(position)) return hidden.filter((shown) => shown !== position);
	return hidden.length + 1 >= count ? undefined : [...hidden, position].sort((a, b) => a - b);
}

/** The last chart drawn of each view (of each result, for a line of all its rows), with what it was drawn for. */
const drawnCharts = new WeakMap<object, {spec: ChartSpec; width: number; height: number; hidden: string; lines: string[]}>();

/**
 * chartLines of the rows the table shows, drawn once per view and size: a cursor move or a page keeps the view,
 * and drawing time-on-course-by-day's 337k rows again on every key took 0.75 s a key. A view (an array made by
 * each sort or filter) belongs to one result, so its rows and columns are those it was drawn from. A line is drawn
 * along its x-axis whatever the table's order, of its rows in the result's order (ties too): a sort of all the rows
 * keeps the line drawn of the result (0.4-0.5 s a sort with the chart on, drawing the same line again).
 */
export function viewChartLines(result: Pick<TaskResult, 'columns'>, table: Pick<TableState, 'rows' | 'view'>, spec: ChartSpec, width: number, height: number, hidden: readonly number[] = []): string[] {
	const line = spec.kind === 'line';
	// A view as long as the result holds every row.
	const key = line && table.view.length === table.rows.length ? table.rows : table.view;
	const drawn = drawnCharts.get(key);
	// By value: a series hidden and shown again draws what was drawn before it was hidden.
	const hiddenKey = line ? hidden.join(',') : '';
	if (drawn && drawn.spec === spec && drawn.width === width && drawn.height === height && drawn.hidden === hiddenKey) return drawn.lines;
	const lines = chartLines({columns: result.columns, rows: line ? shownInResultOrder(table) : viewRows(table)}, spec, width, height, hidden);
	drawnCharts.set(key, {spec, width, height, hidden: hiddenKey, lines});
	return lines;
}

/** The rows the view shows, in the result's order. */
function shownInResultOrder({rows, view}: Pick<TableState, 'rows' | 'view'>): Cell[][] {
	if (view.length === rows.length) return rows;
	const shown = new Uint8Array(rows.length);
	for (const index of view) shown[index] = 1;
	return rows.filter((_, index) => shown[index] === 1);
}

/** A value to plot, or null where the cell holds none (a line leaves NULL out: it is no zero). */
function plotted(value: Cell): number | null {
	const number = typeof value === 'number' ? value : numberKeptAsText(value);
	return number !== undefined && Number.isFinite(number) ? number : null;
}

/** Lines a chart needs to be read (a line chart: a 4-line plot, the x-axis and the legend). */
export const MIN_CHART_HEIGHT = 6;

const DAY_MS = 86_400_000;

/**
 * Where each x value lies along the axis: days for a date, milliseconds for a timestamp, the number itself; a
 * column of anything else (or a value that is none of these) by its place in order. Equal spacing squeezed
 * 2014's days next to 2018's and put segment 60 after 480 (the values were ordered as text).
 */
export function xPositions(values: Array<Cell>, kind: ColumnKind | undefined): {positions: number[]; ordinal: boolean} {
	const position = (value: Cell) => (typeof value === 'number' ? value : kind === 'date' ? Date.parse(`${value}T00:00:00Z`) / DAY_MS : kind === 'timestamp' ? Date.parse(String(value)) : Number.NaN);
	// Each value parsed once: a day's rows repeat it (time-on-course-by-day at 10M events: 332k rows, 120 days).
	const parsed = new Map<Cell, number>();
	const positions = values.map((value) => {
		let at = parsed.get(value);
		if (at === undefined) parsed.set(value, (at = position(value)));
		return at;
	});
	return positions.every(Number.isFinite) ? {positions, ordinal: false} : {positions: values.map((_, index) => index), ordinal: true};
}

/** Whether a day number (days since 1970-01-01, a Thursday) is a Monday, where an ISO week starts. */
function isMonday(day: number): boolean {
	return (((day + 3) % 7) + 7) % 7 === 0;
}

/**
 * The data's own spacing, so that a longer distance reads as a break: a day (a week for weekly rows: a week
 * apart and each an ISO week's Monday), else the commonest distance between neighbours (the segment length).
 * A week apart alone is no weekly row: video-plays-per-day's two days a week apart were drawn joined, a rise
 * across six days without a play.
 */
export function xStep(positions: number[], daily: boolean): number {
	const counts = new Map<number, number>();
	for (let index = 1; index < positions.length; index++) {
		const distance = (positions[index] ?? 0) - (positions[index - 1] ?? 0);
		if (distance > 0) counts.set(distance, (counts.get(distance) ?? 0) + 1);
	}
	let [step, most] = [Number.POSITIVE_INFINITY, 0];
	for (const [distance, count] of counts) if (count > most || (count === most && distance < step)) [step, most] = [distance, count];
	if (daily) return step === 7 && positions.every(isMonday) ? 7 : 1;
	return Number.isFinite(step) ? step : 1;
}

/**
 * Each series as `columns` points placed by x: rows sharing a column give its highest value; columns between two
 * rows one step apart are drawn straight between them; between rows further apart they stay empty (null), a break
 * in the line rather than a line through days that have no row. `positions` ascend.
 */
export function placePoints(positions: number[], series: Array<Array<number | null>>, step: number, columns: number): {points: Array<Array<number | null>>; merged: boolean; broken: boolean} {
	const first = positions[0] ?? 0;
	const span = (positions.at(-1) ?? 0) - first;
	const columnOf = (at: number) => (span > 0 ? Math.round(((at - first) * (columns - 1)) / span) : 0);
	let [merged, broken] = [false, false];
	const points = series.map((values) => {
		const line: Array<number | null> = Array.from({length: columns}, () => null);
		let previous: {column: number; at: number} | undefined;
		values.forEach((value, index) => {
			if (value === null) return;
			const at = positions[index] ?? 0;
			const column = columnOf(at);
			const before = previous && line[previous.column];
			if (previous && before !== null && before !== undefined) {
				if (column === previous.column) {
					merged = true;
					line[column] = Math.max(before, value);
					previous.at = at;
					return;
				}
				if (column > previous.column + 1) {
					if (at - previous.at > step) broken = true;
					else for (let between = previous.column + 1; between < column; between++) line[between] = before + ((value - before) * (between - previous.column)) / (column - previous.column);
				}
			}
			line[column] = value;
			previous = {column, at};
		});
		return line;
	});
	return {points, merged, broken};
}

/**
 * Each series' values of rows with the same x key added up (a header's `sum`): page-visits-by-day has a row a day and
 * page, and a day's busiest page is not its visits. A NULL adds nothing; a key whose values are all NULL has none.
 * Equal `keys` (the rows' x positions, or text x values) lie together, as along the axis.
 */
export function addedUp<Key>(keys: Key[], series: Array<Array<number | null>>): {keys: Key[]; series: Array<Array<number | null>>; added: boolean} {
	const starts = keys.flatMap((key, index) => (index === 0 || key !== keys[index - 1] ? [index] : []));
	const sums = series.map((values) =>
		starts.map((start, group) => {
			let sum: number | null = null;
			for (let index = start; index < (starts[group + 1] ?? keys.length); index++) {
				const value = values[index];
				if (value !== null && value !== undefined) sum = (sum ?? 0) + value;
			}
			return sum;
		}),
	);
	return {keys: starts.map((start) => keys[start]!), series: sums, added: starts.length < keys.length};
}

/** The least and the greatest of `values`, by a loop: Math.max(...values) threw "Maximum call stack size exceeded" past about 120k (time-on-course-by-day's 332k rows at 10M events). */
function extent(values: number[]): {min: number; max: number} {
	let [min, max] = [Infinity, -Infinity];
	for (const value of values) [min, max] = [Math.min(min, value), Math.max(max, value)];
	return {min, max};
}

/**
 * The y-axis' least and greatest values: the data's, or for a flat line (one row, all 9.6) from 0 to its value (0 to 1
 * for all 0). A unit below or above it labelled one row of 42 "41.0" to "42.0", as if the line changed within a unit.
 */
export function axisRange(values: number[]): {min: number; max: number} {
	const {min, max} = values.length > 0 ? extent(values) : {min: 0, max: 0};
	if (max > min) return {min, max};
	return max > 0 ? {min: 0, max} : {min, max: min < 0 ? 0 : 1};
}

/** Tick steps of 1, 2, 2.5 and 5 times a power of ten, in that order within each power. */
const TICK_MANTISSAS = [1, 2, 2.5, 5];

/**
 * The y-axis of other values: stretched to round ends, a round step (1, 2, 2.5 or 5 × 10^k) a whole number of rows
 * apart, each tick's row labelled and the rows between left blank. Labels at the ends and evenly between them read
 * "28,724.5, 25,533.6 …" (a day-totals chart of minutes). The axis is stretched rather than labelled where a round
 * value falls among the data's rows: a terminal has a dozen rows, and labels a row apart here and two there would
 * read as an uneven scale, and a label on a row that only comes nearest its value would be off by up to half a row.
 * Of the steps that fit `rows`, the one whose axis leaves the data the most rows (the data's span over the axis', of
 * the rows used), a label at least every third row; of equals, the greater step (10, 5, 0 for a flat 9.6 over 4 rows,
 * not 10.0, 7.5, 5.0 …).
 */
export function roundAxis(values: number[], rows: number): RoundAxis {
	const {min, max} = axisRange(values);
	let best: {axis: RoundAxis; spanned: number; dense: boolean} | undefined;
	for (let power = 10 ** Math.floor(Math.log10((max - min) / Math.max(1, rows))); ; power *= 10) {
		for (const mantissa of TICK_MANTISSAS) {
			// toPrecision: 3 × 0.1 is 0.30000000000000004 in a double.
			const step = Number((mantissa * power).toPrecision(12));
			const [low, high] = [Math.floor(min / step), Math.ceil(max / step)];
			const ticks = high - low;
			const places = Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) + (mantissa === 2.5 && step < 10 ? 1 : 0);
			// 15 digits, a double's: 9 × 0.1 is 0.9000000000000001. + 0: -0 was labelled "-0".
			const [bottom, top] = [low, high].map((tick) => Number((tick * step).toPrecision(15)) + 0) as [number, number];
			if (ticks <= rows) {
				const used = ticks * Math.floor(rows / ticks);
				const candidate = {axis: {rows: used, min: bottom, max: top, step, places}, spanned: (used * (max - min)) / (top - bottom), dense: used / ticks <= 3};
				if (!best || (candidate.dense && !best.dense) || (candidate.dense === best.dense && candidate.spanned >= best.spanned * (1 - 1e-9))) best = candidate;
			}
			// The axis within a step of 0 either side: a greater step only stretches it. Rows fewer than its two ticks
			// (values either side of 0 on one row) label its ends alone.
			if (ticks <= 1 || (low >= -1 && high <= 1)) return best?.axis ?? {rows, min: bottom, max: top, step: (top - bottom) / rows, places};
		}
	}
}

/** A y-axis of round ticks (roundAxis): `rows` rows from `min` to `max`, a label every `step` from `min`, with `places` decimals. */
export type RoundAxis = {rows: number; min: number; max: number; step: number; places: number};

/**
 * The y-axis of whole numbers: a whole number of rows a unit when they span no more units than the plot has rows, so
 * that each whole value has a labelled row of its own and the rows between have no label (a count of 3 was drawn on
 * a row labelled 3.1; active-learners' 0 to 9 over 9 rows read "9.0, 8.0, 7.0 …"); over more units, a whole step a
 * row, on as few rows as that needs (4 to 10 over 5 rows read "10, 9, 8, 6, 5, 4" at 1.2 a row; now 10, 8, 6, 4).
 * Undefined for other values.
 */
export function wholeAxis(values: number[], rows: number): {rows: number; min: number; max: number} | undefined {
	if (!values.every(Number.isInteger)) return undefined;
	const {min, max} = axisRange(values);
	const units = max - min;
	if (units <= rows) return {rows: units * Math.floor(rows / units), min, max};
	const step = Math.ceil(units / rows);
	const used = Math.ceil(units / step);
	// Down from the greatest value, which labels the top row; counts that would go below 0 so, from 0 up by a round
	// step instead (1 to 50 over 6 rows: 50, 40 … 0, not 55, 46 … 1 nor 50, 41 … -4).
	const bottom = max - used * step;
	if (bottom >= 0 || min < 0) return {rows: used, min: bottom, max};
	const round = roundStep(max / rows);
	return {rows: Math.ceil(max / round), min: 0, max: Math.ceil(max / round) * round};
}

/** The least whole 1, 2 or 5 times a power of ten from `at`. */
function roundStep(at: number): number {
	for (let power = 1; ; power *= 10) for (const step of [power, 2 * power, 5 * power]) if (step >= at) return step;
}

/** The cells where the series with a mark end (their last point), with the series ending on each, in order. */
function markGroups(series: Array<Array<number | null>>, marks: string[], rowOf: (value: number) => number): Array<{row: number; column: number; indexes: number[]}> {
	const groups = new Map<string, {row: number; column: number; indexes: number[]}>();
	series.forEach((points, index) => {
		const column = points.findLastIndex((value) => value !== null);
		if (!marks[index] || column < 0) return;
		const row = rowOf(points[column]!);
		const group = groups.get(`${row},${column}`);
		if (group) group.indexes.push(index);
		else groups.set(`${row},${column}`, {row, column, indexes: [index]});
	});
	return [...groups.values()];
}

/** The cells past the plot's last column that the marks of lines ending together there take ("1,2,3": 4): the plot leaves them to them. */
function markSpill(series: Array<Array<number | null>>, rows: number, axis: {min: number; max: number}, marks: string[]): number {
	const width = Math.max(1, ...series.map((points) => points.length));
	const rowOf = (value: number) => Math.round(((axis.max - value) * rows) / (axis.max - axis.min));
	return Math.max(0, ...markGroups(series, marks, rowOf).map(({column, indexes}) => column + 2 * (indexes.length - 1) - (width - 1)));
}

/**
 * The plot as asciichart draws it (its symbols, the first point on the y-axis, the greatest value on the top row,
 * the least on the bottom one, `rows` + 1 lines; or the ends of `axis`), but a null is drawn as nothing: asciichart has no gaps. A series'
 * mark, when it has one, is drawn on its last point, over the lines; the marks of lines that end on one cell follow it
 * ("1,2"), past the plot's last column where they end there (see markSpill).
 */
export function plotLines(
	series: Array<Array<number | null>>,
	rows: number,
	colors: string[],
	label: (value: number) => string,
	marks: string[] = [],
	axis = axisRange(series.flat().filter((value): value is number => value !== null)),
): string[] {
	const {min, max: top} = axis;
	const range = top - min;
	const width = Math.max(1, ...series.map((points) => points.length));
	const cells = Array.from({length: rows + 1}, () => ['┤', ...Array.from({length: width - 1}, () => ' ')]);
	const rowOf = (value: number) => Math.round(((top - value) * rows) / range);
	series.forEach((points, index) => {
		const draw = (row: number, column: number, symbol: string) => {
			cells[row]![column] = asciichart.colored(symbol, colors[index] ?? asciichart.default);
		};
		points.forEach((value, column) => {
			if (value === null) return;
			const before = column > 0 ? points[column - 1] : null;
			const [from, to] = [rowOf(before ?? value), rowOf(value)];
			if (before === null || before === undefined || from === to) return draw(to, column, column === 0 ? '┼' : '─');
			draw(from, column, from < to ? '╮' : '╯');
			draw(to, column, from < to ? '╰' : '╭');
			for (let row = Math.min(from, to) + 1; row < Math.max(from, to); row++) draw(row, column, '│');
		});
	});
	// Lines that end on one cell (at 0, often) say their numbers there side by side, "1,2": the second walked back along
	// its line to a cell no mark had, and was read as the number of a point before the end (or of another line). Each one
	// after the first takes two blank cells (past the plot where they end at its last column: markSpill), or is left out:
	// where lines ended before that column, ",2" was written over the points of a line going on, or over its number.
	// Every end is a point drawn, so a blank cell is no other line's end either.
	const blank = (row: number, column: number) => (cells[row]![column] ?? ' ') === ' ';
	for (const {row, column, indexes} of markGroups(series, marks, rowOf)) {
		for (const [place, index] of indexes.entries()) {
			const at = column + 2 * place;
			if (place > 0 && !(blank(row, at - 1) && blank(row, at))) break;
			if (place > 0) cells[row]![at - 1] = ',';
			cells[row]![at] = asciichart.colored(marks[index]!, colors[index] ?? asciichart.default);
		}
	}
	return cells.map((line, row) => `${label(top - (row * range) / rows)} ${line.join('')}`);
}

/**
 * The indices of `keys` in the order of their keys, equal keys in their own order: grouped by key, then the few
 * distinct keys sorted. Sorting the rows themselves compared 332k rows' days some 6M times (time-on-course-by-day's
 * first chart at 10M events).
 */
export function orderAlong<Key>(keys: Key[], compare: (a: Key, b: Key) => number): number[] {
	const groups = new Map<Key, number[]>();
	keys.forEach((key, index) => {
		const group = groups.get(key);
		if (group) group.push(index);
		else groups.set(key, [index]);
	});
	return [...groups.keys()].sort(compare).flatMap((key) => groups.get(key)!);
}

/** One cell each, so a mark takes a point's place (a chart with more series leaves the rest unmarked). */
const SERIES_MARKS = [...'123456789'];

function lineLines(result: Pick<TaskResult, 'columns' | 'rows'>, x: number, ys: number[], sum: boolean, width: number, height: number, hidden: readonly number[]): string[] {
	const kind = result.columns[x]?.kind;
	// Rows without an x value have no place on the axis.
	const placed = result.rows.filter((row) => row[x] !== null && row[x] !== undefined);
	const {positions: unsorted, ordinal} = xPositions(placed.map((row) => row[x] ?? null), kind);
	// Ordered along the x-axis whatever the table's sort is (text by its order, as the table sorts it).
	const order = ordinal ? orderAlong(placed.map((row) => row[x] ?? null), compareCells) : orderAlong(unsorted, (a, b) => a - b);
	const rows = order.map((index) => placed[index]!);
	// Text x values are added up by value; each then has its place in order, as each row has without `sum`.
	const xs = ordinal ? rows.map((row) => row[x] ?? null) : order.map((index) => unsorted[index] ?? 0);
	const rowValues = ys.map((index) => rows.map((row) => plotted(row[index])));
	const {keys, series, added} = sum ? addedUp<Cell>(xs, rowValues) : {keys: xs, series: rowValues, added: false};
	const positions = ordinal ? keys.map((_, index) => index) : keys.map(Number);
	// The series the user hid (digits 1-9) are left out of the plot and its y-axis, so the others fill its height.
	const drawn = series.flatMap((_, position) => (hidden.includes(position) ? [] : [position]));
	const allValues = drawn.flatMap((position) => series[position]!).filter((value): value is number => value !== null);
	const palette = [asciichart.cyan, asciichart.yellow, asciichart.magenta, asciichart.green];
	const colors = ys.map((_, index) => palette[index % palette.length] ?? asciichart.default);
	// Lines told apart by their colour alone were one tangle without colour (FORCE_COLOR=0, a monochrome terminal)
	// and to a colour-blind eye: with several, each line ends in its number, which the legend puts before its name.
	const marks = ys.length > 1 ? ys.map((_, index) => SERIES_MARKS[index] ?? '') : [];
	const numbered = (position: number, name: string) => `${marks[position] ? `${marks[position]} ` : ''}${name}`;
	// Each series' name in its line's colour: the legend says which line is which (and which has no values); a hidden
	// one keeps its number, uncoloured (no line has its colour), so its digit is there to show it again.
	const legendName = (index: number, position: number) => {
		const name = result.columns[index]?.name ?? '';
		if (hidden.includes(position)) return `${name} (hidden)`;
		return `${asciichart.colored(name, colors[position] ?? asciichart.default)}${series[position]?.some((value) => value !== null) ? '' : ' (no values)'}`;
	};
	const legend = ys.map((index, position) => numbered(position, legendName(index, position))).join(', ');
	const xName = result.columns[x]?.name ?? '';
	// What the drawing does with the rows, said where it does it: it is no longer one row a column, evenly spaced.
	const caption = (merged: boolean, broken: boolean) => [
		`${legend} by ${xName}`,
		// Short: with the merge's note after it, longer words were cut at 80 columns ("rows of the same day added").
		added ? `${xName} totals` : '',
		merged ? 'several rows a column: the highest drawn' : '',
		broken ? `a break: no rows for those ${xName} values` : '',
		placed.length < result.rows.length ? `${counted(result.rows.length - placed.length, 'row')} without ${xName} left out` : '',
	].filter(Boolean);
	const first = cellText(rows[0]?.[x] ?? null, kind);
	const last = cellText(rows.at(-1)?.[x] ?? null, kind);
	if (positions.every((at) => at === positions[0])) {
		// One x value (one day) is a point, no line: a lone "┼" on the y-axis was all it drew. Each series' value as a
		// bar, named (the highest of the day's rows, as a column of the plot draws them).
		const values = drawn.map((position) => series[position]!.filter((value): value is number => value !== null));
		const shown = drawn.flatMap((position, index) => (values[index]!.length > 0 ? [{name: numbered(position, result.columns[ys[position]!]?.name ?? ''), value: extent(values[index]!).max}] : []));
		const bars = horizontalBars(
			shown.map((bar) => bar.name),
			shown.map((bar) => bar.value),
			width,
		);
		const merged = values.some((list) => list.length > 1);
		return [...bars, truncated(`one ${xName}: ${first}`, width), ...captionLines(caption(merged, false), 0, width, Math.max(1, height - bars.length - 1))];
	}
	const plotOf = (plotRows: number) => {
		const whole = wholeAxis(allValues, plotRows);
		const yAxis = whole ? {...whole, step: 1, places: 0} : roundAxis(allValues, plotRows);
		const label = (value: number) => cellText(Number(value.toFixed(yAxis.places)), 'number', yAxis.places);
		// Rows between two ticks (whole values, round steps) have none: a label there would repeat or round one.
		const rowLabel = (value: number) => {
			const ticks = (value - yAxis.min) / yAxis.step;
			return Math.abs(ticks - Math.round(ticks)) > 1e-6 ? '' : label(yAxis.min + Math.round(ticks) * yAxis.step);
		};
		// The widest label is the greatest or the least value's (the others lie between them).
		const labelWidth = Math.max(label(yAxis.min).length, label(yAxis.max).length, 1) + 3;
		// The first point on the y-axis (column labelWidth - 1), then one point a column.
		const columns = Math.max(2, width - labelWidth);
		const drawnMarks = marks.length > 0 ? drawn.map((position) => marks[position]!) : [];
		const place = (plotColumns: number) => placePoints(positions, drawn.map((position) => series[position]!), ordinal ? 1 : xStep(positions, kind === 'date'), plotColumns);
		// The numbers of lines that end together take cells after the last column: the plot is that much narrower.
		const spill = markSpill(place(columns).points, yAxis.rows, yAxis, drawnMarks);
		const plotColumns = Math.max(2, columns - spill);
		const {points, merged, broken} = place(plotColumns);
		const plot = plotLines(
			points,
			yAxis.rows,
			drawn.map((position) => colors[position]!),
			(value) => rowLabel(value).padStart(labelWidth - 2),
			drawnMarks,
			yAxis,
		);
		const between = plotColumns - first.length - last.length;
		// Text rows of one x value have one label, under the y-axis: it was also written at the right end.
		const axis = `${' '.repeat(labelWidth - 1)}${between >= 1 && first !== last ? `${first}${' '.repeat(between)}${last}` : first}`;
		return {lines: [...plot, truncated(axis, width)], notes: caption(merged, broken), indent: labelWidth - 1};
	};
	// The plot's rows (its lines less one), and a line each for the x-axis and the legend.
	const rowsAtMost = Math.max(1, height - 3);
	let drawing = plotOf(rowsAtMost);
	// A legend and notes longer than a line wrap, the plot giving up rows to them (down to 3): they were cut at 100 columns.
	const wanted = captionLines(drawing.notes, drawing.indent, width).length;
	if (wanted > 1) drawing = plotOf(Math.max(Math.min(3, rowsAtMost), height - 2 - wanted));
	return [...drawing.lines, ...captionLines(drawing.notes, drawing.indent, width, Math.max(1, height - drawing.lines.length))];
}

/**
 * A chart's legend and notes on as many lines as they need, after `indent` cells: as many parts as fit together on a
 * line, separated by `separator`, the rest on the next; a part longer than a line is cut, and past `maxLines` the last line
 * holds the rest, cut.
 */
export function captionLines(parts: string[], indent: number, width: number, maxLines = Number.POSITIVE_INFINITY, separator = ' · '): string[] {
	const room = Math.max(1, width - indent);
	const lines: string[][] = [];
	for (const part of parts) {
		const line = lines.at(-1);
		if (line && (lines.length >= maxLines || stringWidth([...line, part].join(separator)) <= room)) line.push(part);
		else lines.push([part]);
	}
	return lines.map((line) => `${' '.repeat(indent)}${truncated(line.join(separator), room)}`);
}

/** A bar a line: its label (cut to a third of the width at most), the bar, the value (thousands). */
function horizontalBars(labels: string[], numbers: number[], width: number): string[] {
	const labelWidth = Math.min(Math.max(...labels.map((label) => stringWidth(label)), 1), Math.floor(width / 3));
	const max = Math.max(...numbers, 0);
	const numberWidth = Math.max(...numbers.map((value) => thousands(value).length));
	const barRoom = Math.max(1, width - labelWidth - numberWidth - 3);
	return numbers.map((value, index) => {
		// Cut as the table cuts it: a URL keeps the end that tells it from the others (its start is the course's).
		const label = fitCell(labels[index] ?? '', labelWidth, false);
		// A negative value has no bar (its number says it): '█'.repeat(-3) threw and took the app down.
		const length = max > 0 ? Math.max(0, Math.round((value / max) * barRoom)) : 0;
		return `${label} ${'█'.repeat(length)}${' '.repeat(barRoom - length)} ${thousands(value).padStart(numberWidth)}`;
	});
}

/** Eighths of a cell, from the bottom: a column's top. */
const EIGHTHS = [...' ▁▂▃▄▅▆▇█'];

function barLines(result: Pick<TaskResult, 'columns' | 'rows'>, x: number, y: number, width: number, height: number): string[] {
	const kind = result.columns[x]?.kind;
	const labelOf = (row: Cell[]) => cellText(row[x] ?? null, kind);
	// A bar of no value is a bar of none.
	const valueOf = (row: Cell[]) => plotted(row[y]) ?? 0;
	// A line is kept for "… more rows" only when some are left out: as many rows as lines showed one fewer and "… 1 more row".
	const fits = result.rows.length <= height;
	// Rows past the lines as columns side by side, when each gets two cells beside the y-axis' label: enrollment-by-hour's
	// 24 hours showed hours 0-10 and "… 13 more rows", the busy evening hidden.
	if (!fits && height >= 4 && result.rows.length * 2 <= width - 3) {
		const values = result.rows.map(valueOf);
		if (result.rows.length * 2 <= width - thousands(Math.max(extent(values).max, 0)).length - 2) {
			return columnLines(result.rows.map(labelOf), values, kind, width, height, `${result.columns[y]?.name ?? ''} by ${result.columns[x]?.name ?? ''}`);
		}
	}
	const rows = fits ? result.rows : result.rows.slice(0, Math.max(1, height - 1));
	const lines = horizontalBars(rows.map(labelOf), rows.map(valueOf), width);
	const more = result.rows.length - rows.length;
	return more > 0 ? [...lines, `… ${counted(more, 'more row')}`] : lines;
}

/**
 * Bars as columns from a 0 line, in eighths of a cell, under a y-axis labelled at its top with the greatest value;
 * each column's label under it: all of them, or for numbers and days every few when they do not fit (0, 2, 4 …),
 * for text each cut to its column.
 */
function columnLines(labels: string[], numbers: number[], kind: ColumnKind | undefined, width: number, height: number, title: string): string[] {
	const max = Math.max(...numbers, 0);
	const top = thousands(max);
	const labelWidth = Math.max(top.length, 1);
	const column = Math.max(2, Math.floor((width - labelWidth - 2) / numbers.length));
	const barWidth = column - 1;
	const rows = Math.max(1, height - 3);
	const eighths = numbers.map((value) => (max > 0 ? Math.max(0, Math.round((value / max) * rows * 8)) : 0));
	const plot = Array.from({length: rows}, (_, row) => {
		const floor = (rows - 1 - row) * 8;
		const cells = eighths.map((units) => `${EIGHTHS[Math.min(8, Math.max(0, units - floor))]!.repeat(barWidth)} `).join('');
		return `${(row === 0 ? top : '').padStart(labelWidth)} ${row === 0 ? '┤' : '│'}${cells}`.trimEnd();
	});
	const zero = `${'0'.padStart(labelWidth)} ┼${'─'.repeat(column * numbers.length - 1)}`;
	const widest = Math.max(...labels.map((label) => stringWidth(label)));
	// Numbers and days skip labels rather than cut them ("1…" for 10 to 19); categories keep one each, cut.
	const every = kind === 'number' || kind === 'date' ? Math.ceil((widest + 1) / column) : 1;
	const under = labels.map((label, index) => (index % every === 0 ? fitCell(label, every * column - 1, false) + ' ' : '')).join('');
	return [...plot, truncated(zero, width), truncated(`${' '.repeat(labelWidth + 2)}${under}`.trimEnd(), width), truncated(`${' '.repeat(labelWidth + 2)}${title}`, width)];
}
