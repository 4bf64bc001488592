import assert from 'node:assert/strict';
import {test} from 'node:test';
import {helpLines, hintLine, keymap} from '../../source/ui/keymap.js';
import {positionText} from '../../source/ui/screens/result-screen.js';
import {pickerView} from '../../source/ui/state/course-picker.js';
import {filteredList} from '../../source/ui/state/filtered-list.js';
import {openedList, pickLabel, pickSummary, pickView, shownItems} from '../../source/ui/state/picker.js';
import {appReducer, closingText, coursePageSize, createAppState, detailsPageSize, exitCodeOf, flashLine, keyHints, resultLayout, savingLines, savingText, scopeOf, shownHelpLines, shownResultLayout, statusLines, type AppEvent, type AppState} from '../../source/ui/state/app-state.js';
import {taskDetailLines} from '../../source/ui/lib/task-details.js';
import {learnerSummary, result, snapshot, summary, task, tasks} from './fixtures.js';

const courses = [
	{courseId: 'course-v1:A+1+2024', events: 100},
	{courseId: 'course-v1:B+2+2024', events: 50},
];

function apply(state: AppState, ...events: AppEvent[]): AppState {
	return events.reduce(appReducer, state);
}

/** A key as the input hook sends it: printable keys also carry their text. */
function key(name: string): AppEvent {
	return {type: 'key', name, text: name.length === 1 ? name : name === 'space' ? ' ' : ''};
}

function keys(state: AppState, ...names: string[]): AppState {
	return apply(state, ...names.map(key));
}

function atMenu(courseList = courses): AppState {
	return apply(
		createAppState(80, 24),
		{type: 'catalogue', tasks, problems: []},
		{type: 'ingest-started'},
		{type: 'ingest-finished', summary: summary({lines: 0, loaded: 0, duplicates: 0, rejected: 0})},
		{type: 'courses', courses: courseList, eventsWithoutCourse: 0},
	);
}

test('start-up: database steps, then the load with sampled snapshots, then the summary, then the menu', () => {
	let state = apply(createAppState(80, 24), {type: 'step', step: 'starting database'});
	assert.deepEqual(state.screen, {name: 'starting', step: 'starting database'});
	// Before the first byte read (scanning, then the first lines on their way), 0 MB/s is no rate: no point.
	state = apply(state, {type: 'ingest-started'}, {type: 'ingest-progress', snapshot: snapshot({phase: 'scanning', elapsedMs: 0, bytesRead: 0, megabytesPerSecond: 0})});
	state = apply(state, {type: 'ingest-progress', snapshot: snapshot({elapsedMs: 1000, bytesRead: 0, megabytesPerSecond: 0})}, {type: 'ingest-progress', snapshot: snapshot({elapsedMs: 2000, bytesRead: 0, megabytesPerSecond: 0})});
	if (state.screen.name === 'ingest') assert.deepEqual(state.screen.rateHistory, [], 'it started with zeros');
	state = apply(state, {type: 'ingest-progress', snapshot: snapshot({elapsedMs: 2500, megabytesPerSecond: 5})});
	state = apply(state, {type: 'ingest-progress', snapshot: snapshot({elapsedMs: 3000, megabytesPerSecond: 6})}, {type: 'ingest-progress', snapshot: snapshot({elapsedMs: 3600, megabytesPerSecond: 7})});
	assert.equal(state.screen.name, 'ingest');
	if (state.screen.name === 'ingest') assert.deepEqual(state.screen.rateHistory, [5, 7], 'one sparkline point per second');
	// The tables' update after the load adds none: the line went on with the load's last rate, a point a second.
	state = apply(state, ...[5000, 6000, 7000].map((elapsedMs) => ({type: 'ingest-progress' as const, snapshot: snapshot({phase: 'deriving', elapsedMs, megabytesPerSecond: 7})})));
	if (state.screen.name === 'ingest') assert.deepEqual(state.screen.rateHistory, [5, 7], 'none while the tables are updated');
	state = apply(state, {type: 'ingest-finished', summary: summary()});
	assert.equal(state.screen.name, 'summary');
	assert.equal(scopeOf(state), 'summary');
	state = keys(state, 'enter');
	assert.equal(state.screen.name, 'menu');
	assert.equal(state.lastIngest?.loaded, 990);
});

test('a load that found nothing new goes straight to the menu', () => {
	assert.equal(atMenu().screen.name, 'menu');
});

test('Esc during the load asks first; n keeps loading, y cancels', () => {
	const loading = apply(createAppState(80, 24), {type: 'ingest-started'});
	const asked = keys(loading, 'escape');
	assert.equal(scopeOf(asked), 'confirm');
	const kept = keys(asked, 'n');
	assert.deepEqual(kept.screen.name === 'ingest' && [kept.screen.confirmCancel, kept.screen.cancelling], [false, false]);
	const cancelled = keys(loading, 'q', 'y');
	assert.deepEqual(cancelled.screen.name === 'ingest' && [cancelled.screen.confirmCancel, cancelled.screen.cancelling], [false, true]);
});

test('the exit code: 130 once a running load was cancelled (then as ever after), 1 after a fatal error or a load with a failed input, else 0', () => {
	const loading = apply(createAppState(80, 24), {type: 'ingest-started'});
	assert.equal(exitCodeOf(keys(createAppState(80, 24), 'ctrl+c')), 130, 'Ctrl-C while the database starts: the load never ran to its end');
	assert.equal(exitCodeOf(keys(loading, 'ctrl+c')), 130, 'Ctrl-C while loading cancels the load');
	const cancelled = apply(keys(loading, 'q', 'y'), {type: 'ingest-finished', summary: summary({phase: 'cancelled'})});
	assert.equal(cancelled.screen.name, 'summary');
	assert.equal(exitCodeOf(keys(cancelled, 'q')), 130, 'q on the summary of a cancelled load');
	assert.equal(exitCodeOf(keys(cancelled, 'enter', 'q')), 130, 'and later, from the menu');
	assert.equal(exitCodeOf(apply(loading, {type: 'ingest-finished', summary: summary({phase: 'cancelled', derivedCancelled: true})})), 130, "a cancel of the tables' update too");
	const finished = apply(loading, {type: 'ingest-finished', summary: summary()});
	assert.equal(exitCodeOf(keys(finished, 'q')), 0, 'a normal quit after the load finished');
	assert.equal(exitCodeOf(keys(atMenu(), 'q')), 0, 'nothing new to load');
	const inputFailed = apply(loading, {type: 'ingest-finished', summary: summary({filesFailed: 1})});
	assert.equal(exitCodeOf(keys(inputFailed, 'enter', 'q')), 1, 'an input failed: 1, as ingest exits, after using the tasks too');
	assert.equal(exitCodeOf(keys(apply(loading, {type: 'ingest-finished', summary: summary({phase: 'failed', error: 'lost'})}), 'q')), 1, 'a failed load');
	assert.equal(exitCodeOf(apply(createAppState(80, 24), {type: 'error', fatal: true, error: {title: 't', message: 'm', hint: 'h'}})), 1);
});

test('while filtering the menu, arrows move the selection and Enter accepts the filter', () => {
	const state = keys(atMenu(), '/', 'a', 'c', 't', 'down');
	assert.equal(state.menu.editingFilter, true);
	assert.equal(state.menu.selected, 'event-types');
	const accepted = keys(state, 'enter');
	assert.deepEqual([accepted.menu.editingFilter, accepted.menu.filter.value, accepted.screen.name], [false, 'act', 'menu']);
});

test('Ctrl-C quits from any screen, even while typing', () => {
	assert.equal(keys(createAppState(80, 24), 'ctrl+c').quitting, true);
	assert.equal(keys(atMenu(), '/', 'ctrl+c').quitting, true);
});

test('menu → course picker (several courses) → form with the course filled in → running → result', () => {
	let state = keys(atMenu(), 'j', 'enter');
	assert.equal(state.screen.name, 'course');
	if (state.screen.name === 'course') {
		assert.equal(state.screen.task.id, 'event-types');
		assert.deepEqual(state.screen.choices, ['course-v1:A+1+2024', 'course-v1:B+2+2024', undefined], 'all courses when not required');
	}
	state = keys(state, 'j', 'enter');
	assert.equal(state.screen.name, 'form');
	assert.equal(state.course, 'course-v1:B+2+2024', 'remembered for the next task');
	state = keys(state, 'tab', 'backspace', 'backspace', 'backspace', 'E', 'u', 'r', 'o', 'p', 'e', '/', 'M', 'o', 's', 'c', 'o', 'w', 'enter');
	assert.equal(state.screen.name, 'running');
	if (state.screen.name !== 'running') return;
	assert.deepEqual(state.screen.values, {course: 'course-v1:B+2+2024', tz: 'Europe/Moscow'}, '"/" is typed into a field, not a filter');
	const {runId} = state.screen;
	assert.equal(apply(state, {type: 'task-finished', runId: runId + 1, result: result([])}).screen.name, 'running', 'a stale run is ignored');
	// What an answer leaves approximate shows with it, in the status bar.
	const noted = apply(state, {type: 'task-finished', runId, result: {...result([['play_video', 5]]), notes: ['Asia/Kolkata is UTC+05:30, …']}});
	assert.deepEqual([noted.screen.name, noted.flash?.text], ['result', 'Asia/Kolkata is UTC+05:30, …']);
	state = apply(state, {type: 'task-finished', runId, result: result([['play_video', 5]])});
	assert.equal(state.screen.name, 'result');
	assert.equal(state.flash, undefined);
});

test('the course picker moves as every list does: End/G to the last choice, Home/g to the first, PgDn/PgUp by a page', () => {
	const picker = keys(atMenu(), 'j', 'enter');
	const cursor = (state: AppState) => (state.screen.name === 'course' ? state.screen.list.selected : undefined);
	assert.deepEqual([cursor(keys(picker, 'end')), cursor(keys(picker, 'G')), cursor(keys(picker, 'end', 'home')), cursor(keys(picker, 'G', 'g'))], [2, 2, 0, 0]);
	const all = keys(picker, 'end', 'enter');
	assert.deepEqual(all.screen.name === 'form' && all.screen.form.fields.map((field) => field.value), ['', 'UTC'], 'End then Enter: all courses, not the first');
	const many = keys(atMenu(Array.from({length: 30}, (_, index) => ({courseId: `course-v1:X+${index}+2024`, events: 1}))), 'j', 'enter');
	// 24 rows: 21 courses fit under the title, above the hint line.
	assert.deepEqual([cursor(keys(many, 'pagedown')), cursor(keys(many, 'pagedown', 'pagedown')), cursor(keys(many, 'end', 'pageup')), cursor(keys(many, 'ctrl+f', 'ctrl+b'))], [21, 30, 9, 0]);
	// Under a save's progress line, 20 fit: a page of 21 hid the last course under it.
	const saving: AppState = {...many, saving: {id: 1, format: 'csv', result: result([['play_video', 5]]), view: [0], written: 0}};
	assert.deepEqual([coursePageSize(saving), coursePageSize(many), cursor(keys(saving, 'pagedown'))], [20, 21, 20]);
});

test('the course picker filters as the menu does: / then words of the course id, arrows move over the matches, Enter accepts, Enter picks; Esc clears, then goes back', () => {
	const many = atMenu(['DemoX+Demo_Course', 'DemoX+Test_2014', 'OpenCraft+PRDemo1', 'OpenCraft+VD101x', 'Medicine+HRP258'].map((name, index) => ({courseId: `course-v1:${name}`, events: index})));
	const shown = (state: AppState) => (state.screen.name === 'course' ? pickerView(state.screen.choices, state.screen.list) : undefined);
	const picked = (state: AppState) => (state.screen.name === 'course' ? state.screen.choices[state.screen.list.selected ?? -1] : 'no picker');
	const typing = keys(many, 'j', 'enter', '/', ...'DEMO ');
	assert.equal(scopeOf(typing), 'text');
	assert.deepEqual(shown(typing), {shown: [0, 1, 2], position: 0}, 'case aside, every course holding "demo"');
	// "j" is typed, not a move: the filter narrows to the one course holding both words.
	const narrowed = keys(typing, 'c', 'r', 'down');
	assert.deepEqual([shown(narrowed), picked(narrowed)], [{shown: [2], position: 0}, 'course-v1:OpenCraft+PRDemo1']);
	const moved = keys(typing, 'down', 'down');
	assert.equal(picked(moved), 'course-v1:OpenCraft+PRDemo1', 'arrows move over the matches');
	const accepted = keys(moved, 'enter');
	assert.deepEqual([accepted.screen.name, scopeOf(accepted)], ['course', 'course']);
	const chosen = keys(accepted, 'enter');
	assert.equal(chosen.screen.name === 'form' && chosen.screen.form.fields[0]?.value, 'course-v1:OpenCraft+PRDemo1');
	// "all courses" is listed by its words too.
	assert.deepEqual(shown(keys(many, 'j', 'enter', '/', ...'all')), {shown: [5], position: 0});
	const none = keys(many, 'j', 'enter', '/', 'z', 'z', 'enter');
	assert.deepEqual(shown(none), {shown: [], position: 0});
	assert.equal(keys(none, 'enter').screen.name, 'course', 'nothing to pick: Enter does nothing');
	const cleared = keys(none, 'escape');
	assert.deepEqual([cleared.screen.name, shown(cleared)?.shown.length, picked(cleared)], ['course', 6, 'course-v1:DemoX+Demo_Course']);
	assert.equal(keys(cleared, 'escape').screen.name, 'menu');
	assert.equal(keys(accepted, 'escape', 'escape').screen.name, 'menu', 'an accepted filter is cleared first');
});

test('the next course picker starts on the last pick, "all courses" included', () => {
	const cursor = (state: AppState) => (state.screen.name === 'course' ? state.screen.choices[state.screen.list.selected ?? -1] : 'no picker');
	assert.equal(cursor(keys(atMenu(), 'j', 'enter')), 'course-v1:A+1+2024', 'the first course before any pick');
	const all = keys(atMenu(), 'j', 'enter', 'end', 'enter', 'escape');
	assert.equal(cursor(keys(all, 'enter')), undefined, 'all courses again');
	assert.equal(cursor(keys(all, 'k', 'enter')), undefined, 'for another task too');
	const second = keys(atMenu(), 'j', 'enter', 'j', 'enter', 'escape');
	assert.equal(cursor(keys(second, 'enter')), 'course-v1:B+2+2024');
	// A course typed into the form after picking all courses is the new last pick once a task has run with it;
	// one the task refused ("No course …") is not (it stayed in the menu's header and the next forms).
	const typedRun = (course: string, outcome: 'finished' | 'failed') => {
		const running = keys(all, 'enter', 'enter', ...course, 'enter');
		assert.equal(running.screen.name, 'running');
		const runId = running.screen.name === 'running' ? running.screen.runId : -1;
		const ended =
			outcome === 'finished'
				? apply(running, {type: 'task-finished', runId, result: result([])})
				: apply(running, {type: 'task-failed', runId, error: {title: 'The task did not run', message: `No course "${course}".`, hint: ''}});
		return keys(ended, 'escape', 'escape');
	};
	const typed = typedRun('course-v1:B+2+2024', 'finished');
	assert.equal(typed.screen.name, 'menu');
	assert.equal(cursor(keys(typed, 'enter')), 'course-v1:B+2+2024');
	const refused = typedRun('course-v1:B+2+202Y', 'failed');
	assert.deepEqual([refused.screen.name, refused.course, cursor(keys(refused, 'enter'))], ['menu', undefined, undefined]);
	// A course emptied in the form ran with all courses: the header named the course picked before, and the next
	// picker started on it.
	const picked = keys(atMenu(), 'j', 'enter', 'j', 'enter');
	const emptied = keys(picked, ...Array.from({length: 'course-v1:B+2+2024'.length}, () => 'backspace'), 'enter');
	const emptiedRun = emptied.screen.name === 'running' ? emptied.screen.runId : -1;
	const ranAll = keys(apply(emptied, {type: 'task-finished', runId: emptiedRun, result: {...result([]), parameters: {course: ''}}}), 'escape', 'escape');
	assert.deepEqual([ranAll.screen.name, ranAll.course, ranAll.allCourses, cursor(keys(ranAll, 'enter'))], ['menu', undefined, true, undefined]);
	const needsOne = apply(all, {type: 'catalogue', problems: [], tasks: [task('one-course', 'Activity', {parameters: [{name: 'course', type: 'course', required: true, description: 'Course id'}]})]});
	assert.equal(cursor(keys(needsOne, 'enter')), 'course-v1:A+1+2024', 'a task that needs one course starts on the first');
});

test('a form with a required field left empty says so and puts the cursor there, instead of running into an error screen', () => {
	const atRisk = task('at-risk', 'Completion', {parameters: [{name: 'as_of', type: 'date', required: true, description: 'Reference day'}, {name: 'tz', type: 'timezone', description: 'Time zone', default: 'UTC'}]});
	const atForm = keys(apply(atMenu([courses[0]!]), {type: 'catalogue', problems: [], tasks: [atRisk]}), 'enter', 'tab');
	const refused = keys(atForm, 'enter');
	assert.equal(refused.screen.name, 'form');
	assert.equal(refused.screen.name === 'form' && refused.screen.form.focus, 0, 'the cursor on the empty field');
	assert.deepEqual([refused.flash?.text, refused.flash?.tone], ['"as_of" needs a value: Reference day.', 'error']);
	const ran = keys(refused, ...'2024-01-31', 'enter');
	assert.equal(ran.screen.name, 'running');
	assert.equal(ran.flash, undefined, 'the message about the empty field goes once the form runs');
});

/** learner-path's parameters: a required learner first, then the course and the zone. */
const learnerPath = task('learner-path', 'Pages', {
	parameters: [
		{name: 'user', type: 'user', required: true, description: 'Learner username'},
		{name: 'course', type: 'course', description: 'Course id'},
		{name: 'tz', type: 'timezone', description: 'Time zone', default: 'UTC'},
	],
});
/** Names as logs spell them: spaces, quotes, Cyrillic; most active first, as listPicks gives them. */
const learners = [
	{id: 'Анна Петрова', count: 40},
	{id: "o'brien \"ob\"", count: 25},
	{id: 'bob', count: 25},
	{id: 'zoë', count: 1},
];

/** The learner-path form on course A (picked in the course picker), the cursor on its user field. */
function atLearnerForm(): AppState {
	return keys(apply(atMenu(), {type: 'catalogue', problems: [], tasks: [learnerPath]}), 'enter', 'enter');
}

/** The picker's answer to the request it made. */
function listed(state: AppState, list = learners): AppState {
	return state.screen.name === 'picker' ? apply(state, {type: 'picks', requestId: state.screen.requestId, items: list}) : state;
}

const fieldValues = (state: AppState) => (state.screen.name === 'form' ? state.screen.form.fields.map((field) => field.value) : `on ${state.screen.name}`);
const highlighted = (state: AppState) => (state.screen.name === 'picker' ? state.screen.items?.[state.screen.list.selected ?? -1]?.id : `on ${state.screen.name}`);

test("Ctrl-L on a user field lists the learners of the form's course; Enter puts the name in, Esc leaves the form as it was", () => {
	const form = atLearnerForm();
	assert.deepEqual(fieldValues(form), ['', 'course-v1:A+1+2024', 'UTC']);
	assert.match(hintLine(scopeOf(form), keyHints(form)), /Ctrl-L learners · F1 help$/, 'the key shown on a user field');
	const opening = keys(form, 'ctrl+l');
	assert.equal(opening.screen.name, 'picker');
	if (opening.screen.name !== 'picker') return;
	assert.deepEqual([opening.screen.course, opening.screen.items, scopeOf(opening)], ['course-v1:A+1+2024', undefined, 'picker']);
	// Keys before the list is there move nothing; an answer to an earlier opening is not this one's.
	assert.deepEqual(keys(opening, 'j', '/', 'x').screen, opening.screen);
	assert.equal(apply(opening, {type: 'picks', requestId: opening.screen.requestId - 1, items: learners}).screen, opening.screen);
	const open = listed(opening);
	assert.equal(highlighted(open), 'Анна Петрова', 'the most active first');
	const picked = keys(open, 'j', 'enter');
	assert.deepEqual(fieldValues(picked), ["o'brien \"ob\"", 'course-v1:A+1+2024', 'UTC'], 'the name whole, quotes and all');
	assert.equal(picked.screen.name === 'form' && picked.screen.form.focus, 0, 'still on the user field');
	// Opened again on a name, the cursor is on it; Esc after moving changes nothing.
	const again = listed(keys(picked, 'ctrl+l'));
	assert.equal(highlighted(again), "o'brien \"ob\"");
	assert.deepEqual(keys(again, 'G', 'escape').screen, picked.screen);
	// With the course field emptied, every course's learners.
	const allCourses = keys(picked, 'tab', 'ctrl+u', 'shift+tab', 'ctrl+l');
	assert.equal(allCourses.screen.name === 'picker' && allCourses.screen.course, '');
	// Off a user field Ctrl-L does nothing, and the hint line does not offer it.
	const onZone = keys(picked, 'tab', 'tab');
	assert.deepEqual(keys(onZone, 'ctrl+l').screen, onZone.screen);
	assert.doesNotMatch(hintLine(scopeOf(onZone), keyHints(onZone)), /Ctrl-L/);
});

test('Enter with the required learner left empty opens the picker on that field instead of refusing; it moves and filters as the course picker', () => {
	const form = keys(atLearnerForm(), 'tab', 'tab');
	const opened = keys(form, 'enter');
	assert.deepEqual([opened.screen.name, opened.screen.name === 'picker' && opened.screen.form.focus, opened.flash], ['picker', 0, undefined]);
	const many = Array.from({length: 50}, (_, index) => ({id: `learner${index}`, count: 50 - index}));
	const open = listed(opened, many);
	// 24 rows: 20 learners fit under the title and the line saying whose they are.
	assert.deepEqual(['end', 'home', 'pagedown', 'ctrl+b'].map((name) => highlighted(keys(open, 'G', 'g', name))), ['learner49', 'learner0', 'learner20', 'learner0']);
	// "/" then words of the name, arrows over the matches, Enter accepts, Enter picks.
	const typing = keys(open, '/', ...'learner4');
	assert.deepEqual([scopeOf(typing), highlighted(typing)], ['text', 'learner4']);
	const picked = keys(typing, 'down', 'enter', 'enter');
	assert.deepEqual(fieldValues(picked), ['learner40', 'course-v1:A+1+2024', 'UTC']);
	// Esc clears the filter first, then goes back to the form as it was (focused on the user field).
	const cleared = keys(typing, 'enter', 'escape');
	assert.deepEqual([cleared.screen.name, highlighted(cleared)], ['picker', 'learner4']);
	assert.deepEqual(keys(cleared, 'escape').screen, opened.screen.name === 'picker' ? {name: 'form', task: learnerPath, form: opened.screen.form} : undefined);
	// Picked, the form runs.
	assert.equal(keys(picked, 'enter').screen.name, 'running');
});

test('a name begun in the field is the filter, still typed: it goes on there, a typo is mended with Backspace; none matching, or none listed, Enter picks nothing', () => {
	const begun = listed(keys(atLearnerForm(), ...'ПЕТР', 'ctrl+l'));
	assert.equal(begun.screen.name === 'picker' && begun.screen.list.filter.value, 'ПЕТР');
	assert.deepEqual([scopeOf(begun), highlighted(begun)], ['text', 'Анна Петрова'], 'case aside');
	assert.deepEqual(fieldValues(keys(begun, 'enter', 'enter')), ['Анна Петрова', 'course-v1:A+1+2024', 'UTC'], 'Enter accepts the filter, Enter picks');
	assert.equal(highlighted(keys(begun, ...Array(4).fill('backspace'), ...'bob')), 'bob', 'typing goes on in the filter');
	const misspelt = listed(keys(atLearnerForm(), ...'bobb', 'ctrl+l'));
	assert.deepEqual([highlighted(misspelt), highlighted(keys(misspelt, 'backspace'))], [undefined, 'bob']);
	const unmatched = keys(misspelt, 'enter');
	assert.deepEqual([keys(unmatched, 'enter').screen.name, fieldValues(keys(unmatched, 'escape', 'escape'))], ['picker', ['bobb', 'course-v1:A+1+2024', 'UTC']]);
	const empty = listed(keys(atLearnerForm(), 'ctrl+l'), []);
	assert.deepEqual([keys(empty, 'enter').screen.name, keys(empty, 'escape').screen.name], ['picker', 'form']);
});

/** video-dropoff's parameters: a required video, then the course. */
const videoDropoff = task('video-dropoff', 'Videos', {
	parameters: [
		{name: 'video', type: 'video', required: true, description: 'Video id'},
		{name: 'course', type: 'course', description: 'Course id'},
	],
});
/** Videos as OpenEdu logs them (hashes), with the unit and page that tell them apart; most viewers first. */
const videos = [
	{id: '3c9e0a51f2', count: 40, unit: '1.1 Маятник', url: '/courses/course-v1:A+1+2024/courseware/ch1/s1/1'},
	{id: 'a77d01b4e9', count: 12, unit: '2.3 Волны', url: '/courses/course-v1:A+1+2024/courseware/ch2/s3/2'},
	{id: 'f00dfeed01', count: 3, unit: '', url: '/courses/course-v1:A+1+2024/courseware/ch2/s3/5'},
];

test("Ctrl-L on a video field lists the course's videos; typing a unit's name or a URL's part filters them, Enter puts the id in", () => {
	const form = keys(apply(atMenu(), {type: 'catalogue', problems: [], tasks: [videoDropoff]}), 'enter', 'enter');
	assert.match(hintLine(scopeOf(form), keyHints(form)), /Ctrl-L videos · F1 help$/, 'the key says what it lists there');
	const opening = keys(form, 'ctrl+l');
	if (opening.screen.name !== 'picker') throw new Error(`no picker: ${opening.screen.name}`);
	assert.deepEqual([opening.screen.kind, opening.screen.course], ['video', 'course-v1:A+1+2024']);
	const picker = listed(opening, videos);
	assert.equal(highlighted(picker), '3c9e0a51f2', 'the most watched first');
	assert.equal(highlighted(keys(picker, '/', ...'волны')), 'a77d01b4e9', "by the unit's name, case aside");
	assert.equal(highlighted(keys(picker, '/', ...'s3/5')), 'f00dfeed01', 'by the page');
	assert.deepEqual(fieldValues(keys(picker, '/', ...'волны', 'enter', 'enter')), ['a77d01b4e9', 'course-v1:A+1+2024']);
	// On the course field the key lists nothing and is not offered.
	const onCourse = keys(form, 'tab');
	assert.deepEqual([keys(onCourse, 'ctrl+l').screen.name, hintLine(scopeOf(onCourse), keyHints(onCourse)).includes('Ctrl-L')], ['form', false]);
	// Run without the video it needs: the picker opens on that field, as for a learner (it said "needs a value").
	const unpicked = keys(onCourse, 'enter');
	assert.deepEqual([unpicked.screen.name, unpicked.screen.name === 'picker' && unpicked.screen.kind, unpicked.flash], ['picker', 'video', undefined]);
});

test('the picker matches an id, a unit or a URL, shows them as one line, and opens on the id the field holds', () => {
	assert.deepEqual(videos.map(pickLabel), [
		'3c9e0a51f2 · 1.1 Маятник · /courses/course-v1:A+1+2024/courseware/ch1/s1/1',
		'a77d01b4e9 · 2.3 Волны · /courses/course-v1:A+1+2024/courseware/ch2/s3/2',
		'f00dfeed01 · /courses/course-v1:A+1+2024/courseware/ch2/s3/5',
	]);
	assert.deepEqual([shownItems(videos, 'a77d'), shownItems(videos, 'ch2'), shownItems(videos, 'маятник ch1'), shownItems(videos, 'маятник ch2')], [[1], [1, 2], [0], []]);
	assert.deepEqual(openedList(videos, 'f00dfeed01'), filteredList(2));
	assert.deepEqual(pickView(videos, openedList(videos, ' ВОЛН')), {shown: [1], position: 0}, 'a value no id is: the filter, being typed');
	assert.equal(openedList(videos, ' ВОЛН').editingFilter, true);
	assert.deepEqual(shownItems(learners, 'bob'), [2], 'a learner is matched by name alone');
});

test('the picker says what its entries are listed by: a problem by its learners with checks (it said "most learners first")', () => {
	assert.equal(pickSummary('user', 4, 'course-v1:A+1+2024'), '4 learners of course-v1:A+1+2024, most active first');
	assert.equal(pickSummary('video', 3, 'all courses'), '3 videos of all courses, most viewers first');
	assert.equal(pickSummary('problem', 5, 'course-v1:A+1+2024'), '5 problems of course-v1:A+1+2024, most learners with checks first');
	assert.equal(pickSummary('problem', 0, 'course-v1:A+1+2024'), 'No problem has learners with checks in course-v1:A+1+2024 (Esc goes back to the form).');
	assert.equal(pickSummary('user', 0, 'all courses'), 'No learner has events in all courses (Esc goes back to the form).');
});

test('learners that could not be listed: an error screen whose Esc goes back to the form', () => {
	const opening = keys(atLearnerForm(), ...'bo', 'ctrl+l');
	const requestId = opening.screen.name === 'picker' ? opening.screen.requestId : -1;
	const failed = apply(opening, {type: 'picks-failed', requestId, error: {title: 'The learners could not be listed', message: 'Connection lost.', hint: ''}});
	assert.deepEqual([failed.screen.name, scopeOf(failed)], ['error', 'error']);
	assert.deepEqual(fieldValues(keys(failed, 'escape')), ['bo', 'course-v1:A+1+2024', 'UTC']);
});

test("a form's time zone starts from the database's day zone, once it is known", () => {
	const form = (state: AppState) => (state.screen.name === 'form' ? Object.fromEntries(state.screen.form.fields.map((field) => [field.parameter.name, field.value])) : undefined);
	const single = atMenu([courses[0]!]);
	assert.deepEqual(form(keys(single, 'j', 'enter')), {course: 'course-v1:A+1+2024', tz: 'UTC'});
	assert.deepEqual(form(keys(apply(single, {type: 'day-zone', zone: 'Europe/Moscow'}), 'j', 'enter')), {course: 'course-v1:A+1+2024', tz: 'Europe/Moscow'});
});

test('form text fields: Ctrl-U clears, ←/→ and Home/End move the cursor, typing and Backspace work at it; choices still cycle', () => {
	const tz = (state: AppState) => (state.screen.name === 'form' ? state.screen.form.fields[1] : undefined);
	const form = keys(atMenu([courses[0]!]), 'j', 'enter', 'tab');
	assert.deepEqual(tz(keys(form, 'ctrl+u')), {...tz(form), value: '', cursor: 0});
	assert.deepEqual(tz(keys(form, 'ctrl+u', 'B', 'r', 'l', 'left', 'left', 'e', 'home', 'X', 'end', 'i', 'n', 'right')), {...tz(form), value: 'XBerlin', cursor: 7});
	assert.deepEqual(tz(keys(form, 'left', 'left', 'backspace', 'ctrl+a', 'backspace', 'ctrl+e', 'backspace')), {...tz(form), value: 'T', cursor: 1}, 'Backspace erases before the cursor, nothing at the start');
	assert.deepEqual(tz(keys(form, 'left', 'left', 'delete', 'ctrl+e', 'delete')), {...tz(form), value: 'UC', cursor: 2}, 'Delete erases at the cursor, nothing at the end');
	const withChoice = apply(atMenu([courses[0]!]), {type: 'catalogue', problems: [], tasks: [task('by-unit', 'Activity', {parameters: [{name: 'unit', type: 'choice', choices: ['day', 'week'], default: 'day', description: 'Unit'}]})]});
	const choice = (state: AppState) => (state.screen.name === 'form' ? state.screen.form.fields[0]?.value : undefined);
	const opened = keys(withChoice, 'enter');
	assert.deepEqual([choice(keys(opened, 'right')), choice(keys(opened, 'left', 'left')), choice(keys(opened, 'ctrl+u', 'x', 'backspace'))], ['week', 'day', 'day']);
});

test('the menu filter and the result search are text fields too: Ctrl-U clears them, ← and Home move their cursor', () => {
	const filtering = keys(atMenu(), '/', 'a', 'y', 'left', 'd', 'home');
	assert.deepEqual(filtering.menu.filter, {value: 'ady', cursor: 0});
	assert.deepEqual(keys(filtering, 'delete').menu.filter, {value: 'dy', cursor: 0});
	const refiltered = keys(filtering, 'ctrl+u', 'l', 'e', 'a', 'r', 'n');
	assert.deepEqual([refiltered.menu.filter, refiltered.menu.selected], [{value: 'learn', cursor: 5}, 'learners']);
	const typing = keys(atResult(), '/', 'r', 'o', 'b', 'home', 'p');
	assert.deepEqual(typing.screen.name === 'result' && typing.screen.searchInput, {value: 'prob', cursor: 1});
	const searching = keys(typing, 'ctrl+u', 'p', 'a', 'u', 'enter');
	if (searching.screen.name !== 'result') throw new Error('no result');
	assert.equal(searching.screen.table.search, 'pau');
	assert.equal(searching.screen.table.cursorRow, 1);
});

test('with one course the picker is skipped; a task whose only parameter is the course runs at once', () => {
	const single = atMenu([courses[0]!]);
	assert.equal(single.course, 'course-v1:A+1+2024');
	const running = keys(single, 'G', 'enter');
	assert.equal(running.screen.name, 'running');
	if (running.screen.name === 'running') assert.deepEqual(running.screen.values, {course: 'course-v1:A+1+2024'});
});

test('Esc on the running screen goes back to the form with its values and says the query was cancelled', () => {
	const running = keys(atMenu([courses[0]!]), 'enter', 'enter');
	assert.equal(running.screen.name, 'running');
	const back = keys(running, 'escape');
	assert.equal(back.screen.name, 'form');
	assert.equal(back.flash?.text, 'Query cancelled.');
});

test('a failed task shows the error; Esc returns to the form', () => {
	const running = keys(atMenu([courses[0]!]), 'enter', 'enter');
	if (running.screen.name !== 'running') throw new Error('not running');
	const failed = apply(running, {type: 'task-failed', runId: running.screen.runId, error: {title: 'The task did not run', message: 'Bad date "x".', hint: 'Check the values.'}});
	assert.equal(failed.screen.name, 'error');
	assert.equal(keys(failed, 'escape').screen.name, 'form');
	assert.equal(keys(failed, 'q').quitting, true);
});

test('Esc after an error about a field goes back to the form on that field (it went back to the field Enter was pressed on)', () => {
	const running = keys(atMenu([courses[0]!]), 'j', 'enter', 'enter');
	if (running.screen.name !== 'running') throw new Error('not running');
	const error = {title: 'The task did not run', message: 'Parameter "tz": unknown time zone "Europe/Moskow".', hint: 'Check the values.'};
	const focus = (state: AppState) => (state.screen.name === 'form' ? state.screen.form.fields[state.screen.form.focus]?.parameter.name : undefined);
	assert.equal(focus(keys(apply(running, {type: 'task-failed', runId: running.screen.runId, error: {...error, parameter: 'tz'}}), 'escape')), 'tz');
	// Not about a field (or one the form has not): the cursor stays where it was.
	assert.equal(focus(keys(apply(running, {type: 'task-failed', runId: running.screen.runId, error}), 'escape')), 'course');
	assert.equal(focus(keys(apply(running, {type: 'task-failed', runId: running.screen.runId, error: {...error, parameter: 'nope'}}), 'escape')), 'course');
});

test('a fatal error (database down) quits on Esc, Enter or q, and its hint line says so (it said "Esc/Enter back")', () => {
	const state = apply(createAppState(80, 24), {type: 'error', fatal: true, error: {title: 'The database could not be opened', message: 'refused', hint: 'Check --db.'}});
	for (const key of ['escape', 'enter', 'q']) assert.equal(keys(state, key).quitting, true, key);
	assert.equal(hintLine(scopeOf(state)), 'q/Esc quit · ? help');
	const failed = apply(createAppState(80, 24), {type: 'error', fatal: false, error: {title: 'The task did not run', message: 'm', hint: 'h'}});
	assert.equal(hintLine(scopeOf(failed)), 'Esc/Enter back · q quit · ? help');
});

function atResult(rows = [['play_video', 5], ['pause_video', 2], ['problem_check', 1]] as Array<[string, number]>): AppState {
	const running = keys(atMenu([courses[0]!]), 'j', 'enter', 'enter');
	if (running.screen.name !== 'running') throw new Error('not running');
	return apply(running, {type: 'task-finished', runId: running.screen.runId, result: result(rows)});
}

test('result keys drive the table; / types a search (q and ? included), Enter finds it', () => {
	let state = keys(atResult(), 'j', 'l');
	if (state.screen.name !== 'result') throw new Error('no result');
	assert.deepEqual([state.screen.table.cursorRow, state.screen.table.cursorColumn], [1, 1]);
	state = keys(state, '/', 'p', 'r', 'o', 'b', 'enter');
	if (state.screen.name !== 'result') throw new Error('no result');
	assert.equal(state.screen.table.search, 'prob');
	assert.equal(state.screen.table.cursorRow, 2);
	state = keys(state, '/', 'q', '?');
	assert.equal(state.quitting, false);
	assert.equal(state.help, undefined);
	assert.equal(state.screen.name === 'result' && state.screen.searchInput?.value, 'q?');
});

test('the status bar shows a search only while one is on: not after a search that found nothing, nor after Esc', () => {
	const position = (state: AppState) => (state.screen.name === 'result' ? positionText(state.screen) : '');
	const missed = keys(atResult(), '/', 'z', 'z', 'z', 'z', 'enter');
	assert.equal(position(missed), 'row 1/3 · col 1/2');
	assert.equal(missed.screen.name === 'result' && missed.screen.table.notice, 'No match for "zzzz".');
	assert.equal(position(keys(missed, 'f', 'f')), 'row 1/3 · col 1/2', 'f has no search to filter by');
	const found = keys(atResult(), '/', 'p', 'a', 'u', 'enter', 'f');
	assert.equal(position(found), 'row 1/1 · col 1/2 · filtered of 3 · /pau');
	assert.equal(position(keys(found, '/', 'z', 'z', 'enter')), 'row 1/1 · col 1/2 · filtered of 3 · /pau', 'a search that finds nothing leaves the one on');
	assert.equal(position(keys(found, '/', 'escape')), 'row 2/3 · col 1/2', 'Esc turns search and filter off');
});

test('f and n after a search that found nothing say that no cell matches it, not "Search first"', () => {
	const notice = (state: AppState) => (state.screen.name === 'result' ? state.screen.table.notice : undefined);
	const missed = keys(atResult(), '/', 'z', 'z', 'z', 'z', 'enter');
	assert.equal(notice(keys(missed, 'f')), 'No cell matches "zzzz" (/ searches again).');
	assert.equal(notice(keys(missed, 'n')), 'No cell matches "zzzz" (/ searches again).');
	// Esc in a new search forgets it: f has nothing typed to answer about.
	assert.equal(notice(keys(missed, '/', 'escape', 'f')), 'Search first (/), then f shows only the matching rows.');
	// With a search on, one that finds nothing leaves it on: f filters by it.
	const filtered = keys(atResult(), '/', 'p', 'a', 'u', 'enter', '/', 'z', 'z', 'enter', 'f');
	assert.equal(filtered.screen.name === 'result' && positionText(filtered.screen), 'row 1/1 · col 1/2 · filtered of 3 · /pau');
});

test('c on a result with no rows says there is nothing to chart (it did nothing and said nothing)', () => {
	const empty = keys(atResult([]), 'c');
	assert.equal(empty.screen.name === 'result' && empty.screen.chart, false);
	assert.equal(empty.flash?.text, 'No rows: nothing to chart.');
});

test('the hint line says what ] will do: sort descending, or, on the column sorted so, restore the original order', () => {
	const hint = (state: AppState) => hintLine(scopeOf(state), keyHints(state));
	const state = keys(atResult(), 'l');
	assert.match(hint(state), /\] sort desc · /);
	const sorted = keys(state, ']');
	assert.match(hint(sorted), /\] original order · /);
	assert.match(hint(keys(sorted, ']')), /\] sort desc · /, 'pressed again: the original order, and ] sorts again');
	assert.match(hint(keys(sorted, 'h')), /\] sort desc · /, 'another column');
	assert.match(hint(keys(sorted, '[')), /\] sort desc · /, 'sorted ascending');
	assert.doesNotMatch(hint(keys(sorted, '?')), /original order/, 'the help has its own hints');
});

/** learner-summary's 22 columns on the result screen, its task with `key` (or none). */
function atLearnerSummary(key?: string[]): AppState {
	const keyed = task('learner-summary', 'Learners', key ? {key} : {});
	const menu = apply(atMenu([courses[0]!]), {type: 'catalogue', tasks: [keyed], problems: []});
	const running = keys(menu, 'enter', 'enter');
	if (running.screen.name !== 'running') throw new Error(`not running: ${running.screen.name}`);
	return apply(running, {type: 'task-finished', runId: running.screen.runId, result: learnerSummary()});
}

test('on a table wider than the screen, the hint line says → shows more, until the last column is shown', () => {
	const hint = (state: AppState) => hintLine(scopeOf(state), keyHints(state), 79);
	const state = atLearnerSummary(['username', 'course_id']);
	assert.equal(hint(state), '→/l more · ] sort desc · / search · s/Ctrl-S save · Esc back · q quit · ? help');
	assert.equal(hint(keys(state, ...Array.from({length: 21}, () => 'l'))), '] sort desc · / search · s/Ctrl-S save · Esc back · q quit · ? help');
	assert.doesNotMatch(hint(atResult()), /more/, 'two columns: nothing to the right');
});

test("a key the result lacks is said as the result shows; the first column stays in sight instead", () => {
	const state = atLearnerSummary(['usernme']);
	assert.equal(state.flash?.text, "The task's key names a column the result lacks (usernme): username stays in sight when the table scrolls right.");
	assert.deepEqual(state.screen.name === 'result' && state.screen.table.keyColumns, [0]);
	const partly = atLearnerSummary(['username', 'course', 'mod']);
	assert.equal(partly.flash?.text, "The task's key names columns the result lacks (course, mod): username stays in sight when the table scrolls right.");
	const keyed = atLearnerSummary(['course_id', 'username']);
	assert.equal(keyed.flash, undefined);
	assert.deepEqual(keyed.screen.name === 'result' && keyed.screen.table.keyColumns, [0, 1]);
	const unkeyed = atLearnerSummary();
	assert.deepEqual(unkeyed.screen.name === 'result' && unkeyed.screen.table.keyColumns, [0], 'no key: the first column');
});

test('the hint line offers c chart only for a task that declares a chart', () => {
	const hint = (state: AppState) => hintLine(scopeOf(state), keyHints(state));
	assert.match(hint(atResult()), / · c chart · /);
	// Learners: the third task; Enter, Enter on the course picker's first course, Enter to run its form.
	const running = keys(atMenu(), 'j', 'j', 'enter', 'enter', 'enter');
	if (running.screen.name !== 'running' || running.screen.task.id !== 'learners') throw new Error(`not running learners: ${running.screen.name}`);
	const learners = apply(running, {type: 'task-finished', runId: running.screen.runId, result: result([['x', 1]], 'learners')});
	assert.equal(scopeOf(learners), 'result');
	assert.doesNotMatch(hint(learners), /c chart/);
});

test('s asks for the format; Enter saves CSV, and the saved message names the file and rows', () => {
	const state = keys(atResult(), 's');
	assert.equal(scopeOf(state), 'save');
	const saving = keys(state, 'j');
	assert.equal(saving.saving?.format, 'json');
	const csv = keys(state, 'enter');
	if (!csv.saving) throw new Error('not saving');
	assert.equal(csv.saving.format, 'csv');
	const saved = apply(csv, {type: 'saved', id: csv.saving.id, path: 'result/x.csv', rows: 3});
	assert.equal(flashLine(saved.flash!, 79), 'Saved 3 rows to result/x.csv');
	assert.equal(saved.saving, undefined);
	const failed = apply(csv, {type: 'save-failed', id: csv.saving.id, message: 'disk full'});
	assert.deepEqual([failed.flash?.text, failed.flash?.tone], ['Not saved: disk full', 'error']);
	assert.equal(failed.saving, undefined);
	assert.equal(apply(saved, {type: 'flash-expired', id: saved.flash!.id}).flash, undefined);
});

test('while a save runs the keys work: the table moves and sorts (the rows saved stay those shown at s), its progress is said, a second save waits, Esc leaves and the end is said on the menu', () => {
	const csv = keys(atResult(), 'l', '[', 's', 'enter');
	if (!csv.saving) throw new Error('not saving');
	const {id} = csv.saving;
	// The view at the format's choice: sorted by events, ascending.
	assert.deepEqual(csv.saving.view, [2, 1, 0]);
	// The cursor stayed on its row, now the last: up one.
	const down = keys(csv, 'k');
	assert.equal(down.screen.name === 'result' && down.screen.table.cursorRow, 1);
	const moved = keys(down, '[');
	if (moved.screen.name !== 'result') throw new Error('no result');
	assert.deepEqual(moved.screen.table.view, [0, 1, 2], '[ again: the original order');
	assert.deepEqual(moved.saving?.view, [2, 1, 0], 'what is saved does not follow the table');
	assert.equal(scopeOf(moved), 'result');
	const progressed = apply(moved, {type: 'save-progress', id, written: 2});
	assert.equal(savingText(progressed.saving!), 'Saving 3 rows as CSV… 66%');
	assert.deepEqual(apply(moved, {type: 'save-progress', id: id + 1, written: 2}).saving?.written, 0, 'another save\'s progress');
	// A second save is refused, saying why: s did nothing, and Enter then saved... nothing, silently.
	const again = keys(progressed, 's');
	assert.equal(scopeOf(again), 'result');
	assert.equal(again.flash?.text, 'One save at a time: Saving 3 rows as CSV… 66%');
	assert.equal(again.saving?.id, id);
	// The result screen says the progress in its status bar; the menu, after Esc, on its last line.
	assert.deepEqual(savingLines(progressed), []);
	const menu = keys(progressed, 'escape');
	assert.equal(menu.screen.name, 'menu');
	assert.deepEqual(savingLines(menu), ['Saving 3 rows as CSV… 66%']);
	assert.deepEqual(savingLines(keys(progressed, '?')), ['Saving 3 rows as CSV… 66%'], 'over the help');
	const saved = apply(menu, {type: 'saved', id, path: 'result/x.csv', rows: 3});
	assert.equal(flashLine(saved.flash!, 79), 'Saved 3 rows to result/x.csv', 'its end is said where the user is (it was dropped off the result screen)');
	assert.deepEqual(savingLines(saved), []);
});

test('a quit during a save says it waits for the file to be written', () => {
	const csv = keys(atResult(), 's', 'enter');
	const quitting = keys(csv, 'q');
	assert.equal(quitting.quitting, true);
	assert.equal(closingText(quitting), 'Closing once the save is written…');
	assert.equal(closingText(apply(quitting, {type: 'saved', id: csv.saving!.id, path: 'result/x.csv', rows: 3})), 'Closing…');
});

test('a long flash takes the lines it needs from the table while it shows, and gives them back; a saved file\'s path is cut to one line', () => {
	const rows = Array.from({length: 40}, (_, index) => [`type ${index}`, index] as [string, number]);
	const state = keys(atResult(rows), 'G', 's');
	if (state.screen.name !== 'result' || state.screen.choosingFormat !== true) throw new Error('not choosing');
	const pageRows = state.screen.table.pageRows;
	const csv = keys(state, 'enter');
	if (!csv.saving) throw new Error('not saving');
	const name = 'learner-path_course-v1_spbstu_PHYLOS_fall_2018_jolly-clever-siberiansable_20240305T101112Z.csv';
	const saved = apply(csv, {type: 'saved', id: csv.saving.id, path: `result/${name}`, rows: 40});
	if (saved.screen.name !== 'result') throw new Error('no result');
	// It took two lines, the second under the status bar's position.
	assert.deepEqual(statusLines(saved), ['Saved 40 rows to result/learner-path_course-v1_s…riansable_20240305T101112Z.csv']);
	assert.equal(saved.screen.table.pageRows, pageRows);
	const failed = apply(csv, {type: 'save-failed', id: csv.saving.id, message: `cannot write result/${name}: no space left on the device (ENOSPC), free some and save again`});
	if (failed.screen.name !== 'result') throw new Error('no result');
	assert.equal(statusLines(failed)?.length, 3);
	assert.equal(failed.screen.table.pageRows, pageRows - 2, 'two more status lines');
	const {cursorRow, topRow} = failed.screen.table;
	assert.ok(cursorRow >= topRow && cursorRow < topRow + pageRows - 2, 'the cursor row stays on screen');
	const expired = apply(failed, {type: 'flash-expired', id: failed.flash!.id});
	assert.equal(expired.screen.name === 'result' && expired.screen.table.pageRows, pageRows);
});

test('a chart too short to read gives way to a one-line note; with room it gets at least its minimum', () => {
	assert.deepEqual(resultLayout({width: 60, height: 15}, true), {pageRows: 3, pageWidth: 57, chartHeight: 6, chartFits: true});
	assert.deepEqual(resultLayout({width: 60, height: 12}, true), {pageRows: 5, pageWidth: 57, chartHeight: 1, chartFits: false});
	assert.equal(resultLayout({width: 80, height: 24}, true).chartHeight, 9);
});

test('c toggles the chart for tasks that declare one and gives the table the rest of the screen', () => {
	const state = atResult();
	if (state.screen.name !== 'result') throw new Error('no result');
	const rowsWithout = state.screen.table.pageRows;
	const charted = keys(state, 'c');
	if (charted.screen.name !== 'result') throw new Error('no result');
	assert.equal(charted.screen.chart, true);
	assert.ok(charted.screen.table.pageRows < rowsWithout);
	assert.equal(rowsWithout, 24 - 1 - 5, 'rows - 1 lines, minus title, header, rule, status and hints');
	const resized = apply(charted, {type: 'resize', width: 120, height: 40});
	assert.ok(resized.screen.name === 'result' && resized.screen.table.pageRows > charted.screen.table.pageRows);
});

test('a chart drawn on fewer lines than it is given leaves them to the table: a one-day chart stood over empty lines', () => {
	const activeLearners = task('active-learners', 'Activity', {chart: {kind: 'line', x: 'period_start', y: ['active', 'video', 'problem', 'forum']}});
	const menu = apply(atMenu([courses[0]!]), {type: 'catalogue', tasks: [tasks[0]!, activeLearners], problems: []});
	const running = keys(menu, 'enter', 'enter');
	if (running.screen.name !== 'running') throw new Error('not running');
	const columns = [{name: 'period_start', kind: 'date' as const}, ...['active', 'video', 'problem', 'forum'].map((name) => ({name, kind: 'number' as const}))];
	const shown = apply(running, {type: 'task-finished', runId: running.screen.runId, result: {...result([]), columns, rows: [['2024-03-04', 100, 40, 12, 1]]}});
	const pageRows = (state: AppState) => (state.screen.name === 'result' ? state.screen.table.pageRows : undefined);
	const chartHeight = (state: AppState) => (state.screen.name === 'result' ? shownResultLayout(state, state.screen).chartHeight : undefined);
	// 80×24: 18 lines for the chart and the table, 9 of them the chart's.
	assert.equal(pageRows(shown), 18);
	assert.equal(resultLayout(shown, true).chartHeight, 9);
	// One day: 4 bars, "one day: 2024-03-04" and the legend.
	const charted = keys(shown, 'c');
	assert.deepEqual([chartHeight(charted), pageRows(charted)], [6, 12], 'it took 9 lines, the table 9 rows');
	// A series hidden: a bar fewer, a row more.
	assert.deepEqual([chartHeight(keys(charted, '2')), pageRows(keys(charted, '2'))], [5, 13]);
	assert.equal(pageRows(keys(charted, '2', '2')), 12, 'shown again');
	assert.equal(pageRows(keys(charted, 'c')), 18, 'the chart hidden: the table has it all');
	assert.equal(pageRows(apply(charted, {type: 'resize', width: 80, height: 30})), 18, '80×30: 24 lines, the chart 12 wanted and 6 drawn');
	// A chart that fills its lines keeps them: three bars of a bar chart at 80×24 draw 3 lines.
	assert.deepEqual([chartHeight(keys(atResult(), 'c')), pageRows(keys(atResult(), 'c'))], [3, 15]);
});

test('? opens the help over any screen; Esc, ? and q close it, other keys do nothing', () => {
	const help = keys(atMenu(), '?');
	assert.deepEqual(help.help, {offset: 0});
	for (const close of ['escape', '?', 'q']) {
		const closed = keys(help, close);
		assert.equal(closed.help, undefined, close);
		assert.deepEqual([closed.screen.name, closed.quitting], ['menu', false], `${close}: the closing key does nothing else`);
	}
	for (const other of ['x', 'enter', 'G', 'pagedown', 'pageup']) assert.deepEqual(keys(help, other), help, `${other} leaves the help open`);
	assert.equal(keys(help, 'ctrl+c').quitting, true, 'Ctrl-C still quits at once');
	// F1 too, also where ? is typed (a form, a search) and on the result table.
	for (const state of [atMenu(), keys(atMenu([courses[0]!]), 'j', 'enter'), atResult(), keys(atResult(), '/')]) assert.deepEqual(keys(state, 'f1').help, {offset: 0}, state.screen.name);
	assert.equal(keys(atResult(), 'f1', 'f1').help, undefined, 'F1 hides it again');
});

test('a help taller than the screen scrolls by lines and by pages (PgUp/PgDn), and stops at its last page', () => {
	// The result table's keys and the global ones: 24 lines (its chart is bars: no 1-9), 19 of them at a time at 80×24.
	const help = keys(atResult(), '?');
	assert.equal(shownHelpLines(help).length, 24);
	const offset = (...names: string[]) => keys(help, ...names).help?.offset;
	assert.deepEqual([offset('j', 'j', 'k'), offset('pagedown'), offset('pagedown', 'pageup'), offset('ctrl+f', 'j', 'k'), offset('k')], [1, 5, 0, 4, 0]);
	const scrolled = keys(help, 'pagedown');
	assert.equal(scrolled.screen.name === 'result' && scrolled.screen.table.cursorRow, 0, 'the table under it does not move');
	// Taller, the same help fits: nothing to scroll.
	assert.deepEqual(keys(apply(help, {type: 'resize', width: 80, height: 40}), 'pagedown', 'j').help, {offset: 0});
});

test('the keymap has no key bound twice in one scope, and hints come from it', () => {
	const seen = new Set<string>();
	for (const binding of keymap) {
		for (const name of binding.keys) {
			const id = `${binding.scope}:${name}`;
			assert.ok(!seen.has(id), `${id} bound twice`);
			seen.add(id);
		}
	}
	assert.equal(hintLine('menu'), 'Enter choose · / filter · i/Ctrl-T details · q quit · ? help');
	assert.equal(hintLine('details'), 'Esc/q back · ? help');
	assert.ok(!hintLine('form').includes('? help'), 'in fields ? is typed');
	assert.match(hintLine('text'), / · F1 help$/);
});

test('i or Ctrl-T on the menu shows the highlighted task in full; Esc, q, i and Ctrl-T go back to the menu as it was, cursor and filter', () => {
	const menu = keys(atMenu(), 'j');
	const details = keys(menu, 'i');
	assert.equal(scopeOf(details), 'details');
	assert.deepEqual(details.screen, {name: 'details', task: tasks[0], back: {name: 'menu'}, top: 0});
	assert.deepEqual(keys(menu, 'ctrl+t').screen, details.screen);
	for (const back of ['escape', 'q', 'i', 'ctrl+t']) {
		const left = keys(details, back);
		assert.deepEqual([left.screen, left.quitting, left.menu], [{name: 'menu'}, false, menu.menu], back);
	}
	// Filtered: the task under the cursor, and the filter still there after.
	const filtered = keys(atMenu(), '/', 'l', 'e', 'a', 'r', 'n', 'enter');
	const learners = keys(filtered, 'i');
	assert.equal(learners.screen.name === 'details' && learners.screen.task.id, 'learners');
	assert.deepEqual(keys(learners, 'escape').menu, filtered.menu);
	// While typing the filter, i is typed.
	assert.equal(keys(atMenu(), '/', 'i').menu.filter.value, 'i');
	// ? shows the details' own keys.
	assert.equal(keys(details, '?').help?.offset, 0);
});

test('i or Ctrl-T in the course picker shows its task in full; Esc goes back to the picker on the same course', () => {
	const picker = keys(atMenu(), 'j', 'enter', 'j');
	if (picker.screen.name !== 'course') throw new Error('no picker');
	const details = keys(picker, 'i');
	assert.deepEqual(details.screen.name === 'details' && [details.screen.task.id, details.screen.back], ['event-types', picker.screen]);
	assert.deepEqual(keys(picker, 'ctrl+t').screen, details.screen);
	assert.deepEqual(keys(details, 'escape').screen, picker.screen);
	assert.equal(hintLine('course'), 'Enter choose · / filter · i/Ctrl-T details · Esc back · ? help');
	// While typing its filter, i is typed.
	const typing = keys(picker, '/', 'i');
	assert.equal(typing.screen.name === 'course' && typing.screen.list.filter.value, 'i');
});

test('Ctrl-T on the form shows its task in full; Esc goes back to the form as it was, its values and field; i is typed there', () => {
	const form = keys(atMenu([courses[0]!]), 'j', 'enter', 'tab', 'ctrl+u', 'A', 's', 'i', 'a');
	if (form.screen.name !== 'form') throw new Error('no form');
	assert.equal(form.screen.form.fields[1]?.value, 'Asia', 'i typed into the field');
	const details = keys(form, 'ctrl+t');
	assert.deepEqual(details.screen.name === 'details' && [details.screen.task.id, details.screen.back], ['event-types', form.screen]);
	for (const back of ['escape', 'q', 'ctrl+t']) assert.deepEqual(keys(details, 'j', back).screen, form.screen, back);
	assert.equal(keys(details, 'escape', 'enter').screen.name, 'running', 'and Enter there runs it');
});

test('i or Ctrl-T in the learner picker shows its task in full; Esc or q goes back to the picker with its cursor, filter and page', () => {
	const many = Array.from({length: 50}, (_, index) => ({id: `learner${index}`, count: 50 - index}));
	// Filtered to learner1… (11 of them), accepted, and moved down: the filter, the cursor and (by it) the page to keep.
	const picker = keys(listed(keys(atLearnerForm(), 'ctrl+l'), many), '/', ...'learner1', 'enter', 'j', 'j');
	if (picker.screen.name !== 'picker') throw new Error('no picker');
	assert.deepEqual([scopeOf(picker), picker.screen.list.filter.value, highlighted(picker)], ['picker', 'learner1', 'learner11']);
	assert.equal(hintLine('picker'), 'Enter choose · / filter · i/Ctrl-T details · Esc back · ? help');
	const details = keys(picker, 'i');
	assert.deepEqual(details.screen.name === 'details' && [details.screen.task.id, details.screen.back], ['learner-path', picker.screen]);
	assert.deepEqual(keys(picker, 'ctrl+t').screen, details.screen);
	for (const back of ['escape', 'q', 'i', 'ctrl+t']) assert.deepEqual(keys(details, 'j', back).screen, picker.screen, back);
	// While typing its filter (as it opens on a name begun in the field), i is typed.
	const typing = keys(picker, '/', 'i');
	assert.equal(typing.screen.name === 'picker' && typing.screen.list.filter.value, 'i');
	// Ctrl-T still shows the details (only Enter and Esc worked there), and goes back to the filter being typed, its
	// cursor within it, and the learner highlighted (by it, the page).
	const midFilter = keys(picker, '/', ...'learner1', 'left', 'left', 'down', 'down');
	if (midFilter.screen.name !== 'picker') throw new Error('no picker');
	assert.deepEqual([scopeOf(midFilter), midFilter.screen.list.filter, highlighted(midFilter)], ['text', {value: 'learner1', cursor: 6}, 'learner13']);
	assert.match(hintLine(scopeOf(midFilter), keyHints(midFilter)), /^Enter accept · Esc clear · Ctrl-T details · /);
	const fromTyping = keys(midFilter, 'ctrl+t');
	assert.deepEqual(fromTyping.screen.name === 'details' && [fromTyping.screen.task.id, fromTyping.screen.back], ['learner-path', midFilter.screen]);
	for (const back of ['escape', 'q', 'ctrl+t']) assert.deepEqual(keys(fromTyping, 'pagedown', back).screen, midFilter.screen, back);
	assert.equal(fieldValues(keys(fromTyping, 'escape', 'enter', 'enter'))[0], 'learner13', 'Enter accepts, Enter picks');
	// Opened while the learners are still being listed: the answer, come meanwhile, is there on the way back.
	const opening = keys(atLearnerForm(), 'ctrl+l');
	const requestId = opening.screen.name === 'picker' ? opening.screen.requestId : -1;
	const answered = apply(keys(opening, 'i'), {type: 'picks', requestId, items: learners});
	assert.equal(answered.screen.name, 'details', 'the details stay up');
	assert.deepEqual(keys(answered, 'escape').screen, listed(opening).screen);
	// So is a refusal: an error screen whose Esc goes back to the form.
	const failed = apply(keys(opening, 'i'), {type: 'picks-failed', requestId, error: {title: 'The learners could not be listed', message: 'Connection lost.', hint: ''}});
	assert.deepEqual([failed.screen.name, fieldValues(keys(failed, 'escape'))], ['error', ['', 'course-v1:A+1+2024', 'UTC']]);
});

test("a task's details taller than the screen scroll by lines, pages and to either end, and stop at the last full page, at 80×24 and 40×10", () => {
	const long = task('long-one', 'Activity', {
		description: Array.from({length: 150}, (_, index) => `word${index}`).join(' '),
		parameters: Array.from({length: 12}, (_, index) => ({name: `p${index}`, type: 'integer' as const, default: String(index), description: `Parameter ${index}`})),
	});
	const at = (width: number, height: number) => keys(apply(createAppState(width, height), {type: 'catalogue', tasks: [long], problems: []}, {type: 'ingest-started'}, {type: 'ingest-finished', summary: summary({lines: 0, loaded: 0, duplicates: 0, rejected: 0})}), 'i');
	for (const [width, height] of [[80, 24], [40, 10]] as const) {
		const details = at(width, height);
		const lines = taskDetailLines(long, width).length;
		const rows = detailsPageSize(details);
		assert.equal(rows, height - 3, 'under the top line, above the hint line, in rows - 1');
		assert.ok(lines > rows * 2, `${width}: ${lines} lines`);
		const top = (...names: string[]) => {
			const state = keys(details, ...names);
			return state.screen.name === 'details' ? state.screen.top : -1;
		};
		assert.deepEqual(
			[top('j', 'j', 'k'), top('pagedown'), top('ctrl+f', 'ctrl+b'), top('G'), top('end', 'j'), top('G', 'g'), top('k'), top('home')],
			[1, rows, 0, lines - rows, lines - rows, 0, 0, 0],
			`${width}×${height}`,
		);
	}
	// Scrolled to the end at 40×10, then wider: the text is shorter, its last page is shown, and ↑ moves from it at once.
	const wider = apply(keys(at(40, 10), 'G'), {type: 'resize', width: 80, height: 24});
	const up = keys(wider, 'k');
	assert.equal(up.screen.name === 'details' && up.screen.top, taskDetailLines(long, 80).length - detailsPageSize(up) - 1);
	// Under a save's progress line the screen has a line less, and a page is a line shorter: PgDn passed over a line never shown.
	const saving: AppState = {...at(80, 24), saving: {id: 1, format: 'csv', result: result([['play_video', 5]]), view: [0], written: 0}};
	assert.equal(detailsPageSize(saving), detailsPageSize(at(80, 24)) - 1);
	const paged = keys(saving, 'pagedown');
	assert.equal(paged.screen.name === 'details' && paged.screen.top, 20, 'a page of 24 - 1 - 1 (hint line) - 1 (progress) - 1 (top line) lines');
});

test('digits hide and show a line chart\'s series while the chart is shown; the last one shown stays, said in the status line; a new run shows them all', () => {
	const activeLearners = task('active-learners', 'Activity', {chart: {kind: 'line', x: 'period_start', y: ['active', 'video', 'problem', 'forum']}});
	const menu = apply(atMenu([courses[0]!]), {type: 'catalogue', tasks: [tasks[0]!, activeLearners], problems: []});
	// First on the menu, by its title.
	const running = keys(menu, 'enter', 'enter');
	if (running.screen.name !== 'running' || running.screen.task.id !== 'active-learners') throw new Error('not running active-learners');
	const shown = apply(running, {type: 'task-finished', runId: running.screen.runId, result: {...result([]), rows: [['2024-03-04', 100, 40, 12, 1]]}});
	const hidden = (state: AppState) => (state.screen.name === 'result' ? state.screen.hiddenSeries : undefined);
	assert.deepEqual(hidden(keys(shown, '2')), [], 'the chart is not shown: a digit does nothing');
	assert.deepEqual(hidden(keys(shown, 'c', '2', '1')), [0, 1]);
	assert.deepEqual(hidden(keys(shown, 'c', '2', '1', '2')), [0]);
	assert.deepEqual(hidden(keys(shown, 'c', '9')), [], 'no ninth series');
	const last = keys(shown, 'c', '1', '2', '3', '4');
	assert.deepEqual(hidden(last), [0, 1, 2]);
	assert.equal(last.flash?.text, 'One line stays shown: show another first.');
	assert.deepEqual(hidden(keys(last, 'c', 'c')), [0, 1, 2], 'kept while the result is shown');
	const rerun = keys(last, 'r');
	if (rerun.screen.name !== 'running') throw new Error('not running again');
	assert.deepEqual(hidden(apply(rerun, {type: 'task-finished', runId: rerun.screen.runId, result: {...result([]), rows: [['2024-03-04', 100, 40, 12, 1]]}})), []);
	// A bar chart draws one series.
	assert.deepEqual(hidden(keys(atResult(), 'c', '1')), []);
	assert.equal(keys(atResult(), 'c', '1').flash, undefined);
	// The help offers the digits where they work: on a line chart's result, not on bars or a heatmap, nor where there is no chart.
	const digits = (state: AppState) => shownHelpLines(keys(state, '?')).some((line) => 'label' in line && line.label === '1-9' && /hide \/ show the chart line of that number/.test(line.description));
	assert.equal(digits(shown), true);
	assert.equal(digits(atResult()), false, 'bars');
	const heatmap = atResult();
	if (heatmap.screen.name !== 'result') throw new Error('no result');
	assert.equal(digits({...heatmap, screen: {...heatmap.screen, task: {...heatmap.screen.task, chart: {kind: 'heatmap', x: 'day_name', y: ['h00..h23']}}}}), false, 'a heatmap');
	assert.equal(digits({...heatmap, screen: {...heatmap.screen, task: {...heatmap.screen.task, chart: undefined}}}), false, 'no chart');
	assert.ok(helpLines('result').some((line) => 'label' in line && line.label === '1-9'), 'the keymap keeps them');
});

test('Ctrl-T while the menu\'s or the course picker\'s filter is typed shows the task\'s details and goes back to the filter as it was; in a result\'s search it does nothing', () => {
	const menu = keys(atMenu(), '/', ...'day', 'left');
	const menuDetails = keys(menu, 'ctrl+t');
	assert.deepEqual(menuDetails.screen.name === 'details' && [menuDetails.screen.task.id, menuDetails.screen.back], ['activity-by-day', {name: 'menu'}]);
	assert.deepEqual(keys(menuDetails, 'escape').menu, menu.menu);
	assert.equal(scopeOf(keys(menuDetails, 'escape')), 'text', 'still typing');
	const course = keys(atMenu(), 'enter', '/', ...'b+2');
	if (course.screen.name !== 'course') throw new Error('no course picker');
	const courseDetails = keys(course, 'ctrl+t');
	assert.deepEqual(courseDetails.screen.name === 'details' && courseDetails.screen.back, course.screen);
	assert.deepEqual(keys(courseDetails, 'q').screen, course.screen);
	const searching = keys(atResult(), '/', 'p');
	assert.deepEqual(keys(searching, 'ctrl+t'), searching);
	assert.doesNotMatch(hintLine(scopeOf(searching), keyHints(searching)), /Ctrl-T/);
});
