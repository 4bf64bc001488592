import {removeWorkdir, stopEmbeddedServer} from '../../../ingest/db/embedded-server.js';
import type {Workdir} from '../../../ingest/db/workdir.js';

/**
 * A bench stopped by Ctrl-C, SIGTERM or a closed terminal stops its embedded PostgreSQL and removes its
 * workdir (unless `keep`), then exits with 130. Left to the default, the process died at once and the server,
 * in a session of its own, kept running with its cluster (several GB at 10M events). Queries and loads in
 * flight are not awaited: the server's fast stop ends them. Returns what removes the handlers.
 */
export function stopOnSignals(workdir: Workdir, keep = false): () => void {
	const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
	const stop = () => {
		process.stderr.write('\nstopped: stopping the bench\'s PostgreSQL …\n');
		stopEmbeddedServer(workdir)
			.catch((error: unknown) => process.stderr.write(`could not stop it: ${(error as Error).message}\n`))
			.finally(() => {
				if (!keep) removeWorkdir(workdir);
				process.exit(130);
			});
	};
	for (const name of signals) process.once(name, stop);
	return () => {
		for (const name of signals) process.off(name, stop);
	};
}
