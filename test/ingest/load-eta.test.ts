import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {FileProgress} from '../../ingest/progress.js';
import {ProgressTracker, readyEstimate, tablesShare} from '../../ingest/progress-tracker.js';

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

	it('waits out a slow start longer than 2 s (its last spells faster than those before): its first figure is the time left', () => {
		// The loader threads' first chunks at a third of their later pace for 4.8 s after the first one, then 10 MB/s (a
		// measured load's slow start lasted that long on a busy machine, and a fixed 2 s left out said 2.63 times the time left).
		const slowStart = (ms: number) => Math.max(0, Math.min(1000 * MB, Math.min(ms - 2000, 4800) * 3333 + Math.max(0, ms - 6800) * 10_000));
		const seen = simulate(1000 * MB, slowStart);
		const first = seen.find(({eta}) => eta !== undefined)!;
		assert.ok(first.ms >= 6800, `first shown at ${first.ms} ms, within the slow start`);
		assert.ok(Math.abs(first.eta! / first.left - 1) < 0.1, `ETA ${first.eta} s with ${first.left} s left at ${first.ms} ms`);
	});

	for (const slowMs of [5000, 8000]) {
		it(`waits out a slow start flat for ${slowMs / 1000} s (two spells that agree, then the pace rises): its first figure is the time left`, () => {
			// The first chunk stored at 2 s, then a third of the later pace (10 MB/s) for that long: the spells within it
			// agreed, and the first figure said 2.93 times the time left after 8 s of it, 2.99 after 5 s (at 7 s).
			const flatStart = (ms: number) => (ms < 2000 ? 0 : Math.min(1000 * MB, (Math.min(ms - 2000, slowMs) + 250) * 3333 + Math.max(0, ms - 2000 - slowMs) * 10_000));
			const first = simulate(1000 * MB, flatStart).find(({eta}) => eta !== undefined)!;
			assert.ok(first.ms > 2000 + slowMs, `first shown at ${first.ms} ms, within the slow start`);
			assert.ok(Math.abs(first.eta! / first.left - 1) < 0.1, `ETA ${first.eta} s with ${first.left} s left at ${first.ms} ms`);
		});
	}

	it('leaves out a warm-up that rose too evenly for a clear rise, once the last 5 s go well faster than all before them: its first figure is the time left', () => {
		// The first chunk at 2 s, then from a third of the pace (10 MB/s) up to all of it over 10 s: no 2.5 s spell half
		// as fast again as the one before. Averaged in from the first chunk, the first figure said 1.27 times the time left.
		const warmUp = (ms: number) => {
			const seconds = Math.max(0, ms - 2000) / 1000;
			const rising = Math.min(seconds, 10);
			return Math.min(1000 * MB, (rising / 3 + rising ** 2 / 30 + Math.max(0, seconds - 10)) * 10 * MB);
		};
		const first = simulate(1000 * MB, warmUp).find(({eta}) => eta !== undefined)!;
		assert.ok(Math.abs(first.eta! / first.left - 1) < 0.01, `ETA ${first.eta} s with ${first.left} s left at ${first.ms} ms`);
		// A steady load's first figure is the time left, as before.
		const steady = simulate(1000 * MB, (ms) => Math.max(0, Math.min(1000 * MB, (ms - 2000) * 10_000))).find(({eta}) => eta !== undefined)!;
		assert.ok(Math.abs(steady.eta! / steady.left - 1) < 0.001, `ETA ${steady.eta} s with ${steady.left} s left`);
	});

	it('comes 10 s or more after the first chunk on a rate that wavers by a fifth from second to second (no clear rise: it may be a slow start yet)', () => {
		// 12 and 8 MB/s in turn, a second each.
		const wavering = (ms: number) => {
			const seconds = Math.max(0, ms - 2000) / 1000;
			const whole = Math.floor(seconds);
			return Math.min(1000 * MB, 10 * MB * (whole - (whole % 2)) + (whole % 2 ? 12 * MB + (seconds - whole) * 8 * MB : (seconds - whole) * 12 * MB));
		};
		const seen = simulate(1000 * MB, wavering);
		const first = seen.find(({eta}) => eta !== undefined)!;
		// The first chunk at 2.25 s; at 12.25 s its last 2.5 s went faster than the 2.5 s before them, at 13 s no faster.
		assert.equal(first.ms, 13_000);
		// Its rate from all its spells (0.98; from its last 5 s, 0.96): the swings are no warm-up.
		assert.ok(Math.abs(first.eta! / first.left - 0.984) < 0.001, `ETA ${first.eta} s with ${first.left} s left`);
	});

	it('comes once its window is full on a rate that never settles', () => {
		// From 1 MB/s, half as fast again every 2.5 s until 30 s in (no two spells of 2.5 s agree within a quarter), then steady.
		const growing = (ms: number) => {
			const seconds = Math.max(0, ms - 2000) / 1000;
			let done = 0;
			for (let spell = 0; spell * 2.5 < seconds; spell++) done += Math.min(2.5, seconds - spell * 2.5) * 1.5 ** Math.min(spell, 11) * MB;
			return Math.min(1000 * MB, done);
		};
		const first = simulate(1000 * MB, growing).find(({eta}) => eta !== undefined)!;
		// The first progress at 2.25 s, 15 s of samples after it.
		assert.equal(first.ms, 17_250);
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
			tracker.addChunk(file, {lines: 5000, blankLines: 0, readAgain: 0, ...counts, rejectedByReason: {'malformed-json': counts.rejected}, creditedFrom: [], rejectsFrom: []});
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
			const left = (1_000_000 - counted(now)) / 50_000;
			// The build's wait: the counting's, then a third of its time for the steps after it (see tablesLeft).
			seen.push({ms: now, eta: tracker.snapshot().ready?.seconds, left: left + (now / 1000 + left) / 3});
		}
		const shown = seen.filter(({eta}) => eta !== undefined);
		assert.ok(shown[0]!.ms >= 7000, `first shown ${shown[0]!.ms} ms into the step`);
		// Counted in, it said 0:29 for 0:19 left at the first batch, as the build of 1M events said 0:57 for 0:22.
		for (const {ms, eta, left} of shown) assert.ok(Math.abs(eta! - left) < 0.01, `ETA ${eta} s with ${left} s left at ${ms} ms`);
	});
});

/** A tracker on a clock set by hand, loading one file of 100 MB. */
function loadingOne(label: string, kind: FileProgress['kind']) {
	const clock = {now: 0};
	const tracker = new ProgressTracker(0, () => clock.now);
	const file = tracker.addFile({label, kind, bytesTotal: 100 * MB, bytesDone: 0, lines: 0, blankLines: 0, loaded: 0, readAgain: 0, duplicates: 0, rejected: 0, status: 'pending'});
	tracker.phase = 'loading';
	tracker.startFile(file);
	return {tracker, file, clock};
}

describe('the estimate of the whole wait while loading (the load, then the tables’ update)', () => {
	it('puts the tables’ update of the loads measured from an empty database within 45 % of what it took', () => {
		// Seconds the load took and the update after it: 250k events (plain twice, and .gz), 1M (on a quiet machine, and
		// twice on a busy one: its load and update slowed unevenly), 10M.
		const measured = [
			{events: 250_000, load: 15, tables: 12},
			{events: 250_000, load: 17, tables: 17},
			{events: 250_000, load: 18, tables: 13},
			{events: 1_000_000, load: 23, tables: 15.5},
			{events: 1_000_000, load: 40, tables: 27},
			{events: 1_000_000, load: 46, tables: 20},
			{events: 10_000_000, load: 200, tables: 110},
		];
		for (const {events, load, tables} of measured) {
			// Half-way through the load, less its first 2 s or so (the threads' start, the first chunks' way to the database).
			const half = (load - 2) / 2;
			const {seconds, tablesSeconds} = readyEstimate({loadingMs: half * 1000, etaSeconds: half, lines: events / 2, loaded: events / 2});
			assert.equal(seconds, half + tablesSeconds);
			assert.ok(Math.abs(tablesSeconds / tables - 1) < 0.45, `${events} events: ${tablesSeconds} s estimated for ${tables} s`);
		}
	});

	it('counts only the new events: duplicates and rejected lines cost the load, not the update', () => {
		const all = readyEstimate({loadingMs: 20_000, etaSeconds: 20, lines: 100_000, loaded: 100_000}).tablesSeconds;
		const quarter = readyEstimate({loadingMs: 20_000, etaSeconds: 20, lines: 100_000, loaded: 25_000}).tablesSeconds;
		assert.ok(quarter < all / 2, `${quarter} s for a quarter of new events, ${all} s for all`);
		assert.deepEqual(readyEstimate({loadingMs: 20_000, etaSeconds: 20, lines: 100_000, loaded: 0}), {seconds: 20, tablesSeconds: 0});
	});

	it('counts the events a cancelled load left unbuilt, which the update after a resumed load builds too', () => {
		// A .gz of 1M events resumed at 54 %: the rest (457k) stored in 14 s after 4 s of pass-over, and the update built all 1M in 22 s.
		const {tablesSeconds} = readyEstimate({loadingMs: 7000, etaSeconds: 7, lines: 228_000, loaded: 228_000, pending: 543_000, done: 0.5});
		assert.ok(Math.abs(tablesSeconds / 22 - 1) < 0.2, `${tablesSeconds} s estimated for 22 s`);
	});

	it('comes with the load’s ETA, and not before', () => {
		const {tracker, file, clock} = loadingOne('big.log', 'plain');
		const seen = [];
		for (let now = 0; now <= 12_000; now += 250) {
			clock.now = now;
			// 5 MB and 2,000 new events a second.
			file.bytesDone = now * 5000;
			file.lines = file.loaded = now * 2;
			const {etaSeconds, ready} = tracker.snapshot();
			seen.push({etaSeconds, ready});
		}
		assert.deepEqual(
			seen.filter(({etaSeconds, ready}) => (etaSeconds === undefined) !== (ready === undefined)),
			[],
		);
		const last = seen.at(-1)!;
		// 12 s in, 8 s left: 19.75 s of load from its first lines stored (at 0.25 s), the update estimated at 5 + 19.75 / 2 s.
		assert.deepEqual(last, {etaSeconds: 8, ready: {seconds: 22.875, tablesSeconds: 14.875}});
	});
});

describe('the estimate of the tables’ update while it runs', () => {
	it('goes on from the load’s estimate, without a gap or a jump, until the counting’s ETA has its basis, then counts down to the end', () => {
		const {tracker, file, clock} = loadingOne('big.log', 'plain');
		const seen: Array<{ms: number; phase: string; ready?: number}> = [];
		const sample = () => {
			const {phase, ready} = tracker.snapshot();
			seen.push({ms: clock.now, phase, ready: ready?.seconds});
		};
		// 20 s of load: 5 MB and 2,000 new events a second.
		for (clock.now = 0; clock.now < 20_000; clock.now += 250) {
			file.bytesDone = clock.now * 5000;
			file.lines = file.loaded = clock.now * 2;
			sample();
		}
		file.bytesDone = 100 * MB;
		file.status = 'loaded';
		tracker.startDeriving();
		// Listing and sorting for 3 s, the counting of its 40,000 events from 3 s to 13 s (its first ones at 4 s), then 3 s more.
		for (; clock.now <= 36_000; clock.now += 250) {
			const ms = clock.now - 20_000;
			if (ms < 3000) tracker.derived = {step: ms < 1500 ? 'listing' : 'sorting', eventsDone: 0, eventsTotal: 40_000};
			else if (ms < 13_000) tracker.derived = {step: 'counting', eventsDone: ms < 4000 ? 0 : Math.floor(((ms - 4000) * 40_000) / 9000), eventsTotal: 40_000};
			else tracker.derived = {step: ms < 15_000 ? 'adding' : 'committing', eventsDone: 40_000, eventsTotal: 40_000};
			sample();
		}
		const from = seen.findIndex(({ready}) => ready !== undefined);
		assert.deepEqual(seen.slice(from).filter(({ready}) => ready === undefined), [], 'never gone once there');
		const lastLoading = seen.filter(({phase}) => phase === 'loading').at(-1)!;
		const firstDeriving = seen.find(({phase}) => phase === 'deriving')!;
		// Where the load's estimate left off (its 0:00 of load and the update's planned time), not a new guess.
		assert.ok(Math.abs(firstDeriving.ready! - lastLoading.ready!) < 0.5, `${lastLoading.ready} s, then ${firstDeriving.ready} s`);
		// Counting down by the second while the build has nothing better (listing, sorting, the counting's first batch).
		const planned = seen.filter(({phase, ms}) => phase === 'deriving' && ms <= 24_000);
		for (const {ms, ready} of planned) assert.ok(Math.abs(ready! - (firstDeriving.ready! - (ms - 20_000) / 1000)) < 0.01, `${ready} s at ${ms} ms`);
		// Handed over to the counting's ETA as it gains its basis, without a jump (the plan said 0:11, the counting 0:12).
		const deriving = seen.filter(({phase}) => phase === 'deriving');
		for (const [index, {ms, ready}] of deriving.entries()) {
			if (index > 0) assert.ok(Math.abs(ready! - deriving[index - 1]!.ready!) < 0.5, `${deriving[index - 1]!.ready} s, then ${ready} s at ${ms} ms`);
		}
		// Then from the counting alone: 10 s of it, a third of that for the steps after it.
		const at = (ms: number) => seen.find((sampled) => sampled.ms === ms)!.ready!;
		assert.ok(Math.abs(at(30_000) - (3 + 10 / 3)) < 0.3, `${at(30_000)} s at 30 s`);
		assert.ok(Math.abs(at(34_000) - (10 / 3 - 1)) < 0.01, `${at(34_000)} s at 34 s`);
	});
});

describe('the tables’ update’s share done (the Tables bar, ingest’s deriving line)', () => {
	it('is its time so far of that time and the estimate left, at most 99 % while it runs, and never goes back', () => {
		assert.equal(tablesShare({derivedSeconds: 6, leftSeconds: 14}), 0.3);
		// An estimate run out is no build over.
		assert.equal(tablesShare({derivedSeconds: 20, leftSeconds: 0}), 0.99);
		// An estimate that grew (the counting's rate slower than planned) holds what was said until the time catches up.
		assert.equal(tablesShare({derivedSeconds: 10, leftSeconds: 30, shown: 0.4}), 0.4);
		assert.equal(tablesShare({derivedSeconds: 30, leftSeconds: 30, shown: 0.4}), 0.5);
		// Nothing to go by yet: what was said.
		assert.equal(tablesShare({derivedSeconds: 3, shown: 0.1}), 0.1);
		assert.equal(tablesShare({derivedSeconds: 0, leftSeconds: 0}), 0);
	});

	it('follows the wait’s estimate through the build, is short of 100 % when every event is counted, and 100 % once the build is over', () => {
		const {tracker, file, clock} = loadingOne('big.log', 'plain');
		// 20 s of load: 5 MB and 2,000 new events a second.
		for (clock.now = 0; clock.now < 20_000; clock.now += 250) {
			file.bytesDone = clock.now * 5000;
			file.lines = file.loaded = clock.now * 2;
			assert.equal(tracker.snapshot().tablesDone, undefined, 'not while loading');
		}
		file.bytesDone = 100 * MB;
		file.status = 'loaded';
		tracker.startDeriving();
		const seen: Array<{ms: number; percent: number; estimated?: number; step?: string}> = [];
		// Listing and sorting for 3 s, the counting of its 40,000 events from 3 s to 13 s (its first ones at 4 s), the
		// steps after it from 13 s to 16 s (they are given 10 / 3 s), when the build is over.
		for (; clock.now < 36_000; clock.now += 250) {
			const ms = clock.now - 20_000;
			if (ms < 3000) tracker.derived = {step: ms < 1500 ? 'listing' : 'sorting', eventsDone: 0, eventsTotal: 40_000};
			else if (ms < 13_000) tracker.derived = {step: 'counting', eventsDone: ms < 4000 ? 0 : Math.floor(((ms - 4000) * 40_000) / 9000), eventsTotal: 40_000};
			else tracker.derived = {step: ms < 15_000 ? 'adding' : 'committing', eventsDone: 40_000, eventsTotal: 40_000};
			const {tablesDone, ready, derived} = tracker.snapshot();
			const seconds = ms / 1000;
			seen.push({ms, percent: 100 * tablesDone!, estimated: ready && (100 * seconds) / (seconds + ready.seconds), step: derived?.step});
		}
		tracker.phase = 'done';
		assert.equal(tracker.snapshot().tablesDone, 1, 'over');
		for (const [index, {ms, percent, estimated}] of seen.entries()) {
			if (index > 0) assert.ok(percent >= seen[index - 1]!.percent, `${seen[index - 1]!.percent} %, then ${percent} % at ${ms} ms`);
			assert.ok(percent <= 99, `${percent} % at ${ms} ms`);
			// The wait's line and the bar agree: the bar is the estimate's share, or holds a share said before.
			if (index === 0 || percent > seen[index - 1]!.percent) assert.ok(Math.abs(percent - Math.min(99, estimated!)) < 1e-9, `${percent} % for ${estimated} % at ${ms} ms`);
		}
		const at = (ms: number) => seen.find((sampled) => sampled.ms === ms)!.percent;
		// The plan (0:14.875 for the build) counts down through the listing and the sort: 2 s of it.
		assert.ok(Math.abs(at(2000) - (100 * 2) / 14.875) < 1e-9, `${at(2000)} % at 2 s`);
		// Every event counted 13 s in, 10 / 3 s of the steps after it to go: 80 % (the events' share said 100 %).
		assert.ok(Math.abs(at(13_000) - (100 * 13) / (13 + 10 / 3)) < 1e-9, `${at(13_000)} % at 13 s`);
		// Committing, a second before the end, and its last snapshot (the steps after the counting took a third of a second less than given).
		assert.ok(Math.abs(at(15_000) - (100 * 15) / (15 + 10 / 3 - 2)) < 1e-9, `${at(15_000)} % at 15 s`);
		assert.ok(Math.abs(at(15_750) - (100 * 15.75) / (13 + 10 / 3)) < 1e-9, `${at(15_750)} % at 15.75 s`);
	});
});

describe('the tables’ update’s estimate after its counting', () => {
	it('gives an update that recomputes the learners met again more time after its counting', () => {
		const after = (incremental: boolean) => {
			let now = 0;
			const tracker = new ProgressTracker(0, () => now);
			tracker.startDeriving();
			const flag = incremental ? {incremental: true as const} : {};
			tracker.derived = {step: 'counting', eventsDone: 0, eventsTotal: 250_000, ...flag};
			tracker.snapshot();
			// Every event read 4 s into the counting.
			now = 4000;
			tracker.derived = {step: 'adding', eventsDone: 250_000, eventsTotal: 250_000, ...flag};
			return tracker.snapshot().ready!.seconds;
		};
		// Measured at 250k events: 2.0 s after 6.1 of counting on an empty database; on 250k others, 4.3 s after 2.6 (it said "ready any moment" through 3.3 s of recomputing).
		assert.deepEqual([after(false), after(true)], [4 / 3, 7]);
	});
});

describe('a resumed .gz’s pass-over', () => {
	it('is said with its share and its own rate of on-disk bytes while the load’s rates are 0', () => {
		const {tracker, file, clock} = loadingOne('big.log.gz', 'gz');
		let snapshot = tracker.snapshot();
		// 60 MB on disk (600 MB of content) loaded before, passed over at 20 MB/s.
		for (let now = 250; now <= 2000; now += 250) {
			clock.now = now;
			file.bytesDone = file.bytesBefore = now * 20_000;
			file.passOver = {done: now * 200_000, total: 600 * MB};
			snapshot = tracker.snapshot();
		}
		assert.equal(snapshot.megabytesPerSecond, 0);
		assert.deepEqual(snapshot.passingOver, {label: 'big.log.gz', done: 400 * MB, total: 600 * MB, megabytesPerSecond: 20});
		file.passOver = {done: 600 * MB, total: 600 * MB};
		assert.equal(tracker.snapshot().passingOver, undefined, 'said once passed over');
	});

	it('is no part of the load’s ETA, nor are the loader threads’ slow first seconds after it', () => {
		const {tracker, file, clock} = loadingOne('big.log.gz', 'gz');
		// 40 MB on disk loaded before, passed over in 4 s; the first chunk stored a second later (0.2 MB), then 0.9 MB/s
		// for 2.8 s and 3.1 MB/s after (as measured on a 250k .gz resumed, with a busy machine).
		const read = (ms: number) => (ms < 5000 ? 0 : Math.min(60 * MB, 0.2 * MB + 0.9 * MB * (Math.min(ms, 7800) - 5000) / 1000 + 3.1 * MB * Math.max(0, ms - 7800) / 1000));
		const end = 7800 + ((60 * MB - read(7800)) / (3.1 * MB)) * 1000;
		const seen = [];
		for (clock.now = 0; clock.now < end; clock.now += 250) {
			const before = Math.min(40 * MB, clock.now * 10_000);
			file.bytesBefore = before;
			file.bytesDone = before + read(clock.now);
			file.passOver = {done: before * 10, total: 400 * MB};
			seen.push({ms: clock.now, eta: tracker.snapshot().etaSeconds, left: (end - clock.now) / 1000});
		}
		const first = seen.find(({eta}) => eta !== undefined)!;
		// Once its rate stopped rising: 5 s after the slow spell (the first sample after it at 8 s); with those slow
		// seconds in its rate, it said 1.66 times the time left, and with the first 2 s after the first chunk left out, 1.14.
		assert.equal(first.ms, 13_000);
		assert.ok(Math.abs(first.eta! / first.left - 1) < 0.01, `ETA ${first.eta} s with ${first.left} s left`);
	});
});
