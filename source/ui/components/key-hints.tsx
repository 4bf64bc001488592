import {Text} from 'ink';
import {hintLine, type Scope} from '../keymap.js';

/** The bottom line: the keys of the screen on top, generated from the keymap. */
export function KeyHints({scope}: {scope: Scope}) {
	return (
		<Text dimColor wrap="truncate-end">
			{hintLine(scope)}
		</Text>
	);
}
