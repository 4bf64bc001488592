import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FilteredListAction} from '../../source/ui/state/filtered-list.js';
import {initialMenuState, menuLines, menuReducer, menuWindow, selectedTask, visibleTasks, type MenuState} from '../../source/ui/state/menu-state.js';
import type {TextEdit} from '../../source/ui/state/text-field.js';
import {task, tasks} from './fixtures.js';

const edit = (change: TextEdit): FilteredListAction => ({type: 'edit', edit: change});

function apply(...actions: FilteredListAction[]): MenuState {
	return actions.reduce((state, action) => menuReducer(state, action, tasks, 2), {...initialMenuState, selected: 'event-types'} as MenuState);
}

test('tasks are grouped in order of first appearance, sorted by title inside a group', () => {
	const lines = menuLines(visibleTasks(tasks, ''));
	assert.deepEqual(
		lines.map((line) => (line.kind === 'group' ? `# ${line.group}` : line.task.id)),
		['# Activity', 'activity-by-day', 'event-types', '# Learners', 'learners', '# Overview', 'course-summary'],
	);
});

test('the filter keeps tasks whose id, title or group hold every typed word', () => {
	assert.deepEqual(visibleTasks(tasks, 'activity').map((task) => task.id), ['activity-by-day', 'event-types']);
	assert.deepEqual(visibleTasks(tasks, 'ACT day').map((task) => task.id), ['activity-by-day']);
	assert.deepEqual(visibleTasks(tasks, 'nothing like it'), []);
});

test('up/down/page/top/bottom move over the visible tasks only', () => {
	const order = visibleTasks(tasks, '').map((task) => task.id);
	assert.equal(apply({type: 'move', by: 1}).selected, order[2]);
	assert.equal(apply({type: 'move', by: -5}).selected, order[0], 'clamped');
	assert.equal(apply({type: 'page', by: 1}).selected, order[3], 'page of 2');
	assert.equal(apply({type: 'bottom'}).selected, 'course-summary');
	assert.equal(apply({type: 'bottom'}, {type: 'top'}).selected, 'activity-by-day');
});

test('typing a filter keeps the selection when it is still listed, else selects the first match; Esc clears it', () => {
	const typed = apply({type: 'start-filter'}, edit({type: 'type', text: 'ev'}));
	assert.equal(typed.editingFilter, true);
	assert.equal(typed.selected, 'event-types');
	const other = apply({type: 'start-filter'}, edit({type: 'type', text: 'learn'}));
	assert.equal(other.selected, 'learners');
	const erased = menuReducer(other, edit({type: 'erase'}), tasks, 2);
	assert.equal(erased.filter.value, 'lear');
	const cleared = menuReducer(other, {type: 'clear-filter'}, tasks, 2);
	assert.deepEqual([cleared.filter.value, cleared.editingFilter, cleared.selected], ['', false, 'learners']);
	assert.equal(selectedTask(cleared, visibleTasks(tasks, ''))?.id, 'learners');
});

test('a filter that names a task by its id or title selects it, though other tasks listed before it hold the word too', () => {
	const several = [task('active-learners', 'Activity', {title: 'Active learners per day'}), task('at-risk', 'Completion', {title: 'At-risk learners'}), task('learners', 'Learners', {title: 'Learners'})];
	const typed = (text: string) => [{type: 'start-filter'} as const, edit({type: 'type', text})].reduce((state, action) => menuReducer(state, action, several, 2), {...initialMenuState, selected: 'active-learners'} as MenuState);
	assert.deepEqual(visibleTasks(several, 'learners').map((each) => each.id), ['active-learners', 'at-risk', 'learners'], 'all three listed, in menu order');
	assert.equal(typed('learners').selected, 'learners', 'its id');
	assert.equal(typed('At-Risk Learners ').selected, 'at-risk', 'its title, whatever the case');
	assert.equal(typed('learn').selected, 'active-learners', 'a word of several: the selection stays');
});

test('/ starts a new filter: one kept from before is replaced, not added to', () => {
	const kept = apply({type: 'start-filter'}, edit({type: 'type', text: 'ev'}), {type: 'end-filter'});
	assert.deepEqual([kept.filter.value, kept.editingFilter, kept.selected], ['ev', false, 'event-types']);
	const restarted = menuReducer(kept, {type: 'start-filter'}, tasks, 2);
	assert.deepEqual([restarted.filter, restarted.editingFilter, restarted.selected], [{value: '', cursor: 0}, true, 'event-types']);
	const typed = menuReducer(restarted, edit({type: 'type', text: 'learn'}), tasks, 2);
	assert.deepEqual([typed.filter.value, typed.selected], ['learn', 'learners']);
});

test('the filter is edited at its cursor, and Ctrl-U empties it and lists every task again', () => {
	const typed = apply({type: 'start-filter'}, edit({type: 'type', text: 'dy'}), edit({type: 'move', by: -1}), edit({type: 'type', text: 'a'}));
	assert.deepEqual(typed.filter, {value: 'day', cursor: 2});
	assert.equal(typed.selected, 'activity-by-day');
	const cleared = menuReducer(typed, edit({type: 'clear'}), tasks, 2);
	assert.deepEqual([cleared.filter, cleared.editingFilter, visibleTasks(tasks, cleared.filter.value).length], [{value: '', cursor: 0}, true, 4]);
});

test('a group heading never ends the window while its tasks are below it, nor leaves the top with its tasks on screen', () => {
	// # A, a1, a2, a3, a4, # B, b1, b2: lines 0-7.
	const lines = menuLines(visibleTasks([...['a1', 'a2', 'a3', 'a4'].map((id) => task(id, 'A')), ...['b1', 'b2'].map((id) => task(id, 'B'))], ''));
	const shown = ({start, end}: {start: number; end: number}) => lines.slice(start, end).map((line) => (line.kind === 'group' ? `# ${line.group}` : line.task.id));
	// Centred on a3 (line 3), 5 lines would end with "# B": one line down instead, b1 under its heading.
	assert.deepEqual(shown(menuWindow(lines, 3, 5)), ['a2', 'a3', 'a4', '# B', 'b1']);
	// At the top, 6 lines would end with "# B": moved down, a1 to a4 lost "# A" (the app's first group at 110×32). A line early instead.
	assert.deepEqual(shown(menuWindow(lines, 1, 6)), ['# A', 'a1', 'a2', 'a3', 'a4']);
	// Centred on a1 (line 1), 3 lines end with a task: as they are.
	assert.deepEqual(shown(menuWindow(lines, 1, 3)), ['# A', 'a1', 'a2']);
	// At the end of the list: its last lines.
	assert.deepEqual(shown(menuWindow(lines, 7, 3)), ['# B', 'b1', 'b2']);
});
