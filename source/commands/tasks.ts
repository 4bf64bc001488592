import {loadTaskCatalogue, type TaskResult} from '../tasks/index.js';
import type {Command} from './context.js';
import {outputFormatOf, printResult} from './run.js';

/** `tasks`: the catalogue (id, group, title). Reads queries/ only: no database needed. */
export const tasksCommand: Command = async (context) => {
	const format = outputFormatOf(context);
	const catalogue = await loadTaskCatalogue();
	for (const problem of catalogue.problems) context.stderr.write(`Skipped ${problem.message}\n`);
	const listing: TaskResult = {
		taskId: 'tasks',
		columns: [
			{name: 'id', kind: 'text'},
			{name: 'group', kind: 'text'},
			{name: 'title', kind: 'text'},
		],
		rows: catalogue.tasks.map((task) => [task.id, task.group, task.title]),
		parameters: {},
		elapsedMs: 0,
	};
	printResult(context, listing, format);
	return 0;
};
