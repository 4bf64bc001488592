import {WorkdirError} from '../../../ingest/db/workdir.js';
import {WorkdirInUseError} from '../../../ingest/db/workdir-lock.js';
import {IngestBusyError} from '../../../ingest/engine.js';
import {DiskFullError, UserError} from '../../../ingest/errors.js';
import {UnknownItemError, UnknownLearnerError} from '../../tasks/parameters.js';
import {TaskQueryError} from '../../tasks/run.js';
import type {ErrorInfo, Screen} from '../state/app-state.js';

/**
 * What went wrong, in words: the stage it happened in decides the title and what to do next. `picks`: the list a form's
 * field picks from (Ctrl-L: learners, videos or problems).
 */
export type Stage = 'open' | 'ingest' | 'catalogue' | 'task' | 'courses' | 'picks';

const advice: Record<Exclude<Stage, 'task'>, {title: string; hint: string}> = {
	open: {
		title: 'The database could not be opened',
		// Either way: a user of --db was told that "--db … uses another server instead", which they had done.
		hint: 'The embedded server logs to workdir/logs/; with --db postgres://… (or DATABASE_URL), check its host, port, user and password, and that its server runs.',
	},
	ingest: {title: 'The logs could not be loaded', hint: 'Check the files in input/ (what loaded so far is kept, and the load resumes next time).'},
	catalogue: {title: 'The task list could not be read', hint: 'Check the queries/ folder; each task is one .sql file with a metadata header.'},
	courses: {title: 'The courses could not be listed', hint: 'Is the database still running? Restart the app.'},
	picks: {title: 'The list could not be read', hint: 'A name or an id can still be typed on the form; is the database still running?'},
};

/**
 * A task fails on its values, on its SQL or on the database, never on input/: the hint said to load data into
 * input/ whatever the failure was.
 */
function taskAdvice(error: unknown): {title: string; hint: string} {
	if (error instanceof TaskQueryError) {
		return {title: 'The task failed in the database', hint: 'The full error is in workdir/logs/tui.log; a task file of your own needs its SQL fixed. The other tasks still run.'};
	}
	if (error instanceof UserError) return {title: 'The task did not run', hint: 'Check the values.'};
	return {title: 'The task did not run', hint: 'Is the database still running? The full error is in workdir/logs/tui.log; restart the app if the next task fails too.'};
}

/** One readable sentence, never a stack trace (the full error goes to the log). */
export function describeError(error: unknown, stage: Stage): ErrorInfo {
	// A misspelt learner is no matter of loading data: say where the right names are (Esc lands on the user field).
	// The field the message is about, for the form to go back to.
	const about = error instanceof UserError && error.parameter !== undefined ? {parameter: error.parameter} : {};
	if (error instanceof UnknownLearnerError) {
		const whose = error.course ? `the learners of ${error.course}` : 'every learner';
		return {title: 'No such learner', message: error.message, hint: `On the form, Ctrl-L on the user field lists ${whose} to pick from, as the logs spell them (so does the Learners task).`, ...about};
	}
	// A video's or problem's id is a hash copied from another task: the form lists them with the unit each is on.
	if (error instanceof UnknownItemError) {
		const whose = error.course ? `the ${error.kind}s of ${error.course}` : `every ${error.kind}`;
		return {title: `No such ${error.kind}`, message: error.message, hint: `On the form, Ctrl-L on the ${error.kind} field lists ${whose} to pick from, with the unit each is on.`, ...about};
	}
	const raw = error instanceof Error ? error.message : String(error);
	const message = error instanceof UserError ? raw : firstLine(raw);
	// The message says what holds the workdir and what to do; the server's logs and --db were beside the point.
	if (error instanceof WorkdirInUseError) return {title: 'The workdir is in use', message, hint: 'Quit the other one, or start this one with another --workdir.'};
	// Nothing to check in input/, as the load's advice said: the other load holds the database for a while.
	if (error instanceof IngestBusyError) return {title: 'Another load is running', message, hint: 'The tasks run on what is loaded so far; start the app again once that load has finished to load input/.'};
	// Whatever the stage: the input files, the task's values or the server's logs were beside the point.
	if (error instanceof DiskFullError) return {title: 'A disk ran out of space', message, hint: 'What was saved is kept: free space on that disk, or start the app with --workdir on a larger disk.', ...about};
	// Its logs would be written there too: the hint to read them did not fit.
	if (error instanceof WorkdirError) return {title: 'The workdir cannot be used', message, hint: 'Start the app with --workdir and a folder of your own that it can write.'};
	return {...(stage === 'task' ? taskAdvice(error) : advice[stage]), message: message || 'Unknown error.', ...about};
}

/**
 * The error screen's last line: its keys, and where Esc goes. The hints above it name no key of their own: a task's
 * refused value said "Esc goes back to the form with them" over "Press Esc to go back, q to quit".
 */
export function errorKeys(fatal: boolean, back: Screen | undefined): string {
	if (fatal) return 'Press q (or Esc) to quit.';
	return back?.name === 'form' ? 'Press Esc to go back to the form, its values kept; q to quit.' : 'Press Esc to go back to the menu, q to quit.';
}

function firstLine(text: string): string {
	return (text.split('\n')[0] ?? '').trim();
}
