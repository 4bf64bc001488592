import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import {counted, type FileNotice, fileNotices, formatBytes, loadingMs, noticeWords, notLogsOf, supersededOf, tablesPercent, wrapLines, wrapProse, zoneKeptClause} from '../../format.js';
import type {IngestSnapshot, IngestSummary} from '../../../ingest/progress.js';
import {Counts, DerivedPanel, ProgressPanel} from '../components/progress-panel.js';
import {compactLoad, compactLoadLines, loadTitle, LOOKING_FOR_FILES} from '../lib/compact-load.js';
import {clock, shortPath, thousands} from '../lib/format.js';

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

/** Failed and copied inputs named in the summary; the rest are counted (the menu comes next, below it). */
const SHOWN_NOTICES = 4;

/**
 * A failed, empty or copied input, its path cut to fit (shortPath): on one line, a copy's two long paths were
 * cut as one, which lost "same content as" and read as if the copy skipped were the file loaded. What the
 * second path is, or what the archive lacked, goes on a second line. The words are ingest's (noticeWords).
 */
function FileNoticeLines({notice, width}: {notice: FileNotice; width: number}) {
	const color = notice.kind === 'failed' ? 'red' : 'yellow';
	if (notice.kind === 'failed') {
		const {title, detail} = noticeWords(notice);
		// The reason is what to act on: the path gives way first, down to a readable part of it; a longer reason wraps
		// (unzip's run past 100 columns, cut in the middle of "not found").
		const room = Math.max(20, width - stringWidth(`${title}: : ${detail}`));
		return (
			<Text color={color} wrap="wrap">
				{title}: {shortPath(notice.file, room)}: {detail}
			</Text>
		);
	}
	// The other path gets what the detail's own words and its two-space indent leave.
	const otherRoom = width - 2 - stringWidth(noticeWords(notice, () => '').detail);
	const {title, detail} = noticeWords(notice, (file) => shortPath(file, otherRoom));
	return (
		<>
			<Text color={color}>
				{title}: {shortPath(notice.file, width - title.length - 2)}
			</Text>
			{/* Indented on each line: wrapped by Ink, its next lines started at the margin, under the paths. */}
			{wrapProse(detail, width - 2).map((line, index) => (
				<Text key={index} color={color}>
					{'  '}
					{line}
				</Text>
			))}
		</>
	);
}

/** After the load: the summary with the overall average rate (rsync's end line). */
export function SummaryScreen({summary, width}: {summary: IngestSummary; width: number}) {
	const seconds = summary.elapsedMs / 1000;
	// The rate is the load's: without the derived build that followed it.
	const loadSeconds = loadingMs(summary) / 1000;
	const {bytesRead} = summary;
	const rate = loadSeconds > 0 ? bytesRead / 1e6 / loadSeconds : 0;
	const reasons = Object.entries(summary.rejectedByReason);
	const notices = fileNotices(summary);
	return (
		<Box flexDirection="column" width={width}>
			<Text bold color={summary.phase === 'failed' ? 'red' : summary.phase === 'cancelled' ? 'yellow' : 'green'}>
				Load {summary.phase === 'done' ? 'finished' : summary.phase} in {clock(seconds)}
				{summary.phase === 'done' && summary.derivedMs !== undefined && ` (loading ${clock(loadSeconds)}, updating the tables ${clock(summary.derivedMs / 1000)})`}
			</Text>
			<Text>
				read {counted(summary.lines, 'line')}: <Counts loaded={summary.loaded} readAgain={summary.readAgain} duplicates={summary.duplicates} rejected={summary.rejected} />
			</Text>
			<Text>
				{/* An average over less than a second says nothing ("1.6 KB read at 0.0 MB/s"). */}
				{formatBytes(bytesRead)} read {loadSeconds >= 1 ? `at ${rate.toFixed(1)} MB/s on average` : 'in under a second'}
			</Text>
			{/* On a line of its own: beside the rate it ran past 80 columns. */}
			<Text>
				files: {summary.filesLoaded} loaded, {notLogsOf(summary)}
				{summary.filesSkipped} already loaded, {supersededOf(summary)}
				{summary.filesFailed} failed
			</Text>
			{notices.slice(0, SHOWN_NOTICES).map((notice) => (
				<FileNoticeLines key={`${notice.kind} ${notice.file}`} notice={notice} width={width} />
			))}
			{/* `files` has no row for a copy skipped: ingest run again names every one (loading nothing new). */}
			{notices.length > SHOWN_NOTICES && <Text dimColor>… and {notices.length - SHOWN_NOTICES} more (openpolyedu-tui ingest names them all)</Text>}
			{reasons.length > 0 && <Text color="red">rejected by reason: {reasons.map(([reason, count]) => `${reason} ${thousands(count)}`).join(', ')}</Text>}
			{summary.error && <Text color="red">{summary.error}</Text>}
			{summary.phase === 'cancelled' && (
				<Text color="yellow">
					{summary.derivedCancelled
						? `Everything is loaded; the tables the tasks read are updated the next time the app starts (until then the tasks answer without this load)${zoneKeptClause(summary)}.`
						: 'The rest of the files load the next time the app starts.'}
				</Text>
			)}
			{summary.rejected > 0 && <Text dimColor>The rejected lines are kept: openpolyedu-tui rejected lists them.</Text>}
		</Box>
	);
}
