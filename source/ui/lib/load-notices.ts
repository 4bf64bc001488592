/** The load summary's notices of failed, copied and skipped inputs: grouped by their words, laid out in lines, and how many fit. */
import stringWidth from 'string-width';
import {type FileNotice, formatCount, noticeWords, wrapProse} from '../../format.js';
import {displayPath, shortPath} from './format.js';

/** Failed and copied inputs named in the summary at most; the rest are counted (the menu comes next, below it). */
const SHOWN_NOTICES = 4;

/** Notices in the same words, their inputs in the order met: 88 files of a folder of exports that are no log were 88 notices of five lines each. */
export type NoticeGroup = {notice: FileNotice; files: string[]};

export function groupedNotices(notices: FileNotice[]): NoticeGroup[] {
	const groups = new Map<string, NoticeGroup>();
	for (const notice of notices) {
		const {title, detail} = noticeWords(notice);
		const key = `${notice.kind}\n${title}\n${detail}`;
		const group = groups.get(key);
		if (group) group.files.push(notice.file);
		else groups.set(key, {notice, files: [notice.file]});
	}
	return [...groups.values()];
}

/**
 * A group's inputs on one line after `prefix`: as many paths as fit, then how many more ("input/a.json, input/b.json
 * and 86 more"); the first path cut to fit (shortPath) when even it does not.
 */
export function groupFiles(prefix: string, files: string[], width: number): string {
	const more = (named: number) => (named < files.length ? ` and ${formatCount(files.length - named)} more` : '');
	let line = '';
	let named = 0;
	// Path by path while the line holds it: thousands of daily files are not joined again for each count tried.
	for (const file of files) {
		const longer = `${line}${named > 0 ? ', ' : ''}${displayPath(file)}`;
		if (stringWidth(`${prefix}${longer}${more(named + 1)}`) > width) break;
		line = longer;
		named++;
	}
	if (named > 0) return `${prefix}${line}${more(named)}`;
	return `${prefix}${shortPath(files[0]!, width - stringWidth(prefix + more(1)))}${more(1)}`;
}

/**
 * A failed, empty or copied input's lines within `width`, its path cut to fit (shortPath): on one line, a copy's two
 * long paths were cut as one, which lost "same content as" and read as if the copy skipped were the file loaded. What
 * the second path is, or what the archive lacked, goes on the lines after it, indented; so does the reason of several
 * inputs in the same words, said once under their paths. The words are ingest's (noticeWords).
 */
export function noticeLines({notice, files}: NoticeGroup, width: number): string[] {
	if (notice.kind === 'failed' && files.length === 1) {
		const {title, detail} = noticeWords(notice);
		// The reason is what to act on: the path gives way first, down to a readable part of it; a longer reason wraps
		// (unzip's run past 100 columns, cut in the middle of "not found").
		const room = Math.max(20, width - stringWidth(`${title}: : ${detail}`));
		return wrapProse(`${title}: ${shortPath(notice.file, room)}: ${detail}`, width);
	}
	// The other path gets what the detail's own words and its two-space indent leave.
	const otherRoom = width - 2 - stringWidth(noticeWords(notice, () => '').detail);
	const {title, detail} = noticeWords(notice, (file) => shortPath(file, otherRoom));
	// Indented on each line: wrapped by Ink, its next lines started at the margin, under the paths.
	return [groupFiles(`${title}: `, files, width), ...wrapProse(detail, width - 2).map((line) => `  ${line}`)];
}

/**
 * How many of `groups` (SHOWN_NOTICES at most) the summary names in `room` lines, with the line counting the others
 * when some are left out. At 60×20 four of them (four lines each) and the lines around them overflowed the screen, and
 * Ink drew lines over one another ("loaded from itn (jq -c . FILE)…").
 */
export function noticesShown(groups: NoticeGroup[], width: number, room: number): number {
	let used = 0;
	let shown = 0;
	for (const group of groups.slice(0, SHOWN_NOTICES)) {
		const more = shown + 1 < groups.length ? 1 : 0;
		used += noticeLines(group, width).length;
		if (used + more > room) break;
		shown++;
	}
	return shown;
}

/** The inputs of the groups after the first `shown`, which the summary counts on a line of its own. */
export function filesNotNamed(groups: NoticeGroup[], shown: number): number {
	return groups.slice(shown).reduce((sum, group) => sum + group.files.length, 0);
}
