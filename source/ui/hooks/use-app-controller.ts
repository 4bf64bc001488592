import {useEffect, useReducer, useRef, type Dispatch} from 'react';
import type {IngestSnapshot} from '../../../ingest/progress.js';
import {describeError} from '../lib/errors.js';
import {displayPath} from '../lib/format.js';
import type {AppServices} from '../services.js';
import {appReducer, createAppState, exitCodeOf, pickerOf, type AppEvent, type AppState} from '../state/app-state.js';

/** Snapshots reach the screen at most this often: rendering must not slow the load. */
export const SNAPSHOT_INTERVAL_MS = 250;
const FLASH_MS = 4000;

/**
 * Runs the app's side effects for the state machine in state/app-state.ts: start-up (database, load,
 * catalogue, courses), the query of the running screen, saving, flash expiry and a clean quit (every
 * load or query aborted and awaited, and a save awaited, before `onQuit`, so a COPY is rolled back before the screen goes,
 * with the exit code exitCodeOf gives).
 */
export function useAppController(services: AppServices, size: {width: number; height: number}, onQuit: (exitCode: number) => void): [AppState, Dispatch<AppEvent>] {
	const [state, dispatch] = useReducer(appReducer, size, ({width, height}) => createAppState(width, height));
	const ingestAbort = useRef(new AbortController());
	// Aborted by the quit: a start of the database (a server starting, a --db that does not answer, a wait for a lock) is given up.
	const quitAbort = useRef(new AbortController());
	const queryAbort = useRef<AbortController | undefined>(undefined);
	const inFlight = useRef(new Set<Promise<unknown>>());
	const track = <T>(promise: Promise<T>): Promise<T> => {
		inFlight.current.add(promise);
		void promise.catch(() => {}).finally(() => inFlight.current.delete(promise));
		return promise;
	};

	useEffect(() => {
		dispatch({type: 'resize', width: size.width, height: size.height});
	}, [size.width, size.height]);

	useEffect(() => {
		let latest: IngestSnapshot | undefined;
		const sampler = setInterval(() => {
			if (latest) dispatch({type: 'ingest-progress', snapshot: latest});
			latest = undefined;
		}, SNAPSHOT_INTERVAL_MS);
		services.onLockWait((wait) => dispatch({type: 'lock-wait', wait}));
		const startUp = async () => {
			try {
				await services.open((step) => dispatch({type: 'step', step}), quitAbort.current.signal);
			} catch (error) {
				// Given up by the quit: nothing went wrong.
				if (quitAbort.current.signal.aborted) return;
				services.logError(error);
				dispatch({type: 'error', fatal: true, error: describeError(error, 'open')});
				return;
			}
			const catalogue = track(services.loadCatalogue()).then(
				(loaded) => dispatch({type: 'catalogue', tasks: loaded.tasks, problems: loaded.problems}),
				(error: unknown) => {
					services.logError(error);
					dispatch({type: 'error', fatal: true, error: describeError(error, 'catalogue')});
				},
			);
			dispatch({type: 'ingest-started'});
			// Courses are listed while the load looks for new data, and again only if it updated the tables they
			// are read from (also when it loaded nothing new: an earlier load's update, cancelled, is finished first).
			const listCourses = () => track(services.listCourses()).then((list) => dispatch({type: 'courses', ...list}));
			let courses = listCourses();
			try {
				const summary = await track(services.ingest(ingestAbort.current.signal, (snapshot) => (latest = snapshot)));
				await catalogue;
				if (summary.phase === 'done' && summary.derivedMs !== undefined) courses = courses.catch(() => {}).then(listCourses);
				dispatch({type: 'ingest-finished', summary});
			} catch (error) {
				// What loaded before the failure is kept: the tasks still run on it.
				services.logError(error);
				await catalogue;
				dispatch({type: 'error', fatal: false, error: describeError(error, 'ingest')});
			}
			latest = undefined;
			// Known after the load (its --tz may change it); only a default of the forms, so a failure is just logged.
			void track(services.dayZone()).then((zone) => dispatch({type: 'day-zone', zone}), (error: unknown) => services.logError(error));
			try {
				await courses;
			} catch (error) {
				services.logError(error);
				dispatch({type: 'error', fatal: true, error: describeError(error, 'courses')});
			}
		};
		void track(startUp());
		return () => clearInterval(sampler);
		// Start-up runs once per app.
	}, []);

	const {screen} = state;
	const cancelling = screen.name === 'ingest' && screen.cancelling;
	useEffect(() => {
		if (cancelling) ingestAbort.current.abort();
	}, [cancelling]);

	const running = screen.name === 'running' ? screen : undefined;
	useEffect(() => {
		if (!running) return;
		const abort = new AbortController();
		queryAbort.current = abort;
		const {runId} = running;
		track(services.runTask(running.task, running.values, abort.signal)).then(
			(result) => dispatch({type: 'task-finished', runId, result}),
			(error: unknown) => {
				if (abort.signal.aborted) return;
				services.logError(error);
				dispatch({type: 'task-failed', runId, error: describeError(error, 'task')});
			},
		);
		// Leaving the running screen (Esc, quit) cancels the query on the server.
		return () => abort.abort();
	}, [running?.runId]);

	// The picker's list, asked for once per opening (its details read meanwhile too); an answer after Esc is dropped
	// (its requestId is gone).
	const picker = pickerOf(screen);
	const listing = picker && !picker.items ? picker : undefined;
	useEffect(() => {
		if (!listing) return;
		const {requestId} = listing;
		track(services.listPicks(listing.kind, listing.course, listing.task)).then(
			(items) => dispatch({type: 'picks', requestId, items}),
			(error: unknown) => {
				services.logError(error);
				dispatch({type: 'picks-failed', requestId, error: describeError(error, 'picks')});
			},
		);
	}, [listing?.requestId]);

	const {saving} = state;
	useEffect(() => {
		if (!saving) return;
		const {id, result, view} = saving;
		// The whole view, sorted and filtered as on screen when the format was chosen, not just the visible slice.
		const rows = view.map((index) => result.rows[index] ?? []);
		// Progress reaches the screen at most as often as a load's: a frame per batch would slow the save.
		let shown = 0;
		const onProgress = (written: number) => {
			if (Date.now() - shown < SNAPSHOT_INTERVAL_MS) return;
			shown = Date.now();
			dispatch({type: 'save-progress', id, written});
		};
		track(services.saveResult({...result, rows}, saving.format, onProgress)).then(
			(saved) => dispatch({type: 'saved', id, path: displayPath(saved.path), rows: saved.rows}),
			(error: unknown) => {
				services.logError(error);
				dispatch({type: 'save-failed', id, message: describeError(error, 'task').message});
			},
		);
	}, [saving?.id]);

	const flashId = state.flash?.id;
	useEffect(() => {
		if (flashId === undefined) return;
		const timer = setTimeout(() => dispatch({type: 'flash-expired', id: flashId}), FLASH_MS);
		return () => clearTimeout(timer);
	}, [flashId]);

	useEffect(() => {
		if (!state.quitting) return;
		quitAbort.current.abort();
		ingestAbort.current.abort();
		queryAbort.current?.abort();
		// Wait for the load to roll back and the query to be cancelled before the screen goes.
		const exitCode = exitCodeOf(state);
		void Promise.allSettled([...inFlight.current]).then(() => onQuit(exitCode));
	}, [state.quitting]);

	return [state, dispatch];
}
