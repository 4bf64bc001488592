import assert from 'node:assert/strict';
import {test} from 'node:test';
import {titleLine} from '../../source/ui/lib/title-line.js';
import {learnersTask, learnerValues} from './fixtures.js';

const line = (width: number, result = {rows: [[1], [2], [3]], elapsedMs: 133, parameters: {}}) => {
	const {title, details} = titleLine(learnersTask, learnerValues, result, width);
	return title + details;
};

test('the title line shows everything when it fits', () => {
	assert.equal(line(200), 'Learners · 3 rows · 133 ms · course=course-v1:spbstu+PHYLOS+fall_2018 · user=jolly-clever-siberiansable · tz=Europe/Moscow');
	assert.deepEqual(titleLine(learnersTask, {}, {rows: [], elapsedMs: 1500, parameters: {course: 'course-v1:A+1+2024'}}, 200), {title: 'Learners', details: ' · 0 rows · 1.5 s · course=course-v1:A+1+2024'});
});

test('a course left empty is named as the task ran: all courses (the title said nothing), or the only one', () => {
	const all = titleLine(learnersTask, {tz: 'UTC'}, {rows: [], elapsedMs: 2, parameters: {course: '', tz: 'UTC'}}, 200);
	assert.equal(all.details, ' · 0 rows · 2 ms · course=all courses · tz=UTC');
	const noCourse = titleLine({...learnersTask, parameters: learnersTask.parameters.filter((parameter) => parameter.type !== 'course')}, {tz: 'UTC'}, {rows: [], elapsedMs: 2, parameters: {tz: 'UTC'}}, 200);
	assert.equal(noCourse.details, ' · 0 rows · 2 ms · tz=UTC', 'a task without a course parameter names none');
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

test('a value left at its default gives way before one the user chose, wherever it stands', () => {
	const atRisk = {
		...learnersTask,
		title: 'At-risk learners (dropout)',
		parameters: [
			{name: 'course', type: 'course' as const, description: 'Course id'},
			{name: 'days', type: 'integer' as const, description: 'Inactive for more than this many days', default: '14'},
			{name: 'tz', type: 'timezone' as const, description: 'Time zone', default: 'UTC'},
		],
	};
	const values = {course: 'course-v1:spbstu+PHYLOS+fall_2018', days: '14', tz: 'Europe/Moscow'};
	const {title, details} = titleLine(atRisk, values, {rows: [[1]], elapsedMs: 2000, parameters: values}, 99);
	assert.equal(title + details, 'At-risk learners (dropout) · 1 row · course=course-v1:spbstu+PHYLOS+fall_2018 · tz=Europe/Moscow');
});
