import {Box, Text} from 'ink';
import type {Flash} from '../state/app-state.js';

/**
 * The k9s status bar: breadcrumb on the left, position on the right; a transient message (saved,
 * no match…) takes the breadcrumb's place while it lasts, so a long file path stays readable.
 */
export function StatusBar({left, flash, right}: {left: string; flash?: Flash; right?: string}) {
	return (
		<Box width="100%">
			<Box flexGrow={1} flexShrink={1} paddingRight={1}>
				{flash ? (
					<Text color={flash.tone === 'error' ? 'red' : 'green'} wrap="truncate-middle">
						{flash.text}
					</Text>
				) : (
					<Text bold wrap="truncate-end">
						{left}
					</Text>
				)}
			</Box>
			{right && (
				<Box flexShrink={0}>
					<Text>{right}</Text>
				</Box>
			)}
		</Box>
	);
}
