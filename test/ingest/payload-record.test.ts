import assert from 'node:assert/strict';
import {before, describe, it} from 'node:test';
import {eventLine, fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';

const database = await openTestDatabase('payload_record');

/** JSON values a payload's number may come as, and what d_number reads in each (null: unknown). */
const NUMBERS: Array<[json: string, value: number | null]> = [
	['0', 0],
	['-0', 0],
	['30', 30],
	['1.50', 1.5],
	['1e2', 100],
	['-12.5e-3', -0.0125],
	['1e298', 1e298],
	// 299 characters written out: read; 300 (1e299's digits, or a fraction's 298 decimals): unknown, as is anything beyond.
	['1e-297', 1e-297],
	['1e299', null],
	[`0.${'0'.repeat(297)}1`, null],
	['1e400', null],
	['-1e400', null],
	['1e-400', null],
	['"6"', 6],
	['" 6 "', 6],
	['"-1.5e3"', -1500],
	['"1e300"', 1e300],
	['"1e301"', null],
	['"1e-300"', 1e-300],
	['"1e-301"', null],
	['"0e999"', 0],
	['"9e999"', null],
	['"1e1000"', null],
	['"\\t6"', null],
	['"1,5"', null],
	['"0x10"', null],
	['"Infinity"', null],
	['"NaN"', null],
	['""', null],
	['"abc"', null],
	['true', null],
	['null', null],
	['{"value": 6}', null],
	['[6]', null],
];

/**
 * The counting pass's scan sends an event's payload as one record of its kind's fields (PAYLOAD_COLUMN in
 * event-readers.ts) and reads its numbers with d_number_at, d_number with the field looked up once or twice instead of
 * three to five times: every form of number reads as d_number reads it, in SQL and through a build.
 */
describe("the counting pass's payload record", () => {
	const course = 'course-v1:spbstu+PHYLOS+fall_2018';
	const at = (n: number) => `2024-03-04T10:${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}+00:00`;

	before(async () => {
		const events: string[] = [];
		NUMBERS.forEach(([json], n) => {
			// Each form as a player's position, a check's attempt number, a grade and the user id of an enrollment and a grade.
			events.push(eventLine(events.length, {username: 'ann', name: 'pause_video', event_type: 'pause_video', time: at(n), event: `{"id": "v", "currentTime": ${json}, "duration": ${json}}`}));
			const server = {event_source: 'server', page: null, context: {course_id: course, user_id: 7, org_id: 'spbstu', path: '/event'}};
			events.push(eventLine(events.length, {...server, username: 'bob', name: 'problem_check', event_type: 'problem_check', time: at(n), event: `{"problem_id": "p", "success": "correct", "answers": {"p_2_1": "a"}, "correct_map": {"p_2_1": {"correctness": "correct"}}, "attempts": ${json}}`}));
			events.push(eventLine(events.length, {...server, username: '', name: 'edx.grades.course.grade_calculated', event_type: 'edx.grades.course.grade_calculated', time: at(n), event: `{"user_id": ${json}, "percent_grade": ${json}, "letter_grade": "Pass"}`}));
			events.push(eventLine(events.length, {...server, username: `eve${n}`, name: 'edx.course.enrollment.activated', event_type: 'edx.course.enrollment.activated', time: at(n), event: `{"user_id": ${json}, "mode": "audit"}`}));
		});
		const file = writeLog(fixtureDir(), 'numbers.log', events);
		const summary = await ingest(database, [file]);
		assert.equal(summary.loaded, events.length, 'every line is an event');
	});

	it('d_number_at(object, key) is d_number(object -> key) for every form of number', async () => {
		const {rows} = await database.pool.query<{json: string; value: number | null; same: boolean}>(
			`SELECT n.json, d_number_at(o.object, 'k') AS value, d_number_at(o.object, 'k') IS NOT DISTINCT FROM d_number(o.object -> 'k') AS same
			FROM unnest($1::text[]) WITH ORDINALITY n (json, place), LATERAL (SELECT jsonb_build_object('k', n.json::jsonb) AS object) o
			ORDER BY n.place`,
			[NUMBERS.map(([json]) => json)],
		);
		assert.deepEqual(
			rows.map(({json, value, same}) => [json, value, same]),
			NUMBERS.map(([json, value]) => [json, value, true]),
		);
		// No such key, or no object to look in: unknown, as d_number reads the missing value.
		const {rows: [missing]} = await database.pool.query(
			`SELECT d_number_at('{"j": 6}', 'k') AS key, d_number_at('[6]', 'k') AS array, d_number_at('"6"', 'k') AS string, d_number_at(NULL, 'k') AS none`,
		);
		assert.deepEqual(missing, {key: null, array: null, string: null, none: null});
	});

	it('a build reads each number of each kind of payload as d_number does', async () => {
		const expected: Array<[string, number | null]> = NUMBERS.map(([json, value]) => [json, value]);
		const read = async (query: string) => (await database.pool.query<{time: Date; value: number | string | null}>(query)).rows;
		const byTime = (rows: Array<{time: Date; value: number | string | null}>, convert: (value: number | string) => number = Number) =>
			rows.map(({time, value}) => [NUMBERS[(time.getTime() - Date.parse(at(0))) / 1000]![0], value === null ? null : convert(value)]);
		assert.deepEqual(byTime(await read('SELECT time, position AS value FROM d_video_event ORDER BY time')), expected);
		assert.deepEqual(byTime(await read('SELECT time, duration AS value FROM d_video_event ORDER BY time')), expected);
		assert.deepEqual(byTime(await read('SELECT time, attempts AS value FROM d_problem_event ORDER BY time')), expected);
		// A grade outside 0-1 is unknown.
		const percent = expected.map(([json, value]) => [json, value !== null && value >= 0 && value <= 1 ? value : null]);
		assert.deepEqual(byTime(await read('SELECT time, percent AS value FROM d_grade ORDER BY time')), percent);
		// A user id must be within bigint (1e298 is no bigint's: unknown), and is whole; the event's user's (7) where unknown.
		const userId = expected.map(([json, value]) => [json, value !== null && Math.abs(value) < 9e18 ? Math.round(value) + 0 : 7]);
		assert.deepEqual(byTime(await read('SELECT time, user_id AS value FROM d_grade ORDER BY time')), userId);
		assert.deepEqual(byTime(await read('SELECT time, user_id AS value FROM d_enrollment ORDER BY time')), userId);
	});
});
