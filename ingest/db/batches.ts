import type pg from 'pg';

/**
 * Rows are fetched, handled and sent back about this many bytes at a time, so the client's memory stays bounded
 * whatever the log holds: a batch is held several times over (the fetched rows, their normalised copies, the
 * statement's array parameters and its buffers), and 10,000 URLs of 1 KB took the process past 300 MB.
 */
const BATCH_BYTES = 1 << 20;
const BATCH_ROWS = {least: 100, most: 10_000};

/** Calls `handle` with the rows of `query` (text columns) in batches of about BATCH_BYTES, through a cursor (the transaction is open). */
export async function inBatches<Row extends Record<string, string | null>>(client: pg.ClientBase, query: string, handle: (rows: Row[]) => Promise<void>): Promise<void> {
	await client.query(`DECLARE new_values NO SCROLL CURSOR FOR ${query}`);
	let size = BATCH_ROWS.least;
	for (;;) {
		const {rows} = await client.query<Row>(`FETCH ${size} FROM new_values`);
		if (rows.length > 0) await handle(rows);
		if (rows.length < size) break;
		// The next batch's size from this one's mean row length.
		const chars = rows.reduce((sum, row) => sum + Object.values(row).reduce((rowSum, value) => rowSum + (value?.length ?? 0), 0), 0);
		size = Math.min(BATCH_ROWS.most, Math.max(BATCH_ROWS.least, Math.floor(BATCH_BYTES / Math.max(1, chars / rows.length))));
	}
	await client.query('CLOSE new_values');
}
