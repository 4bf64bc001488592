import asciichart from 'asciichart';
import type {ChartSpec, TaskResult} from '../../tasks/types.js';
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

function lineLines(result: Pick<TaskResult, 'columns' | 'rows'>, x: number, ys: number[], width: number, height: number): string[] {
	// Ordered along the x-axis whatever the table's sort is.
	const rows = [...result.rows].sort((a, b) => (String(a[x]) < String(b[x]) ? -1 : String(a[x]) > String(b[x]) ? 1 : 0));
	const allValues = rows.flatMap((row) => ys.map((index) => numeric(row[index])));
	const labelWidth = Math.max(...allValues.map((value) => thousands(value).length), 1) + 3;
	const points = Math.max(2, width - labelWidth - 2);
	const series = ys.map((index) => downsample(rows.map((row) => numeric(row[index])), points));
	const colors = [asciichart.cyan, asciichart.yellow, asciichart.magenta, asciichart.green];
	const plot = asciichart.plot(series, {
		// asciichart draws height + 1 lines; two more for the x-axis labels and the legend.
		height: Math.max(1, height - 3),
		colors: ys.map((_, index) => colors[index % colors.length]),
		format: (value: number) => thousands(value).padStart(labelWidth - 2),
	});
	const kind = result.columns[x]?.kind;
	const first = cellText(rows[0]?.[x] ?? null, kind);
	const last = cellText(rows.at(-1)?.[x] ?? null, kind);
	const legend = ys.map((index) => result.columns[index]?.name).join(', ');
	const axis = `${' '.repeat(labelWidth)}${first}${' '.repeat(Math.max(1, points - first.length - last.length))}${last}`;
	return [...plot.split('\n'), `${axis.slice(0, width)}`, `${' '.repeat(labelWidth)}${legend} by ${result.columns[x]?.name ?? ''}`.slice(0, width)];
}

function barLines(result: Pick<TaskResult, 'columns' | 'rows'>, x: number, y: number, width: number, height: number): string[] {
	const rows = result.rows.slice(0, Math.max(1, height - 1));
	const labels = rows.map((row) => cellText(row[x] ?? null, result.columns[x]?.kind));
	const labelWidth = Math.min(Math.max(...labels.map((label) => label.length), 1), Math.floor(width / 3));
	const values = rows.map((row) => numeric(row[y]));
	const max = Math.max(...values, 0);
	const numberWidth = Math.max(...values.map((value) => thousands(value).length));
	const barRoom = Math.max(1, width - labelWidth - numberWidth - 3);
	const lines = rows.map((_, index) => {
		const label = (labels[index] ?? '').slice(0, labelWidth).padEnd(labelWidth);
		const value = values[index] ?? 0;
		const length = max > 0 ? Math.round((value / max) * barRoom) : 0;
		return `${label} ${'█'.repeat(length)}${' '.repeat(barRoom - length)} ${thousands(value).padStart(numberWidth)}`;
	});
	const more = result.rows.length - rows.length;
	return more > 0 ? [...lines, `… ${thousands(more)} more rows`] : lines;
}
