import fs from 'node:fs';
import path from 'node:path';
import {setTimeout} from 'node:timers/promises';
import pg from 'pg';
import {parse} from 'pg-connection-string';
import {UserError, redactSecrets} from '../errors.js';
import {diskFullError, type StatePlaces} from '../disk-full.js';
import {DATABASE_NAME, serverFailureSince, serverLogFile, startEmbeddedServer, stopEmbeddedServer, type StartOptions} from './embedded-server.js';
import {giveUpLockWaitsOn, processIdOf, trackBackend, watchLockWaits} from './lock-waits.js';
import {migrate} from './migrations.js';
import type {Workdir} from './workdir.js';

// bigint (count(*), sums) and numeric come back as JS numbers: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export type Database = StatePlaces & {
	/** Full connection string (with password): for worker connections, never for printing. */
	url: string;
	/** The same without the password, for messages. */
	displayUrl: string;
	pool: pg.Pool;
	embedded: boolean;
	/**
	 * Where the derived build keeps its temporary files (a few GB at 10M events): in the workdir, on the
	 * disk chosen for the data, rather than in a system temp folder that may live in memory.
	 */
	scratchDir: string;
	/** See StatePlaces: with --db it says nothing (the server's log is not the app's to read). */
	serverFailure(): string | undefined;
	/** Whether the server dropped one of the pool's connections (stopped, crashed or ended it): why a query failed. */
	connectionLost(): boolean;
	close(): Promise<void>;
};

export type OpenOptions = {
	/** --db or DATABASE_URL; when absent the embedded server of the workdir is used. */
	databaseUrl?: string;
	workdir: Workdir;
	onStep?: (step: string) => void;
	/** Told each migration applied to a database made by an earlier version of the app (see migrate). */
	onUpdate?: (description: string) => void;
	/**
	 * Only a database that already has our tables (a command that reads, given --db): an empty or a foreign one is
	 * refused in one sentence instead of given our 46 tables and answered with zeros (a mistyped database name).
	 */
	existingOnly?: boolean;
	/**
	 * Aborted (Ctrl-C, the app's quit), a start of the embedded server or a connection still being made is given up at
	 * once, and so is, until close, every wait for a lock that another session holds (see giveUpLockWaitsOn).
	 */
	signal?: AbortSignal;
	/** Told each wait for another session's lock that lasts, in words, and undefined once none is left (see watchLockWaits). */
	onLockWait?: (wait: string | undefined) => void;
	/** Told when the embedded server's start replays the WAL of an unclean stop, which can take minutes (see startEmbeddedServer). */
	onRecovery?: () => void;
};

/** Sessions run in UTC so that timestamps without an offset are read as UTC. */
export function clientConfig(url: string): pg.ClientConfig {
	// The URL's own values win over ours, as they did when pg parsed it. Its sslmode means what it means to psql (libpq):
	// `require` encrypts without checking the certificate; pg 8 took it for verify-full, and printed a 10-line
	// SECURITY WARNING on every command. A URL that says uselibpqcompat itself is left to it (both is an error).
	const parsed = parse(url, /[?&]uselibpqcompat=/i.test(url) ? {} : {useLibpqCompat: true});
	return {options: '-c TimeZone=UTC', application_name: 'openpolyedu-tui', connectionTimeoutMillis: connectTimeoutMillis(parsed.connect_timeout as string | undefined), ...(parsed as pg.ClientConfig)};
}

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 30;

/**
 * How long a connection may take, as libpq reads it: the URL's connect_timeout, else PGCONNECT_TIMEOUT, in whole
 * seconds (0 or less: no limit; 1 counts as 2). pg reads neither, and waits as long as the network does: a host that
 * drops the packets held a command (and the app's start) for two minutes, a port that accepts and never answers for ever.
 * Unlike libpq, no value means 30 seconds.
 */
function connectTimeoutMillis(fromUrl: string | undefined): number {
	const given = fromUrl ?? process.env.PGCONNECT_TIMEOUT;
	if (given === undefined || given.trim() === '') return DEFAULT_CONNECT_TIMEOUT_SECONDS * 1000;
	if (!/^\s*[-+]?\d+\s*$/.test(given)) {
		throw new UserError(`connect_timeout (in the --db URL or PGCONNECT_TIMEOUT) must be a whole number of seconds, not "${given}".`);
	}
	const seconds = Number(given);
	return seconds <= 0 ? 0 : Math.max(seconds, 2) * 1000;
}

/** The server process of a connection (what cancelBackends cancels). */
export async function backendPid(client: pg.ClientBase): Promise<number> {
	return (await client.query<{pid: number}>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
}

/**
 * Cancels the statements running on the server processes `pids` (their transactions then fail, for their
 * owners to roll back), from a connection of its own: the pool's may all be busy, with those statements.
 */
export async function cancelBackends(pool: pg.Pool, pids: number[]): Promise<void> {
	const canceller = await ownConnection(pool);
	try {
		await canceller.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) pid', [pids]);
	} finally {
		await canceller.end().catch(() => {});
	}
}

/**
 * While `signal` is not aborted, an abort cancels the statements of the server processes `pids` (read when it
 * happens, so the caller may add to them) with cancelBackends. `settle` stops listening and waits for a cancel
 * already started: its own connection never outlives the caller's work.
 */
export function cancelOnAbort(pool: pg.Pool, signal: AbortSignal | undefined, pids: number[]): {requested(): boolean; settle(): Promise<void>} {
	let cancelling: Promise<void> | undefined;
	const cancel = () => {
		cancelling = cancelBackends(pool, pids).catch(() => {});
	};
	signal?.addEventListener('abort', cancel, {once: true});
	return {
		requested: () => cancelling !== undefined,
		async settle() {
			signal?.removeEventListener('abort', cancel);
			await cancelling;
		},
	};
}

/**
 * A connection to the pool's database that is not one of the pool's (the caller may have sized it to one,
 * or its connections may be busy), connected; the caller ends it. A lost connection also fails the query
 * that uses it, which reports it: its 'error' events are not also thrown.
 */
export async function ownConnection(pool: pg.Pool, signal?: AbortSignal): Promise<pg.Client> {
	const client = await connected(new pg.Client(pool.options), signal);
	// One of the pool's for the watch of lock waits, until it ends.
	client.once('end', trackBackend(pool, processIdOf(client)));
	return client;
}

/**
 * `client`, connected; when it cannot be, it is ended (its socket too) and the error thrown. A cancel gives up on a
 * server that is slow to answer (a connect waits up to the connect timeout). Its 'error' events are not thrown: a lost
 * connection fails the query that uses it, which reports it.
 */
async function connected(client: pg.Client, signal: AbortSignal | undefined): Promise<pg.Client> {
	signal?.throwIfAborted();
	client.on('error', () => {});
	const giveUp = () => client.connection.stream.destroy();
	signal?.addEventListener('abort', giveUp, {once: true});
	try {
		await client.connect();
		return client;
	} catch (error) {
		await client.end().catch(() => {});
		throw error;
	} finally {
		signal?.removeEventListener('abort', giveUp);
	}
}

export async function ensureDatabaseExists(url: string, signal?: AbortSignal): Promise<void> {
	const target = new URL(url);
	const admin = await connected(new pg.Client(clientConfig(Object.assign(new URL(url), {pathname: '/postgres'}).toString())), signal);
	try {
		const name = decodeURIComponent(target.pathname.slice(1)) || DATABASE_NAME;
		const {rowCount} = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
		if (!rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
	} finally {
		await admin.end();
	}
}

/**
 * Why a server could not be reached, in a sentence; `embedded`: the workdir's own server, whose URL the user never
 * wrote (a timeout's advice to check its host and port and give it a connect_timeout made no sense there).
 */
function describeConnectionError(error: unknown, displayUrl: string, embedded?: Workdir): UserError {
	const message = error instanceof Error ? error.message : String(error);
	const waited = `no answer in ${clientConfig(displayUrl).connectionTimeoutMillis! / 1000} seconds`;
	// pg's words for a URL without a password where the server asks for one: "SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string".
	const reason = /client password must be a string/.test(message)
		? 'the server asks for a password and none was given; put it in the URL (postgres://user:password@host/database) or in PGPASSWORD'
		: message !== 'timeout expired' // pg's words when its connect timeout ends the attempt
			? redactSecrets(message)
			: embedded
				? `${waited} from the embedded PostgreSQL, whose process runs (too busy, or stuck: see ${serverLogFile(embedded)}); run again, or give it longer with the environment variable PGCONNECT_TIMEOUT (in seconds)`
				: `${waited}; check the host and port, or give the URL a longer connect_timeout (in seconds)`;
	return new UserError(`Cannot reach the database at ${displayUrl}: ${reason}.`);
}

/**
 * Tracking logs are UTF-8 JSON with any script in them (Cyrillic course names, learners' answers): a database in
 * another encoding refused them half-way through a load (SQL_ASCII: "conversion between UTF8 and SQL_ASCII is not
 * supported", which a second ingest met again) or in a migration (LATIN1).
 */
async function checkEncoding(client: pg.ClientBase, displayUrl: string): Promise<void> {
	const {rows: [{encoding}]} = await client.query<{encoding: string}>(`SELECT current_setting('server_encoding') AS encoding`);
	if (encoding !== 'UTF8') {
		throw new UserError(
			`The database at ${displayUrl} stores text as ${encoding}, and tracking logs need UTF8: use a database made with CREATE DATABASE name ENCODING 'UTF8' TEMPLATE template0.`,
		);
	}
}

/** A failure of the connection itself, not the server's answer to what was asked on it. */
function isConnectionFailure(error: unknown): boolean {
	// SQLSTATE class 08 (connection exception) and 57P (the server shutting down or crashed); anything else the server said is an answer.
	return !(error instanceof pg.DatabaseError) || /^(08|57P)/.test(error.code ?? '');
}

const INSUFFICIENT_PRIVILEGE = '42501';

/** What the database refused or failed while its tables were made or checked. */
function describeSetupError(error: unknown, displayUrl: string): UserError {
	const message = redactSecrets(error instanceof Error ? error.message : String(error));
	if ((error as {code?: string}).code === INSUFFICIENT_PRIVILEGE) {
		return new UserError(
			`The database at ${displayUrl} does not let its user make our tables (${message}): give the user a database of its own (CREATE DATABASE name OWNER user) or CREATE on its schema public, which PostgreSQL 15 and later grant to the database's owner only.`,
		);
	}
	return new UserError(`The database at ${displayUrl} could not be prepared for openpolyedu-tui: ${message}.`);
}

/**
 * PostgreSQL's "the database system is starting up / shutting down", and what a connection gets from a server
 * caught further into its shutdown: reset while it closes, or refused once it has.
 */
const SERVER_BETWEEN_STATES = new Set(['57P03', 'ECONNRESET', 'ECONNREFUSED']);

/**
 * The URL of the workdir's embedded server, with our database in it. A server left running by a killed run is
 * adopted (and stopped like one we started); one caught starting up or shutting down (another process's, just
 * done) is waited for and started again, not reported as a crash. A cancel gives up the start and the waits, and
 * stops a server this call started.
 */
async function startedEmbedded(workdir: Workdir, onStep: (step: string) => void, options: StartOptions): Promise<{url: string; dataDir: string}> {
	const {signal} = options;
	for (let attempt = 1; ; attempt++) {
		const {url, dataDir, startedHere} = await startEmbeddedServer(workdir, onStep, options);
		try {
			await ensureDatabaseExists(url, signal);
			// A marker with no server running was left by a db start killed before its server came up (or by a restart
			// of the machine): every run after it left the server it started running.
			if (startedHere) fs.rmSync(workdir.keepRunningFile, {force: true});
			return {url, dataDir};
		} catch (error) {
			if (!signal?.aborted) {
				const code = (error as {code?: string}).code ?? '';
				if (!SERVER_BETWEEN_STATES.has(code) || attempt === 40) throw describeConnectionError(error, redactSecrets(url), workdir);
				// Ended early by a cancel, which is then seen below.
				await setTimeout(250, undefined, {signal}).catch(() => {});
				if (!signal?.aborted) continue;
			}
			if (startedHere) await stopEmbeddedServer(workdir).catch(() => {});
			signal?.throwIfAborted();
			throw error;
		}
	}
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
	const {workdir} = options;
	const onStep = options.onStep ?? (() => {});
	const {signal} = options;
	const server = options.databaseUrl === undefined ? await startedEmbedded(workdir, onStep, {signal, onRecovery: options.onRecovery}) : undefined;
	const url = options.databaseUrl ?? server!.url;
	// Only the embedded server's log is the app's to read, and only from here on.
	const serverFailure = server ? serverFailureSince(workdir) : () => undefined;
	const displayUrl = redactSecrets(url);
	const pool = new pg.Pool({...clientConfig(url), max: 4});
	const lockWaits = watchLockWaits(pool, options.onLockWait ?? (() => {}));
	const keepWaiting = giveUpLockWaitsOn(pool, signal);
	// Before the pool ends (the watch asks on a connection of its own) and the server stops.
	const stopWatching = async () => {
		keepWaiting();
		await lockWaits.stop();
	};
	// An idle client that loses its server must not crash the process; the next query reports it.
	pool.on('error', () => {});
	// Nor one in use (the pool listens only to idle ones): its query fails, and its owner reports that.
	let connectionLost = false;
	pool.on('connect', (client) => client.on('error', () => (connectionLost = true)));
	const embedded = server !== undefined;
	// A server kept running by `db start` stays up for psql, notebooks and the next run.
	const stopUnlessKept = async () => {
		if (embedded && !fs.existsSync(workdir.keepRunningFile)) await stopEmbeddedServer(workdir);
	};
	// Not "applying migrations" until connected: a --db server that does not answer was waited for under that name.
	onStep('connecting to the database');
	let client: pg.Client | undefined;
	try {
		// Not from the pool: a pool drops a client that failed to connect without closing its socket, and a server
		// that asked for a password none was given kept the process alive until its authentication_timeout (60 s).
		client = await ownConnection(pool, signal);
		onStep('applying migrations');
		await checkEncoding(client, displayUrl);
		if (options.existingOnly) {
			const {rows} = await client.query<{ours: boolean}>(`SELECT to_regclass('schema_version') IS NOT NULL AS ours`);
			if (!rows[0]!.ours) throw new UserError(`The database at ${displayUrl} holds no openpolyedu-tui data: load logs into it first (openpolyedu-tui ingest FILE… --db URL), or check the URL.`);
		}
		// A cancel stops a migration that takes long (one reads every event: 35 s at 10M): it rolls back, and runs again
		// at the next start. Ctrl-C and the app's quit waited for it.
		const cancellation = cancelOnAbort(pool, signal, [processIdOf(client)]);
		try {
			await migrate(client, options.onUpdate);
		} finally {
			await cancellation.settle();
		}
	} catch (error) {
		await client?.end().catch(() => {});
		await stopWatching();
		await pool.end().catch(() => {});
		// As close() would: a database refused (one a newer version migrated) or failed in a migration left the server running.
		await stopUnlessKept().catch(() => {});
		if (error instanceof UserError) throw error;
		// A migration that needs room (or a server that stops on a PANIC for want of it).
		const diskFull = diskFullError(error, {dataDir: server?.dataDir, serverFailure}, {outcome: 'the database could not be prepared', retry: 'run again'});
		if (diskFull) throw diskFull;
		// Connected, then refused or failed: not a server out of reach (a user without CREATE on public read as one).
		throw client && !isConnectionFailure(error) ? describeSetupError(error, displayUrl) : describeConnectionError(error, displayUrl, embedded ? workdir : undefined);
	}
	await client.end();
	return {
		url,
		displayUrl,
		pool,
		embedded,
		dataDir: server?.dataDir,
		scratchDir: path.join(workdir.root, 'tmp'),
		serverFailure,
		connectionLost: () => connectionLost,
		async close() {
			await stopWatching();
			await pool.end().catch(() => {});
			await stopUnlessKept();
		},
	};
}
