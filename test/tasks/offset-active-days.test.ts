import assert from 'node:assert/strict';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * A zone of neither day table (the database counts days in UTC here) takes a learner's active days from the 24 counts
 * the build keeps per whole-hour offset when the zone kept one offset over the hours with events (migration 182), from
 * their active hours otherwise. kay is active at 18:00Z and 19:00Z on March 4: 23:30 and 00:30 in Kolkata
 * (UTC+5:30: two days; at +6 both would be on March 5), 23:45 and 00:45 in Kathmandu (+5:45), one day in UTC,
 * Moscow and New York. dan is active at 12:00Z on March 9, then 03:00Z and 04:00Z on March 12, across New York's
 * change to summer time (March 10, 07:00Z): March 9, then 23:00 on March 11 and 00:00 on March 12 in daylight time,
 * three days (two at the winter time's UTC-5 of his first hour); two in UTC, Moscow and Kolkata.
 */
const COURSE = 'course-v1:Uni+ZONES+2024';
const line = (username: string, userId: number, time: string) =>
	JSON.stringify({
		username, event_type: 'seq_goto', event_source: 'browser', time: `2024-03-${time}:00+00:00`, page: `https://openedu.ru/courses/${COURSE}/courseware/a/b/1`,
		context: {course_id: COURSE, user_id: userId, org_id: 'Uni', path: '/event'},
		event: {},
	});
const log = writeLog(fixtureDir(), 'zones.log', [line('kay', 1, '04T18:00'), line('kay', 1, '04T19:10'), line('dan', 2, '09T12:00'), line('dan', 2, '12T03:30'), line('dan', 2, '12T04:05')]);
const database = await openTestDatabase('offset_active_days');
const summary = (await loadTaskCatalogue()).tasks.find((task) => task.id === 'learner-summary')!;
/** learner-summary's active days per learner in zone tz. */
const activeDays = async (tz: string) => {
	const result = await runTask(database.pool, summary, {tz});
	const [name, days] = ['username', 'active_days'].map((column) => result.columns.findIndex(({name}) => name === column));
	return Object.fromEntries(result.rows.map((row) => [row[name!], row[days!]]));
};

it('counts active days in a zone of one offset from the counts per whole-hour offset, and in a zone that changed its offset from the active hours', async () => {
	await ingest(database, [log], {dayZone: 'UTC'});
	// kay's two hours fall on two days only in a zone 5 whole hours ahead (k = 5), dan's last two only in one 20 ahead
	// (UTC-4).
	const {rows: stored} = await database.pool.query<{username: string; days: number[]}>('SELECT username, days FROM d_learner_offset_days ORDER BY 1');
	const kay = Array.from({length: 24}, (_, offset) => (offset === 5 ? 2 : 1));
	const dan = Array.from({length: 24}, (_, offset) => (offset === 20 ? 3 : 2));
	assert.deepEqual(stored, [{username: 'dan', days: dan}, {username: 'kay', days: kay}]);
	assert.deepEqual(await activeDays('UTC'), {kay: 1, dan: 2});
	assert.deepEqual(await activeDays('Asia/Kolkata'), {kay: 2, dan: 2});
	assert.deepEqual(await activeDays('Asia/Kathmandu'), {kay: 2, dan: 2});
	assert.deepEqual(await activeDays('Europe/Moscow'), {kay: 1, dan: 2});
	assert.deepEqual(await activeDays('America/New_York'), {kay: 1, dan: 3});
	// The offsets the counts are read at: none in New York, whose clocks changed among the hours with events.
	const offsets = await database.pool.query<Record<string, number | null>>(
		"SELECT d_zone_offset('America/New_York') AS new_york, d_zone_offset('Asia/Kolkata') AS kolkata, d_zone_offset('Asia/Kathmandu') AS kathmandu, d_zone_offset('Europe/Moscow') AS moscow, d_zone_offset('America/Sao_Paulo') AS sao_paulo",
	);
	assert.deepEqual(offsets.rows, [{new_york: null, kolkata: 5, kathmandu: 5, moscow: 3, sao_paulo: 21}]);
	// None when the hours with events span more than the 100,000 (11 years) whose offsets are looked at: an hour of 2010
	// (rolled back after).
	const client = await database.pool.connect();
	try {
		await client.query('BEGIN');
		await client.query("INSERT INTO d_course_hour (course_id, hour, events) VALUES ($1, '2010-06-01 00:00+00', 1)", [COURSE]);
		assert.deepEqual((await client.query("SELECT d_zone_offset('Asia/Kolkata') AS kolkata")).rows, [{kolkata: null}]);
	} finally {
		await client.query('ROLLBACK');
		client.release();
	}
	// Up to a day (at-risk's as of): not after a learner's last active day, where the hours before it are counted.
	const upTo = async (day: string) =>
		(await database.pool.query<{username: string; days: number | null}>('SELECT username, days FROM d_learner_active_days($1, NULL, $2) ORDER BY 1', ['Asia/Kolkata', day])).rows;
	assert.deepEqual(await upTo('2024-03-11'), [{username: 'dan', days: 1}, {username: 'kay', days: 2}]);
});

it("spans the hours with events from the first to the last, leaving out hours from 2e9 hours after 1970 (migration 184's d_hour_span)", async () => {
	const span = async () => (await client.query('SELECT lo, hi, whole FROM d_hour_span()')).rows;
	const client = await database.pool.connect();
	try {
		// kay's first hour (2024-03-04 18:00Z) and dan's last (2024-03-12 04:00Z), in hours since 1970.
		assert.deepEqual(await span(), [{lo: 474_882, hi: 475_060, whole: true}]);
		await client.query('BEGIN');
		// An hour of the year 250,000 is past 2e9 hours: no day lookup reaches it, and the hours are not all covered.
		await client.query("INSERT INTO d_course_hour (course_id, hour, events) VALUES ($1, '250000-01-01 00:00+00', 1)", [COURSE]);
		assert.deepEqual(await span(), [{lo: 474_882, hi: 475_060, whole: false}]);
		// Only such hours: no span.
		await client.query('DELETE FROM d_course_hour WHERE hour < $1', ['250000-01-01 00:00+00']);
		assert.deepEqual(await span(), []);
	} finally {
		await client.query('ROLLBACK');
		client.release();
	}
});
