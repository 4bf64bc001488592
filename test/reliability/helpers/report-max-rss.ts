/**
 * Preloaded (`node --import`) into a CLI child process by the memory tests: prints the process's
 * peak resident set size (all threads) on exit, on stderr, for the test to read.
 */
import {MAX_RSS_MARKER} from './cli.js';

process.on('exit', () => {
	process.stderr.write(`${MAX_RSS_MARKER}${process.resourceUsage().maxRSS}\n`);
});
