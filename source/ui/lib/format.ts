/** Screen-only formatting (bars, sparklines, paths, wrapped lines) on top of the shared figures and cells in source/format.ts. */
import path from 'node:path';
import stringWidth from 'string-width';
import {formatCount, formatDuration, truncated} from '../../format.js';

/** Whole numbers with thousands separators (k9s AsThousands): rates are rounded first. */
export function thousands(value: number): string {
	return formatCount(Math.round(value));
}

/** Elapsed time or ETA; unknown (undefined / not finite) is "--:--" as rsync shows it. */
export function clock(seconds: number | undefined): string {
	return seconds === undefined || !Number.isFinite(seconds) || seconds < 0 ? '--:--' : formatDuration(seconds * 1000);
}

export function percent(done: number, total: number): string {
	if (total <= 0) return '  ?%';
	return `${Math.min(100, Math.floor((done / total) * 100))}%`.padStart(4);
}

/** A text progress bar of exactly `width` cells. */
export function bar(done: number, total: number, width: number): string {
	if (width <= 0) return '';
	const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
	const filled = Math.round(fraction * width);
	return '█'.repeat(filled) + '░'.repeat(width - filled);
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

/**
 * displayPath in at most `width` columns: the folders are cut in their middle and the file's name kept whole,
 * as it tells daily files apart (cut in its middle only when it alone is too wide).
 */
export function shortPath(label: string, width: number): string {
	const shown = displayPath(label);
	if (stringWidth(shown) <= width) return shown;
	const name = path.basename(shown);
	const room = width - stringWidth(name);
	const cut = (text: string, columns: number) => truncated(text, columns, 'middle');
	return room >= 4 ? cut(shown.slice(0, shown.length - name.length), room) + name : cut(name, width);
}

/** The zones whose days the database keeps precomputed (the day zone, and UTC beside another): the tasks answer fastest in them. */
export function dayZonesText(dayZone: string): string {
	return dayZone === 'UTC' ? 'UTC' : `${dayZone} + UTC`;
}

/**
 * Text in lines of at most `width` cells, broken after a space, a path separator or an underscore (as
 * in a saved file's name) where the line has one, else anywhere: a long file name is shown whole, over
 * two lines, rather than cut. Past `maxLines` the last line is cut in the middle (a file's name keeps its end), or
 * at the end (`cut` 'end', for prose).
 */
export function wrapLines(text: string, width: number, maxLines = Number.POSITIVE_INFINITY, cut: 'middle' | 'end' = 'middle'): string[] {
	const lines = brokenLines(text, width, false);
	if (lines.length <= maxLines) return lines;
	// Prose lost its spaces where it was broken; a name was broken after a separator, so its parts join as they are.
	const rest = lines.slice(maxLines - 1).join(cut === 'end' ? ' ' : '');
	return [...lines.slice(0, maxLines - 1), truncated(rest, width, cut)];
}

/**
 * Sentences in lines of at most `width` cells, broken at spaces: a word longer than a line (an id, a path) is
 * broken after a separator or an underscore, else anywhere. wrapLines broke "Europe/Moscow" and "spring_2019"
 * in an error's sentence where a space before them would do.
 */
export function wrapProse(text: string, width: number): string[] {
	return brokenLines(text, width, true);
}

const BREAKS = ' /\\_';

/** The lines of wrapLines and wrapProse: `prose` breaks at a separator only in a line without a space. */
function brokenLines(text: string, width: number, prose: boolean): string[] {
	const lines: string[] = [];
	let line = '';
	// Where `line` may be broken: after its last space, and after its last space, separator or underscore.
	let spaceAt = 0;
	let breakAt = 0;
	for (const char of text.replace(/[\r\n\t]+/g, ' ')) {
		if (line && stringWidth(line + char) > width) {
			if (char === ' ') {
				lines.push(line.trimEnd());
				line = '';
				spaceAt = breakAt = 0;
				continue;
			}
			const at = prose && spaceAt > 0 ? spaceAt : breakAt;
			lines.push((at > 0 ? line.slice(0, at) : line).trimEnd());
			line = at > 0 ? line.slice(at) : '';
			// What stays on the line has no space (a break after the last one) but may have separators.
			spaceAt = 0;
			breakAt = Math.max(...[...BREAKS].map((separator) => line.lastIndexOf(separator))) + 1;
		}
		line += char;
		if (char === ' ') spaceAt = line.length;
		if (BREAKS.includes(char)) breakAt = line.length;
	}
	if (line) lines.push(line);
	return lines;
}
