import type {IngestSnapshot} from '../../ingest/progress.js';
import type {OutputFormat, TaskCatalogue, TaskDefinition, TaskResult} from '../tasks/types.js';
import type {AppIngestSummary, CourseList} from './state/app-state.js';
import type {PickItem, PickKind} from './state/picker.js';

/**
 * Everything the app asks of the world, as one object: the real one (source/commands/app.ts) wires the
 * database, the ingest engine and the task layer; screen tests pass fakes of these UI inputs.
 */
export type AppServices = {
	/** Locks the workdir and opens (starting it if needed) the database, naming each step; `signal` (the quit) gives it up. */
	open(onStep: (step: string) => void, signal: AbortSignal): Promise<void>;
	/** Tells `listener` each wait for another session's lock that lasts, in words, and undefined once none is left. */
	onLockWait(listener: (wait: string | undefined) => void): void;
	/** Loads what is new in the inputs; resolves with the summary, also when cancelled through `signal`. */
	ingest(signal: AbortSignal, onProgress: (snapshot: IngestSnapshot) => void): Promise<AppIngestSummary>;
	loadCatalogue(): Promise<TaskCatalogue>;
	listCourses(): Promise<CourseList>;
	/**
	 * The picker's list for a field of `task`: the learners with events in `course` ('' = all courses), most active
	 * first, and those the task takes by an enrollment or a finish alone (at 0 events); the videos by viewers or the
	 * problems by learners with checks, each with its unit and page.
	 */
	listPicks(kind: PickKind, course: string, task: TaskDefinition): Promise<PickItem[]>;
	/** The time zone the database counts days in (after the load: `--tz` may change it). */
	dayZone(): Promise<string>;
	runTask(task: TaskDefinition, values: Record<string, string>, signal: AbortSignal): Promise<TaskResult>;
	/** Names the file after the result's task and parameters (course, learner); `onProgress` hears the rows written so far. */
	saveResult(result: TaskResult, format: OutputFormat, onProgress: (rows: number) => void): Promise<{path: string; rows: number}>;
	/** Where unexpected errors are written in full (the screen shows one sentence). */
	logError(error: unknown): void;
};
