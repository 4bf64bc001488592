import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import {derivedCountsText, formatBytes, loadRatesText, readyText} from '../../format.js';
import {DERIVED_STEPS, type FileProgress, type IngestSnapshot} from '../../../ingest/progress.js';
import {totalFigures, wholeFigures} from '../lib/compact-load.js';
import {fileColumns, fileCounts, fileMark, filesToShow, isDone, SIZES_WIDTH} from '../lib/file-list.js';
import {bar, clock, percent, shortPath, sparkline, thousands} from '../lib/format.js';

/**
 * Loaded / duplicates / rejected, rejected in red when there are any; within `width`, the duplicates then the lines read
 * again left out (the rejected stay, as on the small load screen): wrapped, "rejected 3" took a line of its own.
 */
export function Counts({loaded, readAgain, duplicates, rejected, width = Number.POSITIVE_INFINITY}: {loaded: number; readAgain: number; duplicates: number; rejected: number; width?: number}) {
	const rejectedText = `rejected ${thousands(rejected)}`;
	const parts = [`loaded ${thousands(loaded)}`, ...(readAgain > 0 ? [`read again ${thousands(readAgain)}`] : []), `duplicates ${thousands(duplicates)}`];
	while (parts.length > 1 && stringWidth([...parts, rejectedText].join(' · ')) > width) parts.pop();
	return (
		<Text>
			{parts.join(' · ')} ·{' '}
			<Text color={rejected > 0 ? 'red' : undefined} bold={rejected > 0}>
				{rejectedText}
			</Text>
		</Text>
	);
}

function FileLine({file, mark, columns}: {file: FileProgress; mark: string; columns: ReturnType<typeof fileColumns>}) {
	// 17: the widest pair formatBytes writes (999.9 MB/999.9 MB).
	const sizes = `${formatBytes(file.bytesDone)}/${formatBytes(file.bytesTotal)}`.padStart(SIZES_WIDTH - 1);
	// An empty file read (or skipped) is done, not of unknown size ("░░░ ?%" beside its ✓).
	const [done, total] = (file.status === 'loaded' || file.status === 'skipped') && file.bytesTotal === 0 ? [1, 1] : [file.bytesDone, file.bytesTotal];
	return (
		<Box>
			<Box width={2} flexShrink={0}>
				<Text color={file.status === 'failed' ? 'red' : file.status === 'loading' ? 'cyan' : undefined}>{mark}</Text>
			</Box>
			<Box width={columns.name} flexShrink={0}>
				<Text wrap="truncate-end">{shortPath(file.label, columns.name)}</Text>
			</Box>
			<Box flexShrink={0} paddingX={1}>
				<Text>
					{columns.bar > 0 && `${bar(done, total, columns.bar)} `}
					{percent(done, total)}
					{columns.sizes && ` ${sizes}`}
				</Text>
			</Box>
			<Box width={columns.counts} flexShrink={0}>
				<Text color={file.rejected > 0 || file.status === 'failed' ? 'red' : undefined} wrap="truncate-end">
					{fileCounts(file, columns.counts)}
				</Text>
			</Box>
		</Box>
	);
}

/**
 * The rates, the ETA and the time elapsed within `width`: whole figures (wholeFigures), the elapsed time only where it fits
 * after the ETA. Cut at the width, it read "12.5 MB/s · 2,400 events/s · ETA …" at 40 columns.
 */
function ratesLine(snapshot: IngestSnapshot, width: number): string {
	const rates = wholeFigures(loadRatesText(snapshot).split(' · '), width, 'last');
	const withElapsed = `${rates} · elapsed ${clock(snapshot.elapsedMs / 1000)}`;
	return stringWidth(withElapsed) <= width ? withElapsed : rates;
}

/** The panel's lines before its file list: total, rates, sparkline, counts, a blank line and the Files heading (and while loading and updating the tables, the wait's estimate). */
const HEAD_LINES = 6;

/** Total and per-file progress of a load (pv / rsync / indicatif fields) in at most `height` lines: the file list goes first. */
export function ProgressPanel({snapshot, rateHistory, width, height}: {snapshot: IngestSnapshot; rateHistory: number[]; width: number; height: number}) {
	const done = snapshot.files.filter(isDone).length;
	// The whole wait, the tables' update included, while loading; on the same line, the update's own while it runs.
	const waiting = snapshot.phase === 'loading' || snapshot.phase === 'deriving';
	const fileRoom = height - HEAD_LINES - (waiting ? 1 : 0);
	// Short of room for the lines before the list (total, rates, the wait, sparkline, counts; the Tables bar and the
	// cancel question above the panel at 60×15), the load's sparkline gives way to the wait's estimate.
	const showSparkline = height >= HEAD_LINES - 2 + (waiting ? 1 : 0);
	const {shown, more} = filesToShow(snapshot.files, fileRoom);
	const columns = fileColumns(snapshot.files, width);
	return (
		<Box flexDirection="column" width={width}>
			<Text>
				<Text bold>Total </Text>
				{totalFigures(snapshot.bytesDone, snapshot.bytesTotal, width - 6)}
			</Text>
			<Text wrap="truncate-end">
				{'      '}
				{ratesLine(snapshot, width - 6)}
			</Text>
			{waiting && (
				<Text wrap="truncate-end">
					{'      '}
					{readyText(snapshot)}
				</Text>
			)}
			{showSparkline && (
				<Text>
					{'      '}
					<Text color="cyan">{sparkline(rateHistory, Math.max(10, width - 20))}</Text> MB/s
				</Text>
			)}
			<Text>
				{'      '}
				<Counts loaded={snapshot.loaded} readAgain={snapshot.readAgain} duplicates={snapshot.duplicates} rejected={snapshot.rejected} width={width - 6} />
			</Text>
			{fileRoom > 0 && (
				<>
					<Text> </Text>
					<Text bold>
						Files ({done} of {snapshot.files.length} done)
					</Text>
					{shown.map((file, index) => (
						<FileLine key={`${file.label}-${index}`} file={file} mark={fileMark(file, snapshot.currentFile)} columns={columns} />
					))}
					{more && <Text dimColor>{more}</Text>}
				</>
			)}
		</Box>
	);
}

/** The derived build after the load: its share done (see tablesPercent), its count or its step's time, and the step it is on. */
export function DerivedPanel({derived, percent, width}: {derived: NonNullable<IngestSnapshot['derived']>; percent: number; width: number}) {
	return (
		<Box flexDirection="column" width={width}>
			<Text>
				<Text bold>Tables </Text>
				{bar(percent, 100, Math.max(10, width - 13))} {`${percent}%`.padStart(4)}
			</Text>
			<Text wrap="truncate-end">
				{'       '}
				{derivedCountsText(derived)}
			</Text>
			<Text wrap="truncate-end">
				{'       '}
				{DERIVED_STEPS[derived.step]}
			</Text>
			<Text> </Text>
		</Box>
	);
}
