import {Box, Text} from 'ink';
import type {TaskDefinition, TaskProblem} from '../../tasks/types.js';
import {menuRow, menuTitleColumn, ROW_MARK_WIDTH, rowMark} from '../lib/columns.js';
import {counted, dayZonesText, firstSentence, wrapLines} from '../../format.js';
import type {AppIngestSummary, Course} from '../state/app-state.js';
import {filterLabel} from '../state/filtered-list.js';
import {menuLines, menuWindow, selectedTask, visibleTasks, type MenuState} from '../state/menu-state.js';

/** Notices above the list: no data yet, unreadable task files, what the last load brought. */
export function menuNotices(
	courses: Course[] | undefined,
	problems: TaskProblem[],
	lastIngest: AppIngestSummary | undefined,
	eventsWithoutCourse = 0,
): Array<{text: string; tone: 'warning' | 'info'}> {
	const notices: Array<{text: string; tone: 'warning' | 'info'}> = [];
	// Started elsewhere than beside input/ (to query a --workdir, say): not an error, but nothing was read. Only an empty
	// database needs to be told where logs go (which is all "No data yet" would add); one with data is just being looked at.
	const noInputIn = lastIngest?.noInputFolderIn;
	const empty = courses?.length === 0 && eventsWithoutCourse === 0;
	if (noInputIn && empty) notices.push({text: `Nothing loaded: no input/ folder in ${noInputIn}; put tracking logs there and start again.`, tone: 'warning'});
	else if (noInputIn) notices.push({text: `No input/ folder in ${noInputIn}: nothing new was read.`, tone: 'info'});
	// After a cancel the courses may be missing only from the tables not updated yet: the cancel's notice says so.
	if (courses?.length === 0 && lastIngest?.phase !== 'cancelled' && !(noInputIn && empty)) {
		// Events of Studio or of pages outside courses only: loaded, but no course for a task to count them in.
		const text =
			eventsWithoutCourse > 0
				? `No course yet: none of the ${counted(eventsWithoutCourse, 'event')} loaded names one (Data health counts them).`
				: 'No data yet: put tracking logs (.log, .gz, .zip or folders) into input/ and start the app again.';
		notices.push({text, tone: 'warning'});
	}
	for (const problem of problems.slice(0, 2)) notices.push({text: `Skipped ${problem.message}`, tone: 'warning'});
	if (problems.length > 2) notices.push({text: `… and ${counted(problems.length - 2, 'more task file')} skipped (openpolyedu-tui tasks lists them).`, tone: 'warning'});
	// A cancelled load's events (or all of them, when the tables' update was cancelled) reach the tables the tasks read only when a later load finishes.
	// Short enough for 80 columns (a notice is one line).
	if (lastIngest?.phase === 'cancelled') notices.push({text: 'Load cancelled: the tasks see its new events once the next start finishes it.', tone: 'warning'});
	// What the load brought (nothing, without input/: its notice says so). Nothing from an input/ with no logs yet on an
	// empty database: "No data yet" says what to do (a first start also said that everything was already loaded).
	const loaded = noInputIn ? undefined : lastIngest;
	// An input that failed (again, with no new line) is not "everything loaded": "Last load" names it.
	if (loaded && loaded.lines === 0 && loaded.phase === 'done' && loaded.filesFailed === 0) {
		if (!empty) notices.push({text: 'No new data in the inputs; everything was already loaded.', tone: 'info'});
	}
	else if (loaded) {
		// An input that failed is why the app exits 1: the menu keeps saying so once the summary is gone.
		const failed = loaded.filesFailed > 0 ? `, ${counted(loaded.filesFailed, 'input')} failed` : '';
		notices.push({text: `Last load: ${counted(loaded.loaded, 'new event')}, ${counted(loaded.rejected, 'rejected line')}${failed}.`, tone: failed ? 'warning' : 'info'});
	}
	return notices;
}

export function MenuScreen({
	tasks,
	menu,
	courses,
	eventsWithoutCourse,
	course,
	dayZone,
	problems,
	lastIngest,
	width,
	height,
}: {
	tasks: TaskDefinition[];
	menu: MenuState;
	courses?: Course[];
	eventsWithoutCourse?: number;
	course?: string;
	dayZone?: string;
	problems: TaskProblem[];
	lastIngest?: AppIngestSummary;
	width: number;
	height: number;
}) {
	const shown = visibleTasks(tasks, menu.filter.value);
	const lines = menuLines(shown);
	const selected = selectedTask(menu, shown);
	// Two lines each at most: cut at 80 columns, "no input/ folder in <a path>" lost what to do.
	const notices = menuNotices(courses, problems, lastIngest, eventsWithoutCourse).flatMap(({text, tone}) => wrapLines(text, width, 2, 'end').map((line) => ({line, tone})));
	// Under the title and the notices (the lines saying why the list is empty come only with no list).
	const room = Math.max(3, height - 1 - notices.length);
	const selectedLine = lines.findIndex((line) => line.kind === 'task' && line.task.id === selected?.id);
	const {start, end} = menuWindow(lines, selectedLine, room);
	const titleColumn = menuTitleColumn(shown.map((task) => task.title), width - ROW_MARK_WIDTH);
	const courseText = courses === undefined ? 'listing courses…' : courses.length === 0 ? 'no courses yet' : course ? `course ${course}` : `${courses.length} courses`;
	return (
		<Box flexDirection="column" width={width}>
			{/* The filter before the course and the zones: behind a long course id, what was typed ran past 80 columns. */}
			<Text wrap="truncate-end">
				<Text bold>Tasks</Text> · {shown.length} of {tasks.length}
				<Text color="yellow">{filterLabel(menu)}</Text> · {courseText}
				{dayZone === undefined ? '' : ` · days: ${dayZonesText(dayZone)}`}
			</Text>
			{notices.map((notice, index) => (
				<Text key={index} color={notice.tone === 'warning' ? 'yellow' : 'green'}>
					{notice.line}
				</Text>
			))}
			{tasks.length === 0 && <Text dimColor>Reading the task list…</Text>}
			{tasks.length > 0 && shown.length === 0 && <Text dimColor>No task matches "{menu.filter.value}" (Esc clears the filter).</Text>}
			{lines.slice(start, end).map((line) => {
				if (line.kind === 'group') {
					return (
						<Text key={`group-${line.group}`} bold color="cyan">
							{line.group}
						</Text>
					);
				}
				const row = menuRow(line.task.title, firstSentence(line.task.description), titleColumn, width - ROW_MARK_WIDTH);
				return (
					<Text key={line.task.id} wrap="truncate-end" inverse={line.task.id === selected?.id}>
						{rowMark(line.task.id === selected?.id)}
						{row.title}
						<Text dimColor={line.task.id !== selected?.id}>{row.description}</Text>
					</Text>
				);
			})}
		</Box>
	);
}
