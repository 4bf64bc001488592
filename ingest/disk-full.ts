import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {DiskFullError, redactSecrets} from './errors.js';
import {formatBytes} from './progress.js';

/** PostgreSQL's SQLSTATE disk_full. */
const DISK_FULL = '53100';
/** The system's words for ENOSPC, as PostgreSQL quotes them (in its log too). */
const NO_SPACE = /No space left on device/i;

/** Where the app's state is kept, to name the disk that filled up (see diskFullError). */
export type StatePlaces = {
	/** The embedded server's cluster folder; undefined with --db, whose disk the app cannot look at. */
	dataDir?: string;
	/** Where the derived build spills rows from Node (default: the system's temp folder). */
	scratchDir?: string;
	/**
	 * Why the embedded server failed, in its log's words, since the command opened it: a server that stops on a PANIC
	 * (its WAL could not be written) leaves its clients only a cut connection (write EPIPE), no SQLSTATE.
	 */
	serverFailure?: () => string | undefined;
};

/** What to say after where the disk filled up: what became of the work, and how to go on once there is space. */
export type DiskFullOutcome = {outcome: string; retry: string};

/** A connection cut or refused, or the server's own "terminating"/"shutting down" (class 57P): no answer to what was asked. */
const connectionCut = (error: unknown) => !(error instanceof pg.DatabaseError) || /^57P/.test(error.code ?? '');

/** Free bytes for this user on the disk that holds `folder` (or its nearest existing parent), or undefined where that cannot be told. */
function freeBytes(folder: string): number | undefined {
	let at = path.resolve(folder);
	while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
	try {
		const stats = fs.statfsSync(at);
		return stats.bavail * stats.bsize;
	} catch {
		return undefined;
	}
}

/**
 * The one sentence for a full disk: which folder's disk and how much it has free now (with `folder` undefined, the
 * database server's, with `words`, what it said), what became of the work, and what to do. `alternative` is another
 * way than freeing space.
 */
export function diskFullSentence(where: {folder?: string; words?: string; alternative?: string}, {outcome, retry}: DiskFullOutcome): string {
	const {folder, words, alternative} = where;
	const free = folder === undefined ? undefined : freeBytes(folder);
	const disk = folder === undefined ? `The database server's disk ran out of space${words ? ` (${redactSecrets(words)})` : ''}` : `The disk holding ${folder} ran out of space${free === undefined ? '' : ` (${formatBytes(free)} free now)`}`;
	return `${disk}: ${outcome}; free space on it${alternative ? ` (or ${alternative})` : ''} and ${retry}.`;
}

/** For a full disk under the app's own folders: a workdir elsewhere is the other way out. */
export const LARGER_DISK = 'use a --workdir on a larger disk';

/** Whether the words of the server's log (see StatePlaces.serverFailure) say that its disk is full. */
const saysNoSpace = (said: string | undefined): said is string => said !== undefined && NO_SPACE.test(said);

/**
 * What the server said of its full disk: its disk_full error (a loader thread's passes the code on, see LoaderError: with
 * --db, the load said "The database failed while loading (could not extend file …)"), or for a connection it cut, its
 * log's words when they say so.
 */
function serverDiskFull(error: unknown, serverFailure: StatePlaces['serverFailure']): string | undefined {
	const {code, message} = (error ?? {}) as {code?: unknown; message?: unknown};
	if (code === DISK_FULL) return String(message);
	const said = connectionCut(error) ? serverFailure?.() : undefined;
	return saysNoSpace(said) ? said : undefined;
}

/**
 * Node's ENOSPC met writing a file of the app's own under `folder` (a spill, the lock, a result, the cluster's settings) as
 * the sentence for a full disk, else undefined. `alternative`: another way out than freeing space, if there is one.
 */
export function folderDiskFull(error: unknown, folder: string, then: DiskFullOutcome, alternative?: string): DiskFullError | undefined {
	return (error as {code?: unknown} | undefined)?.code === 'ENOSPC' ? new DiskFullError(diskFullSentence({folder, alternative}, then)) : undefined;
}

/** The embedded server's cluster folder `dataDir` on a full disk, when its log's words `said` (see failureReason) say so; else undefined. */
export function clusterDiskFull(said: string | undefined, dataDir: string, then: DiskFullOutcome): DiskFullError | undefined {
	return saysNoSpace(said) ? new DiskFullError(diskFullSentence({folder: dataDir, alternative: LARGER_DISK}, then)) : undefined;
}

/**
 * `error` as the sentence for a full disk (see diskFullSentence) when a full disk caused it, else undefined: the server's
 * (see serverDiskFull), or the system's ENOSPC met by the app's own files (the derived build's scratch folder).
 */
export function diskFullError(error: unknown, places: StatePlaces, then: DiskFullOutcome): DiskFullError | undefined {
	if (error instanceof DiskFullError) return error;
	// Node's own file writes (a server's codes are SQLSTATEs): only the derived build writes files of the app's as it works.
	const ownFile = folderDiskFull(error, places.scratchDir ?? os.tmpdir(), then, LARGER_DISK);
	if (ownFile) return ownFile;
	const words = serverDiskFull(error, places.serverFailure);
	if (words === undefined) return undefined;
	return new DiskFullError(diskFullSentence(places.dataDir === undefined ? {words} : {folder: places.dataDir, alternative: LARGER_DISK}, then));
}
