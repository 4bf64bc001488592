import fs from 'node:fs';
import os from 'node:os';
import type {Readable} from 'node:stream';
import pg from 'pg';
import type {ChunkStats} from './chunk-loader.js';
import {currentDayZone} from './derived/day-zone.js';
import {refreshDerived, type RefreshOptions} from './derived/refresh.js';
import {INGEST_LOCK} from './db/advisory-locks.js';
import {giveUpLockWaitsOn, isGivenUp, trackBackend} from './db/lock-waits.js';
import {diskFullError, type DiskFullOutcome, type StatePlaces} from './disk-full.js';
import {UserError, redactSecrets} from './errors.js';
import {TrailingGarbage} from './gunzip.js';
import {HintBitReader} from './hint-bits.js';
import {LineChunker, type Chunk} from './line-chunker.js';
import {LoaderError, LoaderPool} from './loader-pool.js';
import {eventsNotBuilt, finishSource, loadedBefore, planSource, recordFailedSource, recordInterrupted, recordTrailingGarbage, retireFailedArchive, supersedeCopies, type SourceIdentity, type TrailingGarbageEntry} from './manifest.js';
import type {DerivedProgress, FileProgress, IngestSnapshot, IngestSummary, Superseded} from './progress.js';
import {ProgressTracker} from './progress-tracker.js';
import {NotALog} from './sniff.js';
import {damagedFingerprint, discoverSources, fileIdentity, fingerprintFile, fingerprintOpenFile, forEachZipMember, headHashOf, isNewlineAt, openFileContent, type SourceFile} from './sources.js';

/** With where the state is kept (StatePlaces): the derived build's scratch folder, and what names a disk that fills up. */
export type IngestOptions = StatePlaces & {
	/** For the loader threads' own connections. */
	databaseUrl: string;
	pool: pg.Pool;
	paths: string[];
	/** Loader threads (default: CPU cores, at most 4). */
	workers?: number;
	/** Longer lines are rejected as too long, without being held in memory (default 16 MiB). */
	maxLineBytes?: number;
	signal?: AbortSignal;
	onProgress?: (snapshot: IngestSnapshot) => void;
	progressIntervalMs?: number;
	/** The time zone of the derived tables' days (canonical name; default: the one they have, UTC at first). */
	dayZone?: string;
	/** Folders never read, even inside an input folder: the app's own (its workdir, whose cluster files and password `ingest .` loaded, and result/). */
	skipFolders?: string[];
};

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Another process is loading into the database (its advisory lock): nothing here is at fault, input/ least of all. */
export class IngestBusyError extends UserError {
	override name = 'IngestBusyError';
}

/**
 * A failure of the database under the load (a lost connection, a stopped server), whichever connection met it
 * first: a loader's (LoaderError), or the manifest's on the pool, whose bare "terminating connection due to
 * administrator command" said nothing of what was kept (kill-and-resume, a cut connection, seed 3360240672).
 */
export function isDatabaseFailure(error: unknown): boolean {
	// The server's own error (57P01: terminated by the administrator): any 5-letter code matched errno ones too (EPIPE, EBADF, EPERM).
	if (error instanceof LoaderError || error instanceof pg.DatabaseError) return true;
	const {code, message} = error as {code?: unknown; message?: unknown};
	// Or the socket under the client gone: as it went, or (pg's "Client has encountered a connection error and is not
	// queryable") at the next statement on that client, which reached the user bare after a connection cut mid-COPY.
	return code === 'ECONNRESET' || code === 'ECONNREFUSED' || /^Connection terminated|^Client .* is not queryable$/.test(String(message));
}

/**
 * A failure (a full disk, the database's) while loading, and while building the derived tables after it: what was
 * being done, what was kept, and how to go on. A build's was said as a load's ("failed while loading; nothing
 * half-written was kept: run the ingest again to resume"), though every log was loaded.
 */
type Stopped = DiskFullOutcome & {doing: string};
const LOAD_STOPPED: Stopped = {doing: 'loading', outcome: 'nothing half-written was kept', retry: 'run the ingest again to resume'};
const BUILD_STOPPED: Stopped = {doing: 'building the derived tables', outcome: 'the logs are loaded, and the tables the tasks read were left as they were', retry: 'run the ingest again to update them'};

function describe(error: unknown): string {
	return redactSecrets(error instanceof Error ? error.message : String(error));
}

/** Why a file could not be opened: for a link whose target is gone, that (ENOENT alone named the link as if it were missing). */
function openFailure(file: string, error: unknown): string {
	if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
		try {
			if (fs.lstatSync(file).isSymbolicLink()) return `it is a link to ${fs.readlinkSync(file)}, which does not exist`;
		} catch {
			// Gone itself meanwhile: the error says so.
		}
	}
	return describe(error);
}

/**
 * Why a file could not be read to its end, and whether its compressed data is damaged (not cut): zlib's words alone
 * ("incorrect header check") do not say that the file is damaged.
 */
function readFailure(error: unknown): {note: string; damaged: boolean} {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'Z_BUF_ERROR') return {note: `the compressed data ends early (${describe(error)}): a cut download or copy? The whole lines before the cut are loaded; load the complete file to add the rest`, damaged: false};
	if (code?.startsWith('Z_')) return {note: `the compressed data is damaged (${describe(error)}); the whole lines read before it are loaded, though the damage may have garbled lines well before it was found (rejected, or loaded if still a JSON object); an intact copy put in its place is loaded whole`, damaged: true};
	return {note: describe(error), damaged: false};
}

/**
 * Streams every input into the events table: files one after the other, each cut into chunks of
 * lines that loader threads parse and COPY in parallel, one transaction per chunk. Safe to kill at
 * any point: the next run skips what was committed and loads the rest.
 */
export async function runIngest(options: IngestOptions): Promise<IngestSummary> {
	const {pool, signal} = options;
	const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
	const workerCount = Math.max(1, options.workers ?? Math.min(4, os.availableParallelism()));
	const tracker = new ProgressTracker(Date.now());
	const emit = () => options.onProgress?.(tracker.snapshot());
	const {files: sources, notFiles} = discoverSources(options.paths, options.skipFolders);

	const lockClient = await pool.connect();
	// Held idle through the load: if the server drops it, the loaders' connections report the failure; an
	// unheard 'error' event here would crash the process instead of ending the ingest with a clear message.
	const ignoreError = () => {};
	lockClient.on('error', ignoreError);
	let loaders: LoaderPool | undefined;
	// The loader threads' connections are the pool's too, for the watch of lock waits; forgotten once closed.
	const forgetLoaders: Array<() => void> = [];
	const closeLoaders = async () => {
		await loaders?.close();
		loaders = undefined;
		for (const forget of forgetLoaders.splice(0)) forget();
	};
	// A cancel is not kept waiting by another session's lock: a chunk's COPY or the manifest's statement that waits is
	// given up (cancelled, and rolled back); the load then ends as cancelled, below.
	const keepWaiting = giveUpLockWaitsOn(pool, signal);
	const timer = setInterval(emit, options.progressIntervalMs ?? 250);
	const cancelLoaders = () => loaders?.cancel();
	signal?.addEventListener('abort', cancelLoaders, {once: true});
	let dayZoneChange: IngestSummary['dayZoneChange'];
	let dayZoneKept: IngestSummary['dayZoneKept'];
	let derivedCancelled = false;
	let superseded: Superseded[] = [];
	let hints: HintBitReader | undefined;
	let hintTimer: NodeJS.Timeout | undefined;
	try {
		const {rows} = await lockClient.query<{locked: boolean}>('SELECT pg_try_advisory_lock($1) AS locked', [INGEST_LOCK]);
		if (!rows[0]!.locked) throw new IngestBusyError('Another ingest is already loading into this database; wait for it to finish.');
		const {rows: load} = await pool.query<{load_id: number}>('INSERT INTO loads DEFAULT VALUES RETURNING load_id');
		const loadId = load[0]!.load_id;
		tracker.eventsPending = await eventsNotBuilt(pool);
		const files = sources.map((source) => tracker.addFile(newFileProgress(source.path, source.kind, source.size)));
		// Said from the start, as the summary says them: each was "pending" until the load reached it (an archive's members are known only as it is read).
		const known = await loadedBefore(pool, sources.filter((source) => source.kind !== 'zip' && source.unreadable === undefined));
		for (const [index, source] of sources.entries()) {
			const skip = known.get(source.path);
			if (skip) Object.assign(files[index]!, {status: 'skipped', note: skip.reason, sameContentAs: skip.sameContentAs, bytesDone: source.size});
		}
		tracker.phase = 'loading';
		emit();
		loaders = new LoaderPool(options.databaseUrl, workerCount, (pid) => forgetLoaders.push(trackBackend(pool, pid)));
		const context: LoadContext = {pool, loaders, tracker, loadId, maxLineBytes, signal, finishing: [], inputs: new Map()};
		hints = await HintBitReader.start(pool);
		hintTimer = setInterval(() => hints?.poke(), 1000);
		for (const [index, source] of sources.entries()) {
			if (signal?.aborted || context.fatal) break;
			// No row, as for a link whose target is gone: its name could not be stored either.
			if (source.unreadable !== undefined) Object.assign(files[index]!, {status: 'failed', note: source.unreadable});
			else if (source.kind === 'zip') await loadZip(context, source, files[index]!);
			else await loadFile(context, source, files[index]!);
		}
		await Promise.all(context.finishing);
		if (context.fatal) throw context.fatal;
		if (!signal?.aborted) {
			superseded = await supersedeCopies(pool, loadId);
			// A cut copy failed in this very load: nothing was left to load from it, so it is no failure of the load.
			for (const {file, note} of superseded) {
				const progress = files.find((candidate) => candidate.label === file && candidate.status === 'failed');
				if (progress) Object.assign(progress, {status: 'skipped', note});
			}
		}
		clearInterval(hintTimer);
		if (!signal?.aborted) await hints?.finish();
		// The loader threads (their heaps and connections) are not needed to derive: freed before it, not after.
		await closeLoaders();
		if (signal?.aborted) {
			await recordInterrupted(pool, loadId);
			tracker.phase = 'cancelled';
		} else {
			// A run that found nothing new (the common re-run) has nothing to derive: it returns at once.
			const {rows: pending} = await pool.query<{work: boolean}>(
				`UPDATE loads SET finished_at = now(), derived_done = NOT EXISTS (SELECT 1 FROM file_chunks c JOIN source_files f USING (file_id) WHERE f.load_id = $1)
				   AND NOT EXISTS (SELECT 1 FROM loads WHERE NOT derived_done AND load_id <> $1)
				 WHERE load_id = $1 RETURNING NOT derived_done AS work`,
				[loadId],
			);
			const {dayZone} = options;
			// A new zone rebuilds what was loaded even when nothing is new.
			const zoneNow = await currentDayZone(pool);
			const newZone = dayZone !== undefined && zoneNow !== dayZone;
			if (pending[0]!.work || newZone) {
				tracker.startDeriving();
				emit();
				const onProgress = (progress: DerivedProgress) => {
					const newStep = progress.step !== tracker.derived?.step;
					tracker.derived = progress;
					// Each step is shown as it starts (a short one could fall between two of the timer's snapshots).
					if (newStep) emit();
				};
				try {
					({dayZoneChange} = await refreshDerived(pool, {scratchDir: options.scratchDir, dayZone, onProgress, signal}));
				} catch (error) {
					// Cancelled: the build rolled back, and its loads stay pending for the next ingest (or run); the zone change
					// went with it, and is not remembered: the next run builds in the zone kept unless --tz is given again.
					if (!signal?.aborted) throw error;
					derivedCancelled = true;
					if (newZone) dayZoneKept = {zone: zoneNow, asked: dayZone};
				}
			}
			tracker.phase = derivedCancelled ? 'cancelled' : 'done';
		}
	} catch (error) {
		// A statement of the load's that waited for another session's lock, given up on the cancel: the load is cancelled.
		if (isGivenUp(error, signal)) tracker.phase = 'cancelled';
		else {
			const stopped = tracker.phase === 'deriving' ? BUILD_STOPPED : LOAD_STOPPED;
			const diskFull = diskFullError(error, options, stopped);
			tracker.phase = 'failed';
			tracker.error =
				diskFull?.message ??
				(isDatabaseFailure(error) ? `The database failed while ${stopped.doing} (${describe(error)}); ${stopped.outcome}: ${stopped.retry}.` : describe(error));
			emit();
			throw diskFull ?? (error instanceof UserError ? error : new UserError(tracker.error));
		}
	} finally {
		clearInterval(timer);
		clearInterval(hintTimer);
		await hints?.stop();
		signal?.removeEventListener('abort', cancelLoaders);
		await closeLoaders();
		keepWaiting();
		await lockClient.query('SELECT pg_advisory_unlock($1)', [INGEST_LOCK]).catch(() => {});
		// The pool hands this client out again: one listener more per ingest would pile up on it.
		lockClient.off('error', ignoreError);
		lockClient.release();
	}
	const snapshot = tracker.snapshot();
	options.onProgress?.(snapshot);
	const count = (status: FileProgress['status']) => snapshot.files.filter((file) => file.status === status).length;
	// A cut copy superseded in this load is no "already loaded" input: it loaded what it could.
	const filesSuperseded = snapshot.files.filter((file) => file.status === 'skipped' && superseded.some(({file: label}) => label === file.label)).length;
	// Stored as loaded with nothing from it, an input that is no log was counted loaded beside its "skipped: … nothing was loaded from it".
	const filesNotLogs = snapshot.files.filter((file) => file.status === 'loaded' && file.notALog !== undefined).length;
	return {...snapshot, filesLoaded: count('loaded') - filesNotLogs, filesNotLogs, filesSkipped: count('skipped') - filesSuperseded, filesSuperseded, filesFailed: count('failed'), notFiles, dayZoneChange, ...(derivedCancelled ? {derivedCancelled} : {}), ...(dayZoneKept ? {dayZoneKept} : {}), ...(superseded.length > 0 ? {superseded} : {})};
}

function newFileProgress(label: string, kind: FileProgress['kind'], bytesTotal: number): FileProgress {
	return {label, kind, bytesTotal, bytesDone: 0, lines: 0, blankLines: 0, loaded: 0, readAgain: 0, duplicates: 0, rejected: 0, status: 'pending'};
}

/** Inputs an ingest did not load to the end (Ctrl-C, a kill, a lost database): their events loaded so far. */
export type InterruptedInputs = {files: number; events: number};

/**
 * What deriveIfPending found: nothing pending, pending loads it built, or pending loads that another
 * process (an ingest, or another command building them) holds: `eventsLeftOut` are not counted yet.
 */
export type PendingLoads = {state: 'none' | 'built'; interrupted: InterruptedInputs} | {state: 'busy'; eventsLeftOut: number};

/**
 * Brings the derived tables up to date when loads are pending and no ingest is running (after an
 * upgrade whose migrations ask for a rebuild, or after a load cut off before its refresh), so that
 * tasks run outside the app never answer from stale tables; and says which inputs an ingest left
 * half-loaded, whose events so far the tables then count.
 */
export async function deriveIfPending(pool: pg.Pool, scratchDir?: string, options: Pick<RefreshOptions, 'onProgress' | 'signal'> = {}): Promise<PendingLoads> {
	const client = await pool.connect();
	try {
		const {rows: lock} = await client.query<{locked: boolean}>('SELECT pg_try_advisory_lock($1) AS locked', [INGEST_LOCK]);
		// An ingest running now refreshes when it finishes; its half-loaded load must not be marked derived.
		// Its caller answers from the tables as they are, and must say what that leaves out.
		if (!lock[0]!.locked) {
			const {rows: left} = await client.query<{events: number}>(
				'SELECT coalesce(sum(f.loaded), 0)::float8 AS events FROM source_file_counts f JOIN loads l USING (load_id) WHERE NOT l.derived_done',
			);
			return {state: 'busy', eventsLeftOut: left[0]!.events};
		}
		try {
			const {rows} = await client.query<{pending: boolean}>('SELECT EXISTS (SELECT 1 FROM loads WHERE NOT derived_done) AS pending');
			// No ingest runs (this lock says so): a load that never finished was cut off, and its events are built too.
			if (rows[0]!.pending) await refreshDerived(pool, {scratchDir, ...options, cutOffLoads: true});
			const {rows: [interrupted]} = await client.query<InterruptedInputs>(
				`SELECT count(*)::int AS files, coalesce(sum(loaded), 0)::float8 AS events FROM source_file_counts WHERE status = 'loading'`,
			);
			return {state: rows[0]!.pending ? 'built' : 'none', interrupted: interrupted!};
		} finally {
			await client.query('SELECT pg_advisory_unlock($1)', [INGEST_LOCK]);
		}
	} finally {
		client.release();
	}
}

type LoadContext = {
	pool: pg.Pool;
	loaders: LoaderPool;
	tracker: ProgressTracker;
	loadId: number;
	maxLineBytes: number;
	signal?: AbortSignal;
	/** Per-file completions still running (a file's last chunks finish while the next file is read), in load order. */
	finishing: Array<Promise<void>>;
	/**
	 * This load's inputs by file id: one credited with events another stored first (see ChunkStats.creditedFrom) gives them
	 * over; `storedBefore` says whether content at an offset was stored by an earlier run (a resumed input's).
	 */
	inputs: Map<number, {progress: FileProgress; archive?: FileProgress; storedBefore: (offset: number) => boolean}>;
	fatal?: Error;
};

async function loadFile(context: LoadContext, source: SourceFile, progress: FileProgress): Promise<void> {
	let identity: SourceIdentity;
	let fd: number | undefined;
	let first: {size: number; head: Buffer};
	try {
		fd = fs.openSync(source.path, 'r');
		const {fingerprint, headHash, size, head, file} = fingerprintOpenFile(fd);
		first = {size, head};
		identity = {path: source.path, member: '', kind: source.kind, size, mtime: source.mtime, fingerprint, headHash, file, headHashAt: (length) => headHashOf(source.path, length)};
		if (source.kind === 'plain') identity.newlineAt = (offset) => isNewlineAt(source.path, offset);
	} catch (error) {
		if (fd !== undefined) fs.closeSync(fd);
		progress.status = 'failed';
		progress.note = `cannot read: ${openFailure(source.path, error)}`;
		return;
	}
	// Read through the descriptor fingerprinted (openFileContent then closes it); closed here when it is not read (skipped).
	let handedOver = false;
	try {
		await loadStream(context, identity, progress, (startOffset, onBytes) => {
			handedOver = true;
			return openFileContent(source, startOffset, onBytes, fd, first);
		});
	} finally {
		if (!handedOver) fs.closeSync(fd);
	}
}

async function loadZip(context: LoadContext, source: SourceFile, progress: FileProgress): Promise<void> {
	context.tracker.startFile(progress);
	const finishedMembers: Array<Promise<void>> = [];
	const members: FileProgress[] = [];
	// What a member's load threw (the database gone while it was planned): the load's failure, not the archive's.
	let loadFailure: unknown;
	// The archive's, stat'ed once for all its members (see SourceIdentity.file).
	const file = fileIdentity(source.path);
	try {
		await forEachZipMember(source.path, async (member) => {
			if (context.signal?.aborted || context.fatal) return;
			const memberProgress = newFileProgress(`${source.path}!${member.name}`, 'zip', member.compressedSize);
			members.push(memberProgress);
			const identity: SourceIdentity = {path: source.path, member: member.name, kind: 'zip', size: member.compressedSize, mtime: source.mtime, fingerprint: member.fingerprint, headHash: member.fingerprint, file};
			const before = context.finishing.length;
			await loadStream(context, identity, memberProgress, (_startOffset, onBytes) => member.open(onBytes), progress).catch((error: unknown) => {
				loadFailure = error;
				throw error;
			});
			finishedMembers.push(...context.finishing.slice(before));
		});
		// Only a walk to the end tells how many log files the archive holds (a cancel stops it).
		if (!context.signal?.aborted && !context.fatal) progress.members = members.length;
		if (progress.members === 0) return await recordEmptyArchive(context, source, progress);
	} catch (error) {
		// It ends the load as it does for a plain file; recorded as the archive's, it stayed a failed row beside the loaded members.
		if (error === loadFailure) throw error;
		if (error instanceof NotALog) {
			progress.notALog = error.message;
			return await recordEmptyArchive(context, source, progress);
		}
		const message = `cannot read the archive: ${describe(error)}`;
		progress.status = 'failed';
		progress.note = message;
		await recordFailedSource(context.pool, {path: source.path, member: '', kind: 'zip', size: source.size, mtime: source.mtime, fingerprint: `failed:${source.path}`, headHash: '', file}, context.loadId, message);
		return;
	}
	await Promise.all(finishedMembers);
	// Cut off, it is not read to its end, as a plain file is not: still loading, its bytes those its members committed (it
	// said "1 loaded" and the whole archive read).
	if (context.signal?.aborted || context.fatal) return;
	if (progress.members !== undefined) await retireFailedArchive(context.pool, source.path);
	progress.bytesDone = progress.bytesTotal;
	const notLogs = members.flatMap(({label, notALog}) => (notALog === undefined ? [] : [{label, notALog}]));
	if (notLogs.length > 0) progress.memberNotLogs = notLogs;
	const copies = members.flatMap(({label, sameContentAs, notALog}) => (sameContentAs === undefined || notALog !== undefined ? [] : [{label, sameContentAs}]));
	if (copies.length > 0) progress.memberCopies = copies;
	const failed = members.filter((member) => member.status === 'failed');
	progress.status = failed.length > 0 ? 'failed' : members.every((member) => member.status === 'skipped') && members.length > 0 ? 'skipped' : 'loaded';
	progress.note = failed.length > 0 ? `${failed.length} of ${members.length} members failed: ${failed[0]!.note}` : members.length === 1 ? '1 member' : `${members.length} members`;
}

/**
 * A .zip with no log file in it (no member, or notes only), or that is no log (an Office document: its notALog), is an
 * input of its own, as an empty file is: a row in the manifest, loaded once and then skipped as already loaded; the
 * summary names it (fileNotices).
 */
async function recordEmptyArchive(context: LoadContext, source: SourceFile, progress: FileProgress): Promise<void> {
	progress.bytesDone = progress.bytesTotal;
	const {fingerprint, headHash, size, file} = fingerprintFile(source.path);
	const plan = await planSource(context.pool, {path: source.path, member: '', kind: 'zip', size, mtime: source.mtime, fingerprint, headHash, file}, context.loadId);
	if (plan.action === 'skip') {
		progress.status = 'skipped';
		progress.note = plan.reason;
		progress.sameContentAs = plan.sameContentAs;
		return;
	}
	await finishSource(context.pool, plan.fileId, undefined, progress.notALog);
	progress.fileId = plan.fileId;
	progress.status = 'loaded';
}

async function loadStream(
	context: LoadContext,
	identity: SourceIdentity,
	progress: FileProgress,
	open: (startOffset: number, onDiskBytes: (count: number) => void) => Readable | Promise<Readable>,
	archive?: FileProgress,
): Promise<void> {
	const {tracker, loaders} = context;
	// bytesDone only grows, and an archive's is the sum of its members'. Those an earlier run loaded are bytesBefore too:
	// done, but no work of this run (see FileProgress.bytesBefore).
	const advance = (bytesDone: number, loadedBefore = false) => {
		const delta = Math.min(progress.bytesTotal, bytesDone) - progress.bytesDone;
		if (delta <= 0) return;
		for (const target of archive ? [progress, archive] : [progress]) {
			target.bytesDone += delta;
			if (loadedBefore) target.bytesBefore = (target.bytesBefore ?? 0) + delta;
		}
	};
	const plan = await planSource(context.pool, identity, context.loadId);
	if (plan.action === 'skip') {
		progress.status = 'skipped';
		progress.note = plan.reason;
		progress.sameContentAs = plan.sameContentAs;
		progress.notALog = plan.notALog;
		advance(progress.bytesTotal);
		return;
	}
	// Taken for already loaded (loadedBefore), its content is new after all: it starts from nothing.
	if (progress.status === 'skipped') Object.assign(progress, {status: 'pending', bytesDone: 0, note: undefined, sameContentAs: undefined});
	progress.fileId = plan.fileId;
	context.inputs.set(plan.fileId, {
		progress,
		archive,
		storedBefore: (offset) => offset < plan.startOffset || plan.committedRanges.some((range) => range.start <= offset && offset < range.end),
	});
	if (plan.resumed) progress.note = `resumed at line ${plan.firstLine}`;
	if (!archive) tracker.startFile(progress);
	const plain = identity.kind === 'plain';
	// The meters follow the content committed, not the bytes read: the reader runs up to a few chunks per
	// loader thread ahead of the load (a whole small file). Plain files seek to where the committed prefix
	// ends; compressed ones are read from the start, and their on-disk share is the committed content
	// times the ratio read so far (on-disk bytes are counted at the inflater's output, so that ratio holds).
	let contentRead = plain ? plan.startOffset : 0;
	let contentDone = contentRead;
	let diskRead = 0;
	// A stored chunk's counts, and those of the later inputs that gave it events or rejected lines.
	const addStats = (stats: ChunkStats) => {
		tracker.addChunk(progress, stats, archive);
		for (const {fileId, events} of stats.creditedFrom) {
			const later = context.inputs.get(fileId)!;
			tracker.giveCredit(later.progress, events, later.archive);
		}
		// Rejected lines are taken from any later input (no table is built from them): one of an earlier load is not in this
		// one's counts, nor is one a resumed input stored before this run (its counts went below 0: "rejected -2").
		for (const {fileId, reason, offsets} of stats.rejectsFrom) {
			const later = context.inputs.get(fileId);
			const counted = later ? offsets.filter((offset) => !later.storedBefore(offset)).length : 0;
			if (counted > 0) tracker.giveRejects(later!.progress, reason, counted, later!.archive);
		}
	};
	const addDone = (chunk: Chunk, loadedBefore = false) => {
		contentDone += chunk.endOffset - chunk.startOffset;
		advance(plain ? contentDone : contentRead > 0 ? (diskRead * contentDone) / contentRead : 0, loadedBefore);
	};
	advance(contentDone, true);
	const skipBefore = plain ? 0 : plan.startOffset;
	const {committedRanges} = plan;
	// Chunks end where committed data begins and ends, so each one is either all committed or all new.
	const boundaries = [skipBefore, ...committedRanges.flatMap((range) => [range.start, range.end])];
	const chunker = new LineChunker({startOffset: plain ? plan.startOffset : 0, firstLine: plain ? plan.firstLine : 1, maxLineBytes: context.maxLineBytes, boundaries});
	const isCommitted = (chunk: Chunk) => chunk.startOffset < skipBefore || committedRanges.some((range) => range.start <= chunk.startOffset && chunk.endOffset <= range.end);
	const chunkDone: Array<Promise<void>> = [];
	const dispatch = async (chunk: Chunk) => {
		// A .gz resumed passes its loaded part over at the inflater's speed: counted as read, it said 6 MB/s of a load
		// going at 1.2, and the ETA 0:12 for 0:52 left.
		if (isCommitted(chunk)) {
			// Its share passed over is said instead of the load's rates, which stay at 0 meanwhile (an archive's is its member's).
			if (chunk.startOffset < skipBefore) for (const target of archive ? [progress, archive] : [progress]) target.passOver = {done: chunk.endOffset, total: skipBefore};
			return addDone(chunk, true);
		}
		await loaders.capacity();
		// A cancel while waiting for room: the chunk is not sent (it would be stored after the cancel).
		if (context.signal?.aborted) return;
		const job = {...chunk, fileId: plan.fileId, loadId: context.loadId, maxLineBytes: context.maxLineBytes};
		chunkDone.push(
			loaders.run(job).then(
				(stats) => {
					// Undefined: dropped unstored by a cancel.
					if (!stats) return;
					addStats(stats);
					addDone(chunk);
				},
				(error: Error) => {
					context.fatal ??= error;
				},
			),
		);
	};
	let readError: string | undefined;
	let damagedAs: string | undefined;
	let notALog: string | undefined;
	let garbage: TrailingGarbageEntry | undefined;
	try {
		const stream = await open(plan.startOffset, (count) => {
			diskRead += count;
		});
		for await (const buffer of stream) {
			contentRead += (buffer as Buffer).length;
			for (const chunk of chunker.push(buffer as Buffer)) await dispatch(chunk);
			if (context.signal?.aborted || context.fatal) {
				stream.destroy();
				break;
			}
		}
		if (!context.signal?.aborted && !context.fatal) for (const chunk of chunker.end()) await dispatch(chunk);
	} catch (error) {
		const stopped = context.signal?.aborted || context.fatal;
		if (error instanceof NotALog) {
			// Met before a line was read: nothing of it is loaded, and the file is recorded as done (see NotALog).
			notALog = error.message;
		} else if (error instanceof TrailingGarbage) {
			// The gzip data before it is whole, its last line too (as a file's without a final newline): the file loads, and
			// the garbage is one rejected entry after its last line, as a bad line would be (gzip -d ignores it).
			if (!stopped) {
				for (const chunk of chunker.end()) await dispatch(chunk);
				garbage = trailingGarbageEntry(plan.fileId, error, chunker);
			}
		} else {
			const failure = readFailure(error);
			readError = failure.note;
			// Of a zip member, the whole .zip's bytes: its CRC and sizes, which identify it, are those of its intact copy.
			if (failure.damaged) damagedAs = plan.damagedAs ?? (await damagedFingerprint(identity.path));
			// The whole lines read before the fault are loaded too (a truncated .gz lost up to a chunk of them).
			if (!stopped) for (const chunk of chunker.wholeLines()) await dispatch(chunk);
		}
	}
	// A file is finished (its counts summed from its chunks) after those before it: their chunks may still take events
	// from its own (see insertViaStaging).
	const earlier = context.finishing.at(-1);
	context.finishing.push(
		Promise.all([earlier, ...chunkDone])
			.then(async () => {
				if (context.fatal || context.signal?.aborted) return;
				if (garbage) addStats(await recordTrailingGarbage(context.pool, garbage));
				await finishSource(context.pool, plan.fileId, readError, notALog, damagedAs);
				progress.status = readError ? 'failed' : 'loaded';
				if (readError) progress.note = readError;
				progress.notALog = notALog;
				advance(progress.bytesTotal);
			})
			// Heard now, not when the files are all read: a database lost while the next file is read rejected this
			// with no handler yet, and Node ended the process ("Connection terminated unexpectedly" and a stack).
			.catch((error: Error) => {
				context.fatal ??= error;
			}),
	);
}

/** The rejected entry of the trailing garbage met once `chunker` has cut the whole content: as long as an overlong line's at most. */
function trailingGarbageEntry(fileId: number, garbage: TrailingGarbage, chunker: LineChunker): TrailingGarbageEntry {
	const raw = garbage.head.subarray(0, chunker.keepBytes);
	const kept = raw.length < garbage.length ? `; its first ${raw.length} bytes are kept` : '';
	const {offset, line} = chunker.next;
	return {
		fileId,
		contentEnd: offset,
		lineNo: line,
		offset: garbage.offset,
		detail: `${garbage.length} bytes that are not gzip data follow the gzip data, at byte offset ${garbage.offset} of the .gz (gzip -d says "trailing garbage ignored"); every line before them is loaded${kept}`,
		raw,
	};
}
