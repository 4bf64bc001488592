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

/**
 * What of a form fits `height` lines besides its title and the focused field's help: the description
 * gets the lines the fields leave (with a blank line after it), and with too few for every field they
 * scroll to keep the focused one in view, a line saying how many more are above / below taking the
 * place of those cut off. Left to Ink, a too-tall form lost arbitrary lines (the focused field among them).
 */
export type FormLayout = {descriptionRoom: number; start: number; end: number; above: number; below: number};

export function formLayout(count: number, focus: number, height: number): FormLayout {
	const rows = Math.max(1, height - 2);
	if (rows >= count + 2) return {descriptionRoom: rows - count - 1, start: 0, end: count, above: 0, below: 0};
	if (rows >= count) return {descriptionRoom: 0, start: 0, end: count, above: 0, below: 0};
	// One marker at either end, two in the middle; always the focused field, even where nothing else fits.
	const edge = Math.max(1, rows - 1);
	const middle = Math.max(1, rows - 2);
	const start = focus < edge ? 0 : focus >= count - edge ? count - edge : Math.max(1, Math.min(focus - Math.floor(middle / 2), count - middle - 1));
	const end = start === 0 || start === count - edge ? start + edge : start + middle;
	return {descriptionRoom: 0, start, end, above: start, below: count - end};
}
