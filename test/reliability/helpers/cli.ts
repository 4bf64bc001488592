import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import type pg from 'pg';
import {projectRoot} from '../../helpers/shared.js';

/** The real CLI, as a user runs it, in a child process (so it can be killed, measured, read). */
export const CLI = path.join(projectRoot, 'bin', 'openpolyedu-tui.js');
/** Preloaded into the child: prints its peak RSS on exit (process.resourceUsage works on every OS). */
const REPORT_MAX_RSS = path.join(projectRoot, 'dist', 'test', 'reliability', 'helpers', 'report-max-rss.js');
export const MAX_RSS_MARKER = 'openpolyedu-test-max-rss-kb=';

export type CliRun = {
	child: ChildProcess;
	/** Resolves when the child has exited. */
	done: Promise<CliResult>;
	/** stderr so far (the progress lines appear there). */
	stderr(): string;
};

export type CliResult = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; maxRssKb?: number};

export function startCli(args: string[], options: {env?: NodeJS.ProcessEnv; measureRss?: boolean} = {}): CliRun {
	const nodeArgs = options.measureRss ? ['--import', pathToImport(REPORT_MAX_RSS)] : [];
	// The suite's environment must not choose the database: --db or the embedded server of --workdir does.
	const env = {...process.env};
	delete env.DATABASE_URL;
	Object.assign(env, options.env);
	const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
		cwd: projectRoot,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
	child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
	const done = new Promise<CliResult>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code, signal) => {
			const marker = new RegExp(`${MAX_RSS_MARKER}(\\d+)\\n?`);
			const rss = marker.exec(stderr);
			resolve({code, signal, stdout, stderr: stderr.replace(marker, ''), maxRssKb: rss ? Number(rss[1]) : undefined});
		});
	});
	return {child, done, stderr: () => stderr};
}

export function runCli(args: string[], options: {env?: NodeJS.ProcessEnv; measureRss?: boolean} = {}): Promise<CliResult> {
	return startCli(args, options).done;
}

function pathToImport(file: string): string {
	if (!fs.existsSync(file)) throw new Error(`${file} is missing: build with npx tsc -p .`);
	return pathToFileURL(file).href;
}

/**
 * Starts `run data-health` (its query reads rejected_lines) while a client of `pool` holds a lock on that
 * table, and resolves once the run's query waits for it on the server: a run that lasts as long as the test
 * wants. The caller ends the holder's transaction and releases it.
 */
export async function blockedRun(pool: pg.Pool, args: string[]): Promise<{run: CliRun; backend: number; holder: pg.PoolClient}> {
	const holder = await pool.connect();
	// The test may stop the server under it: its lost connection is expected, not a crash.
	holder.on('error', () => {});
	await holder.query('BEGIN');
	await holder.query('LOCK TABLE rejected_lines IN ACCESS EXCLUSIVE MODE');
	const run = startCli(['run', 'data-health', '--format', 'json', ...args]);
	for (;;) {
		const {rows} = await pool.query<{pid: number}>(
			"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'openpolyedu-tui' AND wait_event_type = 'Lock'",
		);
		if (rows.length > 0) return {run, backend: rows[0]!.pid, holder};
		if (run.child.exitCode !== null) throw new Error(`the run ended before its query waited: ${run.stderr()}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}
