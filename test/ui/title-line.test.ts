import assert from 'node:assert/strict';
import {test} from 'node:test';
import {titleLine} from '../../source/ui/lib/title-line.js';
import {learnersTask, learnerValues} from './fixtures.js';

const line = (width: number, result = {rows: [[1], [2], [3]], elapsedMs: 133}) => {
	const {title, details} = titleLine(learnersTask, learnerValues, result, width);
	return title + details;
};

test('the title line shows everything when it fits', () => {
	assert.equal(line(200), 'Learners · 3 rows · 133 ms · course=course-v1:spbstu+PHYLOS+fall_2018 · user=jolly-clever-siberiansable · tz=Europe/Moscow');
	assert.deepEqual(titleLine(learnersTask, {}, {rows: [], elapsedMs: 1500}, 200), {title: 'Learners', details: ' · 0 rows · 1.5 s'});
});

test('too wide, the time, the other values and the course are cut first: the learner stays whole at 80 and 60 columns', () => {
	// The course keeps its end, which tells a course's runs apart.
	assert.equal(line(79), 'Learners · 3 rows · course=…+PHYLOS+fall_2018 · user=jolly-clever-siberiansable');
	// A course cut shorter than a few cells would tell nothing: it is left out.
	assert.equal(line(59), 'Learners · 3 rows · user=jolly-clever-siberiansable');
	// Narrower still, the row count and the title give way before the learner is cut.
	assert.equal(line(39), 'Lear… · user=jolly-clever-siberiansable');
	assert.equal(line(20), '… · user=jolly-clev…');
});
