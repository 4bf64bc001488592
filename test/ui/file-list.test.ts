import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FileProgress} from '../../ingest/progress.js';
import {filesToShow} from '../../source/ui/lib/file-list.js';
import {file} from './fixtures.js';

/** 124 daily files, loaded in order: those before `current` loaded, `current` loading, the rest to come. */
function days(current: number): FileProgress[] {
	return Array.from({length: 124}, (_, index) => file(`input/day-${String(index).padStart(3, '0')}.log.gz`, index < current ? 'loaded' : index === current ? 'loading' : 'pending', 0, 1000));
}
const names = (files: FileProgress[]) => files.map((shown) => Number(/day-(\d+)/.exec(shown.label)![1]));

test('late in a load of many files the list shows the file loading, those finished last and the next ones, in order, and counts the others', () => {
	// Before: 120, 121, 122, 123, then the oldest finished, 0 to 4.
	assert.deepEqual(filesToShow(days(120), 10), {shown: days(120).slice(115), more: '… 115 more files (115 done)'});
	const middle = filesToShow(days(60), 10);
	assert.deepEqual(names(middle.shown), [56, 57, 58, 59, 60, 61, 62, 63, 64]);
	assert.equal(middle.more, '… 115 more files (56 done, 59 to come)');
});

test('several files in progress and a failed one stay in view; files that fit are all shown, in order', () => {
	const files = days(100);
	files[101]!.status = 'loading';
	files[3]!.status = 'failed';
	const {shown, more} = filesToShow(files, 6);
	assert.deepEqual(names(shown), [3, 99, 100, 101, 102]);
	assert.equal(more, '… 119 more files (98 done, 21 to come)');
	assert.deepEqual(filesToShow(files.slice(95, 105), 10), {shown: files.slice(95, 105)});
});
