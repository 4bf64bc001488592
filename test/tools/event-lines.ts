import type {Course} from './course-catalog.js';
import {HOST} from './vocabulary.js';

/**
 * Serialises one tracking-log line the way the Open edX tracker writes it: Python's json.dumps with
 * ", " / ": " separators and non-ASCII escaped as \uXXXX, browser and server events in their own key
 * order. Built from template strings, not JSON.stringify of an object, because this runs 30 000+
 * times a second.
 */

/** A JSON string literal as Python writes it (ensure_ascii): non-ASCII becomes \uXXXX. */
export function pyJson(text: string): string {
	const json = JSON.stringify(text);
	return nonAscii.test(json) ? json.replace(nonAsciiGlobal, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

const nonAscii = /[\u007f-\uffff]/;
const nonAsciiGlobal = /[\u007f-\uffff]/g;

/** Python's json.dumps of a plain object whose values are strings, numbers, booleans, null, arrays or objects. */
export function pyDumps(value: unknown): string {
	if (typeof value === 'string') return pyJson(value);
	if (value === null || value === undefined) return 'null';
	if (typeof value !== 'object') return String(value);
	if (Array.isArray(value)) return `[${value.map(pyDumps).join(', ')}]`;
	const parts: string[] = [];
	// Keys are our own ASCII identifiers: written as they are.
	for (const key in value) parts.push(`"${key}": ${pyDumps((value as Record<string, unknown>)[key])}`);
	return `{${parts.join(', ')}}`;
}

export type Who = {
	username: string;
	userId: number;
	agent: string;
	acceptLanguage: string;
	ip: string;
	session: string;
};

export type TimeStyle = 'micro' | 'seconds' | 'zulu' | 'moscow';


/** ISO-8601 the ways real exports write it: with and without microseconds, +00:00, Z, or +03:00 local time. */
export function formatTime(microseconds: number, style: TimeStyle): string {
	const fraction = String(microseconds % 1_000_000).padStart(6, '0');
	if (style === 'moscow') return `${wholeSeconds(microseconds + MOSCOW_OFFSET_MICROSECONDS)}.${fraction}+03:00`;
	const base = wholeSeconds(microseconds);
	if (style === 'seconds') return `${base}+00:00`;
	if (style === 'zulu') return `${base}.${fraction}Z`;
	return `${base}.${fraction}+00:00`;
}

const MOSCOW_OFFSET_MICROSECONDS = 3 * 3600 * 1_000_000;
const DAY_MICROSECONDS = 86_400_000_000;
const twoDigits = Array.from({length: 60}, (_, value) => String(value).padStart(2, '0'));
let cachedDay = NaN;
let cachedDate = '';

/** "YYYY-MM-DDTHH:MM:SS": the date part is cached (events come in time order), the clock built from a table. */
function wholeSeconds(microseconds: number): string {
	const day = Math.floor(microseconds / DAY_MICROSECONDS);
	if (day !== cachedDay) {
		cachedDay = day;
		cachedDate = new Date(day * 86_400_000).toISOString().slice(0, 11);
	}
	const second = Math.floor((microseconds - day * DAY_MICROSECONDS) / 1_000_000);
	return `${cachedDate}${twoDigits[Math.floor(second / 3600)]}:${twoDigits[Math.floor(second / 60) % 60]}:${twoDigits[second % 60]}`;
}

/** The tracker copies the request's user, ip, agent, host and session into a browser event's context too (as in real edX logs). */
const browserContext = (who: Who, course: Course | undefined) =>
	`{"username": "${who.username}", "user_id": ${who.userId}, "ip": "${who.ip}", "org_id": "${course?.org ?? ''}", "agent": "${who.agent}", "host": "${HOST}", "session": "${who.session}", "course_id": "${course?.id ?? ''}", "path": "/event"}`;

/** A browser event: `event` is a JSON string literal (usually holding JSON text) or an object. */
export function browserLine(who: Who, time: string, eventType: string, course: Course | undefined, page: string, referer: string, event: string): string {
	return `{"username": "${who.username}", "event_source": "browser", "name": "${eventType}", "accept_language": "${who.acceptLanguage}", "time": "${time}", "agent": "${who.agent}", "page": "${page}", "host": "${HOST}", "session": "${who.session}", "referer": "${referer}", "context": ${browserContext(who, course)}, "ip": "${who.ip}", "event": ${event}, "event_type": "${eventType}"}`;
}

export type ServerEvent = {
	eventType: string;
	/** Newer server events (forum, enrollment, exams, certificates) also carry `name`. */
	name?: boolean;
	course: Course | undefined;
	/** context.path: the URL path the server handled (like eventType: ASCII, no quotes or backslashes, written as is). */
	path: string;
	/** Extra context entries, already serialised, e.g. `"module": {…}, `. */
	contextExtra?: string;
	referer: string;
	/** Serialised JSON value. */
	event: string;
	/** Serialised JSON value: a URL string, "x_module", or null. */
	page: string;
};

export function serverLine(who: Who, time: string, server: ServerEvent): string {
	const course = server.course;
	const context = `{"course_user_tags": {}, "user_id": ${who.userId}, "org_id": "${course?.org ?? ''}", ${server.contextExtra ?? ''}"course_id": "${course?.id ?? ''}", "path": "${server.path}"}`;
	const name = server.name ? `"name": "${server.eventType}", ` : '';
	return `{"username": "${who.username}", ${name}"event_type": "${server.eventType}", "ip": "${who.ip}", "agent": "${who.agent}", "host": "${HOST}", "referer": "${server.referer}", "accept_language": "${who.acceptLanguage}", "event": ${server.event}, "event_source": "server", "context": ${context}, "time": "${time}", "page": ${server.page}}`;
}

/** A float as Python's json.dumps writes it (1.0, not 1). */
const pyFloat = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));

export type CourseGrade = {userId: number; percent: number; letter: string; transactionId: string};

/**
 * edx.grades.course.grade_calculated as the grading worker logs it after a graded submission: outside any request,
 * so with no username, session, ip or agent (the learner is event.user_id, a string).
 */
export function courseGradeLine(time: string, course: Course, grade: CourseGrade): string {
	return `{"name": "edx.grades.course.grade_calculated", "context": {"course_id": "${course.id}", "org_id": "${course.org}", "enterprise_uuid": ""}, "username": "", "session": "", "ip": "", "agent": "", "host": "", "referer": "", "accept_language": "", ` +
		`"event": {"user_id": "${grade.userId}", "course_id": "${course.id}", "course_version": "${course.version}", "percent_grade": ${pyFloat(grade.percent)}, "letter_grade": "${grade.letter}", "event_transaction_id": "${grade.transactionId}", "event_transaction_type": "edx.grades.problem.submitted", "grading_policy_hash": "${course.version}"}, ` +
		`"time": "${time}", "event_type": "edx.grades.course.grade_calculated", "event_source": "server", "page": null}`;
}
