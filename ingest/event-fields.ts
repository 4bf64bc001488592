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

const isoTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

const digitsAt = (text: string, start: number, count: number) => Number(text.slice(start, start + count));

/** A time PostgreSQL will accept for timestamptz, or undefined (then the original goes to `extra`). */
export function validTime(value: unknown): string | undefined {
	if (typeof value !== 'string' || !isoTime.test(value)) return undefined;
	const year = digitsAt(value, 0, 4);
	const month = digitsAt(value, 5, 2);
	const day = digitsAt(value, 8, 2);
	if (year < 1 || month < 1 || month > 12 || day < 1 || digitsAt(value, 11, 2) > 23 || digitsAt(value, 14, 2) > 59 || digitsAt(value, 17, 2) > 59) return undefined;
	if (day > 28 && day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
	// PostgreSQL refuses offsets beyond ±15:59 (and the whole row with them).
	const offset = /[+-](\d{2}):?(\d{2})?$/.exec(value.slice(19));
	if (offset && (Number(offset[1]) > 15 || Number(offset[2] ?? 0) > 59)) return undefined;
	// No offset means UTC (the loader's sessions run in UTC, so PostgreSQL reads it that way too).
	return value;
}

const courseInUrl = /(?:course-v1|ccx-v1):[^/?#\s"]+/;
const oldCourseInUrl = /\/courses\/([^/?#\s"]+\/[^/?#\s"]+\/[^/?#\s"]+)\//;

/** Course id from a URL or URL-like event_type: opaque keys first, then old Org/Course/Run paths. */
export function courseFromUrl(url: string | undefined): string | undefined {
	if (!url) return undefined;
	const opaque = courseInUrl.exec(url);
	if (opaque) return decodeURIComponentSafe(opaque[0]);
	const old = oldCourseInUrl.exec(url);
	if (old && !old[1]!.startsWith('course-v1:')) return decodeURIComponentSafe(old[1]!);
	return undefined;
}

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

/** PostgreSQL cannot store NUL in text or jsonb, nor lone surrogates: both become U+FFFD. */
export function storable(text: string): string {
	return text.replace(/\0/g, '\uFFFD').toWellFormed();
}

