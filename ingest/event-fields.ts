/**
 * The columns of the events table and the rules that fill them from a tracking-log event, shared by
 * parseLine's general path and its fast path.
 */

/** Column order of the rows parseLine builds; file_id, line_no and load_id are prepended by the loader. */
export const EVENT_COLUMNS = [
	'file_id', 'line_no', 'load_id', 'event_hash', 'time', 'username', 'user_id', 'course_id', 'org_id', 'event_type',
	'name', 'event_source', 'session', 'page', 'referer', 'host', 'ip', 'agent', 'accept_language', 'context_path',
	'event', 'event_text', 'event_format', 'context', 'extra',
] as const;

/** Top-level string fields that get a column of their own (context and event are handled apart). */
export const stringFields = ['username', 'event_type', 'name', 'event_source', 'session', 'page', 'referer', 'host', 'ip', 'agent', 'accept_language'] as const;

/** The number written by `count` decimal digits at `at`, or -1 when one of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
	let value = 0;
	for (let index = at; index < at + count; index++) {
		const digit = text.charCodeAt(index) - 0x30;
		if (!(digit >= 0 && digit <= 9)) return -1;
		value = value * 10 + digit;
	}
	return value;
}

/** A time as timestamptz holds it: whole seconds since 2000-01-01 00:00 UTC, and microseconds. */
export type EventTime = {seconds: number; micros: number};

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (pure arithmetic: no Date, no two-digit-year surprises). */
function daysFromCivil(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yearOfEra = y - era * 400;
	const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
	return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

const DAYS_1970_TO_2000 = 10_957;

/** Rounds half to even, as C's rint (PostgreSQL rounds fractions of a microsecond with it). */
function roundHalfEven(value: number): number {
	const rounded = Math.round(value);
	return rounded - value === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/**
 * The time of a value PostgreSQL will accept for timestamptz, as it would store it, or undefined
 * (then the original goes to `extra`): YYYY-MM-DD, T or a space, hh:mm:ss, up to 9 decimals, then
 * Z, ±hh, ±hhmm or ±hh:mm, or nothing (UTC). Read character by character: it runs once per event.
 */
export function eventTime(value: unknown): EventTime | undefined {
	if (typeof value !== 'string' || value.length < 19) return undefined;
	if (value[4] !== '-' || value[7] !== '-' || (value[10] !== 'T' && value[10] !== ' ') || value[13] !== ':' || value[16] !== ':') return undefined;
	const year = digitsAt(value, 0, 4);
	const month = digitsAt(value, 5, 2);
	const day = digitsAt(value, 8, 2);
	const hour = digitsAt(value, 11, 2);
	const minute = digitsAt(value, 14, 2);
	const second = digitsAt(value, 17, 2);
	if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
	if (day > 28 && day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
	let seconds = (daysFromCivil(year, month, day) - DAYS_1970_TO_2000) * 86_400 + hour * 3600 + minute * 60 + second;
	let micros = 0;
	let at = 19;
	if (value[at] === '.') {
		const decimals = ++at;
		while (digitsAt(value, at, 1) >= 0) at++;
		if (at === decimals || at - decimals > 9) return undefined;
		micros = roundHalfEven(Number(value.slice(decimals - 1, at)) * 1_000_000);
		if (micros === 1_000_000) {
			seconds++;
			micros = 0;
		}
	}
	// No offset means UTC (the loader's sessions run in UTC, so PostgreSQL reads it that way too).
	if (at === value.length) return {seconds, micros};
	if (value[at] === 'Z') return at + 1 === value.length ? {seconds, micros} : undefined;
	if (value[at] !== '+' && value[at] !== '-') return undefined;
	const sign = value[at] === '+' ? 1 : -1;
	// PostgreSQL refuses offsets beyond ±15:59 (and the whole row with them).
	const offsetHours = digitsAt(value, at + 1, 2);
	if (offsetHours < 0 || offsetHours > 15) return undefined;
	at += 3;
	let offsetMinutes = 0;
	if (at < value.length) {
		if (value[at] === ':') at++;
		offsetMinutes = digitsAt(value, at, 2);
		if (offsetMinutes < 0 || offsetMinutes > 59 || at + 2 !== value.length) return undefined;
	}
	return {seconds: seconds - sign * (offsetHours * 3600 + offsetMinutes * 60), micros};
}

/** The value when it is a time eventTime accepts, else undefined. */
export function validTime(value: unknown): string | undefined {
	return eventTime(value) === undefined ? undefined : (value as string);
}

// A key ends where the URL's path segment or a query parameter does: no course key holds '&' ('?course_id=course-v1:A+B+C&enrollment_action=enroll').
const courseInUrl = /(?:course-v1|ccx-v1):[^/?#&\s"]+/;
// The run is the URL's last segment too ('/courses/edX/DemoX/Demo_Course', '…/Demo_Course?x=1').
const oldCourseInUrl = /\/courses\/([^/?#\s"]+\/[^/?#\s"]+\/[^/?#\s"]+)(?=[/?#\s"]|$)/;

/**
 * What reads a course id from a URL or URL-like event_type with these patterns: opaque keys first, then old
 * Org/Course/Run paths (group 1). Migration 8 reads stored events with the patterns the loader had before.
 */
export function courseKeyReader(opaqueKey: RegExp, oldStyleKey: RegExp): (url: string | undefined) => string | undefined {
	return (url) => {
		if (!url) return undefined;
		const opaque = opaqueKey.exec(url);
		if (opaque) return decodeURIComponentSafe(opaque[0]);
		const old = oldStyleKey.exec(url);
		if (old && !old[1]!.startsWith('course-v1:')) return decodeURIComponentSafe(old[1]!);
		return undefined;
	};
}

/** Course id from a URL or URL-like event_type. */
export const courseFromUrl = courseKeyReader(courseInUrl, oldCourseInUrl);

function decodeURIComponentSafe(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

export function orgFromCourse(courseId: string | undefined): string | undefined {
	if (!courseId) return undefined;
	const opaque = /^(?:course-v1|ccx-v1):([^+]+)\+/.exec(courseId);
	if (opaque) return opaque[1];
	const slash = courseId.indexOf('/');
	return slash > 0 ? courseId.slice(0, slash) : undefined;
}

/** A \u0000 or surrogate escape in JSON text: PostgreSQL cannot store NUL, and jsonb refuses escapes of lone surrogates. */
const unstorableEscapePattern = /\\u(?:0000|[dD][89a-fA-F])/;
export const hasUnstorableEscape = (text: string) => text.includes('\\u') && unstorableEscapePattern.test(text);

/** PostgreSQL cannot store NUL in text or jsonb, nor lone surrogates: both become U+FFFD. */
export function storable(text: string): string {
	return text.replace(/\0/g, '\uFFFD').toWellFormed();
}

