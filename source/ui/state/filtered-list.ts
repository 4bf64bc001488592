import {movedCursor, type ListMove} from './list-cursor.js';
import {editText, textField, withCursor, type TextEdit, type TextField} from './text-field.js';

/**
 * A list narrowed by what is typed after `/` (the task menu, the course picker): the filter, whether typing goes
 * into it, and the highlighted item by its key, kept while the filter still lists it.
 */
export type FilteredList<Key> = {
	filter: TextField;
	/** Typing goes into the filter. */
	editingFilter: boolean;
	selected?: Key;
};

export type FilteredListAction = ListMove | {type: 'start-filter'} | {type: 'edit'; edit: TextEdit} | {type: 'end-filter'} | {type: 'clear-filter'};

export function filteredList<Key>(selected?: Key): FilteredList<Key> {
	return {filter: textField(), editingFilter: false, selected};
}

/** Does `text` hold every word of the filter, whatever their case? */
export function matchesFilter(text: string, filter: string): boolean {
	return holdsWords(text, filterWords(filter));
}

const filterWords = (filter: string) => filter.toLowerCase().split(/\s+/).filter((word) => word !== '');
const holdsWords = (text: string, words: string[]) => words.length === 0 || words.every((word) => text.toLowerCase().includes(word));

/** The indices of the `labels` holding every word of the filter (see matchesFilter), in their order. */
export function matchingIndices(labels: string[], filter: string): number[] {
	// The words once for the list, and no name lowercased without a filter: the learner picker has 25,000 names at 10M
	// events, and every key (a move too) lists them again.
	const words = filterWords(filter);
	return words.length === 0 ? labels.map((_, index) => index) : labels.flatMap((label, index) => (holdsWords(label, words) ? [index] : []));
}

/** A list of `labels` keyed by index: the indices the filter keeps, and where the highlighted one is among them. */
export function indexedView(labels: string[], list: FilteredList<number>): {shown: number[]; position: number} {
	const shown = matchingIndices(labels, list.filter.value);
	return {shown, position: selectedPosition(list, shown)};
}

/** Is a filter being typed or on (Esc clears it before it goes back)? */
export function isFiltered(state: FilteredList<unknown>): boolean {
	return state.editingFilter || state.filter.value !== '';
}

/** The filter as a title shows it, " · filter: …" (with the cursor while typed), or '' when there is none. */
export function filterLabel(state: FilteredList<unknown>): string {
	return isFiltered(state) ? ` · filter: ${state.editingFilter ? withCursor(state.filter) : state.filter.value}` : '';
}

/** Position of the highlighted item among the `keys` listed (the first when the filter left it out). */
export function selectedPosition<Key>(state: FilteredList<Key>, keys: Key[]): number {
	return Math.max(0, keys.findIndex((key) => key === state.selected));
}

/**
 * `listed` gives the keys a filter keeps, in the list's order; `named`, the key that a filter names outright (the menu:
 * a task's id or title), which typing it selects.
 */
export function filteredListReducer<Key>(
	state: FilteredList<Key>,
	action: FilteredListAction,
	listed: (filter: string) => Key[],
	pageSize: number,
	named: (filter: string) => Key | undefined = () => undefined,
): FilteredList<Key> {
	switch (action.type) {
		case 'move':
		case 'page':
		case 'top':
		case 'bottom': {
			const keys = listed(state.filter.value);
			return {...state, selected: keys[movedCursor(selectedPosition(state, keys), keys.length, pageSize, action)]};
		}
		case 'start-filter':
			// A new filter, as `/` starts a new search in less, vim and k9s: typed after the one kept (the menu keeps its
			// filter across a task), "sessions" + "time-on" listed nothing.
			return {...withFilter(state, textField(), listed), editingFilter: true};
		case 'edit': {
			const edited = withFilter(state, editText(state.filter, action.edit), listed);
			// "learners" listed Active learners, At-risk learners … before Learners, and Enter ran the one selected.
			return {...edited, selected: named(edited.filter.value) ?? edited.selected};
		}
		case 'end-filter':
			return {...state, editingFilter: false};
		case 'clear-filter':
			return {...withFilter(state, textField(), listed), editingFilter: false};
	}
}

function withFilter<Key>(state: FilteredList<Key>, filter: TextField, listed: (filter: string) => Key[]): FilteredList<Key> {
	const keys = listed(filter.value);
	return {...state, filter, selected: keys.some((key) => key === state.selected) ? state.selected : keys[0]};
}
