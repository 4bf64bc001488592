import {Text} from 'ink';
import {hintLine, type Action, type Scope} from '../keymap.js';

/** The bottom line: the keys of the screen on top, generated from the keymap, as many as fit `width`. */
export function KeyHints({scope, hints, width}: {scope: Scope; hints?: Partial<Record<Action, string>>; width: number}) {
	return (
		<Text dimColor wrap="truncate-end">
			{hintLine(scope, hints, width)}
		</Text>
	);
}
