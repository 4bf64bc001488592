import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import {counted, type FileNotice, fileNotices, formatBytes, formatCount, loadingMs, noticeWords, notLogsOf, supersededOf, tablesPercent, wrapLines, wrapProse, zoneKeptClause} from '../../format.js';
import type {IngestSnapshot, IngestSummary} from '../../../ingest/progress.js';
import {Counts, DerivedPanel, ProgressPanel} from '../components/progress-panel.js';
import {compactLoad, compactLoadLines, loadTitle, LOOKING_FOR_FILES} from '../lib/compact-load.js';
import {clock, displayPath, shortPath, thousands} from '../lib/format.js';

const phaseTitles: Record<IngestSnapshot['phase'], string> = {
	scanning: 'looking for new data',
	loading: 'loading',
	deriving: 'updating the tables the tasks read',
	done: 'done',
	cancelled: 'cancelled',
	failed: 'failed',
};

const CONFIRM_CANCEL = 'Cancel the load? What is loaded stays, and the rest resumes next time. (y/n)';
/** The Tables bar, its two lines and a blank one. */
const DERIVED_LINES = 4;

/**
 * The load in progress: totals, rates, sparkline, per-file lines, and the cancel question. The progress panel gets
 * the lines the title, the Tables bar and the question leave: the question's box, drawn over a full panel, made
 * a short terminal's frame overflow, and Ink then drew lines over one another.
 */
export function IngestScreen({snapshot, rateHistory, confirmCancel, cancelling, width, height}: {snapshot?: IngestSnapshot; rateHistory: number[]; confirmCancel: boolean; cancelling: boolean; width: number; height: number}) {
	const compact = compactLoad(width, height);
	// A line each, cut: the bars, the sizes and the question's box wrapped into one another on a small terminal.
	const compactLines = compact ? compactLoadLines(snapshot, confirmCancel, width, height - 1) : undefined;
	const deriving = !compact && snapshot?.phase === 'deriving' && snapshot.derived;
	// Wrapped here, not by Ink, so that its height is known: inside the border and padding.
	const question = confirmCancel && !compact ? wrapLines(CONFIRM_CANCEL, width - 4) : [];
	const panelHeight = height - 1 - (deriving ? DERIVED_LINES : 0) - (question.length > 0 ? question.length + 2 : 0);
	return (
		<Box flexDirection="column" width={width}>
			<Text bold wrap="truncate-end">
				{loadTitle(
					cancelling ? `cancelling (rolling back ${snapshot?.phase === 'deriving' ? "the tables' update" : 'the current chunk'})…` : phaseTitles[snapshot?.phase ?? 'scanning'],
					cancelling,
					width,
				)}
			</Text>
			{deriving && <DerivedPanel derived={deriving} percent={tablesPercent(snapshot)} width={width} />}
			{compactLines ? (
				compactLines.map((line, index) => (
					<Text key={index} color={confirmCancel && index === compactLines.length - 1 ? 'yellow' : undefined}>
						{line}
					</Text>
				))
			) : snapshot ? (
				<ProgressPanel snapshot={snapshot} rateHistory={rateHistory} width={width} height={panelHeight} />
			) : (
				<Text dimColor>{LOOKING_FOR_FILES}</Text>
			)}
			{question.length > 0 && (
				<Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
					{question.map((line, index) => (
						<Text key={index}>{line}</Text>
					))}
				</Box>
			)}
		</Box>
	);
}

/** Failed and copied inputs named in the summary at most; the rest are counted (the menu comes next, below it). */
const SHOWN_NOTICES = 4;

/** Notices in the same words, their inputs in the order met: 88 files of a folder of exports that are no log were 88 notices of five lines each. */
type NoticeGroup = {notice: FileNotice; files: string[]};

function groupedNotices(notices: FileNotice[]): NoticeGroup[] {
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
function groupFiles(prefix: string, files: string[], width: number): string {
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
function noticeLines({notice, files}: NoticeGroup, width: number): string[] {
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
function noticesShown(groups: NoticeGroup[], width: number, room: number): number {
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

/** `text` wrapped at spaces within `width`, a Text a line, so that the lines it takes are known. */
function Lines({text, width, color, dimColor, bold}: {text: string; width: number; color?: string; dimColor?: boolean; bold?: boolean}) {
	return wrapProse(text, width).map((line, index) => (
		<Text key={index} color={color} dimColor={dimColor} bold={bold}>
			{line}
		</Text>
	));
}

/**
 * After the load: the summary with the overall average rate (rsync's end line), within `height` lines: the notices
 * of failed and copied inputs give way first (see noticesShown).
 */
export function SummaryScreen({summary, width, height = Number.POSITIVE_INFINITY}: {summary: IngestSummary; width: number; height?: number}) {
	const seconds = summary.elapsedMs / 1000;
	// The rate is the load's: without the derived build that followed it.
	const loadSeconds = loadingMs(summary) / 1000;
	const {bytesRead} = summary;
	const rate = loadSeconds > 0 ? bytesRead / 1e6 / loadSeconds : 0;
	const reasons = Object.entries(summary.rejectedByReason);
	const notices = groupedNotices(fileNotices(summary));
	const title = `Load ${summary.phase === 'done' ? 'finished' : summary.phase} in ${clock(seconds)}${summary.phase === 'done' && summary.derivedMs !== undefined ? ` (loading ${clock(loadSeconds)}, updating the tables ${clock(summary.derivedMs / 1000)})` : ''}`;
	const read = `read ${counted(summary.lines, 'line')}: `;
	// An average over less than a second says nothing ("1.6 KB read at 0.0 MB/s").
	const bytes = `${formatBytes(bytesRead)} read ${loadSeconds >= 1 ? `at ${rate.toFixed(1)} MB/s on average` : 'in under a second'}`;
	// On a line of its own: beside the rate it ran past 80 columns.
	const files = `files: ${summary.filesLoaded} loaded, ${notLogsOf(summary)}${summary.filesSkipped} already loaded, ${supersededOf(summary)}${summary.filesFailed} failed`;
	const cancelled = summary.derivedCancelled
		? `Everything is loaded; the tables the tasks read are updated the next time the app starts (until then the tasks answer without this load)${zoneKeptClause(summary)}.`
		: 'The rest of the files load the next time the app starts.';
	const tail = [
		reasons.length > 0 && {text: `rejected by reason: ${reasons.map(([reason, count]) => `${reason} ${thousands(count)}`).join(', ')}`, color: 'red'},
		summary.error && {text: summary.error, color: 'red'},
		summary.phase === 'cancelled' && {text: cancelled, color: 'yellow'},
		summary.rejected > 0 && {text: 'The rejected lines are kept: openpolyedu-tui rejected lists them.', dimColor: true},
	].filter((line) => line !== false && line !== undefined && line !== '');
	const linesOf = (text: string) => wrapProse(text, width).length;
	const room = height - linesOf(title) - 1 - linesOf(bytes) - linesOf(files) - tail.reduce((sum, line) => sum + linesOf(line.text), 0);
	const shown = noticesShown(notices, width, room);
	// Never shrunk: what does not fit even then is cut at the bottom, where Yoga's shrinking drew lines over one another.
	return (
		<Box flexDirection="column" width={width} flexShrink={0}>
			<Lines text={title} width={width} bold color={summary.phase === 'failed' ? 'red' : summary.phase === 'cancelled' ? 'yellow' : 'green'} />
			<Text wrap="truncate-end">
				{read}
				<Counts loaded={summary.loaded} readAgain={summary.readAgain} duplicates={summary.duplicates} rejected={summary.rejected} width={width - stringWidth(read)} />
			</Text>
			<Lines text={bytes} width={width} />
			<Lines text={files} width={width} />
			{notices.slice(0, shown).map((group) =>
				noticeLines(group, width).map((line, index) => (
					<Text key={`${group.notice.kind} ${group.notice.file} ${index}`} color={group.notice.kind === 'failed' ? 'red' : 'yellow'}>
						{line}
					</Text>
				)),
			)}
			{/* `files` has no row for a copy skipped: ingest run again names every one (loading nothing new). */}
			{notices.length > shown && (
				<Text dimColor wrap="truncate-end">
					… and {formatCount(notices.slice(shown).reduce((sum, group) => sum + group.files.length, 0))} more (openpolyedu-tui ingest names them all)
				</Text>
			)}
			{tail.map((line, index) => (
				<Lines key={index} text={line.text} width={width} color={line.color} dimColor={line.dimColor} />
			))}
		</Box>
	);
}
