import {filteredList, indexedView, matchingIndices, type FilteredList} from './filtered-list.js';
import {textField} from './text-field.js';

/** A learner as the picker lists them: the name and their events in the form's course (or in every course). */
export type Learner = {username: string; events: number};

const names = (learners: Learner[]) => learners.map((learner) => learner.username);

/**
 * The picker's list as it opens on a field holding `value`: on that learner when it names one; filtered by it when it
 * is the start of a name (typed, then Ctrl-L to look the rest up); on the most active learner when empty.
 */
export function openedList(learners: Learner[], value: string): FilteredList<number> {
	const typed = value.trim();
	const named = learners.findIndex((learner) => learner.username === typed);
	if (typed === '' || named >= 0) return filteredList(Math.max(0, named));
	return {...filteredList(matchingIndices(names(learners), typed)[0]), filter: textField(typed)};
}

/** The learners the filter keeps (as indices into `learners`), and where the highlighted one is among them. */
export function learnerView(learners: Learner[], list: FilteredList<number>): {shown: number[]; position: number} {
	return indexedView(names(learners), list);
}

export function shownLearners(learners: Learner[], filter: string): number[] {
	return matchingIndices(names(learners), filter);
}
