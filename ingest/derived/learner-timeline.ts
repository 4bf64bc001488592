/**
 * What one learner's ordered events say (time on task, sessions, page visits), computed in one walk
 * over them: the part of the derived build that depends on the order of events. PostgreSQL did this
 * with window functions over every event; here the database only sorts and stores.
 *
 * Times are microseconds since 2000-01-01 00:00 UTC (PostgreSQL's own timestamptz origin), so hours
 * and days are whole multiples of it and gaps are exact integers.
 */

import type {DayTables} from './day-zone.js';
import {entry, newMap, tally} from './tally.js';

/**
 * An event of a learner: its time, whether it is a page_close, its page (URL id; null without a page), whether it is
 * learning activity (every event but the enrollment changes and requests, as d_learner_hour's activity counts), its
 * activity category (an index in ACTIVITY_CATEGORIES plus one; 0: none).
 */
export type TimelineEvent = {time: number; closes: boolean; urlId: number | null; active: boolean; category: number};

/** edx2bigquery's activity categories, as numbered by fresh_type's category (refresh.ts) from 1. */
export const ACTIVITY_CATEGORIES = ['video', 'problem', 'forum', 'text'] as const;

const MICROS_PER_SECOND = 1_000_000;
const MINUTE = 60 * MICROS_PER_SECOND;
const HOUR = 60 * MINUTE;
/** A gap of more than 30 minutes ends a session and makes a new page visit. */
export const SESSION_BREAK = 30 * MINUTE;
/** Gaps of 4 hours or more never count as time on task (no idle cutoff is that long): not stored. */
const LONGEST_GAP = 4 * HOUR;
/** The idle cutoffs kept per hour and per day (edx2bigquery's 5 and 30 minutes). */
const SHORT_CUTOFF_MINUTES = 5;
const LONG_CUTOFF_MINUTES = 30;

export type GapRow = {hour: number; minute: number; seconds: number; gaps: number};
/** Time on task for the two usual cutoffs (null: no gap under that cutoff). */
export type TimeRow = {seconds5: number | null; seconds30: number | null};
export type SessionRow = {start: number; end: number; events: number};
export type SessionSummary = {sessions: number; seconds: number; medianSeconds: number; longestSeconds: number};
export type TimeTotal = TimeRow & {days5: number; days30: number};
/**
 * Per ACTIVITY_CATEGORIES, seconds of the gaps of its events to the learner's previous event of that category,
 * shorter than 5 and than 30 minutes.
 */
export type CategorySeconds = {seconds5: number[]; seconds30: number[]};

/** A learner's time on task per day of one set of day tables (day: days since 2000-01-01 in its zone). */
export type DayTimes = {
	suffix: DayTables['suffix'];
	times: Array<TimeRow & {day: number}>;
	/** times summed (in day order) and their days with time > 0 counted, per cutoff; undefined without days. */
	total: TimeTotal | undefined;
};
/**
 * closes: made by a page_close's page, which the walk takes after the other events at its time (learner-path orders by it).
 * previousUrlId: the learner's previous page, when another and at most 30 minutes before, a page_close between or not.
 */
export type VisitRow = {time: number; urlId: number; sessionStart: boolean; previousUrlId: number | null; closes: boolean};

export type LearnerTimeline = {
	/** Gaps between consecutive events (shorter than 4 hours) per UTC hour of the later event and whole minute of length. */
	gaps: GapRow[];
	hourTimes: Array<TimeRow & {hour: number}>;
	/** Per set of day tables (see day-zone.ts), in the order of the options' dayTables. */
	days: DayTimes[];
	/** The category times per UTC hour of the later event (the hours with such a gap under 30 minutes). */
	categoryHours: Array<{hour: number; seconds: CategorySeconds}>;
	/** Summed over the hours; undefined without events. */
	categoryTotal: CategorySeconds | undefined;
	/** A gap of more than 30 minutes or a page_close ends a session. */
	sessions: SessionRow[];
	/** Over the sessions longer than the summary's minimum; undefined when there is none. */
	sessionSummary: SessionSummary | undefined;
	/** Arrivals on a page: another page than the previous page event, 30 minutes after it, or after a page_close (with a page or not). */
	visits: VisitRow[];
	pageVisits: Array<{urlId: number; visits: number}>;
	/**
	 * Visits per UTC hour and page, in hour order, each with the learner's previous hour with a visit of that page (null
	 * for the first): a row is the first of its page on a day of any zone when that hour fell on another day.
	 */
	pageHourVisits: Array<{hour: number; urlId: number; visits: number; previousHour: number | null}>;
	/** Moves between pages: the visits' previous pages (across sessions' page_close ends, not their 30-minute gaps). */
	transitions: Array<{previousUrlId: number; urlId: number; transitions: number}>;
	/**
	 * The UTC hours with learning activity, in order, each with the one before (null for the first): an hour is the
	 * first active one of its day in any zone when the hour before fell on another day, so active days are a sum.
	 */
	activeHours: Array<{hour: number; previousHour: number | null}>;
	/**
	 * The distinct days of activeHours in a zone k whole hours ahead of UTC, at index k = 0…23 (k mod 24 for a zone
	 * behind it; a zone's offset floored to whole hours puts whole UTC hours on the same days): a task in a zone that
	 * kept one offset over the learner's active hours reads their active days here instead of from every active hour.
	 */
	activeDaysByOffset: number[];
};

export const hourOf = (time: number) => Math.floor(time / HOUR) * HOUR;

const HOURS_PER_DAY = 24;

/** activeDaysByOffset of the active hours (in order): an hour counts where the hour before fell on another day. */
function activeDaysByOffset(activeHours: LearnerTimeline['activeHours']): number[] {
	const days = new Array<number>(HOURS_PER_DAY).fill(0);
	// Hours counted in every zone: the first, and those a day or more after the one before.
	let everywhere = 0;
	for (const {hour, previousHour} of activeHours) {
		if (previousHour === null || hour - previousHour >= HOURS_PER_DAY * HOUR) {
			everywhere++;
			continue;
		}
		// Hours since 2000-01-01 (a UTC midnight): the zone k hours ahead starts a day at each hour u with (u + k) % 24 = 0,
		// and the hour counts there when one of those falls after the hour before, up to this one.
		for (let start = previousHour / HOUR + 1; start <= hour / HOUR; start++) days[(HOURS_PER_DAY - (start % HOURS_PER_DAY)) % HOURS_PER_DAY]!++;
	}
	return days.map((count) => count + everywhere);
}

/**
 * Each URL id's place in the byte order of the URLs (see urlOrder in timelines.ts). URL ids are numbered as loads
 * first meet the URLs, so ordering page events at one time by id made the visits depend on how the log was split
 * into loads; the URLs' own order does not.
 */
export type UrlOrder = Int32Array;

/**
 * The order the walk needs, as the counting pass's scan gives it (ORDER BY time, closes, the URL's place): time,
 * then page_close last, then the page's URL in byte order, no page last.
 */
export function timelineOrder(urlOrder: UrlOrder): (a: TimelineEvent, b: TimelineEvent) => number {
	return (a, b) => {
		if (a.time !== b.time) return a.time - b.time;
		if (a.closes !== b.closes) return a.closes ? 1 : -1;
		if (a.urlId === b.urlId) return 0;
		if (a.urlId === null) return 1;
		if (b.urlId === null) return -1;
		return urlOrder[a.urlId]! - urlOrder[b.urlId]!;
	};
}

const samePlace = (a: TimelineEvent, b: TimelineEvent) => a.time === b.time && a.closes === b.closes && a.urlId === b.urlId;

/** Gap micros summed per hour and whole minute, with the number of gaps: seconds are divided once, from the exact sum. */
type GapSum = {micros: number; gaps: number};
const newGapSum = (): GapSum => ({micros: 0, gaps: 0});
const newMicros = () => ({micros: 0});

/** Time on task under the two cutoffs, from gap micros per whole minute. */
function timeRow(minutes: Map<number, {micros: number}>): TimeRow {
	let short: number | null = null;
	let long: number | null = null;
	for (const [minute, sum] of minutes) {
		if (minute < SHORT_CUTOFF_MINUTES) short = (short ?? 0) + sum.micros;
		if (minute < LONG_CUTOFF_MINUTES) long = (long ?? 0) + sum.micros;
	}
	return {seconds5: short === null ? null : short / MICROS_PER_SECOND, seconds30: long === null ? null : long / MICROS_PER_SECOND};
}

/** The day rows summed as the time tasks sum them (NULL when no day has a value; a day counts when its time is over 0). */
function timeTotal(days: TimeRow[]): TimeTotal | undefined {
	if (days.length === 0) return undefined;
	const total: TimeTotal = {seconds5: null, seconds30: null, days5: 0, days30: 0};
	for (const {seconds5, seconds30} of days) {
		if (seconds5 !== null) total.seconds5 = (total.seconds5 ?? 0) + seconds5;
		if (seconds30 !== null) total.seconds30 = (total.seconds30 ?? 0) + seconds30;
		if (seconds5 !== null && seconds5 > 0) total.days5++;
		if (seconds30 !== null && seconds30 > 0) total.days30++;
	}
	return total;
}

/** The interpolated median (PostgreSQL's percentile_cont(0.5)) of sorted values. */
function median(sorted: number[]): number {
	const position = 0.5 * (sorted.length - 1);
	const low = sorted[Math.floor(position)]!;
	const high = sorted[Math.ceil(position)]!;
	return low + (high - low) * (position - Math.floor(position));
}

function sessionSummary(sessions: SessionRow[], minSeconds: number): SessionSummary | undefined {
	let totalMicros = 0;
	const lengths: number[] = [];
	for (const session of sessions) {
		const micros = session.end - session.start;
		if (micros / MICROS_PER_SECOND <= minSeconds) continue;
		totalMicros += micros;
		lengths.push(micros / MICROS_PER_SECOND);
	}
	if (lengths.length === 0) return undefined;
	lengths.sort((a, b) => a - b);
	return {sessions: lengths.length, seconds: totalMicros / MICROS_PER_SECOND, medianSeconds: median(lengths), longestSeconds: lengths.at(-1)!};
}

/**
 * Sessions and gaps. Events at the same time, page and page_close flag count as one step: a session
 * number is the running count of session starts up to the last of them (PostgreSQL's default window
 * frame, which the previous SQL build used), so a run of identical page_close events is one session.
 */
function walkSessions(events: TimelineEvent[]): {sessions: SessionRow[]; gapsByHour: Map<number, Map<number, GapSum>>} {
	const sessions: SessionRow[] = [];
	const gapsByHour = new Map<number, Map<number, GapSum>>();
	let sessionNumber = 0;
	let current: (SessionRow & {number: number}) | undefined;
	// Events come in time order: most gaps end in the hour of the one before, whose minutes are kept at hand.
	let hour = Number.NaN;
	let minutes: Map<number, GapSum> | undefined;
	for (let start = 0; start < events.length; ) {
		let end = start + 1;
		while (end < events.length && samePlace(events[start]!, events[end]!)) end++;
		for (let index = start; index < end; index++) {
			const event = events[index]!;
			const previous = events[index - 1];
			if (!previous) {
				sessionNumber++;
				continue;
			}
			const gap = event.time - previous.time;
			if (gap > SESSION_BREAK || previous.closes) sessionNumber++;
			if (gap < LONGEST_GAP) {
				const eventHour = hourOf(event.time);
				if (eventHour !== hour) {
					hour = eventHour;
					minutes = entry(gapsByHour, hour, newMap<number, GapSum>);
				}
				const sum = entry(minutes!, Math.floor(gap / MINUTE), newGapSum);
				sum.micros += gap;
				sum.gaps++;
			}
		}
		const time = events[start]!.time;
		if (current?.number !== sessionNumber) {
			if (current) sessions.push({start: current.start, end: current.end, events: current.events});
			current = {number: sessionNumber, start: time, end: time, events: 0};
		}
		current.end = time;
		current.events += end - start;
		start = end;
	}
	if (current) sessions.push({start: current.start, end: current.end, events: current.events});
	return {sessions, gapsByHour};
}

function walkVisits(events: TimelineEvent[]): VisitRow[] {
	const visits: VisitRow[] = [];
	let previous: TimelineEvent | undefined;
	// A page_close since the previous page event, its own or one without a page (as walkSessions splits there too).
	let closed = false;
	for (const event of events) {
		if (event.urlId === null) {
			closed ||= event.closes;
			continue;
		}
		const near = previous !== undefined && event.time - previous.time <= SESSION_BREAK;
		const sessionStart = !near || closed;
		if (sessionStart || event.urlId !== previous!.urlId) {
			// A transition crosses a page_close: the browser logs one on leaving a page for the next, which ends the
			// session but is how learners move between pages. Coming back to the same page is no move.
			const moved = near && event.urlId !== previous!.urlId;
			visits.push({time: event.time, urlId: event.urlId, sessionStart, previousUrlId: moved ? previous!.urlId : null, closes: event.closes});
		}
		previous = event;
		closed = event.closes;
	}
	return visits;
}

const newCategorySeconds = (): CategorySeconds => ({seconds5: ACTIVITY_CATEGORIES.map(() => 0), seconds30: ACTIVITY_CATEGORIES.map(() => 0)});

/**
 * Category times (edx2bigquery's): each event of a category adds its gap to the learner's previous event of that
 * category, whatever came between (a video gap spanning a problem counts as video), under each cutoff; in whole
 * micros per UTC hour of the later event. Events at one time make gaps of 0, so their order does not matter.
 */
function walkCategories(events: TimelineEvent[]): Map<number, CategorySeconds> {
	const micros = new Map<number, CategorySeconds>();
	const previous: number[] = ACTIVITY_CATEGORIES.map(() => Number.NaN);
	for (const event of events) {
		if (event.category === 0) continue;
		const index = event.category - 1;
		const gap = event.time - previous[index]!;
		previous[index] = event.time;
		if (!(gap < LONG_CUTOFF_MINUTES * MINUTE)) continue;
		const hour = entry(micros, hourOf(event.time), newCategorySeconds);
		hour.seconds30[index]! += gap;
		if (gap < SHORT_CUTOFF_MINUTES * MINUTE) hour.seconds5[index]! += gap;
	}
	return micros;
}

const inSeconds = (micros: number[]) => micros.map((value) => value / MICROS_PER_SECOND);

/** The category times per hour and summed, in seconds (divided once, from the exact micros). */
function categoryTimes(events: TimelineEvent[]): Pick<LearnerTimeline, 'categoryHours' | 'categoryTotal'> {
	const categoryHours: LearnerTimeline['categoryHours'] = [];
	const sum = newCategorySeconds();
	for (const [hour, micros] of walkCategories(events)) {
		ACTIVITY_CATEGORIES.forEach((_, index) => {
			sum.seconds5[index]! += micros.seconds5[index]!;
			sum.seconds30[index]! += micros.seconds30[index]!;
		});
		categoryHours.push({hour, seconds: {seconds5: inSeconds(micros.seconds5), seconds30: inSeconds(micros.seconds30)}});
	}
	if (events.length === 0) return {categoryHours, categoryTotal: undefined};
	return {categoryHours, categoryTotal: {seconds5: inSeconds(sum.seconds5), seconds30: inSeconds(sum.seconds30)}};
}

export type TimelineOptions = {sessionSummaryMinSeconds: number; dayTables: DayTables[]};

/** One learner's timeline from their events, in timelineOrder. */
export function learnerTimeline(events: TimelineEvent[], options: TimelineOptions): LearnerTimeline {
	const {sessions, gapsByHour} = walkSessions(events);
	const gaps: GapRow[] = [];
	for (const [hour, minutes] of gapsByHour) {
		for (const [minute, sum] of minutes) gaps.push({hour, minute, seconds: sum.micros / MICROS_PER_SECOND, gaps: sum.gaps});
	}
	const days = options.dayTables.map(({suffix, dayOf}) => {
		const gapsByDay = new Map<number, Map<number, {micros: number}>>();
		for (const [hour, minutes] of gapsByHour) {
			const day = entry(gapsByDay, dayOf(hour), newMap<number, {micros: number}>);
			for (const [minute, sum] of minutes) entry(day, minute, newMicros).micros += sum.micros;
		}
		const times: DayTimes['times'] = [];
		for (const [day, minutes] of gapsByDay) {
			const {seconds5, seconds30} = timeRow(minutes);
			times.push({day, seconds5, seconds30});
		}
		return {suffix, times, total: timeTotal(times)};
	});
	const hourTimes: LearnerTimeline['hourTimes'] = [];
	for (const [hour, minutes] of gapsByHour) {
		const {seconds5, seconds30} = timeRow(minutes);
		hourTimes.push({hour, seconds5, seconds30});
	}
	const visits = walkVisits(events);
	const byPage = new Map<number, number>();
	const byHourPage = new Map<number, Map<number, number>>();
	const byTransition = new Map<number, Map<number, number>>();
	for (const visit of visits) {
		tally(byPage, visit.urlId);
		tally(entry(byHourPage, hourOf(visit.time), newMap<number, number>), visit.urlId);
		if (visit.previousUrlId !== null) tally(entry(byTransition, visit.previousUrlId, newMap<number, number>), visit.urlId);
	}
	// Plain loops: spreading the maps into arrays made a few arrays per row.
	const pageVisits: LearnerTimeline['pageVisits'] = [];
	for (const [urlId, count] of byPage) pageVisits.push({urlId, visits: count});
	const pageHourVisits: LearnerTimeline['pageHourVisits'] = [];
	// The visits come in time order, so the hours do too.
	const lastHour = new Map<number, number>();
	for (const [hour, pages] of byHourPage) {
		for (const [urlId, count] of pages) {
			pageHourVisits.push({hour, urlId, visits: count, previousHour: lastHour.get(urlId) ?? null});
			lastHour.set(urlId, hour);
		}
	}
	const transitions: LearnerTimeline['transitions'] = [];
	for (const [previousUrlId, pages] of byTransition) for (const [urlId, count] of pages) transitions.push({previousUrlId, urlId, transitions: count});
	const activeHours: LearnerTimeline['activeHours'] = [];
	let activeHour: number | null = null;
	for (const event of events) {
		if (!event.active || hourOf(event.time) === activeHour) continue;
		activeHours.push({hour: hourOf(event.time), previousHour: activeHour});
		activeHour = hourOf(event.time);
	}
	return {
		gaps,
		hourTimes,
		days,
		...categoryTimes(events),
		sessions,
		sessionSummary: sessionSummary(sessions, options.sessionSummaryMinSeconds),
		visits,
		pageVisits,
		pageHourVisits,
		transitions,
		activeHours,
		activeDaysByOffset: activeDaysByOffset(activeHours),
	};
}
