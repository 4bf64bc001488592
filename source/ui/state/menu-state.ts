import type {TaskDefinition} from '../../tasks/types.js';
import {windowStart} from './list-cursor.js';
import {filteredList, filteredListReducer, matchesFilter, selectedPosition, type FilteredList, type FilteredListAction} from './filtered-list.js';

/**
 * The task menu: tasks grouped as their metadata says, filtered by what was typed after `/`
 * (every word must appear in the id, title or group), and a cursor over the tasks, by id.
 */
export type MenuState = FilteredList<string>;

export type MenuLine = {kind: 'group'; group: string} | {kind: 'task'; task: TaskDefinition; position: number};

export const initialMenuState: MenuState = filteredList();

/** The tasks the filter keeps, in menu order: by group (in order of first appearance), then title. */
export function visibleTasks(tasks: TaskDefinition[], filter: string): TaskDefinition[] {
	const groups = [...new Set(tasks.map((task) => task.group))];
	return tasks
		.filter((task) => matchesFilter(`${task.id} ${task.title} ${task.group}`, filter))
		.sort((a, b) => groups.indexOf(a.group) - groups.indexOf(b.group) || a.title.localeCompare(b.title));
}

/** The menu as lines: a heading before each group's tasks. */
export function menuLines(tasks: TaskDefinition[]): MenuLine[] {
	const lines: MenuLine[] = [];
	tasks.forEach((task, position) => {
		if (task.group !== tasks[position - 1]?.group) lines.push({kind: 'group', group: task.group});
		lines.push({kind: 'task', task, position});
	});
	return lines;
}

/**
 * The lines of the menu on screen, `room` at most, with the selected one among them (centred while it can be). A
 * group's heading is never the last line while its tasks are below (at 100×30 "Forum" ended the screen alone):
 * the window moves down a line, or, where that would take a heading off its top and leave its tasks under none (at
 * 110×32 the first group's, "Activity", at the top of the menu), ends a line early. The selected line stays on
 * screen: it is a task, never the heading dropped at the end, and below the window's top wherever the window starts
 * (centred, or the last lines).
 */
export function menuWindow(lines: MenuLine[], selectedLine: number, room: number): {start: number; end: number} {
	const start = windowStart(selectedLine, lines.length, room);
	const end = Math.min(lines.length, start + room);
	if (end === lines.length || lines[end - 1]?.kind !== 'group') return {start, end};
	return lines[start]?.kind === 'group' ? {start, end: end - 1} : {start: start + 1, end: end + 1};
}

/** The highlighted task among those shown (the first when it was filtered out). */
export function selectedTask(state: MenuState, shown: TaskDefinition[]): TaskDefinition | undefined {
	return shown[selectedPosition(state, shown.map((task) => task.id))];
}

/** The task a filter names outright: its id or its title, whatever the case. */
function namedTask(tasks: TaskDefinition[], filter: string): string | undefined {
	const typed = filter.trim().toLowerCase();
	return tasks.find((task) => task.id === typed || task.title.toLowerCase() === typed)?.id;
}

export function menuReducer(state: MenuState, action: FilteredListAction, allTasks: TaskDefinition[], pageSize: number): MenuState {
	return filteredListReducer(state, action, (filter) => visibleTasks(allTasks, filter).map((task) => task.id), pageSize, (filter) => namedTask(allTasks, filter));
}
