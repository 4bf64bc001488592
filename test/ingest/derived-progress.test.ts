import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import type {IngestSnapshot} from '../../ingest/progress.js';
import {ProgressTracker} from '../../ingest/progress-tracker.js';
import {progressLine, summaryLines} from '../../source/commands/ingest.js';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {currentDayZone} from '../../ingest/derived/day-zone.js';
import {formatDuration, zoneKeptClause} from '../../source/format.js';

const database = await openTestDatabase('derived_progress');
const dir = fixtureDir();

/** The deriving snapshots of an ingest of `text`: one per step as it starts (and the timer's, dropped here as repeats). */
async function derivingSteps(name: string, text: string): Promise<Array<NonNullable<IngestSnapshot['derived']>>> {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	const seen: Array<NonNullable<IngestSnapshot['derived']>> = [];
	const summary = await ingest(database, [file], {
		onProgress: (snapshot) => {
			if (snapshot.phase === 'deriving' && snapshot.derived && snapshot.derived.step !== seen.at(-1)?.step) seen.push(snapshot.derived);
		},
	});
	assert.equal(summary.phase, 'done');
	return seen;
}

/**
 * A tracker on `clock` whose load of one file stored `samples` ([ms, bytes, events], its bytes of 40 MB), its derived
 * build started as the last was stored.
 */
function builtAfterLoad(clock: {now: number}, samples: ReadonlyArray<readonly [number, number, number]>): ProgressTracker {
	const tracker = new ProgressTracker(0, () => clock.now);
	tracker.phase = 'loading';
	const file = tracker.addFile({label: 'a.log', kind: 'plain', bytesTotal: 40e6, bytesDone: 0, lines: 0, blankLines: 0, loaded: 0, readAgain: 0, duplicates: 0, rejected: 0, status: 'pending'});
	tracker.startFile(file);
	tracker.snapshot();
	for (const [at, bytes, events] of samples) {
		clock.now = at;
		file.bytesDone = bytes;
		file.lines = file.loaded = events;
		tracker.snapshot();
	}
	tracker.startDeriving();
	return tracker;
}

describe('the derived build reports its progress', () => {
	it('each step as it starts; the counting of every new event (a second load recomputes the learners met again)', async () => {
		const first = await derivingSteps('first.log', lines(0, 20_000));
		assert.deepEqual(
			first.map(({step}) => step),
			// After the counting, its own step: said as counting at 100 %, it ran on for seconds (see DERIVED_STEPS).
			['listing', 'sorting', 'counting', 'adding', 'committing'],
		);
		// The total comes from the files' counts; when it commits, every new event was read once (each step is
		// reported as it starts: 0 ms into it).
		assert.deepEqual(first.at(-1), {step: 'committing', eventsDone: 20_000, eventsTotal: 20_000, stepMs: 0});
		// Its first report comes as the first event is read (the server's sort is over), none counted yet: it said 1.
		assert.equal(first[2]!.eventsDone, 0);

		const second = await derivingSteps('second.log', lines(20_000, 23_000));
		assert.deepEqual(
			second.map(({step}) => step),
			['listing', 'sorting', 'counting', 'adding', 'recomputing', 'committing'],
		);
		assert.deepEqual(second.at(-1), {step: 'committing', eventsDone: 3000, eventsTotal: 3000, incremental: true, stepMs: 0});
	});

	it('a cancel during the build rolls it back: everything stays loaded, and the next ingest builds it', async () => {
		const cancelled = await openTestDatabase('derived_cancel');
		const file = path.join(dir, 'cancelled.log');
		fs.writeFileSync(file, lines(0, 20_000));
		const controller = new AbortController();
		const summary = await ingest(cancelled, [file], {
			signal: controller.signal,
			// Cancelled as the counting starts: its statements are cancelled on the server.
			onProgress: (snapshot) => snapshot.derived?.step === 'counting' && controller.abort(),
		});
		assert.deepEqual([summary.phase, summary.derivedCancelled, summary.loaded], ['cancelled', true, 20_000]);
		const state = async () =>
			(await cancelled.pool.query('SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM d_learner) AS learners, bool_and(derived_done) AS built FROM loads')).rows[0];
		assert.deepEqual(await state(), {events: 20_000, learners: 0, built: false});
		// Nothing left running on the server, the cancel's own statement included (listed if there is).
		const {rows} = await cancelled.pool.query(`SELECT backend_type, state, left(query, 60) AS query FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid()`);
		assert.deepEqual(rows, []);
		const again = await ingest(cancelled, [file]);
		assert.deepEqual([again.phase, again.filesSkipped], ['done', 1]);
		assert.deepEqual(await state(), {events: 20_000, learners: 7, built: true});
	});

	it('a cancel while the days are recounted in another zone says the zone stays the old one, which it does', async () => {
		const zoned = await openTestDatabase('derived_cancel_zone');
		const file = path.join(dir, 'zoned.log');
		fs.writeFileSync(file, lines(0, 20_000));
		await ingest(zoned, [file]);
		const zone = await currentDayZone(zoned.pool);
		const asked = zone === 'UTC' ? 'Europe/Moscow' : 'UTC';
		const controller = new AbortController();
		const summary = await ingest(zoned, [], {
			dayZone: asked,
			signal: controller.signal,
			// As the build starts: it rebuilds every table from the events (no counting step of new events).
			onProgress: (snapshot) => snapshot.phase === 'deriving' && controller.abort(),
		});
		assert.deepEqual([summary.derivedCancelled, summary.dayZoneKept], [true, {zone, asked}]);
		// It said "the next ingest (or run) updates them", which builds in the zone kept.
		assert.equal(zoneKeptClause(summary), `; the days stay counted in ${zone} until --tz ${asked} is given again`);
		assert.equal(await currentDayZone(zoned.pool), zone);
		assert.equal(zoneKeptClause(await ingest(zoned, [])), '');
	});

	it("keeps the load's average rates while the tables are built (the last seconds' rates decayed to 0 as if it stalled)", () => {
		const clock = {now: 0};
		// 40 MB and 20,000 events in 8 s, the last 2 s faster.
		const tracker = builtAfterLoad(clock, [[6000, 20e6, 10_000], [8000, 40e6, 20_000]]);
		for (clock.now = 8000; clock.now <= 30_000; clock.now += 1000) {
			const {megabytesPerSecond, eventsPerSecond} = tracker.snapshot();
			assert.deepEqual([megabytesPerSecond, eventsPerSecond], [5, 2500], `at ${clock.now} ms`);
		}
	});

	it('estimates the whole build’s wait, not its counting’s alone, and the headless line says it first', () => {
		let now = 0;
		const tracker = new ProgressTracker(0, () => now);
		assert.equal(tracker.snapshot().derivedMs, undefined, 'not before the build starts');
		// No load before it (a build of the loads left pending): nothing to go by until the counting has a rate.
		tracker.startDeriving();
		// Before its first step: no figures yet, and none of the load's (it said "deriving 100% 0 B/0 B · 0.0 MB/s …").
		assert.equal(progressLine(tracker.snapshot()), 'deriving 0% · starting');
		tracker.derived = {step: 'counting', eventsDone: 1000, eventsTotal: 101_000};
		assert.equal(tracker.snapshot().ready, undefined, 'no rate from one sample');
		now = 2000;
		tracker.derived = {step: 'counting', eventsDone: 11_000, eventsTotal: 101_000};
		assert.equal(tracker.snapshot().ready, undefined, 'no basis in 2 s');
		// Its share done is the estimate's: none yet (the share of the events counted said 10 %).
		assert.equal(progressLine(tracker.snapshot()), 'deriving 0% · counting the new events and walking the timelines · 11,000 of 101,000 events');
		now = 6000;
		tracker.derived = {step: 'counting', eventsDone: 31_000, eventsTotal: 101_000};
		const snapshot = tracker.snapshot();
		// 30,000 events in 6 s: 70,000 left take 14 s; the steps after it a third of its 20 s.
		assert.ok(Math.abs(snapshot.ready!.seconds - (14 + 20 / 3)) < 1e-9, `${snapshot.ready!.seconds} s`);
		// 6 s of some 26.7: 22 % of the build (30 % of its events are counted).
		assert.equal(progressLine(snapshot), 'deriving 22% · ready in ~0:21 · counting the new events and walking the timelines · 31,000 of 101,000 events');
		// Every event read 18 s into the counting: the work after it is given 6 s, and the estimate counts down from there,
		// through the counting's last rows stored (its own ETA said 0:00 there, with seconds of the build to go).
		now = 18_000;
		tracker.derived = {step: 'counting', eventsDone: 101_000, eventsTotal: 101_000};
		assert.ok(Math.abs(tracker.snapshot().ready!.seconds - 6) < 1e-9);
		now = 20_000;
		// Every event counted is 100 % of the counting, not of the build: 20 s of 24.
		assert.equal(progressLine(tracker.snapshot()), 'deriving 83% · ready in ~0:04 · counting the new events and walking the timelines · 101,000 of 101,000 events');
		now = 21_000;
		tracker.derived = {step: 'adding', eventsDone: 101_000, eventsTotal: 101_000};
		assert.equal(progressLine(tracker.snapshot()), 'deriving 87% · ready in ~0:03 · adding the new counts to the tables · 0:00 so far');
		now = 22_000;
		tracker.derived = {step: 'committing', eventsDone: 101_000, eventsTotal: 101_000};
		assert.equal(progressLine(tracker.snapshot()), 'deriving 91% · ready in ~0:02 · committing · 0:00 so far');
		// Run past its estimate, the build is ready any moment, not in 0:00 as if it had stalled.
		now = 34_000;
		// Nor at 100 %: it is not over.
		assert.equal(progressLine(tracker.snapshot()), 'deriving 99% · ready any moment · committing · 0:12 so far', 'the time since the step started');
		tracker.phase = 'done';
		now = 35_000;
		const summary = {...tracker.snapshot(), filesLoaded: 1, filesSkipped: 0, filesFailed: 0};
		// Its last line, once it is over.
		assert.equal(progressLine(summary), 'deriving 100% · the tables are updated');
		assert.deepEqual([summary.derived, summary.ready], [undefined, undefined], 'only while deriving');
		// The summary tells the build's time from the load's (here the tracker started with the build).
		assert.equal(summary.derivedMs, 35_000);
		assert.ok(summaryLines(summary).includes('time: loading 0:00, updating the tables the tasks read 0:35'));
	});

	it("says a wait for another process's build as a wait: its share and estimate held while it lasts, going on from there once the build starts (they ran down to 99 % and \"ready any moment\")", () => {
		const clock = {now: 0};
		// 20,000 events loaded over 6 s from their first stored: the build planned at 5 + 0.5 × 6 = 8 s.
		const tracker = builtAfterLoad(clock, [[2000, 1e6, 500], [8000, 40e6, 20_000]]);
		clock.now = 9000;
		assert.equal(progressLine(tracker.snapshot()), 'deriving 12% · ready in ~0:07 · starting');
		tracker.derived = {step: 'waiting', eventsDone: 0, eventsTotal: 0};
		const waiting = (so: string) => `deriving 12% · waiting for the lock of the derived tables' build · ${so} so far`;
		assert.equal(progressLine(tracker.snapshot()), waiting('0:00'));
		for (clock.now = 10_000; clock.now <= 60_000; clock.now += 10_000) {
			const snapshot = tracker.snapshot();
			assert.equal(progressLine(snapshot), waiting(formatDuration(clock.now - 9000)), `at ${clock.now} ms`);
			assert.deepEqual([snapshot.ready, snapshot.tablesDone], [undefined, 0.125], `at ${clock.now} ms`);
		}
		// The build starts: 1 s of its 8 done, as before the wait.
		clock.now = 60_000;
		tracker.derived = {step: 'listing', eventsDone: 0, eventsTotal: 20_000};
		assert.equal(progressLine(tracker.snapshot()), 'deriving 12% · ready in ~0:07 · listing the new learners, event types, pages and user agents · 0:00 so far');
		clock.now = 61_000;
		assert.equal(progressLine(tracker.snapshot()), 'deriving 25% · ready in ~0:06 · listing the new learners, event types, pages and user agents · 0:01 so far');
		// The time the tables took to be updated, as the user waited for them: the wait included.
		assert.equal(tracker.snapshot().derivedMs, 53_000);
	});
});
