import type {WriteStream} from 'node:tty';
import {useStdout} from 'ink';

/**
 * Whether the terminal is to get colours, as Node reads it (FORCE_COLOR, NO_COLOR, TERM …): for what is coloured
 * outside Ink's styles (asciichart's escape sequences), which Ink would pass on whatever the setting.
 */
export function useColours(): boolean {
	const {stdout} = useStdout();
	return (stdout as Partial<WriteStream>).hasColors?.() ?? false;
}
