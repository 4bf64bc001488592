import {Box, Text} from 'ink';
import {wrapProse} from '../../format.js';
import {errorKeys} from '../lib/errors.js';
import type {ErrorInfo, Screen} from '../state/app-state.js';

/**
 * A failure as words: what happened, the one-sentence cause, and what to do next. Wrapped here: Ink began a line
 * with the space after a line that filled the box (" before starting both.").
 */
export function ErrorScreen({error, fatal, back, width}: {error: ErrorInfo; fatal: boolean; back?: Screen; width: number}) {
	const boxWidth = Math.min(width, 100);
	// Inside the border and the padding.
	const lines = (text: string) => wrapProse(text, boxWidth - 4).map((line, index) => <Text key={index}>{line}</Text>);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1} width={boxWidth}>
			<Text bold color="red">
				{error.title}
			</Text>
			{lines(error.message)}
			<Text> </Text>
			{lines(error.hint)}
			<Text dimColor>{errorKeys(fatal, back)}</Text>
		</Box>
	);
}
