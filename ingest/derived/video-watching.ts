/**
 * What one learner's player events on one video say: the intervals they watched and the sums the video
 * tasks read. Times are microseconds since 2000-01-01 UTC (see learner-timeline.ts); positions seconds.
 */

export type VideoAction = 'play' | 'pause' | 'seek' | 'stop' | 'load' | 'speed';
export type PlayerEvent = {
	time: number;
	action: VideoAction;
	position: number | null;
	oldPosition: number | null;
	newPosition: number | null;
	duration: number | null;
};
/** A watching interval: from a play's position (after a seek while playing, the seek's target) to where the next pause, stop or seek found the player. */
export type WatchInterval = {start: number; startPosition: number; endPosition: number};
export type VideoWatching = {
	intervals: WatchInterval[];
	plays: number;
	reportedDuration: number | null;
	/** The furthest position any event reports. */
	furthest: number | null;
	/** Sum and furthest end of the intervals (null without any). */
	watchedSeconds: number | null;
	reached: number | null;
};

/** An ascending number before a larger one, null last (PostgreSQL's ORDER BY of a double precision). */
const compareNumbers = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b);

/**
 * The actions at one time in walking order (logs with whole seconds have many such ties): the pauses, seeks and stops
 * that end watching before a play that starts it, loads first and speed changes last (neither starts nor ends anything).
 * A seek made while playing is logged a moment before the play that follows it (the corpus' user_activity_tracking.log:
 * 0.1 s apart); in byte order the play came first, so the seek ended it at once and the next play, minutes later,
 * started at the seek's target: that log with its times cut to whole seconds watched nothing instead of 1.1 minutes.
 */
export const PLAYER_ACTION_ORDER: readonly VideoAction[] = ['load', 'pause', 'seek', 'stop', 'play', 'speed'];

/**
 * The order a learner's events on a video are walked in, as recomputeVideos's ORDER BY gives it: time, action (in
 * PLAYER_ACTION_ORDER), then position, old position, new position and duration, null last. Events at one time were in
 * the order they were stored, which the split of the log into files and loads decided: two plays in one second (from
 * 10 and from 20, paused at 50) watched 40 s or 30 s.
 */
export function comparePlayerEvents(a: PlayerEvent, b: PlayerEvent): number {
	if (a.time !== b.time) return a.time - b.time;
	if (a.action !== b.action) return PLAYER_ACTION_ORDER.indexOf(a.action) - PLAYER_ACTION_ORDER.indexOf(b.action);
	return (
		compareNumbers(a.position, b.position) ||
		compareNumbers(a.oldPosition, b.oldPosition) ||
		compareNumbers(a.newPosition, b.newPosition) ||
		compareNumbers(a.duration, b.duration)
	);
}

/** A play is closed by the next event of the same video within 30 minutes, if that is a pause, stop or seek. */
const INTERVAL_CLOSE = 30 * 60 * 1_000_000;
const CLOSES_INTERVAL = new Set<VideoAction>(['pause', 'stop', 'seek']);
const MOVES_PLAYER = new Set<VideoAction>(['play', 'pause', 'seek', 'stop']);
const closes = (play: PlayerEvent, next: PlayerEvent) =>
	play.action === 'play' && CLOSES_INTERVAL.has(next.action) && next.time - play.time <= INTERVAL_CLOSE;

const larger = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** One learner's events on one video, in comparePlayerEvents's order. */
export function videoWatching(events: PlayerEvent[]): VideoWatching {
	let plays = 0;
	let reportedDuration: number | null = null;
	let furthest: number | null = null;
	for (const event of events) {
		if (event.action === 'play') plays++;
		reportedDuration = larger(reportedDuration, event.duration);
		furthest = larger(furthest, larger(event.position, larger(event.oldPosition, event.newPosition)));
	}
	// Loads and speed changes neither open nor close an interval: only the player's moves follow each other.
	const moves = events.filter((event) => MOVES_PLAYER.has(event.action));
	const intervals: WatchInterval[] = [];
	for (let index = 0; index + 1 < moves.length; index++) {
		const play = moves[index]!;
		const next = moves[index + 1]!;
		if (play.position === null || !closes(play, next)) continue;
		// The play that follows a seek made while playing often reports where the player was before the seek: it
		// starts where the seek went, as in edX Insights (analytics-pipeline's video.py).
		// Only right after it: a play 30 minutes or more later (the learner came back, often after reloading the page,
		// which starts the player at 0) reports where the player is.
		const seek = moves[index - 1];
		const rightAfterSeek = seek?.action === 'seek' && play.time - seek.time <= INTERVAL_CLOSE;
		const seekTarget = rightAfterSeek && index >= 2 && closes(moves[index - 2]!, seek) ? seek.newPosition : null;
		const startPosition = seekTarget ?? play.position;
		// A seek reports where the player was when it left (old position); a pause or stop where it is.
		const endPosition = next.action === 'seek' ? next.oldPosition : next.position;
		if (endPosition !== null && endPosition >= startPosition) intervals.push({start: play.time, startPosition, endPosition});
	}
	let watchedSeconds: number | null = null;
	let reached: number | null = null;
	for (const interval of intervals) {
		watchedSeconds = (watchedSeconds ?? 0) + (interval.endPosition - interval.startPosition);
		reached = larger(reached, interval.endPosition);
	}
	return {intervals, plays, reportedDuration, furthest, watchedSeconds, reached};
}
