import type {Command} from './context.js';
import {appCommand} from './app.js';
import {dbCommand} from './db.js';
import {filesCommand, rejectedCommand} from './files.js';
import {ingestCommand} from './ingest.js';
import {resetCommand} from './reset.js';
import {runCommand} from './run.js';
import {tasksCommand} from './tasks.js';

export type {Command, CommandContext} from './context.js';

/** '' is the app itself (no command given). */
export const commands: Record<string, Command> = {
	'': appCommand,
	ingest: ingestCommand,
	tasks: tasksCommand,
	run: runCommand,
	files: filesCommand,
	rejected: rejectedCommand,
	reset: resetCommand,
	db: dbCommand,
};
