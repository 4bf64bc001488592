import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {canonicalTimeZone, dayOfInZone, dayText} from '../../ingest/derived/day-zone.js';
import {openTestDatabase} from '../helpers/ingest.js';

const database = await openTestDatabase('day_zone');
const MICROS_PER_HOUR = 3_600_000_000;
const micros = (iso: string) => (Date.parse(iso) - Date.UTC(2000, 0, 1)) * 1000;

describe('the day zone', () => {
	it('puts a time in its day of the zone', () => {
		const day = (zone: string, iso: string) => dayText(dayOfInZone(zone)(micros(iso)));
		assert.equal(day('UTC', '2024-03-04T23:59:59Z'), '2024-03-04');
		assert.equal(day('Europe/Moscow', '2024-03-04T20:59:59Z'), '2024-03-04');
		assert.equal(day('Europe/Moscow', '2024-03-04T21:00:00Z'), '2024-03-05');
		assert.equal(day('America/New_York', '2024-03-05T04:30:00Z'), '2024-03-04');
		// Moscow was UTC+4 from 2011 to October 2014.
		assert.equal(day('Europe/Moscow', '2013-06-01T20:30:00Z'), '2013-06-02');
	});

	it("gives each UTC hour of 2013–2015 the day PostgreSQL's (hour AT TIME ZONE zone)::date gives it (the hourly tables' days)", async () => {
		// Daylight saving both ways, Moscow's 2014 change, half-hour offsets, and a half-hour daylight shift (Lord Howe).
		for (const zone of ['Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
			const {rows} = await database.pool.query<{hour: string; day: string}>(
				`SELECT to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:00:00Z') AS hour, ((hour AT TIME ZONE $1)::date)::text AS day
				FROM generate_series('2013-01-01 00:00+00'::timestamptz, '2016-01-01 00:00+00', '1 hour') hour`,
				[zone],
			);
			const dayOf = dayOfInZone(zone);
			const differ = rows.filter((row) => dayText(dayOf(micros(row.hour))) !== row.day);
			assert.deepEqual(differ, [], zone);
			assert.equal(rows.length, 26_281);
		}
		// Within an hour, the day of its start.
		assert.equal(dayOfInZone('Asia/Kolkata')(micros('2024-03-04T18:00:00Z') + MICROS_PER_HOUR - 1), dayOfInZone('Asia/Kolkata')(micros('2024-03-04T18:00:00Z')));
	});

	it("puts each hour in the day (hour AT TIME ZONE zone)::date gives it through d_hour_days' list, in it or out of it (the tasks' other zones)", async () => {
		const client = await database.pool.connect();
		try {
			// In a transaction rolled back at the end: the other tests see d_course_hour empty.
			await client.query('BEGIN');
			const dayOf = (zone: string) =>
				client.query<{hour: string; day: string; listed: string}>(
					`SELECT hour::text, d_day_of(hour, $1, (SELECT d_hour_days($1)))::text AS day, ((hour AT TIME ZONE $1)::date)::text AS listed
					FROM (SELECT generate_series('2012-12-30 00:00+00'::timestamptz, '2016-01-03 00:00+00', '1 hour') UNION ALL
						VALUES ('1969-12-31 23:00+00'::timestamptz), ('1800-06-01 12:00+00'), ('290000-01-01 00:00+00')) hours (hour)`,
					[zone],
				);
			const span = async (zone: string) =>
				(await client.query<{lower: number; upper: number}>('SELECT array_lower(d_hour_days($1), 1) AS lower, array_upper(d_hour_days($1), 1) AS upper', [zone])).rows[0];
			// No hours yet: no list, and every day is computed (the hours around it, and far ones, too).
			assert.deepEqual(await span('Asia/Kolkata'), {lower: null, upper: null});
			for (const row of (await dayOf('Asia/Kolkata')).rows) assert.equal(row.day, row.listed, row.hour);
			// Hours of 2013–2015 (those with events), and one far in the future that the list leaves out (its index would pass an int).
			await client.query(`INSERT INTO d_course_hour (course_id, hour, events)
				SELECT 'c', hour, 1 FROM generate_series('2013-01-01 00:00+00'::timestamptz, '2015-12-31 23:00+00', '5 hours') hour
				UNION ALL VALUES ('c', '290000-01-01 00:00+00'::timestamptz, 1)`);
			// Hours since 1970: 2013-01-01 is hour 376,944, the last of the 5-hour steps (2015-12-31 19:00) is 403,219.
			assert.deepEqual(await span('UTC'), {lower: 376_944, upper: 403_219});
			for (const zone of ['Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
				const {rows} = await dayOf(zone);
				assert.equal(rows.length, 26_380);
				assert.deepEqual(rows.filter((row) => row.day !== row.listed), [], zone);
			}
			// An hour of 1970 besides: the list covers the last 100,000 hours only; the older ones are computed.
			await client.query(`INSERT INTO d_course_hour (course_id, hour, events) VALUES ('c', '1970-01-02 00:00+00', 1)`);
			assert.deepEqual(await span('UTC'), {lower: 303_219, upper: 403_219});
			const {rows} = await dayOf('Europe/Moscow');
			assert.deepEqual(rows.filter((row) => row.day !== row.listed), []);
			await client.query('ROLLBACK');
		} finally {
			client.release();
		}
	});

	it('lets the functions the tasks read through run on parallel workers, and has them read parts of the hourly page rows', async () => {
		// PARALLEL UNSAFE (a function's default) anywhere in a query keeps all of it on one process.
		const {rows: unsafe} = await database.pool.query<{name: string}>(
			`SELECT proname AS name FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'd\\_%' AND proparallel <> 's' ORDER BY 1`,
		);
		// The one that writes.
		assert.deepEqual(unsafe.map((row) => row.name), ['d_set_day_zone']);
		const client = await database.pool.connect();
		try {
			await client.query('BEGIN');
			// Costs that make workers worth it for the empty tables of this database.
			await client.query('SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0; SET LOCAL min_parallel_table_scan_size = 0');
			const plan = async (sql: string) => (await client.query<{'QUERY PLAN': string}>(`EXPLAIN ${sql}`, ['Asia/Kolkata'])).rows.map((row) => row['QUERY PLAN']).join('\n');
			// Each worker reads a part of the hourly rows (one aggregate, split across them at 10M events; since migration 161,
			// not a branch per half of the learners, each reading all of them).
			const visitors = await plan('SELECT * FROM d_page_visitors($1, NULL)');
			assert.match(visitors, /Workers Planned[\s\S]*Parallel Seq Scan on d_learner_page_hour/);
			assert.doesNotMatch(visitors, /hashtext/);
			assert.match(await plan('SELECT day, count(*) FROM d_learner_days($1) GROUP BY 1'), /Workers Planned/);
			assert.match(await plan('SELECT day, sum(seconds) FROM d_time_on_task($1, 30) GROUP BY 1'), /Workers Planned/);
			await client.query('ROLLBACK');
		} finally {
			client.release();
		}
	});

	it('knows a zone by its name in any case, and the other names of UTC as UTC', async () => {
		assert.equal(await canonicalTimeZone(database.pool, 'europe/moscow'), 'Europe/Moscow');
		assert.equal(await canonicalTimeZone(database.pool, 'Etc/UTC'), 'UTC');
		assert.equal(await canonicalTimeZone(database.pool, 'Zulu'), 'UTC');
		assert.equal(await canonicalTimeZone(database.pool, 'Mars/Olympus_Mons'), undefined);
		// The tz database's placeholder for "local time not set": not a zone (it would count in UTC).
		assert.equal(await canonicalTimeZone(database.pool, 'factory'), undefined);
		// A legacy rule of the tz database, US Eastern time: a real zone.
		assert.equal(await canonicalTimeZone(database.pool, 'EST5EDT'), 'EST5EDT');
	});

	it('is set only to a zone PostgreSQL knows, with the value bound', async () => {
		await assert.rejects(database.pool.query('SELECT d_set_day_zone($1)', ["x'; DROP TABLE events; --"]), /unknown time zone/);
		const {rows} = await database.pool.query<{zone: string; events: boolean}>(`SELECT d_day_zone() AS zone, to_regclass('events') IS NOT NULL AS events`);
		// Unchanged: a new database's zone, Moscow time (migration 127).
		assert.deepEqual(rows, [{zone: 'Europe/Moscow', events: true}]);
	});
});
