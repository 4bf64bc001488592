import meow from 'meow';
import {UserError, redactSecrets} from '../ingest/errors.js';
import {commands, type CommandContext} from './commands/index.js';
import {checkedDatabaseUrl, checkedFlags} from './commands/context.js';
import {usage, flagSpec, commandFlags, kebab} from './usage.js';

/** Option names as typed (meow also reports unset ones with defaults, so we read argv). */
function givenFlags(argv: string[]): string[] {
	const names: string[] = [];
	for (const token of argv) {
		if (token === '--') break;
		if (token.startsWith('--')) names.push(token.slice(2).split('=')[0]!.replace(/^no-/, ''));
		else if (/^-[a-zA-Z]/.test(token)) names.push(...token.slice(1));
	}
	return names;
}

/** Runs one CLI invocation and returns the exit code (never throws for user mistakes). */
export async function main(argv: string[]): Promise<number> {
	// `openpolyedu-tui files | head` closes our stdout early: that is not an error.
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code === 'EPIPE') process.exit(0);
	});
	const cli = meow(usage, {
		importMeta: import.meta,
		argv,
		flags: flagSpec,
		allowUnknownFlags: true,
		autoHelp: false,
		autoVersion: true,
		description: false,
	});
	const [name = '', ...args] = cli.input;
	// `run <task> --help` describes the task (see taskHelp).
	if (cli.flags.help && !(name === 'run' && args.length > 0)) {
		process.stdout.write(`${usage}\n`);
		return 0;
	}
	const command = commands[name];
	if (!command) {
		process.stderr.write(`Unknown command "${name}"; run openpolyedu-tui --help for the list of commands.\n`);
		return 2;
	}
	const allowed = new Set([...commandFlags.common, ...(commandFlags[name] ?? [])]);
	for (const flag of givenFlags(argv)) {
		if (!allowed.has(flag) && !allowed.has(kebab(flag))) {
			const shown = flag.length === 1 ? `-${flag}` : `--${flag}`;
			process.stderr.write(`Unknown option ${shown} for ${name ? `"${name}"` : 'the app'}; run openpolyedu-tui --help.\n`);
			return 2;
		}
	}
	try {
		const context: CommandContext = {
			args,
			flags: checkedFlags(cli.flags),
			// An empty DATABASE_URL (exported but blank) means none: the embedded server.
			databaseUrl: checkedDatabaseUrl((cli.flags.db as string | undefined) ?? (process.env.DATABASE_URL || undefined)),
			stdout: process.stdout,
			stderr: process.stderr,
		};
		return await command(context);
	} catch (error) {
		if (error instanceof UserError) {
			process.stderr.write(`${error.message}\n`);
			return 1;
		}
		const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
		process.stderr.write(`Unexpected error: ${redactSecrets(message)}\n`);
		return 1;
	}
}
