/** Screen-only formatting (bars, sparklines, paths) on top of the shared figures, cells and wrapped lines in source/format.ts. */
import path from 'node:path';
import stringWidth from 'string-width';
import {formatCount, formatDuration, loadPercent, truncated} from '../../format.js';

/** Whole numbers with thousands separators (k9s AsThousands): rates are rounded first. */
export function thousands(value: number): string {
	return formatCount(Math.round(value));
}

/** Elapsed time or ETA; unknown (undefined / not finite) is "--:--" as rsync shows it. */
export function clock(seconds: number | undefined): string {
	return seconds === undefined || !Number.isFinite(seconds) || seconds < 0 ? '--:--' : formatDuration(seconds * 1000);
}

/** A load's share done (see loadPercent) in 4 columns; of an unknown size, "?%". */
export function percent(done: number, total: number): string {
	return (total <= 0 ? '?%' : loadPercent(done, total)).padStart(4);
}

/** Of a bar's cell, its left eighths filled (indicatif's fine bar). */
const eighths = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A text progress bar of exactly `width` cells, filled to the eighth of a cell: in whole cells, the Total bar of an
 * 18 GB log moved once every 400 MB (7 s at 60 MB/s), and sat empty through the load's first seconds.
 */
export function bar(done: number, total: number, width: number): string {
	if (width <= 0) return '';
	const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
	const filled = Math.floor(fraction * width * 8);
	const full = Math.floor(filled / 8);
	const partial = eighths[filled % 8]!;
	return '█'.repeat(full) + partial + '░'.repeat(width - full - (partial ? 1 : 0));
}

const sparks = '▁▂▃▄▅▆▇█';

/** The last `width` values as a sparkline scaled to their maximum. */
export function sparkline(values: number[], width: number): string {
	const shown = values.slice(-width);
	const max = Math.max(0, ...shown);
	return shown
		.map((value) => (max <= 0 ? sparks[0] : sparks[Math.min(sparks.length - 1, Math.floor((value / max) * (sparks.length - 1)))]))
		.join('');
}

/** A path as the user thinks of it: relative to the current folder when inside it (input/big.log). */
export function displayPath(label: string): string {
	const relative = path.relative(process.cwd(), label);
	return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : label;
}

/** What stands for the folders of a path when none of their names fits: the file is still seen to be in one. */
const FOLDERS_LEFT_OUT = `…${path.sep}`;

/**
 * displayPath in at most `width` columns: the folders are cut in their middle and the file's name kept whole,
 * as it tells daily files apart (cut in its middle only when it alone is too wide). Where not 4 cells are left for the
 * folders, they are "…/": the name alone read as a file of the current folder.
 */
export function shortPath(label: string, width: number): string {
	const shown = displayPath(label);
	if (stringWidth(shown) <= width) return shown;
	const name = path.basename(shown);
	const folders = shown.slice(0, shown.length - name.length);
	const room = width - stringWidth(name);
	const cut = (text: string, columns: number) => truncated(text, columns, 'middle');
	if (room >= 4) return cut(folders, room) + name;
	// Below 3 cells the marker leaves no room for a letter of the name.
	if (folders === '' || width <= stringWidth(FOLDERS_LEFT_OUT)) return cut(name, width);
	return FOLDERS_LEFT_OUT + cut(name, width - stringWidth(FOLDERS_LEFT_OUT));
}
