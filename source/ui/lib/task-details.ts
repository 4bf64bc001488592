/** A task's whole definition as lines of the screen's width: what the menu and the form cut to its first sentence. */
import {terminalSafe, wrapLines, wrapProse} from '../../format.js';
import {describedWith, PARAMETER_FORMATS, parameterFacts, type ChartSpec, type ParameterType, type TaskDefinition, type TaskParameter} from '../../tasks/types.js';
import {shownTop} from '../state/list-cursor.js';
import {stringWidth} from './columns.js';
import {displayPath} from './format.js';

/** One line of the details; its first `bold` characters are bold (a parameter's name). */
export type DetailLine = {text: string; tone: 'title' | 'heading' | 'text' | 'dim'; bold?: number};

/**
 * Said after a parameter's description: how a date is written; where a learner's name or a video's or problem's id
 * can be picked (the form's hint line, cut on a narrow screen, may not show it).
 */
const picked = 'Ctrl-L lists them';
const parameterNotes: Partial<Record<ParameterType, string>> = {...PARAMETER_FORMATS, user: picked, video: picked, problem: picked};

/** A parameter's description and its note, as the details and the form's focused field say it. */
export function parameterHelp(parameter: TaskParameter): string {
	const note = parameterNotes[parameter.type];
	return describedWith(parameter.description, note ? [note] : []);
}

/** What the form puts in a field in place of the header's default (see createFormState): the details said "default UTC" where the form showed Europe/Moscow. */
const formStarts: Partial<Record<ParameterType, string>> = {course: 'the form starts with the course picked', timezone: "the form starts with the database's day zone"};

/** Below this many columns a block is not indented: a 40-column screen kept 36 for the words. */
const MIN_INDENTED_WIDTH = 24;

/** `text` wrapped at spaces into lines `indent` columns in (none on a narrow screen), every line within `width`. */
function block(text: string, width: number, indent: number, tone: DetailLine['tone'], bold = 0): DetailLine[] {
	const margin = width - indent >= MIN_INDENTED_WIDTH ? indent : 0;
	return wrapProse(terminalSafe(text), Math.max(1, width - margin)).map((line, index) => ({
		text: ' '.repeat(margin) + line,
		tone,
		...(index === 0 && bold > 0 ? {bold: margin + Math.min(bold, line.length)} : {}),
	}));
}

/** A parameter: its name (bold), type, default and facts on a line, then its description under it. */
function parameterLines(parameter: TaskParameter, width: number): DetailLine[] {
	const facts = parameterFacts(parameter);
	// An empty default is a value of its own: the SQL gets NULL, which each description says the meaning of ("empty: all learners").
	const given = parameter.required || parameter.default ? facts : ['no default', ...facts];
	const starts = formStarts[parameter.type];
	const head = [parameter.name, parameter.type, ...given].join(' · ') + (starts ? ` (${starts})` : '');
	return [...block(head, width, 2, 'text', parameter.name.length), ...block(parameterHelp(parameter), width, 4, 'dim')];
}

function chartText(chart: ChartSpec): string {
	const values = chart.y.join(', ');
	if (chart.kind === 'heatmap') return `Chart (c on the result): a heatmap, a row of ${values} for each row, labelled by ${chart.x}, each cell shaded from the least to the most.`;
	if (chart.kind === 'bar') return `Chart (c on the result): a bar of ${values} for each row, labelled by ${chart.x}, in the table's order.`;
	return `Chart (c on the result): ${chart.y.length > 1 ? 'lines' : 'a line'} of ${values} along ${chart.x}${chart.sum ? `, the rows of the same ${chart.x} added up` : ''}.`;
}

function sortText(sort: TaskDefinition['sort']): string {
	if (!sort) return 'Rows in the order the SQL gives them (the header declares no sort).';
	return `Rows sorted by ${sort.column}, ${sort.direction === 'asc' ? 'ascending' : 'descending'}.`;
}

function keyText(key: string[]): string {
	return `Kept in sight at the left when the table scrolls right: ${key.join(', ')}.`;
}

function exactText(parameter: string): string {
	return `Exact times with ${parameter}: given a ${parameter}, the answer puts events in hours and days by their exact times; without one, by the UTC hours the tables count, which differ in a zone whose offset is not whole hours (the answer says so).`;
}

/**
 * Every line of a task's details at `width` columns: its title (whole: the screen's top line, which names the task,
 * is cut), group and file; the whole description; each parameter; how the rows are sorted, the key columns, the chart and
 * `exact-with`. Text from a user's task file is made safe for the terminal.
 */
export function taskDetailLines(task: TaskDefinition, width: number): DetailLine[] {
	const gap: DetailLine = {text: '', tone: 'text'};
	const heading = (text: string): DetailLine => ({text: wrapLines(text, width, 1, 'end')[0] ?? '', tone: 'heading'});
	const parameters = task.parameters.flatMap((parameter) => parameterLines(parameter, width));
	return [
		...block(task.title, width, 0, 'title'),
		...block(`Group: ${task.group}`, width, 0, 'text'),
		// A path, broken after its separators rather than cut: which file to edit is the point of the line.
		...wrapLines(`File: ${terminalSafe(displayPath(task.file))}`, width).map((text): DetailLine => ({text, tone: 'dim'})),
		gap,
		heading('What it counts'),
		...block(task.description, width, 2, 'text'),
		gap,
		heading(task.parameters.length > 0 ? `Parameters (${task.parameters.length})` : 'Parameters: none'),
		...parameters,
		...(parameters.length > 0 ? [gap] : []),
		heading('Result'),
		...block(sortText(task.sort), width, 2, 'text'),
		...(task.key ? block(keyText(task.key), width, 2, 'text') : []),
		...(task.chart ? block(chartText(task.chart), width, 2, 'text') : []),
		...(task.exactWith ? block(exactText(task.exactWith), width, 2, 'text') : []),
	];
}

/** What the details screen draws at `width`×`height`: its top line (the task's id, and which lines show when not all fit) and the lines under it, from `top`. */
export function detailsView(task: TaskDefinition, top: number, width: number, height: number): {name: string; position: string; lines: DetailLine[]; start: number} {
	const lines = taskDetailLines(task, width);
	const rows = Math.max(1, height - 1);
	const start = shownTop(top, lines.length, rows);
	const position = lines.length > rows ? ` · lines ${start + 1}–${Math.min(lines.length, start + rows)} of ${lines.length}` : '';
	// The id gives way to the position, which says that there is more.
	const name = wrapLines(`Task ${terminalSafe(task.id)}`, Math.max(1, width - stringWidth(position)), 1, 'end')[0] ?? '';
	return {name, position, lines: lines.slice(start, start + rows), start};
}
