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

	it('knows a zone by its name in any case, and the other names of UTC as UTC', async () => {
		assert.equal(await canonicalTimeZone(database.pool, 'europe/moscow'), 'Europe/Moscow');
		assert.equal(await canonicalTimeZone(database.pool, 'Etc/UTC'), 'UTC');
		assert.equal(await canonicalTimeZone(database.pool, 'Zulu'), 'UTC');
		assert.equal(await canonicalTimeZone(database.pool, 'Mars/Olympus_Mons'), undefined);
	});

	it('is set only to a zone PostgreSQL knows, with the value bound', async () => {
		await assert.rejects(database.pool.query('SELECT d_set_day_zone($1)', ["x'; DROP TABLE events; --"]), /unknown time zone/);
		const {rows} = await database.pool.query<{zone: string; events: boolean}>(`SELECT d_day_zone() AS zone, to_regclass('events') IS NOT NULL AS events`);
		// Unchanged: a new database's zone, Moscow time (migration 127).
		assert.deepEqual(rows, [{zone: 'Europe/Moscow', events: true}]);
	});
});
