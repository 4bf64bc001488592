import type {TaskDefinition, TaskParameter} from '../../tasks/types.js';

/**
 * The parameter form of a task: one field per parameter, prefilled with its default (the course
 * with the one picked, a time zone with the database's day zone: its days answer fastest). Choice
 * and yes/no fields cycle with ←/→; the others are typed into.
 */
export type FormField = {parameter: TaskParameter; value: string};

export type FormState = {fields: FormField[]; focus: number};

export type FormAction = {type: 'focus'; by: number} | {type: 'type'; text: string} | {type: 'erase'} | {type: 'cycle'; by: 1 | -1};

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
	return {fields: task.parameters.map((parameter) => ({parameter, value: prefilled(parameter, defaults)})), focus: 0};
}

export function formReducer(state: FormState, action: FormAction): FormState {
	const count = state.fields.length;
	if (count === 0) return state;
	if (action.type === 'focus') return {...state, focus: (((state.focus + action.by) % count) + count) % count};
	const field = state.fields[state.focus];
	if (!field) return state;
	const options = optionsOf(field.parameter);
	let value = field.value;
	if (action.type === 'cycle') {
		if (!options?.length) return state;
		value = options[(((options.indexOf(value) + action.by) % options.length) + options.length) % options.length] ?? value;
	} else if (options) {
		return state;
	} else {
		value = action.type === 'type' ? value + action.text : value.slice(0, -1);
	}
	return {...state, fields: state.fields.map((other, index) => (index === state.focus ? {...other, value} : other))};
}

/** The values to run with: empty fields are left out so the task's own defaults apply. */
export function formValues(state: FormState): Record<string, string> {
	return Object.fromEntries(state.fields.filter((field) => field.value.trim() !== '').map((field) => [field.parameter.name, field.value.trim()]));
}
