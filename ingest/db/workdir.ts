import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../errors.js';

/**
 * A workdir this user cannot use (cannot make or write it, another user's, a path the server cannot take): the
 * app's advice is another --workdir, not the server's logs, which would be written there.
 */
export class WorkdirError extends UserError {
	override name = 'WorkdirError';
}

/** Where every piece of runtime state lives, below one folder (`--workdir`, default ./workdir). */
export type Workdir = {
	root: string;
	/** The cluster (a symlink to a reachable place when running as root under a private home). */
	pgdata: string;
	logs: string;
	/** Generated once, mode 0600. */
	passwordFile: string;
	/** Present while one app process uses this workdir. */
	lockFile: string;
	/** Present while `db start` wants the server to outlive the app. */
	keepRunningFile: string;
};

export function resolveWorkdir(dir: string | undefined): Workdir {
	const root = path.resolve(dir ?? path.join(process.cwd(), 'workdir'));
	return {
		root,
		pgdata: path.join(root, 'pgdata'),
		logs: path.join(root, 'logs'),
		passwordFile: path.join(root, 'pg-password'),
		lockFile: path.join(root, 'app.lock'),
		keepRunningFile: path.join(root, 'db-keep-running'),
	};
}

/** Creates `folder` and its missing parents one level at a time: Node's recursive mkdir spins forever where a level cannot be made (under /proc). */
export function makeFolders(folder: string): void {
	const missing: string[] = [];
	for (let at = path.resolve(folder); !fs.existsSync(at) && path.dirname(at) !== at; at = path.dirname(at)) missing.unshift(at);
	for (const level of missing) {
		try {
			fs.mkdirSync(level);
		} catch (error) {
			// Another process may have made it in the meantime.
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
	if (!fs.statSync(folder).isDirectory()) throw new Error(`${folder} is a file, not a folder`);
}

/**
 * Makes the workdir, or `folder` in it (its logs), when something is about to be written there: a command
 * that writes nothing there (db stop of a workdir that is not there, a task run with --db) makes nothing.
 */
export function ensureWorkdir(workdir: Workdir, folder = workdir.root): void {
	try {
		makeFolders(folder);
	} catch (error) {
		throw new WorkdirError(`Cannot use ${workdir.root} as the workdir: ${(error as Error).message}.`);
	}
}

/**
 * Opens one of the app's own files in the workdir to write it (from empty, or at its end with `append`), never through
 * a link in its place: one was written through, over whatever it led to (run as root in a workdir that another user can
 * write, any file of the machine). A link there is refused in one sentence; `mode` is the file's, made or found.
 */
export function openOwnFile(file: string, options: {append?: boolean; mode?: number} = {}): number {
	const {O_WRONLY, O_CREAT, O_APPEND, O_TRUNC, O_NOFOLLOW} = fs.constants;
	let fd: number;
	try {
		// Windows has no O_NOFOLLOW (links there need a right that users seldom have).
		fd = fs.openSync(file, O_WRONLY | O_CREAT | (options.append ? O_APPEND : O_TRUNC) | (O_NOFOLLOW ?? 0), options.mode ?? 0o644);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
		throw new WorkdirError(`${file} is a link (to ${fs.readlinkSync(file)}) where the app keeps a file of its own; it does not write through it: delete the link.`);
	}
	if (options.mode !== undefined) fs.fchmodSync(fd, options.mode);
	return fd;
}

/** Writes `text` to one of the app's own files in the workdir (see openOwnFile). */
export function writeOwnFile(file: string, text: string, options: {append?: boolean; mode?: number} = {}): void {
	const fd = openOwnFile(file, options);
	try {
		fs.writeFileSync(fd, text);
	} finally {
		fs.closeSync(fd);
	}
}

/** The error of a path this user may not look into (not one that is gone). */
export const denied = (error: unknown) => ['EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * Refuses, in one sentence, a workdir that a run as another user made (with sudo, or as root, whose server runs as the
 * postgres user): this user can neither lock it nor read its cluster, which PostgreSQL runs only as its owner. An
 * ingest was an "Unexpected error: EACCES", and run and db status said there was no database yet.
 */
export function assertOwnWorkdir(workdir: Workdir): void {
	const uid = process.getuid?.();
	// Root uses any workdir but one whose cluster another user made, whose start says so (see embedded-server); Windows has no uids.
	if (uid === undefined || uid === 0 || !fs.existsSync(workdir.root)) return;
	let foreign: boolean;
	try {
		// A file where the workdir should be is ensureWorkdir's to say.
		if (!fs.statSync(workdir.root).isDirectory()) return;
		fs.accessSync(workdir.root, fs.constants.W_OK);
		const cluster = fs.statSync(workdir.pgdata, {throwIfNoEntry: false});
		foreign = cluster !== undefined && cluster.uid !== uid;
	} catch (error) {
		if (!denied(error)) throw error;
		foreign = true;
	}
	if (foreign) {
		throw new WorkdirError(
			`The workdir ${workdir.root} was made by a run as another user (with sudo, say), and only that user can use its database: run as that user, or pass another --workdir for a database of your own.`,
		);
	}
}

/**
 * fs.rm options for a folder of ours, retried: on Windows a server that has just stopped, or a virus scanner,
 * can hold a file open a moment longer (EBUSY, EPERM, ENOTEMPTY; PostgreSQL's pg_ctl notes it too).
 */
export const REMOVE_FOLDER = {recursive: true, force: true, maxRetries: 5, retryDelay: 200} as const;
