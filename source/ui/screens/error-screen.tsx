import {Box, Text} from 'ink';
import type {ErrorInfo} from '../state/app-state.js';

/** A failure as words: what happened, the one-sentence cause, and what to do next. */
export function ErrorScreen({error, fatal, width}: {error: ErrorInfo; fatal: boolean; width: number}) {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1} width={Math.min(width, 100)}>
			<Text bold color="red">
				{error.title}
			</Text>
			<Text wrap="wrap">{error.message}</Text>
			<Text> </Text>
			<Text wrap="wrap">{error.hint}</Text>
			<Text dimColor>{fatal ? 'Press q (or Esc) to quit.' : 'Press Esc to go back, q to quit.'}</Text>
		</Box>
	);
}
