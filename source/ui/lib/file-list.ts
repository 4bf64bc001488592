/** What the load screen's file list shows: each file's mark, and which files fit in its lines. */
import type {FileProgress, IngestSnapshot} from '../../../ingest/progress.js';
import {formatCount} from '../../format.js';

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
