import {UserError} from '../ingest/errors.js';

/** Cuts the middle out of a long cell: both the start and the end of a path stay readable. */
function shorten(cell: string, width: number): string {
	if (cell.length <= width) return cell;
	const head = Math.ceil((width - 1) / 2);
	return `${cell.slice(0, head)}…${cell.slice(cell.length - (width - 1 - head))}`;
}

type Row = Record<string, string | number | null | undefined>;

/** Small listings of the CLI (files, rejected lines): aligned text, or tab-separated / JSON for scripts. */
export function printTable(out: NodeJS.WritableStream, rows: Row[], format: string | undefined): void {
	const columns = Object.keys(rows[0] ?? {});
	if (format === 'json') {
		out.write(`${JSON.stringify(rows, null, 2)}\n`);
		return;
	}
	if (format === 'tsv') {
		const clean = (value: Row[string]) => String(value ?? '').replace(/[\t\r\n]/g, ' ');
		out.write(`${[columns.join('\t'), ...rows.map((row) => columns.map((column) => clean(row[column])).join('\t'))].join('\n')}\n`);
		return;
	}
	if (format !== undefined && format !== 'table') throw new UserError(`Unknown --format ${format}; use table, tsv or json.`);
	const text = (value: Row[string]) => (value === null || value === undefined ? '' : String(value).replace(/[\r\n\t]/g, ' '));
	const widths = columns.map((column) => Math.min(80, Math.max(column.length, ...rows.map((row) => text(row[column]).length))));
	const line = (cells: string[]) =>
		cells.map((cell, index) => shorten(cell, widths[index]!).padEnd(widths[index]!)).join('  ').trimEnd();
	out.write(`${[line(columns), line(widths.map((width) => '-'.repeat(width))), ...rows.map((row) => line(columns.map((column) => text(row[column]))))].join('\n')}\n`);
}
