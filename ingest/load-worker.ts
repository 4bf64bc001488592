import {parentPort, workerData} from 'node:worker_threads';
import pg from 'pg';
import {clientConfig} from './db/database.js';
import {processIdOf} from './db/lock-waits.js';
import {parseChunk, releaseChunk, storeChunk, type ChunkJob, type ChunkStats} from './chunk-loader.js';

/**
 * A loader thread: parses chunks of lines and COPYs them over its own connection, so that parsing
 * (the client's main cost) runs on several cores beside the reading thread.
 */
/** A job, or the cancel: the chunks not begun yet are dropped unstored. */
export type WorkerRequest = {id: number; job: ChunkJob} | {cancel: true};
/**
 * A chunk's buffer goes back to the reading thread, which fills it again (see LineChunker); its stats
 * are undefined when it was dropped by a cancel.
 */
export type WorkerReply =
	| {id: number; ok: true; stats?: ChunkStats; buffer: ArrayBuffer}
	| {id: number; ok: false; message: string; code?: string};
/** Sent once connected: the thread's server process, for the watch of lock waits (see LoaderPool). */
export type WorkerBackend = {backend: number};

const {databaseUrl} = workerData as {databaseUrl: string};
const client = new pg.Client(clientConfig(databaseUrl));
let broken: Error | undefined;
client.on('error', (error) => {
	broken = error;
});
const ready = client.connect().then(async () => {
	parentPort!.postMessage({backend: processIdOf(client)} satisfies WorkerBackend);
	await client.query('SET synchronous_commit = off');
});
ready.catch(() => {}); // reported with the first chunk

// Parsing starts as soon as a chunk arrives; storing goes one chunk at a time, in arrival order. So
// the thread parses the next chunk while PostgreSQL is busy with the previous one.
let queue: Promise<void> = Promise.resolve();
// Set by a cancel: the chunk being stored commits, the ones queued behind it are not stored after it.
let cancelled = false;
parentPort!.on('message', (request: WorkerRequest) => {
	if ('cancel' in request) {
		cancelled = true;
		return;
	}
	const parsed = parseChunk(request.job);
	parsed.catch(() => {}); // reported in order, below
	queue = queue.then(async () => {
		try {
			await ready;
			if (broken) throw broken;
			const chunk = await parsed;
			const stats = cancelled ? undefined : await storeChunk(client, request.job, chunk);
			releaseChunk(chunk);
			const buffer = request.job.data.buffer as ArrayBuffer;
			parentPort!.postMessage({id: request.id, ok: true, stats, buffer} satisfies WorkerReply, [buffer]);
		} catch (error) {
			const {message, code} = error as {message: string; code?: string};
			parentPort!.postMessage({id: request.id, ok: false, message, code} satisfies WorkerReply);
		}
	});
});
