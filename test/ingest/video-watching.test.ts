import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {type PlayerEvent, type VideoAction, videoWatching} from '../../ingest/derived/video-watching.js';

const MINUTE = 60_000_000;
const event = (minute: number, action: VideoAction, position: number | null, more: Partial<PlayerEvent> = {}): PlayerEvent => ({
	time: minute * MINUTE,
	action,
	position,
	oldPosition: null,
	newPosition: null,
	duration: null,
	...more,
});

describe('videoWatching', () => {
	it('opens an interval at a play and closes it at the next pause, stop or seek within 30 minutes', () => {
		const watching = videoWatching([
			event(0, 'load', null, {duration: 600}),
			event(1, 'play', 10),
			event(3, 'pause', 130),
			event(4, 'play', 130),
			// A speed change does not close the interval.
			event(5, 'speed', null),
			// A seek closes it where the player was (old position).
			event(6, 'seek', null, {oldPosition: 250, newPosition: 400}),
			event(7, 'play', 400),
			// 43 minutes later: not an interval.
			event(50, 'stop', 500),
			// A play without a position opens nothing.
			event(51, 'play', null),
			event(52, 'pause', 5),
		]);
		assert.deepEqual(watching.intervals, [
			{start: 1 * MINUTE, startPosition: 10, endPosition: 130},
			{start: 4 * MINUTE, startPosition: 130, endPosition: 250},
		]);
		assert.deepEqual(
			{...watching, intervals: undefined},
			{intervals: undefined, plays: 4, reportedDuration: 600, furthest: 500, watchedSeconds: 240, reached: 250},
		);
	});

	it('starts the play after a seek made while playing where the seek went, not where the play says', () => {
		// The seek 14.2 → 17 while playing, then a play reporting 14 (edX Insights' video_timeline.log fixture).
		const watching = videoWatching([
			event(0, 'play', 0),
			event(1, 'seek', null, {oldPosition: 14.2, newPosition: 7.3}),
			event(2, 'play', 7.3),
			event(3, 'seek', null, {oldPosition: 14.2, newPosition: 17}),
			event(4, 'play', 14),
			event(5, 'pause', 21.4),
			// After a pause the player is where the play says, whatever a seek said before.
			event(6, 'seek', null, {oldPosition: 21.4, newPosition: 30}),
			event(7, 'play', 21.4),
			event(8, 'pause', 24.9),
		]);
		assert.deepEqual(
			watching.intervals.map(({startPosition, endPosition}) => [startPosition, endPosition]),
			[[0, 14.2], [7.3, 14.2], [17, 21.4], [21.4, 24.9]],
		);
	});

	it('has no watched time without an interval, and keeps an interval that ends before it starts out', () => {
		const watching = videoWatching([event(0, 'play', 100), event(1, 'seek', null, {oldPosition: 90, newPosition: 20})]);
		assert.deepEqual(watching.intervals, []);
		assert.equal(watching.watchedSeconds, null);
		assert.equal(watching.reached, null);
		assert.equal(watching.furthest, 100);
	});
});
