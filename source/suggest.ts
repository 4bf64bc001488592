/**
 * What a mistyped name most likely meant, for the sentence that refuses it: a task id, a command, an option, a
 * parameter, a time zone or a course. Guessing wrong costs the user a second look, so only a clear winner is named.
 */

/** Edits (insert, delete, replace, swap of two neighbours) that turn `a` into `b`, or more than `limit` (then limit + 1). */
function editDistance(a: string, b: string, limit: number): number {
	if (Math.abs(a.length - b.length) > limit) return limit + 1;
	let before: number[] = [];
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		let best = i;
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
			current.push(value);
			best = Math.min(best, value);
		}
		if (best > limit) return limit + 1;
		[before, previous] = [previous, current];
	}
	return previous[b.length]!;
}

/** Case, and spaces written for underscores ("new york"), make no difference. */
const folded = (name: string) => name.toLowerCase().replaceAll(' ', '_');

/**
 * The candidate `word` most likely meant, or undefined: the one whose last `/` part it is ("Moscow" for
 * Europe/Moscow), else the one it begins (at least 3 characters: "course-sum"), else the nearest within a
 * quarter of its length in edits (at least one: "activity-by-dy", "Europe/Moskow"). Two as near: neither.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
	const typed = folded(word.trim());
	if (typed === '') return undefined;
	const names = [...new Set(candidates)];
	const only = (found: string[]) => (found.length === 1 ? found[0] : undefined);
	const byLastPart = only(names.filter((name) => folded(name).split('/').at(-1) === typed));
	if (byLastPart) return byLastPart;
	const byStart = typed.length >= 3 ? only(names.filter((name) => folded(name).startsWith(typed))) : undefined;
	if (byStart) return byStart;
	const limit = Math.max(1, Math.floor(typed.length / 4));
	const near = names.map((name) => ({name, edits: editDistance(typed, folded(name), limit)})).filter(({edits}) => edits <= limit);
	const least = Math.min(...near.map(({edits}) => edits));
	return only(near.filter(({edits}) => edits === least).map(({name}) => name));
}

/** ` (did you mean "X"?)` for the candidate closest to `word`, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
	const guess = closest(word, candidates);
	return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}

