import type pg from 'pg';
import {ARRAY_OF, arrayField, boolField, dateField, float8Field, float8OrNullField, int2Field, int4Field, int4OrNullField, int8Field, readArray, readInt8, textField} from '../copy-binary.js';
import {dayTablesOf} from './day-zone.js';
import {compareTimelineEvents, learnerTimeline, type LearnerTimeline, type TimelineEvent, type TimelineOptions} from './learner-timeline.js';
import {type LearnerFields, type LearnerRowHandlers, type LearnerRowWriter, readLearnerRows, withSpilledTables} from './streamed-copy.js';

// The day tables and their UTC twins (see day-zone.ts) take the same columns.
const DAY_TIME_COLUMNS = 'course_id, username, day, seconds_5, seconds_30';
const TIME_TOTAL_COLUMNS = 'course_id, username, seconds_5, seconds_30, days_5, days_30';

/** The tables written from the timelines, with their columns. */
export const TIMELINE_TABLES = {
	d_learner_gap: 'course_id, username, hour, minute, seconds, gaps',
	d_learner_time: 'course_id, username, hour, seconds_5, seconds_30',
	d_learner_day_time: DAY_TIME_COLUMNS,
	d_learner_day_time_utc: DAY_TIME_COLUMNS,
	d_session: 'course_id, username, start_time, end_time, events',
	d_learner_session: 'course_id, username, sessions, seconds, median_seconds, longest_seconds',
	d_learner_time_total: TIME_TOTAL_COLUMNS,
	d_learner_time_total_utc: TIME_TOTAL_COLUMNS,
	d_page_visit: 'course_id, username, time, url_id, session_start, previous_url_id',
	d_learner_page: 'course_id, username, url_id, visits',
	d_learner_page_hour: 'course_id, username, hour, url_id, visits',
	d_learner_transition: 'course_id, username, previous_url_id, url_id, transitions',
};
export type TimelineTable = keyof typeof TIMELINE_TABLES;

/** What later builds recompute a learner's timeline from: their events, as arrays (see the migration). */
export const LEARNER_EVENTS_COLUMNS = 'course_id, username, times, closes, url_ids, event_types';

/** Events per d_learner_events row: a row stays a few hundred KB however busy the learner. */
const EVENTS_PER_ROW = 10_000;

/** Appends a learner's new events (in timeline order) and their hourly types (`types`, in the same order) as d_learner_events rows. */
export function writeLearnerEvents(tables: LearnerRowWriter<'d_learner_events'>, learner: Buffer, events: TimelineEvent[], types: string[]): void {
	for (let from = 0; from < events.length; from += EVENTS_PER_ROW) {
		const part = events.slice(from, from + EVENTS_PER_ROW);
		const out = tables.learnerRow('d_learner_events', learner, 4);
		arrayField(out, ARRAY_OF.timestamptz, part.length, false, () => {
			for (const event of part) int8Field(out, event.time);
		});
		arrayField(out, ARRAY_OF.bool, part.length, false, () => {
			for (const event of part) boolField(out, event.closes);
		});
		arrayField(out, ARRAY_OF.int4, part.length, part.some((event) => event.urlId === null), () => {
			for (const event of part) int4OrNullField(out, event.urlId);
		});
		arrayField(out, ARRAY_OF.text, part.length, false, () => {
			for (let index = from; index < from + part.length; index++) textField(out, types[index]);
		});
	}
}

/** Reads the events of a d_learner_events row (its three arrays from field `first` on) into `events`. */
function readLearnerEvents(data: Buffer, starts: Int32Array, first: number, events: TimelineEvent[]): void {
	const from = events.length;
	readArray(data, starts[first]!, (at) => events.push({time: readInt8(data, at), closes: false, urlId: null}));
	let index = from;
	readArray(data, starts[first + 1]!, (at) => (events[index++]!.closes = data[at] === 1));
	index = from;
	readArray(data, starts[first + 2]!, (at) => (events[index++]!.urlId = at < 0 ? null : data.readInt32BE(at)));
}

/** Writes a learner's timeline as rows of the tables, each row starting with the learner's course and username. */
export function writeTimeline(tables: LearnerRowWriter<TimelineTable>, learner: Buffer, timeline: LearnerTimeline): void {
	const row = (table: TimelineTable, fields: number) => tables.learnerRow(table, learner, fields);
	for (const gap of timeline.gaps) {
		const out = row('d_learner_gap', 4);
		int8Field(out, gap.hour);
		int2Field(out, gap.minute);
		float8Field(out, gap.seconds);
		int8Field(out, gap.gaps);
	}
	for (const time of timeline.hourTimes) {
		const out = row('d_learner_time', 3);
		int8Field(out, time.hour);
		float8OrNullField(out, time.seconds5);
		float8OrNullField(out, time.seconds30);
	}
	for (const {suffix, times, total} of timeline.days) {
		for (const time of times) {
			const out = row(`d_learner_day_time${suffix}`, 3);
			dateField(out, time.day);
			float8OrNullField(out, time.seconds5);
			float8OrNullField(out, time.seconds30);
		}
		if (total) {
			const out = row(`d_learner_time_total${suffix}`, 4);
			float8OrNullField(out, total.seconds5);
			float8OrNullField(out, total.seconds30);
			int4Field(out, total.days5);
			int4Field(out, total.days30);
		}
	}
	for (const session of timeline.sessions) {
		const out = row('d_session', 3);
		int8Field(out, session.start);
		int8Field(out, session.end);
		int8Field(out, session.events);
	}
	const summary = timeline.sessionSummary;
	if (summary) {
		const out = row('d_learner_session', 4);
		int8Field(out, summary.sessions);
		float8Field(out, summary.seconds);
		float8Field(out, summary.medianSeconds);
		float8Field(out, summary.longestSeconds);
	}
	for (const visit of timeline.visits) {
		const out = row('d_page_visit', 4);
		int8Field(out, visit.time);
		int4Field(out, visit.urlId);
		boolField(out, visit.sessionStart);
		int4OrNullField(out, visit.previousUrlId);
	}
	for (const page of timeline.pageVisits) {
		const out = row('d_learner_page', 2);
		int4Field(out, page.urlId);
		int8Field(out, page.visits);
	}
	for (const page of timeline.pageHourVisits) {
		const out = row('d_learner_page_hour', 3);
		int8Field(out, page.hour);
		int4Field(out, page.urlId);
		int8Field(out, page.visits);
	}
	for (const transition of timeline.transitions) {
		const out = row('d_learner_transition', 3);
		int4Field(out, transition.previousUrlId);
		int4Field(out, transition.urlId);
		int8Field(out, transition.transitions);
	}
}

/** The options of learnerTimeline, from the database (where the tasks read them too). */
export async function timelineOptions(client: pg.PoolClient): Promise<TimelineOptions> {
	const {rows: [{seconds, zone}]} = await client.query<{seconds: number; zone: string}>(
		'SELECT d_session_summary_min_seconds()::float8 AS seconds, d_day_zone() AS zone',
	);
	return {sessionSummaryMinSeconds: seconds, dayTables: dayTablesOf(zone)};
}

/**
 * Recomputes the timelines of the learners in learners_to_refresh (`learners`) after an incremental load,
 * from their whole history in d_learner_events (a few rows per learner: one per build that brought them
 * events), and appends them to the per-learner tables. Each learner's rows are merged into time order and
 * walked as soon as their last row arrives; the rows made are stored by COPY once the stream has ended
 * (the same transaction and connection).
 */
export async function recomputeTimelines(client: pg.PoolClient, learners: LearnerFields, scratchDir?: string): Promise<void> {
	const options = await timelineOptions(client);
	await withSpilledTables(TIMELINE_TABLES, scratchDir, async (tables) => {
		let learner: Buffer;
		let events: TimelineEvent[] = [];
		const handlers: LearnerRowHandlers = {
			start: (learnerId) => {
				learner = learners.get(learnerId)!;
				events = [];
			},
			// Fields: learner_id, then the row's three arrays.
			row: (data, starts) => readLearnerEvents(data, starts, 1, events),
			end: () => writeTimeline(tables, learner, learnerTimeline(events.sort(compareTimelineEvents), options)),
		};
		await readLearnerRows(
			client,
			`SELECT r.learner_id, e.times, e.closes, e.url_ids
			FROM d_learner_events e JOIN learners_to_refresh r ON r.course_id = e.course_id AND r.username = e.username
			ORDER BY 1`,
			handlers,
			tables,
		);
		await tables.store(client);
	});
}
