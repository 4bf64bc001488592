import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import {counted, fileNotices, formatBytes, formatCount, loadingMs, notLogsOf, supersededOf, tablesPercent, wrapLines, wrapProse, zoneKeptClause} from '../../format.js';
import type {IngestSnapshot, IngestSummary} from '../../../ingest/progress.js';
import {Counts, DerivedPanel, ProgressPanel} from '../components/progress-panel.js';
import {compactLoad, compactLoadLines, loadTitle, LOOKING_FOR_FILES} from '../lib/compact-load.js';
import {clock, thousands} from '../lib/format.js';
import {filesNotNamed, groupedNotices, noticeLines, noticesShown} from '../lib/load-notices.js';

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
					… and {formatCount(filesNotNamed(notices, shown))} more (openpolyedu-tui ingest names them all)
				</Text>
			)}
			{tail.map((line, index) => (
				<Lines key={index} text={line.text} width={width} color={line.color} dimColor={line.dimColor} />
			))}
		</Box>
	);
}
