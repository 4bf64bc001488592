import type pg from 'pg';
import {bigint8Field, bigint8OrNullField, dateField, int4Field, int4OrNullField, int8Field, int8OrNullField, readInt8, startRow, textField} from '../copy-binary.js';
import type {RowBuffer} from '../row-buffer.js';
import {type DayTables, dayText} from './day-zone.js';
import {hourOf, learnerTimeline, type TimelineEvent} from './learner-timeline.js';
import {copyBetween, learnerFields, type LearnerFields, type LearnerRowHandlers, PipedTables, readLearnerRows, type TableRows} from './streamed-copy.js';
import {
	addItemEvent,
	addItemId,
	newPayloadStarts,
	PAYLOAD_COLUMN,
	problemIp,
	READER_TABLES,
	readPayload,
	type ReaderKind,
	type ReaderTable,
	SCAN,
	writeReaderRows,
} from './event-readers.js';
import {FRESH_ITEM_TABLES, LearnerItemEvents, LearnerItemIds, PROBLEM_TABLES, VIDEO_TABLES, type LearnerItemPages} from './learner-items.js';
import {PAGE_DAY_TABLE, PageDayCounts} from './page-days.js';
import {entry, newMap, tally} from './tally.js';
import {LEARNER_EVENTS_COLUMNS, TIMELINE_TABLES, timelineOptions, writeLearnerEvents, writeTimeline} from './timelines.js';

/**
 * The additive tables (counts per course, learner, hour, type, page, load) and the readers' event tables
 * from the new events, in one pass over them in Node: PostgreSQL scans the events once, as integer ids
 * with the payload fields the readers need, sorts them by learner and time and streams them; each
 * learner's counts are written when their last event has arrived, the per-course counts at the end. On a
 * first build the same pass walks the learners' timelines, videos and problems (their events are all new).
 */

/** What an event type counts as: classified once in SQL (fresh_type), read here by name. */
type TypeKind = ReaderKind & {
	hourly_type: string;
	is_enrollment: boolean;
	is_video: boolean;
	is_problem: boolean;
	is_forum: boolean;
	is_play: boolean;
	is_forum_post: boolean;
	is_exam: boolean;
	is_problem_check: boolean;
	is_thread: boolean;
	is_response: boolean;
	is_comment: boolean;
	/** The activity category (see TimelineEvent). */
	category: number;
};

// The day tables and their UTC twins (see day-zone.ts) take the same columns.
const TYPE_DAY_COLUMNS = 'course_id, day, event_type, events';
const LEARNER_DAY_COLUMNS = 'course_id, username, day, activity, video, problem, forum, plays, threads, responses, comments';

const COUNT_TABLES = {
	d_load_stats: 'load_id, events, no_course, no_user, no_time',
	d_type_total: 'course_id, event_type, events',
	d_type_hour: 'course_id, hour, event_type, events',
	d_type_day: TYPE_DAY_COLUMNS,
	d_type_day_utc: TYPE_DAY_COLUMNS,
	d_course_hour: 'course_id, hour, events',
	d_learner_hour: 'course_id, username, hour, events, activity, video, problem, forum, plays, threads, responses, comments',
	d_learner_day: LEARNER_DAY_COLUMNS,
	d_learner_day_utc: LEARNER_DAY_COLUMNS,
	// Merged into d_learner by the caller (a learner seen in earlier loads has a row there already).
	fresh_learner_total:
		'course_id, username, user_id, first_time, last_time, events, first_activity, last_activity, video_events, video_plays, problem_checks, forum_posts, first_exam, first_passed, first_certificate, active_days, active_days_utc',
	d_learner_page_type: 'course_id, username, url_id, event_type, events',
	d_item_page: 'course_id, kind, item_id, url_id, learners',
	// The addresses of the learner's graded checks and show-answer uses (answer-copying pairs learners by them).
	d_learner_ip: 'course_id, username, ip',
	// What a later load's timelines are recomputed from (arrays per learner: not the events table).
	d_learner_events: LEARNER_EVENTS_COLUMNS,
	fresh_user: 'user_id, username',
};
type CountTable =
	| keyof typeof COUNT_TABLES
	| keyof typeof TIMELINE_TABLES
	| keyof typeof VIDEO_TABLES
	| keyof typeof PROBLEM_TABLES
	| keyof typeof FRESH_ITEM_TABLES
	| keyof typeof PAGE_DAY_TABLE
	| ReaderTable;

/** The hourly counts of d_learner_hour, in its column order: events, then the kinds (d_learner_day has the kinds only). */
const HOUR_COUNTS = 9;
/** What one event of a type adds to them. */
function hourIncrement(kind: TypeKind): number[] {
	return [1, !kind.is_enrollment, kind.is_video, kind.is_problem, kind.is_forum, kind.is_play, kind.is_thread, kind.is_response, kind.is_comment].map(Number);
}

type Type = {kind: TypeKind; increment: number[]};
type Learner = {courseId: string; username: string; fields: Buffer};

const newHourCounts = () => new Array<number>(HOUR_COUNTS).fill(0);

/** One learner's counts over their new events (those with a time; `types`, `events` and `userId`: all of them). */
class LearnerCounts {
	readonly hours = new Map<number, number[]>();
	readonly pageTypes = new Map<number, Map<string, number>>();
	readonly types = new Map<Type, number>();
	userId: bigint | null = null;
	first: number | null = null;
	last: number | null = null;
	events = 0;
	firstActivity: number | null = null;
	lastActivity: number | null = null;
	videoEvents = 0;
	plays = 0;
	problemChecks = 0;
	forumPosts = 0;
	firstExam: number | null = null;
	firstPassed: number | null = null;
	firstCertificate: number | null = null;
	// Events come in time order: most fall in the hour of the one before, whose counts are kept at hand.
	private hour = Number.NaN;
	private hourCounts: number[] | undefined;
	/** The course's events per hourly type in that hour: tallied there directly (the learner's own are not stored). */
	private hourTypes: Map<string, number> | undefined;

	constructor(private readonly course: CourseCounts) {}

	/** Every event, with a time or not (learner-unit-events counts a page's events untimed too, as the other event counts do). */
	count(type: Type, userId: bigint | null, urlId: number | null): void {
		tally(this.types, type);
		if (urlId !== null) tally(entry(this.pageTypes, urlId, newMap<string, number>), type.kind.event_type);
		this.events++;
		if (userId !== null && (this.userId === null || userId > this.userId)) this.userId = userId;
	}

	/** Events with a time, counted first, arrive in time order. */
	add(type: Type, time: number, server: boolean): void {
		const {kind} = type;
		const hour = hourOf(time);
		if (hour !== this.hour) {
			this.hour = hour;
			this.hourCounts = entry(this.hours, hour, newHourCounts);
			this.hourTypes = entry(this.course.hourTypes, hour, newMap<string, number>);
		}
		const counts = this.hourCounts!;
		for (let index = 0; index < HOUR_COUNTS; index++) counts[index]! += type.increment[index]!;
		tally(this.hourTypes!, kind.hourly_type);
		this.first ??= time;
		this.last = time;
		if (!kind.is_enrollment) {
			this.firstActivity ??= time;
			this.lastActivity = time;
		}
		if (kind.is_video) this.videoEvents++;
		if (kind.is_play) this.plays++;
		if (kind.is_problem_check && server) this.problemChecks++;
		if (kind.is_forum_post) this.forumPosts++;
		if (kind.is_exam) this.firstExam ??= time;
		if (kind.is_passed) this.firstPassed ??= time;
		if (kind.is_certificate) this.firstCertificate ??= time;
	}
}

function writeLearner(tables: TableRows<CountTable>, learner: Learner, counts: LearnerCounts, dayTables: DayTables[]): void {
	const row = (table: CountTable, fields: number) => tables.learnerRow(table, learner.fields, fields);
	for (const [hour, hourCounts] of counts.hours) {
		const out = row('d_learner_hour', HOUR_COUNTS + 1);
		int8Field(out, hour);
		for (const value of hourCounts) int8Field(out, value);
	}
	// Days with learning activity in the day zone (d_learner.active_days) and in UTC (active_days_utc, where UTC is
	// another zone's twin: null for a UTC day zone).
	const activeDays: Record<DayTables['suffix'], number | null> = {'': 0, _utc: null};
	for (const {suffix, dayOf} of dayTables) {
		activeDays[suffix] = 0;
		const days = new Map<number, number[]>();
		for (const [hour, hourCounts] of counts.hours) {
			const day = dayOf(hour);
			const dayCounts = days.get(day);
			if (dayCounts) for (let index = 1; index < HOUR_COUNTS; index++) dayCounts[index]! += hourCounts[index]!;
			else days.set(day, [...hourCounts]);
		}
		const table = `d_learner_day${suffix}` as const;
		for (const [day, dayCounts] of days) {
			if (dayCounts[1]! > 0) activeDays[suffix]!++;
			const out = row(table, HOUR_COUNTS);
			dateField(out, day);
			for (let index = 1; index < HOUR_COUNTS; index++) int8Field(out, dayCounts[index]!);
		}
	}
	for (const [urlId, types] of counts.pageTypes) {
		for (const [type, events] of types) {
			const out = row('d_learner_page_type', 3);
			int4Field(out, urlId);
			textField(out, type);
			int8Field(out, events);
		}
	}
	const out = row('fresh_learner_total', 15);
	bigint8OrNullField(out, counts.userId);
	int8OrNullField(out, counts.first);
	int8OrNullField(out, counts.last);
	int8Field(out, counts.events);
	int8OrNullField(out, counts.firstActivity);
	int8OrNullField(out, counts.lastActivity);
	int8Field(out, counts.videoEvents);
	int8Field(out, counts.plays);
	int8Field(out, counts.problemChecks);
	int8Field(out, counts.forumPosts);
	int8OrNullField(out, counts.firstExam);
	int8OrNullField(out, counts.firstPassed);
	int8OrNullField(out, counts.firstCertificate);
	// Exact for a learner new to d_learner (all their days are in these events); recounted after a merge.
	int4Field(out, activeDays['']!);
	int4OrNullField(out, activeDays._utc);
}

/** Events per course: per type, per hour and hourly type, per hour (summed from each learner's counts, anonymous ones too). */
class CourseCounts {
	readonly types = new Map<string, number>();
	readonly hourTypes = new Map<number, Map<string, number>>();
	readonly hours = new Map<number, number>();
	/** Per kind ('video', 'problem') and item id, the learners whose first event on it this build was on each page (URL id). */
	readonly itemPages = new Map<string, Map<string, Map<number, number>>>();

	/** Every event of the learner's, those without a time too (d_type_total counts each logged event). */
	addTypes(types: Map<Type, number>): void {
		for (const [type, events] of types) tally(this.types, type.kind.event_type, events);
	}

	/** The learner's events per hour (their hourly types are tallied in hourTypes as they come: see LearnerCounts). */
	addHours(counts: LearnerCounts): void {
		for (const [hour, hourCounts] of counts.hours) tally(this.hours, hour, hourCounts[0]!);
	}

	addItemPages(pages: LearnerItemPages): void {
		for (const [kind, items] of Object.entries(pages)) {
			const counts = entry(this.itemPages, kind, newMap<string, Map<number, number>>);
			for (const [itemId, urlId] of items) tally(entry(counts, itemId, newMap<number, number>), urlId);
		}
	}

	write(tables: TableRows<CountTable>, courseId: string, dayTables: DayTables[]): void {
		for (const [kind, items] of this.itemPages) {
			for (const [itemId, pages] of items) {
				for (const [urlId, learners] of pages) {
					const out = tables.rows('d_item_page');
					startRow(out, 5);
					textField(out, courseId);
					textField(out, kind);
					textField(out, itemId);
					int4Field(out, urlId);
					int8Field(out, learners);
				}
			}
		}
		for (const [type, events] of this.types) {
			const out = tables.rows('d_type_total');
			startRow(out, 3);
			textField(out, courseId);
			textField(out, type);
			int8Field(out, events);
		}
		const writeTypes = (table: 'd_type_hour' | 'd_type_day' | 'd_type_day_utc', byTime: Map<number, Map<string, number>>, timeField: (out: RowBuffer, time: number) => void) => {
			for (const [time, types] of byTime) {
				for (const [type, events] of types) {
					const out = tables.rows(table);
					startRow(out, 4);
					textField(out, courseId);
					timeField(out, time);
					textField(out, type);
					int8Field(out, events);
				}
			}
		};
		writeTypes('d_type_hour', this.hourTypes, int8Field);
		// Both day tables summed in one pass over the hours: an hour's types are read once.
		const dayTypes = dayTables.map(() => new Map<number, Map<string, number>>());
		const typesOfDays: Array<Map<string, number>> = [];
		for (const [hour, types] of this.hourTypes) {
			dayTables.forEach(({dayOf}, index) => (typesOfDays[index] = entry(dayTypes[index]!, dayOf(hour), newMap<string, number>)));
			for (const [type, events] of types) for (const typesOfDay of typesOfDays) tally(typesOfDay, type, events);
		}
		dayTables.forEach(({suffix}, index) => writeTypes(`d_type_day${suffix}`, dayTypes[index]!, dateField));
		for (const [hour, events] of this.hours) {
			const out = tables.rows('d_course_hour');
			startRow(out, 3);
			textField(out, courseId);
			int8Field(out, hour);
			int8Field(out, events);
		}
	}
}

/**
 * The learner an event counts for: its username; none ('') without one, and for `anonymous`, the name Open edX logs
 * server-side actions under (enrollments a script or the admin made: event.user_id is the learner's, as in an
 * enrollment logged without a name), which no system of the kind counts as a learner: it was one in learners,
 * course-summary and enrolled-not-started (user 6 of edx-analytics-pipeline's fixtures was named "anonymous").
 */
export const learnerName = (username: string) => `CASE WHEN ${username} = 'anonymous' THEN '' ELSE coalesce(${username}, '') END`;

/**
 * The lookups the scan joins (this build's learners and event types, and the URL ids of its pages),
 * copied from the build's connection into plain tables of the reader's transaction: the build's own are
 * not committed, and parallel workers (the scan runs on two) cannot read a session's temporary tables.
 * The reader's transaction is rolled back at the end, and them with it.
 */
const SCAN_LOOKUPS = [
	{table: 'scan_learner', columns: 'learner_id int NOT NULL, course_id text NOT NULL, username text NOT NULL', rows: 'SELECT learner_id, course_id, username FROM fresh_learner'},
	{table: 'scan_type', columns: 'type_id int NOT NULL, event_type text NOT NULL, closes boolean NOT NULL, payload_kind text', rows: 'SELECT type_id, event_type, closes, payload_kind FROM fresh_type'},
	// url_order: the URL's place in byte order among these, which orders a learner's page events at one time (see timelineOrder).
	{
		table: 'scan_page',
		columns: 'page text NOT NULL, url_id int NOT NULL, url_order int NOT NULL',
		rows: `SELECT p.page, p.url_id, dense_rank() OVER (ORDER BY u.url COLLATE "C")::int
			FROM d_page p JOIN d_url u ON u.url_id = p.url_id JOIN (SELECT page FROM fresh_type_page UNION SELECT referer FROM fresh_type_page) k ON k.page = p.page`,
	},
];

async function copyScanLookups(client: pg.PoolClient, reader: pg.ClientBase): Promise<void> {
	for (const {table, columns, rows} of SCAN_LOOKUPS) {
		await reader.query(`CREATE TABLE ${table} (${columns})`);
		await copyBetween(client, rows, reader, table);
	}
	await reader.query(`ANALYZE ${SCAN_LOOKUPS.map(({table}) => table).join(', ')}`);
}

/**
 * The new events (of the loads `loadIds`) as ids, with their payload fields where their type reads one,
 * sorted by learner and time, then as timelineOrder orders a learner's events at one time: the one scan of the
 * events the counting pass makes (a first build walks each learner's timeline in this order). A COPY takes no
 * parameters, so the load ids (integers from the loads table, never user input) are written into it:
 * as constants the planner sees them, and an incremental build's scan reads the new load's block ranges
 * (BRIN) instead of the whole table.
 */
function scanQuery(loadIds: number[]): string {
	if (!loadIds.every(Number.isSafeInteger)) throw new Error(`load ids must be integers: ${loadIds.join(', ')}`);
	return `
SELECT l.learner_id, e.time, t.closes, p.url_id, t.type_id, e.load_id, e.user_id, e.event_source = 'server', r.url_id, ${PAYLOAD_COLUMN}
FROM events e
	JOIN scan_learner l ON l.course_id = coalesce(e.course_id, '') AND l.username = ${learnerName('e.username')}
	JOIN scan_type t ON t.event_type = coalesce(e.event_type, '')
	LEFT JOIN scan_page p ON p.page = e.page
	-- The page a problem event from the server was sent from (see fresh_type_page in refresh.ts).
	LEFT JOIN scan_page r ON r.page = CASE WHEN e.event_source = 'server' AND t.payload_kind = 'problem' THEN e.referer END
WHERE e.load_id = ANY ('{${loadIds.join(',')}}'::int[])
ORDER BY 1, 2, 3, p.url_order`;
}

/** How often (in events read) the counting pass reports its progress. */
const EVENTS_REPORTED = 1 << 14;

/** The day of the earliest new event in a set of day tables' zone (null if no new event has a time). */
export type FirstDay = {suffix: DayTables['suffix']; day: string | null};

/**
 * Counts the new events (of `loadIds`) into the additive tables and d_learner_events, writes the readers' event tables
 * (see event-readers.ts) and each named learner's user ids (fresh_user, for d_user), and on a `firstBuild`
 * walks every learner's timeline, videos and problems into the per-learner tables and sums d_page_day. d_learner is left to merge from
 * fresh_learner_total. The events are read on `reader`, a second connection, while the rows made go to
 * `client` (the build's transaction): reading and storing run at once (see PipedTables). Returns the day of
 * the earliest new event for each set of day tables (see day-zone.ts), and the learners' leading fields by
 * id, for the per-learner passes that follow.
 */
export async function countFreshEvents(
	client: pg.PoolClient,
	reader: pg.ClientBase,
	options: {loadIds: number[]; firstBuild: boolean; onEvents?: (eventsRead: number) => void},
): Promise<{firstDays: FirstDay[]; learners: LearnerFields}> {
	const {rows: typeRows} = await client.query<TypeKind & {type_id: number}>('SELECT * FROM fresh_type');
	// By id (1 to the number of types: see FRESH_TYPES in refresh.ts), looked up for every event.
	const types: Type[] = [];
	for (const kind of typeRows) types[kind.type_id] = {kind, increment: hourIncrement(kind)};
	const {rows: learnerRows} = await client.query<{learner_id: number; course_id: string; username: string}>('SELECT learner_id, course_id, username FROM fresh_learner');
	const learners = new Map(
		learnerRows.map((row) => [row.learner_id, {courseId: row.course_id, username: row.username, fields: learnerFields(row.course_id, row.username)}]),
	);
	const timelines = await timelineOptions(client);
	const walk = options.firstBuild ? timelines : undefined;
	await client.query('CREATE TEMP TABLE fresh_learner_total (LIKE d_learner) ON COMMIT DROP');
	await client.query('CREATE TEMP TABLE fresh_target (page text NOT NULL, name text, time timestamptz) ON COMMIT DROP');
	await client.query('CREATE TEMP TABLE fresh_user (user_id bigint NOT NULL, username text NOT NULL) ON COMMIT DROP');
	await client.query('CREATE TEMP TABLE fresh_grade (LIKE d_grade) ON COMMIT DROP');
	if (!walk) {
		// Plain tables, which parallel workers can read (see PLAIN_TABLES in refresh.ts).
		await client.query('CREATE TABLE fresh_video_item (course_id text NOT NULL, username text NOT NULL, video_id text NOT NULL)');
		await client.query('CREATE TABLE fresh_problem_item (course_id text NOT NULL, username text NOT NULL, problem_id text NOT NULL)');
	}
	const tables = {...COUNT_TABLES, ...READER_TABLES, ...(walk ? {...TIMELINE_TABLES, ...VIDEO_TABLES, ...PROBLEM_TABLES, ...PAGE_DAY_TABLE} : FRESH_ITEM_TABLES)};
	let firstTime = Infinity;
	// A first build emptied every table it writes, in its transaction.
	const piped = new PipedTables<CountTable>(client, tables as Record<CountTable, string>, options.firstBuild);
	await reader.query('BEGIN');
	try {
		await reader.query(`SET LOCAL work_mem = '256MB'`);
		// The scan joins the lookups on expressions of the events' columns, which have no statistics: the planner took a
		// daily file's 8,333 events (1M loaded) for 58 and joined the lookups to them by nested loops, 1.6M text comparisons
		// (the scan 0.80 s, hashed 0.13 s). The lookups are small: hashed, whatever the estimate.
		await reader.query('SET LOCAL enable_nestloop = off');
		await copyScanLookups(client, reader);
		const loadStats = new Map<number, number[]>();
		const courses = new Map<string, CourseCounts>();
		let statsLoadId: number | undefined;
		let stats: number[] = [];
		let learner: Learner;
		let counts: LearnerCounts;
		let timeline: TimelineEvent[];
		let timelineTypes: string[];
		// A first build walks the learners' videos and problems here; a later one lists those it recomputes.
		let items: LearnerItemEvents | undefined;
		let itemIds: LearnerItemIds | undefined;
		const pageDays = walk?.dayTables.map((days) => new PageDayCounts(learnerRows, days));
		let userIds: Set<bigint>;
		// The distinct addresses of the learner's rows of d_problem_event (one row each per build in d_learner_ip).
		let problemIps: Set<string>;
		// The page the learner is on: their last event's with one (a graded check, from the server, has none: its referer
		// may name it, which only the problem's page takes).
		let pageId: number | null = null;
		// Where the fields of the event's payload record start (see readPayload), for the readers.
		const payload = newPayloadStarts();
		// Reported as the first event arrives (the server's sort is over: 0 counted yet) and every EVENTS_REPORTED after.
		let eventsRead = 0;
		// A learner's events nearly always repeat one user id: it is made a bigint only when its bytes change.
		let userId: bigint | null = null;
		let userIdHigh = 0;
		let userIdLow = 0;
		const readUserId = (data: Buffer, at: number): bigint | null => {
			if (at < 0) return null;
			const high = data.readInt32BE(at);
			const low = data.readInt32BE(at + 4);
			if (userId === null || high !== userIdHigh || low !== userIdLow) {
				userId = data.readBigInt64BE(at);
				userIdHigh = high;
				userIdLow = low;
				if (learner.username !== '') userIds.add(userId);
			}
			return userId;
		};
		const handlers: LearnerRowHandlers = {
			start: (learnerId) => {
				learner = learners.get(learnerId)!;
				counts = new LearnerCounts(entry(courses, learner.courseId, () => new CourseCounts()));
				timeline = [];
				timelineTypes = [];
				items = walk && new LearnerItemEvents();
				itemIds = walk ? undefined : new LearnerItemIds();
				userIds = new Set();
				problemIps = new Set();
				userId = null;
				pageId = null;
			},
			// Fields: see SCAN (time NULL last).
			row: (data, starts) => {
				// The events counted before this one: the first report said "1 of N" before any was counted.
				if (eventsRead % EVENTS_REPORTED === 0) options.onEvents?.(eventsRead);
				eventsRead++;
				const {courseId, username} = learner;
				const loadId = data.readInt32BE(starts[SCAN.loadId]!);
				if (loadId !== statsLoadId) {
					stats = entry(loadStats, loadId, () => [0, 0, 0, 0]);
					statsLoadId = loadId;
				}
				stats[0]!++;
				if (courseId === '') stats[1]!++;
				if (username === '') stats[2]!++;
				const type = types[data.readInt32BE(starts[SCAN.typeId]!)]!;
				const urlId = starts[SCAN.urlId]! < 0 ? null : data.readInt32BE(starts[SCAN.urlId]!);
				if (urlId !== null) pageId = urlId;
				counts.count(type, readUserId(data, starts[SCAN.userId]!), urlId);
				if (type.kind.payload_kind !== null) {
					readPayload(data, starts[SCAN.payload]!, payload);
					if (writeReaderRows(piped, data, starts, payload, learner, type.kind)) {
						const ip = problemIp(data, payload, type.kind);
						if (ip !== null) problemIps.add(ip);
						// A problem's server event before any page event: the page it was sent from, if it says.
						const itemPageId = pageId ?? (starts[SCAN.refererUrlId]! < 0 ? null : data.readInt32BE(starts[SCAN.refererUrlId]!));
						if (items) addItemEvent(items, data, starts, payload, type.kind, itemPageId);
						else addItemId(itemIds!, data, payload, type.kind, itemPageId);
					}
				}
				if (starts[SCAN.time]! < 0) {
					stats[3]!++;
					return;
				}
				const time = readInt8(data, starts[SCAN.time]!);
				if (time < firstTime) firstTime = time;
				counts.add(type, time, starts[SCAN.server]! >= 0 && data[starts[SCAN.server]!] === 1);
				if (username !== '') {
					timeline.push({time, closes: data[starts[SCAN.closes]!] === 1, urlId, active: !type.kind.is_enrollment, category: type.kind.category});
					timelineTypes.push(type.kind.hourly_type);
				}
			},
			end: () => {
				for (const userId of userIds) {
					const out = piped.rows('fresh_user');
					startRow(out, 2);
					bigint8Field(out, userId);
					textField(out, learner.username);
				}
				const course = courses.get(learner.courseId)!;
				course.addTypes(counts.types);
				course.addHours(counts);
				// A learner whose events all lack a time is a learner too (d_learner), with no hours, days or timeline.
				if (learner.username === '') return;
				writeLearner(piped, learner, counts, timelines.dayTables);
				for (const ip of problemIps) textField(piped.learnerRow('d_learner_ip', learner.fields, 1), ip);
				writeLearnerEvents(piped, learner.fields, timeline, timelineTypes);
				course.addItemPages((items ?? itemIds)!.pages);
				if (!walk) {
					itemIds!.write(piped, learner.fields);
					return;
				}
				const walked = learnerTimeline(timeline, walk);
				writeTimeline(piped, learner.fields, walked);
				items!.write(piped, learner.fields);
				if (learner.courseId !== '') for (const days of pageDays!) days.addLearner(learner.courseId, learner.username, walked.pageHourVisits);
			},
		};
		await readLearnerRows(reader, scanQuery(options.loadIds), handlers, piped);
		options.onEvents?.(eventsRead);
		for (const days of pageDays ?? []) days.write((table) => piped.rows(table));
		for (const [loadId, stats] of loadStats) {
			const out = piped.rows('d_load_stats');
			startRow(out, 5);
			int4Field(out, loadId);
			for (const value of stats) int8Field(out, value);
		}
		for (const [courseId, course] of courses) course.write(piped, courseId, timelines.dayTables);
		await piped.store();
	} finally {
		await piped.finished();
		await reader.query('ROLLBACK').catch(() => {});
	}
	return {
		firstDays: timelines.dayTables.map(({suffix, dayOf}) => ({suffix, day: firstTime === Infinity ? null : dayText(dayOf(firstTime))})),
		learners: new Map([...learners].map(([id, learner]) => [id, learner.fields])),
	};
}
