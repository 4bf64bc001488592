import type pg from 'pg';

/**
 * The calendar days of the day tables (d_learner_day, d_learner_day_time, d_page_day, …) are those of
 * one time zone, the day zone: UTC unless the user picks another (OpenEdu's courses live in Moscow
 * time); UTC's days are kept beside them then (dayTablesOf). Tasks asked for days in one of these zones read
 * those tables; in any other zone, the hourly ones.
 */

const MILLIS_PER_HOUR = 3_600_000;
const MILLIS_PER_DAY = 24 * MILLIS_PER_HOUR;
const MICROS_PER_HOUR = 1000 * MILLIS_PER_HOUR;
const MICROS_PER_DAY = 1000 * MILLIS_PER_DAY;
const MILLIS_2000 = Date.UTC(2000, 0, 1);

/** Microseconds since 2000-01-01 00:00 UTC → its day in the day zone, as days since 2000-01-01. */
export type DayOf = (time: number) => number;

/**
 * The day of a time in `zone`. The zone's offset is looked up once per UTC hour (time zones change
 * offset on the hour), so a day is the one of the hour's start, as PostgreSQL's
 * (hour AT TIME ZONE zone)::date gives it for the hourly tables.
 */
export function dayOfInZone(zone: string): DayOf {
	if (zone === 'UTC') return (time) => Math.floor(time / MICROS_PER_DAY);
	const format = new Intl.DateTimeFormat('en-US', {timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric'});
	const localDay = (hour: number) => {
		const parts = Object.fromEntries(format.formatToParts(MILLIS_2000 + hour * MILLIS_PER_HOUR).map((part) => [part.type, part.value]));
		return Math.round((Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) - MILLIS_2000) / MILLIS_PER_DAY);
	};
	const dayOfHour = new Map<number, number>();
	// Called for every hour of every learner's rows: no closure is made per call (as entry() would need).
	return (time) => {
		const hour = Math.floor(time / MICROS_PER_HOUR);
		let day = dayOfHour.get(hour);
		if (day === undefined) dayOfHour.set(hour, (day = localDay(hour)));
		return day;
	};
}

/**
 * A set of day tables: the day zone's (d_learner_day, …) and, while the day zone is another, UTC's
 * (d_learner_day_utc, …), so that the tasks' default zone reads days too.
 */
export type DayTables = {suffix: '' | '_utc'; dayOf: DayOf};

/** The day tables built for day zone `zone`. */
export function dayTablesOf(zone: string): DayTables[] {
	const zoneDays: DayTables = {suffix: '', dayOf: dayOfInZone(zone)};
	return zone === 'UTC' ? [zoneDays] : [zoneDays, {suffix: '_utc', dayOf: dayOfInZone('UTC')}];
}

/** A day (days since 2000-01-01) as YYYY-MM-DD. */
export const dayText = (day: number) => new Date(MILLIS_2000 + day * MILLIS_PER_DAY).toISOString().slice(0, 10);

/**
 * The name PostgreSQL knows `value` by (case-insensitive), or undefined. The tz database's other names
 * of UTC itself (Etc/UTC, Zulu, Universal, …: those it abbreviates UTC) become UTC, the name the day
 * zone and the tasks' defaults use. `Factory` is not a zone: the tz database's placeholder for "local time
 * not set" (abbreviated -00), which would count in UTC under another name.
 */
export async function canonicalTimeZone(queryable: pg.Pool | pg.PoolClient, value: string): Promise<string | undefined> {
	const {rows} = await queryable.query<{name: string; is_utc: boolean}>(
		`SELECT name, abbrev = 'UTC' AS is_utc FROM pg_timezone_names WHERE lower(name) = lower($1) AND name <> 'Factory' ORDER BY name = $1 DESC LIMIT 1`,
		[value],
	);
	if (rows.length === 0) return undefined;
	return rows[0]!.is_utc ? 'UTC' : rows[0]!.name;
}

/**
 * Every time zone the server knows, and the abbreviations it knows (upper case), each with the zones that use it
 * now: what a misspelt zone is matched against.
 */
export async function timeZoneNames(queryable: pg.Pool | pg.PoolClient): Promise<{names: string[]; abbreviations: Map<string, string[]>}> {
	const {rows} = await queryable.query<{name: string; abbrev: string}>(`SELECT name, abbrev FROM pg_timezone_names WHERE name <> 'Factory' ORDER BY name`);
	const abbreviations = new Map<string, string[]>();
	const {rows: known} = await queryable.query<{abbrev: string}>('SELECT abbrev FROM pg_timezone_abbrevs');
	for (const {abbrev} of known) abbreviations.set(abbrev.toUpperCase(), []);
	for (const {name, abbrev} of rows) {
		// Zones of a place (Europe/Moscow), not their aliases of another form (W-SU, Etc/GMT-3, MST7MDT) nor a numeric "abbreviation" (+03).
		if (!/^[A-Za-z]+$/.test(abbrev) || !/^[A-Z][a-z]+\/[A-Z]/.test(name) || name.startsWith('Etc/')) continue;
		const zones = abbreviations.get(abbrev.toUpperCase()) ?? [];
		abbreviations.set(abbrev.toUpperCase(), [...zones, name]);
	}
	return {names: rows.map((row) => row.name), abbreviations};
}

/** The day zone of the derived tables now. */
export async function currentDayZone(queryable: pg.Pool | pg.PoolClient): Promise<string> {
	const {rows} = await queryable.query<{zone: string}>('SELECT d_day_zone() AS zone');
	return rows[0]!.zone;
}
