import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import type {TaskResult} from '../../tasks/types.js';
import {cellText} from './format.js';

/** Columns are separated by this many spaces. */
export const COLUMN_GAP = 2;
/** Widths are measured once per result, over the header and this many rows (as VisiData does). */
const SAMPLED_ROWS = 1000;

/** Natural width of each column: header and the first rows, measured with string-width (CJK-aware). */
export function naturalWidths(result: Pick<TaskResult, 'columns' | 'rows'>): number[] {
	return result.columns.map((column, index) => {
		// One more cell for the sort mark (▲/▼) after the name.
		let width = stringWidth(column.name) + 1;
		for (const row of result.rows.slice(0, SAMPLED_ROWS)) width = Math.max(width, stringWidth(cellText(row[index] ?? null)));
		return Math.max(width, 1);
	});
}

/** Caps each column at max(20, half the screen) (Harlequin), so one long text column cannot hide the rest. */
export function cappedWidths(natural: number[], screenWidth: number): number[] {
	const cap = Math.max(20, Math.floor(screenWidth / 2));
	return natural.map((width) => Math.min(width, cap, Math.max(1, screenWidth - 1)));
}

/** Indices of the columns shown from `left` on within `pageWidth` cells (always at least one). */
export function visibleColumns(widths: number[], left: number, pageWidth: number): number[] {
	const shown: number[] = [];
	let used = 0;
	for (let index = left; index < widths.length; index++) {
		const width = widths[index] ?? 0;
		if (shown.length > 0 && used + width > pageWidth) break;
		shown.push(index);
		used += width + COLUMN_GAP;
	}
	return shown;
}

/** Pads or truncates (with "…") to exactly `width` cells; numbers go right. */
export function fitCell(text: string, width: number, alignRight: boolean): string {
	const flat = text.replace(/[\r\n\t]+/g, ' ');
	const cut = stringWidth(flat) > width ? cliTruncate(flat, width, {position: 'end', truncationCharacter: '…'}) : flat;
	const padding = ' '.repeat(Math.max(0, width - stringWidth(cut)));
	return alignRight ? padding + cut : cut + padding;
}

export {stringWidth};
