import {removeWorkdir, stopEmbeddedServer} from '../../../ingest/db/embedded-server.js';
import type {Workdir} from '../../../ingest/db/workdir.js';

/** What stopOnSignals gives: whether a signal came (the stop is then under way), and how to remove its handlers. */
export type SignalStop = {readonly requested: boolean; dispose(): void};

/**
 * A bench stopped by Ctrl-C, SIGTERM or a closed terminal stops its embedded PostgreSQL and removes its
 * workdir (unless `keep`), then exits with 130. Left to the default, the process died at once and the server,
 * in a session of its own, kept running with its cluster (several GB at 10M events). Queries and loads in
 * flight are not awaited: the server's fast stop ends them, and their failures are not the bench's (the
 * bench's own cleanup is to be skipped once `requested`: this one removes the workdir after the server stops).
 */
export function stopOnSignals(workdir: Workdir, keep = false): SignalStop {
	const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
	let requested = false;
	const stop = () => {
		if (requested) return;
		requested = true;
		process.on('uncaughtException', () => {});
		process.stderr.write('\nstopped: stopping the bench\'s PostgreSQL …\n');
		stopEmbeddedServer(workdir)
			.catch((error: unknown) => process.stderr.write(`could not stop it: ${(error as Error).message}\n`))
			.finally(() => {
				if (!keep) removeWorkdir(workdir);
				process.exit(130);
			});
	};
	for (const name of signals) process.on(name, stop);
	return {
		get requested() {
			return requested;
		},
		dispose: () => {
			for (const name of signals) process.off(name, stop);
		},
	};
}
