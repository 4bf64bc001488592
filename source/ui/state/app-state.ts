import type {IngestSnapshot, IngestSummary} from '../../../ingest/progress.js';
import {columnPlaces, counted, rowCount, terminalSafe, truncated, wrapLines} from '../../format.js';
import {isNumeric, type OutputFormat, type TaskDefinition, type TaskProblem, type TaskResult} from '../../tasks/types.js';
import {helpLines, scopeAction, type Action, type HelpLine, type Scope} from '../keymap.js';
import {heatmapHeight, MIN_CHART_HEIGHT, toggledSeries, viewChartLines} from '../lib/chart.js';
import {ROW_MARK_WIDTH, cappedWidths, keyColumns, naturalWidths, stringWidth} from '../lib/columns.js';
import {taskDetailLines} from '../lib/task-details.js';
import {createFormState, formReducer, formValues, missingRequired, type FormState} from './form-state.js';
import {pickerView, shownChoices, type CourseChoice} from './course-picker.js';
import {filteredList, filteredListReducer, isFiltered, type FilteredList, type FilteredListAction} from './filtered-list.js';
import {openedList, PICKED, pickView, shownItems, type PickItem, type PickKind} from './picker.js';
import {scrolledTop, type ListMove} from './list-cursor.js';
import {initialMenuState, menuReducer, selectedTask, visibleTasks, type MenuState} from './menu-state.js';
import {createTableState, shownColumns, sortDescHint, tableReducer, type TableState} from './table-state.js';
import {editText, textField, type TextEdit, type TextField} from './text-field.js';

/**
 * The whole app as one pure state machine: starting → ingest → summary → menu → course → form (⇄ picker) →
 * running → result → menu, with help, confirmations and errors as flags or screens, and a task's details over the
 * menu, the course picker, the form or the learner, video and problem picker. Side effects
 * (open the database, run the load or a query, list a picker's entries, save) are started by hooks watching this state, so
 * every transition here is unit-tested without a terminal.
 */
export type Course = {courseId: string; events: number};
/** The courses with events, and how many events name no course (see menuNotices). */
export type CourseList = {courses: Course[]; eventsWithoutCourse: number};

/** The app's load: the ingest's summary, and the folder it started in when that had no input/ (nothing was read). */
export type AppIngestSummary = IngestSummary & {noInputFolderIn?: string};

/** `parameter`: the task parameter the message is about, when one is (Esc goes back to the form's field). */
export type ErrorInfo = {title: string; message: string; hint: string; parameter?: string};

export type ResultScreen = {
	name: 'result';
	task: TaskDefinition;
	values: Record<string, string>;
	result: TaskResult;
	naturalWidths: number[];
	/** Decimal places of each column (columnPlaces), fixed per result as the widths are. */
	places: number[];
	table: TableState;
	chart: boolean;
	/** The line chart's series hidden (digits 1-9), by their place in its `y` (0 for the legend's 1). */
	hiddenSeries: readonly number[];
	cellOpen: boolean;
	/** Defined while typing a search. */
	searchInput?: TextField;
	choosingFormat: boolean;
};

/**
 * A save that runs: the rows of `result` in `view`'s order (the table's, sorted and filtered, when the format was
 * chosen), `written` of them written so far. It belongs to the app, not to the result screen: the keys work while it
 * runs (Esc goes back to the menu, r runs the task again), and its progress and its end are said on whatever screen is up.
 */
export type Saving = {id: number; format: OutputFormat; result: TaskResult; view: number[]; written: number};

export type Screen =
	| {name: 'starting'; step: string}
	| {name: 'ingest'; snapshot?: IngestSnapshot; rateHistory: number[]; lastHistoryMs: number; confirmCancel: boolean; cancelling: boolean}
	| {name: 'summary'; summary: IngestSummary}
	| {name: 'menu'}
	| {name: 'course'; task: TaskDefinition; choices: CourseChoice[]; list: FilteredList<number>}
	| {name: 'form'; task: TaskDefinition; form: FormState}
	/**
	 * The picker, opened on the form's focused user, video or problem field (`kind`): the learners, videos or problems
	 * of the form's course ('' = all courses), undefined while they are listed (the hook watching `requestId` asks for
	 * them); Esc goes back to `form` unchanged.
	 */
	| {name: 'picker'; kind: PickKind; task: TaskDefinition; form: FormState; course: string; requestId: number; items?: PickItem[]; list: FilteredList<number>}
	| {name: 'running'; task: TaskDefinition; values: Record<string, string>; runId: number; startedAt: number; form: FormState}
	| ResultScreen
	/** A task's whole definition, scrolled to its line `top`; Esc goes back to `back` as it was (the menu's cursor is the app's). */
	| {name: 'details'; task: TaskDefinition; back: DetailsOrigin; top: number}
	| ({name: 'error'; fatal: boolean; back?: Screen} & ErrorInfo);

/** Where a task's details are opened from: the menu (on its highlighted task), the task's course picker, its form or its learner, video and problem picker. */
export type DetailsOrigin = {name: 'menu'} | Extract<Screen, {name: 'course'} | {name: 'form'} | {name: 'picker'}>;

/** `path`: said after the text, cut in its middle to the line (a saved file's: its task's name and its time stay). */
export type Flash = {text: string; tone: 'info' | 'error'; id: number; path?: string};

export type AppState = {
	width: number;
	height: number;
	screen: Screen;
	tasks: TaskDefinition[];
	problems: TaskProblem[];
	/** undefined until listed (after the load). */
	courses?: Course[];
	eventsWithoutCourse?: number;
	/** The course last picked: the default of every task's course parameter. */
	course?: string;
	/** "all courses" was the last pick: the next course picker starts on it. */
	allCourses: boolean;
	/** The database's day zone: the default of every task's time zone parameter (undefined until known). */
	timeZone?: string;
	menu: MenuState;
	/** The help overlay and how far it is scrolled; undefined when closed. */
	help?: {offset: number};
	flash?: Flash;
	/** The last load's summary, shown on the menu. */
	lastIngest?: AppIngestSummary;
	/** A wait of the database's for another session's lock, in words (see watchLockWaits). */
	lockWait?: string;
	/** Set while a save runs (the saving hook watches its id). */
	saving?: Saving;
	quitting: boolean;
	/** Increments on every run or save, so effects can tell one request from the next. */
	counter: number;
};

export type AppEvent =
	| {type: 'key'; name: string; text: string}
	| {type: 'resize'; width: number; height: number}
	| {type: 'step'; step: string}
	| {type: 'ingest-started'}
	| {type: 'ingest-progress'; snapshot: IngestSnapshot}
	| {type: 'ingest-finished'; summary: AppIngestSummary}
	| {type: 'catalogue'; tasks: TaskDefinition[]; problems: TaskProblem[]}
	| ({type: 'courses'} & CourseList)
	| {type: 'picks'; requestId: number; items: PickItem[]}
	| {type: 'picks-failed'; requestId: number; error: ErrorInfo}
	| {type: 'day-zone'; zone: string}
	| {type: 'task-finished'; runId: number; result: TaskResult}
	| {type: 'task-failed'; runId: number; error: ErrorInfo}
	| {type: 'save-progress'; id: number; written: number}
	| {type: 'saved'; id: number; path: string; rows: number}
	| {type: 'save-failed'; id: number; message: string}
	| {type: 'error'; error: ErrorInfo; fatal: boolean}
	| {type: 'flash-expired'; id: number}
	| {type: 'lock-wait'; wait?: string}
	/** A termination signal: leave as Ctrl-C does. */
	| {type: 'quit'};

/** The sparkline keeps one point per second, at most this many. */
const HISTORY_POINTS = 120;

export function createAppState(width: number, height: number): AppState {
	return {width, height, screen: {name: 'starting', step: 'opening the workdir'}, tasks: [], problems: [], menu: initialMenuState, allCourses: false, quitting: false, counter: 0};
}

/**
 * The code the app exits with once it has quit: 1 after a fatal error; 130 when a running load was
 * cancelled — y at "Cancel the load?" (whatever is done after it), or a quit before the load ended —
 * as the headless `ingest` exits on a cancel; else 0.
 */
export function exitCodeOf(state: AppState): number {
	const {screen} = state;
	if (screen.name === 'error' && screen.fatal) return 1;
	const loadCut = screen.name === 'starting' || screen.name === 'ingest' || state.lastIngest?.phase === 'cancelled';
	if (loadCut) return 130;
	// As ingest: an input that could not be loaded completely (or a load that failed) is a failure for scripts.
	return state.lastIngest && (state.lastIngest.phase === 'failed' || state.lastIngest.filesFailed > 0) ? 1 : 0;
}

/** Lines the screens may use: Ink 6 clears the whole terminal on every frame once the output is as tall as the terminal. */
export function usableHeight(height: number): number {
	return Math.max(6, height - 1);
}

/** A flash on the result screen wraps to at most this many lines (a saved file's name is shown whole). */
export const FLASH_LINES = 3;

/** The lines of the result screen's status bar: one, or the flash's lines (a flash with a path: one, beside `beside`: see flashLine). */
export function statusLines(state: Pick<AppState, 'width' | 'flash'>, beside = ''): string[] | undefined {
	if (state.flash?.path !== undefined) return [flashLine(state.flash, state.width - 1, beside)];
	return state.flash && wrapLines(state.flash.text, state.width - 1, FLASH_LINES);
}

/** A path is not cut shorter than this beside the status bar's position: shorter, the flash takes the whole bar. */
const MIN_PATH_CELLS = 24;

/**
 * A flash on one line of `width`, its path cut in its middle (displayPath made it relative); `beside`: the text it shares
 * the line with (the status bar's position), left room when the path keeps MIN_PATH_CELLS there. A saved file's whole
 * path took two lines at 100 columns and hid the status bar's position.
 */
export function flashLine(flash: Pick<Flash, 'text' | 'path'>, width: number, beside = ''): string {
	if (flash.path === undefined) return flash.text;
	const besideRoom = width - (beside ? stringWidth(beside) + 2 : 0);
	const room = besideRoom - stringWidth(flash.text) - 1 >= Math.min(MIN_PATH_CELLS, stringWidth(flash.path)) ? besideRoom : width;
	return `${flash.text} ${truncated(flash.path, room - stringWidth(flash.text) - 1, 'middle')}`;
}

/** "Saving 475,000 rows as CSV… 25%" */
export function savingText(saving: Saving): string {
	const percent = saving.view.length === 0 ? 100 : Math.floor((100 * saving.written) / saving.view.length);
	return `Saving ${rowCount(saving.view.length)} as ${saving.format.toUpperCase()}… ${percent}%`;
}

/**
 * The line saying a running save at the foot of the screen, where the result screen's status bar does not say it: on
 * the other screens (Esc left the result while it was written) and over the help.
 */
export function savingLines(state: Pick<AppState, 'saving' | 'screen' | 'help'>): string[] {
	return state.saving && (state.screen.name !== 'result' || state.help) ? [savingText(state.saving)] : [];
}

/** The quit waits for a running save (the hook awaits it) rather than leave a file half-written: said on the last line. */
export function closingText(state: Pick<AppState, 'saving'>): string {
	return state.saving ? 'Closing once the save is written…' : 'Closing…';
}

/** Table rows the chart leaves at the least; with less room it gives way to a one-line note. */
const MIN_TABLE_ROWS = 3;

/**
 * Rows of the result table and of the chart above it (title, header, rule, status and hint lines
 * excluded). A chart too short to read is not drawn: `chartFits` is false and it takes one line. A chart that `needs`
 * its lines (a heatmap: a line a row, its axis and legend) gets every line the table spares, and fits when they are
 * as many: the half of the lines a line chart gets cut a week's rows below 80×24.
 */
export function resultLayout(state: Pick<AppState, 'width' | 'height' | 'flash'>, chart: boolean, needs?: number): {pageRows: number; pageWidth: number; chartHeight: number; chartFits: boolean} {
	const status = statusLines(state)?.length ?? 1;
	const body = Math.max(2, usableHeight(state.height) - 4 - status);
	const wanted = needs === undefined ? Math.max(MIN_CHART_HEIGHT, Math.floor(body / 2)) : Math.max(needs, body - MIN_TABLE_ROWS);
	const chartFits = body - wanted >= MIN_TABLE_ROWS;
	const chartHeight = chart ? (chartFits ? wanted : 1) : 0;
	return {pageRows: Math.max(1, body - chartHeight), pageWidth: Math.max(10, state.width - 1 - ROW_MARK_WIDTH), chartHeight, chartFits};
}

/**
 * resultLayout of a result screen with its chart's lines, drawn at the height resultLayout gives it: a chart drawn on
 * fewer (one day's bars, a few bars, an axis of whole or round ticks, a heatmap's legend on one line) leaves the rest
 * to the table, where they stood empty under it (a one-day chart of one series: 3 lines drawn of 9 at 80×24). A chart
 * that does not fit has instead a `note` saying how tall a terminal it needs.
 */
export function shownResultLayout(state: Pick<AppState, 'width' | 'height' | 'flash'>, screen: Pick<ResultScreen, 'chart' | 'task' | 'result' | 'table' | 'hiddenSeries'>): ReturnType<typeof resultLayout> & {chartLines: string[]; note?: string} {
	const spec = screen.task.chart;
	// A heatmap draws the rows the table shows, each on a line (see chartLines).
	const needs = spec?.kind === 'heatmap' ? heatmapHeight(screen.table.view.length) : undefined;
	const layout = resultLayout(state, screen.chart, needs);
	if (!screen.chart || !spec) return {...layout, chartLines: []};
	if (!layout.chartFits) {
		let height = state.height + 1;
		while (!resultLayout({...state, height}, true, needs).chartFits) height++;
		const rows = needs === undefined ? '' : ` for its ${counted(screen.table.view.length, 'row')}`;
		return {...layout, chartLines: [], note: `(The ${spec.kind === 'heatmap' ? 'heatmap' : 'chart'} needs a terminal ${height} lines tall${rows}; c hides it.)`};
	}
	const chartLines = viewChartLines(screen.result, screen.table, spec, state.width - 1, layout.chartHeight, screen.hiddenSeries);
	const chartHeight = Math.min(layout.chartHeight, chartLines.length);
	return {...layout, chartHeight, pageRows: layout.pageRows + layout.chartHeight - chartHeight, chartLines};
}

/** The result screen with its table as many rows a page as shownResultLayout leaves it, when that changed (the chart shown or hidden, redrawn of other rows or series). */
function fitted(state: AppState): AppState {
	const {screen} = state;
	if (screen.name !== 'result') return state;
	const {pageRows} = shownResultLayout(state, screen);
	if (pageRows === screen.table.pageRows) return state;
	return {...state, screen: {...screen, table: tableReducer(screen.table, {type: 'resize', pageRows, pageWidth: screen.table.pageWidth, columnWidths: screen.table.columnWidths})}};
}

/** Menu lines that fit (for PgUp/PgDn). */
export function menuPageSize(height: number): number {
	return Math.max(3, usableHeight(height) - 6);
}

/**
 * Courses that fit under the picker's title (for PgUp/PgDn and its scrolling), in the lines the screen gets
 * (screenHeight): under a save's progress line a list sized by the terminal's height hid its last course.
 */
export function coursePageSize(state: Parameters<typeof screenHeight>[0]): number {
	return Math.max(1, screenHeight(state) - 1);
}

/** Entries that fit under the picker's title and the line saying whose they are. */
export function pickerPageSize(state: Parameters<typeof screenHeight>[0]): number {
	return Math.max(1, coursePageSize(state) - 1);
}

/** Whether a flash is shown on a line of its own, under the screen (the result screen shows it in its status bar). */
export function flashLineShown(state: Pick<AppState, 'flash' | 'screen' | 'help'>): boolean {
	return state.flash !== undefined && state.screen.name !== 'result' && !state.help;
}

/** The lines the current screen gets: the usable ones less the hint line and the lines under the screen (a flash, a lock's wait, a save's progress). */
export function screenHeight(state: Pick<AppState, 'height' | 'width' | 'flash' | 'screen' | 'help' | 'lockWait' | 'saving'>): number {
	return usableHeight(state.height) - 1 - (flashLineShown(state) ? 1 : 0) - lockWaitLines(state).length - savingLines(state).length;
}

/**
 * Lines of a task's details shown at once: the screen's lines less its top line. The height alone (a page a line too
 * long under a save's progress or a flash) let PgDn pass over a line never shown.
 */
export function detailsPageSize(state: Parameters<typeof screenHeight>[0]): number {
	return Math.max(1, screenHeight(state) - 1);
}

/** Lines of keys the help overlay shows at once: the screen's lines less its border and title. */
export function helpPageSize(height: number): number {
	return Math.max(1, usableHeight(height) - 4);
}

export function scopeOf(state: AppState): Scope {
	const {screen} = state;
	switch (screen.name) {
		case 'starting':
			return 'starting';
		case 'ingest':
			return screen.confirmCancel ? 'confirm' : 'ingest';
		case 'menu':
			return state.menu.editingFilter ? 'text' : 'menu';
		case 'course':
			return screen.list.editingFilter ? 'text' : 'course';
		case 'picker':
			return screen.list.editingFilter ? 'text' : 'picker';
		case 'result':
			if (screen.searchInput !== undefined) return 'text';
			if (screen.cellOpen) return 'cell';
			return screen.choosingFormat ? 'save' : 'result';
		case 'error':
			return screen.fatal ? 'fatal' : 'error';
		default:
			return screen.name;
	}
}

/** What the hint line's keys do in this state, where not their usual ('' where they do nothing: see hintLine). */
export function keyHints(state: AppState): Partial<Record<Action, string>> {
	const {screen} = state;
	if (state.help) return {};
	// c is offered where the task declares a chart (elsewhere it only says that there is none).
	if (screen.name === 'result' && scopeOf(state) === 'result') return {...(shownColumns(screen.table).hiddenRight ? {right: 'more'} : {}), 'sort-desc': sortDescHint(screen.table), ...(screen.task.chart ? {} : {chart: ''})};
	// A result's search has no task's details to show (Esc first; the result's task is the one just run).
	if (screen.name === 'result' && scopeOf(state) === 'text') return {details: ''};
	// The picker's key is told where it works: on a user, video or problem field, and what it lists there.
	if (screen.name === 'form') {
		const kind = pickKind(screen.form);
		return {'open-picker': kind ? `${PICKED[kind].one}s` : ''};
	}
	return {};
}

/**
 * The help's lines for the screen under it: on a result without a line chart (a heatmap, bars, none) the digits, which
 * hide and show a line chart's lines, do nothing, and are not offered.
 */
export function shownHelpLines(state: AppState): HelpLine[] {
	const {screen} = state;
	const scope = scopeOf(state);
	return helpLines(scope, scope === 'result' && screen.name === 'result' && screen.task.chart?.kind !== 'line' ? ['toggle-series'] : []);
}

export function appReducer(state: AppState, event: AppEvent): AppState {
	switch (event.type) {
		case 'key':
			return onKey(state, event.name, event.text);
		case 'resize':
			return relayout({...state, width: event.width, height: event.height});
		case 'step':
			return state.screen.name === 'starting' ? {...state, screen: {name: 'starting', step: event.step}} : state;
		case 'ingest-started':
			return {...state, screen: {name: 'ingest', rateHistory: [], lastHistoryMs: -Infinity, confirmCancel: false, cancelling: false}};
		case 'ingest-progress':
			return state.screen.name === 'ingest' ? {...state, screen: withSnapshot(state.screen, event.snapshot)} : state;
		case 'ingest-finished':
			return afterIngest(state, event.summary);
		case 'catalogue':
			return {...state, tasks: event.tasks, problems: event.problems, menu: {...state.menu, selected: state.menu.selected ?? visibleTasks(event.tasks, '')[0]?.id}};
		case 'courses':
			return {
				...state,
				courses: event.courses,
				eventsWithoutCourse: event.eventsWithoutCourse,
				course: state.course ?? (event.courses.length === 1 ? event.courses[0]?.courseId : undefined),
			};
		case 'day-zone':
			return {...state, timeZone: event.zone};
		case 'picks': {
			const {screen} = state;
			const picker = pickerOf(screen);
			if (picker?.requestId !== event.requestId) return state;
			const field = picker.form.fields[picker.form.focus];
			const listed = {...picker, items: event.items, list: openedList(event.items, field?.value ?? '')};
			// Listed while the task's details are read over the picker: there when Esc goes back to it.
			return {...state, screen: screen.name === 'details' ? {...screen, back: listed} : listed};
		}
		case 'picks-failed': {
			const picker = pickerOf(state.screen);
			if (picker?.requestId !== event.requestId) return state;
			return {...state, screen: {name: 'error', fatal: false, back: {name: 'form', task: picker.task, form: picker.form}, ...event.error}};
		}
		case 'task-finished': {
			if (state.screen.name !== 'running' || state.screen.runId !== event.runId) return state;
			// The course typed in the form becomes the next task's only once a task has run with it: one refused
			// ("No course …") stayed in the menu's header and the next forms. One emptied ran with all courses (or the
			// only one, as the task resolved it), where the header went on naming the course picked before.
			const field = state.screen.form.fields.find((candidate) => candidate.parameter.type === 'course');
			if (!field) return showResult(state, state.screen, event.result);
			const course = event.result.parameters[field.parameter.name] ?? field.value.trim();
			return showResult(course ? {...state, course, allCourses: false} : {...state, course: undefined, allCourses: true}, state.screen, event.result);
		}
		case 'task-failed': {
			if (state.screen.name !== 'running' || state.screen.runId !== event.runId) return state;
			// Back on the field in error: Esc left the cursor where Enter was pressed, the first field as often as not.
			const {form} = state.screen;
			const field = form.fields.findIndex((candidate) => candidate.parameter.name === event.error.parameter);
			const back = field >= 0 ? formReducer(form, {type: 'focus', by: field - form.focus}) : form;
			return {...state, screen: {name: 'error', fatal: false, back: {name: 'form', task: state.screen.task, form: back}, ...event.error}};
		}
		case 'save-progress':
			return state.saving?.id === event.id ? {...state, saving: {...state.saving, written: event.written}} : state;
		case 'saved':
			return finishSave(state, event.id, {text: `Saved ${rowCount(event.rows)} to`, path: event.path, tone: 'info'});
		case 'save-failed':
			return finishSave(state, event.id, {text: `Not saved: ${event.message}`, tone: 'error'});
		case 'error':
			return {...state, screen: {name: 'error', fatal: event.fatal, back: {name: 'menu'}, ...event.error}};
		case 'quit':
			return {...state, quitting: true};
		case 'flash-expired':
			return state.flash?.id === event.id ? relayout({...state, flash: undefined}) : state;
		case 'lock-wait':
			return {...state, lockWait: event.wait};
	}
}

/**
 * The picker on screen, or under the task's details read over it: its entries are asked for once per opening
 * (the details do not cancel the listing; their Esc would have found the picker still "Listing…").
 */
export function pickerOf(screen: Screen): Extract<Screen, {name: 'picker'}> | undefined {
	const shown = screen.name === 'details' ? screen.back : screen;
	return shown.name === 'picker' ? shown : undefined;
}

/**
 * The lines saying a wait for another session's lock (at most two, cut at the end), shown where the app waits on the
 * database (starting, loading, running a task): a load sat at 0 events/s there, and a start at its step, saying nothing.
 */
export function lockWaitLines(state: Pick<AppState, 'lockWait' | 'screen' | 'help' | 'width'>): string[] {
	if (state.lockWait === undefined || state.help || !['starting', 'ingest', 'running'].includes(state.screen.name)) return [];
	return wrapLines(`Waiting for ${state.lockWait}…`, state.width - 1, 2, 'end');
}

function withSnapshot(screen: Extract<Screen, {name: 'ingest'}>, snapshot: IngestSnapshot): Extract<Screen, {name: 'ingest'}> {
	// One sparkline point per second of load time, whatever the snapshot rate, from the first byte read: before it (the
	// inputs looked at, a resumed .gz passed over, the first lines on their way) its 0 MB/s is no rate, and the line
	// started with a run of them. Nor after the load, while the tables are updated: the line went on with the load's
	// last rate, frozen, a point a second.
	if (snapshot.phase !== 'loading' || snapshot.bytesRead === 0 || snapshot.elapsedMs - screen.lastHistoryMs < 1000) return {...screen, snapshot};
	return {...screen, snapshot, lastHistoryMs: snapshot.elapsedMs, rateHistory: [...screen.rateHistory, snapshot.megabytesPerSecond].slice(-HISTORY_POINTS)};
}

function afterIngest(state: AppState, summary: AppIngestSummary): AppState {
	const nothingNew = summary.phase === 'done' && summary.lines === 0 && summary.filesFailed === 0;
	// A load that found nothing new goes straight to the menu: the summary is only news when something happened.
	if (nothingNew) return {...state, lastIngest: summary, screen: {name: 'menu'}};
	return {...state, lastIngest: summary, screen: {name: 'summary', summary}};
}

function withFlash(state: AppState, text: string, tone: Flash['tone'] = 'info', path?: string): AppState {
	// The table gives the lines a long flash takes back when it expires.
	return relayout({...state, counter: state.counter + 1, flash: {text, tone, id: state.counter + 1, ...(path === undefined ? {} : {path})}});
}

/** The end of a save, said on whatever screen is up (Esc may have left the result meanwhile). */
function finishSave(state: AppState, id: number, flash: Omit<Flash, 'id'>): AppState {
	if (state.saving?.id !== id) return state;
	return withFlash({...state, saving: undefined}, flash.text, flash.tone, flash.path);
}

function relayout(state: AppState): AppState {
	const {screen} = state;
	if (screen.name !== 'result') return state;
	const layout = shownResultLayout(state, screen);
	const table = tableReducer(screen.table, {type: 'resize', pageRows: layout.pageRows, pageWidth: layout.pageWidth, columnWidths: cappedWidths(screen.naturalWidths, layout.pageWidth)});
	return {...state, screen: {...screen, table}};
}

function showResult(state: AppState, running: Extract<Screen, {name: 'running'}>, result: TaskResult): AppState {
	const places = columnPlaces(result);
	const natural = naturalWidths(result, places);
	const layout = resultLayout(state, false);
	const numeric = result.columns.map((column) => isNumeric(column.kind));
	const keys = keyColumns(running.task.key, result.columns);
	const table = createTableState(result.rows, {pageRows: layout.pageRows, pageWidth: layout.pageWidth, columnWidths: cappedWidths(natural, layout.pageWidth)}, numeric, keys.indices);
	const screen: ResultScreen = {name: 'result', task: running.task, values: running.values, result, naturalWidths: natural, places, table, chart: false, hiddenSeries: [], cellOpen: false, choosingFormat: false};
	// What the answer leaves approximate is said as it shows (the status bar's flash); an empty one's notes stand in
	// for its rows (ResultTable) instead. A key: header naming no column of the result (a typo in a task of one's own)
	// is said too, as a chart's missing column is: else the first column stayed in sight without a word why.
	const notes = [...(result.rows.length > 0 ? (result.notes ?? []) : []), ...(keys.missing.length > 0 ? [missingKeyNote(keys.missing, keys.indices.map((index) => result.columns[index]!.name))] : [])];
	return notes.length > 0 ? withFlash({...state, screen}, notes.join(' ')) : {...state, screen};
}

/** Says which `key:` names the result lacks, and which columns stay in sight instead. */
function missingKeyNote(missing: string[], kept: string[]): string {
	return `The task's key names ${missing.length > 1 ? 'columns' : 'a column'} the result lacks (${terminalSafe(missing.join(', '))}): ${terminalSafe(kept.join(', ')) || 'no column'} ${kept.length > 1 ? 'stay' : 'stays'} in sight when the table scrolls right.`;
}

/** Course choices for a task: every course, plus "all courses" when the parameter may be left empty. */
function courseChoices(state: AppState, task: TaskDefinition): CourseChoice[] | undefined {
	const parameter = task.parameters.find((candidate) => candidate.type === 'course');
	const courses = state.courses ?? [];
	if (!parameter || courses.length < 2) return undefined;
	const all = parameter.required ? [] : [undefined];
	return [...courses.map((course) => course.courseId), ...all];
}

function openTask(state: AppState, task: TaskDefinition): AppState {
	const choices = courseChoices(state, task);
	if (choices) {
		// On the last pick, "all courses" included (absent when the task needs one course: the first).
		const last = state.allCourses || state.course !== undefined ? choices.indexOf(state.course) : 0;
		return {...state, screen: {name: 'course', task, choices, list: filteredList(Math.max(0, last))}};
	}
	return openForm(state, task, state.course);
}

function openForm(state: AppState, task: TaskDefinition, course: string | undefined): AppState {
	const form = createFormState(task, {course, timeZone: state.timeZone});
	// A task whose only parameter is the course just picked (or none at all) runs at once.
	const needsForm = form.fields.some((field) => field.parameter.type !== 'course');
	return needsForm ? {...state, screen: {name: 'form', task, form}} : run(state, task, form);
}

function run(state: AppState, task: TaskDefinition, form: FormState): AppState {
	const counter = state.counter + 1;
	// A message about the form ('"user" needs a value') is answered by running it: it stayed under the run's error screen.
	return {...state, counter, flash: undefined, screen: {name: 'running', task, values: formValues(form), form, runId: counter, startedAt: Date.now()}};
}

function onKey(state: AppState, name: string, text: string): AppState {
	if (state.help) {
		// Only the close keys (and F1) close the help; Ctrl-C still quits; other keys do nothing.
		const action = scopeAction('help', name) ?? scopeAction('global', name);
		if (action === 'quit') return {...state, quitting: true};
		if (action === 'back' || action === 'help') return {...state, help: undefined};
		const move = action && listMoves[action];
		if (!move) return state;
		return {...state, help: {offset: scrolledTop(state.help.offset, shownHelpLines(state).length, helpPageSize(state.height), move)}};
	}
	const scope = scopeOf(state);
	const own = scopeAction(scope, name);
	if (own === 'quit') return {...state, quitting: true};
	if (own === 'help') return {...state, help: {offset: 0}};
	if (scope === 'text' || scope === 'form') {
		// In a field every other printable key is typed (so "?" or "q" can be searched for).
		const edit = own ? textEdits[own] : text ? ({type: 'type', text} as const) : undefined;
		if (edit) return editField(state, edit);
	}
	if (own) return onAction(state, own, name);
	const global = scopeAction('global', name);
	if (global === 'quit') return {...state, quitting: true};
	if (global === 'help') return {...state, help: {offset: 0}};
	return state;
}

/** The keys that edit the field being typed into, whichever it is. */
const textEdits: Partial<Record<Action, TextEdit>> = {
	left: {type: 'move', by: -1},
	right: {type: 'move', by: 1},
	'field-start': {type: 'home'},
	'field-end': {type: 'end'},
	erase: {type: 'erase'},
	delete: {type: 'delete'},
	'clear-field': {type: 'clear'},
};

function editField(state: AppState, edit: TextEdit): AppState {
	const {screen} = state;
	if (screen.name === 'menu') return {...state, menu: menuReducer(state.menu, {type: 'edit', edit}, state.tasks, menuPageSize(state.height))};
	if (screen.name === 'course') return onCourseList(state, screen, {type: 'edit', edit});
	if (screen.name === 'picker') return onPickerList(state, screen, {type: 'edit', edit});
	if (screen.name === 'form') return {...state, screen: {...screen, form: formReducer(screen.form, {type: 'edit', edit})}};
	if (screen.name === 'result' && screen.searchInput) return {...state, screen: {...screen, searchInput: editText(screen.searchInput, edit)}};
	return state;
}

/** `name`: the key, for an action that several keys do each in its own way (a digit's series). */
function onAction(state: AppState, action: Action, name: string): AppState {
	const {screen} = state;
	switch (screen.name) {
		case 'starting':
			return state;
		case 'ingest':
			if (action === 'cancel-ingest') return {...state, screen: {...screen, confirmCancel: true}};
			if (action === 'yes') return {...state, screen: {...screen, confirmCancel: false, cancelling: true}};
			if (action === 'no') return {...state, screen: {...screen, confirmCancel: false}};
			return state;
		case 'summary':
			return action === 'continue' ? {...state, screen: {name: 'menu'}} : state;
		case 'menu':
			return onMenuAction(state, action);
		case 'course':
			return onCourseAction(state, screen, action);
		case 'form':
			return onFormAction(state, screen, action);
		case 'picker':
			return onPickerAction(state, screen, action);
		case 'running':
			return action === 'cancel-query' ? withFlash({...state, screen: {name: 'form', task: screen.task, form: screen.form}}, 'Query cancelled.') : state;
		case 'result':
			return onResultAction(state, screen, action, name);
		case 'details':
			return onDetailsAction(state, screen, action);
		case 'error':
			return action === 'back' ? {...state, screen: screen.back ?? {name: 'menu'}} : state;
	}
}

/** The details of `task`, opened on `back` (the flash goes: the lines are counted without it). */
function openDetails(state: AppState, task: TaskDefinition, back: DetailsOrigin): AppState {
	return {...state, flash: undefined, screen: {name: 'details', task, back, top: 0}};
}

function onDetailsAction(state: AppState, screen: Extract<Screen, {name: 'details'}>, action: Action): AppState {
	if (action === 'back') return {...state, screen: screen.back};
	const move = listMoves[action];
	if (!move) return state;
	const lines = taskDetailLines(screen.task, state.width).length;
	return {...state, screen: {...screen, top: scrolledTop(screen.top, lines, detailsPageSize(state), move)}};
}

/** The keys that move a list's cursor (the menu, the course picker and the learner, video and problem picker, the help) … */
const listMoves: Partial<Record<Action, ListMove>> = {
	up: {type: 'move', by: -1},
	down: {type: 'move', by: 1},
	'page-up': {type: 'page', by: -1},
	'page-down': {type: 'page', by: 1},
	top: {type: 'top'},
	bottom: {type: 'bottom'},
};
/** … and those that filter it (the menu, the pickers). */
const listActions: Partial<Record<Action, FilteredListAction>> = {...listMoves, filter: {type: 'start-filter'}, accept: {type: 'end-filter'}, back: {type: 'clear-filter'}};

function onMenuAction(state: AppState, action: Action): AppState {
	const listAction = listActions[action];
	if (listAction) return {...state, menu: menuReducer(state.menu, listAction, state.tasks, menuPageSize(state.height))};
	if (action !== 'open' && action !== 'details') return state;
	const task = selectedTask(state.menu, visibleTasks(state.tasks, state.menu.filter.value));
	if (!task) return state;
	return action === 'open' ? openTask(state, task) : openDetails(state, task, {name: 'menu'});
}

function onCourseList(state: AppState, screen: Extract<Screen, {name: 'course'}>, action: FilteredListAction): AppState {
	const list = filteredListReducer(screen.list, action, (filter) => shownChoices(screen.choices, filter), coursePageSize(state));
	return {...state, screen: {...screen, list}};
}

function onCourseAction(state: AppState, screen: Extract<Screen, {name: 'course'}>, action: Action): AppState {
	// Esc clears a filter first, as on the menu; with none it goes back.
	if (action === 'back' && !isFiltered(screen.list)) return {...state, screen: {name: 'menu'}};
	if (action === 'details') return openDetails(state, screen.task, screen);
	const listAction = listActions[action];
	if (listAction) return onCourseList(state, screen, listAction);
	if (action !== 'open') return state;
	const {shown, position} = pickerView(screen.choices, screen.list);
	const index = shown[position];
	if (index === undefined) return state;
	const course = screen.choices[index];
	return openForm({...state, course, allCourses: course === undefined}, screen.task, course);
}

function onFormAction(state: AppState, screen: Extract<Screen, {name: 'form'}>, action: Action): AppState {
	const form = (formAction: Parameters<typeof formReducer>[1]) => ({...state, screen: {...screen, form: formReducer(screen.form, formAction)}});
	switch (action) {
		case 'next-field':
			return form({type: 'focus', by: 1});
		case 'previous-field':
			return form({type: 'focus', by: -1});
		case 'open-picker': {
			const kind = pickKind(screen.form);
			return kind ? openPicker(state, kind, screen.task, screen.form) : state;
		}
		case 'run': {
			// Said on the form, with the field at hand: the task's own refusal came as an error screen.
			const missing = missingRequired(screen.form);
			if (missing >= 0) {
				const {parameter} = screen.form.fields[missing]!;
				const focused = formReducer(screen.form, {type: 'focus', by: missing - screen.form.focus});
				// A learner, video or problem is picked from a list rather than recalled: learner-path's "needs a value" sent users
				// to the Learners task, and video-dropoff's to video-engagement for a hash.
				const kind = pickKind(focused);
				if (kind) return openPicker(state, kind, screen.task, focused);
				return withFlash({...state, screen: {...screen, form: focused}}, `"${parameter.name}" needs a value: ${parameter.description}.`, 'error');
			}
			return run(state, screen.task, screen.form);
		}
		case 'details':
			return openDetails(state, screen.task, screen);
		case 'back':
			return {...state, screen: {name: 'menu'}};
		default:
			return state;
	}
}

/** What Ctrl-L lists on the focused field of `form`: nothing off a user, video or problem field. */
function pickKind(form: FormState): PickKind | undefined {
	const type = form.fields[form.focus]?.parameter.type;
	return type === 'user' || type === 'video' || type === 'problem' ? type : undefined;
}

/** The picker on the focused field of `form`, for the `kind` of the course in its course field (none: all courses). */
function openPicker(state: AppState, kind: PickKind, task: TaskDefinition, form: FormState): AppState {
	const course = form.fields.find((field) => field.parameter.type === 'course')?.value.trim() ?? '';
	const counter = state.counter + 1;
	return {...state, counter, flash: undefined, screen: {name: 'picker', kind, task, form, course, requestId: counter, list: filteredList()}};
}

function onPickerList(state: AppState, screen: Extract<Screen, {name: 'picker'}>, action: FilteredListAction): AppState {
	const {items} = screen;
	// Nothing to move over or filter until they are listed.
	if (!items) return state;
	const list = filteredListReducer(screen.list, action, (filter) => shownItems(items, filter), pickerPageSize(state));
	return {...state, screen: {...screen, list}};
}

function onPickerAction(state: AppState, screen: Extract<Screen, {name: 'picker'}>, action: Action): AppState {
	const back = (form: FormState) => ({...state, screen: {name: 'form' as const, task: screen.task, form}});
	// Esc clears a filter first, as in the course picker; with none the form is back as it was.
	if (action === 'back' && !isFiltered(screen.list)) return back(screen.form);
	if (action === 'details') return openDetails(state, screen.task, screen);
	const listAction = listActions[action];
	if (listAction) return onPickerList(state, screen, listAction);
	if (action !== 'open' || !screen.items) return state;
	const {shown, position} = pickView(screen.items, screen.list);
	const item = screen.items[shown[position] ?? -1];
	if (!item) return state;
	const {form} = screen;
	return back({...form, fields: form.fields.map((field, index) => (index === form.focus ? {...field, ...textField(item.id)} : field))});
}

const tableActions: Partial<Record<Action, Parameters<typeof tableReducer>[1]>> = {
	up: {type: 'move-row', by: -1},
	down: {type: 'move-row', by: 1},
	left: {type: 'move-column', by: -1},
	right: {type: 'move-column', by: 1},
	'page-up': {type: 'page', by: -1},
	'page-down': {type: 'page', by: 1},
	top: {type: 'top'},
	bottom: {type: 'bottom'},
	'sort-asc': {type: 'sort', direction: 'asc'},
	'sort-desc': {type: 'sort', direction: 'desc'},
	'next-match': {type: 'next-match', by: 1},
	'previous-match': {type: 'next-match', by: -1},
	'filter-matches': {type: 'toggle-filter'},
};

function onResultAction(state: AppState, screen: ResultScreen, action: Action, name: string): AppState {
	// A change of rows (a filter) or series redraws the chart, which may take other lines.
	const update = (changes: Partial<ResultScreen>) => fitted({...state, screen: {...screen, ...changes}});
	if (screen.searchInput !== undefined) {
		if (action === 'back') return update({searchInput: undefined, table: tableReducer(screen.table, {type: 'search', query: ''})});
		if (action === 'accept') return update({searchInput: undefined, table: tableReducer(screen.table, {type: 'search', query: screen.searchInput.value})});
		return state;
	}
	if (screen.cellOpen) return action === 'back' ? update({cellOpen: false}) : state;
	if (screen.choosingFormat) {
		const formats: Partial<Record<Action, OutputFormat>> = {'save-csv': 'csv', 'save-json': 'json', 'save-md': 'md'};
		const format = formats[action];
		if (format) {
			const saving = {id: state.counter + 1, format, result: screen.result, view: screen.table.view, written: 0};
			return {...update({choosingFormat: false}), saving, counter: saving.id};
		}
		return action === 'back' ? update({choosingFormat: false}) : state;
	}
	const tableAction = tableActions[action];
	if (tableAction) return update({table: tableReducer(screen.table, tableAction)});
	switch (action) {
		case 'search':
			return update({searchInput: textField()});
		case 'view-cell':
			return screen.table.view.length > 0 ? update({cellOpen: true}) : state;
		case 'chart': {
			if (!screen.task.chart) return withFlash(state, `${screen.task.id} declares no chart.`);
			const chart = !screen.chart;
			// An empty chart drew nothing and said nothing.
			if (chart && screen.result.rows.length === 0) return withFlash(state, 'No rows: nothing to chart.');
			return update({chart});
		}
		case 'toggle-series': {
			// A bar chart draws one series; a hidden chart has no lines to hide.
			if (!screen.chart || screen.task.chart?.kind !== 'line') return state;
			const hiddenSeries = toggledSeries(screen.hiddenSeries, Number(name) - 1, screen.task.chart.y.length);
			return hiddenSeries ? update({hiddenSeries}) : withFlash(state, 'One line stays shown: show another first.');
		}
		case 'save':
			// One save at a time: two would race for the disk, and the first's rows are still being written.
			return state.saving ? withFlash(state, `One save at a time: ${savingText(state.saving)}`) : update({choosingFormat: true});
		case 'rerun':
			return run(state, screen.task, createFormStateFromValues(screen));
		case 'back':
			return {...state, screen: {name: 'menu'}};
		default:
			return state;
	}
}

/** The form as it was submitted, so a re-run (or Esc from its running screen) keeps the values. */
function createFormStateFromValues(screen: ResultScreen): FormState {
	const form = createFormState(screen.task, {});
	return {...form, fields: form.fields.map((field) => ({...field, ...textField(screen.values[field.parameter.name] ?? '')}))};
}
