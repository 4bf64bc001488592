import type {Key} from 'ink';

/**
 * The one keymap table: the key handler, the `?` help overlay and the bottom hint line are all read
 * from it, so the documentation cannot drift from the behaviour. Every movement has an arrow/named key
 * and a vi-style key (VisiData, k9s, lazygit consensus).
 */
export type Scope = 'global' | 'help' | 'starting' | 'ingest' | 'confirm' | 'summary' | 'menu' | 'details' | 'course' | 'picker' | 'form' | 'running' | 'result' | 'cell' | 'save' | 'text' | 'error' | 'fatal';

export type Action =
	| 'quit'
	| 'help'
	| 'back'
	| 'cancel-ingest'
	| 'continue'
	| 'up'
	| 'down'
	| 'left'
	| 'right'
	| 'page-up'
	| 'page-down'
	| 'top'
	| 'bottom'
	| 'open'
	| 'details'
	| 'filter'
	| 'next-field'
	| 'previous-field'
	| 'open-picker'
	| 'run'
	| 'cancel-query'
	| 'view-cell'
	| 'search'
	| 'next-match'
	| 'previous-match'
	| 'filter-matches'
	| 'sort-asc'
	| 'sort-desc'
	| 'chart'
	| 'toggle-series'
	| 'save'
	| 'rerun'
	| 'yes'
	| 'no'
	| 'save-csv'
	| 'save-json'
	| 'save-md'
	| 'accept'
	| 'erase'
	| 'delete'
	| 'field-start'
	| 'field-end'
	| 'clear-field';

export type Binding = {
	action: Action;
	scope: Scope;
	/** Normalised key names (see keyName): the first is the one shown in hints. */
	keys: string[];
	/** How the keys are written in help, e.g. "↑/k". */
	label: string;
	description: string;
	/** Short word(s) for the one-line hint at the bottom of the screen; absent = help only. */
	hint?: string;
};

/** The moves of a picker's list (courses, learners), as the menu's; a task's details scroll by them too. */
function pickerMoves(scope: Scope, item: string, last = `last ${item}`): Binding[] {
	return [
		{action: 'up', scope, keys: ['up', 'k'], label: '↑/k', description: `previous ${item}`},
		{action: 'down', scope, keys: ['down', 'j'], label: '↓/j', description: `next ${item}`},
		{action: 'page-up', scope, keys: ['pageup', 'ctrl+b'], label: 'PgUp/Ctrl-B', description: 'previous page'},
		{action: 'page-down', scope, keys: ['pagedown', 'ctrl+f'], label: 'PgDn/Ctrl-F', description: 'next page'},
		{action: 'top', scope, keys: ['home', 'g'], label: 'g/Home', description: `first ${item}`},
		{action: 'bottom', scope, keys: ['end', 'G'], label: 'G/End', description: last},
	];
}

/** The editing keys of a text field, the same in the form as in a search or filter (readline's Ctrl-A/E/U). */
function fieldEditing(scope: Scope): Binding[] {
	return [
		{action: 'field-start', scope, keys: ['home', 'ctrl+a'], label: 'Home/Ctrl-A', description: 'cursor to the start of the field'},
		{action: 'field-end', scope, keys: ['end', 'ctrl+e'], label: 'End/Ctrl-E', description: 'cursor to the end of the field'},
		{action: 'erase', scope, keys: ['backspace'], label: 'Backspace', description: 'erase the character before the cursor'},
		{action: 'delete', scope, keys: ['delete'], label: 'Delete', description: 'erase the character at the cursor'},
		{action: 'clear-field', scope, keys: ['ctrl+u'], label: 'Ctrl-U', description: 'clear the field'},
	];
}

export const keymap: Binding[] = [
	{action: 'quit', scope: 'global', keys: ['ctrl+c'], label: 'Ctrl-C', description: 'quit at once (cancels a running load or query cleanly)'},
	{action: 'help', scope: 'global', keys: ['?', 'f1'], label: '?/F1', description: 'show / hide this help (in a text field ? is typed: F1)'},

	{action: 'up', scope: 'help', keys: ['up', 'k'], label: '↑/k', description: 'scroll the help up'},
	{action: 'down', scope: 'help', keys: ['down', 'j'], label: '↓/j', description: 'scroll the help down'},
	{action: 'page-up', scope: 'help', keys: ['pageup', 'ctrl+b'], label: 'PgUp/Ctrl-B', description: 'scroll the help up a page'},
	{action: 'page-down', scope: 'help', keys: ['pagedown', 'ctrl+f'], label: 'PgDn/Ctrl-F', description: 'scroll the help down a page'},
	{action: 'back', scope: 'help', keys: ['escape', '?', 'q'], label: 'Esc/?/q', description: 'close the help (so does F1)', hint: 'close'},

	// A start can wait long (a server replaying its WAL, a --db that does not answer, another session's lock): only Ctrl-C left it.
	{action: 'quit', scope: 'starting', keys: ['q', 'escape'], label: 'q/Esc', description: 'quit (gives up the start: a server being started is stopped)', hint: 'quit'},

	{action: 'cancel-ingest', scope: 'ingest', keys: ['escape', 'q'], label: 'Esc/q', description: 'cancel the load (asks first; it resumes next time)', hint: 'cancel'},
	{action: 'yes', scope: 'confirm', keys: ['y'], label: 'y', description: 'yes, cancel the load', hint: 'yes'},
	{action: 'no', scope: 'confirm', keys: ['n', 'escape'], label: 'n/Esc', description: 'no, keep loading', hint: 'no'},

	{action: 'continue', scope: 'summary', keys: ['enter', 'space'], label: 'Enter', description: 'go on to the task menu', hint: 'continue'},
	{action: 'quit', scope: 'summary', keys: ['q'], label: 'q', description: 'quit', hint: 'quit'},

	{action: 'up', scope: 'menu', keys: ['up', 'k'], label: '↑/k', description: 'previous task'},
	{action: 'down', scope: 'menu', keys: ['down', 'j'], label: '↓/j', description: 'next task'},
	{action: 'page-up', scope: 'menu', keys: ['pageup', 'ctrl+b'], label: 'PgUp/Ctrl-B', description: 'previous page'},
	{action: 'page-down', scope: 'menu', keys: ['pagedown', 'ctrl+f'], label: 'PgDn/Ctrl-F', description: 'next page'},
	{action: 'top', scope: 'menu', keys: ['home', 'g'], label: 'g/Home', description: 'first task'},
	{action: 'bottom', scope: 'menu', keys: ['end', 'G'], label: 'G/End', description: 'last task'},
	{action: 'open', scope: 'menu', keys: ['enter'], label: 'Enter', description: 'choose the task (course, parameters, run)', hint: 'choose'},
	{action: 'filter', scope: 'menu', keys: ['/'], label: '/', description: 'filter the list by typing (Esc clears)', hint: 'filter'},
	// i as in info; Ctrl-T as in the form, where i is typed: one key for all of them (the pickers' too).
	{action: 'details', scope: 'menu', keys: ['i', 'ctrl+t'], label: 'i/Ctrl-T', description: 'the task in full: what it counts, parameters, sort, chart', hint: 'details'},
	{action: 'back', scope: 'menu', keys: ['escape'], label: 'Esc', description: 'clear the filter'},
	{action: 'quit', scope: 'menu', keys: ['q'], label: 'q', description: 'quit', hint: 'quit'},

	...pickerMoves('course', 'course', 'last course (all courses, when the task allows it)'),
	{action: 'open', scope: 'course', keys: ['enter'], label: 'Enter', description: 'use this course', hint: 'choose'},
	{action: 'filter', scope: 'course', keys: ['/'], label: '/', description: 'filter the courses by typing (Esc clears)', hint: 'filter'},
	{action: 'details', scope: 'course', keys: ['i', 'ctrl+t'], label: 'i/Ctrl-T', description: 'the task in full: what it counts, parameters, sort, chart', hint: 'details'},
	{action: 'back', scope: 'course', keys: ['escape'], label: 'Esc', description: 'clear the filter; without one, back to the menu', hint: 'back'},

	...pickerMoves('picker', 'entry'),
	{action: 'open', scope: 'picker', keys: ['enter'], label: 'Enter', description: 'put this learner (video, problem) into the field', hint: 'choose'},
	{action: 'filter', scope: 'picker', keys: ['/'], label: '/', description: 'filter by typing: a name; an id, unit or URL (Esc clears)', hint: 'filter'},
	// i is free here as in the course picker: the filter is typed after / (and there, in scope 'text', i is typed).
	{action: 'details', scope: 'picker', keys: ['i', 'ctrl+t'], label: 'i/Ctrl-T', description: 'the task in full: what it counts, parameters, sort, chart', hint: 'details'},
	{action: 'back', scope: 'picker', keys: ['escape'], label: 'Esc', description: 'clear the filter; without one, back to the form unchanged', hint: 'back'},

	// In the order the hint line keeps them when cut (see hintLine): at 40 columns, run and back; at 80, all of them (on a
	// user field "next field" as "field" makes room: with it the line lost Ctrl-T, which only the hint and the help say).
	{action: 'run', scope: 'form', keys: ['enter'], label: 'Enter', description: 'run the task (a required learner left empty: pick one first)', hint: 'run'},
	{action: 'back', scope: 'form', keys: ['escape'], label: 'Esc', description: 'back to the menu', hint: 'back'},
	{action: 'previous-field', scope: 'form', keys: ['up', 'shift+tab'], label: '↑/Shift-Tab', description: 'previous parameter'},
	{action: 'next-field', scope: 'form', keys: ['down', 'tab'], label: '↓/Tab', description: 'next parameter', hint: 'field'},
	{action: 'left', scope: 'form', keys: ['left'], label: '←', description: 'move the cursor left (a choice or yes/no: the previous choice)'},
	{action: 'right', scope: 'form', keys: ['right'], label: '→', description: 'move the cursor right (a choice or yes/no: the next choice)'},
	...fieldEditing('form'),
	// Ctrl-T: no terminal takes it (Windows Terminal's is Ctrl+Shift+T).
	{action: 'details', scope: 'form', keys: ['ctrl+t'], label: 'Ctrl-T', description: 'the task in full: what it counts, parameters, sort, chart', hint: 'details'},
	// A Ctrl chord, as printable keys are typed; one no terminal takes (Windows Terminal keeps its Ctrl+Shift chords and
	// Ctrl-V; F2 needs Fn on many laptops). Its hint shows on a user field only (see keyHints), and goes first when cut:
	// the field's own help says it too.
	{action: 'open-picker', scope: 'form', keys: ['ctrl+l'], label: 'Ctrl-L', description: 'pick a learner, video or problem from a list (on its field)', hint: 'learners'},

	...pickerMoves('details', 'line'),
	// As a pager's q (less), and the key that opened it: the details are read and left, as the help is.
	{action: 'back', scope: 'details', keys: ['escape', 'q', 'i', 'ctrl+t'], label: 'Esc/q', description: 'back to where you were, as you left it (i, Ctrl-T too)', hint: 'back'},

	{action: 'cancel-query', scope: 'running', keys: ['escape'], label: 'Esc', description: 'cancel the query on the server', hint: 'cancel'},

	{action: 'up', scope: 'result', keys: ['up', 'k'], label: '↑/k', description: 'previous row'},
	{action: 'down', scope: 'result', keys: ['down', 'j'], label: '↓/j', description: 'next row'},
	{action: 'left', scope: 'result', keys: ['left', 'h'], label: '←/h', description: 'previous column (scrolls horizontally; the key columns stay)'},
	{action: 'right', scope: 'result', keys: ['right', 'l'], label: '→/l', description: 'next column (scrolls horizontally; the key columns stay)'},
	{action: 'page-up', scope: 'result', keys: ['pageup', 'ctrl+b'], label: 'PgUp/Ctrl-B', description: 'previous page'},
	{action: 'page-down', scope: 'result', keys: ['pagedown', 'ctrl+f'], label: 'PgDn/Ctrl-F', description: 'next page'},
	{action: 'top', scope: 'result', keys: ['g', 'home'], label: 'g/Home', description: 'first row'},
	{action: 'bottom', scope: 'result', keys: ['G', 'end'], label: 'G/End', description: 'last row'},
	{action: 'view-cell', scope: 'result', keys: ['space', 'enter'], label: 'Space/Enter', description: 'view the whole cell (Esc closes it)'},
	{action: 'sort-asc', scope: 'result', keys: ['['], label: '[', description: 'sort by the current column, ascending (again: original order)'},
	{action: 'sort-desc', scope: 'result', keys: [']'], label: ']', description: 'sort by the current column, descending (again: original order)', hint: 'sort desc'},
	{action: 'search', scope: 'result', keys: ['/'], label: '/', description: 'search the cells (Enter jumps to the first match)', hint: 'search'},
	{action: 'next-match', scope: 'result', keys: ['n'], label: 'n', description: 'next match'},
	{action: 'previous-match', scope: 'result', keys: ['N'], label: 'N', description: 'previous match'},
	{action: 'filter-matches', scope: 'result', keys: ['f'], label: 'f', description: 'show only rows matching the search (again: all rows)'},
	{action: 'chart', scope: 'result', keys: ['c'], label: 'c', description: 'show / hide the chart (tasks that declare one)', hint: 'chart'},
	// Lines that overlap (active-learners' four) could not be read: each is hidden by the number the legend gives it.
	{action: 'toggle-series', scope: 'result', keys: [...'123456789'], label: '1-9', description: 'hide / show the chart line of that number (one stays shown)'},
	{action: 'save', scope: 'result', keys: ['s', 'ctrl+s'], label: 's/Ctrl-S', description: 'save the sorted, filtered rows to result/ (CSV, JSON, Markdown)', hint: 'save'},
	{action: 'rerun', scope: 'result', keys: ['r'], label: 'r', description: 'run the task again'},
	{action: 'back', scope: 'result', keys: ['escape'], label: 'Esc', description: 'back to the menu', hint: 'back'},
	{action: 'quit', scope: 'result', keys: ['q'], label: 'q', description: 'quit', hint: 'quit'},

	{action: 'back', scope: 'cell', keys: ['escape', 'enter', 'space'], label: 'Esc', description: 'close the cell view', hint: 'close'},

	{action: 'save-csv', scope: 'save', keys: ['enter', 'c'], label: 'Enter/c', description: 'save as CSV', hint: 'CSV'},
	{action: 'save-json', scope: 'save', keys: ['j'], label: 'j', description: 'save as JSON', hint: 'JSON'},
	{action: 'save-md', scope: 'save', keys: ['m'], label: 'm', description: 'save as Markdown', hint: 'Markdown'},
	{action: 'back', scope: 'save', keys: ['escape'], label: 'Esc', description: 'do not save', hint: 'cancel'},

	{action: 'accept', scope: 'text', keys: ['enter'], label: 'Enter', description: 'accept what you typed (search, filter)', hint: 'accept'},
	{action: 'back', scope: 'text', keys: ['escape'], label: 'Esc', description: 'clear and stop typing', hint: 'clear'},
	// Ctrl-T as on the form, where i is typed too: a picker opened on a name begun in the field is typing its filter.
	{action: 'details', scope: 'text', keys: ['ctrl+t'], label: 'Ctrl-T', description: 'the task in full (filtering the menu or a picker)', hint: 'details'},
	{action: 'left', scope: 'text', keys: ['left'], label: '←', description: 'move the cursor left'},
	{action: 'right', scope: 'text', keys: ['right'], label: '→', description: 'move the cursor right'},
	...fieldEditing('text'),
	{action: 'up', scope: 'text', keys: ['up'], label: '↑', description: 'previous task, course or learner, while filtering a list'},
	{action: 'down', scope: 'text', keys: ['down'], label: '↓', description: 'next task, course or learner, while filtering a list'},

	{action: 'back', scope: 'error', keys: ['escape', 'enter'], label: 'Esc/Enter', description: 'back to where you were', hint: 'back'},
	{action: 'quit', scope: 'error', keys: ['q'], label: 'q', description: 'quit', hint: 'quit'},
	// Nothing to go back to (the database could not be opened): the hint said "Esc/Enter back" for keys that quit.
	{action: 'quit', scope: 'fatal', keys: ['q', 'escape', 'enter'], label: 'q/Esc', description: 'quit (there is nothing to go back to)', hint: 'quit'},
];

/**
 * The Delete key as terminals send it: ESC [3~ (with modifiers ESC [3;5~; rxvt ESC [3$ and ESC [3^).
 * Ink names it 'delete' as it names the Backspace key's DEL (\x7f), so only the sequence tells them apart.
 */
const deleteSequence = /^\u001B\[3[~;$^]/;

/** Ink's (input, key) as one name: "up", "pagedown", "enter", "ctrl+s", "shift+tab", or the typed character. */
function keyName(input: string, key: Key, sequence: string): string {
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	// LF: what Ctrl-J, and Ctrl-Enter in Windows Terminal, send (Ink names it 'enter' but sets no flag for it).
	if (key.return || input === '\n') return 'enter';
	if (key.escape) return 'escape';
	if (key.tab) return key.shift ? 'shift+tab' : 'tab';
	if (key.delete && deleteSequence.test(sequence)) return 'delete';
	if (key.backspace || key.delete) return 'backspace';
	if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
	if (input === ' ') return 'space';
	return input;
}

/** What a single key press types into a text field ('' for named keys and Ctrl/Alt chords). */
function typedText(input: string, key: Key): string {
	const named = key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end;
	if (named || key.return || key.escape || key.tab || key.backspace || key.delete || key.ctrl || key.meta) return '';
	return input.replace(/[\u0000-\u001F\u007F]/g, '');
}

/** One key: its name in the keymap, and what it types into a text field ('' for named keys and chords). */
export type KeyPress = {name: string; text: string};

const controlNames: Record<string, string> = {'\r': 'enter', '\n': 'enter', '\t': 'tab', '\b': 'backspace', '\u007F': 'backspace', '\u001B': 'escape'};

/** A character of a several-key input, named as Ink names it when it comes alone. */
function charKey(char: string): KeyPress {
	const control = controlNames[char];
	if (control) return {name: control, text: ''};
	if (char < ' ') return {name: `ctrl+${String.fromCharCode(char.charCodeAt(0) + 96)}`, text: ''};
	return {name: char === ' ' ? 'space' : char, text: char};
}

/**
 * Escape sequences whose keys Ink gives no flag: F1 as xterm and tmux, rxvt and PuTTY, and the Linux console send
 * it, and the keypad's Enter in application keypad mode.
 */
const sequenceNames: Record<string, string> = {'\u001BOP': 'f1', '\u001B[11~': 'f1', '\u001B[[A': 'f1', '\u001BOM': 'enter'};

/** An escape sequence of one key (ESC [ …, ESC O and one character), not an Esc with a key glued to it. */
function isKeySequence(sequence: string): boolean {
	return sequence.startsWith('\u001B[') || (sequence.startsWith('\u001BO') && sequence.length === 3);
}

/**
 * The keys one useInput call holds, in order. Ink 6.8 cuts stdin chunks only at escape sequences
 * (build/input-parser.js: arrows, Home, Esc… arrive one per call), so keys that arrive together
 * without one (key repeat, a paste, a busy machine) come as one string with no key flag set:
 * "ab\x7f\r" is a, b, Backspace, Enter. A paste is typed character by character, so it lands whole.
 * `sequence` is what Ink's parser emitted for the call: it names F1, which useInput reports like
 * F2 to F12 (no flag, no input), and tells Delete from Backspace; keys with no name are dropped.
 */
export function keyPresses(input: string, key: Key, sequence: string): KeyPress[] {
	const afterEscape = gluedToEscape(sequence);
	if (afterEscape !== undefined) {
		const rest = [...afterEscape].length === 1 ? [charKey(afterEscape)] : keyPresses(input, {...key, meta: false}, afterEscape);
		return [{name: 'escape', text: ''}, ...rest];
	}
	// Ink passes the bytes after ESC of a sequence it cannot name as typed text: a bracketed paste's ends
	// (ESC [200~) typed "[200~" into a field and its "[" sorted a result; so did Shift-F1 (ESC [1;2P) and other keys.
	if (isKeySequence(sequence)) {
		const name = keyName('', key, sequence) || (sequenceNames[sequence] ?? '');
		return name ? [{name, text: ''}] : [];
	}
	// CR LF, as a paste may hold it, is one line break.
	const chars = [...input.replaceAll('\r\n', '\r')];
	if (chars.length > 1) return chars.map(charKey);
	const name = keyName(input, key, sequence);
	return name ? [{name, text: typedText(input, key)}] : [];
}

/**
 * The key that came glued to an Esc, or undefined. Ink 6.8 reads ESC and the bytes after it in the same chunk as
 * one Alt chord ("\x1bq" Alt+q, "\x1b\x1b[A" Alt+↑, "\x1b\x1b" one Esc): so it reads Esc then a key pressed
 * quickly (tmux waits its escape-time, 500 ms by default, and sends them as one; so may a slow link), and the Esc
 * was lost ("Esc q" in a search did nothing; "Esc j" on a result moved its cursor). The app binds no Alt chord,
 * so such a chord is Esc, then the key. An escape sequence of one key (ESC [, ESC O) is not one.
 */
function gluedToEscape(sequence: string): string | undefined {
	if (sequence.length < 2 || !sequence.startsWith('\u001B')) return undefined;
	return isKeySequence(sequence) ? undefined : sequence.slice(1);
}

/** A bracketed paste's start and end, which the terminal sends around a paste once the app asks (see fullscreen.ts). */
const PASTE_START = '\u001B[200~';
const PASTE_END = '\u001B[201~';

/**
 * What a pasted chunk types: its text, with line breaks and tabs as spaces (a field holds one line: pasted as keys, a
 * spreadsheet cell's "alice\r\n" ran the task and a tab went to the next field) and no other control character. It
 * has no key name, so a paste outside a text field does nothing (as keys, a pasted "q" quit the app from the menu).
 */
function pastedPresses(raw: string): KeyPress[] {
	const text = raw.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001F\u007F]/g, '');
	return text ? [{name: '', text}] : [];
}

/**
 * A reader of Ink's useInput calls into keys (keyPresses), which knows whether a bracketed paste is under way:
 * what comes between its start and end is text, not keys.
 */
export function createKeyReader(): (input: string, key: Key, sequence: string) => KeyPress[] {
	let pasting = false;
	return (input, key, sequence) => {
		if (sequence === PASTE_START || sequence === PASTE_END) {
			pasting = sequence === PASTE_START;
			return [];
		}
		if (pasting) return isKeySequence(sequence) ? [] : pastedPresses(sequence);
		return keyPresses(input, key, sequence);
	};
}

/** The action bound to `name` in `scope` itself (callers fall back to 'global'). */
export function scopeAction(scope: Scope, name: string): Action | undefined {
	return keymap.find((binding) => binding.scope === scope && binding.keys.includes(name))?.action;
}

export type HelpLine = {heading: string} | {label: string; description: string};

/** The help overlay's lines for a screen: its keys, then the global ones, each under its title; less the keys `idle` (those that do nothing there). */
export function helpLines(scope: Scope, idle: readonly Action[] = []): HelpLine[] {
	const scopes: Scope[] = scope === 'global' ? ['global'] : [scope, 'global'];
	return scopes.flatMap((shown) => [
		{heading: scopeTitles[shown]},
		...keymap.filter((binding) => binding.scope === shown && !(shown === scope && idle.includes(binding.action))).map((binding) => ({label: binding.label, description: binding.description})),
	]);
}

/**
 * The bottom hint line of a scope: "Enter choose · / filter · q quit · ? help". `hints` says what a key does in
 * the state at hand where it is not its usual (] on a column sorted descending restores the original order), ''
 * where it does nothing (Ctrl-L off a user, video or problem field), which leaves it out.
 */
export function hintLine(scope: Scope, hints: Partial<Record<Action, string>> = {}, width = Number.POSITIVE_INFINITY): string {
	const own = keymap.flatMap((binding) => {
		const hint = binding.scope === scope ? (hints[binding.action] ?? binding.hint) : undefined;
		return hint ? [`${binding.label} ${hint}`] : [];
	});
	// In the help "?" closes it (its own hint says so); in fields "?" is typed, not help.
	const help = scope === 'help' ? [] : [scope === 'text' || scope === 'form' ? 'F1 help' : '? help'];
	// Too wide, the line lost its end, the help key among them (the result screen at 60 columns): the last of the
	// screen's own hints go first, and the help lists them all.
	let shown = own;
	while (shown.length > 1 && help.length > 0 && [...shown, ...help].join(' · ').length > width) shown = shown.slice(0, -1);
	return [...shown, ...help].join(' · ');
}

export const scopeTitles: Record<Scope, string> = {
	global: 'Everywhere',
	help: 'This help',
	starting: 'Starting',
	ingest: 'Loading logs',
	confirm: 'Cancel the load?',
	summary: 'Load summary',
	menu: 'Task menu',
	details: 'Task details',
	course: 'Course picker',
	picker: 'Learner, video and problem picker',
	form: 'Parameters',
	running: 'Running a task',
	result: 'Result table',
	cell: 'Cell view',
	save: 'Save format',
	text: 'Typing a search or filter',
	error: 'Error message',
	fatal: 'Error message',
};
