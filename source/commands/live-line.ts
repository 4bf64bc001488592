import {truncated} from '../format.js';

/** Progress lines on stderr, and the other lines written between them. */
export type LiveLine = {
	/** The latest progress line. */
	show(line: string): void;
	/** A line of its own (a step's announcement), kept above the progress line. */
	print(line: string): void;
	/** Ends a progress line left on a terminal, before anything else is written. */
	end(): void;
};

/** TERM=dumb (Emacs' shell, some IDE consoles): a terminal that cannot move its cursor or erase a line. */
export const cannotMoveCursor = (env: NodeJS.ProcessEnv) => env.TERM === 'dumb';

/**
 * On a terminal, one progress line rewritten in place, cut to the width: a line longer than the terminal wraps and
 * cannot be rewritten, and a new line each second (the ~140 characters of an ingest's) scrolled the screen a pair
 * of lines a second at 80-100 columns. Elsewhere (a pipe, a log file, CI, a terminal that cannot move its cursor,
 * which showed the erase codes) a plain line each time, as pv and rsync write their logs.
 */
export function liveLine(stream: NodeJS.WritableStream & {isTTY?: boolean; columns?: number}, env: NodeJS.ProcessEnv = process.env): LiveLine {
	// One per stream: a line printed by another part of the command (a wait for a lock) goes above the progress line, not into it.
	const known = liveLines.get(stream);
	if (known) return known;
	const line = newLiveLine(stream, stream.isTTY === true && !cannotMoveCursor(env));
	liveLines.set(stream, line);
	return line;
}

const liveLines = new WeakMap<NodeJS.WritableStream, LiveLine>();

function newLiveLine(stream: NodeJS.WritableStream & {columns?: number}, inPlace: boolean): LiveLine {
	let shown = false;
	const end = () => {
		if (shown) stream.write('\n');
		shown = false;
	};
	return {
		show(line) {
			if (!inPlace) {
				stream.write(`${line}\n`);
				return;
			}
			// One column short of the width: a line that fills the last column moves the cursor on in some terminals.
			stream.write(`\r${truncated(line, Math.max(10, (stream.columns ?? 80) - 1))}\u001B[K`);
			shown = true;
		},
		print(line) {
			end();
			stream.write(`${line}\n`);
		},
		end,
	};
}
