import type {ChunkStats} from './chunk-loader.js';
import {LINE_COUNTS, type DerivedProgress, type FileProgress, type IngestPhase, type IngestSnapshot, type LineCounts} from './progress.js';

const RATE_WINDOW_MS = 5000;

/** Accumulates what the loader reports and turns it into snapshots with smoothed rates and an ETA. */
export class ProgressTracker {
	phase: IngestPhase = 'scanning';
	error?: string;
	readonly files: FileProgress[] = [];
	private readonly rejectedByReason: Record<string, number> = {};
	private readonly samples: Array<{at: number; bytes: number; events: number}> = [];
	private current?: FileProgress;
	/** The derived build's progress (phase 'deriving'), and samples of its counting for the rate. */
	derived?: DerivedProgress;
	private readonly derivedSamples: Array<{at: number; events: number}> = [];

	constructor(
		private readonly startedAt: number,
		private readonly now: () => number = Date.now,
	) {}

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

	snapshot(): IngestSnapshot {
		const at = this.now();
		const total = (pick: (file: FileProgress) => number) => this.files.reduce((sum, file) => sum + pick(file), 0);
		const bytesTotal = total((file) => file.bytesTotal);
		const bytesDone = total((file) => Math.min(file.bytesDone, file.bytesTotal));
		const counts = Object.fromEntries(LINE_COUNTS.map((count) => [count, total((file) => file[count])])) as LineCounts;
		const loaded = counts.loaded;
		// Skipped files count as done for the bytes, but they are not throughput.
		const movingBytes = total((file) => (file.status === 'skipped' ? 0 : file.bytesDone));
		this.samples.push({at, bytes: movingBytes, events: loaded});
		while (this.samples.length > 2 && at - this.samples[0]!.at > RATE_WINDOW_MS) this.samples.shift();
		const first = this.samples[0]!;
		const seconds = (at - first.at) / 1000;
		const bytesPerSecond = seconds > 0 ? (movingBytes - first.bytes) / seconds : 0;
		const eventsPerSecond = seconds > 0 ? (loaded - first.events) / seconds : 0;
		const loading = this.phase === 'loading';
		return {
			...this.derivedSnapshot(at),
			phase: this.phase,
			elapsedMs: at - this.startedAt,
			bytesTotal,
			bytesDone,
			...counts,
			rejectedByReason: {...this.rejectedByReason},
			megabytesPerSecond: bytesPerSecond / 1e6,
			eventsPerSecond,
			etaSeconds: loading && bytesPerSecond > 0 ? (bytesTotal - bytesDone) / bytesPerSecond : undefined,
			currentFile: loading ? this.current?.label : undefined,
			files: this.files.map((file) => ({...file})),
			error: this.error,
		};
	}

	/** The derived build's progress with the counting's ETA (over the same window as the load's rates). */
	private derivedSnapshot(at: number): Pick<IngestSnapshot, 'derived'> {
		const {derived} = this;
		if (this.phase !== 'deriving' || !derived) return {};
		if (derived.step !== 'counting') return {derived: {...derived}};
		this.derivedSamples.push({at, events: derived.eventsDone});
		while (this.derivedSamples.length > 2 && at - this.derivedSamples[0]!.at > RATE_WINDOW_MS) this.derivedSamples.shift();
		const first = this.derivedSamples[0]!;
		const eventsPerSecond = at > first.at ? ((derived.eventsDone - first.events) * 1000) / (at - first.at) : 0;
		const etaSeconds = eventsPerSecond > 0 ? Math.max(0, derived.eventsTotal - derived.eventsDone) / eventsPerSecond : undefined;
		return {derived: {...derived, etaSeconds}};
	}
}
