import fs from 'node:fs';
import path from 'node:path';
import type {Database} from '../../ingest/db/database.js';
import {runIngest} from '../../ingest/engine.js';
import {redactSecrets} from '../../ingest/errors.js';
import {listCourses, loadTaskCatalogue, runTask, saveResult} from '../tasks/index.js';
import {enterFullScreen} from '../ui/fullscreen.js';
import type {AppServices} from '../ui/services.js';
import {workdirOf, withDatabase, type Command, type CommandContext} from './context.js';
import {ingestCommand, ingestPaths} from './ingest.js';
import {tasksCommand} from './tasks.js';

/**
 * No command: the full-screen app on a terminal; otherwise (piped, CI, --no-tui) the headless
 * equivalent — the ingest command (its progress line), then the task list.
 */
export const appCommand: Command = async (context) => {
	if (!context.stdout.isTTY || !process.stdin.isTTY || context.flags.tui === false) {
		const code = await ingestCommand(context);
		return code === 0 ? tasksCommand(context) : code;
	}
	const services = databaseServices(context);
	// The database starts while Ink and React load (yoga's WebAssembly alone takes a few hundred ms);
	// the app attaches to this same start and shows its steps. Its errors are shown by the app.
	services.open(() => {}).catch(() => {});
	// React's production build: less to load and faster renders (a user can still set NODE_ENV).
	process.env.NODE_ENV ??= 'production';
	const quit = new AbortController();
	const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
	const onSignal = () => quit.abort();
	for (const signal of signals) process.on(signal, onSignal);
	const leaveFullScreen = enterFullScreen(context.stdout);
	let exitCode = 0;
	try {
		const [{render}, {createElement}, {TerminalApp}] = await Promise.all([import('ink'), import('react'), import('../ui/app.js')]);
		const instance = render(createElement(TerminalApp, {services, quitSignal: quit.signal}), {
			stdout: context.stdout,
			exitOnCtrlC: false,
			patchConsole: false,
			maxFps: 15,
			// incrementalRendering (new in 6.8) stays off: under tmux each frame drifted a line down,
			// leaving stale lines behind. Full frames of rows - 1 lines do not flicker (see app.tsx).
		});
		exitCode = Number(await instance.waitUntilExit()) || 0;
	} finally {
		await services.close();
		leaveFullScreen();
		for (const signal of signals) process.off(signal, onSignal);
	}
	return quit.signal.aborted ? 130 : exitCode;
};

/** The app's services on the real database, engine and task layer; the database stays open until close(). */
function databaseServices(context: CommandContext): AppServices & {close(): Promise<void>} {
	let database: Database | undefined;
	let finish = () => {};
	let session: Promise<void> = Promise.resolve();
	let opening: Promise<void> | undefined;
	let lastStep: string | undefined;
	const stepListeners = new Set<(step: string) => void>();
	const open = () => {
		if (!database) throw new Error('The database is not open yet.');
		return database;
	};
	const logFile = path.join(workdirOf(context).logs, 'tui.log');
	return {
		open(onStep) {
			// Started once (early, by appCommand); a later caller attaches to it and hears the current step.
			stepListeners.add(onStep);
			if (lastStep) onStep(lastStep);
			opening ??= new Promise((ready, fail) => {
				const closed = new Promise<void>((resolve) => (finish = resolve));
				// withDatabase locks the workdir and opens the database; it holds both until close().
				session = withDatabase(
					context,
					async (opened) => {
						database = opened;
						ready();
						await closed;
					},
					(step) => {
						lastStep = step;
						for (const listener of stepListeners) listener(step);
					},
				).catch(fail);
			});
			return opening;
		},
		ingest: (signal, onProgress) =>
			runIngest({
				databaseUrl: open().url,
				pool: open().pool,
				paths: ingestPaths([]),
				workers: context.flags.workers,
				maxLineBytes: context.flags.maxLineBytes,
				signal,
				onProgress,
			}),
		loadCatalogue: () => loadTaskCatalogue(),
		listCourses: () => listCourses(open().pool),
		runTask: (task, values, signal) => runTask(open().pool, task, values, {signal}),
		saveResult: (result, format, course) => saveResult(result, {format, course}),
		logError(error) {
			const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
			fs.appendFileSync(logFile, `${new Date().toISOString()} ${redactSecrets(text)}\n`);
		},
		async close() {
			finish();
			await session;
		},
	};
}
