import type {Command} from './context.js';

export type {Command, CommandContext} from './context.js';

/**
 * '' is the app itself (no command given). Each command's module is imported when it runs: importing all of them
 * took each start ~0.3 s of CPU, ~0.1 s more than the one a command needs (a usage error, --help or db status
 * needs none).
 */
export const commands: Record<string, () => Promise<Command>> = {
	'': async () => (await import('./app.js')).appCommand,
	ingest: async () => (await import('./ingest.js')).ingestCommand,
	tasks: async () => (await import('./tasks.js')).tasksCommand,
	run: async () => (await import('./run.js')).runCommand,
	files: async () => (await import('./files.js')).filesCommand,
	rejected: async () => (await import('./files.js')).rejectedCommand,
	reset: async () => (await import('./reset.js')).resetCommand,
	db: async () => (await import('./db.js')).dbCommand,
};
