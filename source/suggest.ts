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


/** `+3`, `UTC+3`, `GMT-03:00`, `+0530`: an offset from UTC, which names no zone. */
const OFFSET = /^(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * ` (…)` for a time zone the server does not know, or nothing. An offset of whole hours is the Etc zone of that
 * offset, whose name has the sign the other way round (POSIX's: Etc/GMT-3 is UTC+03:00): the nearest name, Etc/GMT+3,
 * is six hours off. An abbreviation (`MSK`: the known ones, or 2 to 5 capitals) is told with the zones that use it
 * now: the nearest name (MST) is another continent's. Any other value gets the nearest name, if any.
 */
export function zoneGuess(value: string, names: string[], abbreviations = new Map<string, string[]>()): string {
	const offset = OFFSET.exec(value.trim());
	if (offset) {
		const [, sign, hours, minutes = '00'] = offset;
		const east = sign === '+';
		if (minutes !== '00' || Number(hours) > (east ? 14 : 12)) return ' (an offset, not a zone: give the name of a place\'s zone, such as Asia/Kolkata)';
		if (Number(hours) === 0) return ' (did you mean "UTC"?)';
		const zone = `Etc/GMT${east ? '-' : '+'}${Number(hours)}`;
		return ` (did you mean "${zone}"? It is UTC${sign}${hours.padStart(2, '0')}:00: the tz database writes the sign the other way round)`;
	}
	const zones = abbreviations.get(value.trim().toUpperCase());
	if (zones || /^[A-Z]{2,5}$/.test(value.trim())) {
		const shown = zones?.length ? `; zones that use it now: ${zones.slice(0, 5).join(', ')}${zones.length > 5 ? ', …' : ''}` : '';
		return ` (an abbreviation, not a zone${shown})`;
	}
	return didYouMean(value, names);
}
