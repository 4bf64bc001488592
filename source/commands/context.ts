import {once} from 'node:events';
import fs from 'node:fs';
import type {Database} from '../../ingest/db/database.js';
import {openDatabase} from '../../ingest/db/database.js';
import {embeddedServerStatus} from '../../ingest/db/embedded-server.js';
import {diskFullError, type DiskFullOutcome} from '../../ingest/disk-full.js';
import {acquireWorkdirLock} from '../../ingest/db/workdir-lock.js';
import {resolveWorkdir, type Workdir} from '../../ingest/db/workdir.js';
import {UserError} from '../../ingest/errors.js';
import {kebab, UsageError, type flagSpec} from '../usage.js';
import {liveLine} from './live-line.js';
import {meantPath} from './quoted-path.js';

type FlagValue<T> = T extends {isMultiple: true} ? string[] | undefined : T extends {type: 'string'} ? string | undefined : boolean | undefined;
export type ParsedFlags = {[K in keyof typeof flagSpec]: FlagValue<(typeof flagSpec)[K]>};

/** Options that take a whole number, with their ranges; given as text, so a bad value is quoted back as typed. */
const WHOLE_NUMBER_FLAGS = {workers: {min: 1, max: 64}, maxLineBytes: {min: 1, max: 2 ** 30}} as const;
type WholeNumberFlag = keyof typeof WHOLE_NUMBER_FLAGS;
export type Flags = Omit<ParsedFlags, WholeNumberFlag> & {[K in WholeNumberFlag]: number | undefined};

/** The flags with the whole-number options checked and converted, and paths as meant; a bad one is a UserError sentence. */
export function checkedFlags(flags: ParsedFlags, platform: NodeJS.Platform = process.platform): Flags {
	// An option given without its value: an empty --workdir meant the current folder, an empty --db "localhost".
	for (const name of ['workdir', 'db'] as const) {
		if (flags[name]?.trim() === '') throw new UserError(`--${name} needs a value (${name === 'db' ? 'a postgres:// URL' : 'a folder'}).`);
	}
	const numbers = {} as {[K in WholeNumberFlag]: number | undefined};
	for (const [name, {min, max}] of Object.entries(WHOLE_NUMBER_FLAGS) as Array<[WholeNumberFlag, {min: number; max: number}]>) {
		const text = flags[name]?.trim();
		if (text === undefined) continue;
		const value = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
		if (!(value >= min && value <= max)) throw new UserError(`--${kebab(name)} must be a whole number from ${min} to ${max}, not ${JSON.stringify(flags[name])}.`);
		numbers[name] = value;
	}
	// Refused here, before `--out -` reads as no --out.
	if (flags.out !== undefined && flags.save) throw new UsageError('Use either --out FILE or --save, not both.');
	// "-" is stdout to most tools: `--out -` prints as without --out, in --format. A file named "-" is written ./-.
	const out = flags.out === '-' ? undefined : flags.out && meantPath(flags.out, platform);
	const paths = {workdir: flags.workdir && meantPath(flags.workdir, platform), out};
	return {...flags, ...numbers, ...paths};
}

/** The user cancelled the command (Ctrl-C, SIGTERM): exit code 130, as for a process ended by SIGINT. */
export class CancelledError extends UserError {
	override name = 'CancelledError';
	override readonly exitCode = 130;
}

/**
 * Aborted by Ctrl-C (SIGINT), SIGTERM (kill's default, a service manager, a CI timeout) or SIGHUP (the terminal
 * closed; Windows sends it when the console window closes, and ends the process some seconds later), so that
 * the command stops its work on the server, stops the server it started and releases the workdir rather than
 * die with them left behind. A pipe whose reader has gone cancels too (see outputGone). A second Ctrl-C still
 * ends the process at once. `dispose` stops listening.
 */
export function cancelOnSignals(): {signal: AbortSignal; dispose(): void} {
	const controller = new AbortController();
	const abort = () => controller.abort();
	const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
	for (const name of signals) process.once(name, abort);
	if (outputLost.signal.aborted) abort();
	else outputLost.signal.addEventListener('abort', abort, {once: true});
	return {
		signal: controller.signal,
		dispose: () => {
			signals.forEach((name) => process.off(name, abort));
			outputLost.signal.removeEventListener('abort', abort);
		},
	};
}

/**
 * Runs `body` with cancelOnSignals' signal: once cancelled, its failure is a CancelledError saying `cancelled`
 * (exit 130), and the signal has not ended the process, so withDatabase still stops the server it started.
 */
export async function cancellable<T>(cancelled: string, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
	const {signal, dispose} = cancelOnSignals();
	try {
		return await body(signal);
	} catch (error) {
		if (signal.aborted) throw new CancelledError(cancelled);
		throw error;
	} finally {
		dispose();
	}
}

const outputLost = new AbortController();
let readerGone = false;

/**
 * Called when stdout or stderr is a pipe whose reader has gone (EPIPE: `ingest 2>&1 | head -2`). Where a
 * process would die of SIGPIPE, a running command is cancelled as by a signal instead: its work on the server
 * stops, the server it started stops and the workdir is released (an uncaught EPIPE left them behind).
 */
export function outputGone(): void {
	readerGone = true;
	outputLost.abort();
}

/** Whether a reader of stdout or stderr went away (see outputGone): main then ends as SIGPIPE would have. */
export const outputReaderGone = () => readerGone;

let writeFailure: string | undefined;

/**
 * Called when stdout or stderr refuses a write for another reason (ENOSPC: `run … > out.csv` on a full disk).
 * The command is cancelled as for a gone reader, and outputFailure then says why, with exit code 1: the
 * error was thrown from the stream's event, a stack trace that left the embedded server running and the
 * workdir locked.
 */
export function outputFailed(stream: 'stdout' | 'stderr', error: Error): void {
	// Node adds the call that failed (", write"): the reason is what the user can act on.
	writeFailure ??= `Could not write to ${stream} (${error.message.replace(/,.*$/s, '')}): the output is incomplete.`;
	outputLost.abort();
}

/** The sentence for a write that failed (see outputFailed), or undefined. */
export const outputFailure = () => writeFailure;

/** Writes to a stream, waiting while its buffer is full (a pipe read slower than we write): memory stays bounded. */
export async function writeOrWait(stream: NodeJS.WritableStream, chunk: string | Buffer, signal: AbortSignal): Promise<void> {
	if (!stream.write(chunk)) await once(stream, 'drain', {signal});
}

export type CommandContext = {
	args: string[];
	flags: Flags;
	/** --db, else DATABASE_URL; undefined means the embedded server. */
	databaseUrl: string | undefined;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
};

export type Command = (context: CommandContext) => Promise<number>;

/** --db (or DATABASE_URL) checked to be a PostgreSQL URL: pg reads any other text as a host name or defaults. */
export function checkedDatabaseUrl(given: string | undefined): string | undefined {
	// Spaces or a CR around it are no part of it (cmd's `set DATABASE_URL=… ` keeps the space): pg read " postgres://…"
	// as a host name, and "…/openpolyedu " as the database "openpolyedu ". A blank one (DATABASE_URL exported but
	// empty) means none: the embedded server (a blank --db was refused by checkedFlags).
	const url = given?.trim() || undefined;
	if (url !== undefined && !/^(postgres|postgresql):\/\//i.test(url)) {
		// Only the scheme is quoted back: the rest may hold a password.
		const shown = url.includes('://') ? `${url.split('://')[0]}://…` : url.slice(0, 40);
		throw new UserError(`--db (or DATABASE_URL) must be a PostgreSQL URL such as postgres://user:password@host:5432/database, not "${shown}".`);
	}
	return url;
}

/**
 * Whether the server is not this process's to start or stop: --db, or the embedded one that `db start`
 * keeps running now. The workdir lock guards only that; the database's own locks order migrations,
 * loads and builds, so a command that reads (run, files, rejected) can then share the workdir.
 */
function serverIsShared(context: CommandContext, workdir: Workdir): boolean {
	return context.databaseUrl !== undefined || (fs.existsSync(workdir.keepRunningFile) && embeddedServerStatus(workdir).port !== undefined);
}

/** Whether the embedded server's workdir has no cluster yet (never with --db, whose database may hold anything). */
export function hasNoDatabase(context: CommandContext): boolean {
	if (context.databaseUrl !== undefined) return false;
	const status = embeddedServerStatus(resolveWorkdir(context.flags.workdir));
	// A cluster moved away is openDatabase's to explain.
	return !status.initialised && status.missingLinkTarget === undefined;
}

/** What a start of the embedded server that replays the WAL of an unclean stop is doing (see OpenOptions.onRecovery): the app's step. */
const RECOVERING = 'recovering the embedded PostgreSQL, which did not stop cleanly (a crash or a kill): this can take minutes after a large load';
/** The same, as a command says it on stderr. */
export const recoveringLine = `${RECOVERING[0]!.toUpperCase()}${RECOVERING.slice(1)} (Ctrl-C stops it)…\n`;

const COMMAND_STOPPED: DiskFullOutcome = {outcome: 'the command stopped, and nothing half-written was kept', retry: 'run it again'};

/**
 * Runs `body` with the workdir locked and the database open (and migrated); always closes both,
 * which also stops an embedded server this process started. A `reader` leaves the lock alone where
 * the server is shared (see serverIsShared), so scripts can run tasks side by side, and makes no database:
 * where the workdir has none, there is nothing to read (a mistyped --workdir made a 48 MB cluster, and a
 * task answered zeros as if the course had no activity). `existingOnly` (a reader's by default) refuses a --db
 * database without our tables, untouched (see openDatabase).
 */
export async function withDatabase<T>(
	context: CommandContext,
	body: (database: Database, workdir: Workdir) => Promise<T>,
	options: {onStep?: (step: string) => void; onLockWait?: (wait: string | undefined) => void; reader?: boolean; existingOnly?: boolean; signal?: AbortSignal} = {},
): Promise<T> {
	const {onStep, reader = false, existingOnly = reader, signal} = options;
	// Made by the lock or the embedded server, when they need it: a reader with --db writes nothing there.
	const workdir = resolveWorkdir(context.flags.workdir);
	if (reader && hasNoDatabase(context)) {
		throw new UserError(`No database in ${workdir.root} yet: load logs first (openpolyedu-tui ingest FILE…), or check --workdir.`);
	}
	const release = reader && serverIsShared(context, workdir) ? () => {} : acquireWorkdirLock(workdir);
	try {
		// The app shows it as its start-up step; a command says it on stderr (its output may be a file's content).
		const onUpdate = (description: string) =>
			onStep ? onStep(`updating the database for this version: ${description}`) : context.stderr.write(`Updating the database for this version of openpolyedu-tui: ${description}…\n`);
		const onRecovery = () => (onStep ? onStep(RECOVERING) : context.stderr.write(recoveringLine));
		// A line of its own, above a progress line the command may be showing (see liveLine); the end of the wait needs no
		// word: the command goes on.
		const onLockWait =
			options.onLockWait ?? ((wait?: string) => wait && liveLine(context.stderr).print(`Waiting for ${wait}; the command goes on once it is released (Ctrl-C stops it).`));
		const database = await openDatabase({databaseUrl: context.databaseUrl, workdir, onStep, onUpdate, onRecovery, onLockWait, existingOnly: existingOnly && context.databaseUrl !== undefined, signal});
		try {
			return await body(database, workdir);
		} catch (error) {
			// A command that says nothing of its own about a full disk (files, rejected, reset: a sort or a WAL that needs room).
			throw diskFullError(error, database, COMMAND_STOPPED) ?? error;
		} finally {
			await database.close();
		}
	} finally {
		release();
	}
}
