/** Human-readable figures for progress lines and summaries, values as table cells show them, and text wrapped to a width (shared by the CLI and the TUI). */
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import {DERIVED_STEPS, type IngestSnapshot, type IngestSummary} from '../ingest/progress.js';
import type {ColumnKind, TaskResult} from './tasks/types.js';

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

/**
 * A load's share done ("0.4%", "37%"), wherever one is shown (the load screen's bars, ingest's line, a resumed .gz's
 * pass-over): to a tenth below 10 %, as in whole percent an 18 GB log said 0 % through its first 180 MB (10 s or
 * more) while its bar moved; floored, so 100 % only once every byte is done, and 0.1 % at least once one is (a
 * first chunk of 16 MB is 0.09 % of it: 0.0 % would say nothing counted).
 */
export function loadPercent(done: number, total: number): string {
	if (done >= total) return '100%';
	if (done <= 0) return '0%';
	const share = (100 * done) / total;
	return share < 10 ? `${Math.max(0.1, Math.floor(share * 10) / 10).toFixed(1)}%` : `${Math.floor(share)}%`;
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
export function readyText({ready, phase, derived}: Pick<IngestSnapshot, 'ready' | 'phase' | 'derived'>): string {
	// Waiting for another process's build, the update has not started: no estimate until it does.
	if (phase === 'deriving') return ready ? `${readyShort(ready.seconds)} (estimate: updating the tables)` : `ready in --:-- (${derived?.step === 'waiting' ? DERIVED_STEPS.waiting : 'updating the tables'})`;
	if (!ready) return 'ready in: estimating… (load, then updating the tables)';
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
	return `reading past the part loaded before: ${loadPercent(done, total)} at ${megabytesPerSecond.toFixed(1)} MB/s`;
}

/**
 * The load's rates and ETA, on the load screen and in ingest's line (`tables`: what follows the ETA there). A resumed
 * .gz's pass-over is said instead (passOverText); so is, until a file's first lines are stored (a second to three on a
 * busy machine), that they are on their way: "0.0 MB/s · 0 events/s · ETA --:--" under a bar at 0 % looked like a load
 * that had not started. Before that, while the inputs are looked at and before a file starts, the rates are "--". The
 * ETA says "estimating…" until the load's rate has stopped rising (see the tracker's Eta: 5 to 15 s after the first
 * lines stored), and "--:--" once the load is over.
 */
export function loadRatesText(snapshot: IngestSnapshot, tables = ''): string {
	if (snapshot.passingOver) return passOverText(snapshot.passingOver);
	const loading = snapshot.phase === 'loading';
	const unread = (loading || snapshot.phase === 'scanning') && snapshot.bytesRead === 0;
	if (loading && unread && snapshot.files.some((file) => file.status === 'loading')) return 'storing the first lines…';
	const eta = snapshot.etaSeconds === undefined ? (loading ? 'estimating…' : '--:--') : `${formatDuration(snapshot.etaSeconds * 1000)}${tables}`;
	// No rate is measured before the run reads: the first frames said 0.0 MB/s · 0 events/s.
	const rates = unread ? '-- MB/s · -- events/s' : `${snapshot.megabytesPerSecond.toFixed(1)} MB/s · ${formatCount(Math.round(snapshot.eventsPerSecond))} events/s`;
	return `${rates} · ETA ${eta}`;
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

/** The derived build's share done, in whole percent (see IngestSnapshot.tablesDone): 100 only once it is over. */
export function tablesPercent({tablesDone = 0}: Pick<IngestSnapshot, 'tablesDone'>): number {
	return Math.floor(100 * tablesDone);
}

/** "1 superseded, " when inputs of the load were (its superseded: lines name them), else nothing. */
/** "N not a tracking log, " of a load's files, when some are none (each is named below it); '' else. */
export const notLogsOf = ({filesNotLogs = 0}: Pick<IngestSummary, 'filesNotLogs'>) => (filesNotLogs > 0 ? `${filesNotLogs} not a tracking log, ` : '');
export const supersededOf = ({filesSuperseded = 0}: Pick<IngestSummary, 'filesSuperseded'>) => (filesSuperseded > 0 ? `${filesSuperseded} superseded, ` : '');

/**
 * The zones whose days the database keeps precomputed (the day zone, and UTC beside another): the tasks answer fastest
 * in them. Said by the menu's header and the tasks bench.
 */
export function dayZonesText(dayZone: string): string {
	return dayZone === 'UTC' ? 'UTC' : `${dayZone} + UTC`;
}

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
 * timestamp has one width; a UTC one (ISO, from timestamptz in a task without a time zone) says so, and one in the
 * run's zone (with its offset) is its wall time there, as wallTime writes it. For screens: files keep the full value.
 */
export function timestampText(text: string): string {
	const match = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2}(?::\d{2})?)?$/.exec(text);
	return match ? `${match[1]} ${match[2]}${match[3] === 'Z' ? ' UTC' : ''}` : text;
}

/** An instant in the run's zone, `2018-09-07T19:20:28.778039+03:00`, and the wall time it gives. */
const IN_ZONE = /^(\d{4,}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)[+-]\d{2}:\d{2}(?::\d{2})?$/;

/**
 * A timestamp as CSV and Markdown write it: an instant in the run's zone (see isoInstant) as its wall time there,
 * `2018-09-07 19:20:28.778039`, as a `timestamp` was written (Excel reads that as a date and time, not the ISO form
 * with an offset); any other value (a wall-clock timestamp, a UTC instant's `…Z`) as it is.
 */
export function wallTime(value: string): string {
	const match = IN_ZONE.exec(value);
	return match ? `${match[1]} ${match[2]}` : value;
}

/** The decimal places a number needs, at most 3 (trailing zeros dropped). */
export function decimalPlaces(value: number): number {
	if (Number.isInteger(value) || !Number.isFinite(value)) return 0;
	// Read off the three places' trailing zeros: a replace and a split per number were a third of a search for one.
	const fraction = value.toFixed(3).slice(-3);
	return fraction === '000' ? 0 : fraction.endsWith('00') ? 1 : fraction.endsWith('0') ? 2 : 3;
}

/** How the tables (the app's, `run`'s on a terminal) and Markdown show SQL NULL: the app dims it too. */
export const NULL_MARK = '<null>';

/** A text that reads as NULL_MARK once the quotes and white space around it are passed over (a table trims a cell, Markdown too). */
const LOOKS_NULL = /^[\s"]*<null>[\s"]*$/;

/**
 * A value where SQL NULL must be told from a text: NULL as NULL_MARK, an empty text as nothing, and a text that reads
 * as the mark (`<null>`, ` <null>`, `"<null>"`) within one more pair of quotes (`"<null>"`, `" <null>"`, `""<null>""`):
 * such a text is shown quoted however many quotes it has, so none looks like NULL, nor like another such text.
 */
export function valueText(value: string | number | boolean | null): string {
	if (value === null) return NULL_MARK;
	const text = String(value);
	// includes first: a search in the app formats every cell; over 2M URLs and names the regex alone took 2.5 times as long.
	return text.includes(NULL_MARK) && LOOKS_NULL.test(text) ? `"${text}"` : text;
}

/**
 * How a table cell shows a value (the app's table, and the aligned table of `run`, `files` and `rejected`): integers with separators (identifiers as written), decimals to at most 3 places (padded to the column's
 * `places`, so that its decimal points line up), timestamps to the second (saved files and the Space view keep
 * the full value); NULL and text as valueText shows them.
 */
export function cellText(value: string | number | boolean | null, kind?: ColumnKind, places?: number): string {
	if (kind === 'timestamp' && typeof value === 'string') return timestampText(value);
	if (typeof value !== 'number' || kind === 'id') return valueText(value);
	// Never fewer places than the value needs: `places` comes from the first rows, and a later 2.5 shown as "3" would be wrong, not just out of line.
	const [whole = '0', fraction = ''] = value.toFixed(Math.max(places ?? 0, decimalPlaces(value))).split('.');
	const sign = whole.startsWith('-') ? '-' : '';
	const digits = whole.slice(sign.length);
	// Up to 15 digits toFixed writes the whole part exactly as toLocaleString does; past them it writes the double's
	// binary digits (…683,968 for …680,000) or an exponent (1e+21), and NaN: those go through formatCount.
	return `${sign}${/^\d{1,15}$/.test(digits) ? grouped(digits) : formatCount(Math.abs(Number(whole)))}${fraction ? `.${fraction}` : ''}`;
}

/**
 * "1234567" as "1,234,567", as toLocaleString('en-US') groups it: by hand, since a search formats every number cell
 * of a result and toLocaleString took most of it (a filter by 58.1 over time-on-course-by-day's 337k rows: 0.8 s).
 */
function grouped(digits: string): string {
	const first = digits.length % 3 || 3;
	let text = digits.slice(0, first);
	for (let at = first; at < digits.length; at += 3) text += `,${digits.slice(at, at + 3)}`;
	return text;
}

/** A column's decimal places, and in the app its width, are measured once per result, over the header and this many rows (as VisiData does). */
export const SAMPLED_ROWS = 1000;

/**
 * The decimal places of each column, from its first rows: every number of a column shows as many, so that
 * right-aligned, "4.10" sits under "12.44" (as "4.1" it read as 4 and a tenth out of line).
 */
export function columnPlaces(result: Pick<TaskResult, 'columns' | 'rows'>): number[] {
	return result.columns.map((_, index) => Math.max(0, ...result.rows.slice(0, SAMPLED_ROWS).map((row) => (typeof row[index] === 'number' ? decimalPlaces(row[index]) : 0))));
}

/**
 * Text in lines of at most `width` cells, broken after a space, a path separator or an underscore (as
 * in a saved file's name) where the line has one, else anywhere: a long file name is shown whole, over
 * two lines, rather than cut. Past `maxLines` the last line is cut in the middle (a file's name keeps its end), or
 * at the end (`cut` 'end', for prose).
 */
export function wrapLines(text: string, width: number, maxLines = Number.POSITIVE_INFINITY, cut: 'middle' | 'end' = 'middle'): string[] {
	return atMost(brokenLines(text, width, false), width, maxLines, cut);
}

/**
 * Sentences in lines of at most `width` cells, broken at spaces: a word longer than a line (an id, a path) is
 * broken after a separator or an underscore, else anywhere. wrapLines broke "Europe/Moscow" and "spring_2019"
 * in an error's sentence where a space before them would do. Past `maxLines` the last line is cut at its end.
 */
export function wrapProse(text: string, width: number, maxLines = Number.POSITIVE_INFINITY): string[] {
	return atMost(brokenLines(text, width, true), width, maxLines, 'end');
}

/** `lines` as `maxLines` lines, the last cut in the middle (a file's name keeps its end), or at the end (prose). */
function atMost(lines: string[], width: number, maxLines: number, cut: 'middle' | 'end'): string[] {
	if (lines.length <= maxLines) return lines;
	// Prose lost its spaces where it was broken; a name was broken after a separator, so its parts join as they are.
	const rest = lines.slice(maxLines - 1).join(cut === 'end' ? ' ' : '');
	return [...lines.slice(0, maxLines - 1), truncated(rest, width, cut)];
}

const BREAKS = ' /\\_';

/** The lines of wrapLines and wrapProse: `prose` breaks at a separator only in a line without a space. */
function brokenLines(text: string, width: number, prose: boolean): string[] {
	const lines: string[] = [];
	let line = '';
	// Where `line` may be broken: after its last space, and after its last space, separator or underscore.
	let spaceAt = 0;
	let breakAt = 0;
	for (const char of text.replace(/[\r\n\t]+/g, ' ')) {
		if (line && stringWidth(line + char) > width) {
			if (char === ' ') {
				lines.push(line.trimEnd());
				line = '';
				spaceAt = breakAt = 0;
				continue;
			}
			const at = prose && spaceAt > 0 ? spaceAt : breakAt;
			lines.push((at > 0 ? line.slice(0, at) : line).trimEnd());
			line = at > 0 ? line.slice(at) : '';
			// What stays on the line has no space (a break after the last one) but may have separators.
			spaceAt = 0;
			breakAt = Math.max(...[...BREAKS].map((separator) => line.lastIndexOf(separator))) + 1;
		}
		line += char;
		if (char === ' ') spaceAt = line.length;
		if (BREAKS.includes(char)) breakAt = line.length;
	}
	if (line) lines.push(line);
	return lines;
}

/** First sentence of a task's description: its summary on the app's menu and form, and in the app's sentence for an empty answer. */
export function firstSentence(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const end = flat.search(/[.!?](\s|$)/);
	return end >= 0 ? flat.slice(0, end + 1) : flat;
}
