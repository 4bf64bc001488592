import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
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
	assert.equal(csvRows(west).find((row) => row[0] === 'learner0')?.[2], '2014-02-28 17:00:00');
	assert.deepEqual((await runTask(database.pool, videoPlays, {tz: 'etc/gmt-14'})).notes, ['Etc/GMT-14 is UTC+14:00: the tz database writes the sign of its Etc/GMT zones the other way round.']);
});

/**
 * Asia/Kolkata is UTC+05:30: its midnight is at 18:30Z. asha's events at 18:20Z (23:50 on 03-01), 18:40Z (00:10 on
 * 03-02) and 19:10Z (00:40 on 03-02), ravi's at 18:45Z (00:15 on 03-02). activity-by-day puts one learner's events in
 * days by their exact times, all learners' by their UTC hours, where the hour of 18:00Z starts at 23:30 on 03-01.
 */
it("one learner's days in a half-hour zone are by exact times, and the notes tell the two answers apart", async () => {
	const kolkata = await openTestDatabase('timezone_note_kolkata');
	const edge = path.join(dir, 'kolkata-midnight.log');
	const events: Array<[number, string, string]> = [
		[0, 'asha', '2014-03-01T18:20:00Z'],
		[7, 'asha', '2014-03-01T18:40:00Z'],
		[14, 'asha', '2014-03-01T19:10:00Z'],
		[1, 'ravi', '2014-03-01T18:45:00Z'],
	];
	fs.writeFileSync(edge, `${events.map(([n, username, time]) => eventLine(n, {username, time})).join('\n')}\n`);
	await ingest(kolkata, [edge], {dayZone: 'UTC'});
	const activity = tasks.find((task) => task.id === 'activity-by-day')!;
	const everyone = await runTask(kolkata.pool, activity, {tz: 'Asia/Kolkata'});
	assert.deepEqual(everyone.rows, [
		['2014-03-01', 'play_video', 3],
		['2014-03-02', 'play_video', 1],
	]);
	assert.deepEqual(everyone.notes, [
		'Asia/Kolkata is UTC+05:30, and events are counted by whole UTC hours: those in the first 30 minutes of a local hour count in the hour before (just after midnight, in the day before). Given a user, events are put in days by their exact times.',
	]);
	const asha = await runTask(kolkata.pool, activity, {tz: 'Asia/Kolkata', user: 'asha'});
	assert.deepEqual(asha.rows, [
		['2014-03-01', 'play_video', 1],
		['2014-03-02', 'play_video', 2],
	]);
	assert.deepEqual(asha.notes, [
		"Asia/Kolkata is UTC+05:30: given a user, events are put in days by their exact times, but without one by whole UTC hours (those in the first 30 minutes after midnight in the day before), so near midnight these days can differ from that answer's.",
	]);
	assert.deepEqual(csvRows(await runTask(kolkata.pool, activity, {tz: 'Asia/Kolkata', user: 'ravi'})), [['2014-03-02', 'play_video', 1]]);
	// In a zone of whole hours the two agree, and nothing is noted: Moscow's midnight (21:00Z) is an hour's start.
	const moscow = await runTask(kolkata.pool, activity, {tz: 'Europe/Moscow', user: 'asha'});
	assert.deepEqual([moscow.rows, moscow.notes], [[['2014-03-01', 'play_video', 3]], undefined]);
});
