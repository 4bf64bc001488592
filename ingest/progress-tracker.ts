import type {ChunkStats} from './chunk-loader.js';
import {isAfterCounting, LINE_COUNTS, type DerivedProgress, type FileProgress, type IngestPhase, type IngestSnapshot, type LineCounts} from './progress.js';

/** The meters' rates: over the last few seconds. */
const RATE_WINDOW_MS = 5000;
/**
 * The ETAs (the load's, the derived build's counting): their rate over a longer window than the meters', as those few
 * seconds swung the load's by half (a busy machine), and only from the work's first progress on, once it has this much
 * of a basis. The threads' start and the first chunks' way to the database are no throughput: counted in, the load's
 * first ETA said 3:48 for 0:54 left (1M events), 29:55 for 1:16 (the same in 1,000 daily files); the counting's, 0:57
 * for 0:22.
 */
const ETA_WINDOW_MS = 15_000;
const ETA_BASIS_MS = 5000;
/**
 * The load's ETA waits for its rate to stop rising: it comes once its last ETA_BASIS_MS / 2 went no faster than the
 * ETA_BASIS_MS / 2 before them, and its rate starts with those (on a rate that keeps rising, once its samples fill the
 * window, from its first progress on). The loader threads store their first chunks at a fifth to a half of their later
 * pace (JIT warm-up, the server's first COPYs), in a fresh load and after a resumed .gz's pass-over alike, for a second
 * to five on a busy machine. A fixed 2 s left out of its rate (5 s of basis after the first chunk stored) said 0.81 to
 * 1.27 times the time left on six recorded 250k loads, but 2.63 where that slow start lasted 4.8 s. Two spells that
 * merely agreed within a quarter let a start's last slow second in (1.72 for a 1.55).
 *
 * A slow start steady for 5 s or more cannot be told from the load's pace until the pace rises: taken for it, 8 s at a
 * third of the pace said 2.93 times the time left at first (5 s at a third, 2.99; 8 s at a fifth, 4.87). So until a
 * rise of CLEAR_RISE from one spell to the next has been seen (the slow start's end: a visible one still gives the ETA
 * 5 s after it), two spells that agree do not settle it before FLAT_START_MS of progress, and its rate is then all of
 * that (flat) stretch: those starts now say 1.00 at first, 10 to 13 s after the first chunk stored; one flat for
 * FLAT_START_MS or more still fools it. Replayed on ten loads recorded on a busy machine (1M and 1.6M events, a 1.5M
 * .gz; none has a clear rise), the first figure said 0.80 to 1.27 times the time left (median 1.08), 10 to 13 s after
 * the first chunk stored (before: 0.76 to 1.53, median 1.05, 5 to 10 s: the 1.53 a rate that rose from 40 to 75 MB/s
 * throughout, the 0.76 one that fell); with a slow start of 4.8 s at a third of the pace spliced into their start, 0.75
 * to 1.55, 8 to 14 s after it, as before.
 */
const CLEAR_RISE = 1.5;
const FLAT_START_MS = 10_000;
/**
 * A warm-up that rose evenly (from a third of the pace to all of it over 10 s: no spell half as fast again as the one
 * before) was averaged in from its first progress: 1.27 times the time left at first. Its last two spells then went
 * WARMED_UP times as fast as all before them, and the rate now starts with them: 1.00 (over 15 s, 1.47 -> 1.11; over
 * 8 s, whose last spells are not that much faster, 1.21 still). With a rate that wavers by a fifth from second to second
 * on top, the median first figure of 200 runs went from 26 % off to 4 % (a warm-up over 10 s), 34 % to 5 % (12 s), 6 %
 * to 5 % (6 s). The factor is above what a steady rate's swings reach: one that wavers by a fifth or two fifths from
 * second to second kept all 400 first figures; one that swings by 30 % from one 2.5 s spell to the next changed 2 of 200
 * (p90 16.7 % -> 17.4 % off; at 1.25, 19 of 200). A start flat for FLAT_START_MS or more still fools it: its spells
 * agree, and until its pace rises nothing tells it from the load's (waiting longer for it would delay every load's ETA).
 */
const WARMED_UP = 1.4;

/**
 * The derived build after a load, estimated from the load as it goes: the load's time tells this machine's speed
 * now, and the build's cost follows the new events (duplicates and rejected lines cost the load, not the build).
 * Measured from an empty database, in seconds: 250k events loaded in 15 and built in 12, as a .gz in 18 and 13,
 * 1M in 23 and 15.5 (46 and 20 on a busier machine), 10M in about 200 and 110. Its steps but the counting take
 * some seconds at any size (listing, PostgreSQL's sort, the last batches, the commit): 7 of the 12 at 250k.
 */
const TABLES_BASE_SECONDS = 5;
const TABLES_PER_LOAD_SECOND = 0.5;

/**
 * Seconds until the tables the tasks read are ready: the load's ETA, then the derived build, estimated for the new
 * events the whole load will have at their share of the lines so far (loadingMs: the time since its first lines were
 * stored; a resumed .gz's pass-over before them made a line look 30 % dearer), and for those loaded before and not
 * built yet (`pending`: a load cancelled, resumed now) at a line's share of the whole load (`done`: the share of its
 * bytes done so far, which projects its lines). An estimate: a build that also recomputes learners loaded before, or
 * rebuilds for a new day zone, takes longer.
 */
export function readyEstimate({loadingMs, etaSeconds, lines, loaded, pending = 0, done = 1}: {loadingMs: number; etaSeconds: number; lines: number; loaded: number; pending?: number; done?: number}): NonNullable<IngestSnapshot['ready']> {
	const loadSeconds = loadingMs / 1000 + etaSeconds;
	// Events to build per line read so far (a first chunk of blank lines only has no line).
	const perLine = lines > 0 ? (loaded + pending * done) / lines : 0;
	const tablesSeconds = perLine > 0 ? TABLES_BASE_SECONDS + TABLES_PER_LOAD_SECOND * loadSeconds * perLine : 0;
	return {seconds: etaSeconds + tablesSeconds, tablesSeconds};
}

/**
 * The derived build's work once every new event is read (the counting's last rows stored, the indexes, the sums into
 * the tables, the statistics, the commit) against the counting's time until then, from its step's start: measured from
 * an empty database on a busy machine, 2.0 s after 6.1 at 250k events (and 2.0 after 7.5), 4.8 s after 14.4 at 1M;
 * later runs 0.40 and 0.41 of it at 250k, 0.28 and 0.29 at 1M.
 */
const AFTER_COUNTING_SHARE = 1 / 3;
/**
 * The same where earlier loads were built, and the learners met again are recomputed after the counting: 4.3 s after
 * 2.6, and 3.9 after 2.1, at 250k events loaded on 250k others (the log's next quarter, most of its learners met again).
 */
const AFTER_COUNTING_SHARE_INCREMENTAL = 1.75;

/**
 * Seconds the derived build has left, an estimate (undefined when there is nothing to go by). Until the counting has a
 * rate (the listing, PostgreSQL's sort, the counting's first batch): what the load's estimate planned for the build
 * (`plannedSeconds`, see readyEstimate), less the time it has run. Then the counting's ETA, and the work after it at its
 * share of the counting's time, handed over to as the ETA gains its basis (basis 0 to 1): a load faster than the build
 * (a machine busier after it) planned 7 s for 14, and said "ready any moment" until the ETA came and said 0:06. Once
 * every event is read, what is left of that share. Never below 0: run past its estimate, it is ready any moment.
 */
export function tablesLeft({plannedSeconds, derivedSeconds, counting}: {
	plannedSeconds?: number;
	/** Since the build started. */
	derivedSeconds: number;
	/**
	 * How long the counting has run (until every event was read, once they were), its ETA while it reads, the time since
	 * they were all read, and whether the build recomputes the learners met again after it.
	 */
	counting?: {seconds: number; eta?: {seconds: number; basis: number}; overForSeconds?: number; incremental?: boolean};
}): number | undefined {
	const share = counting?.incremental ? AFTER_COUNTING_SHARE_INCREMENTAL : AFTER_COUNTING_SHARE;
	if (counting?.overForSeconds !== undefined) return Math.max(0, share * counting.seconds - counting.overForSeconds);
	const planned = plannedSeconds === undefined ? undefined : Math.max(0, plannedSeconds - derivedSeconds);
	const eta = counting?.eta;
	if (!eta) return planned;
	const counted = eta.seconds + share * (counting.seconds + eta.seconds);
	if (planned === undefined) return eta.basis === 1 ? counted : undefined;
	return planned * (1 - eta.basis) + counted * eta.basis;
}

/**
 * The most the derived build's share done says while it runs: an estimate run out ("ready any moment") is no build
 * over, and a bar at 100 % would say done while the COMMIT, or a recomputing longer than estimated, goes on.
 */
const TABLES_SHARE_RUNNING = 0.99;

/**
 * The derived build's share done (see IngestSnapshot.tablesDone) from its time so far and the seconds its estimate
 * has left (tablesLeft): the time so far of the whole. Never below `shown` (the share said before: an estimate that
 * grows holds the bar until the time catches up, not pulls it back), never above TABLES_SHARE_RUNNING; with nothing
 * to go by (an estimate not there yet), `shown`.
 */
export function tablesShare({derivedSeconds, leftSeconds, shown = 0}: {derivedSeconds: number; leftSeconds?: number; shown?: number}): number {
	if (leftSeconds === undefined || derivedSeconds + leftSeconds <= 0) return shown;
	return Math.max(shown, Math.min(TABLES_SHARE_RUNNING, derivedSeconds / (derivedSeconds + leftSeconds)));
}

/** Rates per second of some counters over the last windowMs, from a sample taken at each snapshot. */
class RateWindow<Counter extends string> {
	private readonly samples: Array<{at: number; values: Record<Counter, number>}> = [];

	constructor(private readonly windowMs = RATE_WINDOW_MS) {}

	/** Adds the counters' values at `at` and returns each one's rate since the window's oldest sample (0 until there is one). */
	rates(at: number, values: Record<Counter, number>): Record<Counter, number> {
		this.samples.push({at, values});
		while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
		const first = this.samples[0]!;
		const seconds = (at - first.at) / 1000;
		const counters = Object.keys(values) as Counter[];
		return Object.fromEntries(counters.map((counter) => [counter, seconds > 0 ? (values[counter] - first.values[counter]) / seconds : 0])) as Record<Counter, number>;
	}

	/** How long the samples span. */
	spanMs(): number {
		return this.samples.length === 0 ? 0 : this.samples.at(-1)!.at - this.samples[0]!.at;
	}
}

type Sample = {at: number; done: number};

/**
 * Where a rate has stopped rising in these samples (see Eta): the first sample of its last two spells of
 * ETA_BASIS_MS / 2 when the later one went no faster, once a clear rise (the slow start's end) has been seen; when none
 * has, once they span FLAT_START_MS, or the ETA's window whether or not the spells agree: the first sample, or the first
 * of the last two spells where those went WARMED_UP times as fast as all before them; undefined until then. `rise.seen`
 * keeps whether that rise has been seen.
 */
function settledFrom(samples: Sample[], rise: {seen: boolean}): number | undefined {
	const last = samples.at(-1)!;
	const span = last.at - samples[0]!.at;
	if (span < ETA_BASIS_MS) return undefined;
	const start = samples.findLastIndex((sample) => sample.at <= last.at - ETA_BASIS_MS);
	const rate = (from: Sample, to: Sample) => (to.done - from.done) / (to.at - from.at);
	// From all of them, or from the last two spells after a warm-up that rose too evenly for a clear rise.
	// (start 0: no sample before those spells, so nothing to leave out; its rate would be 0 / 0.)
	const warmedFrom = () => (start > 0 && rate(samples[start]!, last) >= WARMED_UP * rate(samples[0]!, samples[start]!) ? start : 0);
	if (span >= ETA_WINDOW_MS) return warmedFrom();
	const middle = samples.findLastIndex((sample) => sample.at <= last.at - ETA_BASIS_MS / 2);
	const [earlier, later] = [rate(samples[start]!, samples[middle]!), rate(samples[middle]!, last)];
	if (later >= CLEAR_RISE * earlier) rise.seen = true;
	if (later > earlier) return undefined;
	if (rise.seen) return start;
	return span >= FLAT_START_MS ? warmedFrom() : undefined;
}

/**
 * Seconds some work has left at its rate (see ETA_WINDOW_MS), sampled from its first progress on. A steady one (the
 * load's) has none until its rate has stopped rising, and leaves what came before out of it (see settledFrom).
 */
class Eta {
	private readonly window = new RateWindow<'done'>(ETA_WINDOW_MS);
	/** A steady ETA's samples until its rate has stopped rising. */
	private unsettled?: Sample[];
	/** Whether a steady ETA's rate has risen clearly since its first progress (see settledFrom). */
	private readonly rise = {seen: false};

	constructor(steady = false) {
		if (steady) this.unsettled = [];
	}

	/** The seconds left once they have their basis. */
	seconds(at: number, done: number, left: number): number | undefined {
		const estimate = this.estimate(at, done, left);
		return estimate && estimate.basis === 1 ? estimate.seconds : undefined;
	}

	/** The seconds left at the rate so far, and how much of its basis it has (0 to 1, from ETA_BASIS_MS after its first progress on). */
	estimate(at: number, done: number, left: number): {seconds: number; basis: number} | undefined {
		if (done === 0) return undefined;
		if (this.unsettled) {
			this.unsettled.push({at, done});
			const from = settledFrom(this.unsettled, this.rise);
			if (from === undefined) return undefined;
			for (const sample of this.unsettled.slice(from, -1)) this.window.rates(sample.at, {done: sample.done});
			this.unsettled = undefined;
		}
		const {done: perSecond} = this.window.rates(at, {done});
		return perSecond > 0 ? {seconds: Math.max(0, left) / perSecond, basis: Math.min(1, this.window.spanMs() / ETA_BASIS_MS)} : undefined;
	}
}

/** Accumulates what the loader reports and turns it into snapshots with smoothed rates and an ETA. */
export class ProgressTracker {
	phase: IngestPhase = 'scanning';
	error?: string;
	readonly files: FileProgress[] = [];
	private readonly rejectedByReason: Record<string, number> = {};
	private readonly loadRates = new RateWindow<'bytes' | 'events' | 'passedOver'>();
	private readonly loadEta = new Eta(true);
	/** When this run's first lines were stored (see readyEstimate). */
	private firstReadAt?: number;
	private current?: FileProgress;
	/** Events loaded before and not built yet: the derived build after this load counts them too (see readyEstimate). */
	eventsPending = 0;
	/** The derived build's progress (phase 'deriving'), and its counting's rate. */
	derived?: DerivedProgress;
	private readonly countingEta = new Eta();
	private derivingSince?: number;
	/** The derived step seen last, and since when. */
	private step?: {name: DerivedProgress['step']; since: number};
	/** The time the build waited for another process's build (step 'waiting') before it started its own. */
	private waitedMs = 0;
	/** When the build's counting started, and when it had read every event (or a step after it started; see tablesLeft). */
	private counting?: {since: number; until?: number};
	/** The build's share done said last (see tablesShare). */
	private tablesDone = 0;

	constructor(
		private readonly startedAt: number,
		private readonly now: () => number = Date.now,
	) {}

	/** Enters phase 'deriving' (the summary tells the load's time from the build's). */
	startDeriving(): void {
		this.phase = 'deriving';
		this.derivingSince = this.now();
	}

	addFile(file: FileProgress): FileProgress {
		this.files.push(file);
		return file;
	}

	startFile(file: FileProgress): void {
		file.status = 'loading';
		this.current = file;
	}

	/** Counts a committed chunk for its file (and for the archive holding it, when it is a .zip member). */
	addChunk(file: FileProgress, stats: ChunkStats, archive?: FileProgress): void {
		for (const target of archive ? [file, archive] : [file]) for (const count of LINE_COUNTS) target[count] += stats[count];
		for (const [reason, count] of Object.entries(stats.rejectedByReason)) this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + (count ?? 0);
	}

	/** Events a file loaded that an input before it in the load was credited with: duplicates of it now. */
	giveCredit(file: FileProgress, events: number, archive?: FileProgress): void {
		this.giveOver(file, 'loaded', events, archive);
	}

	/** Rejected lines of a file that an input before it in the load holds too: duplicates of its lines now. */
	giveRejects(file: FileProgress, reason: string, lines: number, archive?: FileProgress): void {
		this.giveOver(file, 'rejected', lines, archive);
		this.rejectedByReason[reason] = this.rejectedByReason[reason]! - lines;
		if (this.rejectedByReason[reason] === 0) delete this.rejectedByReason[reason];
	}

	private giveOver(file: FileProgress, count: 'loaded' | 'rejected', lines: number, archive?: FileProgress): void {
		for (const target of archive ? [file, archive] : [file]) {
			target[count] -= lines;
			target.duplicates += lines;
		}
	}

	snapshot(): IngestSnapshot {
		const at = this.now();
		const total = (pick: (file: FileProgress) => number) => this.files.reduce((sum, file) => sum + pick(file), 0);
		// The bytes measure this run's work: files already loaded leave them once skipped (a new daily file beside
		// 142 MB of loaded ones read 98 % before its first line loaded), unless nothing else is there.
		const working = this.files.some((file) => file.status !== 'skipped');
		const ofThisRun = (pick: (file: FileProgress) => number) => total((file) => (working && file.status === 'skipped' ? 0 : pick(file)));
		const bytesTotal = ofThisRun((file) => file.bytesTotal);
		const bytesDone = ofThisRun((file) => Math.min(file.bytesDone, file.bytesTotal));
		const counts = Object.fromEntries(LINE_COUNTS.map((count) => [count, total((file) => file[count])])) as LineCounts;
		// Skipped files and the part of a file loaded before count as done for the bytes, but they are not throughput:
		// a resumed 466 MB file read 108k lines and said "466.4 MB read at 199.3 MB/s".
		const bytesRead = total((file) => (file.status === 'skipped' ? 0 : file.bytesDone - (file.bytesBefore ?? 0)));
		const loading = this.phase === 'loading';
		// Every line read counts, not only the new events: a log loaded before, read again under another name, said
		// 0 events/s through 630 MB of duplicates read at 14 MB/s, as if the load had stalled.
		const passedOver = total((file) => (file.status === 'skipped' ? 0 : (file.bytesBefore ?? 0)));
		const rates = this.loadRates.rates(at, {bytes: bytesRead, events: counts.lines, passedOver});
		const {bytes: bytesPerSecond, events: eventsPerSecond} = rates;
		// Once the load is over (the tables being built), the load's own average: the last seconds' rates decayed to 0
		// on the screen while the build ran, as if the load were stalling.
		const loadSeconds = this.derivingSince === undefined ? undefined : (this.derivingSince - this.startedAt) / 1000;
		const average = (count: number, recent: number) => (loadSeconds === undefined ? recent : loadSeconds > 0 ? count / loadSeconds : 0);
		const elapsedMs = at - this.startedAt;
		// This run's bytes read, from its first chunk committed on.
		const etaSeconds = loading ? this.loadEta.seconds(at, bytesRead, bytesTotal - bytesDone) : undefined;
		if (bytesRead > 0) this.firstReadAt ??= at;
		// The build as the load's estimate would plan it from the whole load, now it is over: where that estimate left off
		// (0 with no new events to plan from: a build of a new day zone only).
		const planned =
			this.derivingSince === undefined || this.firstReadAt === undefined
				? undefined
				: readyEstimate({loadingMs: this.derivingSince - this.firstReadAt, etaSeconds: 0, lines: counts.lines, loaded: counts.loaded, pending: this.eventsPending}).tablesSeconds;
		const passing = loading ? this.files.find((file) => file.status === 'loading' && file.passOver && file.passOver.done < file.passOver.total) : undefined;
		return {
			...this.derivedSnapshot(at, planned || undefined),
			phase: this.phase,
			elapsedMs,
			// Over once the phase is 'done'; cancelled or failed, where it stopped.
			...(this.derivingSince === undefined ? {} : {derivedMs: at - this.derivingSince, tablesDone: this.phase === 'done' ? 1 : this.tablesDone}),
			bytesTotal,
			bytesDone,
			bytesRead,
			...counts,
			rejectedByReason: {...this.rejectedByReason},
			megabytesPerSecond: average(bytesRead, bytesPerSecond) / 1e6,
			eventsPerSecond: average(counts.lines, eventsPerSecond),
			etaSeconds,
			...(etaSeconds === undefined ? {} : {ready: readyEstimate({loadingMs: at - this.firstReadAt!, etaSeconds, lines: counts.lines, loaded: counts.loaded, pending: this.eventsPending, done: bytesRead / (bytesRead + bytesTotal - bytesDone)})}),
			...(passing ? {passingOver: {label: passing.label, ...passing.passOver!, megabytesPerSecond: rates.passedOver / 1e6}} : {}),
			currentFile: loading ? this.current?.label : undefined,
			files: this.files.map((file) => ({...file})),
			error: this.error,
		};
	}

	/** The derived build's progress with its step's time, and the wait until it is over (see tablesLeft). */
	private derivedSnapshot(at: number, plannedSeconds: number | undefined): Pick<IngestSnapshot, 'derived' | 'ready'> {
		const {derived, derivingSince} = this;
		if (this.phase !== 'deriving' || derivingSince === undefined) return {};
		if (derived && this.step?.name !== derived.step) {
			if (this.step?.name === 'waiting') this.waitedMs += at - this.step.since;
			this.step = {name: derived.step, since: at};
			if (derived.step === 'counting') this.counting = {since: at};
		}
		// The events' total is about (a file resumed by a later load counts whole under it): the next step ends the reading too.
		const read = derived && (isAfterCounting(derived.step) || (derived.step === 'counting' && derived.eventsDone >= derived.eventsTotal));
		if (this.counting && read) this.counting.until ??= at;
		const counting = this.counting && {
			seconds: ((this.counting.until ?? at) - this.counting.since) / 1000,
			eta: derived?.step === 'counting' && !read ? this.countingEta.estimate(at, derived.eventsDone, derived.eventsTotal - derived.eventsDone) : undefined,
			overForSeconds: this.counting.until === undefined ? undefined : (at - this.counting.until) / 1000,
			incremental: derived?.incremental,
		};
		// A wait for another build is no progress of this one: no estimate meanwhile, its share held, and its time left out
		// of the build's (the estimate and the share go on from where they were when it ends).
		const waiting = derived?.step === 'waiting';
		const derivedSeconds = (at - derivingSince - this.waitedMs - (waiting ? at - this.step!.since : 0)) / 1000;
		const left = waiting ? undefined : tablesLeft({plannedSeconds, derivedSeconds, counting});
		this.tablesDone = tablesShare({derivedSeconds, leftSeconds: left, shown: this.tablesDone});
		return {
			...(derived ? {derived: {...derived, stepMs: at - this.step!.since}} : {}),
			...(left === undefined ? {} : {ready: {seconds: left, tablesSeconds: left}}),
		};
	}
}
