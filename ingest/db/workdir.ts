import fs from 'node:fs';
import path from 'node:path';

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

export function ensureWorkdir(workdir: Workdir): void {
	fs.mkdirSync(workdir.logs, {recursive: true});
}
