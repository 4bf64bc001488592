import {Box, Text} from 'ink';
import {stringWidth} from '../lib/columns.js';
import type {Flash} from '../state/app-state.js';

/**
 * The k9s status bar: breadcrumb on the left, position on the right. A transient message (saved,
 * no match…) comes already wrapped to the width; it takes the breadcrumb's place when it fits beside
 * the position, else the whole bar, so a saved file's name is read whole.
 */
export function StatusBar({left, message, right, width}: {left: string; message?: {lines: string[]; tone: Flash['tone'] | 'busy'}; right?: string; width: number}) {
	// Yellow for what is under way (a save), as the app's other waits.
	const color = message?.tone === 'error' ? 'red' : message?.tone === 'busy' ? 'yellow' : 'green';
	const beside = !message || (message.lines.length === 1 && (!right || stringWidth(message.lines[0] ?? '') + 2 + stringWidth(right) <= width - 1));
	if (message && !beside) {
		return (
			<Box flexDirection="column">
				{message.lines.map((line, index) => (
					<Text key={index} color={color} wrap="truncate-end">
						{line}
					</Text>
				))}
			</Box>
		);
	}
	return (
		<Box width="100%">
			<Box flexGrow={1} flexShrink={1} paddingRight={1}>
				<Text bold={!message} color={message && color} wrap="truncate-end">
					{message ? message.lines[0] : left}
				</Text>
			</Box>
			{right && (
				<Box flexShrink={0}>
					<Text>{right}</Text>
				</Box>
			)}
		</Box>
	);
}
