import asciichart from 'asciichart';
import cliTruncate from 'cli-truncate';
import type {ChartSpec, TaskResult} from '../../tasks/types.js';
import {counted} from '../../format.js';
import {fitCell, stringWidth} from './columns.js';
import {cellText, thousands} from './format.js';

/**
 * The inline chart of a result, as text lines sized to the screen: a line chart (asciichart) over
 * the declared x column, averaging points into buckets when there are more points than columns,
 * or horizontal bars for the first categories.
 */
export function chartLines(result: Pick<TaskResult, 'columns' | 'rows'>, spec: ChartSpec, width: number, height: number): string[] {
	const x = result.columns.findIndex((column) => column.name === spec.x);
	const ys = spec.y.map((name) => result.columns.findIndex((column) => column.name === name)).filter((index) => index >= 0);
	if (x < 0 || ys.length === 0) return [`The chart needs columns ${spec.x} and ${spec.y.join(', ')}, which this result does not have.`];
	if (result.rows.length === 0) return ['(no rows to chart)'];
	return spec.kind === 'bar' ? barLines(result, x, ys[0] ?? 0, width, height) : lineLines(result, x, ys, width, height);
}

function numeric(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Lines a chart needs to be read (a line chart: a 4-line plot, the x-axis and the legend). */
export const MIN_CHART_HEIGHT = 6;

/** Averages consecutive values into at most `buckets` points. */
export function downsample(values: number[], buckets: number): number[] {
	if (values.length <= buckets) return values;
	const points: number[] = [];
	for (let bucket = 0; bucket < buckets; bucket++) {
		const slice = values.slice(Math.floor((bucket * values.length) / buckets), Math.floor(((bucket + 1) * values.length) / buckets));
		points.push(slice.reduce((sum, value) => sum + value, 0) / Math.max(1, slice.length));
	}
	return points;
}

/**
 * Values as at most `columns` points that span them: averaged into buckets when there are more,
 * spread over all of them when fewer (straight lines between), so 20 days fill the plot rather
 * than its first 20 columns.
 */
export function resample(values: number[], columns: number): number[] {
	if (values.length >= columns || values.length < 2) return downsample(values, columns);
	// Value k sits on column round(k · (columns - 1) / (n - 1)): its peak is drawn, not averaged away.
	const columnOf = (at: number) => Math.round((at * (columns - 1)) / (values.length - 1));
	let at = 0;
	return Array.from({length: columns}, (_, column) => {
		while (at < values.length - 2 && columnOf(at + 1) <= column) at++;
		const from = values[at] ?? 0;
		const to = values[at + 1] ?? from;
		return from + ((to - from) * (column - columnOf(at))) / (columnOf(at + 1) - columnOf(at));
	});
}

/** The least and the greatest of `values`, by a loop: Math.max(...values) threw "Maximum call stack size exceeded" past about 120k (time-on-course-by-day's 332k rows at 10M events). */
function extent(values: number[]): {min: number; max: number} {
	let [min, max] = [Infinity, -Infinity];
	for (const value of values) [min, max] = [Math.min(min, value), Math.max(max, value)];
	return {min, max};
}

/**
 * The y-axis labels' decimal places: as many as keep two labels a row apart different. Whole numbers labelled
 * 0 to 4 over 6 rows read "4, 3, 3, 2, 1, 1, 0", which no line could be read against.
 */
export function axisPlaces(values: number[], rows: number): number {
	const {min, max} = extent(values);
	// asciichart may draw a row more than asked for: the step is taken as that small.
	const step = (max - min) / (rows + 1);
	return step > 0 && step < 1 ? Math.min(3, Math.ceil(-Math.log10(step))) : 0;
}

function lineLines(result: Pick<TaskResult, 'columns' | 'rows'>, x: number, ys: number[], width: number, height: number): string[] {
	// Ordered along the x-axis whatever the table's sort is.
	const rows = [...result.rows].sort((a, b) => (String(a[x]) < String(b[x]) ? -1 : String(a[x]) > String(b[x]) ? 1 : 0));
	const allValues = rows.flatMap((row) => ys.map((index) => numeric(row[index])));
	// asciichart draws height + 1 lines; two more for the x-axis labels and the legend.
	const plotRows = Math.max(1, height - 3);
	const places = axisPlaces(allValues, plotRows);
	const label = (value: number) => cellText(Number(value.toFixed(places)), 'number', places);
	// The widest label is the greatest or the least value's (asciichart's ticks lie between them).
	const {min, max} = extent(allValues);
	const labelWidth = Math.max(label(min).length, label(max).length, 1) + 3;
	// asciichart puts the first point on the y-axis (column labelWidth - 1), then one point a column.
	const series = ys.map((index) => resample(rows.map((row) => numeric(row[index])), Math.max(2, width - labelWidth)));
	const points = series[0]?.length ?? 0;
	const palette = [asciichart.cyan, asciichart.yellow, asciichart.magenta, asciichart.green];
	const colors = ys.map((_, index) => palette[index % palette.length] ?? asciichart.default);
	const plot = asciichart.plot(series, {height: plotRows, colors, format: (value: number) => label(value).padStart(labelWidth - 2)});
	const kind = result.columns[x]?.kind;
	const first = cellText(rows[0]?.[x] ?? null, kind);
	const last = cellText(rows.at(-1)?.[x] ?? null, kind);
	// Each series' name in its line's colour: the legend says which line is which.
	const legend = ys.map((index, position) => asciichart.colored(result.columns[index]?.name ?? '', colors[position] ?? asciichart.default)).join(', ');
	// The first label under the first point, the last one ending under the last.
	const between = points - first.length - last.length;
	const axis = `${' '.repeat(labelWidth - 1)}${between >= 1 ? `${first}${' '.repeat(between)}${last}` : first}`;
	const fit = (line: string) => cliTruncate(line, width, {truncationCharacter: '…'});
	return [...plot.split('\n'), fit(axis), fit(`${' '.repeat(labelWidth - 1)}${legend} by ${result.columns[x]?.name ?? ''}`)];
}

function barLines(result: Pick<TaskResult, 'columns' | 'rows'>, x: number, y: number, width: number, height: number): string[] {
	const rows = result.rows.slice(0, Math.max(1, height - 1));
	const labels = rows.map((row) => cellText(row[x] ?? null, result.columns[x]?.kind));
	const labelWidth = Math.min(Math.max(...labels.map((label) => stringWidth(label)), 1), Math.floor(width / 3));
	const values = rows.map((row) => numeric(row[y]));
	const max = Math.max(...values, 0);
	const numberWidth = Math.max(...values.map((value) => thousands(value).length));
	const barRoom = Math.max(1, width - labelWidth - numberWidth - 3);
	const lines = rows.map((_, index) => {
		// Cut as the table cuts it: a URL keeps the end that tells it from the others (its start is the course's).
		const label = fitCell(labels[index] ?? '', labelWidth, false);
		const value = values[index] ?? 0;
		const length = max > 0 ? Math.round((value / max) * barRoom) : 0;
		return `${label} ${'█'.repeat(length)}${' '.repeat(barRoom - length)} ${thousands(value).padStart(numberWidth)}`;
	});
	const more = result.rows.length - rows.length;
	return more > 0 ? [...lines, `… ${counted(more, 'more row')}`] : lines;
}
