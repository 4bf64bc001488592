import assert from 'node:assert/strict';
import {test} from 'node:test';
import {movedCursor, windowStart} from '../../source/ui/state/list-cursor.js';

test('a list cursor moves by rows and pages and jumps to either end, never past them', () => {
	assert.equal(movedCursor(3, 10, 4, {type: 'move', by: 1}), 4);
	assert.equal(movedCursor(0, 10, 4, {type: 'move', by: -1}), 0);
	assert.equal(movedCursor(3, 10, 4, {type: 'page', by: 1}), 7);
	assert.equal(movedCursor(7, 10, 4, {type: 'page', by: 1}), 9);
	assert.equal(movedCursor(2, 10, 4, {type: 'page', by: -1}), 0);
	assert.equal(movedCursor(5, 10, 4, {type: 'top'}), 0);
	assert.equal(movedCursor(5, 10, 4, {type: 'bottom'}), 9);
	assert.equal(movedCursor(0, 0, 4, {type: 'bottom'}), 0, 'an empty list keeps 0');
});

test('the window keeps the cursor line on screen, centred while the list allows', () => {
	assert.equal(windowStart(0, 30, 10), 0);
	assert.equal(windowStart(15, 30, 10), 10);
	assert.equal(windowStart(29, 30, 10), 20);
	assert.equal(windowStart(2, 5, 10), 0, 'a short list is not scrolled');
});
