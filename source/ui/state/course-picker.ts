import {indexedView, matchingIndices, type FilteredList} from './filtered-list.js';

/**
 * The course picker's choices: the courses, and undefined for "all courses" where the task allows it. Its list
 * is keyed by index into them, and filtered as the menu is (`/`, every word in the course id).
 */
export type CourseChoice = string | undefined;

export function choiceLabel(choice: CourseChoice): string {
	return choice ?? 'all courses';
}

/** The choices the filter keeps (as indices into `choices`), and where the highlighted one is among them. */
export function pickerView(choices: CourseChoice[], list: FilteredList<number>): {shown: number[]; position: number} {
	return indexedView(choices.map(choiceLabel), list);
}

export function shownChoices(choices: CourseChoice[], filter: string): number[] {
	return matchingIndices(choices.map(choiceLabel), filter);
}
