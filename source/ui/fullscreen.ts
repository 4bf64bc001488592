/**
 * The alternate screen buffer (as Shopify's FullScreen does): entered once before the first frame,
 * left on every exit path — normal quit, error, Ctrl-C (a key in raw mode, handled by the app),
 * SIGTERM/SIGHUP, and process exit. Never re-sent per frame (microsoft/terminal#15958).
 */
const ENTER = '\u001B[?1049h\u001B[H';
const LEAVE = '\u001B[?25h\u001B[?1049l';

export function enterFullScreen(stdout: NodeJS.WriteStream): () => void {
	stdout.write(ENTER);
	let left = false;
	const leave = () => {
		if (left) return;
		left = true;
		process.off('exit', leave);
		for (const [signal, handler] of signalHandlers) process.off(signal, handler);
		stdout.write(LEAVE);
	};
	// A signal ends the process at once: the load is crash-safe (it resumes), so only the screen needs care.
	const signalHandlers = (['SIGTERM', 'SIGHUP'] as const).map((signal) => {
		const handler = () => {
			leave();
			process.exit(signal === 'SIGTERM' ? 143 : 129);
		};
		process.on(signal, handler);
		return [signal, handler] as const;
	});
	process.on('exit', leave);
	return leave;
}
