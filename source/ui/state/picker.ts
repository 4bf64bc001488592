import type {ParameterType} from '../../tasks/types.js';
import {filteredList, indexedView, matchingIndices, type FilteredList} from './filtered-list.js';
import {textField} from './text-field.js';

/** The fields a list is picked for with Ctrl-L: a learner's name, a video's or a problem's id. */
export type PickKind = Extract<ParameterType, 'user' | 'video' | 'problem'>;

/**
 * An entry of the picker: `id` is what Enter puts into the field; `count` what it is listed by (a learner's events, a
 * video's viewers, a problem's learners with checks); a video or problem names the unit (section name) and page it
 * sits on, which tell apart the hashes the logs give as ids.
 */
export type PickItem = {id: string; count: number; unit?: string; url?: string};

/** An entry as listed: its id, then a video's or problem's unit name and URL, where known. */
export const pickLabel = (item: PickItem) => [item.id, item.unit, item.url].filter((part) => part).join(' · ');

/** What the filter looks into: all of the label. */
const labels = (items: PickItem[]) => items.map(pickLabel);

/**
 * The picker's list as it opens on a field holding `value`: on that entry when it names one; on the first (the most
 * active learner, the most watched video) when empty; else filtered by it, still being typed: a name begun goes on in
 * the filter, and a misspelt one (back from "No learner …") is mended with Backspace, not retyped after an Esc.
 */
export function openedList(items: PickItem[], value: string): FilteredList<number> {
	const typed = value.trim();
	const named = items.findIndex((item) => item.id === typed);
	if (typed === '' || named >= 0) return filteredList(Math.max(0, named));
	return {...filteredList(matchingIndices(labels(items), typed)[0]), filter: textField(typed), editingFilter: true};
}

/** The entries the filter keeps (as indices into `items`), and where the highlighted one is among them. */
export function pickView(items: PickItem[], list: FilteredList<number>): {shown: number[]; position: number} {
	return indexedView(labels(items), list);
}

export function shownItems(items: PickItem[], filter: string): number[] {
	return matchingIndices(labels(items), filter);
}

/** What a picker's entries are called, and what their count counts. */
export const PICKED: Record<PickKind, {one: string; counted: string}> = {
	user: {one: 'learner', counted: 'event'},
	video: {one: 'video', counted: 'viewer'},
	problem: {one: 'problem', counted: 'learner'},
};
