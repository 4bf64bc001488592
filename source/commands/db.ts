import fs from 'node:fs';
import {ensureDatabaseExists} from '../../ingest/db/database.js';
import {
	connectionUrl,
	embeddedServerStatus,
	missingClusterSentence,
	readPassword,
	staleServerFile,
	startEmbeddedServer,
	stopEmbeddedServer,
	unclaimedClusters,
} from '../../ingest/db/embedded-server.js';
import {acquireWorkdirLock} from '../../ingest/db/workdir-lock.js';
import {resolveWorkdir, writeOwnFile} from '../../ingest/db/workdir.js';
import {redactSecrets, UserError} from '../../ingest/errors.js';
import {formatBytes} from '../format.js';
import {UsageError} from '../usage.js';
import {cancellable, recoveringLine, type Command} from './context.js';

/**
 * `db start` keeps the embedded server running after we exit (for psql, DBeaver, notebooks) and
 * prints its URL; `db stop` stops it; `db status` tells whether it runs and where, and lists the
 * clusters (as root, under /var/lib) that no workdir uses any more.
 */
export const dbCommand: Command = async (context) => {
	const [action] = context.args;
	if (action === undefined) throw new UsageError('db needs an action: openpolyedu-tui db start | stop | status.');
	if (!['start', 'stop', 'status'].includes(action)) throw new UsageError(`Unknown db action "${action}"; use: openpolyedu-tui db start | stop | status.`);
	if (context.databaseUrl) throw new UserError('db start/stop/status manage the embedded server; with --db or DATABASE_URL your own server is in charge.');
	// Only start makes the workdir (with its lock): status and stop of a mistyped --workdir must not make it.
	const workdir = resolveWorkdir(context.flags.workdir);
	if (action === 'start') {
		const release = acquireWorkdirLock(workdir);
		const kept = fs.lstatSync(workdir.keepRunningFile, {throwIfNoEntry: false}) !== undefined;
		try {
			// A start that replays the WAL of an unclean stop takes minutes after a large load: said, and a signal gives it up
			// (killed by Ctrl-C, db start left its marker, and every later run its server running).
			return await cancellable('Cancelled: the embedded PostgreSQL was not started.', async (signal) => {
				// Before the server starts: where it cannot be written (a link in its place), nothing is left running.
				writeOwnFile(workdir.keepRunningFile, 'kept running by: openpolyedu-tui db start\n');
				const server = await startEmbeddedServer(workdir, () => {}, {signal, onRecovery: () => context.stderr.write(recoveringLine)});
				await ensureDatabaseExists(server.url, signal);
				context.stderr.write(server.startedHere ? 'Started the embedded PostgreSQL; it keeps running until: openpolyedu-tui db stop\n' : 'The embedded PostgreSQL was already running.\n');
				// The URL holds the generated password on purpose: it is what the user asked for, on their own terminal.
				context.stdout.write(`${server.url}\n`);
				return 0;
			});
		} catch (error) {
			// A start that failed leaves no marker of its own: the runs after it would leave the server they start running.
			if (!kept) fs.rmSync(workdir.keepRunningFile, {force: true});
			throw error;
		} finally {
			release();
		}
	}
	if (action === 'stop') {
		if (!fs.existsSync(workdir.root)) {
			context.stdout.write(`The embedded PostgreSQL was not running: there is no workdir ${workdir.root}.\n`);
			return 0;
		}
		const release = acquireWorkdirLock(workdir);
		try {
			fs.rmSync(workdir.keepRunningFile, {force: true});
			const stopped = await stopEmbeddedServer(workdir);
			context.stdout.write(stopped ? 'Stopped the embedded PostgreSQL.\n' : 'The embedded PostgreSQL was not running.\n');
			return 0;
		} finally {
			release();
		}
	}
	// db status
	const status = embeddedServerStatus(workdir);
	// A postmaster.pid left by a crash, whose process id another program has now, was said as a server running.
	const stale = status.port === undefined ? undefined : await staleServerFile(status.dataDir);
	if (status.missingLinkTarget !== undefined) context.stdout.write(`${missingClusterSentence(workdir, status.missingLinkTarget)}\n`);
	else if (!status.initialised) context.stdout.write(`No database in ${workdir.root} yet.\n`);
	else if (status.port === undefined) context.stdout.write(`Stopped (cluster in ${status.dataDir}).\n`);
	else if (stale !== undefined) context.stdout.write(`Not running (stale pid file; cluster in ${status.dataDir}): ${stale}\n`);
	else {
		const password = readPassword(workdir) ?? '';
		context.stdout.write(`Running on 127.0.0.1:${status.port} (cluster in ${status.dataDir}): ${redactSecrets(connectionUrl(password, status.port))}\n`);
	}
	for (const cluster of await unclaimedClusters()) {
		const about = `Not used by any workdir: ${cluster.home} (${formatBytes(cluster.bytes)}; last started from ${cluster.owner || 'an unknown workdir'}).`;
		context.stdout.write(
			cluster.port === undefined
				? `${about} A workdir moved away takes it back at its next start; otherwise delete the folder to free the space.\n`
				: `${about} Its server still runs, on port ${cluster.port}: a workdir moved while db start kept it running uses it, and db stop there stops it; do not delete the folder while it runs.\n`,
		);
	}
	return 0;
};
