/**
 * The advisory locks the app takes on a database, by number: one list, so that no two share a number (a clash, in a
 * change under way, had a process wait for a lock of its own), and so that a wait for one is said by what it guards.
 */

/** Held while the migrations run (see migrate): a second process waits for the first to finish them. */
export const MIGRATION_LOCK = 7_240_001;
/** Held by an ingest for its whole load (see runIngest); only ever tried, never waited for. */
export const INGEST_LOCK = 7_240_002;
/**
 * Held by a chunk storing rejected lines until it commits, so that those of one line (its key: bytes, reason and detail)
 * are settled one chunk at a time: two chunks in parallel would each see none of the other's and both keep theirs.
 */
export const REJECTED_LINES_LOCK = 7_240_003;
/** Serialises builds of the derived tables of one database (two processes sharing a --db server). */
export const REFRESH_LOCK = 7_240_100;

/** REFRESH_LOCK in words: the build's progress says it too while it waits for it (see DERIVED_STEPS). */
export const REFRESH_LOCK_NAME = "the lock of the derived tables' build";

/** A wait for one of the locks another process holds for long, in words (see lock-waits' describeWait). */
export const ADVISORY_WAITS: ReadonlyMap<number, string> = new Map([
	[MIGRATION_LOCK, "the lock of the database's update"],
	[REFRESH_LOCK, REFRESH_LOCK_NAME],
]);
