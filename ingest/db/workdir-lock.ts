import fs from 'node:fs';
import {untilExit} from '../at-exit.js';
import {folderDiskFull, LARGER_DISK} from '../disk-full.js';
import {UserError} from '../errors.js';
import {assertOwnWorkdir, ensureWorkdir, type Workdir, WorkdirError} from './workdir.js';

/** Whether a process with this pid runs (ours or another user's). */
export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Another live process holds the workdir: its message says which and what to do; the database is no matter of it. */
export class WorkdirInUseError extends UserError {
	override name = 'WorkdirInUseError';
}

/**
 * One app process per workdir: a second one would fight over the cluster (commands that only read
 * share it where the server is not theirs: see withDatabase). The lock file holds the owner's pid; a
 * lock left by a killed process (pid gone) is taken over.
 */
export function acquireWorkdirLock(workdir: Workdir): () => void {
	assertOwnWorkdir(workdir);
	ensureWorkdir(workdir);
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const fd = fs.openSync(workdir.lockFile, 'wx');
			try {
				fs.writeSync(fd, String(process.pid));
			} catch (error) {
				// Made here ('wx'), it is ours to remove: left empty (the disk full), it was taken for another program's file by every later run.
				fs.closeSync(fd);
				fs.rmSync(workdir.lockFile, {force: true});
				throw folderDiskFull(error, workdir.root, {outcome: 'nothing was started', retry: 'run again'}, LARGER_DISK) ?? error;
			}
			fs.closeSync(fd);
			return untilExit(() => {
				try {
					if (fs.readFileSync(workdir.lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(workdir.lockFile);
				} catch {
					// Already gone: nothing to release.
				}
			});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const text = readLock(workdir.lockFile);
			// Released meanwhile: try again.
			if (text === undefined) continue;
			// Ours hold a pid and nothing else: another program's app.lock (a --workdir such as ~ or .) was taken for a stale one and deleted.
			if (!/^\d+$/.test(text)) {
				throw new WorkdirError(
					`${workdir.lockFile} holds no process id, so it is no lock of openpolyedu-tui's (another program's file, or one being written this moment), and the app does not delete it: pass another --workdir, or remove it if no openpolyedu-tui is running.`,
				);
			}
			const owner = Number(text);
			if (owner !== process.pid && isAlive(owner)) {
				const inUse = `Another openpolyedu-tui (pid ${owner}) is already using the workdir ${workdir.root}`;
				// Only the pid tells the lock's owner, and a killed run's pid may be another program's by now (Windows gives
				// them out again soon, and a restart starts them over): the user was told to wait, for good, with no way out.
				const stale = `If no openpolyedu-tui runs, a run that was killed left the lock, and another program has its process id now: delete ${workdir.lockFile}.`;
				// With db start in effect, only what needs the workdir to itself holds the lock: db start is no advice then.
				throw new WorkdirInUseError(
					fs.existsSync(workdir.keepRunningFile)
						? `${inUse} (an ingest, a reset or the app, which need it to themselves even while db start keeps the database running); wait for it to finish, or pass a different --workdir. ${stale}`
						: `${inUse}; wait for it to finish, pass a different --workdir, or (to run tasks beside it) keep the database running with openpolyedu-tui db start before starting both. ${stale}`,
				);
			}
			removeDeadLock(workdir.lockFile, text);
		}
	}
	throw new UserError(`Could not take the lock ${workdir.lockFile}; remove it if no openpolyedu-tui is running.`);
}

/**
 * Removes the lock of a dead process, whose text was `judged`, and no other: two runs that found it at once both
 * deleted "it", the second one the lock that the first had just made in its place, and both went on (2 rounds of 10,
 * six runs started together after a crash). The file is renamed away (one rename wins), and put back when it turns
 * out to be another's new lock.
 */
function removeDeadLock(file: string, judged: string): void {
	const aside = `${file}.${process.pid}.dead`;
	try {
		fs.renameSync(file, aside);
	} catch (error) {
		// Removed by another run meanwhile: nothing of ours to remove.
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw error;
	}
	if (readLock(aside) !== judged) {
		try {
			fs.linkSync(aside, file);
		} catch {
			// A third run made one meanwhile: that one holds the workdir now.
		}
	}
	fs.rmSync(aside, {force: true});
}

/** The lock's text; undefined when it is gone, '' when it cannot be read (a folder, another user's). */
function readLock(file: string): string | undefined {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : '';
	}
}
