import {textCell, type TaskResult} from '../../source/tasks/index.js';

/** A result's values as CSV writes them: a time in the run's zone as its wall time there (see textCell). */
export function csvRows({columns, rows}: Pick<TaskResult, 'columns' | 'rows'>): TaskResult['rows'] {
	const cell = textCell(columns);
	return rows.map((row) => row.map(cell));
}
