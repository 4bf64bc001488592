import fs from 'node:fs';
import path from 'node:path';
import type {Database} from '../../ingest/db/database.js';
import {ensureWorkdir, resolveWorkdir, writeOwnFile} from '../../ingest/db/workdir.js';
import {currentDayZone} from '../../ingest/derived/day-zone.js';
import {diskFullError} from '../../ingest/disk-full.js';
import {runIngest} from '../../ingest/engine.js';
import {redactSecrets} from '../../ingest/errors.js';
import type {IngestSnapshot} from '../../ingest/progress.js';
import {courseEvents, explainEmpty, itemUnits, learnerEvents, loadTaskCatalogue, runTask, saveResult} from '../tasks/index.js';
import {enterFullScreen} from '../ui/fullscreen.js';
import type {AppServices} from '../ui/services.js';
import type {AppIngestSummary} from '../ui/state/app-state.js';
import {withDatabase, type Command, type CommandContext} from './context.js';
import {dayZoneFlag, defaultInput, ingestCommand, ingestInto, ourFolders, zoneFlagGiven} from './ingest.js';
import {cannotMoveCursor} from './live-line.js';
import {TASK_STOPPED} from './run.js';
import {tasksCommand} from './tasks.js';

/**
 * Whether the app runs headless: stdout or stdin is not a terminal, --no-tui was given, or the terminal says it
 * cannot move its cursor (TERM=dumb: Emacs' shell, some IDE consoles), where the full screen's frames were a
 * stream of escape sequences.
 */
export function runsHeadless(stdout: {isTTY?: boolean}, stdin: {isTTY?: boolean}, tui: unknown, env: NodeJS.ProcessEnv): boolean {
	return !stdout.isTTY || !stdin.isTTY || tui === false || cannotMoveCursor(env);
}

/**
 * FORCE_COLOR=0 when Node finds that the terminal is to get no colours and FORCE_COLOR says nothing: the chalk Ink
 * styles with reads FORCE_COLOR and TERM only, so NO_COLOR (no-color.org) and NODE_DISABLE_COLORS left the screen
 * coloured. Set before Ink loads (chalk reads it then).
 */
export function noColourForInk(stdout: {hasColors?: () => boolean}, env: NodeJS.ProcessEnv): void {
	if (env.FORCE_COLOR === undefined && stdout.hasColors?.() === false) env.FORCE_COLOR = '0';
}

/**
 * No command: the full-screen app on a terminal; otherwise (piped, CI, --no-tui, TERM=dumb) the headless
 * equivalent — the ingest command (its progress and summary on stderr), then the task list.
 */
export const appCommand: Command = async (context) => {
	const zoneGiven = zoneFlagGiven(context.flags.tz);
	if (runsHeadless(context.stdout, process.stdin, context.flags.tui, process.env)) {
		// As the full-screen app: without input/ nothing is loaded (but --tz moves the days to its zone), and an
		// input that failed (exit 1) still leaves the task list; a cancel ends here. The load's summary goes with
		// its progress to stderr: stdout carries only the task list, for scripts.
		let code = 0;
		const toStderr = {...context, stdout: context.stderr};
		if (fs.existsSync(defaultInput())) code = await ingestCommand(toStderr);
		else {
			// As the app's menu says it over a database with data: "Nothing loaded" read as if the database were empty.
			context.stderr.write(`No input/ folder in ${process.cwd()}: nothing new was read (put tracking logs there to load them).\n`);
			if (zoneGiven) code = await ingestInto(toStderr, []);
		}
		if (code !== 0 && code !== 1) return code;
		return (await tasksCommand(context)) || code;
	}
	const services = databaseServices(context);
	// The database starts, and the load looks for new data, while Ink and React load (a few hundred
	// ms of CPU); the app joins these runs and shows their steps, progress and errors.
	services.prestart();
	// React's production build: less to load and faster renders (a user can still set NODE_ENV).
	process.env.NODE_ENV ??= 'production';
	// We are on a real terminal (checked above): Ink reads CI / CONTINUOUS_INTEGRATION when it loads and
	// would then draw only the last frame, so a shell (or test runner) that exports them would get a
	// frozen screen. Whether to be interactive is the terminal's question, not the environment's.
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	noColourForInk(context.stdout, process.env);
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

/**
 * Runs `start` at most once. Every caller shares its promise, hears its events from the moment it
 * asks (the latest one replayed at once), and may cancel it through its own signal. This lets the
 * database start and the load look for new data while Ink and React are still loading.
 */
function sharedRun<T, E>(start: (emit: (event: E) => void, signal: AbortSignal) => Promise<T>) {
	let running: Promise<T> | undefined;
	let latest: E | undefined;
	const listeners = new Set<(event: E) => void>();
	const abort = new AbortController();
	const join = (listener: (event: E) => void, signal?: AbortSignal): Promise<T> => {
		listeners.add(listener);
		if (latest !== undefined) listener(latest);
		if (signal?.aborted) abort.abort();
		signal?.addEventListener('abort', () => abort.abort(), {once: true});
		running ??= start((event) => {
			latest = event;
			for (const each of listeners) each(event);
		}, abort.signal);
		return running;
	};
	return {join, cancel: () => abort.abort(), settled: () => (running ?? Promise.resolve()).then(() => {}, () => {})};
}

/** The app's services on the real database, engine and task layer; the database stays open until close(). */
function databaseServices(context: CommandContext): AppServices & {close(): Promise<void>; prestart(): void} {
	let database: Database | undefined;
	// The database's waits for other sessions' locks go to the app's listener, once it listens (the latest replayed).
	let lockWait: string | undefined;
	let lockWaitListener = (_wait: string | undefined) => {};
	const onLockWait = (wait: string | undefined) => lockWaitListener((lockWait = wait));
	let finish = () => {};
	let session: Promise<void> = Promise.resolve();
	const open = () => {
		if (!database) throw new Error('The database is not open yet.');
		return database;
	};
	const opening = sharedRun<void, string>(
		(onStep, signal) =>
			new Promise((ready, fail) => {
				const closed = new Promise<void>((resolve) => (finish = resolve));
				// withDatabase locks the workdir and opens the database; it holds both until close().
				session = withDatabase(
					context,
					async (opened) => {
						database = opened;
						ready();
						await closed;
					},
					// The quit gives up the start, and the waits for other sessions' locks from then on.
					{onStep, onLockWait, signal},
				).catch(fail);
			}),
	);
	const loading = sharedRun<AppIngestSummary, IngestSnapshot>(async (onProgress, signal) => {
		await opening.join(() => {});
		const {workers, maxLineBytes} = context.flags;
		const {url, pool, scratchDir, dataDir, serverFailure} = open();
		const dayZone = await dayZoneFlag(pool, context.flags.tz);
		// Started without input/ (to look at a --workdir's data, say), the app reads nothing and goes to the tasks;
		// the run still finishes an update of the tables left pending and applies --tz.
		const input = defaultInput();
		const noInput = !fs.existsSync(input);
		const summary = await runIngest({databaseUrl: url, pool, paths: noInput ? [] : [input], workers, maxLineBytes, scratchDir, dataDir, serverFailure, dayZone, skipFolders: ourFolders(context), signal, onProgress});
		return noInput ? {...summary, noInputFolderIn: path.dirname(input)} : summary;
	});
	const workdir = resolveWorkdir(context.flags.workdir);
	return {
		prestart() {
			// Errors surface when the app joins these runs.
			loading.join(() => {}).catch(() => {});
		},
		open: (onStep, signal) => opening.join(onStep, signal),
		onLockWait(listener) {
			lockWaitListener = listener;
			listener(lockWait);
		},
		ingest: (signal, onProgress) => loading.join(onProgress, signal),
		loadCatalogue: () => loadTaskCatalogue(),
		listCourses: () => courseEvents(open().pool),
		listPicks: async (kind, course, task) =>
			kind === 'user' ? (await learnerEvents(open().pool, course, task.sql)).map((learner) => ({id: learner.username, count: learner.events})) : itemUnits(open().pool, kind, course),
		dayZone: () => currentDayZone(open().pool),
		runTask: (task, values, signal) =>
			runTask(open().pool, task, values, {signal})
				.then((result) => explainEmpty(open().pool, task, result))
				.catch((error: unknown) => {
					throw diskFullError(error, open(), TASK_STOPPED) ?? error;
				}),
		saveResult: (result, format, onProgress) => saveResult(result, {format, onProgress}),
		logError(error) {
			const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
			// The log is a copy of what the screen says: a workdir that cannot be written (the very error, often) must not
			// stop the screen from saying it (the app spun at "Opening the workdir…" for good).
			try {
				ensureWorkdir(workdir, workdir.logs);
				writeOwnFile(path.join(workdir.logs, 'tui.log'), `${new Date().toISOString()} ${redactSecrets(text)}\n`, {append: true});
			} catch {
				// Nowhere to write it: the screen has it.
			}
		},
		async close() {
			// A load the app never joined (a signal during start-up) is cancelled and rolled back first.
			loading.cancel();
			await loading.settled();
			finish();
			await session;
		},
	};
}
