import {Text} from 'ink';
import {hintLine, type Action, type Scope} from '../keymap.js';

/** The bottom line: the keys of the screen on top, generated from the keymap. */
export function KeyHints({scope, hints}: {scope: Scope; hints?: Partial<Record<Action, string>>}) {
	return (
		<Text dimColor wrap="truncate-end">
			{hintLine(scope, hints)}
		</Text>
	);
}
