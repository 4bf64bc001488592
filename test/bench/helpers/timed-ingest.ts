import type pg from 'pg';
import {runIngest} from '../../../ingest/engine.js';
import type {IngestSummary} from '../../../ingest/progress.js';

/** runIngest of `file`, timed: the load, then the derived tables (the engine builds them right after, announced by the 'deriving' phase). */
export async function timedIngest(databaseUrl: string, pool: pg.Pool, file: string): Promise<{summary: IngestSummary; ingestMs: number; deriveMs: number}> {
	const started = performance.now();
	let derivingAt = 0;
	const summary = await runIngest({
		databaseUrl,
		pool,
		paths: [file],
		onProgress: (snapshot) => {
			if (snapshot.phase === 'deriving' && !derivingAt) derivingAt = performance.now();
		},
	});
	return {summary, ingestMs: derivingAt - started, deriveMs: performance.now() - derivingAt};
}
