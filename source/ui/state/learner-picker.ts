import {filteredList, indexedView, matchingIndices, type FilteredList} from './filtered-list.js';
import {textField} from './text-field.js';

/** A learner as the picker lists them: the name and their events in the form's course (or in every course). */
export type Learner = {username: string; events: number};

const names = (learners: Learner[]) => learners.map((learner) => learner.username);

/**
 * The picker's list as it opens on a field holding `value`: on that learner when it names one; on the most active
 * learner when empty; else filtered by it, still being typed: a name begun goes on in the filter, and a misspelt one
 * (back from "No learner …") is mended with Backspace, not retyped after an Esc.
 */
export function openedList(learners: Learner[], value: string): FilteredList<number> {
	const typed = value.trim();
	const named = learners.findIndex((learner) => learner.username === typed);
	if (typed === '' || named >= 0) return filteredList(Math.max(0, named));
	return {...filteredList(matchingIndices(names(learners), typed)[0]), filter: textField(typed), editingFilter: true};
}

/** The learners the filter keeps (as indices into `learners`), and where the highlighted one is among them. */
export function learnerView(learners: Learner[], list: FilteredList<number>): {shown: number[]; position: number} {
	return indexedView(names(learners), list);
}

export function shownLearners(learners: Learner[], filter: string): number[] {
	return matchingIndices(names(learners), filter);
}
