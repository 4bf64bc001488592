import assert from 'node:assert/strict';
import {test} from 'node:test';
import {closest, didYouMean, zoneGuess} from '../../source/suggest.js';

const zones = ['UTC', 'Europe/Moscow', 'Europe/Minsk', 'America/New_York', 'Asia/Kolkata', 'Asia/Kolkata2'];
const tasks = ['activity-by-day', 'active-learners', 'course-summary', 'course-comparison', 'learners', 'learner-path'];

test('a mistyped name is matched to the one it most likely meant: by its last part, its start, or a few edits', () => {
	assert.equal(closest('Moscow', zones), 'Europe/Moscow', 'a city without its region');
	assert.equal(closest('new york', zones), 'America/New_York', 'spaces for underscores, any case');
	assert.equal(closest('europe/moskow', zones), 'Europe/Moscow', 'one letter wrong');
	assert.equal(closest('Europe/Mocsow', zones), 'Europe/Moscow', 'two letters swapped: one edit');
	assert.equal(closest('activity-by-dy', tasks), 'activity-by-day', 'one letter left out');
	assert.equal(closest('course-sum', tasks), 'course-summary', 'the start of one name');
	assert.equal(closest('learner', tasks), 'learners', 'the start of two names, one edit from one of them');
	assert.equal(closest('Kolkata', zones), 'Asia/Kolkata', 'the last part of one name, the start of another');
	assert.equal(closest('USER', ['course', 'user', 'tz']), 'user', 'only the case differs');
});

test('no guess when two names are as near, or none is near enough', () => {
	assert.equal(closest('course', tasks), undefined, 'the start of two names');
	assert.equal(closest('Minsk', ['Europe/Minsk', 'Asia/Minsk']), undefined, 'the last part of two names');
	assert.equal(closest('zzz', tasks), undefined);
	assert.equal(closest('period', ['course', 'user', 'from', 'to', 'tz']), undefined);
	assert.equal(closest('', tasks), undefined);
	assert.equal(closest('co', ['course', 'cohort']), undefined, 'two letters: too short to be a start');
	assert.equal(closest('ab', ['xy', 'ac']), 'ac', 'one edit in a short word');
	assert.equal(didYouMean('rnu', ['run', 'tasks', 'ingest']), ' (did you mean "run"?)');
	assert.equal(didYouMean('frobnicate', ['run', 'tasks', 'ingest']), '');
});

test('a time zone given as an offset or an abbreviation is not matched to the nearest name', () => {
	const names = ['UTC', 'MST', 'Etc/GMT+3', 'Etc/GMT-3', 'Europe/Moscow'];
	const reversed = ': the tz database writes the sign the other way round)';
	assert.equal(zoneGuess('GMT+3', names), ` (did you mean "Etc/GMT-3"? It is UTC+03:00${reversed}`, 'not Etc/GMT+3, six hours off');
	assert.equal(zoneGuess('+3', names), ` (did you mean "Etc/GMT-3"? It is UTC+03:00${reversed}`);
	assert.equal(zoneGuess('utc-0500', names), ` (did you mean "Etc/GMT+5"? It is UTC-05:00${reversed}`);
	assert.equal(zoneGuess('+14:00', names), ` (did you mean "Etc/GMT-14"? It is UTC+14:00${reversed}`);
	assert.equal(zoneGuess('UTC+00', names), ' (did you mean "UTC"?)');
	assert.match(zoneGuess('+05:45', names), /^ \(an offset, not a zone/, 'no Etc zone has minutes');
	assert.match(zoneGuess('-13', names), /^ \(an offset, not a zone/, 'west of Etc/GMT+12');
	assert.equal(zoneGuess('MSK', names), ' (an abbreviation, not a zone)', 'not MST, UTC-07:00');
	assert.equal(zoneGuess('msk', names, new Map([['MSK', ['Europe/Moscow']]])), ' (an abbreviation, not a zone; zones that use it now: Europe/Moscow)');
	assert.equal(zoneGuess('Europe/Moskow', names), ' (did you mean "Europe/Moscow"?)', 'a name is still matched to the nearest');
});
