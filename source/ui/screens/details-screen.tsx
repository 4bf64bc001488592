import {Box, Text} from 'ink';
import type {TaskDefinition} from '../../tasks/types.js';
import {detailsView, type DetailLine} from '../lib/task-details.js';

/** A task's whole definition (the menu and the form show its first sentence), scrolled to its line `top`. */
export function DetailsScreen({task, top, width, height}: {task: TaskDefinition; top: number; width: number; height: number}) {
	const {name, position, lines, start} = detailsView(task, top, width, height);
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate-end">
				<Text bold>{name}</Text>
				<Text dimColor>{position}</Text>
			</Text>
			{lines.map((line, index) => (
				<DetailText key={start + index} line={line} />
			))}
		</Box>
	);
}

function DetailText({line}: {line: DetailLine}) {
	const bold = line.bold ?? 0;
	// A blank line as a space: an empty Text takes no line.
	return (
		<Text wrap="truncate-end" bold={line.tone === 'title' || line.tone === 'heading'} color={line.tone === 'heading' ? 'cyan' : undefined} dimColor={line.tone === 'dim'}>
			{bold > 0 && <Text bold>{line.text.slice(0, bold)}</Text>}
			{line.text.slice(bold) || (bold > 0 ? '' : ' ')}
		</Text>
	);
}
