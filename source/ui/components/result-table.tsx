import {Box, Text} from 'ink';
import type {TaskResult} from '../../tasks/types.js';
import {COLUMN_GAP, fitCell, visibleColumns} from '../lib/columns.js';
import {cellText} from '../lib/format.js';
import type {TableState} from '../state/table-state.js';

const gap = ' '.repeat(COLUMN_GAP);

/**
 * The visible window of a result: only rows topRow … topRow + pageRows are rendered, so 100k rows
 * cost what 20 do. One line per row (not @alcalzone/ink-table's two), widths fixed per result so
 * nothing jumps while scrolling; numbers right-aligned, NULL dimmed, "›" when columns continue.
 */
export function ResultTable({result, table}: {result: Pick<TaskResult, 'columns'>; table: TableState}) {
	const columns = visibleColumns(table.columnWidths, table.leftColumn, table.pageWidth);
	const lastShown = columns.at(-1) ?? 0;
	const more = lastShown < result.columns.length - 1;
	const widthOf = (index: number) => table.columnWidths[index] ?? 1;
	const isNumber = (index: number) => result.columns[index]?.kind === 'number';
	const visibleRows = table.view.slice(table.topRow, table.topRow + table.pageRows);
	const sortMark = (index: number) => (table.sort?.column === index ? (table.sort.direction === 'asc' ? '▲' : '▼') : '');
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				{columns.map((index) => {
					const name = `${result.columns[index]?.name ?? ''}${sortMark(index)}`;
					return (
						<Text key={index} bold underline={index === table.cursorColumn}>
							{fitCell(name, widthOf(index), isNumber(index))}
							{gap}
						</Text>
					);
				})}
				{more && <Text color="yellow">›</Text>}
			</Text>
			<Text dimColor wrap="truncate-end">
				{columns.map((index) => '─'.repeat(widthOf(index))).join(gap)}
			</Text>
			{visibleRows.map((rowIndex, offset) => {
				const row = table.rows[rowIndex] ?? [];
				const isCursorRow = table.topRow + offset === table.cursorRow;
				return (
					<Text key={rowIndex} wrap="truncate-end" inverse={isCursorRow}>
						{columns.map((index) => {
							const value = row[index] ?? null;
							return (
								<Text key={index} dimColor={value === null} bold={isCursorRow && index === table.cursorColumn}>
									{fitCell(cellText(value), widthOf(index), isNumber(index))}
									{gap}
								</Text>
							);
						})}
					</Text>
				);
			})}
			{table.view.length === 0 && <Text dimColor>(no rows)</Text>}
		</Box>
	);
}
