import {untilExit} from '../../ingest/at-exit.js';

/**
 * The alternate screen buffer (as Shopify's FullScreen does): entered once before the first frame,
 * left by the returned function (called in a finally) or, as a last resort, on process exit.
 * Never re-sent per frame (microsoft/terminal#15958).
 */
const ENTER = '\u001B[?1049h\u001B[H';
const LEAVE = '\u001B[?25h\u001B[?1049l';

export function enterFullScreen(stdout: NodeJS.WriteStream): () => void {
	stdout.write(ENTER);
	return untilExit(() => stdout.write(LEAVE));
}
