import type {IngestSnapshot} from '../../../ingest/progress.js';
import {counted, formatBytes, loadRatesText, tablesPercent} from '../../format.js';
import {stringWidth} from './columns.js';
import {bar, percent, thousands} from './format.js';

/** What the load screen says before its first snapshot. */
export const LOOKING_FOR_FILES = 'Looking for new files in the inputs…';

/**
 * Whether the load screen is too small for its bars and columns: below 30 columns or 6 lines, the Total bar, its sizes
 * and the counts wrapped into one another ("/ 4.0 MB" on a line of its own) and ran past the lines the screen has.
 */
export function compactLoad(width: number, height: number): boolean {
	return width < 30 || height < 6;
}

/**
 * The small load screen's lines under its title, one a line within `width`, the most needed first, as many as `rows`
 * holds: the share done (the tables' while they are updated) and the events loaded, the rates and ETA, then duplicates
 * and rejected, each line's figures kept whole (wholeFigures). The cancel question, when asked, takes the last line: it
 * waits for its answer.
 */
export function compactLoadLines(snapshot: IngestSnapshot | undefined, confirmCancel: boolean, width: number, rows: number): string[] {
	const done = snapshot && (snapshot.phase === 'deriving' ? `tables ${tablesPercent(snapshot)}%` : percent(snapshot.bytesDone, snapshot.bytesTotal).trim());
	const lines = snapshot
		? [
				wholeFigures([done ?? '', counted(snapshot.loaded, 'event')], width, 'first'),
				// The ETA is what a small window is watched for; MB/s says least (the share done is of bytes too).
				wholeFigures(loadRatesText(snapshot).split(' · '), width, 'last'),
				wholeFigures([`duplicates ${thousands(snapshot.duplicates)}`, `rejected ${thousands(snapshot.rejected)}`], width, 'last'),
			]
		: [wholeFigures([LOOKING_FOR_FILES], width, 'first')];
	// On one line: wrapped, it took a line more than the screen has.
	const question = ['Cancel the load? (y/n)', 'Cancel? (y/n)'].find((text) => text.length <= width) ?? 'Cancel? y/n';
	const room = Math.max(1, rows);
	const shown = lines.filter(Boolean);
	return confirmCancel ? [...shown.slice(0, room - 1), question] : shown.slice(0, room);
}

/**
 * Figures joined by " · " within `width`: those furthest from the one to `keep` (the first or the last) left out first,
 * the one left too if still too wide (''); a sentence (one figure given: "Looking for new files…", a resumed .gz's pass)
 * is cut after its last whole word that fits. Cut at the width, the rates line read "12.5 MB/s · 2,400 e…" and
 * "12.5 MB/s · 2,4…" at 16 columns, half a number; cut at a word, a figure read "ETA…" or "tables…", a label alone.
 */
export function wholeFigures(figures: string[], width: number, keep: 'first' | 'last'): string {
	if (figures.length === 1) return afterWholeWords(figures[0]!, width);
	let kept = figures;
	while (kept.length > 1 && stringWidth(kept.join(' · ')) > width) kept = keep === 'first' ? kept.slice(0, -1) : kept.slice(1);
	const line = kept.join(' · ');
	return stringWidth(line) <= width ? line : '';
}

/** `text` within `width`: whole, or cut after its last whole word that fits (…, a " ·" before it dropped); '' when none does. */
function afterWholeWords(text: string, width: number): string {
	if (stringWidth(text) <= width) return text;
	const words = text.split(' ');
	for (let count = words.length - 1; count > 0; count--) {
		const cut = `${words.slice(0, count).join(' ').replace(/ ·$/, '')}…`;
		if (stringWidth(cut) <= width) return cut;
	}
	return '';
}

/**
 * The load screen's title within `width`: "Loading logs · " and what the load is `doing`, cut after a whole word. When
 * not a word of that fits beside it, "Loading logs" alone, as the lines under it say the phase ("tables 42%", "Looking
 * for new…"); but a cancel, which nothing else says, alone in its place. Cut at the width by Ink, it read "Loading logs ·
 * load…" at 20 columns, "Loading logs ·…" at 15 and "Loading log…" at 12.
 */
export function loadTitle(doing: string, cancelling: boolean, width: number): string {
	const title = `Loading logs · ${doing}`;
	if (stringWidth(`Loading logs · ${doing.split(' ')[0]}…`) <= width || stringWidth(title) <= width) return afterWholeWords(title, width);
	return afterWholeWords(cancelling ? doing.charAt(0).toUpperCase() + doing.slice(1) : 'Loading logs', width);
}

/**
 * The load panel's Total line after its label, within `width`: the bar, the share done and the bytes read of all. The
 * bar is as wide as before (the screen's width less 36) where that fits, narrower where not, and left out below 3
 * cells; the total's size then goes. A bar of 10 cells at least made the line 41 columns: it wrapped at 30 to 40.
 */
export function totalFigures(done: number, total: number, width: number): string {
	const share = percent(done, total);
	const sizes = [`${formatBytes(done)} / ${formatBytes(total)}`, formatBytes(done)].find((text) => stringWidth(`${share} ${text}`) <= width);
	const figures = sizes === undefined ? share.trim() : `${share} ${sizes}`;
	const barWidth = Math.min(Math.max(10, width - 30), width - stringWidth(figures) - 1);
	return barWidth >= 3 ? `${bar(done, total, barWidth)} ${figures}` : figures.trim();
}
