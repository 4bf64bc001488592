import {rowCount, truncated} from '../../format.js';
import type {TaskDefinition, TaskResult} from '../../tasks/types.js';
import {keepsEnd, stringWidth} from './columns.js';

const SEPARATOR = ' · ';
/** A value is not cut shorter than this many cells (… included): shorter, it tells nothing and goes. */
const MIN_CUT = 8;

/**
 * One part of the title line. `shortest`: the fewest cells its value may be cut to (Infinity: whole or
 * not at all; 1: never left out). `rank`: the lower, the sooner it is cut.
 */
type Part = {name: string; value: string; shortest: number; rank: number};

/**
 * The result screen's title line in `width` cells: the task's title (bold), then the row count, the
 * query's time and the values it ran with. What does not fit is cut, or left out, least important
 * first: the time, the values left at the task's default, the other values (the last first), the course
 * (keeping its end, which tells runs apart), the row count (also in the status bar), the title; the learner a
 * run is about goes last, so
 * their name is whole whenever it fits. A course left empty is named as it ran: the only one, or all courses.
 */
export function titleLine(task: TaskDefinition, values: Record<string, string>, result: Pick<TaskResult, 'rows' | 'elapsedMs' | 'parameters'>, width: number): {title: string; details: string} {
	const elapsed = result.elapsedMs < 1000 ? `${Math.round(result.elapsedMs)} ms` : `${(result.elapsedMs / 1000).toFixed(1)} s`;
	const course = task.parameters.find((parameter) => parameter.type === 'course');
	// Left out, a run on all of 34 courses read as one on some course.
	const ranWith = course && !values[course.name] ? {[course.name]: result.parameters[course.name] || 'all courses', ...values} : values;
	const valueParts = Object.entries(ranWith).map(([name, value]): Part => {
		const parameter = task.parameters.find((candidate) => candidate.name === name);
		if (parameter?.type === 'user') return {name, value, shortest: 1, rank: 5};
		// A value the user chose says more than a default: at-risk's tz=Europe/Moscow went before days=14.
		return {name, value, shortest: MIN_CUT, rank: parameter?.type === 'course' ? 2 : value === parameter?.default ? 0.5 : 1};
	});
	const parts: Array<Part | undefined> = [
		{name: '', value: task.title, shortest: 1, rank: 4},
		{name: '', value: rowCount(result.rows.length), shortest: Number.POSITIVE_INFINITY, rank: 3},
		{name: '', value: elapsed, shortest: Number.POSITIVE_INFINITY, rank: 0},
		...valueParts,
	];
	const text = (part: Part) => (part.name ? `${part.name}=${part.value}` : part.value);
	const lineWidth = () => stringWidth(parts.flatMap((part) => (part ? [text(part)] : [])).join(SEPARATOR));
	// Equal ranks: the part further right is cut first.
	const cutOrder = parts.map((_, index) => index).sort((a, b) => parts[a]!.rank - parts[b]!.rank || b - a);
	for (const index of cutOrder) {
		const over = lineWidth() - width;
		if (over <= 0) break;
		const part = parts[index]!;
		const room = stringWidth(part.value) - over;
		if (room >= part.shortest || part.shortest === 1) {
			parts[index] = {...part, value: truncated(part.value, Math.max(1, room), keepsEnd(part.value) ? 'start' : 'end')};
		} else {
			parts[index] = undefined;
		}
	}
	const [title, ...details] = parts;
	return {title: title?.value ?? '', details: details.flatMap((part) => (part ? [`${SEPARATOR}${text(part)}`] : [])).join('')};
}
