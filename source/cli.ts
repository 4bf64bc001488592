import fs from 'node:fs';
import path from 'node:path';
import meow from 'meow';
import {UserError, redactSecrets} from '../ingest/errors.js';
import {commands, type CommandContext} from './commands/index.js';
import {checkedDatabaseUrl, checkedFlags, outputFailed, outputFailure, outputGone, outputReaderGone} from './commands/context.js';
import {didYouMean} from './suggest.js';
import {usage, flagSpec, commandArguments, commandFlags, kebab, UsageError} from './usage.js';

/** Options that take a value, as typed (max-line-bytes). */
const VALUE_FLAGS = new Set(Object.entries(flagSpec).flatMap(([name, spec]) => (spec.type === 'string' ? [kebab(name)] : [])));
/** Every command's options (--no-tui is the app's, not a task parameter). */
const ALL_FLAGS = new Set(Object.keys(flagSpec).map(kebab));
/** Options meant to be given more than once (--param). */
const REPEATABLE = new Set(Object.entries(flagSpec).flatMap(([name, spec]) => ('isMultiple' in spec && spec.isMultiple ? [kebab(name)] : [])));
/** The long name of each short option (y → yes). */
const LONG_NAMES: Record<string, string> = Object.fromEntries(Object.entries(flagSpec).flatMap(([name, spec]) => ('shortFlag' in spec ? [[spec.shortFlag, kebab(name)]] : [])));

/**
 * For run: an unknown `--name value` is most likely a task's own parameter (`run active-learners --period week`),
 * which `run <task> --help` lists as `--param period=…`: the sentence says how to write it.
 */
function taskParameterAdvice(token: string, next: string | undefined): string {
	const [name, written] = token.slice(2).split(/=(.*)/s);
	const value = written ?? (next !== undefined && !next.startsWith('-') ? next : 'VALUE');
	return `; a task's own parameter is written --param ${name}=${value} (run openpolyedu-tui run <task> --help lists them)`;
}

/**
 * Checks the options as typed (meow also reports unset ones with defaults, so we read argv): each one must be
 * one of `command`'s, and one that takes a value must have it. meow gave it '' (the default, silently) when it
 * was the last word, or when the next word starts with "-", which it reads as options of its own.
 */
function checkGivenFlags(argv: string[], command: string): void {
	const allowed = new Set([...commandFlags.common, ...(commandFlags[command] ?? [])]);
	/** Each option given, by its long name, as it was typed (--no-tui, -y). */
	const given = new Map<string, string>();
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '--') break;
		const long = token.startsWith('--');
		// A word such as -2018-09-02 is a run of short options to meow, whatever its first character.
		if (!long && !/^-./.test(token)) continue;
		const names = long ? [token.slice(2).split('=')[0]!.replace(/^no-/, '')] : [...token.slice(1)];
		for (const flag of names) {
			// Named as typed: --no-tui twice, or for run, read "--tui", which was not typed.
			const typed = long ? token.split('=')[0]! : `-${flag}`;
			if (!allowed.has(flag) && !allowed.has(kebab(flag))) {
				// A log whose name starts with "-" reads as options.
				const guess = long ? didYouMean(typed, [...allowed].filter((name) => name.length > 1).map((name) => `--${kebab(name)}`)) : '';
				const file = fs.existsSync(token) ? `; to name the file ${token}, write .${path.sep}${token} or put -- before it` : '';
				const advice = file || (command === 'run' && long && !guess && !ALL_FLAGS.has(kebab(flag)) ? taskParameterAdvice(token, argv[index + 1]) : '; run openpolyedu-tui --help');
				throw new UsageError(`Unknown option ${typed} for ${command ? `"${command}"` : 'the app'}${guess}${advice}.`);
			}
			// meow refuses an option with a value given twice, but lets a switch's last one win (--save --no-save).
			const name = LONG_NAMES[flag] ?? kebab(flag);
			const first = given.get(name);
			if (first !== undefined && !REPEATABLE.has(name)) {
				throw new UsageError(`The flag ${first === typed ? typed : `${first} / ${typed}`} can only be set once; run openpolyedu-tui --help.`);
			}
			given.set(name, typed);
		}
		if (!long || token.includes('=') || !VALUE_FLAGS.has(kebab(names[0]!))) continue;
		const value = argv[index + 1];
		if (value === undefined || /^-./.test(value)) {
			// -2018-09-02 was meant as the value; --user is the next option.
			const hint = value === undefined || /^--?[a-z]/i.test(value) ? '' : ` (a value that starts with "-" is written ${token}=${value})`;
			throw new UsageError(`${token} needs a value${hint}; run openpolyedu-tui --help.`);
		}
		index++;
	}
}

/**
 * `argv` with an option's value "-" joined to it (`--out -` as `--out=-`): meow left "-" as an argument of the
 * command ("Unexpected argument") and the option empty. "-" is stdout to most tools (see checkedFlags).
 */
function dashValuesJoined(argv: string[]): string[] {
	const joined: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '--') return [...joined, ...argv.slice(index)];
		if (token.startsWith('--') && VALUE_FLAGS.has(token.slice(2)) && argv[index + 1] === '-') {
			joined.push(`${token}=-`);
			index++;
		} else joined.push(token);
	}
	return joined;
}

/** The parsed command line; meow's complaint (an option given twice: it would get a list) is a usage error. */
function parse(argv: string[]) {
	try {
		return meow(usage, {
			importMeta: import.meta,
			argv,
			flags: flagSpec,
			allowUnknownFlags: true,
			autoHelp: false,
			autoVersion: false,
			description: false,
		});
	} catch (error) {
		// "The flag --maxLineBytes can only be set once.": the option named as typed.
		const message = (error as Error).message.replace(/--(\w+)/, (_, key: string) => `--${kebab(key)}`).replace(/\.$/, '');
		throw new UsageError(`${message}; run openpolyedu-tui --help.`);
	}
}

/** Runs one CLI invocation and returns the exit code (never throws for user mistakes). */
export async function main(argv: string[]): Promise<number> {
	// `openpolyedu-tui files | head` closes our stdout early, `ingest 2>&1 | head` stderr too: not an error, but
	// what runs is cancelled (see outputGone). A closed terminal fails every write with EIO: unheard, that error
	// ended a load killed by SIGHUP before it stopped the server. Nothing can be said to either any more (later
	// writes fail as well, as writes after the stream's end); the cleanup goes on. Any other failed write (a full
	// disk) cancels as well, and is said (see outputFailed).
	for (const [name, stream] of [['stdout', process.stdout], ['stderr', process.stderr]] as const) {
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EPIPE') outputGone();
			else if (error.code !== 'EIO' && error.code !== 'ERR_STREAM_DESTROYED' && error.code !== 'ERR_STREAM_WRITE_AFTER_END') outputFailed(name, error);
		});
	}
	let code: number;
	let said = '';
	try {
		code = await dispatch(argv);
	} catch (error) {
		code = error instanceof UserError ? error.exitCode : 1;
		const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
		said = error instanceof UserError ? error.message : `Unexpected error: ${redactSecrets(message)}`;
	}
	// A write that failed is why the command stopped (it says "Cancelled"), or spoils an output it thought whole.
	// A file's write fails at once, but its error event comes on a later tick: wait for it.
	await new Promise((resolve) => setImmediate(resolve));
	const failure = outputFailure();
	if (failure !== undefined) [code, said] = [1, failure];
	// A reader that stopped reading (`run … | head -2`) cancelled the work: no word, and the 141 (128 + SIGPIPE) that
	// `seq 1000000 | head -2` and git report, which pipefail scripts expect. "Cancelled" and 130 read as a Ctrl-C.
	else if (code === 130 && outputReaderGone()) [code, said] = [141, ''];
	if (said) process.stderr.write(`${said}\n`);
	// Cancelled with output that a reader has stopped reading (a pipe into a pager left waiting): Node waits to write
	// it, and that kept the process alive after its "Cancelled" for as long as no one read. Left unwritten (the output
	// is incomplete, as the exit code says); all the rest is done by now: the server stopped, the workdir released.
	if (code === 130 && process.stdout.writableLength > 0) process.exit(code);
	return code;
}

/** Parses the command line and runs its command; a user's mistake is a UserError. */
async function dispatch(typed: string[]): Promise<number> {
	const argv = dashValuesJoined(typed);
	const cli = parse(argv);
	const [name = '', ...args] = cli.input;
	// meow's own --version works only as the one word: `files --version` listed the files.
	if (cli.flags.version) {
		process.stdout.write(`${cli.pkg.version}\n`);
		return 0;
	}
	// `run <task> --help` describes the task (see taskHelp).
	if (cli.flags.help && !(name === 'run' && args.length > 0)) {
		process.stdout.write(`${usage}\n`);
		return 0;
	}
	const loadCommand = commands[name];
	if (!loadCommand) throw new UsageError(`Unknown command "${name}"${didYouMean(name, Object.keys(commands).filter(Boolean))}; run openpolyedu-tui --help for the list of commands.`);
	checkGivenFlags(argv, name);
	const extra = args.slice(commandArguments[name]);
	if (extra.length > 0) {
		const taken = [name, ...args.slice(0, commandArguments[name])].join(' ');
		throw new UsageError(`Unexpected argument${extra.length > 1 ? 's' : ''} "${extra.join(' ')}" for ${name ? `"${taken}"` : 'the app'}; run openpolyedu-tui --help.`);
	}
	const context: CommandContext = {
		args,
		flags: checkedFlags(cli.flags),
		databaseUrl: checkedDatabaseUrl((cli.flags.db as string | undefined) ?? process.env.DATABASE_URL),
		stdout: process.stdout,
		stderr: process.stderr,
	};
	const command = await loadCommand();
	return await command(context);
}
