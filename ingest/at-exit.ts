/**
 * Wraps a cleanup (release a lock, leave the alternate screen) so that it runs once: when called,
 * or at the latest when the process exits.
 */
export function untilExit(cleanup: () => void): () => void {
	let done = false;
	const run = () => {
		if (done) return;
		done = true;
		process.off('exit', run);
		cleanup();
	};
	process.on('exit', run);
	return run;
}
