import type {TaskDefinition, TaskParameter} from '../../tasks/types.js';
import {editText, textField, type TextEdit, type TextField} from './text-field.js';

/**
 * The parameter form of a task: one field per parameter, prefilled with its default (the course
 * with the one picked, a time zone with the database's day zone: its days answer fastest). Choice
 * and yes/no fields cycle with ←/→; the others are text fields.
 */
export type FormField = TextField & {parameter: TaskParameter};

export type FormState = {fields: FormField[]; focus: number};

export type FormAction = {type: 'focus'; by: number} | {type: 'edit'; edit: TextEdit};

const yesNo = ['false', 'true'];

function optionsOf(parameter: TaskParameter): string[] | undefined {
	if (parameter.type === 'boolean') return yesNo;
	return parameter.type === 'choice' ? parameter.choices : undefined;
}

export type FormDefaults = {course?: string | undefined; timeZone?: string | undefined};

function prefilled(parameter: TaskParameter, {course, timeZone}: FormDefaults): string {
	if (parameter.type === 'course' && course !== undefined) return course;
	if (parameter.type === 'timezone' && timeZone !== undefined) return timeZone;
	return parameter.default ?? '';
}

export function createFormState(task: TaskDefinition, defaults: FormDefaults): FormState {
	return {fields: task.parameters.map((parameter) => ({parameter, ...textField(prefilled(parameter, defaults))})), focus: 0};
}

export function formReducer(state: FormState, action: FormAction): FormState {
	const count = state.fields.length;
	if (count === 0) return state;
	if (action.type === 'focus') return {...state, focus: (((state.focus + action.by) % count) + count) % count};
	const field = state.fields[state.focus];
	if (!field) return state;
	const options = optionsOf(field.parameter);
	const edited = options ? chosen(field, options, action.edit) : editText(field, action.edit);
	return {...state, fields: state.fields.map((other, index) => (index === state.focus ? edited : other))};
}

/** ←/→ on a choice field: the previous / next choice, round the list; other edits do nothing. */
function chosen(field: FormField, options: string[], edit: TextEdit): FormField {
	if (edit.type !== 'move' || options.length === 0) return field;
	const index = (((options.indexOf(field.value) + edit.by) % options.length) + options.length) % options.length;
	return {...field, ...textField(options[index] ?? field.value)};
}

/** The first required field left empty, as its index, or -1: the task would only fail on it once started. */
export function missingRequired(state: FormState): number {
	return state.fields.findIndex((field) => field.parameter.required && field.value.trim() === '');
}

/** The values to run with: empty fields are left out so the task's own defaults apply. */
export function formValues(state: FormState): Record<string, string> {
	return Object.fromEntries(state.fields.filter((field) => field.value.trim() !== '').map((field) => [field.parameter.name, field.value.trim()]));
}
