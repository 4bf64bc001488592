import stringWidth from 'string-width';

/**
 * A one-line text field (a form value, the menu filter, the result search): its text and a cursor
 * counted in characters (code points, so an emoji is one step). Typing, Backspace (the character
 * before the cursor) and Delete (the one after it) work at the cursor; ←/→ and Home/End move it;
 * Ctrl-U clears the field.
 */
export type TextField = {value: string; cursor: number};

export type TextEdit = {type: 'type'; text: string} | {type: 'erase'} | {type: 'delete'} | {type: 'clear'} | {type: 'move'; by: 1 | -1} | {type: 'home'} | {type: 'end'};

/** A field holding `value`, the cursor after it (where typing continues). */
export function textField(value = ''): TextField {
	return {value, cursor: [...value].length};
}

export function editText<Field extends TextField>(field: Field, edit: TextEdit): Field {
	const chars = [...field.value];
	const cursor = Math.max(0, Math.min(chars.length, field.cursor));
	const at = (value: string[], position: number) => ({...field, value: value.join(''), cursor: position});
	switch (edit.type) {
		case 'type': {
			const typed = [...edit.text];
			return at([...chars.slice(0, cursor), ...typed, ...chars.slice(cursor)], cursor + typed.length);
		}
		case 'erase':
			return cursor === 0 ? field : at([...chars.slice(0, cursor - 1), ...chars.slice(cursor)], cursor - 1);
		case 'delete':
			return cursor === chars.length ? field : at([...chars.slice(0, cursor), ...chars.slice(cursor + 1)], cursor);
		case 'clear':
			return at([], 0);
		case 'move':
			return at(chars, Math.max(0, Math.min(chars.length, cursor + edit.by)));
		case 'home':
			return at(chars, 0);
		case 'end':
			return at(chars, chars.length);
	}
}

/** The field as shown while it is edited: the text with a bar at the cursor. */
export function withCursor(field: TextField): string {
	const chars = [...field.value];
	return `${chars.slice(0, field.cursor).join('')}▏${chars.slice(field.cursor).join('')}`;
}

/**
 * withCursor in at most `width` cells: a longer text is cut around the cursor, "…" where it is cut, the text before the
 * cursor (what was just typed) kept first. A search wrapped onto a second line pushed the table's header off the screen.
 */
export function fittedField(field: TextField, width: number): string {
	const chars = [...withCursor(field)];
	const shown = (from: number, to: number) => `${from > 0 ? '…' : ''}${chars.slice(from, to).join('')}${to < chars.length ? '…' : ''}`;
	const fits = (from: number, to: number) => stringWidth(shown(from, to)) <= width;
	// The cursor's bar is chars[cursor].
	let [from, to] = [field.cursor, field.cursor + 1];
	while (from > 0 && fits(from - 1, to)) from--;
	while (to < chars.length && fits(from, to + 1)) to++;
	return shown(from, to);
}
