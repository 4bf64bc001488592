import pg from 'pg';
import {ADVISORY_WAITS} from './advisory-locks.js';

/**
 * Waits of the app's statements for locks that other sessions hold. On a shared --db server anyone's open transaction
 * on our tables (a psql left `idle in transaction` after a SELECT, an index being built, a LOCK TABLE) or another
 * openpolyedu-tui's migration makes a statement of ours wait, for as long as the other session likes: an ingest sat at
 * "0 events/s", a reset or a migration said nothing, and Ctrl-C was not heard until the other session let go (a
 * reset then deleted everything and exited 0). A pool watched here says whom it waits for, and gives the waits up when
 * asked to (giveUpLockWaitsOn).
 */

/** Once a second: a wait is said when seen twice (so at 1-2 s), and given up on a cancel at once. */
const POLL_MS = 1000;

type Watch = {
	/** The server processes of the pool's connections, of ownConnection's on it and of the loader threads'. */
	backends: Set<number>;
	/** While one of them is aborted, every wait of ours for another session's lock is cancelled. */
	givingUp: Set<AbortSignal>;
	poll(): void;
};

const watches = new WeakMap<pg.Pool, Watch>();

/** A connected client's server process (pg keeps it from the connection's start, without a query). */
export const processIdOf = (client: pg.ClientBase) => (client as pg.ClientBase & {processID: number}).processID;

/** Counts `pid` as one of the watched pool's connections until the returned function is called (no-op on a pool not watched). */
export function trackBackend(pool: pg.Pool, pid: number): () => void {
	const watch = watches.get(pool);
	if (!watch) return () => {};
	watch.backends.add(pid);
	return () => watch.backends.delete(pid);
}

/**
 * From the moment `signal` aborts until the returned function is called, every statement of the watched pool's that
 * waits for a lock another session holds is cancelled (its transaction then fails, for its owner to roll back as on
 * any cancel): a cancel is not kept waiting by someone else's transaction. Waits on the pool's own connections (a
 * build's locks) end by themselves and are left alone.
 */
export function giveUpLockWaitsOn(pool: pg.Pool, signal: AbortSignal | undefined): () => void {
	const watch = watches.get(pool);
	if (!watch || !signal) return () => {};
	watch.givingUp.add(signal);
	const now = () => watch.poll();
	if (signal.aborted) now();
	else signal.addEventListener('abort', now, {once: true});
	return () => {
		watch.givingUp.delete(signal);
		signal.removeEventListener('abort', now);
	};
}

/** What a statement of ours that waits for another session's lock then cancelled was: a cancel's doing, not a failure. */
export function isGivenUp(error: unknown, signal: AbortSignal | undefined): boolean {
	return signal?.aborted === true && (error as {code?: string}).code === QUERY_CANCELED;
}

const QUERY_CANCELED = '57014';

type WaitRow = {waiter: number; holder: number; user: string | null; application: string | null; state: string | null; relation: string | null; row: boolean; advisory: string | null};

/**
 * Each wait of `$1`'s processes for a lock that a process not among them holds (pg_blocking_pids: the holders, and those
 * queued ahead for a lock that conflicts), with what it waits on: the relation of a lock not granted, or of the tuple a
 * row lock's wait holds, or the number of an advisory lock not granted (a bigint key: its high and low halves). Another
 * user's session shows no state (pg_stat_activity hides it without pg_read_all_stats).
 * `$2`: those waits are also cancelled, in the same statement (a wait that has just ended is not cancelled instead).
 */
const WAITS = `
SELECT w.pid AS waiter, h.pid AS holder, h.usename AS "user", h.application_name AS application, h.state,
	l.relation::regclass::text AS relation, l.locktype = 'tuple' AS row, l.advisory,
	CASE WHEN $2 THEN pg_cancel_backend(w.pid) END AS cancelled
FROM pg_stat_activity w
CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocking(pid)
JOIN pg_stat_activity h ON h.pid = blocking.pid
LEFT JOIN LATERAL (
	SELECT relation, locktype, CASE WHEN locktype = 'advisory' AND objsubid = 1 THEN (classid::int8 << 32) | objid::int8 END AS advisory FROM pg_locks
	WHERE pid = w.pid AND (relation IS NOT NULL OR locktype = 'advisory') AND (NOT granted OR locktype = 'tuple') ORDER BY granted LIMIT 1
) l ON true
WHERE w.pid = ANY($1) AND w.wait_event_type = 'Lock' AND h.pid <> ALL($1)
ORDER BY w.pid, h.pid`;

/**
 * The first wait of `rows` in words: "a lock on events held by another session (server process 4321: psql, user bob, idle
 * in transaction)"; an advisory lock of the app's by what it guards ("the lock of the derived tables' build").
 */
function describeWait(rows: WaitRow[]): string {
	const first = rows[0]!;
	const holders = rows.filter((row) => row.waiter === first.waiter);
	// pg gives a bigint as text.
	const advisory = first.advisory === null ? undefined : ADVISORY_WAITS.get(Number(first.advisory));
	const on = first.relation === null ? (advisory ?? 'a lock') : first.row ? `a lock on a row of ${first.relation}` : `a lock on ${first.relation}`;
	const ours = first.application === 'openpolyedu-tui';
	const facts = [ours ? '' : first.application, first.user === null ? '' : `user ${first.user}`, first.state ?? ''].filter(Boolean);
	const holder = `${ours ? 'another openpolyedu-tui' : 'another session'} (server process ${first.holder}${facts.length > 0 ? `: ${facts.join(', ')}` : ''})`;
	return `${on} held by ${holder}${holders.length > 1 ? ` and ${holders.length - 1} more` : ''}`;
}

/**
 * Watches `pool` until `stop`: its connections (and those tracked with trackBackend) are checked once a second, from a
 * connection of the watch's own, for waits on other sessions' locks. `onWait` is told each one that lasts (seen twice in
 * a row), in words (see describeWait), and undefined once none is left. Nothing here ever fails the caller: a watch
 * that cannot connect or ask tries again at the next check.
 */
export function watchLockWaits(pool: pg.Pool, onWait: (wait: string | undefined) => void): {stop(): Promise<void>} {
	const backends = new Set<number>();
	pool.on('connect', (client) => backends.add(processIdOf(client)));
	pool.on('remove', (client) => backends.delete(processIdOf(client)));
	let client: pg.Client | undefined;
	// The watch's connection while it is made: stop gives it up (a server that does not answer held it 30 s).
	let connecting: pg.Client | undefined;
	let running: Promise<void> | undefined;
	let again = false;
	let stopped = false;
	let seen: string | undefined;
	let said: string | undefined;
	const check = async () => {
		// Nothing to watch (a cancel before the first connection was made): no connection of the watch's either.
		if (backends.size === 0) return;
		const giveUp = [...watch.givingUp].some((signal) => signal.aborted);
		if (!client) {
			const made = (connecting = new pg.Client(pool.options));
			made.on('error', () => {});
			try {
				await made.connect();
			} catch {
				await made.end().catch(() => {});
				return;
			} finally {
				connecting = undefined;
			}
			client = made;
			if (stopped) return;
		}
		let rows: WaitRow[];
		try {
			({rows} = await client.query<WaitRow>(WAITS, [[...backends], giveUp]));
		} catch {
			// A lost connection: another one at the next check.
			const lost = client;
			client = undefined;
			await lost.end().catch(() => {});
			return;
		}
		const wait = rows.length > 0 && !giveUp ? describeWait(rows) : undefined;
		if (wait === seen && wait !== said) onWait((said = wait));
		seen = wait;
	};
	const poll = () => {
		if (stopped) return;
		if (running) {
			again = true;
			return;
		}
		running = check().finally(() => {
			running = undefined;
			if (again) {
				again = false;
				poll();
			}
		});
	};
	const watch: Watch = {backends, givingUp: new Set(), poll};
	watches.set(pool, watch);
	const timer = setInterval(poll, POLL_MS);
	// Never what keeps the process alive.
	timer.unref();
	return {
		async stop() {
			stopped = true;
			clearInterval(timer);
			watches.delete(pool);
			connecting?.connection.stream.destroy();
			await running;
			await client?.end().catch(() => {});
		},
	};
}
