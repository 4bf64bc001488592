import {Box, Text} from 'ink';
import {keymap, scopeTitles, type Scope} from '../keymap.js';

/** `?`: the keys of the current screen and the global ones, straight from the keymap table. */
export function HelpOverlay({scope, offset, width, height}: {scope: Scope; offset: number; width: number; height: number}) {
	const scopes: Scope[] = scope === 'global' ? ['global'] : [scope, 'global'];
	const lines = scopes.flatMap((shown) => [
		{heading: scopeTitles[shown]},
		...keymap.filter((binding) => binding.scope === shown).map((binding) => ({label: binding.label, description: binding.description})),
	]);
	const room = Math.max(1, height - 3);
	const start = Math.min(offset, Math.max(0, lines.length - room));
	const labelWidth = Math.max(...lines.map((line) => ('label' in line ? (line.label?.length ?? 0) : 0))) + 2;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} width={Math.min(width, 90)} height={Math.min(height, lines.length + 3)}>
			<Text bold>
				Keys{lines.length > room ? ` ${start + 1}–${Math.min(lines.length, start + room)} of ${lines.length} (↑/↓ scroll)` : ''} · any other key closes
			</Text>
			{lines.slice(start, start + room).map((line, index) =>
				'heading' in line ? (
					<Text key={index} bold color="cyan">
						{line.heading}
					</Text>
				) : (
					<Text key={index} wrap="truncate-end">
						{(line.label ?? '').padEnd(labelWidth)}
						{line.description}
					</Text>
				),
			)}
		</Box>
	);
}
