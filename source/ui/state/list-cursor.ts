/** A cursor over a list (the menu's tasks, the course picker): by rows, by pages, to either end. */
export type ListMove = {type: 'move'; by: number} | {type: 'page'; by: 1 | -1} | {type: 'top'} | {type: 'bottom'};

/** Where `move` takes the cursor in a list of `count` items, `pageSize` of them on screen. */
export function movedCursor(cursor: number, count: number, pageSize: number, move: ListMove): number {
	const target = move.type === 'move' ? cursor + move.by : move.type === 'page' ? cursor + move.by * Math.max(1, pageSize) : move.type === 'top' ? 0 : count - 1;
	return Math.max(0, Math.min(count - 1, target));
}

/** The first of `room` lines to show out of `count` so that `line` is on screen, centred while it can be. */
export function windowStart(line: number, count: number, room: number): number {
	return Math.max(0, Math.min(line - Math.floor(room / 2), count - room));
}

/** The top line of a text `count` lines long shown `rows` at a time: one a resize left past the last full page comes back to it. */
export function shownTop(top: number, count: number, rows: number): number {
	return Math.max(0, Math.min(top, count - rows));
}

/** A scrolled text's top line after `move` (the help, a task's details): it stops where the last page is full, so a text that fits does not move. */
export function scrolledTop(top: number, count: number, rows: number, move: ListMove): number {
	// From where the text is shown: from a top a resize left past the end, ↑ moved nothing on screen.
	return movedCursor(shownTop(top, count, rows), Math.max(0, count - rows) + 1, rows, move);
}
