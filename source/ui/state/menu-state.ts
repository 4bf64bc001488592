import type {TaskDefinition} from '../../tasks/types.js';
import {movedCursor, type ListMove} from './list-cursor.js';
import {editText, textField, type TextEdit, type TextField} from './text-field.js';

/**
 * The task menu: tasks grouped as their metadata says, filtered by what was typed after `/`
 * (every word must appear in the id, title or group), and a cursor over the tasks.
 */
export type MenuState = {
	filter: TextField;
	/** Typing goes into the filter. */
	editingFilter: boolean;
	/** Id of the highlighted task (kept when the filter changes, if still listed). */
	selectedId?: string;
};

export type MenuLine = {kind: 'group'; group: string} | {kind: 'task'; task: TaskDefinition; position: number};

export type MenuAction =
	| ListMove
	| {type: 'start-filter'}
	| {type: 'edit'; edit: TextEdit}
	| {type: 'end-filter'}
	| {type: 'clear-filter'};

export const initialMenuState: MenuState = {filter: textField(), editingFilter: false};

/** The tasks the filter keeps, in menu order: by group (in order of first appearance), then title. */
export function visibleTasks(tasks: TaskDefinition[], filter: string): TaskDefinition[] {
	const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
	const groups = [...new Set(tasks.map((task) => task.group))];
	return tasks
		.filter((task) => {
			const haystack = `${task.id} ${task.title} ${task.group}`.toLowerCase();
			return words.every((word) => haystack.includes(word));
		})
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

/** Position of the highlighted task in the visible list (the first one when it was filtered out). */
export function selectedPosition(state: MenuState, tasks: TaskDefinition[]): number {
	return Math.max(0, tasks.findIndex((task) => task.id === state.selectedId));
}

export function menuReducer(state: MenuState, action: MenuAction, allTasks: TaskDefinition[], pageSize: number): MenuState {
	const tasks = visibleTasks(allTasks, state.filter.value);
	switch (action.type) {
		case 'move':
		case 'page':
		case 'top':
		case 'bottom':
			return {...state, selectedId: tasks[movedCursor(selectedPosition(state, tasks), tasks.length, pageSize, action)]?.id};
		case 'start-filter':
			return {...state, editingFilter: true};
		case 'edit':
			return withFilter(state, editText(state.filter, action.edit), allTasks);
		case 'end-filter':
			return {...state, editingFilter: false};
		case 'clear-filter':
			return {...withFilter(state, textField(), allTasks), editingFilter: false};
	}
}

function withFilter(state: MenuState, filter: TextField, allTasks: TaskDefinition[]): MenuState {
	const tasks = visibleTasks(allTasks, filter.value);
	const stillThere = tasks.some((task) => task.id === state.selectedId);
	return {...state, filter, selectedId: stillThere ? state.selectedId : tasks[0]?.id};
}
