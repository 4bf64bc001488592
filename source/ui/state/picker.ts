import {counted} from '../../format.js';
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

/** What a picker's entries are called, what an entry's count counts (one of them), and what the list's counts count. */
export const PICKED: Record<PickKind, {one: string; counted: string; counts: string}> = {
	user: {one: 'learner', counted: 'event', counts: 'events'},
	video: {one: 'video', counted: 'viewer', counts: 'viewers'},
	// Not every learner who saw it: "most learners first" read so.
	problem: {one: 'problem', counted: 'learner', counts: 'learners with checks'},
};

/**
 * The line over the picker's entries: how many of which course and in what order ("5 problems of course-v1:A+1+2024,
 * most learners with checks first"), or that there are none, and how to leave.
 */
export function pickSummary(kind: PickKind, count: number, where: string): string {
	const {one, counts} = PICKED[kind];
	if (count === 0) return `No ${one} has ${counts} in ${where} (Esc goes back to the form).`;
	return `${counted(count, one)} of ${where}, ${kind === 'user' ? 'most active' : `most ${counts}`} first`;
}
