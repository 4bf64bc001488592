import type {IngestSnapshot} from '../../../ingest/progress.js';
import {counted, loadRatesText, tablesPercent, truncated} from '../../format.js';
import {percent, thousands} from './format.js';

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
 * The small load screen's lines under its title, one a line, cut to `width`, the most needed first, as many as `rows`
 * holds: the share done (the tables' while they are updated) and the events loaded, the rates, then duplicates and
 * rejected. The cancel question, when asked, takes the last line: it waits for its answer.
 */
export function compactLoadLines(snapshot: IngestSnapshot | undefined, confirmCancel: boolean, width: number, rows: number): string[] {
	const done = snapshot && (snapshot.phase === 'deriving' ? `tables ${tablesPercent(snapshot)}%` : percent(snapshot.bytesDone, snapshot.bytesTotal).trim());
	const lines = snapshot
		? [`${done} · ${counted(snapshot.loaded, 'event')}`, loadRatesText(snapshot), `duplicates ${thousands(snapshot.duplicates)} · rejected ${thousands(snapshot.rejected)}`]
		: [LOOKING_FOR_FILES];
	const question = width >= 22 ? 'Cancel the load? (y/n)' : 'Cancel? (y/n)';
	const room = Math.max(1, rows);
	return (confirmCancel ? [...lines.slice(0, room - 1), question] : lines.slice(0, room)).map((line) => truncated(line, width));
}
