import {stripVTControlCharacters} from 'node:util';
import {Box, Text} from 'ink';
import {cellText, rowCount, terminalSafe, wrapLines} from '../../format.js';
import {ResultTable} from '../components/result-table.js';
import {StatusBar} from '../components/status-bar.js';
import {useColours} from '../hooks/use-colours.js';
import {thousands} from '../lib/format.js';
import {titleLine} from '../lib/title-line.js';
import type {Flash, ResultScreen as ResultScreenState, Saving} from '../state/app-state.js';
import {savingText, shownResultLayout, statusLines} from '../state/app-state.js';
import {fittedField} from '../state/text-field.js';

const SEARCH_LABEL = 'Search: ';
const SEARCH_HINT = ' Enter find · Esc clear';
/** Cells the search's text keeps on a narrow screen, its hint then cut. */
const MIN_SEARCH_WIDTH = 12;

/** "row 12/3,400 · col 2/7", plus sort, search and filter when set. */
export function positionText(screen: ResultScreenState): string {
	const {table, result} = screen;
	const parts = [`row ${thousands(table.view.length === 0 ? 0 : table.cursorRow + 1)}/${thousands(table.view.length)}`, `col ${table.cursorColumn + 1}/${result.columns.length}`];
	if (table.filtered) parts.push(`filtered of ${thousands(table.rows.length)}`);
	if (table.search) parts.push(`/${table.search}`);
	return parts.join(' · ');
}

export function ResultScreen({screen, flash, saving, width, height}: {screen: ResultScreenState; flash?: Flash; saving?: Saving; width: number; height: number}) {
	const {table, result, task} = screen;
	const colours = useColours();
	const layout = shownResultLayout({width, height, flash}, screen);
	const title = titleLine(task, screen.values, result, width - 1);
	const cursorValue = table.rows[table.view[table.cursorRow] ?? -1]?.[table.cursorColumn] ?? null;
	// The table's notice (no match…) is the answer to the last key: it goes before a flash, on one line; a running save's
	// progress after both, beside the position (the table moves while it is written).
	const position = positionText(screen);
	// A saved file's path is cut to leave the position beside it.
	const flashLines = statusLines({width, flash}, position);
	const message = table.notice
		? {lines: wrapLines(table.notice, width - 1, 1), tone: 'info' as const}
		: flash && flashLines
			? {lines: flashLines, tone: flash.tone}
			: saving && {lines: [savingText(saving)], tone: 'busy' as const};
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate-end">
				<Text bold>{title.title}</Text>
				<Text dimColor>{title.details}</Text>
			</Text>
			{layout.note && (
				<Text dimColor wrap="truncate-end">
					{layout.note}
				</Text>
			)}
			{screen.chart && task.chart && layout.chartFits && (
				<Box flexDirection="column" height={layout.chartHeight} overflow="hidden">
					{/* The table's rows, sorted and filtered as it shows them: bars in its order (a line runs along its x-axis). */}
					{layout.chartLines.map((line, index) => (
						<Text key={index} wrap="truncate-end">
							{/* Its lines' colours asked off (FORCE_COLOR=0, NO_COLOR) were drawn all the same. */}
							{colours ? line : stripVTControlCharacters(line)}
						</Text>
					))}
				</Box>
			)}
			{screen.cellOpen ? (
				<Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} height={layout.pageRows + 2} overflow="hidden">
					<Text bold>{result.columns[table.cursorColumn]?.name}</Text>
					<Text wrap="wrap" dimColor={cursorValue === null}>
						{typeof cursorValue === 'number' ? String(cursorValue) : terminalSafe(cellText(cursorValue))}
					</Text>
				</Box>
			) : (
				<Box height={layout.pageRows + 2} flexDirection="column" overflow="hidden">
					<ResultTable result={result} table={table} places={screen.places} />
				</Box>
			)}
			{screen.searchInput !== undefined ? (
				<Text color="yellow" wrap="truncate-end">
					{SEARCH_LABEL}
					{fittedField(screen.searchInput, Math.max(MIN_SEARCH_WIDTH, width - 1 - SEARCH_LABEL.length - SEARCH_HINT.length))}
					<Text dimColor>{SEARCH_HINT}</Text>
				</Text>
			) : screen.choosingFormat ? (
				<Text color="yellow">Save the {rowCount(table.view.length)}, sorted and filtered as shown, as:</Text>
			) : (
				<StatusBar left={`Tasks › ${task.id}`} message={message} right={position} width={width} />
			)}
		</Box>
	);
}
