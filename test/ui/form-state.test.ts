import assert from 'node:assert/strict';
import {test} from 'node:test';
import {formLayout} from '../../source/ui/state/form-state.js';

test('formLayout: the description takes what the fields leave; too few lines scroll the fields to the focused one, with a marker per end cut', () => {
	// 6 fields; title and help take 2 of the lines.
	assert.deepEqual(formLayout(6, 0, 12), {descriptionRoom: 3, start: 0, end: 6, above: 0, below: 0});
	assert.deepEqual(formLayout(6, 2, 8), {descriptionRoom: 0, start: 0, end: 6, above: 0, below: 0});
	for (const [count, height] of [[6, 6], [10, 7], [10, 5]] as const) {
		for (let focus = 0; focus < count; focus++) {
			const {start, end, above, below} = formLayout(count, focus, height);
			assert.ok(start <= focus && focus < end, `focus ${focus} in ${start}–${end}`);
			// The fields and their markers fill the lines left, never more.
			assert.equal(end - start + (above > 0 ? 1 : 0) + (below > 0 ? 1 : 0), height - 2, `${count} fields, focus ${focus}`);
			assert.deepEqual([above, below], [start, count - end]);
		}
	}
	assert.deepEqual(formLayout(6, 0, 6), {descriptionRoom: 0, start: 0, end: 3, above: 0, below: 3});
	assert.deepEqual(formLayout(6, 3, 6), {descriptionRoom: 0, start: 3, end: 6, above: 3, below: 0});
	assert.deepEqual(formLayout(10, 5, 7), {descriptionRoom: 0, start: 4, end: 7, above: 4, below: 3});
});
