import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {dayTablesOf} from '../../ingest/derived/day-zone.js';
import {learnerTimeline, type TimelineEvent, timelineOrder} from '../../ingest/derived/learner-timeline.js';

// 2024-01-01 00:00 UTC in microseconds since 2000-01-01 (8766 days later).
const MIDNIGHT = 8766 * 86_400_000_000;
const HOUR = 3_600_000_000;
const at = (hours: number, minutes: number) => MIDNIGHT + hours * HOUR + minutes * 60_000_000;
const event = (hours: number, minutes: number, urlId: number | null, closes = false, active = true, category = 0): TimelineEvent => ({
	time: at(hours, minutes),
	closes,
	urlId,
	active,
	category,
});
const options = {sessionSummaryMinSeconds: 5, dayTables: dayTablesOf('UTC')};

/**
 * One learner's day: a first session 0:00–0:12 over pages 1 and 2; an idle 2 h 28 min; a lone event at
 * 2:40; two identical page_close events at 2:43; an event after them at 2:50; 4 h 10 min away (not time
 * on task); a last session 7:00–7:20 on page 3.
 */
const day: TimelineEvent[] = [
	event(0, 0, 1),
	event(0, 10, 1),
	event(0, 12, 2),
	event(0, 12, null),
	event(2, 40, 2),
	event(2, 43, 2, true),
	event(2, 43, 2, true),
	event(2, 50, 2),
	event(7, 0, 3),
	event(7, 20, 3),
];

describe('learnerTimeline', () => {
	const timeline = learnerTimeline(day, options);

	it('stores gaps under 4 hours by the hour of the later event and their whole minutes', () => {
		const gaps = timeline.gaps.map((gap) => [(gap.hour - MIDNIGHT) / HOUR, gap.minute, gap.seconds, gap.gaps]);
		assert.deepEqual(
			gaps.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
			[
				[0, 0, 0, 1],
				[0, 2, 120, 1],
				[0, 10, 600, 1],
				[2, 0, 0, 1],
				[2, 3, 180, 1],
				[2, 7, 420, 1],
				[2, 148, 8880, 1],
				[7, 20, 1200, 1],
			],
		);
	});

	it('sums time on task per hour and day under 5 and 30 minutes (null when no gap is that short)', () => {
		const hours = timeline.hourTimes.map((time) => [(time.hour - MIDNIGHT) / HOUR, time.seconds5, time.seconds30]);
		assert.deepEqual(
			hours.sort((a, b) => a[0]! - b[0]!),
			[
				[0, 120, 720],
				[2, 180, 600],
				[7, null, 1200],
			],
		);
		assert.deepEqual(timeline.days[0]!.times, [{day: 8766, seconds5: 300, seconds30: 2520}]);
	});

	it('totals the days per cutoff and counts the days with time over 0 (time-on-course reads these)', () => {
		// The next day a zero gap only (0 s under both cutoffs: no day with time); the day after, a 20-minute gap.
		const days = learnerTimeline([...day, event(24, 0, 1), event(24, 0, 2), event(48, 0, 1), event(48, 20, 1)], options);
		assert.deepEqual(days.days[0]!.times, [
			{day: 8766, seconds5: 300, seconds30: 2520},
			{day: 8767, seconds5: 0, seconds30: 0},
			{day: 8768, seconds5: null, seconds30: 1200},
		]);
		assert.deepEqual(days.days[0]!.total, {seconds5: 300, seconds30: 3720, days5: 1, days30: 2});
		assert.equal(learnerTimeline([event(0, 0, 1)], options).days[0]!.total, undefined);
	});

	it('puts time in the days of the day zone, and of UTC beside it: a gap belongs to the day of the hour that ends it', () => {
		// 23:50 and 00:10 Moscow time (UTC+3): the gap ends at 21:10 UTC, on the next day in Moscow.
		const evening = [event(20, 50, 1), event(21, 10, 1)];
		const utcDay = {suffix: '_utc', times: [{day: 8766, seconds5: null, seconds30: 1200}], total: {seconds5: null, seconds30: 1200, days5: 0, days30: 1}};
		assert.deepEqual(learnerTimeline(evening, options).days, [{...utcDay, suffix: ''}]);
		const moscow = learnerTimeline(evening, {...options, dayTables: dayTablesOf('Europe/Moscow')});
		assert.deepEqual(moscow.days, [{suffix: '', times: [{day: 8767, seconds5: null, seconds30: 1200}], total: utcDay.total}, utcDay]);
	});

	it('ends sessions after 30 idle minutes and after a page_close; identical page_close events are one session', () => {
		assert.deepEqual(
			timeline.sessions.map((session) => [session.start, session.end, session.events]),
			[
				[at(0, 0), at(0, 12), 4],
				[at(2, 40), at(2, 40), 1],
				[at(2, 43), at(2, 43), 2],
				[at(2, 50), at(2, 50), 1],
				[at(7, 0), at(7, 20), 2],
			],
		);
		// Only the sessions over 5 seconds: 12 and 20 minutes.
		assert.deepEqual(timeline.sessionSummary, {sessions: 2, seconds: 1920, medianSeconds: 960, longestSeconds: 1200});
	});

	it('counts arrivals on pages, with the previous page within a session', () => {
		assert.deepEqual(
			timeline.visits.map((visit) => [visit.time, visit.urlId, visit.sessionStart, visit.previousUrlId]),
			[
				[at(0, 0), 1, true, null],
				[at(0, 12), 2, false, 1],
				[at(2, 40), 2, true, null],
				[at(2, 43), 2, true, null],
				[at(2, 50), 2, true, null],
				[at(7, 0), 3, true, null],
			],
		);
		assert.deepEqual(timeline.pageVisits, [
			{urlId: 1, visits: 1},
			{urlId: 2, visits: 4},
			{urlId: 3, visits: 1},
		]);
		assert.deepEqual(
			timeline.pageHourVisits.map((visits) => [(visits.hour - MIDNIGHT) / HOUR, visits.urlId, visits.visits, visits.previousHour === null ? null : (visits.previousHour - MIDNIGHT) / HOUR]),
			[
				[0, 1, 1, null],
				[0, 2, 1, null],
				// Page 2's previous hour with a visit.
				[2, 2, 3, 0],
				[7, 3, 1, null],
			],
		);
		assert.deepEqual(timeline.transitions, [{previousUrlId: 1, urlId: 2, transitions: 1}]);
	});

	it('lists the hours with learning activity, each with the active hour before it', () => {
		// An enrollment at 23:50 the day before (not activity), activity at 0:05 and 0:40, an enrollment change alone in
		// 1:00, activity at 3:10 and the next day at 2:00.
		const hours = learnerTimeline(
			[event(-1, 50, null, false, false), event(0, 5, 1), event(0, 40, 1), event(1, 0, null, false, false), event(3, 10, 2), event(26, 0, 2)],
			options,
		).activeHours.map(({hour, previousHour}) => [(hour - MIDNIGHT) / HOUR, previousHour === null ? null : (previousHour - MIDNIGHT) / HOUR]);
		assert.deepEqual(hours, [
			[0, null],
			[3, 0],
			[26, 3],
		]);
	});

	it('ends a page visit at a page_close without a page too, as it ends the session', () => {
		// Page 1, its page_close logged without a page, page 2 a minute later, an event without a page, page 2 again.
		const closed = learnerTimeline([event(0, 0, 1), event(0, 5, null, true), event(0, 6, 2), event(0, 8, null), event(0, 9, 2)], options);
		assert.deepEqual(
			closed.sessions.map((session) => [session.start, session.end, session.events]),
			[
				[at(0, 0), at(0, 5), 2],
				[at(0, 6), at(0, 9), 3],
			],
		);
		assert.deepEqual(
			closed.visits.map((visit) => [visit.time, visit.urlId, visit.sessionStart, visit.previousUrlId]),
			[
				[at(0, 0), 1, true, null],
				// A new session, but a move from page 1 a minute after its page_close.
				[at(0, 6), 2, true, 1],
			],
		);
		assert.deepEqual(closed.transitions, [{previousUrlId: 1, urlId: 2, transitions: 1}]);
	});

	it('counts a move to the next page across the page_close the browser logs on leaving, within 30 minutes', () => {
		const second = 1_000_000;
		// Page 1, seq_next on it, its page_close 3 s later, page 2 7 s after that (as the corpus' logs have it).
		const moved = learnerTimeline(
			[
				event(0, 0, 1),
				{...event(0, 1, 1), time: at(0, 1)},
				{...event(0, 1, 1, true), time: at(0, 1) + 3 * second},
				{...event(0, 1, 2), time: at(0, 1) + 10 * second},
			],
			options,
		);
		// Sessions still end at the page_close.
		assert.deepEqual(
			moved.visits.map((visit) => [visit.time, visit.urlId, visit.sessionStart, visit.previousUrlId]),
			[
				[at(0, 0), 1, true, null],
				[at(0, 1) + 10 * second, 2, true, 1],
			],
		);
		assert.equal(moved.sessions.length, 2);
		assert.deepEqual(moved.transitions, [{previousUrlId: 1, urlId: 2, transitions: 1}]);
		// Page 2 40 minutes after page 1's page_close: a new visit from nowhere. Back on page 1 a minute after its
		// page_close (a reload): a new visit, but no move.
		for (const [next, urlId] of [[event(0, 41, 2), 2], [event(0, 2, 1), 1]] as const) {
			const timeline = learnerTimeline([event(0, 0, 1), event(0, 1, 1, true), next], options);
			assert.deepEqual(
				timeline.visits.map((visit) => [visit.time, visit.urlId, visit.previousUrlId]),
				[
					[at(0, 0), 1, null],
					[next.time, urlId, null],
				],
			);
			assert.deepEqual(timeline.transitions, []);
		}
	});

	it("sums each category's gaps to the previous event of that category, per hour and in total (edx2bigquery's category times)", () => {
		const [video, problem, forum, text] = [1, 2, 3, 4];
		const categorized = learnerTimeline(
			[
				event(0, 0, 1, false, true, video),
				event(0, 2, 1, false, true, problem),
				// 3 minutes after the last video event: video time, though a problem event came between.
				event(0, 3, 1, false, true, video),
				event(0, 4, 1),
				// 8 minutes: under the 30-minute cutoff only.
				event(0, 10, 1, false, true, problem),
				event(0, 11, 1, false, true, forum),
				// 39 minutes: under neither.
				event(0, 50, 1, false, true, forum),
				event(0, 58, 1, false, true, text),
				event(1, 1, 1, false, true, text),
				// 77 minutes after the video event at 0:03: nothing; then 2 minutes.
				event(1, 20, 1, false, true, video),
				event(1, 22, 1, false, true, video),
			],
			options,
		);
		// Seconds per category (video, problem, forum, text) under 5 minutes, then under 30.
		assert.deepEqual(
			categorized.categoryHours.map(({hour, seconds}) => [(hour - MIDNIGHT) / HOUR, seconds.seconds5, seconds.seconds30]),
			[
				[0, [180, 0, 0, 0], [180, 480, 0, 0]],
				[1, [120, 0, 0, 180], [120, 0, 0, 180]],
			],
		);
		assert.deepEqual(categorized.categoryTotal, {seconds5: [300, 0, 0, 180], seconds30: [300, 480, 0, 180]});
		// Every gap, any category (the time on task, which time-by-activity's total is): 2+1+1+1+3+2 minutes under 5;
		// 6, 8 and 19 more under 30.
		assert.deepEqual(categorized.days[0]!.total, {seconds5: 600, seconds30: 2580, days5: 1, days30: 1});
		assert.deepEqual(timeline.categoryHours, [], 'the day has no categorized events');
		assert.deepEqual(timeline.categoryTotal, {seconds5: [0, 0, 0, 0], seconds30: [0, 0, 0, 0]});
		assert.deepEqual(timeline.days[0]!.total, {seconds5: 300, seconds30: 2520, days5: 1, days30: 1});
	});

	it('has no session summary when no session is longer than the minimum', () => {
		const short = learnerTimeline([event(0, 0, 1), event(0, 0, 1)], options);
		assert.equal(short.sessionSummary, undefined);
		assert.deepEqual(short.sessions, [{start: at(0, 0), end: at(0, 0), events: 2}]);
	});
});

describe('timelineOrder', () => {
	it("puts a history stored in pieces back in the scan's order: time, then page_close last, then the URL's place with no page last", () => {
		// URL ids 0 to 9 in their own order.
		const byId = timelineOrder(Int32Array.from({length: 10}, (_, id) => id));
		// The day's events split over two builds' rows, the second one's first.
		const pieces = [...day.slice(5), ...day.slice(0, 5)].reverse();
		assert.deepEqual([...pieces].sort(byId), day);
		const sameTime = [event(1, 0, null, true), event(1, 0, null), event(1, 0, 9), event(1, 0, 4, true), event(1, 0, 4)];
		assert.deepEqual([...sameTime].sort(byId), [event(1, 0, 4), event(1, 0, 9), event(1, 0, null), event(1, 0, 4, true), event(1, 0, null, true)]);
		// URL 9 before URL 4 in byte order (another load numbered it later): its event comes first.
		const nineFirst = timelineOrder(Int32Array.from({length: 10}, (_, id) => (id === 9 ? -1 : id)));
		assert.deepEqual([...sameTime].sort(nineFirst), [event(1, 0, 9), event(1, 0, 4), event(1, 0, null), event(1, 0, 4, true), event(1, 0, null, true)]);
	});
});
