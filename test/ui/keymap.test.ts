import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Key} from 'ink';
import {createKeyReader, hintLine, keyPresses} from '../../source/ui/keymap.js';

/** Ink's key flags for an input: none set unless given (a several-key input never has any). */
function flags(set: Partial<Key> = {}): Key {
	const none: Key = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false};
	return {...none, ...set};
}

const names = (input: string, key = flags()) => keyPresses(input, key, input).map((press) => press.name);

test('an input holding several keys is cut into them, in order: text, Backspace, Enter, Tab, Ctrl chords', () => {
	assert.deepEqual(keyPresses('ab\u007F\r', flags(), 'ab\u007F\r'), [
		{name: 'a', text: 'a'},
		{name: 'b', text: 'b'},
		{name: 'backspace', text: ''},
		{name: 'enter', text: ''},
	]);
	assert.deepEqual(names('\u007F'.repeat(10)), Array(10).fill('backspace'));
	assert.deepEqual(names('s\r'), ['s', 'enter']);
	assert.deepEqual(names('x\by\tz\u0003'), ['x', 'backspace', 'y', 'tab', 'z', 'ctrl+c']);
	assert.deepEqual(names('j k'), ['j', 'space', 'k']);
});

test('a pasted text types every character, so it lands whole; astral characters stay whole', () => {
	const pasted = keyPresses('Asia/Kolkata 😀', flags(), 'Asia/Kolkata 😀');
	assert.equal(pasted.map((press) => press.text).join(''), 'Asia/Kolkata 😀');
	assert.deepEqual(keyPresses('😀', flags(), '😀'), [{name: '😀', text: '😀'}]);
});

test('a single key keeps the name Ink gave it', () => {
	assert.deepEqual(keyPresses('', flags({upArrow: true}), '\u001B[A'), [{name: 'up', text: ''}]);
	assert.deepEqual(keyPresses('', flags({delete: true}), '\u007F'), [{name: 'backspace', text: ''}]);
	assert.deepEqual(keyPresses('s', flags({ctrl: true}), '\u0013'), [{name: 'ctrl+s', text: ''}]);
	assert.deepEqual(keyPresses('G', flags({shift: true}), 'G'), [{name: 'G', text: 'G'}]);
	assert.deepEqual(keyPresses('', flags({escape: true, meta: true}), '\u001B'), [{name: 'escape', text: ''}]);
});

test('Delete (ESC [3~, with modifiers, rxvt) is named delete; Backspace (DEL or BS) stays backspace, though Ink flags DEL as delete too', () => {
	for (const sequence of ['\u001B[3~', '\u001B[3;5~', '\u001B[3$', '\u001B[3^']) assert.deepEqual(keyPresses('', flags({delete: true}), sequence), [{name: 'delete', text: ''}], JSON.stringify(sequence));
	assert.deepEqual(keyPresses('', flags({delete: true}), '\u007F'), [{name: 'backspace', text: ''}]);
	assert.deepEqual(keyPresses('', flags({backspace: true}), '\b'), [{name: 'backspace', text: ''}]);
});

test('F1 is named from the sequence Ink parsed (xterm, rxvt, Linux console); F2 and other unnamed keys give nothing', () => {
	for (const f1 of ['\u001BOP', '\u001B[11~', '\u001B[[A']) assert.deepEqual(keyPresses('', flags(), f1), [{name: 'f1', text: ''}]);
	assert.deepEqual(keyPresses('', flags(), '\u001BOQ'), []);
	assert.deepEqual(keyPresses('', flags(), '\u001B[2~'), []);
});

test('an escape sequence Ink has no name for is no key: its bytes were typed ("[200~" into a field, its "[" sorted a result)', () => {
	// (input, flags) as Ink 6.8 hands them over: the sequence without its ESC, as text.
	assert.deepEqual(keyPresses('[200~', flags(), '\u001B[200~'), [], 'a bracketed paste starts');
	assert.deepEqual(keyPresses('[201~', flags(), '\u001B[201~'), [], 'a bracketed paste ends');
	assert.deepEqual(keyPresses('[1;2P', flags({shift: true}), '\u001B[1;2P'), [], "xterm's Shift-F1");
	assert.deepEqual(keyPresses('[25~', flags(), '\u001B[25~'), [], 'F13');
	assert.deepEqual(keyPresses('[I', flags(), '\u001B[I'), [], 'a focus report');
	assert.deepEqual(keyPresses('Oj', flags(), '\u001BOj'), [], 'the keypad\'s * in application mode');
	// Home and End as each terminal family sends them, and Ctrl-arrows: named by Ink, kept.
	assert.deepEqual(keyPresses('', flags({home: true}), '\u001B[7~'), [{name: 'home', text: ''}]);
	assert.deepEqual(keyPresses('', flags({rightArrow: true, ctrl: true}), '\u001B[1;5C'), [{name: 'right', text: ''}]);
});

test('Enter as LF (Ctrl-J, Ctrl-Enter) and as the keypad sends it in application mode (ESC O M) is Enter; CR LF in a chunk is one', () => {
	assert.deepEqual(keyPresses('\n', flags(), '\n'), [{name: 'enter', text: ''}]);
	assert.deepEqual(keyPresses('OM', flags(), '\u001BOM'), [{name: 'enter', text: ''}]);
	assert.deepEqual(names('ab\n'), ['a', 'b', 'enter']);
	assert.deepEqual(names('ab\r\n'), ['a', 'b', 'enter']);
});

test('a bracketed paste is text, not keys: line breaks and tabs as spaces, no key name; the keys after it are keys again', () => {
	const read = createKeyReader();
	// Each call as Ink 6.8 makes it: the markers apart (escape sequences), the text between them in one call.
	assert.deepEqual(read('[200~', flags(), '\u001B[200~'), []);
	assert.deepEqual(read('alice\r\n\tbob\r', flags(), 'alice\r\n\tbob\r'), [{name: '', text: 'alice bob '}]);
	assert.deepEqual(read('q', flags(), 'q'), [{name: '', text: 'q'}], 'a paste of "q" does not quit');
	assert.deepEqual(read('', flags({return: true}), '\r'), [{name: '', text: ' '}], 'a chunk of one line break');
	assert.deepEqual(read('', flags({upArrow: true}), '\u001B[A'), [], 'an escape sequence in a paste is nothing');
	assert.deepEqual(read('[201~', flags(), '\u001B[201~'), []);
	assert.deepEqual(read('q', flags(), 'q'), [{name: 'q', text: 'q'}]);
	assert.deepEqual(read('', flags({return: true}), '\r'), [{name: 'enter', text: ''}]);
});

test('a key glued to an Esc (Ink reads them as one Alt chord) is Esc, then that key; an escape sequence of one key stays one', () => {
	const esc = {name: 'escape', text: ''};
	// Flags as Ink 6.8 sets them for each sequence (parse-keypress: meta, or option for ESC ESC [).
	assert.deepEqual(keyPresses('q', flags({meta: true}), '\u001Bq'), [esc, {name: 'q', text: 'q'}]);
	assert.deepEqual(keyPresses('G', flags({meta: true, shift: true}), '\u001BG'), [esc, {name: 'G', text: 'G'}]);
	assert.deepEqual(keyPresses('', flags({upArrow: true, meta: true}), '\u001B\u001B[A'), [esc, {name: 'up', text: ''}]);
	assert.deepEqual(keyPresses('', flags({escape: true, meta: true}), '\u001B\u001B'), [esc, esc]);
	assert.deepEqual(keyPresses('', flags({return: true, meta: true}), '\u001B\r'), [esc, {name: 'enter', text: ''}]);
	assert.deepEqual(keyPresses('', flags({delete: true, meta: true}), '\u001B\u001B[3~'), [esc, {name: 'delete', text: ''}]);
	assert.deepEqual(keyPresses('', flags({meta: true}), '\u001B\u001BOP'), [esc, {name: 'f1', text: ''}]);
	// xterm's Alt+↑ is one CSI sequence with a modifier: ↑.
	assert.deepEqual(keyPresses('', flags({upArrow: true, meta: true}), '\u001B[1;3A'), [{name: 'up', text: ''}]);
	assert.deepEqual(keyPresses('', flags(), '\u001BOP'), [{name: 'f1', text: ''}]);
});

test('the hint line ends with how to get help, except in the help itself, where ? closes it', () => {
	assert.equal(hintLine('help'), 'Esc/?/q close');
	assert.match(hintLine('menu'), / · \? help$/);
	assert.match(hintLine('form'), / · F1 help$/);
});

test("the form's hint line keeps Ctrl-T details at 80 columns, on a user field too (it dropped it there), and run and back at 40", () => {
	const offUser = {'open-picker': ''};
	assert.equal(hintLine('form', {}, 80), 'Enter run · Esc back · ↓/Tab field · Ctrl-T details · Ctrl-L learners · F1 help');
	assert.equal(hintLine('form', offUser, 80), 'Enter run · Esc back · ↓/Tab field · Ctrl-T details · F1 help');
	// Narrow, the learners' key goes first (the user field's help says it), then the details', then the fields'.
	assert.equal(hintLine('form', {}, 78), 'Enter run · Esc back · ↓/Tab field · Ctrl-T details · F1 help');
	for (const hints of [{}, offUser]) assert.equal(hintLine('form', hints, 40), 'Enter run · Esc back · F1 help');
});

test('a hint line too wide for the terminal drops its last own hints, not the help key (at 60 columns the result screen lost "q quit · ? help")', () => {
	const whole = hintLine('result');
	assert.ok(whole.length > 60, `the whole line is wider than 60: ${whole}`);
	const narrow = hintLine('result', {}, 60);
	assert.ok(narrow.length <= 60, narrow);
	assert.match(narrow, / · \? help$/);
	assert.ok(whole.startsWith(narrow.slice(0, -' · ? help'.length)), 'the first hints kept, in order');
	assert.equal(hintLine('result', {}, whole.length), whole, 'a line that fits is whole');
	assert.equal(hintLine('result', {}, 5).split(' · ').length, 2, 'one own hint at least, then the help key (the terminal cuts the rest)');
});
