import assert from 'node:assert/strict';
import path from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {Box} from 'ink';
import {UserError} from '../../ingest/errors.js';
import {columnPlaces, fileNotices, noticeLine, noticeWords} from '../../source/format.js';
import type {IngestSnapshot} from '../../ingest/progress.js';
import {ProgressTracker} from '../../ingest/progress-tracker.js';
import {loadTaskCatalogue} from '../../source/tasks/index.js';
import {noneCountedNote, UnknownLearnerError} from '../../source/tasks/parameters.js';
import type {OutputFormat, TaskResult} from '../../source/tasks/types.js';
import {App} from '../../source/ui/app.js';
import {HelpOverlay} from '../../source/ui/components/help-overlay.js';
import {ProgressPanel} from '../../source/ui/components/progress-panel.js';
import {helpLines, scopeTitles, type Scope} from '../../source/ui/keymap.js';
import {stringWidth} from '../../source/ui/lib/columns.js';
import {MenuScreen, menuNotices} from '../../source/ui/screens/menu-screen.js';
import {filteredList} from '../../source/ui/state/filtered-list.js';
import {initialMenuState} from '../../source/ui/state/menu-state.js';
import {ErrorScreen} from '../../source/ui/screens/error-screen.js';
import {CourseScreen, FormScreen, PickScreen} from '../../source/ui/screens/form-screens.js';
import {ResultScreen} from '../../source/ui/screens/result-screen.js';
import {IngestScreen, SummaryScreen} from '../../source/ui/screens/ingest-screen.js';
import {progressLine} from '../../source/commands/ingest.js';
import type {AppServices} from '../../source/ui/services.js';
import {createFormState} from '../../source/ui/state/form-state.js';
import {createTableState, tableReducer} from '../../source/ui/state/table-state.js';
import {cappedWidths, naturalWidths} from '../../source/ui/lib/columns.js';
import {resultLayout, shownResultLayout, type ResultScreen as ResultScreenState} from '../../source/ui/state/app-state.js';
import {until} from '../helpers/shared.js';
import {courseList, file, learnerSummary, learnersTask, learnerValues, result, snapshot, summary, task, tasks} from './fixtures.js';

const ENTER = '\r';
const ESC = '\u001B';

/** Polls the last frame until it shows `text` (Shopify's sendInputAndWaitForContent, without fixed sleeps). */
async function waitFor(lastFrame: () => string | undefined, text: string | RegExp, timeoutMs = 5000): Promise<string> {
	const started = Date.now();
	for (;;) {
		const frame = lastFrame() ?? '';
		if (typeof text === 'string' ? frame.includes(text) : text.test(frame)) return frame;
		if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${String(text)}; last frame:\n${frame}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

async function press(stdin: {write(data: string): void}, ...keys: string[]): Promise<void> {
	for (const key of keys) {
		stdin.write(key);
		await new Promise((resolve) => setTimeout(resolve, 30));
	}
}

function deferred<T>(): {promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void} {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((done, fail) => {
		resolve = done;
		reject = fail;
	});
	return {promise, resolve, reject};
}

type HeldRun = ReturnType<typeof deferred<TaskResult>> & {signal: AbortSignal};

/** A runTask whose runs the test settles itself, when it chooses: `runs` holds them in the order the app started them. */
function heldRuns(): {runs: HeldRun[]; runTask: AppServices['runTask']} {
	const runs: HeldRun[] = [];
	return {
		runs,
		runTask(_task, _values, signal) {
			const run = {...deferred<TaskResult>(), signal};
			runs.push(run);
			return run.promise;
		},
	};
}

/** What the app's cancelled runs reject with (see inTaskTransaction). */
const cancelled = () => new DOMException('The task was cancelled.', 'AbortError');

type Fake = AppServices & {saved: Array<{result: TaskResult; format: OutputFormat}>; progress?: (snapshot: IngestSnapshot) => void; finishIngest(): void; errors: unknown[]};

function fakeServices(overrides: Partial<AppServices> = {}): Fake {
	const ingestDone = deferred<void>();
	const fake: Fake = {
		saved: [],
		errors: [],
		finishIngest: () => ingestDone.resolve(),
		async open(onStep) {
			onStep('starting database');
			await new Promise((resolve) => setTimeout(resolve, 20));
			onStep('applying migrations');
		},
		async ingest(_signal, onProgress) {
			fake.progress = onProgress;
			onProgress(snapshot());
			await ingestDone.promise;
			return summary({derivedMs: 2000});
		},
		loadCatalogue: async () => ({tasks, problems: []}),
		listCourses: async () => courseList([{courseId: 'course-v1:A+1+2024', events: 9}]),
		listPicks: async () => [],
		dayZone: async () => 'Europe/Moscow',
		runTask: async (task) => ({...result([['pause_video', 2], ['play_video', 5], ['problem_check', 1]]), taskId: task.id}),
		async saveResult(saved, format) {
			fake.saved.push({result: saved, format});
			return {path: path.join(process.cwd(), 'result', `x.${format}`), rows: saved.rows.length};
		},
		logError: (error) => fake.errors.push(error),
		onLockWait: () => {},
		...overrides,
	};
	return fake;
}

/**
 * The app at `width`×`height` past a finished load, on the task menu (unmounted again if it never gets there).
 * `onQuit` keeps the last frame: Ink's own exit unmounts and may blank it before a poll sees "Closing…".
 */
async function renderAtMenu(services: Fake, width = 80, height = 24, onQuit?: (exitCode: number) => void): Promise<ReturnType<typeof render>> {
	const rendered = render(<App services={services} width={width} height={height} onQuit={onQuit} />);
	try {
		services.finishIngest();
		await waitFor(rendered.lastFrame, 'Load finished');
		await press(rendered.stdin, ENTER);
		await waitFor(rendered.lastFrame, 'Tasks · 4 of 4');
		return rendered;
	} catch (error) {
		rendered.unmount();
		throw error;
	}
}

/** The app on the form of the menu's second task (its course and its time zone, from the database's day zone), on the zone's field. */
async function renderAtZoneField(services: Fake): Promise<ReturnType<typeof render>> {
	const rendered = await renderAtMenu(services);
	try {
		await press(rendered.stdin, 'j', ENTER);
		await waitFor(rendered.lastFrame, /tz +Europe\/Moscow/);
		await press(rendered.stdin, '\t');
		return rendered;
	} catch (error) {
		rendered.unmount();
		throw error;
	}
}

/** Renders the app with `services` and runs the menu's second task (its only parameter is the course: no form). */
async function openResult(services: Fake, width: number, height: number) {
	const rendered = await renderAtMenu(services, width, height);
	await press(rendered.stdin, 'j', ENTER, ENTER);
	return rendered;
}

test('the whole flow at 80×24: load meters, summary, menu, form, table, sort, save', async () => {
	const services = fakeServices();
	let exitCode: number | undefined;
	const {lastFrame, stdin, unmount} = render(<App services={services} width={80} height={24} onQuit={(code) => (exitCode = code)} />);
	try {
		const loading = await waitFor(lastFrame, 'Files (1 of 2 done)');
		assert.match(loading, /12\.5 MB\/s · 2,400 events\/s · ETA 0:30/);
		assert.match(loading, /rejected 3/);
		services.finishIngest();
		const done = await waitFor(lastFrame, 'Load finished');
		// 5 s in all, 2 of them the derived build: the rate is the load's (1 MB read in 3 s).
		assert.match(done, /Load finished in 0:05 \(loading 0:03, updating the tables 0:02\)/);
		assert.match(done, /read at 0\.3 MB\/s on average\nfiles: 2 loaded, 0 already loaded, 0 failed\n/);
		for (const line of done.split('\n')) assert.ok(stringWidth(line) <= 80, `line wider than 80: ${line}`);
		assert.match(done, /read 1,000 lines: loaded 990 · duplicates 7 · rejected 3/);
		await press(stdin, ENTER);
		// The header names the course and the zones of the precomputed days (the tasks answer fastest in them).
		const menu = await waitFor(lastFrame, /Tasks · 4 of 4 · course course-v1:A\+1\+2024 · days: Europe\/Moscow \+ UTC/);
		assert.match(menu, /Activity\n▸ Activity by day/);
		await press(stdin, 'j', ENTER);
		// The form starts from the database's day zone.
		await waitFor(lastFrame, /tz +Europe\/Moscow/);
		await press(stdin, ENTER);
		const table = await waitFor(lastFrame, 'row 1/3 · col 1/2');
		assert.match(table, /event_type +events\n/);
		assert.match(table, /pause_video +2\n/, 'numbers right-aligned under their header');
		await press(stdin, 'l', ']');
		const sorted = await waitFor(lastFrame, 'events▼');
		assert.match(sorted, /play_video +5\n▸? +pause_video +2\n +problem_check +1/);
		await press(stdin, 's');
		await waitFor(lastFrame, 'sorted and filtered as shown, as:');
		await press(stdin, ENTER);
		await waitFor(lastFrame, `Saved 3 rows to ${path.join('result', 'x.csv')}`);
		assert.equal(services.saved.length, 1);
		assert.equal(services.saved[0]?.format, 'csv');
		assert.deepEqual(services.saved[0]?.result.rows.map((row) => row[0]), ['play_video', 'pause_video', 'problem_check'], 'saved as sorted on screen');
		for (const line of (lastFrame() ?? '').split('\n')) assert.ok(stringWidth(line) <= 80, `line wider than 80: ${line}`);
		assert.ok((lastFrame() ?? '').split('\n').length <= 23, 'never taller than rows - 1');
		await press(stdin, 'q');
		await waitFor(lastFrame, 'Closing…');
		await new Promise((resolve) => setTimeout(resolve, 50));
		assert.equal(exitCode, 0);
		assert.deepEqual(services.errors, []);
	} finally {
		unmount();
	}
});

test('keys that arrive in one chunk all count: a field emptied, typed and run at once, then s and Enter save; F1 opens the help there', async () => {
	const ran: Array<Record<string, string>> = [];
	const services = fakeServices({
		runTask: async (task, values) => {
			ran.push(values);
			return {...result([['play_video', 5]]), taskId: task.id};
		},
	});
	const {lastFrame, stdin, unmount} = await renderAtMenu(services);
	try {
		// Down and Enter in one read: the form of the second task.
		await press(stdin, 'j\r');
		await waitFor(lastFrame, /tz +Europe\/Moscow/);
		// Tab, thirteen Backspaces (key repeat), a pasted zone, two typos taken back, Enter.
		await press(stdin, `\t${'\u007F'.repeat(13)}Asia/Kolkataab\u007F\u007F\r`);
		await waitFor(lastFrame, 'row 1/1');
		assert.deepEqual(ran, [{course: 'course-v1:A+1+2024', tz: 'Asia/Kolkata'}]);
		await press(stdin, 's\r');
		await waitFor(lastFrame, `Saved 1 row to ${path.join('result', 'x.csv')}`);
		assert.deepEqual(services.saved.map((saved) => saved.format), ['csv']);
		// F1 (as xterm and tmux send it) opens the help on the result table, and closes it.
		await press(stdin, '\u001BOP');
		await waitFor(lastFrame, 'Result table');
		await press(stdin, '\u001BOP');
		await waitFor(lastFrame, 'row 1/1');
		assert.doesNotMatch(lastFrame() ?? '', /Result table/);
	} finally {
		unmount();
	}
});

test('Esc then a key, quickly (one chunk, as tmux sends them): Esc goes back, then the key acts (Ink read an Alt chord and lost the Esc)', async () => {
	let exitCode: number | undefined;
	const {lastFrame, stdin, unmount} = await renderAtMenu(fakeServices(), 80, 24, (code) => (exitCode = code));
	try {
		await press(stdin, 'j', ENTER, ENTER);
		await waitFor(lastFrame, 'row 1/3');
		// Esc ↓: back to the menu, then the next task (the row cursor moved instead).
		await press(stdin, '\u001B\u001B[B');
		assert.match(await waitFor(lastFrame, 'Tasks · 4 of 4'), /▸ Learners/);
		await press(stdin, 'k', ENTER, ENTER);
		await waitFor(lastFrame, 'row 1/3');
		await press(stdin, '/', 'p', 'l');
		await waitFor(lastFrame, 'Search: pl');
		// Esc q: the search cleared, then quit (nothing happened).
		await press(stdin, '\u001Bq');
		await waitFor(lastFrame, 'Closing…');
		await new Promise((resolve) => setTimeout(resolve, 50));
		assert.equal(exitCode, 0);
	} finally {
		unmount();
	}
});

test('keys as other terminals send them reach the app through Ink\'s parser: unnamed sequences type nothing, LF and keypad Enter accept', async () => {
	const {lastFrame, stdin, unmount} = await renderAtMenu(fakeServices());
	try {
		await press(stdin, 'j', ENTER, ENTER);
		await waitFor(lastFrame, 'row 1/3');
		// Shift-F1 (xterm) and a bracketed paste's ends: their "[" sorted the column ascending.
		await press(stdin, '\u001B[1;2P', '\u001B[200~', '\u001B[201~');
		assert.doesNotMatch(lastFrame() ?? '', /▲/);
		await press(stdin, '/', '\u001B[200~', 'pl', '\u001B[201~');
		assert.match(await waitFor(lastFrame, 'Search: pl'), /Search: pl▏/);
		// Accepted: the cursor on the match, the search in the status line.
		await press(stdin, '\n');
		await waitFor(lastFrame, 'row 2/3 · col 1/2 · /pl');
		await press(stdin, '/', 'pa', '\u001BOM');
		await waitFor(lastFrame, 'row 1/3 · col 1/2 · /pa');
	} finally {
		unmount();
	}
});

test('a bracketed paste types its text into the search, line breaks as spaces, and does nothing on the menu (its "q" quit)', async () => {
	let exitCode: number | undefined;
	const {lastFrame, stdin, unmount} = await renderAtMenu(fakeServices(), 80, 24, (code) => (exitCode = code));
	try {
		await press(stdin, '\u001B[200~', 'jq', '\u001B[201~');
		await new Promise((resolve) => setTimeout(resolve, 50));
		assert.equal(exitCode, undefined);
		assert.match(lastFrame() ?? '', /▸ Activity by day/, 'the cursor did not move');
		await press(stdin, 'j', ENTER, ENTER);
		await waitFor(lastFrame, 'row 1/3');
		// A cell copied from a spreadsheet ends in CR LF: as keys, its Enter ended the search before the rest came.
		await press(stdin, '/', '\u001B[200~', 'play\r\n', '\u001B[201~', 'x');
		assert.match(await waitFor(lastFrame, 'Search: play x'), /Search: play x▏/);
	} finally {
		unmount();
	}
});

test('Esc while a task runs shows the form on the key press, before the cancelled run settles; its late AbortError shows nothing, and a quit still waits for it', async () => {
	const held = heldRuns();
	const services = fakeServices({runTask: held.runTask});
	let exitCode: number | undefined;
	const {lastFrame, stdin, unmount} = await renderAtMenu(services, 80, 24, (code) => (exitCode = code));
	try {
		await press(stdin, 'j', ENTER, ENTER);
		await waitFor(lastFrame, 'Running Event types');
		await press(stdin, ESC);
		// The run is held, so this frame came before it settled.
		const form = lastFrame() ?? '';
		assert.match(form, /Enter run/);
		assert.match(form, /Query cancelled\./);
		// Cancelled by the effect of leaving the running screen, which may run just after the frame is drawn.
		await until(() => held.runs[0]?.signal.aborted === true, 'the query is cancelled');
		held.runs[0]?.reject(cancelled());
		await new Promise((resolve) => setTimeout(resolve, 50));
		assert.equal(lastFrame(), form, 'its rejection changed nothing');
		assert.deepEqual(services.errors, []);

		// Cancelled and left: the quit waits for the run to settle (its connection back in the pool) before the app ends.
		await press(stdin, ENTER);
		await waitFor(lastFrame, 'Running Event types');
		await press(stdin, ESC, ESC, 'q');
		await waitFor(lastFrame, 'Closing…');
		await new Promise((resolve) => setTimeout(resolve, 50));
		assert.equal(exitCode, undefined, 'still waiting for the cancelled run');
		held.runs[1]?.reject(cancelled());
		await new Promise((resolve) => setTimeout(resolve, 50));
		assert.equal(exitCode, 0);
		assert.deepEqual(services.errors, []);
	} finally {
		unmount();
	}
});

test('Esc then Enter at once: the new run shows its own rows, whenever the cancelled one ends, even with rows of its own', async () => {
	const held = heldRuns();
	const services = fakeServices({runTask: held.runTask});
	const {lastFrame, stdin, unmount} = await renderAtMenu(services);
	try {
		await press(stdin, 'j', ENTER, ENTER);
		await waitFor(lastFrame, 'Running Event types');
		await press(stdin, ESC, ENTER);
		// Under load the new run's effect came after the keys were sent: its run was not there yet.
		await until(() => held.runs.length === 2, 'the second run started');
		const [first, second] = held.runs;
		assert.equal(first?.signal.aborted, true);
		assert.equal(second?.signal.aborted, false);
		await waitFor(lastFrame, 'Running Event types');
		// Its query ended before the cancel reached the server: a success, while the new run is on screen.
		first?.resolve(result([['stale_event', 1]]));
		await new Promise((resolve) => setTimeout(resolve, 50));
		// Not the whole frame: under load the spinner's next glyph came within these 50 ms.
		assert.match(lastFrame()!, /Running Event types/, 'the new run is still the one on screen');
		assert.doesNotMatch(lastFrame()!, /stale_event/, 'the cancelled run showed its rows');
		second?.resolve(result([['fresh_event', 2]]));
		const table = await waitFor(lastFrame, 'row 1/1');
		assert.match(table, /fresh_event +2/);
		assert.doesNotMatch(table, /stale_event/);
		assert.deepEqual(services.errors, []);
	} finally {
		unmount();
	}
});

test('PgDn and PgUp scroll a help taller than the screen and leave it open; Esc closes it', async () => {
	const services = fakeServices();
	const {lastFrame, stdin, unmount} = await openResult(services, 80, 24);
	try {
		await waitFor(lastFrame, 'row 1/3');
		await press(stdin, '?');
		// 24 lines: event-types' chart is bars, which 1-9 do not act on.
		const top = await waitFor(lastFrame, 'Keys 1–19 of 24');
		assert.match(top, /Result table/);
		await press(stdin, '\u001B[6~');
		const bottom = await waitFor(lastFrame, 'Keys 6–24 of 24');
		assert.match(bottom, /Ctrl-C +quit at once/);
		assert.doesNotMatch(bottom, /Result table|1-9/);
		await press(stdin, '\u001B[5~');
		await waitFor(lastFrame, 'Keys 1–19 of 24');
		await press(stdin, ESC);
		assert.doesNotMatch(await waitFor(lastFrame, 'row 1/3'), /Keys/);
	} finally {
		unmount();
	}
});

const CTRL_T = '\u0014';

/** Every line of `frame` within `width` columns, and the frame within rows - 1 lines; its lines. */
function fitted(frame: string, width: number, height: number): string[] {
	const lines = frame.split('\n');
	assert.ok(lines.length <= height - 1, `never taller than rows - 1:\n${frame}`);
	for (const line of lines) assert.ok(stringWidth(line) <= width, `line wider than ${width}: ${line}`);
	return lines;
}

test('i on the menu shows the highlighted task in full, from its title to its chart; Esc goes back to the menu on the same task', async () => {
	const services = fakeServices();
	const {lastFrame, stdin, unmount} = await renderAtMenu(services);
	try {
		const menu = await waitFor(lastFrame, 'i/Ctrl-T details');
		assert.match(menu, /Enter choose · \/ filter · i\/Ctrl-T details · q quit · \? help/);
		await press(stdin, 'j');
		await waitFor(lastFrame, /▸ Event types +What event-types counts\.\n/);
		await press(stdin, 'i');
		const details = await waitFor(lastFrame, 'Task event-types');
		const lines = fitted(details, 80, 24);
		// The whole description: the menu showed its first sentence only.
		assert.deepEqual(lines.slice(1, 7), ['Event types', 'Group: Activity', 'File: /queries/event-types.sql', '', 'What it counts', '  What event-types counts. More detail follows.']);
		assert.match(details, /Parameters \(2\)\n  course · course · no default \(the form starts with the course picked\)\n    Course id\n  tz · timezone · default UTC/);
		assert.match(details, /Rows in the order the SQL gives them/);
		assert.match(details, /Chart \(c on the result\): a bar of events for each row, labelled by event_type,\n  in the table's order\.\n/, 'wrapped at a space, indented');
		assert.match(lines.at(-1) ?? '', /^Esc\/q back · \? help$/);
		await press(stdin, ESC);
		const back = await waitFor(lastFrame, 'Tasks · 4 of 4');
		assert.match(back, /▸ Event types/, 'the cursor where it was');
	} finally {
		unmount();
	}
});

test('Ctrl-T on the form shows the task in full; Esc goes back to the form with what was typed, on the same field', async () => {
	const {lastFrame, stdin, unmount} = await renderAtZoneField(fakeServices());
	try {
		// A value typed (i among its letters: typed, not the menu's key), then Ctrl-T.
		await press(stdin, '\u0015', 'Asia/Kolkata', CTRL_T);
		const details = await waitFor(lastFrame, 'Task event-types');
		assert.match(details, /What event-types counts\. More detail follows\./);
		await press(stdin, ESC);
		const form = await waitFor(lastFrame, /▸ tz +Asia\/Kolkata▏/);
		assert.match(form, /Ctrl-T details/);
		assert.doesNotMatch(form, /Task event-types/);
	} finally {
		unmount();
	}
});

/** A user's own task, in the place of the Learners one: a description of 120 words and 14 parameters. */
const longTask = task('learners', 'Learners', {
	title: 'Learners, with a title of my own that is longer than a narrow screen',
	description: `Counts learners. ${Array.from({length: 120}, (_, index) => `word${index}`).join(' ')} end.`,
	parameters: Array.from({length: 14}, (_, index) => ({name: `parameter_${index}`, type: 'integer' as const, default: String(index), min: 0, max: 100, description: `What parameter ${index} changes, in a sentence`})),
	sort: {column: 'events', direction: 'desc'},
});

for (const [width, height] of [[80, 24], [60, 15], [40, 10]] as const) {
	test(`a long task of one's own at ${width}×${height}: the details fit the screen, say which lines show, and scroll by PgDn, End and Home`, async () => {
		const services = fakeServices({loadCatalogue: async () => ({tasks: tasks.map((each) => (each.id === 'learners' ? longTask : each)), problems: []})});
		const {lastFrame, stdin, unmount} = await renderAtMenu(services, width, height);
		try {
			await press(stdin, '/', 'learners', ENTER, 'i');
			const rows = height - 3;
			const top = await waitFor(lastFrame, new RegExp(`lines 1–${rows} of \\d+`));
			const total = Number(/of (\d+)/.exec(top)![1]);
			assert.equal(fitted(top, width, height).length, rows + 2, 'the top line, the rows, the hint line');
			await press(stdin, '\u001B[6~');
			fitted(await waitFor(lastFrame, `lines ${rows + 1}–${2 * rows} of ${total}`), width, height);
			await press(stdin, '\u001B[F');
			const bottom = await waitFor(lastFrame, `lines ${total - rows + 1}–${total} of ${total}`);
			assert.match(fitted(bottom, width, height).at(-2) ?? '', /descending\.$/, 'the last line: the sort');
			await press(stdin, '\u001B[H');
			await waitFor(lastFrame, `lines 1–${rows} of ${total}`);
			await press(stdin, 'q');
			await waitFor(lastFrame, /Tasks · 1 of 4/);
		} finally {
			unmount();
		}
	});
}

test('the help of every screen fits 80 columns: no key described is cut', () => {
	for (const scope of Object.keys(scopeTitles) as Scope[]) {
		const {lastFrame, unmount} = render(<HelpOverlay lines={helpLines(scope)} offset={0} width={80} rows={100} />);
		try {
			const frame = lastFrame() ?? '';
			assert.ok(frame.split('\n').length > 4, scope);
			assert.doesNotMatch(frame, /…/, `${scope}:\n${frame}`);
		} finally {
			unmount();
		}
	}
});

test('a text field shows its cursor: ← moves it, typing goes there, Delete and Backspace erase after and before it, Ctrl-U clears the field', async () => {
	const {lastFrame, stdin, unmount} = await renderAtZoneField(fakeServices());
	try {
		await press(stdin, '\u001B[D\u001B[D\u001B[D', 'X');
		await waitFor(lastFrame, /▸ tz +Europe\/MosX▏cow\n/);
		// Delete erases the character after the cursor (it erased the one before, as Backspace does).
		await press(stdin, '\u001B[3~');
		await waitFor(lastFrame, /▸ tz +Europe\/MosX▏ow\n/);
		await press(stdin, '\u007F');
		await waitFor(lastFrame, /▸ tz +Europe\/Mos▏ow\n/);
		await press(stdin, '\u0015');
		await waitFor(lastFrame, /▸ tz +▏\n/);
	} finally {
		unmount();
	}
});

test('a course picker longer than the screen scrolls to its cursor; End shows the last choice; / filters it', async () => {
	const courses = Array.from({length: 30}, (_, index) => ({courseId: `course-v1:X+${index}+2024`, events: index}));
	const services = fakeServices({listCourses: async () => courseList(courses)});
	const {lastFrame, stdin, unmount} = await renderAtMenu(services);
	try {
		await waitFor(lastFrame, 'Tasks · 4 of 4 · 30 courses');
		await press(stdin, ENTER);
		const top = await waitFor(lastFrame, 'which course? 1 of 31');
		assert.match(top, /▸ course-v1:X\+0\+2024/);
		await press(stdin, '\u001B[F');
		const bottom = await waitFor(lastFrame, 'which course? 31 of 31');
		assert.match(bottom, /▸ all courses/);
		assert.doesNotMatch(bottom, /X\+0\+2024/);
		assert.ok(bottom.split('\n').length <= 23, 'never taller than rows - 1');
		// "/" filters: the matches only, counted, the filter in the title and the hint line's keys those of typing.
		await press(stdin, '/', 'x', '+1');
		const filtered = await waitFor(lastFrame, /which course\? 1 of 11 · filter: x\+1▏/);
		const listed = filtered.split('\n').filter((line) => line.includes('course-v1:'));
		assert.deepEqual([listed.length, listed[0]], [11, '▸ course-v1:X+1+2024 1 event'], 'one event: singular');
		assert.match(filtered, /Enter accept · Esc clear/);
	} finally {
		unmount();
	}
});

/** The fake catalogue with the Learners task's user parameter, required as learner-path's is when `required`. */
function withUserTask(required: boolean): Pick<AppServices, 'loadCatalogue'> {
	const parameters = learnersTask.parameters.map((parameter) => (parameter.type === 'user' ? {...parameter, required} : parameter));
	return {loadCatalogue: async () => ({tasks: tasks.map((each) => (each.id === 'learners' ? {...learnersTask, parameters} : each)), problems: []})};
}

const CTRL_L = '\u000C';

/**
 * Enter accepts the picker's filter and Enter picks: the form's `field` holds `value`, and Enter runs the task with it.
 */
async function pickAndRun(
	{lastFrame, stdin}: Pick<ReturnType<typeof render>, 'lastFrame' | 'stdin'>,
	field: string,
	value: string,
	ran: Array<Record<string, string>>,
	services: Fake,
): Promise<void> {
	await press(stdin, ENTER, ENTER);
	await waitFor(lastFrame, new RegExp(`▸ ${field} +${value}▏`));
	await press(stdin, ENTER);
	await waitFor(lastFrame, '(no rows)');
	assert.equal(ran[0]?.[field], value);
	assert.deepEqual(services.errors, []);
}

test("Ctrl-L on a user field lists the learners of the form's course while they come, filters them and puts the one picked into the field", async () => {
	const asked: string[] = [];
	const answer = deferred<Array<{id: string; count: number}>>();
	const ran: Array<Record<string, string>> = [];
	const services = fakeServices({
		...withUserTask(false),
		// The task too: the learners it takes are listed (learner-summary's by an enrollment alone as well).
		listPicks: (_kind, course, listedFor) => {
			asked.push(`${course} ${listedFor.id}`);
			return answer.promise;
		},
		runTask: async (task, values) => {
			ran.push(values);
			return {...result([]), taskId: task.id};
		},
	});
	const {lastFrame, stdin, unmount} = await renderAtMenu(services);
	try {
		await press(stdin, '/', 'learners', ENTER, ENTER);
		// On the course field the key is not offered; on the user field it is.
		assert.doesNotMatch(await waitFor(lastFrame, /▸ course +course-v1/), /Ctrl-L/);
		await press(stdin, '\t');
		const onUser = await waitFor(lastFrame, /▸ user +▏/);
		// The whole line at 80 columns: Ctrl-T details was cut off it here.
		assert.match(onUser, /\nEnter run · Esc back · ↓\/Tab field · Ctrl-T details · Ctrl-L learners · F1 help$/);
		// One aside: "(empty: all learners) (Ctrl-L lists them)" read as two.
		assert.match(onUser, / {2}Learner username \(empty: all learners; Ctrl-L lists them\)\n/, 'in the field help too, which a narrow screen does not cut');
		await press(stdin, CTRL_L);
		await waitFor(lastFrame, 'Listing the learners of course-v1:A+1+2024…');
		// The screen says it before the app's effect asks (a busy machine showed the one without the other).
		await until(() => asked.length > 0, 'the learners are asked for');
		assert.deepEqual(asked, ['course-v1:A+1+2024 learners']);
		answer.resolve([
			{id: 'Анна Петрова', count: 40},
			{id: 'bob smith', count: 25},
			{id: `o'brien "ob"`, count: 3},
			{id: '山田 太郎', count: 1},
		]);
		const list = await waitFor(lastFrame, '4 learners of course-v1:A+1+2024, most active first');
		assert.match(list, /Learners · which learner\?\n/);
		assert.match(list, /▸ Анна Петрова 40 events\n {2}bob smith 25 events\n {2}o'brien "ob" 3 events\n {2}山田 太郎 1 event\n/);
		assert.match(list, /Enter choose · \/ filter · i\/Ctrl-T details · Esc back · \? help/);
		await press(stdin, '/', 'SMI');
		assert.match(await waitFor(lastFrame, 'which learner? 1 of 1 · filter: SMI▏'), /▸ bob smith 25 events\n/);
		await pickAndRun({lastFrame, stdin}, 'user', 'bob smith', ran, services);
	} finally {
		unmount();
	}
});

test("Ctrl-L on video-dropoff's video field lists the course's videos with their unit and page; typing filters them, Enter puts the id in", async () => {
	const asked: Array<[string, string]> = [];
	const ran: Array<Record<string, string>> = [];
	const videoDropoff = task('video-dropoff', 'Videos', {
		parameters: [
			{name: 'video', type: 'video', required: true, description: 'Video id'},
			{name: 'course', type: 'course', description: 'Course id'},
		],
	});
	const services = fakeServices({
		loadCatalogue: async () => ({tasks: tasks.map((each) => (each.id === 'learners' ? videoDropoff : each)), problems: []}),
		listPicks: async (kind, course) => {
			asked.push([kind, course]);
			return [
				{id: '3c9e0a51f2', count: 40, unit: '1.1 Маятник', url: '/courses/course-v1:A+1+2024/courseware/ch1/s1/1'},
				{id: 'a77d01b4e9', count: 12, unit: '2.3 Волны', url: '/courses/course-v1:A+1+2024/courseware/ch2/s3/2'},
				{id: 'f00dfeed01', count: 1, unit: '', url: '/courses/course-v1:A+1+2024/courseware/ch2/s3/5'},
			];
		},
		runTask: async (ranTask, values) => {
			ran.push(values);
			return {...result([]), taskId: ranTask.id};
		},
	});
	const {lastFrame, stdin, unmount} = await renderAtMenu(services, 100);
	try {
		await press(stdin, '/', 'video-dropoff', ENTER, ENTER);
		const onVideo = await waitFor(lastFrame, /▸ video +▏/);
		assert.match(onVideo, /Ctrl-L videos · F1 help$/);
		assert.match(onVideo, / {2}Video id \(Ctrl-L lists them\)\n/);
		await press(stdin, CTRL_L);
		const list = await waitFor(lastFrame, '3 videos of course-v1:A+1+2024, most viewers first');
		assert.deepEqual(asked, [['video', 'course-v1:A+1+2024']]);
		assert.match(list, /^Video dropoff · which video\?\n/);
		assert.match(
			list,
			/▸ 3c9e0a51f2 · 1\.1 Маятник · \/courses\/course-v1:A\+1\+2024\/courseware\/ch1\/s1\/1 40 viewers\n {2}a77d01b4e9 · 2\.3 Волны · \S+ 12 viewers\n {2}f00dfeed01 · \/courses\/\S+\/s3\/5 1 viewer\n/,
		);
		await press(stdin, '/', 'волны');
		assert.match(await waitFor(lastFrame, 'which video? 1 of 1 · filter: волны▏'), /▸ a77d01b4e9 · 2\.3 Волны/);
		await pickAndRun({lastFrame, stdin}, 'video', 'a77d01b4e9', ran, services);
	} finally {
		unmount();
	}
});

const thirtyLearners = Array.from({length: 30}, (_, index) => ({id: `learner-${index}`, count: 30 - index}));

/** The app at 80×12 (8 learners a page, fewer than a filter of "learner-1" keeps) on the Learners task's picker, listed. */
async function renderAtLearnerPicker(services: Fake): Promise<ReturnType<typeof render>> {
	const rendered = await renderAtMenu(services, 80, 12);
	try {
		await press(rendered.stdin, '/', 'learners', ENTER, ENTER);
		await waitFor(rendered.lastFrame, /▸ course +course-v1/);
		await press(rendered.stdin, '\t', CTRL_L);
		await waitFor(rendered.lastFrame, '30 learners of course-v1:A+1+2024');
		return rendered;
	} catch (error) {
		rendered.unmount();
		throw error;
	}
}

test('i in the learner picker shows the task in full; Esc and q go back to the picker as it was, its filter, cursor and page', async () => {
	const services = fakeServices({...withUserTask(false), listPicks: async () => thirtyLearners});
	const {lastFrame, stdin, unmount} = await renderAtLearnerPicker(services);
	try {
		await press(stdin, '/', 'learner-1', ENTER, 'G', 'k');
		const picker = await waitFor(lastFrame, 'which learner? 10 of 11');
		assert.match(picker, /filter: learner-1\n/);
		assert.match(picker, /▸ learner-18 12 events\n {2}learner-19 11 events\n/, 'on the last page, a line above its end');
		assert.doesNotMatch(picker, /learner-1 29 events|learner-10 /, 'the first match is on the page before');
		assert.match(picker, /Enter choose · \/ filter · i\/Ctrl-T details · Esc back · \? help/);
		for (const back of [ESC, 'q']) {
			await press(stdin, 'i');
			const details = await waitFor(lastFrame, 'Task learners');
			assert.match(details, /Esc\/q back · \? help/);
			await press(stdin, back);
			await waitFor(lastFrame, 'which learner?');
			assert.equal(lastFrame(), picker, `${back === ESC ? 'Esc' : 'q'}: the picker as it was`);
		}
		// Enter there still picks the one under the cursor.
		await press(stdin, ENTER);
		await waitFor(lastFrame, /▸ user +learner-18▏/);
		assert.deepEqual(services.errors, []);
	} finally {
		unmount();
	}
});

test("at 40 columns the form's hint line keeps Enter run and Esc back, on a user field too (it showed the next field's key only)", async () => {
	const {lastFrame, stdin, unmount} = await renderAtMenu(fakeServices(withUserTask(false)), 40, 24);
	try {
		await press(stdin, '/', 'learners', ENTER, ENTER);
		await waitFor(lastFrame, /▸ course +course/);
		await press(stdin, '\t');
		const onUser = await waitFor(lastFrame, /▸ user +▏/);
		assert.match(onUser, /\nEnter run · Esc back · F1 help$/);
	} finally {
		unmount();
	}
});

test("a picker's entries keep their counts in sight: a long label is cut for them, not the counts cut off the line", () => {
	// The corpus's problems: an i4x id and a page, 100 columns wide and more.
	const page = (unit: string) => `/courses/edX/E929/2014_T2/courseware/0b9d4ba4e7b14c4a8fb0d3ffc8bd7f0a/${unit}/1`;
	const items = [
		{id: 'i4x://edX/E929/problem/17de162d435f4621ac451afb938ac8f7', count: 12, unit: '', url: page('4c1e5e7c1e4c4f3a9a3b4c6a3b7c1d2e')},
		{id: 'i4x://edX/E929/problem/466bffd122ce457ea3ae34a46f0130fa', count: 1, unit: 'Homework 1', url: page('9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d')},
	];
	const problems = render(<PickScreen kind="problem" task={task('problem-answers', 'Problems')} course="edX/E929/2014_T2" items={items} list={filteredList(0)} width={100} rows={10} />);
	const long = 'Engineering/QMSE01/Quantum_Mechanics_for_Scientists_and_Engineers';
	const courses = render(<CourseScreen task={tasks[0]!} choices={[long, undefined]} list={filteredList(0)} courses={[{courseId: long, events: 1}]} width={60} rows={5} />);
	try {
		const lines = stripVTControlCharacters(problems.lastFrame()!).split('\n');
		// They ended "…/courseware/0b…": the counts the list is ordered by were never seen.
		assert.match(lines[2] ?? '', /^▸ i4x:\/\/edX\/E929\/problem\/17de162d435f4621ac451afb938ac8f7 · \/courses\/\S+… 12 learners$/, lines.join('\n'));
		assert.match(lines[3] ?? '', /^ {2}i4x:\/\/edX\/E929\/problem\/466bffd122ce457ea3ae34a46f0130fa · Homework 1 · \/courses\/\S+… 1 learner$/, lines.join('\n'));
		const course = stripVTControlCharacters(courses.lastFrame()!).split('\n')[1] ?? '';
		assert.match(course, /^▸ Engineering\/QMSE01\/Quantum_Mechanics_for_Scientis… 1 event$/);
		for (const line of [...lines, course]) assert.ok(stringWidth(line) <= 100, line);
		assert.ok(stringWidth(course) <= 60, course);
	} finally {
		problems.unmount();
		courses.unmount();
	}
});

test('the details read while the learners are listed: asked for once, and listed on the way back', async () => {
	const asked: string[] = [];
	const answer = deferred<Array<{id: string; count: number}>>();
	const services = fakeServices({
		...withUserTask(true),
		listPicks: (_kind, course) => {
			asked.push(course);
			return answer.promise;
		},
	});
	const {lastFrame, stdin, unmount} = await renderAtMenu(services);
	try {
		await press(stdin, '/', 'learners', ENTER, ENTER);
		await waitFor(lastFrame, /▸ course +course-v1/);
		await press(stdin, ENTER);
		await waitFor(lastFrame, 'Listing the learners of course-v1:A+1+2024…');
		await until(() => asked.length > 0, 'the learners are asked for');
		await press(stdin, 'i');
		await waitFor(lastFrame, 'Task learners');
		// Back before the answer: the picker waits for the same one (the details went over it, nothing was cancelled).
		await press(stdin, ESC);
		await waitFor(lastFrame, 'Listing the learners of course-v1:A+1+2024…');
		answer.resolve([{id: 'bob smith', count: 25}]);
		assert.match(await waitFor(lastFrame, '1 learner of course-v1:A+1+2024'), /▸ bob smith 25 events\n/);
		assert.deepEqual(asked, ['course-v1:A+1+2024'], 'asked once');
		assert.deepEqual(services.errors, []);
	} finally {
		unmount();
	}
});

test('an empty answer says why where its rows would be, wrapped at 80 columns, not a bare "(no rows)"', async () => {
	let why = '';
	const services = fakeServices({
		runTask: async (task, values) => {
			why = noneCountedNote(task, values, 'app');
			return {...result([]), taskId: task.id, notes: [why]};
		},
	});
	const {lastFrame, unmount} = await openResult(services, 80, 24);
	try {
		const frame = await waitFor(lastFrame, 'No rows: this task counts nothing in course-v1');
		// Once, in place of the rows: not flashed on the status bar as well.
		assert.equal(frame.replace(/\s+/g, ' ').split(why).length, 2, frame);
		assert.doesNotMatch(frame, /\(no rows\)/);
		// What the task counts, as its menu line says it (its description's first sentence): the app has no `run … --help` to send the user to.
		assert.equal(why, 'No rows: this task counts nothing in course-v1:A+1+2024: What event-types counts.');
		assert.doesNotMatch(frame, /--help/);
	} finally {
		unmount();
	}
});

test('an empty answer\'s long note is wrapped at spaces: no line of it starts with the space it was broken at', async () => {
	// at-risk's description at 100 columns: Ink's own wrap put the space after "event" at the start of the next line.
	const why =
		'No rows: this task counts nothing in edX/Open_DemoX/edx_demo_course: Learners currently enrolled (their latest enrollment change is an activation; of changes at the same time, the last in the log\'s order: the file whose name comes first, then line by line) whose last learning activity, or latest enrollment if that is later (one who never started, or re-enrolled after leaving, counts from it), is more than `days` days before the reference day — by default the last day with any event in that course, each course its own (logs are historical, so "now" would flag everyone).';
	const services = fakeServices({runTask: async (task) => ({...result([]), taskId: task.id, notes: [why]})});
	const {lastFrame, unmount} = await openResult(services, 100, 30);
	try {
		const frame = await waitFor(lastFrame, 'No rows: this task counts nothing in edX');
		const lines = frame.split('\n');
		const note = lines.slice(lines.findIndex((line) => line.startsWith('No rows')));
		const noteLines = note.slice(0, note.findIndex((line) => line.endsWith('flag everyone).')) + 1);
		assert.ok(noteLines.length > 1, frame);
		for (const line of noteLines) assert.ok(!line.startsWith(' '), `a line of the note starts with a space: "${line}"`);
		for (const line of noteLines) assert.ok(stringWidth(line) <= 99, `a line of the note is wider than 99: "${line}"`);
		assert.equal(noteLines.join(' '), why);
	} finally {
		unmount();
	}
});

test('25,000 learners at 60×15: Enter on the empty required field opens the picker, which draws what fits, scrolls to End and keeps the width; Esc leaves the form as it was', async () => {
	const many = Array.from({length: 25_000}, (_, index) => ({id: `jolly-clever-siberiansable-${index}`, count: 25_000 - index}));
	const services = fakeServices({...withUserTask(true), listPicks: async () => many});
	const {lastFrame, stdin, unmount} = await renderAtMenu(services, 60, 15);
	try {
		await press(stdin, '/', 'learners', ENTER, ENTER);
		await waitFor(lastFrame, /▸ course +course-v1/);
		await press(stdin, ENTER);
		const top = await waitFor(lastFrame, 'which learner? 1 of 25,000');
		assert.match(top, /25,000 learners of course-v1:A\+1\+2024, most active first/);
		assert.doesNotMatch(top, /needs a value/, 'the picker, not a refusal');
		const fits = (frame: string) => {
			const lines = frame.split('\n');
			assert.ok(lines.length <= 14, `never taller than rows - 1:\n${frame}`);
			for (const line of lines) assert.ok(stringWidth(line) <= 60, `line wider than 60: ${line}`);
			return lines.filter((line) => line.includes('jolly-clever'));
		};
		// 15 rows: 14 lines, less the title, the line saying whose, and the hint line.
		assert.equal(fits(top).length, 11);
		await press(stdin, '\u001B[F');
		const bottom = await waitFor(lastFrame, 'which learner? 25,000 of 25,000');
		assert.match(fits(bottom).at(-1) ?? '', /▸ jolly-clever-siberiansable-24999 1 event/);
		await press(stdin, ESC);
		const form = await waitFor(lastFrame, /  user +\(none\)|▸ user +▏/);
		assert.match(form, /▸ user +▏/, 'back on the user field, still empty');
		assert.deepEqual(services.errors, []);
	} finally {
		unmount();
	}
});

test('snapshots are sampled: a burst of 2,000 renders a handful of frames', async () => {
	const services = fakeServices();
	const {lastFrame, frames, unmount} = render(<App services={services} width={80} height={24} />);
	try {
		await waitFor(lastFrame, 'Files (1 of 2 done)');
		const before = frames.length;
		for (let index = 0; index < 2000; index++) services.progress?.(snapshot({loaded: index, elapsedMs: 5000 + index}));
		await new Promise((resolve) => setTimeout(resolve, 300));
		const rendered = frames.length - before;
		assert.ok(rendered <= 4, `${rendered} frames for 2,000 snapshots in 300 ms`);
		await waitFor(lastFrame, 'loaded 1,999');
		services.finishIngest();
	} finally {
		unmount();
	}
});

for (const width of [80, 60]) {
	test(`the derived build after the load shows its share done and the estimated wait for the whole build, its step and the events counted, within ${width} columns`, async () => {
		const services = fakeServices();
		const {lastFrame, unmount} = render(<App services={services} width={width} height={24} />);
		try {
			await waitFor(lastFrame, 'Files (1 of 2 done)');
			// 30 s into the build with 70 s left: 30 % of it, not the 43 % of the events counted.
			services.progress?.(snapshot({phase: 'deriving', derived: {step: 'counting', eventsDone: 4_300_000, eventsTotal: 10_000_000, stepMs: 30_000}, ready: {seconds: 70, tablesSeconds: 70}, derivedMs: 30_000, tablesDone: 0.3}));
			const frame = await waitFor(lastFrame, 'updating the tables the tasks read');
			assert.match(frame, /Tables █+░+  30%/);
			// The counting's own ETA, said here, covered the counting only (0:00 with seconds of the build to go).
			assert.match(frame, /\n {7}4,300,000 of 10,000,000 events\n {7}counting the new events and walking the timel/);
			// Where the whole wait was said while loading.
			assert.match(frame, /\n {6}ready in ~1:10 \(estimate: updating the tables\)\n/);
			for (const line of frame.split('\n')) assert.ok(stringWidth(line) <= width, `line wider than ${width}: ${line}`);
			assert.ok(frame.split('\n').length <= 23, 'never taller than rows - 1');
			services.progress?.(snapshot({phase: 'deriving', derived: {step: 'committing', eventsDone: 10_000_000, eventsTotal: 10_000_000, stepMs: 12_000}, ready: {seconds: 0, tablesSeconds: 0}, derivedMs: 110_000, tablesDone: 0.99}));
			// A step without counts shows how long it has run; an estimate run out does not say 0:00 as if stuck, nor 100 % as if done.
			const after = await waitFor(lastFrame, '       committing');
			// Short of full by a cell's part (in eighths), as its 99 % is short of 100.
			assert.match(after, /Tables █+[▏▎▍▌▋▊▉░]+  99%\n {7}0:12 so far\n {7}committing\n/);
			assert.match(after, /\n {6}ready any moment \(estimate: updating the tables\)\n/);
			services.finishIngest();
		} finally {
			unmount();
		}
	});
}

test('a cancel during the derived build says what it rolls back, and the summary that everything is loaded', async () => {
	const services = fakeServices({
		async ingest(signal, onProgress) {
			onProgress(snapshot({phase: 'deriving', derived: {step: 'counting', eventsDone: 10, eventsTotal: 100, stepMs: 0}}));
			await new Promise((resolve) => signal.addEventListener('abort', resolve, {once: true}));
			// The rollback takes a moment: the screen says what it rolls back meanwhile.
			await new Promise((resolve) => setTimeout(resolve, 300));
			return summary({phase: 'cancelled', derivedCancelled: true});
		},
	});
	const {lastFrame, stdin, unmount} = render(<App services={services} width={80} height={24} />);
	try {
		await waitFor(lastFrame, 'updating the tables the tasks read');
		await press(stdin, ESC);
		await waitFor(lastFrame, 'Cancel the load?');
		await press(stdin, 'y');
		await waitFor(lastFrame, "Loading logs · cancelling (rolling back the tables' update)…");
		const frame = await waitFor(lastFrame, 'Load cancelled');
		assert.match(frame.replace(/\s+/g, ' '), /Everything is loaded; the tables the tasks read are updated the next time the app starts/);
	} finally {
		unmount();
	}
});

test('the summary names the inputs that failed and the copies skipped, the first four, in 80 columns', () => {
	const file = (label: string, extra: object) => ({...snapshot().files[0]!, label, ...extra});
	const files = [
		file('a.log', {status: 'loaded'}),
		file('b.log.gz', {status: 'failed', note: 'unexpected end of file'}),
		file('copy-of-a.log', {status: 'skipped', note: 'same content as /data/a.log', sameContentAs: '/data/a.log'}),
		file('c.log', {status: 'skipped', note: 'already loaded'}),
		...['d', 'e', 'f'].map((name) => file(`${name}.zip`, {status: 'failed', note: 'not a zip file'})),
	];
	const {lastFrame, unmount} = render(<SummaryScreen summary={summary({files, filesFailed: 4, filesSkipped: 2})} width={80} />);
	try {
		const lines = stripVTControlCharacters(lastFrame()!).split('\n');
		assert.ok(lines.includes('failed: b.log.gz: unexpected end of file'));
		assert.ok(lines.includes('skipped: copy-of-a.log') && lines.includes('  same content as /data/a.log, which is loaded'));
		// Three inputs that failed in the same words are one notice, their reason said once.
		assert.ok(lines.includes('failed: d.zip, e.zip, f.zip') && lines.includes('  not a zip file'), lines.join('\n'));
		assert.ok(!lines.some((line) => line.includes('c.log') || line.includes('more (openpolyedu-tui')));
		assert.ok(lines.every((line) => stringWidth(line) <= 80));
	} finally {
		unmount();
	}
});

test("the summary's notices say what ingest's lines say, in the same words (one source: noticeWords)", () => {
	const files = [
		file('input/b.log.gz', 'failed', 5, 9, {note: 'the compressed data ends early'}),
		file('input/empty.zip', 'loaded', 22, 22, {members: 0}),
		file('input/copy.log', 'skipped', 0, 9, {sameContentAs: 'input/a.log'}),
		file('input/export.json', 'loaded', 0, 0, {notALog: 'JSON spread over many lines (pretty-printed), where a tracking log has one event per line; put each event on a line of its own (jq -c . FILE) and load that; nothing was loaded from it'}),
	];
	const {lastFrame, unmount} = render(<SummaryScreen summary={summary({files, filesLoaded: 1, filesNotLogs: 1, filesFailed: 1, filesSkipped: 1})} width={120} />);
	try {
		const lines = stripVTControlCharacters(lastFrame()!).split('\n');
		// As ingest's: an input that is no log is no input loaded (the app said "2 loaded" beside its notice).
		assert.ok(lines.includes('files: 1 loaded, 1 not a tracking log, 1 already loaded, 1 failed'), lines.join('\n'));
		// A notice on two lines is its one line broken after the input's name (a long detail wraps on).
		const shown = fileNotices({files}).map((notice) => {
			const at = lines.findIndex((line) => line.startsWith(`${noticeWords(notice).title}: ${notice.file}`));
			if (notice.kind === 'failed') return lines[at];
			const rest = lines.slice(at + 1);
			const end = rest.findIndex((line) => line.trim() === '' || /^(failed|skipped|empty|rejected)[: ]/.test(line));
			const detail = rest.slice(0, end < 0 ? undefined : end);
			// Each of its lines indented under the path's (its next ones started at the margin).
			assert.ok(detail.every((line) => line.startsWith('  ')), lines.join('\n'));
			return `${lines[at]}: ${detail.map((line) => line.trim()).join(' ')}`;
		});
		assert.deepEqual(shown, fileNotices({files}).map(noticeLine));
		assert.equal(shown.length, 4);
	} finally {
		unmount();
	}
});

test('the summary fits a 60×20 terminal: the notices give way, never drawn over one another, and the lines after them stay', () => {
	const notALog = 'JSON spread over many lines (pretty-printed), where a tracking log has one event per line; put each event on a line of its own (jq -c . FILE) and load that; nothing was loaded from it';
	const files = Array.from({length: 9}, (_, index) => file(`input/openedx__event-routing-backends/processed_events_current/event-${index}.json`, 'loaded', 0, 0, {notALog}));
	const shown = summary({files, filesLoaded: 1, filesNotLogs: 9, elapsedMs: 69_000, derivedMs: 50_000, rejected: 41, rejectedByReason: {'not-an-object': 12, 'invalid-utf8': 6, 'malformed-json': 12, 'truncated-json': 11}});
	// The app's screen: 20 lines less the key hints'.
	const {lastFrame, unmount} = render(
		<Box height={18} flexDirection="column" overflow="hidden">
			<SummaryScreen summary={shown} width={60} height={18} />
		</Box>,
	);
	try {
		const lines = stripVTControlCharacters(lastFrame()!).split('\n');
		const frame = lines.join('\n');
		// It read "Load finished in 1:09 (loading 0:19, updating the tables" and "loaded from itn (jq -c . FILE) and load that;".
		assert.deepEqual(lines.slice(0, 2), ['Load finished in 1:09 (loading 0:19, updating the tables', '0:50)'], frame);
		assert.ok(lines.length <= 18 && lines.every((line) => stringWidth(line) <= 60), frame);
		const named = lines.filter((line) => line.startsWith('skipped: '));
		// The nine in the same words are one notice: the first path cut, the others counted, the reason said once.
		assert.equal(named.length, 1, frame);
		const first = lines.indexOf(named[0]!);
		assert.equal(lines[first], 'skipped: input/openedx_…ents_current/event-0.json and 8 more');
		const end = lines.findIndex((line) => line.startsWith('rejected by reason'));
		assert.equal(lines.slice(first + 1, end).map((line) => line.trim()).join(' '), noticeWords(fileNotices({files})[0]!).detail, frame);
		assert.ok(!frame.includes('more (openpolyedu-tui'), frame);
		assert.match(frame, /rejected by reason: not-an-object 12, invalid-utf8 6,\nmalformed-json 12, truncated-json 11\nThe rejected lines are kept: openpolyedu-tui rejected lists\nthem\.\n*$/);
	} finally {
		unmount();
	}
});

test('a load of under a second gives no average rate (a corpus file of 1.6 KB read "at 0.0 MB/s")', () => {
	const {lastFrame, unmount} = render(<SummaryScreen summary={summary({elapsedMs: 400, derivedMs: 100, lines: 1})} width={80} />);
	try {
		assert.match(lastFrame() ?? '', /\n1\.0 MB read in under a second\n/);
		assert.match(lastFrame() ?? '', /^read 1 line: /m, 'one line: singular');
	} finally {
		unmount();
	}
});

test('a load cancelled with q then y exits 130 when the app quits, as ingest does; Ctrl-C while loading too', async () => {
	const cancellable = () =>
		fakeServices({
			async ingest(signal, onProgress) {
				onProgress(snapshot());
				await new Promise((resolve) => signal.addEventListener('abort', resolve, {once: true}));
				return summary({phase: 'cancelled'});
			},
		});
	let exitCode: number | undefined;
	const cancelled = render(<App services={cancellable()} width={80} height={24} onQuit={(code) => (exitCode = code)} />);
	try {
		await waitFor(cancelled.lastFrame, 'Files (1 of 2 done)');
		await press(cancelled.stdin, 'q');
		await waitFor(cancelled.lastFrame, 'Cancel the load?');
		await press(cancelled.stdin, 'y');
		await waitFor(cancelled.lastFrame, 'Load cancelled');
		await press(cancelled.stdin, 'q');
		await waitFor(cancelled.lastFrame, 'Closing…');
		await new Promise((resolve) => setTimeout(resolve, 50));
		assert.equal(exitCode, 130);
	} finally {
		cancelled.unmount();
	}
	exitCode = undefined;
	const interrupted = render(<App services={cancellable()} width={80} height={24} onQuit={(code) => (exitCode = code)} />);
	try {
		await waitFor(interrupted.lastFrame, 'Files (1 of 2 done)');
		await press(interrupted.stdin, '\u0003');
		await waitFor(interrupted.lastFrame, 'Closing…');
		await new Promise((resolve) => setTimeout(resolve, 50));
		assert.equal(exitCode, 130);
	} finally {
		interrupted.unmount();
	}
});

test('a start that waits for another session\'s lock says so, and q or Ctrl-C gives the start up: the app quits at once with 130, nothing logged (it said only its step, q did nothing, and Ctrl-C waited for the start to end)', async () => {
	for (const key of ['q', '\u0003']) {
		let listener: (wait: string | undefined) => void = () => {};
		let opening: AbortSignal | undefined;
		const services = fakeServices({
			onLockWait: (listen) => (listener = listen),
			async open(onStep, signal) {
				onStep('applying migrations');
				opening = signal;
				// Only a cancel ends it, as a wait for a lock that is never released.
				await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), {once: true}));
			},
		});
		let exitCode: number | undefined;
		const {lastFrame, stdin, unmount} = render(<App services={services} width={80} height={24} onQuit={(code) => (exitCode = code)} />);
		try {
			await waitFor(lastFrame, 'Applying migrations…');
			listener('a lock on source_files held by another session (server process 4321: psql, user bob, idle in transaction)');
			const frame = await waitFor(lastFrame, 'Waiting for');
			assert.match(frame.replace(/\s*\n/g, ' '), /Waiting for a lock on source_files held by another session \(server process 4321: psql, user bob, idle in transaction\)… q\/Esc quit · \? help/);
			await press(stdin, key);
			await until(() => exitCode !== undefined, `${JSON.stringify(key)} quits`, 5000);
			assert.deepEqual([exitCode, opening?.aborted, services.errors], [130, true, []], JSON.stringify(key));
		} finally {
			unmount();
		}
	}
});

test('a database that cannot be opened is a readable message with what to do, not a stack trace', async () => {
	const services = fakeServices({
		open: async () => {
			throw new UserError('Cannot reach the database at postgres://u:***@db:5432/x: connect ECONNREFUSED.');
		},
	});
	let exitCode: number | undefined;
	const {lastFrame, stdin, unmount} = render(<App services={services} width={80} height={24} onQuit={(code) => (exitCode = code)} />);
	try {
		const frame = await waitFor(lastFrame, 'The database could not be opened');
		assert.match(frame, /ECONNREFUSED/);
		assert.match(frame, /--db postgres/);
		assert.doesNotMatch(frame, /\s+at .+:\d+:\d+/);
		await press(stdin, 'q');
		await waitFor(lastFrame, 'Closing…');
		await new Promise((resolve) => setTimeout(resolve, 50));
		assert.equal(exitCode, 1, 'a fatal error exits non-zero');
	} finally {
		unmount();
	}
});

test('an error screen wraps its sentences at spaces: no line starts with the space after a full one', () => {
	const message = 'Another openpolyedu-tui (pid 23367) is already using the workdir /var/tmp/tui/wd; wait for it to finish, pass a different --workdir, or (to run tasks beside it) keep the database running with openpolyedu-tui db start before starting both.';
	const {lastFrame, unmount} = render(<ErrorScreen error={{title: 'The workdir is in use', message, hint: 'Quit the other one, or start this one with another --workdir.'}} fatal width={80} />);
	try {
		const inside = stripVTControlCharacters(lastFrame()!).split('\n').slice(1, -1).map((line) => line.slice(2, -2));
		// Ink's own wrap gave "│  before starting both." after a line that filled the box.
		assert.deepEqual(inside.filter((line) => line.startsWith(' ') && line.trim() !== ''), []);
		// Whole and in order (a path may be broken after a "/", as a saved file's is).
		assert.ok(inside.join('').replace(/\s+/g, '').includes(message.replace(/\s+/g, '')));
	} finally {
		unmount();
	}
});

test('an error screen breaks no word that fits on a line: "Europe/Moscow" stays whole (48 columns)', () => {
	const message = 'Parameter "tz": unknown time zone "Europe/Moskow"; use a name like UTC or Europe/Moscow.';
	const {lastFrame, unmount} = render(<ErrorScreen error={{title: 'The task did not run', message, hint: 'Check the values.'}} fatal={false} width={48} />);
	try {
		const inside = stripVTControlCharacters(lastFrame()!).split('\n').slice(1, -1).map((line) => line.slice(2, -2).trimEnd());
		// It read '… zone "Europe/', 'Moskow"; use a name like UTC or Europe/', 'Moscow.'
		assert.deepEqual(inside.slice(1, 4), ['Parameter "tz": unknown time zone', '"Europe/Moskow"; use a name like UTC or', 'Europe/Moscow.']);
	} finally {
		unmount();
	}
});

test("a task's refused value names Esc once, in the keys line that says where it goes (the hint above said it too: \"Esc goes back to the form with them\")", async () => {
	const services = fakeServices({
		runTask: async () => {
			throw new UserError('Parameter "idle" must be between 1 and 240, not 0.');
		},
	});
	const {lastFrame, stdin, unmount} = await openResult(services, 80, 24);
	try {
		const frame = (await waitFor(lastFrame, 'The task did not run')).replace(/[│\s]+/g, ' ');
		// In the box (the app's hint line below it says its keys, as on every screen).
		const box = frame.slice(frame.indexOf('╭'), frame.indexOf('╰'));
		assert.equal(box.split('Esc').length - 1, 1, box);
		assert.match(box, /Check the values\. Press Esc to go back to the form, its values kept; q to quit\./);
		await press(stdin, ESC);
		await waitFor(lastFrame, 'Enter run');
	} finally {
		unmount();
	}
});

test('a learner not in the data: the message says so and where the names are, not to load data', async () => {
	const services = fakeServices({
		runTask: async () => {
			throw new UnknownLearnerError('jolly-clever-siberiansable', 'course-v1:A+1+2024');
		},
	});
	const {lastFrame, stdin, unmount} = await openResult(services, 80, 24);
	try {
		const frame = (await waitFor(lastFrame, 'No such learner')).replace(/[│\s]+/g, ' ');
		assert.match(frame, /No learner "jolly-clever-siberiansable" in the database\./);
		assert.match(frame, /On the form, Ctrl-L on the user field lists the learners of course-v1:A\+1\+2024 to pick from/);
		assert.match(frame, /Press Esc to go back to the form, its values kept; q to quit\./);
		assert.doesNotMatch(frame, /input\//);
		await press(stdin, ESC);
		await waitFor(lastFrame, 'Enter run');
	} finally {
		unmount();
	}
});

/** The menu's frame once the app has loaded (fake services) and Enter left the summary, waiting for `text` on it. */
async function menuAfterLoad(services: Fake, width: number, text: string): Promise<string> {
	const {lastFrame, stdin, unmount} = render(<App services={services} width={width} height={24} />);
	try {
		await waitFor(lastFrame, 'Files');
		services.finishIngest();
		await waitFor(lastFrame, 'Load finished');
		await press(stdin, ENTER);
		return await waitFor(lastFrame, text);
	} finally {
		unmount();
	}
}

test('no data yet: the menu says what to do', async () => {
	const menu = await menuAfterLoad(fakeServices({listCourses: async () => courseList([])}), 80, 'No data yet');
	assert.match(menu, /input\//);
});

test('events loaded but none in a course (a Studio log): the menu says so, not that there is no data', async () => {
	const menu = await menuAfterLoad(fakeServices({listCourses: async () => courseList([], 13)}), 100, 'No course yet');
	assert.match(menu, /No course yet: none of the 13 events loaded names one \(Data health counts them\)\./);
	assert.doesNotMatch(menu, /No data yet/);
});

test('a start that only finishes the tables’ update an earlier load’s cancel left lists the courses it built', async () => {
	const courses = [
		[],
		['A', 'B', 'C'].map((name) => ({courseId: `course-v1:X+${name}+2024`, events: 9})),
	];
	const services = fakeServices({
		// Listed as the load starts (the tables not updated yet), and again once it has updated them.
		listCourses: async () => courseList(courses.shift() ?? []),
		ingest: async () => summary({lines: 0, loaded: 0, duplicates: 0, rejected: 0, derivedMs: 2000}),
	});
	const {lastFrame, unmount} = render(<App services={services} width={80} height={24} />);
	try {
		// Before, the courses listed as the load started stayed: "no courses yet" and "No data yet".
		const menu = await waitFor(lastFrame, 'Tasks · 4 of 4 · 3 courses');
		assert.doesNotMatch(menu, /No data yet/);
	} finally {
		unmount();
	}
});

test('after a cancel of the tables’ update the menu says so in 80 columns, not that there is no data', async () => {
	const services = fakeServices({
		// The update rolled back: the tables the courses are read from are still empty.
		listCourses: async () => courseList([]),
		ingest: async () => summary({phase: 'cancelled', derivedCancelled: true}),
	});
	const {lastFrame, stdin, unmount} = render(<App services={services} width={80} height={24} />);
	try {
		await waitFor(lastFrame, 'Load cancelled');
		await press(stdin, ENTER);
		const menu = await waitFor(lastFrame, 'Tasks · 4 of 4');
		assert.match(menu, /^Load cancelled: the tasks see its new events once the next start finishes it\.$/m);
		assert.doesNotMatch(menu, /No data yet/);
	} finally {
		unmount();
	}
});

test('the result table renders only the visible rows of 100,000, and follows G to the end', () => {
	const rows = Array.from({length: 100_000}, (_, index) => [`type ${index}`, index] as [string, number]);
	const layout = resultLayout({width: 80, height: 24}, false);
	const screen = resultScreenState(result(rows), 80, 24, [{type: 'bottom'}]);
	const {lastFrame, unmount} = render(<ResultScreen screen={screen} width={80} height={24} />);
	try {
		const frame = lastFrame() ?? '';
		assert.match(frame, /row 100,000\/100,000 · col 1\/2/);
		assert.match(frame, /type 99999 +99,999/);
		assert.equal(frame.split('\n').filter((line) => /^[▸ ] type /.test(line)).length, layout.pageRows);
	} finally {
		unmount();
	}
});

test('a one-day chart takes the lines it draws, the table right under it: it stood over 3 empty lines at 80×24', () => {
	const columns = [{name: 'period_start', kind: 'date' as const}, ...['active', 'video', 'problem', 'forum'].map((name) => ({name, kind: 'number' as const}))];
	const oneDay: TaskResult = {...result([]), columns, rows: [['2024-03-04', 100, 40, 12, 1]]};
	const screen = {...resultScreenState(oneDay, 80, 24), task: {...tasks[0]!, chart: {kind: 'line' as const, x: 'period_start', y: ['active', 'video', 'problem', 'forum']}}, chart: true};
	const {lastFrame, unmount} = render(<ResultScreen screen={screen} width={80} height={24} />);
	try {
		const lines = stripVTControlCharacters(lastFrame() ?? '').split('\n');
		assert.match(lines[5] ?? '', /^one period_start: 2024-03-04/);
		assert.match(lines[6] ?? '', /^1 active, 2 video, 3 problem, 4 forum by period_start/);
		assert.match(lines[7] ?? '', /^ +period_start +active/, lines.join('\n'));
	} finally {
		unmount();
	}
});

/** The result screen's state for `taskResult` at a size, after some table actions; `keys` are its key columns. */
function resultScreenState(taskResult: TaskResult, width: number, height: number, actions: Parameters<typeof tableReducer>[1][] = [], keys = [0]): ResultScreenState {
	const places = columnPlaces(taskResult);
	const natural = naturalWidths(taskResult, places);
	const layout = resultLayout({width, height}, false);
	const created = createTableState(taskResult.rows, {pageRows: layout.pageRows, pageWidth: layout.pageWidth, columnWidths: cappedWidths(natural, layout.pageWidth)}, [], keys);
	const table = actions.reduce(tableReducer, created);
	return {name: 'result', task: tasks[0]!, values: {}, result: taskResult, naturalWidths: natural, places, table, chart: false, hiddenSeries: [], cellOpen: false, choosingFormat: false};
}

const COURSE_URL = 'https://courses.openedu.ru/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/d1b8dc32b647cec8940732899ea57623';

function learnerPath(): TaskResult {
	// PostgreSQL prints as many fraction digits as are not zero.
	const times = ['2024-03-02 11:33:30.681983', '2024-03-02 11:33:41.70172', '2024-03-02 11:34:02'];
	const pages = ['3616154e5abba01239c18f1e41a9ad80/1', '3616154e5abba01239c18f1e41a9ad80/2', '81c4b13d70826a1e98e25a588e066c8a/1'];
	return {
		taskId: 'learner-path',
		columns: [{name: 'step', kind: 'number'}, {name: 'session', kind: 'number'}, {name: 'time', kind: 'timestamp'}, {name: 'url', kind: 'text'}, {name: 'name', kind: 'text'}],
		rows: pages.map((page, index) => [index + 1, 1, times[index]!, `${COURSE_URL}/${page}`, '1.1 Лабораторная работа']),
		parameters: {},
		elapsedMs: 3,
	};
}

test('learner-path: times all to the second in the table, in full in the Space view', async () => {
	const services = fakeServices({runTask: async (task) => ({...learnerPath(), taskId: task.id})});
	const {lastFrame, stdin, unmount} = await openResult(services, 120, 24);
	try {
		const table = await waitFor(lastFrame, 'row 1/3');
		assert.deepEqual(table.match(/2024-03-02 \S+ /g), ['2024-03-02 11:33:30 ', '2024-03-02 11:33:41 ', '2024-03-02 11:34:02 ']);
		await press(stdin, 'l', 'l', ' ');
		assert.match(await waitFor(lastFrame, /╭/), /2024-03-02 11:33:30\.681983/);
	} finally {
		unmount();
	}
});

test("a column's decimals line up: every number shows the column's places, 4.10 under 12.44", () => {
	const shares = result([['play_video', 12.44], ['seq_next', 4.1], ['page_close', 3], ['problem_check', null]]);
	const {lastFrame, unmount} = render(<ResultScreen screen={resultScreenState(shares, 80, 24)} width={80} height={24} />);
	try {
		const lines = stripVTControlCharacters(lastFrame()!).split('\n');
		// Before: "4.1" and "3" ended where "12.44" does, their points out of line.
		assert.deepEqual(
			['play_video', 'seq_next', 'page_close', 'problem_check'].map((name) => lines.find((line) => line.slice(2).startsWith(name))?.slice(2).replace(/ +/, ' ')),
			['play_video 12.44', 'seq_next 4.10', 'page_close 3.00', 'problem_check <null>'],
		);
	} finally {
		unmount();
	}
});

test('the row cursor shows without colour or inverse (FORCE_COLOR=0, TERM=dumb, a monochrome terminal): a ▸ before its row', () => {
	const rows = result([['play_video', 12], ['seq_next', 4], ['page_close', 3]]);
	for (const [moves, row] of [[0, 'play_video'], [2, 'page_close']] as const) {
		const screen = resultScreenState(rows, 80, 24, Array.from({length: moves}, () => ({type: 'move-row', by: 1}) as const));
		const {lastFrame, unmount} = render(<ResultScreen screen={screen} width={80} height={24} />);
		try {
			// Attributes stripped, as a terminal without them shows the frame: the row was told by inverse video alone.
			const lines = stripVTControlCharacters(lastFrame() ?? '').split('\n');
			assert.deepEqual(lines.filter((line) => line.startsWith('▸')).map((line) => line.split(/ +/)[1]), [row]);
			assert.match(lines[1] ?? '', /^ {2}event_type/, 'the header stays over its column');
		} finally {
			unmount();
		}
	}
});

test('learner-path: the URL column is shown at 80 and 120 columns with the end that tells pages apart', () => {
	for (const width of [80, 120]) {
		const {lastFrame, unmount} = render(<ResultScreen screen={resultScreenState(learnerPath(), width, 24)} width={width} height={24} />);
		try {
			const frame = lastFrame() ?? '';
			assert.match(frame, / url /, `${width}: the url column is shown`);
			for (const end of ['3616154e5abba01239c18f1e41a9ad80/1', '3616154e5abba01239c18f1e41a9ad80/2', '81c4b13d70826a1e98e25a588e066c8a/1']) {
				assert.match(frame, new RegExp(`…\\S*${end.slice(-24)}`), `${width}: the end of ${end} visible`);
			}
			// Header, rule and rows stay off the last column, as the page width says.
			for (const line of frame.split('\n').slice(1, 6)) assert.ok(stringWidth(line) < width, `${width}: too wide: ${line}`);
		} finally {
			unmount();
		}
	}
});

test("the title line shows a learner's name whole at 80 and 60 columns, cutting the course and the other values first", () => {
	for (const width of [80, 60]) {
		const screen = {...resultScreenState(learnerPath(), width, 24), task: learnersTask, values: learnerValues};
		const {lastFrame, unmount} = render(<ResultScreen screen={screen} width={width} height={24} />);
		try {
			const title = (lastFrame() ?? '').split('\n')[0] ?? '';
			assert.match(title, /^Learners · 3 rows · .*user=jolly-clever-siberiansable$/, `${width}: ${title}`);
			assert.ok(stringWidth(title) < width, `${width}: too wide: ${title}`);
		} finally {
			unmount();
		}
	}
});

test("the saved message takes one line beside the status bar's position, its path cut in its middle (it took two lines and hid the position)", async () => {
	const name = 'learner-path_course-v1_spbstu_PHYLOS_fall_2018_jolly-clever-siberiansable_20240305T101112Z.csv';
	for (const width of [80, 100]) {
		const services = fakeServices({saveResult: async (saved) => ({path: path.join(process.cwd(), 'result', name), rows: saved.rows.length})});
		const {lastFrame, stdin, unmount} = await openResult(services, width, 24);
		try {
			await waitFor(lastFrame, 'row 1/3');
			await press(stdin, 's', ENTER);
			const frame = await waitFor(lastFrame, 'Saved 3 rows');
			const line = frame.split('\n').find((candidate) => candidate.startsWith('Saved 3 rows'))!;
			// The task's name and the file's time and format stay; the middle gives way; the position stays beside it.
			assert.match(line, new RegExp(`^Saved 3 rows to result.learner-path_co.*….*_20240305T101112Z\\.csv +row 1/3 · col 1/2$`), `${width} columns`);
			assert.ok(stringWidth(line) <= width, `${width} columns: ${line}`);
			assert.equal(frame.split('\n').length, 23, 'still rows - 1 lines');
			// Over the menu (Esc) it is one line too.
			await press(stdin, ESC);
			const menu = await waitFor(lastFrame, 'Tasks · 4 of 4');
			assert.match(menu, /\nSaved 3 rows to result.learner-path_.*….*20240305T101112Z\.csv\n/, `${width} columns`);
		} finally {
			unmount();
		}
	}
});

/** A saveResult the test ends itself: it has written `written` rows when the app's save starts, and waits. */
function heldSave(written: number) {
	const save = deferred<{path: string; rows: number}>();
	const saveResult: AppServices['saveResult'] = (_result, _format, onProgress) => {
		onProgress(written);
		return save.promise;
	};
	return {save, saveResult};
}

test('while a save runs the screen says its progress and the keys work: the cursor moves, a second s says why it waits, Esc goes to the menu, which says the save\'s end', async () => {
	const {save, saveResult} = heldSave(1);
	const services = fakeServices({saveResult});
	const {lastFrame, stdin, unmount} = await openResult(services, 80, 24);
	try {
		await waitFor(lastFrame, 'row 1/3');
		await press(stdin, 's', ENTER);
		// In the status bar, beside the position: the table is still the user's.
		await waitFor(lastFrame, /Saving 3 rows as CSV… 33% +row 1\/3 · col 1\/2\n/);
		await press(stdin, 'j');
		await waitFor(lastFrame, /Saving 3 rows as CSV… 33% +row 2\/3/);
		await press(stdin, 's');
		await waitFor(lastFrame, 'One save at a time: Saving 3 rows as CSV… 33%');
		assert.doesNotMatch(lastFrame() ?? '', /Save the 3 rows/, 'no format asked for');
		await press(stdin, ESC);
		const menu = await waitFor(lastFrame, 'Tasks · 4 of 4');
		assert.match(menu, /\nSaving 3 rows as CSV… 33%\n/);
		save.resolve({path: path.join(process.cwd(), 'result', 'x.csv'), rows: 3});
		const saved = await waitFor(lastFrame, `Saved 3 rows to ${path.join('result', 'x.csv')}`);
		assert.doesNotMatch(saved, /Saving/);
		assert.deepEqual(services.errors, []);
	} finally {
		unmount();
	}
});

test('a quit while a save runs waits for the file to be written, saying so', async () => {
	const {save, saveResult} = heldSave(2);
	const services = fakeServices({saveResult});
	let exitCode: number | undefined;
	const {lastFrame, stdin, unmount} = await renderAtMenu(services, 80, 24, (code) => (exitCode = code));
	try {
		await press(stdin, 'j', ENTER, ENTER);
		await waitFor(lastFrame, 'row 1/3');
		await press(stdin, 's', ENTER);
		await waitFor(lastFrame, 'Saving 3 rows as CSV… 66%');
		await press(stdin, 'q');
		await waitFor(lastFrame, 'Closing once the save is written…');
		// Held until the test ends the save: a quit that did not wait would be gone by now.
		await new Promise((resolve) => setTimeout(resolve, 100));
		assert.equal(exitCode, undefined, 'not gone while the file is written');
		save.resolve({path: path.join(process.cwd(), 'result', 'x.csv'), rows: 3});
		await until(() => exitCode !== undefined, 'the quit once the save is written');
		assert.equal(exitCode, 0);
	} finally {
		unmount();
	}
});

test('a chart on a terminal without colours (FORCE_COLOR=0, NO_COLOR) is drawn without them: its lines kept asciichart\'s', () => {
	const days: TaskResult = {taskId: 'activity-by-day', columns: [{name: 'day', kind: 'date'}, {name: 'events', kind: 'number'}], rows: [['2024-03-01', 5], ['2024-03-02', 9], ['2024-03-03', 2]], parameters: {}, elapsedMs: 1};
	// ink-testing-library's stdout has no hasColors(): no colours, as Ink's own styles have none here either.
	const {lastFrame, unmount} = render(<ResultScreen screen={{...resultScreenState(days, 60, 15), task: tasks[1]!, chart: true}} width={60} height={15} />);
	try {
		const frame = lastFrame() ?? '';
		assert.match(frame, /events by day/);
		assert.equal(frame, stripVTControlCharacters(frame));
	} finally {
		unmount();
	}
});

test('a chart of counts on the result screen labels its y-axis in whole numbers: 7 to 10 on a 4-line plot read "10.0, 9.0, 8.0, 7.0"', () => {
	const days: TaskResult = {taskId: 'activity-by-day', columns: [{name: 'day', kind: 'date'}, {name: 'events', kind: 'number'}], rows: [['2024-03-01', 7], ['2024-03-02', 10], ['2024-03-03', 8]], parameters: {}, elapsedMs: 1};
	const {lastFrame, unmount} = render(<ResultScreen screen={{...resultScreenState(days, 60, 15), task: tasks[1]!, chart: true}} width={60} height={15} />);
	try {
		const labels = stripVTControlCharacters(lastFrame() ?? '').split('\n').filter((line) => /[┤┼]/.test(line)).map((line) => line.split(/[┤┼]/)[0]);
		assert.deepEqual(labels, [' 10 ', '  9 ', '  8 ', '  7 ']);
	} finally {
		unmount();
	}
});

test("enrollment-by-hour's chart at 80×24 shows all 24 hours, as columns: it showed hours 0-10 and '… 13 more rows', the evening's 21 and 22 hidden", () => {
	const activations = [1, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 5, 4, 4, 5, 6, 7, 8, 10, 14, 19, 22, 9];
	const hours: TaskResult = {taskId: 'enrollment-by-hour', columns: [{name: 'hour', kind: 'number'}, {name: 'activations', kind: 'number'}], rows: activations.map((value, hour) => [hour, value]), parameters: {}, elapsedMs: 1};
	const task = {...tasks[0]!, id: 'enrollment-by-hour', chart: {kind: 'bar' as const, x: 'hour', y: ['activations']}};
	const {lastFrame, unmount} = render(<ResultScreen screen={{...resultScreenState(hours, 80, 24), task, chart: true}} width={80} height={24} />);
	try {
		const lines = stripVTControlCharacters(lastFrame() ?? '').split('\n');
		assert.equal(lines.length, 22, 'the screen fits (the hint line is the app\'s)');
		assert.ok(lines.includes(`    ${activations.map((_, hour) => String(hour).padEnd(2)).join(' ')}`), 'every hour labelled under its column');
		assert.match(lines[1] ?? '', /^22 ┤ +▁▁ ██$/, 'hour 22, the greatest, at the top; 21 just under it');
		assert.ok(lines.includes('    activations by hour'));
		assert.ok(!lines.some((line) => /more rows/.test(line)));
	} finally {
		unmount();
	}
});

/** activity-heatmap's result for a course used round the clock: every hour 29,045 to 36,468 events, the evenings busiest. */
const roundTheClock: TaskResult = {
	taskId: 'activity-heatmap',
	columns: [{name: 'weekday', kind: 'number'}, {name: 'day_name', kind: 'text'}, ...Array.from({length: 24}, (_, hour) => ({name: `h${String(hour).padStart(2, '0')}`, kind: 'number' as const}))],
	rows: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((day, index) => [index + 1, day, ...Array.from({length: 24}, (_, hour) => (hour >= 18 ? 36_468 - index : 29_045 + index))]),
	parameters: {},
	elapsedMs: 1,
};
const heatmapTask = {...tasks[0]!, id: 'activity-heatmap', chart: {kind: 'heatmap' as const, x: 'day_name', y: ['h00..h23']}};

test("activity-heatmap's chart at 80×24 is a heatmap above the table: a row a day, 2 characters an hour, the hours under them, the shades' values; without colours (NO_COLOR) still shaded", () => {
	const week = roundTheClock;
	const task = heatmapTask;
	// ink-testing-library's stdout has no hasColors(): the screen is drawn as with NO_COLOR.
	const {lastFrame, unmount} = render(<ResultScreen screen={{...resultScreenState(week, 80, 24), task, chart: true}} width={80} height={24} />);
	try {
		const frame = lastFrame() ?? '';
		assert.equal(frame, stripVTControlCharacters(frame), 'no colour codes');
		const lines = frame.split('\n');
		assert.equal(lines.length, 22, 'the screen fits (the hint line is the app\'s)');
		assert.equal(lines[1], `Monday    ${'░'.repeat(36)}${'█'.repeat(12)}`);
		assert.equal(lines[7], `Sunday    ${'░'.repeat(36)}${'█'.repeat(12)}`);
		assert.equal(lines[8], '          0     3     6     9     12    15    18    21  23');
		assert.equal(lines[9], 'least to most: ░ 29,045–30,900 ▒ 30,901–32,756 ▓ 32,757–34,612 █ 34,613–36,468');
		assert.match(lines[10] ?? '', /^ +weekday +day_name +h00 /, 'the table under it');
	} finally {
		unmount();
	}
});

test('a heatmap takes the lines it needs, a row a day, an axis and a legend: all 7 days at 80×20 (3 and "… 4 more rows" before), 9 lines at 80×40; at 80×17 a note says how tall a terminal it needs', () => {
	// The table's page as the app makes it once the chart is shown.
	const charted = (height: number): ResultScreenState => {
		const screen = {...resultScreenState(roundTheClock, 80, height), task: heatmapTask, chart: true};
		const {pageRows, pageWidth} = shownResultLayout({width: 80, height}, screen);
		return {...screen, table: tableReducer(screen.table, {type: 'resize', pageRows, pageWidth, columnWidths: screen.table.columnWidths})};
	};
	for (const height of [18, 20, 40]) {
		const {lastFrame, unmount} = render(<ResultScreen screen={charted(height)} width={80} height={height} />);
		try {
			const lines = (lastFrame() ?? '').split('\n');
			assert.equal(lines.length, height - 2, `${height}: the screen fits (the hint line is the app's)`);
			assert.deepEqual(lines.slice(1, 8).map((line) => line.split(' ')[0]), ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'], `${height}: every day`);
			assert.match(lines[9] ?? '', /^least to most: /);
			assert.match(lines[10] ?? '', /^ +weekday +day_name +h00 /, `${height}: the table right under it`);
		} finally {
			unmount();
		}
	}
	const {lastFrame, unmount} = render(<ResultScreen screen={charted(17)} width={80} height={17} />);
	try {
		const lines = (lastFrame() ?? '').split('\n');
		assert.equal(lines[1], '(The heatmap needs a terminal 18 lines tall for its 7 rows; c hides it.)');
		assert.match(lines[2] ?? '', /^ +weekday +day_name +h00 /, 'the table instead');
		assert.equal(lines.length, 15);
	} finally {
		unmount();
	}
});

test('at 60×12 the chart gives way to a one-line note; at 60×15 it is drawn 6 lines tall', () => {
	const days: TaskResult = {taskId: 'activity-by-day', columns: [{name: 'day', kind: 'date'}, {name: 'events', kind: 'number'}], rows: [['2024-03-01', 5], ['2024-03-02', 9], ['2024-03-03', 2]], parameters: {}, elapsedMs: 1};
	for (const [height, expected] of [[12, /^\(The chart needs a terminal 15 lines tall; c hides it\.\)$/m], [15, /events by day/]] as const) {
		const screen = {...resultScreenState(days, 60, height), task: tasks[1]!, chart: true};
		const {lastFrame, unmount} = render(<ResultScreen screen={screen} width={60} height={height} />);
		try {
			const frame = stripVTControlCharacters(lastFrame() ?? '');
			assert.match(frame, expected);
			assert.equal(frame.split('\n').length, height - 2, 'the screen fits (the hint line is the app\'s)');
			if (height === 15) assert.equal(frame.split('\n').filter((line) => /[┤┼]/.test(line)).length, 4, 'a 4-line plot');
		} finally {
			unmount();
		}
	}
});

test('a search longer than the line is shown on one line around its cursor: wrapped, it pushed the header off the table at 60×15', () => {
	const term = 'zealous-zealous-yellowperch-and-a-long-term-here-and-more-and-more';
	for (const cursor of [[...term].length, 3]) {
		const screen = {...resultScreenState(learnerPath(), 60, 15), searchInput: {value: term, cursor}};
		const {lastFrame, unmount} = render(<ResultScreen screen={screen} width={60} height={15} />);
		try {
			const lines = stripVTControlCharacters(lastFrame() ?? '').split('\n');
			assert.equal(lines.length, 13, 'the screen fits (the hint line is the app\'s)');
			assert.match(lines[1] ?? '', /^ *step +session +time/, 'the header is on screen');
			const search = lines.find((line) => line.startsWith('Search: ')) ?? '';
			assert.ok(stringWidth(search) <= 59, search);
			// The cursor and the text at it are in sight, the cut ends marked.
			assert.match(search, cursor === 3 ? /^Search: zea▏lous-.*…/ : /^Search: …[^▏]*-and-more▏/);
		} finally {
			unmount();
		}
	}
});

test('scrolled right, the first column stays and a "‹" shows that columns are hidden', () => {
	const days = ['Monday', 'Tuesday', 'Wednesday'];
	const hours = Array.from({length: 12}, (_, hour) => ({name: `h${String(hour).padStart(2, '0')}_events`, kind: 'number' as const}));
	const heatmap: TaskResult = {taskId: 'activity-heatmap', columns: [{name: 'day_name', kind: 'text'}, ...hours], rows: days.map((day, index) => [day, ...hours.map((_, hour) => index * 100 + hour)]), parameters: {}, elapsedMs: 1};
	const right = Array.from({length: 8}, () => ({type: 'move-column' as const, by: 1}));
	const {lastFrame, unmount} = render(<ResultScreen screen={resultScreenState(heatmap, 80, 24, right)} width={80} height={24} />);
	try {
		const frame = lastFrame() ?? '';
		const header = frame.split('\n')[1] ?? '';
		assert.match(header, /^ {2}day_name +‹ +h0\d_events/, header);
		assert.match(header, /h07_events .*›$/, 'the cursor column, and more after it');
		assert.doesNotMatch(header, /h00_events/);
		assert.match(frame, /^[▸ ] Wednesday +2\d\d /m, 'the label beside its values');
	} finally {
		unmount();
	}
});

/** The text in cells `start` to `end` of a line (a wide character takes two cells). */
function cellsOf(line: string, start: number, end: number): string {
	let column = 0;
	let text = '';
	for (const character of line) {
		const width = stringWidth(character);
		if (column >= start && column + width <= end) text += character;
		column += width;
	}
	return text;
}

/** Each column's cells, [start, end), as the table's rule line (its ─ runs under the header) marks them. */
function ruleColumns(rule: string): Array<[number, number]> {
	const runs: Array<[number, number]> = [];
	let column = 0;
	for (const character of rule) {
		if (character === '─') {
			const last = runs.at(-1);
			if (last && last[1] === column) last[1]++;
			else runs.push([column, column + 1]);
		}
		column += stringWidth(character);
	}
	return runs;
}

test("learner-summary at 80×24, scrolled to its last column: each row still starts with its learner and course, under their headers; the hint line says → shows more", async () => {
	// The built-in task, as its header declares its key.
	const summaryTask = (await loadTaskCatalogue()).tasks.find((candidate) => candidate.id === 'learner-summary')!;
	const services = fakeServices({loadCatalogue: async () => ({tasks: [summaryTask], problems: []}), runTask: async () => learnerSummary()});
	const {lastFrame, stdin, unmount} = render(<App services={services} width={80} height={24} />);
	try {
		services.finishIngest();
		await waitFor(lastFrame, 'Load finished');
		await press(stdin, ENTER);
		await waitFor(lastFrame, 'Tasks · 1 of 1');
		await press(stdin, ENTER);
		await waitFor(lastFrame, /Enter run/);
		await press(stdin, ENTER);
		const first = stripVTControlCharacters(await waitFor(lastFrame, 'col 1/22'));
		assert.match(first, /\n→\/l more · \] sort desc · \/ search · s\/Ctrl-S save · Esc back · q quit · \? help$/, 'more to the right, every key still on the line');
		await press(stdin, ...Array.from({length: 21}, () => '\u001B[C'));
		const frame = stripVTControlCharacters(await waitFor(lastFrame, 'col 22/22'));
		const lines = frame.split('\n');
		for (const line of lines) assert.ok(stringWidth(line) <= 80, `wider than 80: ${line}`);
		const [header = '', rule = ''] = lines.slice(1, 3);
		assert.match(header, /^ {2}username +course_id +‹ .*finished_at$/, header);
		assert.doesNotMatch(lines.at(-1) ?? '', /more/, 'nothing more to the right');
		// Each column's header and cells in the cells its rule marks: the pinned ones and the scrolled ones alike.
		const columns = ruleColumns(rule);
		const names = columns.map(([start, end]) => cellsOf(header, start, end).trim());
		assert.deepEqual(names.slice(0, 2), ['username', 'course_id']);
		assert.equal(names.at(-1), 'finished_at');
		const rows = lines.slice(3, 6);
		const cells = rows.map((row) => columns.map(([start, end]) => cellsOf(row, start, end).trim()));
		assert.deepEqual(cells.map((row) => row[0]), ['Анна_Иванова', '李小龍', 'bob']);
		for (const row of cells) assert.match(row[1] ?? '', /^….*\+fall_2018$/, 'the course id cut at its start, its end kept');
		// pages (the 21st column) is each row's events + 12: the figures beside a name are that learner's.
		const pages = names.indexOf('pages');
		assert.ok(pages > 1, names.join(','));
		assert.deepEqual(cells.map((row) => row[pages]), ['1,212', '712', '312']);
		assert.deepEqual(cells.map((row) => row.at(-1)), ['2018-12-01 18:00:00', '<null>', '<null>']);
	} finally {
		unmount();
	}
});

test('at 20 columns, scrolled right, the key column stays cut to a few cells beside a scrolled one; no line is wider', () => {
	const right = Array.from({length: 9}, () => ({type: 'move-column' as const, by: 1}));
	const {lastFrame, unmount} = render(<ResultScreen screen={resultScreenState(learnerSummary(), 20, 24, right, [0, 1])} width={20} height={24} />);
	try {
		const lines = stripVTControlCharacters(lastFrame() ?? '').split('\n');
		for (const line of lines) assert.ok(stringWidth(line) <= 20, `wider than 20: ${line}`);
		assert.match(lines[1] ?? '', /^ {2}user… +‹ +\S+ ›$/, lines.join('\n'));
		assert.match(lines[3] ?? '', /^▸ Анна… +\S/, 'the name, cut');
		assert.match(lines[4] ?? '', /^ {2}李小…? +\S/, 'a CJK name cut to whole characters');
	} finally {
		unmount();
	}
});

test('the progress panel fits 80 columns and highlights rejected lines', () => {
	const {lastFrame, unmount} = render(<ProgressPanel snapshot={snapshot()} rateHistory={[1, 5, 9]} width={80} height={20} />);
	try {
		const frame = lastFrame() ?? '';
		for (const line of frame.split('\n')) assert.ok(stringWidth(line) <= 80, `too wide: ${line}`);
		assert.match(frame, /Total .* 25% 1\.0 MB \/ 4\.0 MB/);
		assert.match(frame, /▸ input\/b\.log\.gz/);
		assert.match(frame, /✓ input\/a\.log/);
		assert.match(frame, /▁▄█ MB\/s/);
	} finally {
		unmount();
	}
});

test('the progress panel shows the ETA the tracker gives, as the headless line does, however early (the tracker decides when it has a basis)', () => {
	const {lastFrame, unmount} = render(<ProgressPanel snapshot={snapshot({elapsedMs: 1000, etaSeconds: 30})} rateHistory={[]} width={80} height={20} />);
	try {
		// It hid an ETA for the first 2 s of its own, which the headless line printed.
		assert.match(lastFrame() ?? '', /ETA 0:30 · elapsed 0:01/);
	} finally {
		unmount();
	}
});

test('the progress panel leaves out the rates, the elapsed time and the duplicates that do not fit its width, never half the ETA', () => {
	const estimating = snapshot({etaSeconds: undefined});
	for (const [width, shown, line] of [
		[80, snapshot(), '      12.5 MB/s · 2,400 events/s · ETA 0:30 · elapsed 0:05'],
		// Cut at the width it read "12.5 MB/s · 2,400 events/s · ETA …".
		[40, snapshot(), '      2,400 events/s · ETA 0:30'],
		[40, estimating, '      2,400 events/s · ETA estimating…'],
		[48, snapshot(), '      12.5 MB/s · 2,400 events/s · ETA 0:30'],
	] as const) {
		const {lastFrame, unmount} = render(<ProgressPanel snapshot={shown} rateHistory={[]} width={width} height={20} />);
		try {
			const lines = stripVTControlCharacters(lastFrame()!).split('\n');
			assert.equal(lines[1], line, `${width}`);
			// The counts leave out the duplicates first (the rejected stay): wrapped, "rejected 3" took a line of its own at 40.
			assert.equal(lines.find((text) => text.includes('loaded ')), width === 80 || width === 48 ? '      loaded 990 · duplicates 7 · rejected 3' : '      loaded 990 · rejected 3', `${width}`);
		} finally {
			unmount();
		}
	}
});

test('while loading, the panel and ingest’s line say the estimated wait until the tables are updated too; once they update, the update’s own', () => {
	const loading = snapshot({elapsedMs: 20_000, etaSeconds: 20, ready: {seconds: 45, tablesSeconds: 25}});
	const said = 'ready in ~0:45 (estimate: load, then ~0:25 updating the tables)';
	for (const [width, shown] of [
		[80, `      ${said}`],
		// Cut at its end on a narrow terminal: the figures stay.
		[60, '      ready in ~0:45 (estimate: load, then ~0:25 updating t…'],
	] as const) {
		const {lastFrame, unmount} = render(<ProgressPanel snapshot={loading} rateHistory={[]} width={width} height={20} />);
		try {
			const lines = stripVTControlCharacters(lastFrame()!).split('\n');
			// Its own line, below the rates.
			assert.equal(lines[2], shown);
			assert.ok(lines.every((line) => stringWidth(line) <= width), `too wide at ${width}`);
		} finally {
			unmount();
		}
	}
	// The same, short: the load's ETA and the tables' after it.
	assert.match(progressLine(loading), / · ETA 0:20 \+ ~0:25 tables · loaded /);
	const early = render(<ProgressPanel snapshot={snapshot({etaSeconds: undefined})} rateHistory={[]} width={80} height={20} />);
	try {
		assert.match(early.lastFrame()!, /^ {6}ready in: estimating… \(load, then updating the tables\)$/m);
	} finally {
		early.unmount();
	}
	for (const [ready, said, derived] of [
		[{seconds: 20, tablesSeconds: 20}, 'ready in ~0:20 (estimate: updating the tables)'],
		[undefined, 'ready in --:-- (updating the tables)'],
		// Another process's build holds its lock: no estimate while it waits, and what for (it said "updating the tables").
		[undefined, "ready in --:-- (waiting for the lock of the derived tables' build)", {step: 'waiting', eventsDone: 0, eventsTotal: 0, stepMs: 5000}],
	] as const) {
		const deriving = render(<ProgressPanel snapshot={snapshot({phase: 'deriving', etaSeconds: undefined, ready, derived})} rateHistory={[]} width={80} height={20} />);
		try {
			// The same line as while loading: the estimate goes on where it was.
			assert.equal(stripVTControlCharacters(deriving.lastFrame()!).split('\n')[2], `      ${said}`);
		} finally {
			deriving.unmount();
		}
	}
});

test('the first seconds of a load say what goes on, on the screen and in ingest’s line: the first lines on their way, then the ETA estimating until the tracker gives it', () => {
	// 1.8 GB: the first lines stored 2 s in, at a third of the later pace (10 MB/s) until 6.8 s.
	let now = 0;
	const tracker = new ProgressTracker(0, () => now);
	const big = tracker.addFile(file('input/big.log', 'pending', 0, 1800e6));
	tracker.phase = 'loading';
	tracker.startFile(big);
	const stored = (ms: number) => Math.max(0, Math.min(ms - 2000, 4800) * 3333 + Math.max(0, ms - 6800) * 10_000);
	const seen = new Map<number, {screen: string[]; line: string}>();
	for (now = 0; now <= 13_000; now += 250) {
		big.bytesDone = stored(now);
		big.lines = big.loaded = Math.floor(big.bytesDone / 1600);
		const shot = tracker.snapshot();
		const {lastFrame, unmount} = render(<ProgressPanel snapshot={shot} rateHistory={[]} width={80} height={20} />);
		seen.set(now, {screen: stripVTControlCharacters(lastFrame()!).split('\n').slice(0, 3), line: progressLine(shot)});
		unmount();
	}
	// Nothing stored yet: it said 0.0 MB/s · 0 events/s · ETA --:-- under a bar at 0 %, as if the load had not started.
	assert.deepEqual(seen.get(1000)!.screen.slice(1), ['      storing the first lines… · elapsed 0:01', '      ready in: estimating… (load, then updating the tables)']);
	assert.equal(seen.get(1000)!.line, 'loading 0% 0 B/1.8 GB · storing the first lines… · loaded 0, duplicates 0, rejected 0 · big.log');
	// Stored, the bar and the rates move, and the ETA is on its way (it said --:--, and "–" in ingest's line). The bar by
	// eighths of a cell: 13.3 MB of 1.8 GB is 2 of 352 (in whole cells, rounded, it sat empty until 20 MB).
	const storing = seen.get(6000)!;
	// Its share to a tenth (in whole percent it said 0 % under that moving bar): the same in ingest's line.
	assert.equal(storing.screen[0], `Total ▎${'░'.repeat(43)} 0.7% 13.3 MB / 1.8 GB`);
	assert.match(storing.line, /^loading 0\.7% 13\.3 MB\/1\.8 GB · /);
	// (The meters' 5 s hold the last second before the first lines stored: 13.3 MB in 5 s.)
	assert.equal(storing.screen[1], '      2.7 MB/s · 1,666 events/s · ETA estimating… · elapsed 0:06');
	assert.equal(storing.screen[2], '      ready in: estimating… (load, then updating the tables)');
	assert.match(storing.line, / · 2\.7 MB\/s · 1,666 events\/s · ETA estimating… · loaded /);
	// Once its rate has stopped rising (5 s after the slow start), the time left at the later pace: 1,732 MB left at 12 s.
	const first = [...seen].find(([, {screen}]) => /ETA \d/.test(screen[1]!))!;
	assert.equal(first[0], 12_000);
	assert.match(first[1].screen[1]!, / · ETA 2:53 · elapsed 0:12$/);
	assert.match(first[1].line, / · ETA 2:53 \+ ~1:36 tables · /);
});

test('before the first rate is measured the rates say so, not 0.0 MB/s (the first frame said "0.0 MB/s · 0 events/s" before anything was read)', () => {
	const tracker = new ProgressTracker(0, () => 0);
	tracker.addFile(file('input/big.log', 'pending', 0, 1800e6));
	const rates = () => {
		const shot = tracker.snapshot();
		const {lastFrame, unmount} = render(<ProgressPanel snapshot={shot} rateHistory={[]} width={80} height={20} />);
		try {
			return [stripVTControlCharacters(lastFrame()!).split('\n')[1], progressLine(shot)];
		} finally {
			unmount();
		}
	};
	// Still looking for new data, then loading with no file started: the screen's first frames.
	assert.deepEqual(rates(), ['      -- MB/s · -- events/s · ETA --:-- · elapsed 0:00', 'scanning 0% 0 B/1.8 GB · -- MB/s · -- events/s · ETA --:-- · loaded 0, duplicates 0, rejected 0']);
	tracker.phase = 'loading';
	assert.deepEqual(rates(), ['      -- MB/s · -- events/s · ETA estimating… · elapsed 0:00', 'loading 0% 0 B/1.8 GB · -- MB/s · -- events/s · ETA estimating… · loaded 0, duplicates 0, rejected 0']);
});

test('a resumed .gz’s pass-over is said with its share and rate, where the load’s rates said 0.0 MB/s, on the screen and in ingest’s line', () => {
	const passing = snapshot({megabytesPerSecond: 0, eventsPerSecond: 0, etaSeconds: undefined, passingOver: {label: 'input/b.log.gz', done: 450, total: 1000, megabytesPerSecond: 28.14}});
	const {lastFrame, unmount} = render(<ProgressPanel snapshot={passing} rateHistory={[]} width={80} height={20} />);
	try {
		assert.match(stripVTControlCharacters(lastFrame()!), /^ {6}reading past the part loaded before: 45% at 28\.1 MB\/s · elapsed 0:05$/m);
	} finally {
		unmount();
	}
	assert.match(progressLine(passing), /^loading 25% 1\.0 MB\/4\.0 MB · reading past the part loaded before: 45% at 28\.1 MB\/s · loaded /);
});

test('one file is marked ▸, the one being read: those read to their end and still being stored are ▹', () => {
	// Daily files of a chunk or two: the reader is on the third while the loaders store the first two.
	const files = ['01', '02', '03', '04'].map((day, index) => file(`input/tracking-2018-09-${day}.log.gz`, index < 3 ? 'loading' : 'pending', index === 0 ? 200_000 : 0, 1_000_000));
	const {lastFrame, unmount} = render(<ProgressPanel snapshot={snapshot({files, currentFile: 'input/tracking-2018-09-03.log.gz'})} rateHistory={[]} width={100} height={20} />);
	try {
		const marks = stripVTControlCharacters(lastFrame()!).split('\n').flatMap((line) => /^(\S) input\/tracking-2018-09-(\d\d)/.exec(line)?.slice(1, 3).join(' ') ?? []);
		// Before: ▸ 01, ▸ 02, ▸ 03 (the last two at 0 %).
		assert.deepEqual(marks, ['▹ 01', '▹ 02', '▸ 03', '· 04']);
	} finally {
		unmount();
	}
});

test("at 80 columns a file's line keeps its rejected count: 1,000,000 ev, 44 rej", () => {
	const big = file('input/big.log.gz', 'loaded', 88_000_000, 88_000_000, {loaded: 1_000_000, rejected: 44});
	const {lastFrame, unmount} = render(<ProgressPanel snapshot={snapshot({files: [big]})} rateHistory={[]} width={80} height={20} />);
	try {
		// Before: "… 88.0 MB/88.0 MB 1,000,000 ev, 44 …".
		assert.match(stripVTControlCharacters(lastFrame()!), /✓ input\/big\.log\.gz +█{10} 100% +88\.0 MB\/88\.0 MB 1,000,000 ev, 44 rej$/m);
	} finally {
		unmount();
	}
});

test("at 100 columns a daily file's name is whole beside short counts (it was cut to 29 characters)", () => {
	const days = ['19', '20', '21'].map((day) => file(`input/2018/tracking.log-201810${day}.gz`, 'loaded', 820_000, 820_000, {loaded: 8333}));
	const {lastFrame, unmount} = render(<ProgressPanel snapshot={snapshot({files: days})} rateHistory={[]} width={100} height={20} />);
	try {
		const frame = stripVTControlCharacters(lastFrame()!);
		for (const day of ['19', '20', '21']) assert.match(frame, new RegExp(`✓ input/2018/tracking\\.log-201810${day}\\.gz +█{20} 100% +820\\.0 KB/820\\.0 KB 8,333 ev$`, 'm'));
		for (const line of frame.split('\n')) assert.ok(stringWidth(line) <= 100, `too wide: ${line}`);
	} finally {
		unmount();
	}
});

test('an empty input loaded or already loaded shows a full bar and 100%, not "?%"', () => {
	const files = [file('input/empty.log', 'loaded', 0, 0), file('input/also-empty.log', 'skipped', 0, 0, {note: 'already loaded'}), file('input/next.log', 'pending', 0, 0)];
	const {lastFrame, unmount} = render(<ProgressPanel snapshot={snapshot({files})} rateHistory={[]} width={80} height={20} />);
	try {
		const frame = stripVTControlCharacters(lastFrame()!);
		assert.match(frame, /✓ input\/empty\.log +█{10} 100% +0 B\/0 B 0 ev$/m);
		assert.match(frame, /= input\/also-empty\.log +█{10} 100% +0 B\/0 B already loaded$/m);
		// Not read yet: its size says nothing yet.
		assert.match(frame, /· input\/next\.log +░{10} +\?% /);
	} finally {
		unmount();
	}
});

test('the cancel question fits with the load screen at 60×15 and with 20 daily files at 80×24, while loading and deriving', () => {
	const daily = Array.from({length: 20}, (_, day) => file(`input/daily/tracking-2018-09-${String(day + 1).padStart(2, '0')}.log`, 'pending', 0, 1000));
	const derived = {step: 'counting' as const, eventsDone: 10, eventsTotal: 100, stepMs: 0};
	// The screen's height: rows less the app's hint line and the line Ink 6 must be left.
	for (const [width, height] of [[60, 13], [80, 22]] as const) {
		for (const shown of [snapshot({files: daily}), snapshot({files: daily, phase: 'deriving', derived})]) {
			const {lastFrame, unmount} = render(<IngestScreen snapshot={shown} rateHistory={[1, 2]} confirmCancel cancelling={false} width={width} height={height} />);
			try {
				const lines = stripVTControlCharacters(lastFrame()!).split('\n');
				// Taller, Ink drew the lines of the frame over one another ("… 2 more filesz ███…").
				assert.ok(lines.length <= height, `${width}×${height} ${shown.phase}: ${lines.length} lines`);
				assert.match(lines[0] ?? '', /^Loading logs · /);
				assert.match(lines.join(' '), /Cancel the load\?.*\(y\/n\)/);
				assert.ok(lines.every((line) => stringWidth(line) <= width));
			} finally {
				unmount();
			}
		}
	}
});

test('an empty field\'s "(none)" stands in the column of the values', () => {
	const {lastFrame, unmount} = render(<FormScreen task={learnersTask} form={createFormState(learnersTask, {course: 'course-v1:A+1+2024'})} width={80} height={20} />);
	try {
		const lines = stripVTControlCharacters(lastFrame()!).split('\n');
		const column = (text: string) => lines.find((line) => line.includes(text))?.indexOf(text);
		assert.deepEqual([column('(none)'), column('UTC')], [column('course-v1:'), column('course-v1:')]);
	} finally {
		unmount();
	}
});

test('a form on a short screen cuts the description, not the title or the fields (60×15)', () => {
	const long = task('active-learners', 'Activity', {
		description: `Distinct learners per calendar day or ISO week${' and what each of them did, by kind of activity'.repeat(8)}. More.`,
		parameters: ['course', 'period', 'from', 'to', 'tz'].map((name) => ({name, type: 'text' as const, description: `The ${name}`})),
	});
	const {lastFrame, unmount} = render(<FormScreen task={long} form={createFormState(long, {})} width={60} height={13} />);
	try {
		const lines = stripVTControlCharacters(lastFrame()!).split('\n');
		// Before, the description took 7 lines and the frame 15: Ink cut the title off the top.
		assert.ok(lines.length <= 13, `${lines.length} lines`);
		assert.equal(lines[0], 'Active learners');
		assert.match(lines.slice(1, 6).join(' '), /^Distinct learners per calendar day .*…$/);
		assert.ok(['course', 'period', 'from', 'to', 'tz'].every((name) => lines.some((line) => line.trimStart().replace(/^▸ /, '').startsWith(name))));
		assert.equal(lines.at(-1), '  The course');
		assert.ok(lines.every((line) => stringWidth(line) <= 60));
	} finally {
		unmount();
	}
});

test('the form\'s description wraps at spaces: a path in it stays whole (forum-contributors\' "/discussion/" at 100 columns)', () => {
	const forum = task('forum-contributors', 'Forum', {
		description:
			"Learners by forum posts created (threads + responses + comments, from edx.forum.*.created events), with each kind and their other edx.forum.* events (reads, votes, follows …; the server's /discussion/ page requests are not counted: creating a post logs one too). Ranked by posts.",
		parameters: [{name: 'course', type: 'course', description: 'Course id'}],
	});
	const {lastFrame, unmount} = render(<FormScreen task={forum} form={createFormState(forum, {})} width={100} height={30} />);
	try {
		const lines = stripVTControlCharacters(lastFrame()!).split('\n');
		// Broken after its "/" instead, it read "the server's /" and "discussion/ page requests".
		assert.deepEqual(lines.slice(1, 4), [
			'Learners by forum posts created (threads + responses + comments, from edx.forum.*.created events),',
			"with each kind and their other edx.forum.* events (reads, votes, follows …; the server's",
			'/discussion/ page requests are not counted: creating a post logs one too).',
		]);
	} finally {
		unmount();
	}
});

test('a short terminal scrolls the form to the focused field, says how many are above and below, and never overlaps two fields (40×10, 100×9)', async () => {
	const names = ['course', 'user', 'from', 'to', 'tz', 'idle'];
	const timeOnCourse = task('time-on-course', 'Engagement', {
		parameters: names.map((name) => ({name, type: name === 'course' ? ('course' as const) : name === 'tz' ? ('timezone' as const) : ('text' as const), description: `The ${name}`, required: name === 'user', default: name === 'idle' ? '30' : undefined})),
	});
	const services = fakeServices({loadCatalogue: async () => ({tasks: [timeOnCourse, ...tasks.slice(1)], problems: []})});
	const rendered = await renderAtMenu(services);
	const lines = () => stripVTControlCharacters(rendered.lastFrame() ?? '').split('\n');
	const fieldLines = () => lines().filter((line) => /^(▸ | {2})[a-z]+ {2,}/.test(line));
	try {
		await press(rendered.stdin, ENTER);
		await waitFor(rendered.lastFrame, '▸ course');
		rendered.rerender(<App services={services} width={40} height={10} />);
		await press(rendered.stdin, '\u001B[B', '\u001B[B');
		let frame = await waitFor(rendered.lastFrame, '▸ from');
		// Before, Ink squeezed the too-tall form: "from" had no line while the cursor sat on it, and the title was gone.
		assert.equal(lines()[0], 'Time on course');
		assert.deepEqual(fieldLines().map((line) => line.slice(2).split(' ')[0]), names, frame);
		rendered.rerender(<App services={services} width={100} height={9} />);
		frame = await waitFor(rendered.lastFrame, '↓ 2 more');
		assert.ok(lines().length <= 8, frame);
		assert.deepEqual(fieldLines().map((line) => line.slice(2).split(' ')[0]), ['course', 'user', 'from', 'to'], frame);
		// Each line is one field: at 100×9 "idle" was drawn over "tz" ("idle    30C").
		assert.equal(fieldLines().find((line) => line.includes('course'))?.trimEnd(), '  course  course-v1:A+1+2024');
		await press(rendered.stdin, '\u001B[B', '\u001B[B', '\u001B[B');
		frame = await waitFor(rendered.lastFrame, '▸ idle');
		assert.match(frame, /^ {2}↑ 2 more\n {2}from +\(none\)\n {2}to +\(none\)\n {2}tz +Europe\/Moscow\n▸ idle +30/m);
		// The message about a required field takes a line: the field it names stays in view above it.
		await press(rendered.stdin, ENTER);
		frame = await waitFor(rendered.lastFrame, '"user" needs a value');
		assert.ok(lines().length <= 8, frame);
		assert.match(frame, /^▸ user/m);
		assert.match(frame, /^Time on course\n {2}course .*\n▸ user +▏\n {2}from +\(none\)\n {2}↓ 3 more\n {2}The user\n"user" needs a value/m);
	} finally {
		rendered.unmount();
	}
});

test('a long cell is cut with a marker in the table and shown whole with Space', async () => {
	const long = `${'word '.repeat(60)}END`;
	const services = fakeServices({runTask: async (task) => ({...result([[long, 1]]), taskId: task.id})});
	const {lastFrame, stdin, unmount} = await openResult(services, 80, 24);
	try {
		const table = await waitFor(lastFrame, 'row 1/1');
		assert.match(table, /^▸ (word )+w[or]*… +1$/m);
		assert.doesNotMatch(table, /END/);
		await press(stdin, ' ');
		const cell = await waitFor(lastFrame, 'END');
		assert.match(cell, /event_type/);
		await press(stdin, ESC);
		// The table's row, not "row 1/1": the status line shows that under the cell too, so the wait ended before Ink
		// let the lone Esc through (it waits for a sequence's next byte), and the test failed on a busy machine.
		assert.doesNotMatch(await waitFor(lastFrame, /^▸ word/m), /END/);
	} finally {
		unmount();
	}
});

test('menu titles longer than the titles\' column are cut after a word, so that every description starts in the one column (a long title pushed its own further right)', () => {
	const long = [
		...tasks,
		task('problem-answers', 'Problems', {title: 'Problem answer distribution (first vs last attempt)'}),
		task('funnel', 'Completion', {title: 'Funnel from enrollment to completion'}),
		task('item-analysis', 'Problems', {title: "Item analysis (difficulty, discrimination, Cronbach's alpha)"}),
	];
	const cases = [
		{width: 80, column: 40, problems: 'Problem answer distribution (first…)', items: 'Item analysis (difficulty, …)'},
		{width: 120, column: 55, problems: 'Problem answer distribution (first vs last attempt)', items: 'Item analysis (difficulty, discrimination, …)'},
	];
	for (const {width, column, problems, items} of cases) {
		const {lastFrame, unmount} = render(<MenuScreen tasks={long} menu={initialMenuState} courses={[{courseId: 'c', events: 1}]} problems={[]} width={width} height={20} />);
		try {
			const lines = stripVTControlCharacters(lastFrame()!).split('\n');
			const rows = lines.filter((line) => / What \S+ counts/.test(line));
			assert.equal(rows.length, long.length, lines.join('\n'));
			// Every description in the titles' column: the widest title's and the gap at 120, 38 at 80.
			assert.deepEqual(rows.map((line) => line.search(/What \S+ counts/)), rows.map(() => column), lines.join('\n'));
			assert.ok(rows.some((line) => line.startsWith(`  ${problems} `)) && rows.some((line) => line.startsWith(`  ${items} `)), lines.join('\n'));
			assert.ok(rows.some((line) => /^ {2}Funnel from enrollment to completion +What funnel/.test(line)), lines.join('\n'));
			assert.ok(lines.every((candidate) => candidate.length <= width));
		} finally {
			unmount();
		}
	}
	// Narrower than a title and a few words of its description, it is cut to the row.
	const narrow = render(<MenuScreen tasks={long} menu={initialMenuState} courses={[{courseId: 'c', events: 1}]} problems={[]} width={40} height={20} />);
	try {
		assert.ok(stripVTControlCharacters(narrow.lastFrame()!).split('\n').includes('  Problem answer distribution (first…)'));
	} finally {
		narrow.unmount();
	}
});

test('the menu fills the lines it is given: title, notice, then tasks to the last line (one stayed blank), under their first heading', () => {
	const many = Array.from({length: 30}, (_, index) => task(`task-${String(index).padStart(2, '0')}`, `Group ${Math.floor(index / 5)}`));
	// Title, the notice's two lines, then 20 lines: 3 groups of a heading and 5 tasks, "Group 3" and its first task.
	const full = render(<MenuScreen tasks={many} menu={initialMenuState} courses={[]} problems={[]} width={80} height={23} />);
	// One line fewer would end with "Group 3" alone: the list ends a line early rather than lose "Group 0" off its top.
	const short = render(<MenuScreen tasks={many} menu={initialMenuState} courses={[]} problems={[]} width={80} height={22} />);
	try {
		const lines = stripVTControlCharacters(full.lastFrame()!).split('\n');
		assert.equal(lines.length, 23);
		assert.match(lines.at(-1) ?? '', /\S/);
		const shortLines = stripVTControlCharacters(short.lastFrame()!).split('\n');
		assert.deepEqual([shortLines.length, shortLines[3], shortLines.at(-1)?.trim().split(/ {2,}/)[0]], [21, 'Group 0', 'Task 14']);
	} finally {
		full.unmount();
		short.unmount();
	}
});

test('at 80 columns the filter being typed shows beside a long course id and task title, and a long notice wraps whole', () => {
	const course = 'course-v1:spbstu+PHYLOS+fall_2018';
	const typing = {...initialMenuState, editingFilter: true, filter: {value: 'act', cursor: 3}};
	const noInput = summary({lines: 0, loaded: 0, rejected: 0, noInputFolderIn: '/home/ann/openedu/exports/spbstu/fall-2018/physics-of-solids'});
	const menu = render(<MenuScreen tasks={tasks} menu={typing} courses={[{courseId: course, events: 9}]} course={course} dayZone="Europe/Moscow" problems={[]} lastIngest={noInput} width={80} height={22} />);
	const long = task('problem-answers', 'Problems', {title: 'Problem answer distribution (first vs last attempt)'});
	const picker = render(<CourseScreen task={long} choices={[course, 'course-v1:urfu+MATAN+fall_2019', undefined]} list={{...filteredList(0), editingFilter: true, filter: {value: 'spbstu', cursor: 6}}} courses={[]} width={80} rows={20} />);
	try {
		const lines = stripVTControlCharacters(menu.lastFrame()!).split('\n');
		// It read "Tasks · 2 of 4 · course course-v1:spbstu+PHYLOS+fall_2018 · days: Europe/Moscow +…".
		assert.match(lines[0] ?? '', /^Tasks · 2 of 4 · filter: act▏ · course course-v1:spbstu\+PHYLOS\+fall_2018 · days…$/);
		assert.deepEqual(lines.slice(1, 3), ['No input/ folder in /home/ann/openedu/exports/spbstu/fall-2018/', 'physics-of-solids: nothing new was read.']);
		const title = stripVTControlCharacters(picker.lastFrame()!).split('\n')[0] ?? '';
		assert.match(title, /^Problem answer distribution \(first vs … · which course\? 1 of 1 · filter: spbstu▏$/);
		for (const line of [...lines, title]) assert.ok(stringWidth(line) <= 80, line);
	} finally {
		menu.unmount();
		picker.unmount();
	}
});

test('menu notices: no data yet, unreadable task files, what the last load brought', () => {
	assert.match(menuNotices([], [], undefined)[0]?.text ?? '', /^No data yet: put tracking logs .* into input\//);
	const problems = [1, 2, 3].map((index) => ({file: `queries/bad-${index}.sql`, message: `bad-${index}.sql: the header has no "id:" line.`}));
	const notices = menuNotices([{courseId: 'c', events: 1}], problems, summary());
	assert.deepEqual(
		notices.map((notice) => notice.text),
		[
			// It named the file twice: 'Task file queries/bad-1.sql skipped: bad-1.sql: the header has no "id:" line.'
			'Skipped bad-1.sql: the header has no "id:" line.',
			'Skipped bad-2.sql: the header has no "id:" line.',
			'… and 1 more task file skipped (openpolyedu-tui tasks lists them).',
			'Last load: 990 new events, 3 rejected lines.',
		],
	);
	// Cancelled (while loading, or while updating the tables): the tasks do not see its events yet.
	assert.deepEqual(
		menuNotices([{courseId: 'c', events: 1}], [], summary({phase: 'cancelled', derivedCancelled: true})).map((notice) => [notice.tone, notice.text]),
		[
			['warning', 'Load cancelled: the tasks see its new events once the next start finishes it.'],
			['info', 'Last load: 990 new events, 3 rejected lines.'],
		],
	);
	// An input that failed (the app exits 1) is still said once the summary is gone.
	assert.deepEqual(
		menuNotices([{courseId: 'c', events: 1}], [], summary({filesFailed: 2})).map((notice) => [notice.tone, notice.text]),
		[['warning', 'Last load: 990 new events, 3 rejected lines, 2 inputs failed.']],
	);
	// One of each is said in the singular ("1 new events, 1 rejected lines").
	assert.deepEqual(
		menuNotices([], [], summary({loaded: 1, rejected: 1, filesFailed: 1}), 1).map((notice) => notice.text),
		['No course yet: none of the 1 event loaded names one (Data health counts them).', 'Last load: 1 new event, 1 rejected line, 1 input failed.'],
	);
	// Started without input/ on an empty database: one notice says where logs go (not also "No data yet", nor "No new data").
	const noInput = summary({lines: 0, loaded: 0, rejected: 0, noInputFolderIn: '/home/ann/courses'});
	assert.deepEqual(
		menuNotices([], [], noInput).map((notice) => [notice.tone, notice.text]),
		[['warning', 'Nothing loaded: no input/ folder in /home/ann/courses; put tracking logs there and start again.']],
	);
	// A first start with nothing in input/ yet: what to do, not also that "everything was already loaded".
	const nothingNew = summary({lines: 0, loaded: 0, rejected: 0});
	assert.deepEqual(
		menuNotices([], [], nothingNew).map((notice) => notice.text),
		['No data yet: put tracking logs (.log, .gz, .zip or folders) into input/ and start the app again.'],
	);
	assert.deepEqual(menuNotices([{courseId: 'c', events: 1}], [], nothingNew).map((notice) => notice.text), ['No new data in the inputs; everything was already loaded.']);
	// An input that failed again with no new line (a cut .gz read up to its cut before) is why the app exits 1: the menu
	// said "everything was already loaded".
	assert.deepEqual(
		menuNotices([{courseId: 'c', events: 1}], [], summary({lines: 0, loaded: 0, rejected: 0, filesFailed: 1})).map((notice) => [notice.tone, notice.text]),
		[['warning', 'Last load: 0 new events, 0 rejected lines, 1 input failed.']],
	);
	// On a database with data it only says nothing new was read: it told a user looking at 1M events in 3 courses to "start again".
	assert.deepEqual(
		menuNotices([{courseId: 'c', events: 1}], [], noInput).map((notice) => [notice.tone, notice.text]),
		[['info', 'No input/ folder in /home/ann/courses: nothing new was read.']],
	);
	assert.deepEqual(
		menuNotices([], [], noInput, 5).map((notice) => notice.text),
		['No input/ folder in /home/ann/courses: nothing new was read.', 'No course yet: none of the 5 events loaded names one (Data health counts them).'],
	);
});

test('a bar chart draws the rows as the table shows them: sorted by the values, then only those that match a search', () => {
	const types = result([['load_video', 2], ['play_video', 9], ['pause_video', 5], ['problem_check', 7]]);
	const barsOf = (frame: string) => stripVTControlCharacters(frame).split('\n').filter((line) => line.includes('█')).map((line) => line.split(' ')[0]);
	const sortedDown = [{type: 'move-column' as const, by: 1}, {type: 'sort' as const, direction: 'desc' as const}];
	const filtered = [...sortedDown, {type: 'search' as const, query: 'video'}, {type: 'toggle-filter' as const}];
	const expected = [
		[[], ['load_video', 'play_video', 'pause_video', 'problem_check']],
		[sortedDown, ['play_video', 'problem_check', 'pause_video', 'load_video']],
		[filtered, ['play_video', 'pause_video', 'load_video']],
	] as const;
	for (const [actions, bars] of expected) {
		const screen = {...resultScreenState(types, 80, 24, [...actions]), chart: true};
		const {lastFrame, unmount} = render(<ResultScreen screen={screen} width={80} height={24} />);
		try {
			assert.deepEqual(barsOf(lastFrame() ?? ''), bars);
		} finally {
			unmount();
		}
	}
});

test('the chart of a result sorted by its values still runs along time, with a break where days have no row', () => {
	const days: TaskResult = {taskId: 'activity-by-day', columns: [{name: 'day', kind: 'date'}, {name: 'events', kind: 'number'}], rows: [['2024-03-01', 5], ['2024-03-02', 9], ['2024-03-20', 2], ['2024-03-21', 4]], parameters: {}, elapsedMs: 1};
	// Sorted by events, descending, as ] on that column leaves the table.
	const screen = {...resultScreenState(days, 80, 24, [{type: 'move-column', by: 1}, {type: 'sort', direction: 'desc'}]), task: tasks[1]!, chart: true};
	const {lastFrame, unmount} = render(<ResultScreen screen={screen} width={80} height={24} />);
	try {
		const frame = stripVTControlCharacters(lastFrame() ?? '');
		assert.match(frame, /^ +2024-03-01 +2024-03-21$/m);
		assert.match(frame, /events by day · a break: no rows for those day values/);
		const plot = frame.split('\n').filter((line) => /[┤┼]/.test(line));
		// 2 March's 9 events on the top row near the axis, 20 March's 2 on the bottom row near the end, nothing between.
		const drawn = plot.map((line) => [...line.slice(line.search(/[┤┼]/) + 1)].flatMap((char, column) => (char === ' ' ? [] : [column])));
		assert.ok(Math.max(...(drawn[0] ?? [])) < 5, plot[0]);
		assert.ok(Math.min(...(drawn.at(-1) ?? [])) > 65, plot.at(-1));
		assert.ok(drawn.flat().every((column) => column < 5 || column > 65), plot.join('\n'));
	} finally {
		unmount();
	}
});

test('c on activity-heatmap\'s result shows its heatmap above the table, c again hides it', async () => {
	const heatmap = task('activity-heatmap', 'Activity', {chart: {kind: 'heatmap', x: 'day_name', y: ['h00..h23']}});
	const week: TaskResult = {
		taskId: 'activity-heatmap',
		columns: [{name: 'weekday', kind: 'number'}, {name: 'day_name', kind: 'text'}, ...Array.from({length: 24}, (_, hour) => ({name: `h${String(hour).padStart(2, '0')}`, kind: 'number' as const}))],
		rows: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((day, index) => [index + 1, day, ...Array.from({length: 24}, (_, hour) => index * 24 + hour)]),
		parameters: {},
		elapsedMs: 3,
	};
	const services = fakeServices({loadCatalogue: async () => ({tasks: [heatmap, tasks[0]!, ...tasks.slice(2)], problems: []}), runTask: async () => week});
	const {lastFrame, stdin, unmount} = await renderAtMenu(services);
	try {
		await press(stdin, ENTER, ENTER);
		await waitFor(lastFrame, 'row 1/7');
		assert.doesNotMatch(lastFrame() ?? '', /least to most/);
		await press(stdin, 'c');
		const shown = stripVTControlCharacters(await waitFor(lastFrame, 'least to most'));
		// 0 to 167 events an hour: Thursday's 72 to 83 the second shade, its 84 to 95 the third.
		assert.match(shown, /^Monday {4}░{48}$/m);
		assert.match(shown, /^Thursday {2}▒{24}▓{24}$/m);
		assert.match(shown, /^Sunday {4}█{48}$/m);
		assert.match(shown, /^ {10}0 {5}3 {5}6 /m);
		await press(stdin, 'c');
		await until(() => !/least to most/.test(lastFrame() ?? ''), 'the heatmap hidden');
	} finally {
		unmount();
	}
});

test('on active-learners\' chart, 1 hides the active line (the axis then spans the others) and says so in the legend; 1 again shows it', async () => {
	const activeLearners = task('active-learners', 'Activity', {chart: {kind: 'line', x: 'period_start', y: ['active', 'video', 'problem', 'forum']}});
	const weeks: TaskResult = {
		taskId: 'active-learners',
		columns: [{name: 'period_start', kind: 'date'}, ...['active', 'video', 'problem', 'forum'].map((name) => ({name, kind: 'number' as const}))],
		rows: [['2024-03-04', 100, 40, 12, 1], ['2024-03-11', 120, 35, 10, 3], ['2024-03-18', 90, 50, 14, 2]],
		parameters: {},
		elapsedMs: 3,
	};
	const services = fakeServices({loadCatalogue: async () => ({tasks: [activeLearners, ...tasks.slice(1)], problems: []}), runTask: async () => weeks});
	const {lastFrame, stdin, unmount} = await renderAtMenu(services);
	try {
		// First on the menu; its course and zone, then Enter runs it.
		await press(stdin, ENTER, ENTER);
		await waitFor(lastFrame, 'row 1/3');
		await press(stdin, 'c');
		const all = stripVTControlCharacters(await waitFor(lastFrame, 'forum by period_start'));
		assert.match(all, /^ +120 [┤┼]/m);
		assert.match(all, / 1 active, 2 video, 3 problem, 4 forum by period_start/);
		await press(stdin, '1');
		const hidden = stripVTControlCharacters(await waitFor(lastFrame, 'active (hidden)'));
		assert.match(hidden, /^ +50 [┤┼]/m, 'the axis tops at video\'s 50');
		assert.doesNotMatch(hidden, /^ +120 /m);
		assert.match(hidden, / 1 active \(hidden\), 2 video, 3 problem, 4 forum by period_start/);
		await press(stdin, '2', '3', '4');
		assert.match(stripVTControlCharacters(await waitFor(lastFrame, 'One line stays shown')), /^ +3 [┤┼]/m, 'forum alone, on its own axis');
		await press(stdin, '1', '2', '3');
		const back = stripVTControlCharacters(await waitFor(lastFrame, / 1 active, 2 video, 3 problem, 4 forum by/));
		assert.match(back, /^ +120 [┤┼]/m, 'drawn again with all four');
	} finally {
		unmount();
	}
});

test('Ctrl-T while the learner picker\'s filter is typed shows the task in full; Esc goes back to the filter being typed, its cursor and page as they were', async () => {
	const services = fakeServices({...withUserTask(false), listPicks: async () => thirtyLearners});
	const {lastFrame, stdin, unmount} = await renderAtLearnerPicker(services);
	try {
		// Still typing, on the last page of the 11 matches (↓ moves over them), the cursor before "-1".
		await press(stdin, '/', 'learner-1', ...Array.from({length: 10}, () => '\u001B[B'), '\u001B[D', '\u001B[D');
		const picker = await waitFor(lastFrame, 'which learner? 11 of 11 · filter: learner▏-1');
		assert.match(picker, /▸ learner-19 11 events\n/);
		assert.match(picker, /Enter accept · Esc clear · Ctrl-T details/);
		await press(stdin, CTRL_T);
		assert.match(await waitFor(lastFrame, 'Task learners'), /Esc\/q back/);
		await press(stdin, ESC);
		await waitFor(lastFrame, 'which learner?');
		assert.equal(lastFrame(), picker, 'the picker as it was');
		// The filter is still being typed, at its cursor: "0" makes it learner0-1, which none is.
		await press(stdin, '\u0005', '0');
		await waitFor(lastFrame, 'filter: learner-10▏');
		assert.deepEqual(services.errors, []);
	} finally {
		unmount();
	}
});

test("the load panel's columns stay where they are as a file's counts grow and its first rejected lines come (they moved left)", () => {
	const frames = [
		{loaded: 0, rejected: 0},
		{loaded: 12_345, rejected: 0},
		{loaded: 123_456, rejected: 3},
	].map((counts) => {
		const files = [file('input/course.log', 'loading', 500_000, 2_000_000, counts), file('input/next.log', 'pending', 0, 1_000_000)];
		const {lastFrame, unmount} = render(<ProgressPanel snapshot={snapshot({files, currentFile: 'input/course.log'})} rateHistory={[]} width={80} height={20} />);
		const frame = stripVTControlCharacters(lastFrame()!);
		unmount();
		return frame;
	});
	// Where the bar, the share done and the sizes of each file start, in each frame.
	const columns = frames.map((frame) => frame.split('\n').flatMap((line) => (/^[▸·] input\//.test(line) ? [line.search(/[█░]/), line.search(/\d+%/), line.search(/\d+\.\d (KB|MB)\//)] : [])));
	assert.deepEqual(columns[1], columns[0], 'at 12,345 events');
	assert.deepEqual(columns[2], columns[0], 'at the first rejected lines');
	assert.match(frames[2]!, /▸ input\/course\.log +[█▏▎▍▌▋▊▉]+░+ +25% +500\.0 KB\/2\.0 MB 123,456 ev, 3 rej$/m);
});

