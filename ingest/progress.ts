import {REFRESH_LOCK_NAME} from './db/advisory-locks.js';
import type {NotAFile} from './sources.js';

/**
 * Progress snapshots of an ingest: the one thing the CLI progress line and the TUI meters read.
 * Emitted a few times a second (never per line) and once at the end.
 */

export type FileStatus = 'pending' | 'skipped' | 'loading' | 'loaded' | 'failed';

/** The accounting of lines, for a chunk, a file or a whole ingest: lines = loaded + readAgain + duplicates + rejected. */
export type LineCounts = {
	/** Non-blank lines read. */
	lines: number;
	blankLines: number;
	loaded: number;
	/**
	 * Events an earlier load stored from these very lines: a log read up to a half-written last line, which has
	 * grown since, gets its last chunk read again whole (see planSource). Not new, and not duplicates of others.
	 */
	readAgain: number;
	duplicates: number;
	rejected: number;
};

export const LINE_COUNTS: ReadonlyArray<keyof LineCounts> = ['lines', 'blankLines', 'loaded', 'readAgain', 'duplicates', 'rejected'];

export type FileProgress = LineCounts & {
	fileId?: number;
	/** Path as shown to the user; zip members as "archive.zip!member.log". */
	label: string;
	kind: 'plain' | 'gz' | 'zip';
	/** On-disk bytes (compressed for .gz/.zip) and how many of them have been read. */
	bytesTotal: number;
	bytesDone: number;
	/**
	 * Of bytesDone, those an earlier run loaded: a plain file resumed or grown starts after them, a compressed one reads
	 * them again and passes them over. Done, but not this run's work (its bytes read, rates and ETA).
	 */
	bytesBefore?: number;
	/**
	 * A compressed file resumed: the content an earlier run loaded, which is decompressed again from the start and
	 * passed over (not loaded), and how much of it has been passed over so far (uncompressed bytes).
	 */
	passOver?: {done: number; total: number};
	status: FileStatus;
	/** Why it was skipped (already loaded …) or failed. */
	note?: string;
	/** Skipped because another input (this label) with the same content was loaded. */
	sameContentAs?: string;
	/** A .zip: how many log files it holds (none is said in the summary). */
	members?: number;
	/** Its content is no tracking log, and nothing was loaded from it: what it looks like and what to do (see NotALog; said in the summary). */
	notALog?: string;
	/** A .zip: its members that are no tracking log (label: "archive.zip!member"). */
	memberNotLogs?: Array<{label: string; notALog: string}>;
	/** A .zip: its members skipped because another input with the same content was loaded (label: "archive.zip!member"). */
	memberCopies?: Array<{label: string; sameContentAs: string}>;
};

export type IngestPhase = 'scanning' | 'loading' | 'deriving' | 'done' | 'cancelled' | 'failed';

/**
 * The steps of the derived build (phase 'deriving'), in order; 'waiting' only while another process builds (its holder
 * is said apart, by the lock's watch), 'recomputing' only when earlier loads were built. After
 * the counting, 'adding' (the indexes, the sums into the tables, the statistics): said as the counting at 100 % before,
 * it and the counting's last rows stored ran 1.6 s at 250k events and 3.4 s at 1M with the counting's ETA at 0:00.
 */
export const DERIVED_STEPS = {
	waiting: `waiting for ${REFRESH_LOCK_NAME}`,
	listing: 'listing the new learners, event types, pages and user agents',
	sorting: 'sorting the new events by learner (PostgreSQL)',
	counting: 'counting the new events and walking the timelines',
	adding: 'adding the new counts to the tables',
	recomputing: 'recomputing the learners met again',
	committing: 'committing',
} as const;
export type DerivedStep = keyof typeof DERIVED_STEPS;

/** Whether a step of the derived build comes after its counting. */
export function isAfterCounting(step: DerivedStep): boolean {
	const steps = Object.keys(DERIVED_STEPS);
	return steps.indexOf(step) > steps.indexOf('counting');
}

/** Where the derived build is: most of its time goes to the counting, which reads each new event once. */
export type DerivedProgress = {
	step: DerivedStep;
	/** The new events counted so far, of about eventsTotal (the loads' file counts). */
	eventsDone: number;
	eventsTotal: number;
	/** Earlier loads were built: after the counting, the learners met again are recomputed (see tablesLeft). */
	incremental?: true;
};

/** Totals are over the files; lines = loaded + duplicates + rejected holds once the load has finished. */
export type IngestSnapshot = LineCounts & {
	phase: IngestPhase;
	elapsedMs: number;
	bytesTotal: number;
	bytesDone: number;
	/** The on-disk bytes this run has read: not those of files skipped, nor those before where a file resumed. */
	bytesRead: number;
	rejectedByReason: Record<string, number>;
	/** Smoothed over the last few seconds; the events are the lines read (new, duplicates, read again and rejected). */
	megabytesPerSecond: number;
	eventsPerSecond: number;
	/** Seconds left at the current rate; undefined until it can be estimated. */
	etaSeconds?: number;
	/**
	 * While loading, once etaSeconds is known: an estimate of the seconds until the tables the tasks read are updated
	 * too (the load's ETA and the derived build after it), and of those, the build's (see readyEstimate). While the
	 * build runs, its own estimate (see tablesLeft): both seconds are the build's, left.
	 */
	ready?: {seconds: number; tablesSeconds: number};
	/**
	 * While a resumed compressed file's loaded part is passed over (see FileProgress.passOver): which file, its share
	 * passed over, and the rate of its on-disk bytes. Nothing is loaded meanwhile, and the load's rates say 0.
	 */
	passingOver?: {label: string; done: number; total: number; megabytesPerSecond: number};
	currentFile?: string;
	files: FileProgress[];
	/** Fatal error message when phase is 'failed'. */
	error?: string;
	/**
	 * In phase 'deriving': its step and counts, and how long the step has run (the steps without counts show that
	 * they are alive: at 10M events PostgreSQL's sort alone takes half a minute). The wait is in `ready`.
	 */
	derived?: DerivedProgress & {stepMs: number};
	/** Of elapsedMs, the time since the derived build started (set once it has). */
	derivedMs?: number;
	/**
	 * Of the derived build (set once it has started), the share done, 0 to 1: its time so far against that time and the
	 * wait's estimate left (`ready`; see tablesShare), so that the Tables bar and the wait's line agree. The share of
	 * the events counted said 100 % through the steps after the counting (a third of the build's time, more where
	 * learners met again are recomputed). It never goes back, stays short of 1 while the build runs, and is 1 once
	 * it is over.
	 */
	tablesDone?: number;
};

/** An input whose content another one loaded whole (see supersedeCopies): its label and why nothing is left to load from it. */
export type Superseded = {file: string; note: string};

export type IngestSummary = IngestSnapshot & {
	/** Inputs read as tracking logs (not those that are none: filesNotLogs). */
	filesLoaded: number;
	/** Of the inputs of this load, those whose content is no tracking log (see NotALog): nothing loaded, each named in the summary. */
	filesNotLogs?: number;
	filesSkipped: number;
	/** Of the inputs of this load, those found superseded by a whole copy (see Superseded): not counted as skipped. */
	filesSuperseded?: number;
	filesFailed: number;
	/** The entries of input folders passed over as neither files nor folders (said in the summary). */
	notFiles?: NotAFile[];
	/** Set when this run's dayZone option changed the day zone (and the derived tables were rebuilt in it). */
	dayZoneChange?: {from: string; to: string};
	/** Set when the cancel came during the derived build: everything was loaded, and the tables the tasks read are not updated yet. */
	derivedCancelled?: true;
	/** Set when that cancel came during a day zone change: the zone stays the one the tables had, not the one asked. */
	dayZoneKept?: {zone: string; asked: string};
	/** Inputs left loading or failed that this load found loaded whole from another one, now 'superseded' (said once, in the summary). */
	superseded?: Superseded[];
};

/** A size for people, in decimal units (1.6 GB): progress lines, summaries, free space on a disk. */
export function formatBytes(bytes: number): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}
	return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
