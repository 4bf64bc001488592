/** Human-readable figures for progress lines and summaries (shared by the CLI and the TUI). */
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import {DERIVED_STEPS, isAfterCounting, type DerivedProgress, type IngestSnapshot, type IngestSummary} from '../ingest/progress.js';

export {formatBytes} from '../ingest/progress.js';

/** Control characters but line feed and tab (C0, DEL, C1): printed, they drive the terminal (ESC[2J clears it, SO garbles what follows). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text from the data (a rejected line, a name, a course id) for a terminal: its control characters shown as U+FFFD. */
export const terminalSafe = (text: string) => text.replace(CONTROL, '\ufffd');

/** A cell on one line of a terminal: line breaks and tabs as a space, other control characters as U+FFFD. */
export const oneLineCell = (text: string) => terminalSafe(text.replace(/[\r\n\t]+/g, ' '));

/**
 * `text` cut with "…" (at its end, start or middle) to at most `width` terminal cells. cli-truncate keeps a wide
 * character (CJK, emoji) that straddles the last cell: "学生王小…" cut to 8 took 9, and a table's later columns
 * moved a cell right; so it is asked for a cell less until the cut fits.
 */
export function truncated(text: string, width: number, position: 'start' | 'middle' | 'end' = 'end'): string {
	if (width < 1) return '';
	for (let room = width; ; room--) {
		const cut = cliTruncate(text, room, {position, truncationCharacter: '…'});
		if (room === 1 || stringWidth(cut) <= width) return cut;
	}
}

export function formatDuration(milliseconds: number): string {
	const seconds = Math.max(0, Math.round(milliseconds / 1000));
	const hours = Math.floor(seconds / 3600);
	const minutes = Math.floor((seconds % 3600) / 60);
	const rest = String(seconds % 60).padStart(2, '0');
	return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** Of an ingest's elapsed time, the load's: without the derived build that followed it (if one has started). */
export function loadingMs(snapshot: Pick<IngestSnapshot, 'elapsedMs' | 'derivedMs'>): number {
	return snapshot.elapsedMs - (snapshot.derivedMs ?? 0);
}

export function formatCount(count: number): string {
	return count.toLocaleString('en-US');
}

/** "1 event", "2,500 events": the count and its noun, plural but for one. */
export function counted(count: number, noun: string): string {
	return `${formatCount(count)} ${count === 1 ? noun : `${noun}s`}`;
}

/** "1 row", "2,500 rows". */
export function rowCount(count: number): string {
	return counted(count, 'row');
}

/**
 * The estimated wait until the tables the tasks read are updated: while loading, the load's and the update's after it
 * (see readyEstimate), unknown while the load's ETA is; then, on the same line of the load screen, the update's (see
 * tablesLeft). ingest's line says it short ("ETA 0:20 + ~0:25 tables", "ready in ~0:25": see readyShort).
 */
export function readyText(ready: IngestSnapshot['ready'], phase: IngestSnapshot['phase']): string {
	if (phase === 'deriving') return ready ? `${readyShort(ready.seconds)} (estimate: updating the tables)` : 'ready in --:-- (updating the tables)';
	if (!ready) return 'ready in --:-- (load, then updating the tables)';
	return `ready in ~${formatDuration(ready.seconds * 1000)} (estimate: load, then ~${formatDuration(ready.tablesSeconds * 1000)} updating the tables)`;
}

/** "ready in ~0:25"; once an estimate has run out, "ready any moment" (the update goes on: 0:00 would look stuck). */
export function readyShort(seconds: number): string {
	return seconds < 0.5 ? 'ready any moment' : `ready in ~${formatDuration(seconds * 1000)}`;
}

/**
 * A resumed .gz's loaded part being decompressed up to where the last load stopped: said instead of the load's rates,
 * which are 0 meanwhile (they said 0.0 MB/s while the percentage climbed). Its MB/s is of the on-disk bytes.
 */
export function passOverText({done, total, megabytesPerSecond}: NonNullable<IngestSnapshot['passingOver']>): string {
	return `reading past the part loaded before: ${Math.floor((100 * done) / total)}% at ${megabytesPerSecond.toFixed(1)} MB/s`;
}

/**
 * While the derived build counts: the events counted ("4,300,000 of 10,000,000 events"); in its other steps, how long
 * the step has run ("0:12 so far"). The wait for the whole build is said apart (readyText): an ETA here covered the
 * counting only, and said 0:00 with seconds of the build to go.
 */
export function derivedCountsText(derived: NonNullable<IngestSnapshot['derived']>): string {
	if (derived.step !== 'counting') return `${formatDuration(derived.stepMs)} so far`;
	return `${formatCount(derived.eventsDone)} of ${formatCount(Math.max(derived.eventsDone, derived.eventsTotal))} events`;
}

/** The derived build's step in words, with its counts while it counts. */
export function derivedStepText(derived: NonNullable<IngestSnapshot['derived']>): string {
	return [DERIVED_STEPS[derived.step], derivedCountsText(derived)].filter(Boolean).join(' · ');
}

/** The share of the new events counted (the counting is most of the build): 100 once past it. */
export function derivedPercent(derived: DerivedProgress): number {
	if (isAfterCounting(derived.step)) return 100;
	return derived.eventsTotal > 0 ? Math.min(100, Math.floor((100 * derived.eventsDone) / derived.eventsTotal)) : 0;
}

/** "1 superseded, " when inputs of the load were (its superseded: lines name them), else nothing. */
export const supersededOf = ({filesSuperseded = 0}: Pick<IngestSummary, 'filesSuperseded'>) => (filesSuperseded > 0 ? `${filesSuperseded} superseded, ` : '');

/** Of a build cancelled while it changed the day zone, that the change is dropped ('' for any other summary). */
export function zoneKeptClause({dayZoneKept}: Pick<IngestSummary, 'dayZoneKept'>): string {
	return dayZoneKept ? `; the days stay counted in ${dayZoneKept.zone} until --tz ${dayZoneKept.asked} is given again` : '';
}

/**
 * The inputs a load's summary names one by one: those that failed, and why, archives with no log file in them
 * (as a folder without one is said), those that are no log (and zip members that are none), those skipped as a
 * copy of another input (a renamed copy of a loaded log is otherwise only "1 skipped", and `files` has no row for it),
 * those found superseded by a whole copy, then what a folder held that is not a file (a named pipe), passed over.
 */
export function fileNotices({files, superseded = [], notFiles = []}: Pick<IngestSummary, 'files' | 'superseded' | 'notFiles'>): FileNotice[] {
	const notices = files.flatMap((file): FileNotice[] => {
		const memberNotices = [
			...(file.memberNotLogs ?? []).map((member): FileNotice => ({kind: 'not-a-log', file: member.label, reason: member.notALog})),
			...(file.memberCopies ?? []).map((copy): FileNotice => ({kind: 'copy', file: copy.label, of: copy.sameContentAs})),
		];
		if (file.status === 'failed') return [{kind: 'failed', file: file.label, reason: file.note ?? 'unknown error'}, ...memberNotices];
		if (file.members === 0) return [{kind: 'empty', file: file.label}];
		if (file.notALog !== undefined) return [{kind: 'not-a-log', file: file.label, reason: file.notALog}];
		if (file.sameContentAs !== undefined) return [{kind: 'copy', file: file.label, of: file.sameContentAs}];
		return memberNotices;
	});
	const passedOver = notFiles.map(({path, what}): FileNotice => ({kind: 'not-a-file', file: path, what}));
	return [...notices, ...superseded.map(({file, note}): FileNotice => ({kind: 'superseded', file, reason: note})), ...passedOver];
}

export type FileNotice =
	| {kind: 'failed' | 'not-a-log' | 'superseded'; file: string; reason: string}
	| {kind: 'empty'; file: string}
	| {kind: 'copy'; file: string; of: string}
	| {kind: 'not-a-file'; file: string; what: string};

/**
 * A notice's words, the one source of `ingest`'s line and the app's: what became of the input, and why (the reason,
 * what the archive lacked, the input it is a copy of). `shown` lays out the copy's other path (the app cuts it to fit).
 */
export function noticeWords(notice: FileNotice, shown: (file: string) => string = (file) => file): {title: string; detail: string} {
	switch (notice.kind) {
		case 'failed':
			return {title: 'failed', detail: notice.reason};
		case 'empty':
			return {title: 'empty', detail: 'no log files in the archive; nothing was loaded from it'};
		case 'not-a-log':
			return {title: 'skipped', detail: notice.reason};
		case 'copy':
			return {title: 'skipped', detail: `same content as ${shown(notice.of)}, which is loaded`};
		case 'superseded':
			return {title: 'superseded', detail: notice.reason};
		case 'not-a-file':
			// As a named one is refused: "is not a file or folder; save the log to a file first".
			return {title: 'skipped', detail: `${notice.what}, not a file or folder; save the log to a file to load it`};
	}
}

/** A notice as one line (`ingest`); the app lays a copy's two paths on two lines. */
export function noticeLine(notice: FileNotice): string {
	const {title, detail} = noticeWords(notice);
	return `${title}: ${notice.file}: ${detail}`;
}

/**
 * PostgreSQL drops trailing zeros of the fraction (04:42:02.36468, 03:32:22): cut to the second, every
 * timestamp has one width; a UTC one (ISO, from timestamptz) says so. For screens: files keep the full value.
 */
export function timestampText(text: string): string {
	const match = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z?)$/.exec(text);
	return match ? `${match[1]} ${match[2]}${match[3] ? ' UTC' : ''}` : text;
}

/** First sentence of a task's description: its summary on the app's menu and form, and in the app's sentence for an empty answer. */
export function firstSentence(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const end = flat.search(/[.!?](\s|$)/);
	return end >= 0 ? flat.slice(0, end + 1) : flat;
}
