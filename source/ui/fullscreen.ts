import {untilExit} from '../../ingest/at-exit.js';

/**
 * The alternate screen buffer (as Shopify's FullScreen does): entered once before the first frame,
 * left by the returned function (called in a finally) or, as a last resort, on process exit.
 * Never re-sent per frame (microsoft/terminal#15958). Bracketed paste is on meanwhile, so a paste
 * comes marked and is typed as text, not read as keys (see createKeyReader); off again for the shell.
 */
const ENTER = '\u001B[?1049h\u001B[H\u001B[?2004h';
const LEAVE = '\u001B[?2004l\u001B[?25h\u001B[?1049l';

export function enterFullScreen(stdout: NodeJS.WriteStream): () => void {
	stdout.write(ENTER);
	return untilExit(() => stdout.write(LEAVE));
}
