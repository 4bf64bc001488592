import assert from 'node:assert/strict';
import {test} from 'node:test';
import {WorkdirError} from '../../ingest/db/workdir.js';
import {WorkdirInUseError} from '../../ingest/db/workdir-lock.js';
import {IngestBusyError} from '../../ingest/engine.js';
import {DiskFullError, UserError} from '../../ingest/errors.js';
import {UnknownItemError} from '../../source/tasks/parameters.js';
import {TaskQueryError} from '../../source/tasks/run.js';
import {describeError} from '../../source/ui/lib/errors.js';

test("a task's error screen advises on what failed (its values, its SQL, the database), never to load data into input/", () => {
	const values = describeError(new UserError('Parameter "idle" must be a whole number, not "5.5".'), 'task');
	const sql = describeError(new TaskQueryError('Task "mine" failed in the database: division by zero (/app/queries/mine.sql).'), 'task');
	const lost = describeError(new Error('Connection terminated unexpectedly\n    at Connection.<anonymous>'), 'task');
	assert.deepEqual(
		[values, sql, lost].map(({title, hint}) => [title, hint]),
		[
			['The task did not run', 'Check the values.'],
			['The task failed in the database', 'The full error is in workdir/logs/tui.log; a task file of your own needs its SQL fixed. The other tasks still run.'],
			['The task did not run', 'Is the database still running? The full error is in workdir/logs/tui.log; restart the app if the next task fails too.'],
		],
	);
	assert.equal(lost.message, 'Connection terminated unexpectedly', 'one line, no stack');
	// A load's failure is about input/: that advice stays there.
	assert.match(describeError(new UserError('x'), 'ingest').hint, /input\//);
});

test("a workdir another app holds is said so, with its own advice: the server's logs and --db were beside the point", () => {
	const inUse = describeError(new WorkdirInUseError('Another openpolyedu-tui (pid 42) is already using the workdir /w; wait for it to finish.'), 'open');
	assert.deepEqual([inUse.title, inUse.hint], ['The workdir is in use', 'Quit the other one, or start this one with another --workdir.']);
	assert.match(describeError(new UserError('Cannot reach the database'), 'open').hint, /--db postgres/);
	// A --db server that cannot be reached was told that "--db … uses another server instead": what to check in the URL.
	assert.match(describeError(new UserError('Cannot reach the database at postgres://u:***@db:5432/x: connect ECONNREFUSED.'), 'open').hint, /with --db .*check its host, port, user and password/);
});

test('a load refused because another process is loading says so, without advice to check input/ (it told the user to check their files)', () => {
	const busy = describeError(new IngestBusyError('Another ingest is already loading into this database; wait for it to finish.'), 'ingest');
	assert.deepEqual([busy.title, busy.hint], ['Another load is running', 'The tasks run on what is loaded so far; start the app again once that load has finished to load input/.']);
});

test('a workdir that cannot be made or used is said so, with another --workdir as the advice (its logs cannot be written)', () => {
	const info = describeError(new WorkdirError("Cannot use /w as the workdir: EACCES: permission denied, mkdir '/w'."), 'open');
	assert.deepEqual([info.title, info.hint], ['The workdir cannot be used', 'Start the app with --workdir and a folder of your own that it can write.']);
});

test('an error about a parameter says which, for the form to go back to it; others say none', () => {
	const zone = Object.assign(new UserError('Parameter "tz": unknown time zone "Europe/Moskow".'), {parameter: 'tz'});
	assert.equal(describeError(zone, 'task').parameter, 'tz');
	assert.equal(describeError(new UserError('Cannot reach the database'), 'task').parameter, undefined);
});

test('a full disk is titled so at every stage, its advice to free space or use another --workdir (input/ or the values were beside the point)', () => {
	const full = new DiskFullError('The disk holding /w/pgdata ran out of space (1.2 MB free now): nothing half-written was kept; free space on it and run the ingest again to resume.');
	for (const stage of ['open', 'ingest', 'task'] as const) {
		const info = describeError(full, stage);
		assert.deepEqual([info.title, info.message, info.hint], ['A disk ran out of space', full.message, 'What was saved is kept: free space on that disk, or start the app with --workdir on a larger disk.'], stage);
	}
});

test('a video or problem not in the data: the hint says Ctrl-L on its field lists them, of the course or of every course', () => {
	const video = new UnknownItemError('video', 'course-v1:A+1+2024', '3c9e0a51f2');
	video.parameter = 'video';
	assert.deepEqual(describeError(video, 'task'), {
		title: 'No such video',
		message: 'No video "3c9e0a51f2" in course-v1:A+1+2024 (video-engagement lists them).',
		hint: 'On the form, Ctrl-L on the video field lists the videos of course-v1:A+1+2024 to pick from, with the unit each is on.',
		parameter: 'video',
	});
	const problem = describeError(new UnknownItemError('problem', '', 'P1'), 'task');
	assert.deepEqual(
		[problem.title, problem.message, problem.hint],
		['No such problem', 'No problem "P1" in the database (problems lists them).', 'On the form, Ctrl-L on the problem field lists every problem to pick from, with the unit each is on.'],
	);
});

test("a picker's list that cannot be read (learners, videos or problems) is said so at its own stage, the form's fields still typed", () => {
	// The stage was named 'learners' though the same list shows videos and problems.
	const info = describeError(new Error('Connection terminated unexpectedly\n    at Connection.<anonymous>'), 'picks');
	assert.deepEqual(info, {
		title: 'The list could not be read',
		message: 'Connection terminated unexpectedly',
		hint: 'A name or an id can still be typed on the form; is the database still running?',
	});
});
