import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type pg from 'pg';
import {HintBitReader} from '../../ingest/hint-bits.js';
import {openTestDatabase} from '../helpers/ingest.js';

/** Committed rows of about 1 KB in `transactions` transactions, as a load's chunks commit them. */
async function insertRows(pool: pg.Pool, transactions: number, rows: number): Promise<void> {
	const xids: bigint[] = [];
	for (let chunk = 0; chunk < transactions; chunk++) {
		const {rows: [inserted]} = await pool.query<{xid: string}>(
			`WITH inserted AS (
			   INSERT INTO events (event_hash, file_id, line_no, load_id, event_type, event)
			   SELECT gen_random_uuid(), 1, g, 1, 'play_video', jsonb_build_object('pad', repeat('x', 1000)) FROM generate_series(1, $1) g
			   RETURNING 1)
			 SELECT pg_current_xact_id()::text AS xid FROM inserted LIMIT 1`,
			[rows],
		);
		xids.push(BigInt(inserted!.xid));
	}
	await closeCommitGroups(pool, xids);
	// Rows are marked as committed only once their commit is on disk (commits here are asynchronous); a
	// checkpoint puts it there, and writes the pages out as a load's COPY does.
	await pool.query('CHECKPOINT');
}

/** Transaction ids share one commit position in groups of 32 (PostgreSQL's clog keeps one per group). */
const COMMIT_GROUP = 32n;

/**
 * Waits until no other transaction can commit into the commit groups of `xids`. A row is marked only once the latest
 * commit of its group is on disk: other test files' transactions, given ids among ours, committed (asynchronously)
 * after the checkpoint and before the reader's read, whose marks the server then refused (seen in CI, 28 pages left;
 * here once in four runs beside a file of long transactions and big inserts).
 */
async function closeCommitGroups(pool: pg.Pool, xids: bigint[]): Promise<void> {
	const first = (xids[0]! / COMMIT_GROUP) * COMMIT_GROUP;
	const end = (xids.at(-1)! / COMMIT_GROUP + 1n) * COMMIT_GROUP;
	// Ids are handed out in order: once one past the last group is taken, no transaction gets one in them.
	while (BigInt((await pool.query<{xid: string}>('SELECT pg_current_xact_id()::text AS xid')).rows[0]!.xid) < end);
	// backend_xid has no epoch (a fresh cluster's is 0).
	for (;;) {
		const {rows: [running]} = await pool.query<{count: number}>(
			`SELECT count(*)::int AS count FROM pg_stat_activity
			 WHERE backend_xid::text::bigint >= $1 % 4294967296 AND backend_xid::text::bigint < $2 % 4294967296`,
			[first, end],
		);
		if (running!.count === 0) return;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** The pages a full read of the events marks (and so writes again). */
async function pagesDirtiedByAScan(pool: pg.Pool): Promise<number> {
	const {rows} = await pool.query<{'QUERY PLAN': Array<{Plan: {'Shared Dirtied Blocks': number}}>}>(
		'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT count(*) FROM events',
	);
	return rows[0]!['QUERY PLAN'][0]!.Plan['Shared Dirtied Blocks'];
}

describe('the hint-bit reader', async () => {
	const database = await openTestDatabase('hint_bits');

	it('marks what the load committed, so that the build\'s first read rewrites no page of it', async (t) => {
		const {pool} = database;
		// Autovacuum's vacuum or analyze of the new rows (a thousand inserted) would mark them before the first scan,
		// which then dirtied no page: the check below failed now and then on a busy server (fresh-clone runs).
		await pool.query('ALTER TABLE events SET (autovacuum_enabled = false)');
		// Unread, committed rows: the first scan marks them, and dirties every page.
		await insertRows(pool, 5, 200);
		// Still, now and then (once in a few dozen full runs beside the other test files) the server had marked them
		// before: then the reader cannot be told from its absence here, and the test says so instead of failing.
		const dirtied = await pagesDirtiedByAScan(pool);
		if (dirtied < 25) {
			t.skip(`skipped: the rows were marked before the first scan (${dirtied} pages dirtied), so the reader cannot be checked in this run`);
			return;
		}
		assert.equal(await pagesDirtiedByAScan(pool), 0, 'the second scan finds them marked');
		// A load: the reader starts at the table's end, and reads what was committed after it.
		const reader = await HintBitReader.start(pool);
		await insertRows(pool, 5, 200);
		await reader.finish();
		assert.equal(await pagesDirtiedByAScan(pool), 0, 'the reader marked every page the load wrote');
	});
});
