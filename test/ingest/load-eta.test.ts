import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {FileProgress} from '../../ingest/progress.js';
import {ProgressTracker} from '../../ingest/progress-tracker.js';

const MB = 1e6;

/**
 * A load of one plain file on a fake clock, sampled every 250 ms as the engine does: `committedAt(ms)` says how many
 * bytes are committed at that moment. Returns each snapshot's ETA beside the seconds truly left.
 */
function simulate(bytesTotal: number, committedAt: (ms: number) => number): Array<{ms: number; eta?: number; left: number}> {
	let now = 0;
	const tracker = new ProgressTracker(0, () => now);
	const file: FileProgress = {label: 'big.log', kind: 'plain', bytesTotal, bytesDone: 0, lines: 0, blankLines: 0, loaded: 0, readAgain: 0, duplicates: 0, rejected: 0, status: 'pending'};
	tracker.addFile(file);
	tracker.phase = 'loading';
	tracker.startFile(file);
	let end = 0;
	while (committedAt(end) < bytesTotal) end += 250;
	const seen = [];
	for (now = 0; now < end; now += 250) {
		file.bytesDone = committedAt(now);
		seen.push({ms: now, eta: tracker.snapshot().etaSeconds, left: (end - now) / 1000});
	}
	return seen;
}

describe('the load’s ETA', () => {
	// 2 s before the first chunk is committed (the threads start, the first chunks are parsed and stored), then 10 MB/s.
	const leadIn = (ms: number) => Math.max(0, Math.min(1000 * MB, (ms - 2000) * 10_000));

	it('is not shown before 5 s of committed bytes give it a basis', () => {
		const early = simulate(1000 * MB, leadIn).filter(({ms}) => ms < 7000);
		assert.deepEqual(
			early.filter(({eta}) => eta !== undefined).map(({ms}) => ms),
			[],
		);
	});

	it('leaves the time before the first commit out of the rate: its first figure is the time left', () => {
		const first = simulate(1000 * MB, leadIn).find(({eta}) => eta !== undefined)!;
		// Counted in, it said 9 times the time left (15:00 for 1:40) at the first chunk.
		assert.ok(Math.abs(first.eta! / first.left - 1) < 0.02, `ETA ${first.eta} s with ${first.left} s left at ${first.ms} ms`);
	});

	it('stays between 0.6 and 1.4 times the time left while the rate swings from 16 to 4 MB/s and back, ten seconds each (a busy machine)', () => {
		// 16 MB/s and 4 MB/s in turn, 10 s each: 10 MB/s on average.
		const bursty = (ms: number) => {
			const seconds = Math.max(0, ms - 2000) / 1000;
			const periods = Math.floor(seconds / 20);
			const into = seconds - 20 * periods;
			return Math.min(1000 * MB, periods * 200 * MB + Math.min(into, 10) * 16 * MB + Math.max(0, into - 10) * 4 * MB);
		};
		const ratios = simulate(1000 * MB, bursty)
			// From when the window holds a fast and a slow spell, to when the spells left are too few to average out.
			.filter(({ms, eta, left}) => eta !== undefined && ms >= 17_000 && left > 20)
			.map(({eta, left}) => eta! / left);
		// Over the meters' 5 s it said from 0.5 to 2.5 times the time left.
		assert.ok(Math.min(...ratios) > 0.6 && Math.max(...ratios) < 1.4, `ETA from ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)} times the time left`);
	});
});

describe('the load’s events/s', () => {
	/** Two seconds of a load that commits a chunk of 5,000 lines every 250 ms, each counted as `counts` says. */
	function eventsPerSecond(counts: {loaded: number; duplicates: number; rejected: number}): number {
		let now = 0;
		const tracker = new ProgressTracker(0, () => now);
		const file = tracker.addFile({label: 'again.log', kind: 'plain', bytesTotal: 1e9, bytesDone: 0, lines: 0, blankLines: 0, loaded: 0, readAgain: 0, duplicates: 0, rejected: 0, status: 'pending'});
		tracker.phase = 'loading';
		tracker.startFile(file);
		let snapshot = tracker.snapshot();
		for (now = 250; now <= 2000; now += 250) {
			tracker.addChunk(file, {lines: 5000, blankLines: 0, readAgain: 0, ...counts, rejectedByReason: {'malformed-json': counts.rejected}, creditedFrom: []});
			snapshot = tracker.snapshot();
		}
		return snapshot.eventsPerSecond;
	}

	it('counts every line read: a log loaded before, read again under another name, is no stalled load', () => {
		// It said 0 events/s through 630 MB of duplicates read at 14 MB/s.
		assert.equal(eventsPerSecond({loaded: 0, duplicates: 5000, rejected: 0}), 20_000);
		assert.equal(eventsPerSecond({loaded: 1000, duplicates: 2000, rejected: 2000}), 20_000);
	});
});

describe('the derived build’s counting ETA', () => {
	it('leaves the wait for its first events out of the rate, and waits 5 s for a basis', () => {
		let now = 0;
		const tracker = new ProgressTracker(0, () => now);
		tracker.startDeriving();
		// 1M events: the first 65,536 counted 2 s into the step, then 50,000 a second (the end at 21.7 s).
		const counted = (ms: number) => (ms < 2000 ? 0 : Math.min(1_000_000, 65_536 + (ms - 2000) * 50));
		const seen = [];
		for (now = 0; counted(now) < 1_000_000; now += 250) {
			tracker.derived = {step: 'counting', eventsDone: counted(now), eventsTotal: 1_000_000};
			seen.push({ms: now, eta: tracker.snapshot().derived!.etaSeconds, left: (1_000_000 - counted(now)) / 50_000});
		}
		const shown = seen.filter(({eta}) => eta !== undefined);
		assert.ok(shown[0]!.ms >= 7000, `first shown ${shown[0]!.ms} ms into the step`);
		// Counted in, it said 0:29 for 0:19 left at the first batch, as the build of 1M events said 0:57 for 0:22.
		for (const {ms, eta, left} of shown) assert.ok(Math.abs(eta! - left) < 0.01, `ETA ${eta} s with ${left} s left at ${ms} ms`);
	});
});
