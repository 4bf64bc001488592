import {Worker} from 'node:worker_threads';
import type {ChunkJob, ChunkStats} from './chunk-loader.js';
import {recycleChunkBuffer} from './line-chunker.js';
import type {WorkerBackend, WorkerReply, WorkerRequest} from './load-worker.js';

/** Errors from the database side of a worker (lost connection, server stopped): fatal for the ingest. */
export class LoaderError extends Error {
	override name = 'LoaderError';
	constructor(
		message: string,
		readonly code?: string,
	) {
		super(message);
	}
}

/**
 * Keeps each thread's heap small (V8 would otherwise let it grow far beyond what a chunk needs):
 * a chunk is at most 4 MB plus one line of at most --max-line-bytes (16 MiB by default).
 */
const WORKER_HEAP = {maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128};

type Slot = {worker: Worker; inFlight: number; failure?: Error};
type Waiter = {resolve: (stats: ChunkStats | undefined) => void; reject: (error: Error) => void; slot: Slot};

/** A few loader threads, each with its own database connection; jobs go to the least busy one. */
export class LoaderPool {
	private readonly slots: Slot[];
	private readonly waiting = new Map<number, Waiter>();
	private readonly capacityWaiters: Array<() => void> = [];
	private nextId = 1;
	private readonly maxInFlight: number;

	/** `onBackend` is told each thread's server process once it has connected. */
	constructor(databaseUrl: string, size: number, onBackend: (pid: number) => void = () => {}) {
		this.maxInFlight = size * 2;
		this.slots = Array.from({length: size}, () => {
			const slot: Slot = {worker: new Worker(new URL('./load-worker.js', import.meta.url), {workerData: {databaseUrl}, resourceLimits: WORKER_HEAP}), inFlight: 0};
			slot.worker.on('message', (reply: WorkerReply | WorkerBackend) => ('backend' in reply ? onBackend(reply.backend) : this.settle(reply)));
			slot.worker.on('error', (error) => this.failSlot(slot, error));
			slot.worker.on('exit', () => this.failSlot(slot, new Error('a loader thread stopped')));
			return slot;
		});
	}

	get busy(): number {
		return this.slots.reduce((sum, slot) => sum + slot.inFlight, 0);
	}

	/** Resolves when another job may be queued (bounded memory: at most two chunks per thread in flight). */
	async capacity(): Promise<void> {
		while (this.busy >= this.maxInFlight) await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
	}

	/** Stores a chunk; resolves with undefined when a cancel dropped it before it was begun. */
	run(job: ChunkJob): Promise<ChunkStats | undefined> {
		const slot = this.slots.reduce((best, candidate) => (candidate.inFlight < best.inFlight ? candidate : best));
		if (slot.failure) return Promise.reject(new LoaderError(slot.failure.message));
		const id = this.nextId++;
		slot.inFlight++;
		return new Promise((resolve, reject) => {
			this.waiting.set(id, {resolve, reject, slot});
			// The chunk's buffer is its own (see LineChunker), so it moves to the thread without a copy.
			slot.worker.postMessage({id, job} satisfies WorkerRequest, [job.data.buffer as ArrayBuffer]);
		});
	}

	/**
	 * Drops the queued chunks: each thread finishes the one it is storing, so a cancel waits for one
	 * chunk per thread rather than for all in flight (up to two per thread, 5,000 lines each).
	 */
	cancel(): void {
		for (const slot of this.slots) slot.worker.postMessage({cancel: true} satisfies WorkerRequest);
	}

	private settle(reply: WorkerReply): void {
		const waiter = this.waiting.get(reply.id);
		if (!waiter) return;
		this.waiting.delete(reply.id);
		waiter.slot.inFlight--;
		if (reply.ok) {
			recycleChunkBuffer(reply.buffer);
			waiter.resolve(reply.stats);
		} else waiter.reject(new LoaderError(reply.message, reply.code));
		this.capacityWaiters.shift()?.();
	}

	private failSlot(slot: Slot, error: Error): void {
		slot.failure ??= error;
		for (const [id, waiter] of this.waiting) {
			if (waiter.slot !== slot) continue;
			this.waiting.delete(id);
			slot.inFlight--;
			waiter.reject(new LoaderError(error.message));
		}
		for (const wake of this.capacityWaiters.splice(0)) wake();
	}

	async close(): Promise<void> {
		await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
	}
}
