import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Venezuela was UTC-04:30 from December 2007 to May 2016 (UTC-04:00 now): plays of 2014 in America/Caracas
 * are counted by whole UTC hours, the one of 04:45Z (local 00:15 on 03-01) on the day before, so the answer
 * needs the note that a zone of a half-hour offset gets, though today's offset is whole.
 */
const dir = fixtureDir();
const file = path.join(dir, 'caracas-2014.log');
fs.writeFileSync(file, `${['2014-02-28T20:00:00Z', '2014-03-01T04:45:00Z', '2014-03-01T05:10:00Z'].map((time, n) => eventLine(n, {time})).join('\n')}\n`);
const database = await openTestDatabase('timezone_note');
const {tasks} = await loadTaskCatalogue();
const videoPlays = tasks.find((task) => task.id === 'video-plays-per-day')!;

it('a zone whose offset was not whole hours at the time of the events gets the note, though it is whole today', async () => {
	await ingest(database, [file], {dayZone: 'UTC'});
	const caracas = await runTask(database.pool, videoPlays, {tz: 'America/Caracas'});
	assert.deepEqual(caracas.rows, [
		['2014-02-28', 2, 2],
		['2014-03-01', 1, 1],
	]);
	assert.deepEqual(caracas.notes, [
		'America/Caracas was UTC-04:30 at the time of some events, and events are counted by whole UTC hours: those in the first 30 minutes of a local hour count in the hour before (just after midnight, in the day before).',
	]);
	assert.equal((await runTask(database.pool, videoPlays, {tz: 'America/New_York'})).notes, undefined);
});

it("an Etc/GMT zone is told its offset, whose sign is the other way round from the name's", async () => {
	const learners = tasks.find((task) => task.id === 'learners')!;
	const west = await runTask(database.pool, learners, {tz: 'Etc/GMT+3'});
	assert.deepEqual(west.notes, ['Etc/GMT+3 is UTC-03:00: the tz database writes the sign of its Etc/GMT zones the other way round.']);
	// learner0's one event, at 20:00Z: 17:00 in UTC-03:00.
	assert.equal(west.rows.find((row) => row[0] === 'learner0')?.[2], '2014-02-28 17:00:00');
	assert.deepEqual((await runTask(database.pool, videoPlays, {tz: 'etc/gmt-14'})).notes, ['Etc/GMT-14 is UTC+14:00: the tz database writes the sign of its Etc/GMT zones the other way round.']);
});
