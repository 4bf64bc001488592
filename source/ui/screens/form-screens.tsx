import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {useEffect, useState} from 'react';
import type {TaskDefinition} from '../../tasks/types.js';
import {counted, firstSentence, terminalSafe, wrapLines, wrapProse} from '../../format.js';
import {besideCount, ROW_MARK_WIDTH, rowMark, stringWidth} from '../lib/columns.js';
import {clock, thousands} from '../lib/format.js';
import {parameterHelp} from '../lib/task-details.js';
import type {Course} from '../state/app-state.js';
import {choiceLabel, pickerView, type CourseChoice} from '../state/course-picker.js';
import {filterLabel, isFiltered, type FilteredList} from '../state/filtered-list.js';
import {PICKED, pickLabel, pickSummary, pickView, type PickItem, type PickKind} from '../state/picker.js';
import {formLayout, type FormState} from '../state/form-state.js';
import {windowStart} from '../state/list-cursor.js';
import {withCursor} from '../state/text-field.js';

/**
 * Which course a task runs on, when the database holds several; `rows` of them fit, scrolled to the cursor. `/`
 * filters them as it does the menu (the corpus's 33 courses only scrolled).
 */
export function CourseScreen({task, choices, list, courses, width, rows}: {task: TaskDefinition; choices: CourseChoice[]; list: FilteredList<number>; courses: Course[]; width: number; rows: number}) {
	const events = new Map(courses.map((course) => [course.courseId, course.events]));
	const {shown, position} = pickerView(choices, list);
	return (
		<Box flexDirection="column" width={width}>
			<PickerTitle title={task.title} question={`which course?${pickerCount(shown.length, position, rows, list)}`} list={list} width={width} />
			{shown.length === 0 && <Text dimColor>No course matches "{list.filter.value}" (Esc clears the filter).</Text>}
			<PickerRows
				shown={shown}
				position={position}
				rows={rows}
				width={width}
				line={(index) => {
					const choice = choices[index];
					return {label: choiceLabel(choice), events: choice === undefined ? undefined : (events.get(choice) ?? 0)};
				}}
			/>
		</Box>
	);
}

/**
 * The `rows` of a picker's list around its cursor within `width`: each one's label, and its count (of `noun`s) where it
 * has one, the label cut for it (see besideCount).
 */
function PickerRows({shown, position, rows, width, line, noun = 'event'}: {shown: number[]; position: number; rows: number; width: number; line: (index: number) => {label: string; events: number | undefined}; noun?: string}) {
	const start = windowStart(position, shown.length, rows);
	return shown.slice(start, start + rows).map((index, offset) => {
		const {label, events} = line(index);
		const isCursor = start + offset === position;
		const count = events === undefined ? '' : ` ${counted(events, noun)}`;
		return (
			<Text key={index} inverse={isCursor} wrap="truncate-end">
				{rowMark(isCursor)}
				{besideCount(terminalSafe(label), count, width - ROW_MARK_WIDTH)}
				{count && <Text dimColor>{count}</Text>}
			</Text>
		);
	});
}

/** " 3 of 1,200" after a picker's question, when the list is longer than the screen or filtered; else nothing. */
function pickerCount(count: number, position: number, rows: number, list: FilteredList<number>): string {
	return count > rows || isFiltered(list) ? ` ${thousands(count === 0 ? 0 : position + 1)} of ${thousands(count)}` : '';
}

/** A picker's title line: the task's title, then its question and filter; the title gives way. */
function PickerTitle({title, question, list, width}: {title: string; question: string; list: FilteredList<number>; width: number}) {
	const filterText = filterLabel(list);
	// Cut at the end of the line, the title took the filter being typed with it.
	const cut = wrapLines(title, Math.max(10, width - stringWidth(` · ${question}${filterText}`)), 1, 'end')[0];
	return (
		<Text bold wrap="truncate-end">
			{cut} · {question}
			<Text color="yellow">{filterText}</Text>
		</Text>
	);
}

/**
 * The learners, videos or problems (`kind`) of the form's course (`course`, '' = all courses) to put into its field,
 * most active first: the ones a course team looks into, and the order of the Learners task. `rows` of them are drawn,
 * scrolled to the cursor (25,000 learners at 10M events); `/` filters them by the words of their names (a video's or
 * problem's id, unit or URL).
 */
export function PickScreen({kind, task, course, items, list, width, rows}: {kind: PickKind; task: TaskDefinition; course: string; items?: PickItem[]; list: FilteredList<number>; width: number; rows: number}) {
	const where = course === '' ? 'all courses' : terminalSafe(course);
	const {one, counted: noun} = PICKED[kind];
	if (!items) {
		return (
			<Box flexDirection="column" width={width}>
				<PickerTitle title={task.title} question={`which ${one}?`} list={list} width={width} />
				<Text dimColor wrap="truncate-end">
					Listing the {one}s of {where}…
				</Text>
			</Box>
		);
	}
	const {shown, position} = pickView(items, list);
	return (
		<Box flexDirection="column" width={width}>
			<PickerTitle title={task.title} question={`which ${one}?${pickerCount(shown.length, position, rows, list)}`} list={list} width={width} />
			<Text dimColor wrap="truncate-end">
				{pickSummary(kind, items.length, where)}
			</Text>
			{items.length > 0 && shown.length === 0 && <Text dimColor>No {one} matches "{list.filter.value}" (Esc clears the filter).</Text>}
			<PickerRows shown={shown} position={position} rows={rows} width={width} noun={noun} line={(index) => ({label: pickLabel(items[index]!), events: items[index]!.count})} />
		</Box>
	);
}

/**
 * The task's parameters with their defaults; Enter runs. What fits `height` is formLayout's: the description
 * gets the lines the title, the fields and the focused field's help leave (cut at its end), and on a short
 * screen the fields scroll to the focused one.
 */
export function FormScreen({task, form, width, height}: {task: TaskDefinition; form: FormState; width: number; height: number}) {
	const labelWidth = Math.max(...form.fields.map((field) => field.parameter.name.length), 4) + 2;
	const focused = form.fields[form.focus];
	const {descriptionRoom, start, end, above, below} = formLayout(form.fields.length, form.focus, height);
	return (
		<Box flexDirection="column" width={width}>
			<Text bold wrap="truncate-end">
				{task.title}
			</Text>
			{descriptionRoom > 0 &&
				wrapProse(firstSentence(task.description), width, descriptionRoom).map((line, index) => (
					<Text key={index} dimColor>
						{line}
					</Text>
				))}
			{descriptionRoom > 0 && <Text> </Text>}
			{above > 0 && <Text dimColor>{`  ↑ ${above} more`}</Text>}
			{form.fields.slice(start, end).map((field, offset) => {
				const choice = field.parameter.type === 'choice' || field.parameter.type === 'boolean';
				const isFocused = start + offset === form.focus;
				return (
					<Text key={field.parameter.name} wrap="truncate-end">
						{rowMark(isFocused)}
						{field.parameter.name.padEnd(labelWidth)}
						<Text inverse={isFocused}>
							{choice ? `‹ ${field.value || '—'} ›` : isFocused ? withCursor(field) : field.value}
						</Text>
						{/* In the value's place: a space before it put it a column right of the others. */}
						{!field.value && !isFocused && <Text dimColor>(none)</Text>}
					</Text>
				);
			})}
			{below > 0 && <Text dimColor>{`  ↓ ${below} more`}</Text>}
			{focused && (
				<Text dimColor wrap="truncate-end">
					{'  '}
					{parameterHelp(focused.parameter)}
				</Text>
			)}
		</Box>
	);
}

/** Ticks once a second for the elapsed time: only this line re-renders. */
function Elapsed({since}: {since: number}) {
	const [now, setNow] = useState(Date.now());
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(timer);
	}, []);
	return <Text>{clock((now - since) / 1000)}</Text>;
}

export function RunningScreen({task, values, startedAt}: {task: TaskDefinition; values: Record<string, string>; startedAt: number}) {
	const shown = Object.entries(values).map(([name, value]) => `${name}=${value}`);
	return (
		<Box flexDirection="column">
			<Text>
				<Text color="cyan">
					<Spinner type="dots" />
				</Text>{' '}
				Running <Text bold>{task.title}</Text> · <Elapsed since={startedAt} />
			</Text>
			{shown.length > 0 && <Text dimColor>{shown.join(' · ')}</Text>}
		</Box>
	);
}
