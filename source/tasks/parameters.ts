import type pg from 'pg';
import {canonicalTimeZone, timeZoneNames} from '../../ingest/derived/day-zone.js';
import {UserError} from '../../ingest/errors.js';
import {firstSentence} from '../format.js';
import {closest, didYouMean, zoneGuess} from '../suggest.js';
import type {TaskDefinition, TaskParameter, TaskResult} from './types.js';

/** Where the checks' queries run: a pool, or the connection of the task they are for (which a cancel of the task reaches). */
type Queryable = pg.Pool | pg.PoolClient;

/** The SQL type each parameter is bound as (the placeholder gets this cast). */
export function sqlTypeOf(parameter: TaskParameter): string {
	switch (parameter.type) {
		case 'date':
			return 'date';
		case 'integer':
			return 'bigint';
		case 'number':
			return 'double precision';
		case 'boolean':
			return 'boolean';
		default:
			return 'text';
	}
}

/**
 * A typed value in a message. Ids are shown whole: cut at 60 characters, a problem's block-v1 id lost the part
 * that tells it from the others ("…+block@7cfa8..."). Only a value longer than any id (a pasted log line) is cut.
 */
function quoted(value: string): string {
	// Invisible format characters written as escapes: "30\u200b" showed as "30" (a whole number, refused as none), and a
	// right-to-left override turned the rest of the sentence around on the terminal.
	const shown = JSON.stringify(value.length > 300 ? `${value.slice(0, 297)}...` : value);
	return shown.replace(/\p{Cf}/gu, (character) => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

const WRITTEN_AS_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(value: string): boolean {
	// Year 0000 is valid ISO but not in PostgreSQL's calendar (1 BC comes before AD 1): it failed in the database.
	if (!WRITTEN_AS_DATE.test(value) || value.startsWith('0000')) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Checks one typed value and returns it in the form bound to SQL ('' = none → NULL). Throws a UserError
 * sentence naming the parameter. Time zones are checked against the server separately.
 */
export function coerceValue(parameter: TaskParameter, raw: string): string {
	const value = raw.trim();
	if (value === '') return '';
	const name = `"${parameter.name}"`;
	switch (parameter.type) {
		case 'date':
			if (!isCalendarDate(value)) {
				// Written right but not in the calendar: "must be written YYYY-MM-DD" did not say what was wrong with 2018-02-30.
				const problem = WRITTEN_AS_DATE.test(value) ? 'a day of the calendar' : 'a date written YYYY-MM-DD (like 2024-03-31)';
				throw new UserError(`Parameter ${name} must be ${problem}, not ${quoted(value)}.`);
			}
			return value;
		case 'integer': {
			if (!/^[-+]?\d+$/.test(value)) throw new UserError(`Parameter ${name} must be a whole number, not ${quoted(value)}.`);
			// Any run of digits is a whole number: one too long for its range gets the range ("must be a whole number" it was).
			const number = Number(value);
			const shown = Number.isSafeInteger(number) ? String(number) : quoted(value);
			if ((parameter.min !== undefined && number < parameter.min) || (parameter.max !== undefined && number > parameter.max)) {
				throw new UserError(`Parameter ${name} must be between ${parameter.min} and ${parameter.max}, not ${shown}.`);
			}
			if (!/^[-+]?\d{1,15}$/.test(value)) throw new UserError(`Parameter ${name} must be a whole number of at most 15 digits, not ${shown}.`);
			return String(number);
		}
		case 'number':
			if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value)) throw new UserError(`Parameter ${name} must be a number, not ${quoted(value)}.`);
			return String(Number(value));
		case 'boolean': {
			const lower = value.toLowerCase();
			if (['true', 'yes', '1', 'on'].includes(lower)) return 'true';
			if (['false', 'no', '0', 'off'].includes(lower)) return 'false';
			throw new UserError(`Parameter ${name} must be true or false, not ${quoted(value)}.`);
		}
		case 'event-types':
			// Commas alone (",,") are no type: "No events of type  in …" named a blank one.
			if (eventTypesOf(value).length === 0) throw new UserError(`Parameter ${name} names no event type (${quoted(value)}); give them comma-separated, e.g. play_video,pause_video (event-types lists them).`);
			return value;
		case 'choice':
			// As a mistyped task or zone is: `period=Week` or `wek` is told "week".
			if (!parameter.choices?.includes(value)) throw new UserError(`Parameter ${name} must be one of ${parameter.choices?.join(', ')}, not ${quoted(value)}${didYouMean(value, parameter.choices ?? [])}.`);
			return value;
		default:
			return value;
	}
}

/**
 * A learner name the database does not know, or (`elsewhere`) knows, but not in `course`, the one the task was to run
 * for ('' = all courses): with events in other courses, or with none in any (their events all of no course, such as the
 * dashboard's, or none of their own: enrolled by someone else or passed by a background task).
 */
export class UnknownLearnerError extends UserError {
	constructor(
		readonly username: string,
		readonly course: string,
		elsewhere?: 'other courses' | 'no course',
		guess = '',
	) {
		const why = elsewhere === 'other courses' ? 'they have events in other courses only' : 'they have no event in any course';
		super(elsewhere ? `No learner ${quoted(username)} in ${course}: ${why}.` : `No learner ${quoted(username)} in the database${guess}.`);
	}
}

/**
 * A video or problem id (`kind`) with no learner's events in `course` ('' = in the database): the TUI says where to
 * pick one from.
 */
export class UnknownItemError extends UserError {
	constructor(
		readonly kind: keyof typeof ITEMS,
		readonly course: string,
		id: string,
	) {
		super(`No ${kind} ${quoted(id)} ${inCourse(course)} (${ITEMS[kind].listedBy} lists them).`);
	}
}

/**
 * Each pool's time zones as canonicalTimeZone spelled them, by value as given: its server's zones do not change while
 * it runs, and a lookup scans them all (16 ms), which `run` made twice (checkValues before a pending build, then the task).
 */
const zonesOf = new WeakMap<pg.Pool, Map<string, string | undefined>>();

/** The canonical spelling of a time zone PostgreSQL knows (see canonicalTimeZone), or a UserError; looked up on `db`, kept for `pool`. */
async function resolveTimezone(pool: pg.Pool, db: Queryable, parameter: TaskParameter, value: string): Promise<string> {
	const zones = zonesOf.get(pool) ?? new Map<string, string | undefined>();
	zonesOf.set(pool, zones);
	if (!zones.has(value)) zones.set(value, await canonicalTimeZone(db, value));
	const zone = zones.get(value);
	if (zone === undefined) {
		const {names, abbreviations} = await timeZoneNames(db);
		throw new UserError(`Parameter "${parameter.name}": unknown time zone ${quoted(value)}${zoneGuess(value, names, abbreviations)}; use a name like UTC or Europe/Moscow.`);
	}
	return zone;
}

/**
 * What a time zone makes an answer approximate, in a sentence (or nothing): every table counts events by whole
 * UTC hours (days too, in any zone), so a zone whose offset is not whole hours (India's +05:30, Nepal's +05:45,
 * Newfoundland's -03:30) gets each event in the local hour (and day) where its UTC hour starts. A task whose answer
 * is exact given a parameter (`exact`: its name, and whether it was given) says so, as the two answers then differ
 * near midnight: one learner's days and all learners' would not add up, without a word.
 */
async function timezoneNote(db: Queryable, zone: string, exact?: {name: string; given: boolean}): Promise<string | undefined> {
	// Its offsets now and half a year ago (summer and winter time), and on every day of the events' span: a zone's
	// offset can have been odd in the data's years only (Venezuela was UTC-04:30 from 2007 to 2016). A day apart
	// catches any offset, none lasting less; the span is one scan of d_course_hour, as d_hour_days makes.
	const {rows} = await db.query<{minutes: number; now: boolean}>(
		`SELECT (extract(epoch FROM (t AT TIME ZONE $1) - (t AT TIME ZONE 'UTC')) / 60)::int AS minutes, bool_or(now) AS now
		 FROM (SELECT t, true FROM (VALUES (now()), (now() - interval '6 months')) AS n(t)
			UNION ALL SELECT d, false FROM (SELECT min(hour), max(hour) FROM d_course_hour) AS s(lo, hi),
				LATERAL (SELECT generate_series(lo, hi, interval '1 day') UNION ALL SELECT hi) AS span(d)) AS v(t, now)
		 WHERE t IS NOT NULL
		 GROUP BY 1 ORDER BY 2 DESC, 1`,
		[zone],
	);
	const odd = rows.find((row) => row.minutes % 60 !== 0);
	if (!odd) return undefined;
	const offset = `UTC${odd.minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(odd.minutes) / 60)).padStart(2, '0')}:${String(Math.abs(odd.minutes) % 60).padStart(2, '0')}`;
	// A UTC hour starts this many minutes past a local hour: events before that minute fall in the local hour before.
	const early = ((odd.minutes % 60) + 60) % 60;
	const was = odd.now ? `is ${offset}` : `was ${offset} at the time of some events`;
	if (exact?.given) {
		return `${zone} ${was}: given a ${exact.name}, events are put in days by their exact times, but without one by whole UTC hours (those in the first ${early} minutes after midnight in the day before), so near midnight these days can differ from that answer's.`;
	}
	const byExactTimes = exact ? ` Given a ${exact.name}, events are put in days by their exact times.` : '';
	return `${zone} ${was}, and events are counted by whole UTC hours: those in the first ${early} minutes of a local hour count in the hour before (just after midnight, in the day before).${byExactTimes}`;
}

/**
 * Whether a task's SQL reads the tables (or their functions) that count by UTC hour or day, or time by day:
 * d_course_hour, d_learner_days, d_time_on_task, d_page_day, … The note above is theirs: `learners` or
 * `enrollment-by-hour` read exact times, which any zone gets right.
 */
const readsHours = (sql: string) => /\bd_\w*(hour|day|time)\w*/.test(sql);

/**
 * Courses with events, busiest first, and the events that name no course (course '': Studio's previews, the
 * dashboard, logins), which no task's course holds. d_type_total counts every event: the hourly tables have none
 * of a course whose events all lack a readable time, which then could not be chosen.
 */
export async function courseEvents(db: Queryable): Promise<{courses: Array<{courseId: string; events: number}>; eventsWithoutCourse: number}> {
	const {rows} = await db.query<{courseId: string; events: number}>(
		`SELECT course_id AS "courseId", sum(events)::bigint AS events FROM d_type_total GROUP BY course_id ORDER BY 2 DESC, 1`,
	);
	return {courses: rows.filter((row) => row.courseId !== ''), eventsWithoutCourse: rows.find((row) => row.courseId === '')?.events ?? 0};
}

/**
 * The learners with events in `course` ('' = every course together, as the tasks read them: their figures summed,
 * the events of no course left out), most active first, then by name: the app's learner picker lists them for the
 * task whose SQL is `taskSql`, with those it lists in the course by an enrollment or a finish alone (MEMBERSHIPS,
 * as checkLearner takes them), at 0 events. Events as the learners task counts them (every event, with a time or
 * not). d_learner has a row per learner and course: 32k rows at 10M events and 25k learners, one scan of which answers
 * in a tenth of a second.
 */
export async function learnerEvents(pool: pg.Pool, course: string, taskSql: string): Promise<Array<{username: string; events: number}>> {
	const members = membershipsOf(taskSql).map((names) => `UNION ALL SELECT username, course_id, 0 FROM (${names}) m`);
	const {rows} = await pool.query<{username: string; events: number}>(
		`SELECT username, sum(events)::bigint AS events FROM (SELECT username, course_id, events FROM d_learner ${members.join(' ')}) l
		 WHERE course_id <> '' AND (course_id = $1 OR $1 = '') GROUP BY username ORDER BY 2 DESC, 1`,
		[course],
	);
	return rows;
}

/**
 * The videos or problems (`kind`) of `course` ('' = every course) with the unit (section name) and page each sits on
 * (d_item_units; '' where none is known), which tell apart the hashes OpenEdu's logs give as ids, and `count`: a
 * video's viewers (who played it; 0: loaded only), a problem's learners with graded checks (0: show-answer only); most
 * first, then by id. The app's
 * picker lists them for video-dropoff's and problem-answers' fields.
 */
export async function itemUnits(pool: pg.Pool, kind: keyof typeof ITEMS, course: string): Promise<Array<{id: string; count: number; unit: string; url: string}>> {
	const item = ITEMS[kind];
	// Counted as video-engagement's viewers are (it listed 838 viewers of a video the table said 829 of: those who
	// only loaded it were counted) and problems' learners with checks.
	const counted = `count(DISTINCT t.username) FILTER (WHERE t.${item.counted} > 0)`;
	const {rows} = await pool.query<{id: string; count: number; unit: string; url: string}>(
		`SELECT t.${item.column} AS id, ${counted} AS count, coalesce(min(u.name), '') AS unit, coalesce(min(u.url), '') AS url
		 FROM ${item.table} t LEFT JOIN d_item_units($2, NULLIF($1, '')) u ON u.item_id = t.${item.column}
		 WHERE t.course_id <> '' AND (t.course_id = $1 OR $1 = '') GROUP BY 1 ORDER BY 2 DESC, 1`,
		[course, kind],
	);
	return rows;
}

export async function listCourses(db: Queryable): Promise<Array<{courseId: string; events: number}>> {
	return (await courseEvents(db)).courses;
}

const courseHas = (course: string) => (course ? `${course} has` : 'the courses have');

/**
 * The values of `task` that differ from its defaults, as "name = value": what may have emptied an answer. Not the course
 * (named beside them), "from" and "to" (said as the days asked), nor a time zone, which moves rows between days: every
 * value listed ("with top = 50") was noise.
 */
function changedValues(task: TaskDefinition, parameters: Record<string, string>): string[] {
	return task.parameters
		.filter((parameter) => parameter.type !== 'course' && parameter.type !== 'timezone' && parameter.name !== 'from' && parameter.name !== 'to')
		.filter((parameter) => (parameters[parameter.name] ?? '') !== (parameter.default ?? ''))
		.map((parameter) => `${parameter.name} = ${parameters[parameter.name] ?? ''}`);
}

/**
 * Said when a task's answer has no rows and no date range explains it: the task counts nothing there, with the values
 * changed from its defaults, and what it counts (a bare "No rows." for pdf-views on a course without textbooks read as
 * a fault). Not that the course "has none of what this task counts": at-risk, empty under its default 14 days on a
 * course with enrolled learners, read as a course without learners. What it counts is read on the command line in
 * `run <task> --help`; the app has no such page (nor commands), so there the description's first sentence, the one its
 * menu and form show, is said in place.
 */
export function noneCountedNote(task: TaskDefinition, parameters: Record<string, string>, shownIn: 'command line' | 'app'): string {
	const {from, to, course = ''} = parameters;
	const definition = shownIn === 'app' ? `: ${firstSentence(task.description)}` : `; openpolyedu-tui run ${task.id} --help says what it counts.`;
	const changed = changedValues(task, parameters);
	return `No rows: this task counts nothing in ${course || 'any course'}${from || to ? ' on the days asked' : ''}${changed.length > 0 ? ` with ${changed.join(', ')}` : ''}${definition}`;
}

/**
 * Said when a task's answer has no rows: when its "from" or "to" lies outside the days the course (or every course)
 * has events, those days; else noneCountedNote.
 */
export async function noRowsNote(pool: pg.Pool, task: TaskDefinition, parameters: Record<string, string>, shownIn: 'command line' | 'app'): Promise<string> {
	const {from, to, course = ''} = parameters;
	const tz = parameters.tz || 'UTC';
	const noneCounted = noneCountedNote(task, parameters, shownIn);
	if (!from && !to) return noneCounted;
	const {rows} = await pool.query<{first: string | null; last: string | null}>(
		`SELECT to_char(min(hour) AT TIME ZONE $2, 'YYYY-MM-DD') AS first, to_char(max(hour) AT TIME ZONE $2, 'YYYY-MM-DD') AS last
		 FROM d_course_hour WHERE course_id <> '' AND (course_id = $1 OR $1 = '')`,
		[course, tz],
	);
	const {first, last} = rows[0]!;
	// YYYY-MM-DD strings order as the days do.
	const side = first === null || last === null ? undefined : from && from > last ? `before "from" (${from})` : to && to < first ? `after "to" (${to})` : undefined;
	if (!side) return noneCounted;
	return `No rows: ${courseHas(course)} events from ${first} to ${last} (days in ${tz}), all ${side}.`;
}

/** `result` of `task`, with noRowsNote among its notes when it has none: the app shows them in place of a bare "(no rows)". */
export async function explainEmpty(pool: pg.Pool, task: TaskDefinition, result: TaskResult): Promise<TaskResult> {
	if (result.rows.length > 0) return result;
	return {...result, notes: [...(result.notes ?? []), await noRowsNote(pool, task, result.parameters, 'app')]};
}

/** The end of a sentence that lists the names a value may take: the one it most likely meant, asked, or a full stop. */
function guessed(value: string, names: string[]): string {
	const guess = closest(value, names);
	return guess === undefined ? '.' : `; did you mean "${guess}"?`;
}

/** The sentence refusing a value given for a parameter that the task does not have; undefined when all are its own. */
export function unknownParameter(task: TaskDefinition, values: Record<string, string>): string | undefined {
	const name = Object.keys(values).find((given) => !task.parameters.some((parameter) => parameter.name === given));
	if (name === undefined) return undefined;
	const known = task.parameters.map((parameter) => parameter.name).join(', ') || 'none';
	return `Task "${task.id}" has no parameter "${name}" (its parameters: ${known})${guessed(name, task.parameters.map((parameter) => parameter.name))}`;
}

/**
 * The checks of `values` that read no derived table: written forms and ranges, required values, time zones,
 * the order of "from" and "to". `run` makes them before it builds pending loads (a minute at 10M events after
 * an upgrade), so that a mistyped value is told at once, not after the build.
 * Returns every declared parameter's value after its default, keyed by name ('' = none), time zones canonical.
 */
export async function checkValues(pool: pg.Pool, task: TaskDefinition, values: Record<string, string>, db: Queryable = pool): Promise<Record<string, string>> {
	const unknown = unknownParameter(task, values);
	if (unknown) throw new UserError(unknown);
	const checked: Record<string, string> = {};
	for (const parameter of task.parameters) {
		checked[parameter.name] = await about(parameter, async () => {
			// An empty value is no value: a script's unset variable (`--tz "$TZ"`) gets the default, not NULL.
			const value = coerceValue(parameter, values[parameter.name]?.trim() || parameter.default || '');
			if (value === '' && parameter.required) throw new UserError(`Task "${task.id}" needs a value for "${parameter.name}": ${parameter.description}.`);
			return value !== '' && parameter.type === 'timezone' ? resolveTimezone(pool, db, parameter, value) : value;
		});
	}
	const {from, to} = checked;
	// A reversed range would answer with an empty table that looks like "no activity".
	if (from && to && from > to) throw Object.assign(new UserError(`The date range is empty: "from" (${from}) is after "to" (${to}).`), {parameter: 'from'});
	return checked;
}

/**
 * Values for every declared parameter after defaults and checks (checkValues, then the course, learners and
 * items against the database), keyed by name ('' = none), and what those values make the answer leave out or
 * approximate, in sentences (event types that no event has, among others that have some; a time zone whose
 * offset is not whole hours).
 * An empty course means the only course when the database holds exactly one, else all courses. The queries run on
 * `db` (the pool's time zones are kept for `pool`).
 */
export async function resolveParameters(
	pool: pg.Pool,
	task: TaskDefinition,
	values: Record<string, string>,
	db: Queryable = pool,
): Promise<{resolved: Record<string, string>; notes: string[]}> {
	const resolved = await checkValues(pool, task, values, db);
	for (const parameter of task.parameters) {
		if (parameter.type === 'course') resolved[parameter.name] = await about(parameter, () => resolveCourse(db, resolved[parameter.name]!));
	}
	// Learners and items are checked once the course is resolved (learner-path names it after the learner): the error carries it.
	const course = task.parameters.find((parameter) => parameter.type === 'course');
	const courseValue = course ? (resolved[course.name] ?? '') : '';
	const notes: string[] = [];
	for (const parameter of task.parameters) {
		const value = resolved[parameter.name];
		if (!value) continue;
		await about(parameter, async () => {
			if (parameter.type === 'user') await checkLearner(db, value, courseValue, task.sql);
			if (parameter.type === 'video' || parameter.type === 'problem') await checkItem(db, parameter.type, value, courseValue);
			if (parameter.type === 'event-types') {
				const unknown = await unknownEventTypes(db, value, courseValue);
				// None with events is refused; some without count nothing, and a typo among them must say so.
				if (unknown.length > 0) {
					const message = noEventsOf(unknown, courseValue, await typesOtherwiseCased(db, unknown, courseValue));
					if (unknown.length === eventTypesOf(value).length) throw new UserError(message);
					notes.push(message);
				}
			}
			if (parameter.type === 'timezone') {
				// Etc/GMT+3 reads as UTC+3 and is UTC-03:00: the answer of a user who took it so is six hours off, without a word.
				const etc = /^Etc\/GMT([+-])(\d+)$/.exec(value);
				if (etc) notes.push(`${value} is UTC${etc[1] === '+' ? '-' : '+'}${etc[2]!.padStart(2, '0')}:00: the tz database writes the sign of its Etc/GMT zones the other way round.`);
			}
			if (parameter.type === 'timezone' && readsHours(task.sql)) {
				const exact = task.exactWith === undefined ? undefined : {name: task.exactWith, given: Boolean(resolved[task.exactWith])};
				const note = await timezoneNote(db, value, exact);
				if (note) notes.push(note);
			}
		});
	}
	return {resolved, notes};
}

/** Runs the checks of one parameter: a UserError they throw is about it (see UserError.parameter). */
async function about<T>(parameter: TaskParameter, check: () => Promise<T>): Promise<T> {
	try {
		return await check();
	} catch (error) {
		if (error instanceof UserError) error.parameter ??= parameter.name;
		throw error;
	}
}

/** Where a course's videos and problems are listed (by the tasks that read them), and which task lists them for the user. */
/** Each kind's table, and what makes a learner counted in the picker's list: as the task listing them counts them. */
const ITEMS = {
	video: {table: 'd_learner_video', column: 'video_id', listedBy: 'video-engagement', counted: 'plays'},
	problem: {table: 'd_learner_problem', column: 'problem_id', listedBy: 'problems', counted: 'checks'},
};

const inCourse = (course: string) => (course === '' ? 'in the database' : `in ${course}`);

/** A video or problem with learners' events (in `course`, when one is chosen): a misspelt id must not look like an unwatched video. */
async function checkItem(db: Queryable, kind: keyof typeof ITEMS, id: string, course: string): Promise<void> {
	const item = ITEMS[kind];
	const {rows} = await db.query<{known: boolean}>(
		`SELECT EXISTS (SELECT 1 FROM ${item.table} WHERE ${item.column} = $1 AND course_id <> '' AND (course_id = $2 OR $2 = '')) AS known`,
		[id, course],
	);
	if (!rows[0]!.known) throw new UnknownItemError(kind, course, id);
}

/** The event types of a comma-separated list, as the tasks' SQL splits it (spaces dropped). */
function eventTypesOf(list: string): string[] {
	return list.replaceAll(' ', '').split(',').filter((type) => type !== '');
}

/**
 * Says the case matters only where it is why a type has no events (`PLAY_VIDEO`, when `play_video` has some): said of
 * a course without videos run with the default types, it sent the user looking for a typo that was not there.
 */
function noEventsOf(types: string[], course: string, otherwiseCased: string[]): string {
	const none = `No events of type ${types.map(quoted).join(', ')} ${inCourse(course)}`;
	if (otherwiseCased.length === 0) return `${none} (event-types lists the types it has).`;
	return `${none} (did you mean ${otherwiseCased.map(quoted).join(', ')}?): event types are case-sensitive (event-types lists them).`;
}

/** The types with events (in `course`, when one is chosen) that are one of `types` but for their case. */
async function typesOtherwiseCased(db: Queryable, types: string[], course: string): Promise<string[]> {
	const {rows} = await db.query<{eventType: string}>(
		`SELECT DISTINCT event_type AS "eventType" FROM d_type_total
		WHERE lower(event_type) IN (SELECT lower(type) FROM unnest($1::text[]) type) AND course_id <> '' AND (course_id = $2 OR $2 = '')
		ORDER BY 1`,
		[types, course],
	);
	return rows.map((row) => row.eventType);
}

/** The types of `list` that no event has (in `course`, when one is chosen). */
async function unknownEventTypes(db: Queryable, list: string, course: string): Promise<string[]> {
	const types = eventTypesOf(list);
	const {rows} = await db.query<{eventType: string}>(
		`SELECT DISTINCT event_type AS "eventType" FROM d_type_total WHERE event_type = ANY ($1) AND course_id <> '' AND (course_id = $2 OR $2 = '')`,
		[types, course],
	);
	const known = new Set(rows.map((row) => row.eventType));
	return types.filter((type) => !known.has(type));
}

/** A course the database has events of (an empty one: the only course, else all): a typo must not look like an empty course. */
async function resolveCourse(db: Queryable, value: string): Promise<string> {
	const courses = await listCourses(db);
	if (value === '') return courses.length === 1 ? courses[0]!.courseId : '';
	if (courses.some((course) => course.courseId === value)) return value;
	const known = courses.slice(0, 5).map((course) => course.courseId).join(', ') + (courses.length > 5 ? ', …' : '');
	throw new UserError(courses.length === 0 ? `No course ${quoted(value)}: the database has no course yet.` : `No course ${quoted(value)} in the database (its courses: ${known})${guessed(value, courses.map((course) => course.courseId))}`);
}

/** Every learner's name (by an event or a user id), for a misspelt one to be matched against: read only then. */
async function learnerNames(db: Queryable): Promise<string[]> {
	const {rows} = await db.query<{username: string}>('SELECT username FROM d_learner UNION SELECT username FROM d_user');
	return rows.map((row) => row.username);
}

/**
 * What makes a name one of a course's learners besides an event of theirs there (d_learner), for a task whose SQL reads
 * it: learner-summary lists every name enrolled in the course or that finished it, and refused one enrolled by a script
 * (logged as "anonymous", the learner in event.user_id) or passed by a background task, with no event of their own in
 * the course, as having "events in other courses only"; the learner picker did not offer them. Both tables name a user
 * id by d_user, read here by the name's ids (indexes of migration 173): the whole enrollment state takes 0.3 s at 10M
 * events. The state's other names are those logged with a change, whose learner is the event's, in d_learner for the
 * course already. Each is a query of the names and courses it lists (`username`, `course_id`).
 */
const MEMBERSHIPS = [
	{readBy: /\bd_enrollment_state/, names: 'SELECT u.username, e.course_id FROM d_user u JOIN d_enrollment e ON e.user_id = u.user_id'},
	{readBy: /\bd_named_finish\b/, names: 'SELECT username, course_id FROM d_named_finish'},
];

/** The queries of MEMBERSHIPS that `taskSql` reads. */
const membershipsOf = (taskSql: string) => MEMBERSHIPS.filter((membership) => membership.readBy.test(taskSql)).map((membership) => membership.names);

/**
 * A learner the database knows (by any event of theirs, or by user id), and in `course` when one is chosen, as the
 * task (its SQL: `taskSql`) lists them there (see MEMBERSHIPS): a misspelt name, or a learner of another course, must
 * not look like an idle learner. A learner of the course costs one query, read by index (it runs before every task
 * with a learner); the rest only for a name refused.
 */
async function checkLearner(db: Queryable, username: string, course: string, taskSql: string): Promise<void> {
	if (course !== '') {
		// d_learner by its key (md5s, see migration 106), the other tables only for a name without events there.
		const memberships = [
			'EXISTS (SELECT 1 FROM d_learner WHERE md5(course_id) = md5($2) AND md5(username) = md5($1) AND course_id = $2 AND username = $1)',
			...membershipsOf(taskSql).map((names) => `EXISTS (SELECT 1 FROM (${names}) m WHERE m.username = $1 AND m.course_id = $2)`),
		];
		const {rows} = await db.query<{inCourse: boolean}>(`SELECT ${memberships.join(' OR ')} AS "inCourse"`, [username, course]);
		if (rows[0]!.inCourse) return;
	}
	const {rows} = await db.query<{known: boolean; inCourses: boolean}>(
		`SELECT EXISTS (SELECT 1 FROM d_user WHERE username = $1) OR EXISTS (SELECT 1 FROM d_learner WHERE username = $1) AS known,
			EXISTS (SELECT 1 FROM d_learner WHERE username = $1 AND course_id <> '') AS "inCourses"`,
		[username],
	);
	if (!rows[0]!.known) throw new UnknownLearnerError(username, course, undefined, didYouMean(username, await learnerNames(db)));
	// "Events in other courses only" was said too of a learner with no event in any course (on the dashboard only).
	if (course !== '') throw new UnknownLearnerError(username, course, rows[0]!.inCourses ? 'other courses' : 'no course');
}
