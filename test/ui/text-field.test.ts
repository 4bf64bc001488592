import assert from 'node:assert/strict';
import {test} from 'node:test';
import {editText, textField, withCursor, type TextEdit, type TextField} from '../../source/ui/state/text-field.js';

const edit = (field: TextField, ...edits: TextEdit[]) => edits.reduce(editText, field);

test('a field starts with its cursor after the text; typing and Backspace work at the cursor', () => {
	assert.deepEqual(textField('UTC'), {value: 'UTC', cursor: 3});
	assert.deepEqual(edit(textField('Europ/Moscow'), {type: 'home'}, {type: 'move', by: 1}, {type: 'move', by: 1}, {type: 'move', by: 1}, {type: 'move', by: 1}, {type: 'move', by: 1}, {type: 'type', text: 'e'}), {value: 'Europe/Moscow', cursor: 6});
	assert.deepEqual(edit(textField('abc'), {type: 'move', by: -1}, {type: 'erase'}), {value: 'ac', cursor: 1});
	assert.deepEqual(edit(textField('abc'), {type: 'home'}, {type: 'erase'}), {value: 'abc', cursor: 0}, 'nothing before the cursor');
});

test('Delete erases the character at the cursor and leaves the cursor where it is; nothing at the end', () => {
	assert.deepEqual(edit(textField('abc'), {type: 'home'}, {type: 'delete'}), {value: 'bc', cursor: 0});
	assert.deepEqual(edit(textField('a😀b'), {type: 'move', by: -1}, {type: 'move', by: -1}, {type: 'delete'}), {value: 'ab', cursor: 1}, 'an emoji is one character');
	assert.deepEqual(edit(textField('abc'), {type: 'delete'}), {value: 'abc', cursor: 3});
});

test('the cursor stays inside the text; End goes after it; Ctrl-U clears the field', () => {
	assert.equal(edit(textField('ab'), {type: 'move', by: 1}).cursor, 2);
	assert.equal(edit(textField('ab'), {type: 'home'}, {type: 'move', by: -1}).cursor, 0);
	assert.equal(edit(textField('ab'), {type: 'home'}, {type: 'end'}).cursor, 2);
	assert.deepEqual(edit(textField('Asia/Kolkata'), {type: 'move', by: -1}, {type: 'clear'}), {value: '', cursor: 0});
});

test('an emoji is one step of the cursor and one Backspace; the bar is drawn at the cursor', () => {
	const field = edit(textField('a😀b'), {type: 'move', by: -1}, {type: 'move', by: -1});
	assert.equal(field.cursor, 1);
	assert.equal(withCursor(field), 'a▏😀b');
	assert.deepEqual(edit(field, {type: 'move', by: 1}, {type: 'erase'}), {value: 'ab', cursor: 1});
	assert.equal(withCursor(textField('UTC')), 'UTC▏');
});
