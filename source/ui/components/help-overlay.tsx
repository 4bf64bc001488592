import {Box, Text} from 'ink';
import type {HelpLine} from '../keymap.js';
import {shownTop} from '../state/list-cursor.js';

/** `?`: the keys of the current screen and the global ones (shownHelpLines, from the keymap table); `rows` of them at a time. */
export function HelpOverlay({lines, offset, width, rows}: {lines: HelpLine[]; offset: number; width: number; rows: number}) {
	const start = shownTop(offset, lines.length, rows);
	const labelWidth = Math.max(...lines.map((line) => ('label' in line ? line.label.length : 0))) + 2;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} width={Math.min(width, 90)} height={Math.min(rows, lines.length) + 3}>
			<Text bold wrap="truncate-end">
				Keys{lines.length > rows ? ` ${start + 1}–${Math.min(lines.length, start + rows)} of ${lines.length} (↑/↓, PgUp/PgDn scroll)` : ''} · Esc closes
			</Text>
			{lines.slice(start, start + rows).map((line, index) =>
				'heading' in line ? (
					<Text key={index} bold color="cyan">
						{line.heading}
					</Text>
				) : (
					<Text key={index} wrap="truncate-end">
						{line.label.padEnd(labelWidth)}
						{line.description}
					</Text>
				),
			)}
		</Box>
	);
}
