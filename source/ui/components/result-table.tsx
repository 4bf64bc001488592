import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {cellText, wrapProse} from '../../format.js';
import {isNumeric, type TaskResult} from '../../tasks/types.js';
import {COLUMN_GAP, fitCell, ROW_MARK_WIDTH, rowMark} from '../lib/columns.js';
import {shownColumns, type TableState} from '../state/table-state.js';

const gap = ' '.repeat(COLUMN_GAP);

/**
 * The visible window of a result: only rows topRow … topRow + pageRows are rendered, so 100k rows
 * cost what 20 do. One line per row (not @alcalzone/ink-table's two), widths fixed per result so
 * nothing jumps while scrolling; numbers right-aligned to the column's decimal places, NULL dimmed, "‹" / "›" when columns are
 * hidden to the left / right, the key columns pinned when scrolled (see columnLayout); "▸ " before the cursor's row.
 */
export function ResultTable({result, table, places}: {result: Pick<TaskResult, 'columns' | 'notes'>; table: TableState; places: number[]}) {
	const layout = shownColumns(table);
	const isNumber = (index: number) => isNumeric(result.columns[index]?.kind);
	const visibleRows = table.view.slice(table.topRow, table.topRow + table.pageRows);
	const sortMark = (index: number) => (table.sort?.column === index ? (table.sort.direction === 'asc' ? '▲' : '▼') : '');
	// The "‹" goes before the first scrolled column: after the pinned ones, if any.
	const cells = (render: (column: {index: number; width: number}) => ReactNode, marker: ReactNode) =>
		layout.columns.map((column, position) => (
			<Text key={column.index}>
				{position > 0 && gap}
				{layout.hiddenLeft && position === layout.pinned && marker}
				{render(column)}
			</Text>
		));
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				{rowMark(false)}
				{cells(
					({index, width}) => (
						<Text bold underline={index === table.cursorColumn}>
							{fitCell(`${result.columns[index]?.name ?? ''}${sortMark(index)}`, width, isNumber(index))}
						</Text>
					),
					<Text color="yellow">‹ </Text>,
				)}
				{layout.hiddenRight && <Text color="yellow"> ›</Text>}
			</Text>
			<Text dimColor wrap="truncate-end">
				{rowMark(false)}
				{cells(({width}) => '─'.repeat(width), '  ')}
			</Text>
			{visibleRows.map((rowIndex, offset) => {
				const row = table.rows[rowIndex] ?? [];
				const isCursorRow = table.topRow + offset === table.cursorRow;
				return (
					<Text key={rowIndex} wrap="truncate-end" inverse={isCursorRow}>
						{rowMark(isCursorRow)}
						{cells(({index, width}) => {
							const value = row[index] ?? null;
							return (
								<Text dimColor={value === null} bold={isCursorRow && index === table.cursorColumn}>
									{fitCell(cellText(value, result.columns[index]?.kind, places[index]), width, isNumber(index))}
								</Text>
							);
						}, '  ')}
					</Text>
				);
			})}
			{/* An empty answer's notes say why it is empty (explainEmpty), wrapped here at spaces: Ink's own wrap began a
			    line with the space it broke at. They start at the row mark's column, so they have its width too. */}
			{table.view.length === 0 &&
				wrapProse(result.notes?.join(' ') ?? '(no rows)', table.pageWidth + ROW_MARK_WIDTH).map((line, index) => (
					<Text key={index} dimColor>
						{line}
					</Text>
				))}
		</Box>
	);
}
