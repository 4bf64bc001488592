/** What the load screen's file list shows: each file's mark, and which files fit in its lines. */
import path from 'node:path';
import type {FileProgress, IngestSnapshot} from '../../../ingest/progress.js';
import {formatCount} from '../../format.js';
import {stringWidth} from './columns.js';
import {displayPath, thousands} from './format.js';

/**
 * A file's mark. ▸ is the file being read now, one at most; ▹ a file read to its end whose last chunks the loader
 * threads are still storing. Both were ▸: with daily files (each a chunk or two) two or three files showed ▸ at 0 %
 * at once, and which one the load was on could not be told.
 */
export function fileMark(file: FileProgress, currentFile: IngestSnapshot['currentFile']): string {
	if (file.status === 'loading') return file.label === currentFile ? '▸' : '▹';
	return {pending: '·', skipped: '=', loaded: '✓', failed: '✗'}[file.status];
}

/** Loaded, or already loaded (skipped). */
export const isDone = (file: FileProgress) => file.status === 'loaded' || file.status === 'skipped';

/**
 * The files that fit in `room` lines, in the order they load, and a line counting the others when some do not fit.
 * The files in progress and the failed ones are always shown; the lines left go to the files finished last and the
 * next ones to load, in turn (one more finished file when they are odd). The list was ordered by status and cut at
 * its end: late in a load of 124 daily files it showed the oldest files finished, not those just finished.
 */
export function filesToShow(files: FileProgress[], room: number): {shown: FileProgress[]; more?: string} {
	if (files.length <= room) return {shown: files};
	// One line counts the files not shown.
	const slots = Math.max(0, room - 1);
	const indexes = files.map((_, index) => index);
	const loading = indexes.filter((index) => files[index]!.status === 'loading');
	const failed = indexes.filter((index) => files[index]!.status === 'failed');
	const chosen = [...loading, ...failed].slice(0, slots);
	// Files load in list order: the finished ones nearest the end finished last.
	const finished = indexes.filter((index) => isDone(files[index]!)).reverse();
	const next = indexes.filter((index) => files[index]!.status === 'pending');
	for (let turn = 0; chosen.length < slots && (finished.length > 0 || next.length > 0); turn++) {
		const from = (turn % 2 === 0 && finished.length > 0) || next.length === 0 ? finished : next;
		chosen.push(from.shift()!);
	}
	const shownIndexes = new Set(chosen);
	const hidden = files.filter((_, index) => !shownIndexes.has(index));
	const done = hidden.filter(isDone).length;
	const toCome = hidden.filter((file) => file.status === 'pending').length;
	const parts = [done > 0 && `${formatCount(done)} done`, toCome > 0 && `${formatCount(toCome)} to come`].filter(Boolean);
	return {
		shown: chosen.sort((a, b) => a - b).map((index) => files[index]!),
		more: `… ${formatCount(hidden.length)} more files${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`,
	};
}

/**
 * A file's last column within `width`: its events and rejected lines, or why it was skipped or failed; narrower, the
 * words go before the figures ("1,234,567, 44 rej", then the events alone: the line is red), and what still does not fit
 * is cut at its end.
 */
export function fileCounts(file: FileProgress, width = Number.POSITIVE_INFINITY): string {
	if (file.status === 'skipped' || file.status === 'failed') {
		const why = file.note ?? file.status;
		return file.rejected > 0 ? `${why}, ${thousands(file.rejected)} rej` : why;
	}
	const events = thousands(file.loaded);
	const rejected = file.rejected > 0 ? [`${events} ev, ${thousands(file.rejected)} rej`, `${events}, ${thousands(file.rejected)} rej`] : [];
	const forms = [...rejected, `${events} ev`, events];
	return forms.find((form) => stringWidth(form) <= width) ?? forms[0]!;
}

/** A file line's sizes ("999.9 MB/999.9 MB" at most, as formatBytes writes them), with the space before them. */
export const SIZES_WIDTH = 18;

/**
 * The counts' column that the choice of the other columns leaves at the least: "1,234,567, 44 rej". The counts grow as a
 * file loads ("0 ev", then "12,345 ev, 3 rej"), so the layout does not follow them: sized to the widest counts, each new
 * digit and the first rejected line moved the bars and the sizes left.
 */
const COUNTS_RESERVE = 17;

/**
 * The widths of the load panel's file lines at `width` (`bar` 0: none), for all the load's `files` (not only those
 * shown: the list's window moves): the mark (2), the name, a space, the bar and a space, the share done (4), the sizes, a
 * space and the counts. The name gets room for the widest file's own name (up to 24: daily files differ at its end) beside
 * COUNTS_RESERVE, then the bar (the share done says it in figures) and then the sizes give way; it takes more, up to
 * the widest path, and the counts the rest. Below that the counts are cut (see fileCounts), at 8 columns at least, then
 * the name. Only the names and the width decide it, so the columns stay where they are from the load's start to its
 * end. The line had a fixed 53 columns: at 40 the name was cut to "inpu…log" and the sizes wrapped onto a second line
 * below 37.
 */
export function fileColumns(files: FileProgress[], width: number): {name: number; bar: number; sizes: boolean; counts: number} {
	const paths = files.map((file) => displayPath(file.label));
	const wantedName = Math.min(24, Math.max(8, ...paths.map((shown) => stringWidth(path.basename(shown)))));
	const wholeName = Math.max(wantedName, ...paths.map((shown) => stringWidth(shown)));
	const bar = width >= 100 ? 20 : 10;
	const fixed = (withBar: boolean, sizes: boolean) => 2 + 1 + (withBar ? bar + 1 : 0) + 4 + (sizes ? SIZES_WIDTH : 0) + 1;
	for (const [withBar, sizes] of [[true, true], [false, true], [false, false]] as const) {
		const room = width - fixed(withBar, sizes) - COUNTS_RESERVE;
		if (room < wantedName) continue;
		const name = Math.min(wholeName, room);
		return {name, bar: withBar ? bar : 0, sizes, counts: width - fixed(withBar, sizes) - name};
	}
	const counts = Math.max(8, width - fixed(false, false) - wantedName);
	return {name: Math.max(1, width - fixed(false, false) - counts), bar: 0, sizes: false, counts};
}
