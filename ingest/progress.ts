/**
 * Progress snapshots of an ingest: the one thing the CLI progress line and the TUI meters read.
 * Emitted a few times a second (never per line) and once at the end.
 */

export type FileStatus = 'pending' | 'skipped' | 'loading' | 'loaded' | 'failed';

export type FileProgress = {
	fileId?: number;
	/** Path as shown to the user; zip members as "archive.zip!member.log". */
	label: string;
	kind: 'plain' | 'gz' | 'zip';
	/** On-disk bytes (compressed for .gz/.zip) and how many of them have been read. */
	bytesTotal: number;
	bytesDone: number;
	lines: number;
	blankLines: number;
	loaded: number;
	duplicates: number;
	rejected: number;
	status: FileStatus;
	/** Why it was skipped (already loaded …) or failed. */
	note?: string;
};

export type IngestPhase = 'scanning' | 'loading' | 'deriving' | 'done' | 'cancelled' | 'failed';

export type IngestSnapshot = {
	phase: IngestPhase;
	elapsedMs: number;
	bytesTotal: number;
	bytesDone: number;
	/** Non-blank lines read; lines = loaded + duplicates + rejected once the load has finished. */
	lines: number;
	blankLines: number;
	loaded: number;
	duplicates: number;
	rejected: number;
	rejectedByReason: Record<string, number>;
	/** Smoothed over the last few seconds. */
	megabytesPerSecond: number;
	eventsPerSecond: number;
	/** Seconds left at the current rate; undefined until it can be estimated. */
	etaSeconds?: number;
	currentFile?: string;
	files: FileProgress[];
	/** Fatal error message when phase is 'failed'. */
	error?: string;
};

export type IngestSummary = IngestSnapshot & {
	filesLoaded: number;
	filesSkipped: number;
	filesFailed: number;
};
