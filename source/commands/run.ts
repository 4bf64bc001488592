import path from 'node:path';
import type pg from 'pg';
import {UserError} from '../../ingest/errors.js';
import {formatCount, rowCount, wrapProse} from '../format.js';
import {checkValues, loadTaskCatalogue, noRowsNote, runTask, streamTask, formatResult, terminalTable, openResultFile, outProblem, resultWriter, unknownParameter, type OutputFormat, type ResultFile, type ResultWriter, type TaskDefinition, type TaskParameter, type TaskResult} from '../tasks/index.js';
import {diskFullError, type DiskFullOutcome} from '../../ingest/disk-full.js';
import {deriveIfPending, type InterruptedInputs} from '../../ingest/engine.js';
import type {DerivedProgress} from '../../ingest/progress.js';
import {ProgressTracker} from '../../ingest/progress-tracker.js';
import {progressLine} from './ingest.js';
import {liveLine} from './live-line.js';
import {didYouMean} from '../suggest.js';
import {describedWith, PARAMETER_FORMATS, parameterFacts} from '../tasks/types.js';
import {UsageError} from '../usage.js';
import {CancelledError, cancelOnSignals, withDatabase, writeOrWait, type CommandContext, type Command} from './context.js';

const FORMATS: OutputFormat[] = ['csv', 'json', 'md'];
const SPREADSHEETS = ['xlsx', 'xls', 'ods'];
const TAB_SEPARATED = ['tsv', 'tab'];
const FORMAT_NAMES: Record<OutputFormat | 'table', string> = {csv: 'CSV', json: 'JSON', md: 'Markdown', table: 'the table printed on a terminal'};

/** --format, else an aligned table on a terminal and CSV in a pipe. */
export function outputFormatOf(context: CommandContext): OutputFormat | 'table' {
	const {format} = context.flags;
	if (format === undefined) return context.stdout.isTTY ? 'table' : 'csv';
	// Any case, as the extension of --out: --format CSV was refused.
	const known = FORMATS.find((candidate) => candidate === format.toLowerCase());
	// A usage error, as an unknown option and --bom with JSON are (exit 2): the formats are the command's own words.
	if (known === undefined) throw new UsageError(`--format must be csv, json or md, not "${format}".`);
	return known;
}

/**
 * `result` in `format` on stdout: the table for a terminal fits its width (text values cut in their middle, said
 * on stderr; a 150-character URL per row wrapped every line), the other formats whole.
 */
export function printResult(context: CommandContext, result: TaskResult, format: OutputFormat | 'table'): void {
	if (format !== 'table') {
		context.stdout.write(formatResult(result, format));
		return;
	}
	const {text, cut} = terminalTable(result, context.stdout.columns || Infinity);
	context.stdout.write(text);
	if (cut) context.stderr.write(cutNote(context));
}

/** Said on stderr when a terminal table has cut values to fit. */
export const cutNote = (context: CommandContext) => `Values cut (…) to fit the terminal's ${context.stdout.columns} columns: --format csv prints them whole.\n`;

/** The extensions that name one of the formats written. */
const EXTENSION_FORMATS: Record<string, OutputFormat> = {csv: 'csv', json: 'json', md: 'md', markdown: 'md'};

/**
 * The format of a file written by --out or --save: --format, else --out's extension (.csv, .json, .md), else CSV. A
 * spreadsheet's or a tab-separated file's name, or one naming another format than --format, is refused: the file was
 * written silently in a format its name does not say (CSV as learners.xlsx, which Excel refuses to open).
 */
function fileFormatOf(context: CommandContext): OutputFormat {
	const {format, out, raw} = context.flags;
	const given = format === undefined ? undefined : (outputFormatOf(context) as OutputFormat);
	const extension = path.extname(out ?? '').slice(1).toLowerCase();
	const named = EXTENSION_FORMATS[extension];
	const written = given ?? named ?? 'csv';
	// rejected --raw writes log lines, whatever the name (and takes no --format).
	if (raw) return written;
	const rename = `name it .${written}${written === 'csv' ? ' (Excel opens it; add --bom)' : ''}`;
	if (SPREADSHEETS.includes(extension)) throw new UsageError(`--out ${out} would be ${FORMAT_NAMES[written]} in a .${extension} file, which spreadsheets refuse to open; ${rename}.`);
	// Commas under a tab-separated name: read with its tabs (read_csv(sep='\t'), Excel, cut -f), a row was one column.
	if (TAB_SEPARATED.includes(extension)) throw new UsageError(`--out ${out} would be ${written === 'csv' ? 'comma-separated CSV' : FORMAT_NAMES[written]} in a .${extension} file, which readers split at tabs; name it .${written}.`);
	if (named !== undefined && named !== written) throw new UsageError(`--out ${out} names ${FORMAT_NAMES[named]}, but --format ${format} writes ${FORMAT_NAMES[written]}; ${rename}, or drop --format.`);
	return written;
}

/**
 * --out checked before the database starts (an empty name, a folder, a file already there: a run can take
 * minutes), and the format the file is written in; undefined without --out. `orElse` says what else the command offers.
 */
export function outFileFormat(context: CommandContext, orElse = ''): OutputFormat | undefined {
	const {out} = context.flags;
	if (out === undefined) return undefined;
	if (out.trim() === '') throw new UserError(`--out needs a file name${orElse}.`);
	const problem = outProblem(out);
	if (problem !== undefined) throw new UserError(problem);
	return fileFormatOf(context);
}

/** --bom with any format but CSV is a usage error (run, files, rejected). */
export function refuseBomOutsideCsv(context: CommandContext, format: OutputFormat | 'table'): void {
	if (context.flags.bom && format !== 'csv') throw new UsageError(`--bom applies only to CSV output, not to ${FORMAT_NAMES[format]}; drop it or use --format csv.`);
}

/** The options of `run` that set a parameter of the same name (the others go through --param). */
const PARAMETER_FLAGS = ['course', 'user', 'from', 'to', 'tz', 'idle'] as const;

/** Parameter values from the common flags and every --param name=value; a parameter given twice is a usage error (the last one won). */
function parameterValues(context: CommandContext): Record<string, string> {
	const {flags} = context;
	const values: Record<string, string> = {};
	const givenAs: Record<string, string> = {};
	for (const name of PARAMETER_FLAGS) {
		if (flags[name] === undefined) continue;
		values[name] = String(flags[name]);
		givenAs[name] = `--${name}`;
	}
	for (const pair of flags.param ?? []) {
		const match = /^([^=]+)=(.*)$/s.exec(pair);
		if (!match) throw new UsageError(`--param must be written name=value, not "${pair}".`);
		const name = match[1]!.trim();
		if (givenAs[name]) throw new UsageError(`The parameter ${name} is given twice (${givenAs[name]} and --param ${pair}); give it once.`);
		values[name] = match[2]!;
		givenAs[name] = `--param ${pair}`;
	}
	return values;
}

/**
 * On stderr, what a build of pending loads is doing before the task runs (after an upgrade that asks for a
 * rebuild, it takes as long as the first build): a line when it starts, then the ingest's deriving line
 * every second, and its last one once it is over (`built`).
 */
function derivedProgressPrinter(context: CommandContext): {onProgress: (progress: DerivedProgress) => void; built: () => void; end: () => void} {
	const tracker = new ProgressTracker(Date.now());
	tracker.startDeriving();
	let lastPrinted = 0;
	let timer: NodeJS.Timeout | undefined;
	const live = liveLine(context.stderr);
	const show = () => {
		const snapshot = tracker.snapshot();
		if (Date.now() - lastPrinted < 1000) return;
		lastPrinted = Date.now();
		live.show(progressLine(snapshot));
	};
	const onProgress = (progress: DerivedProgress) => {
		if (!tracker.derived) {
			live.print('Building the derived tables the tasks read (loads are pending) before the task runs…');
			// Between reports too, as ingest's line: a step without counts (a wait for another build, PostgreSQL's sort)
			// said "0:00 so far" until the next step.
			timer = setInterval(show, 250);
		}
		tracker.derived = progress;
		show();
	};
	const end = () => {
		clearInterval(timer);
		live.end();
	};
	const built = () => {
		clearInterval(timer);
		// Nothing was pending: nothing was said.
		if (!tracker.derived) return;
		tracker.phase = 'done';
		live.show(progressLine(tracker.snapshot()));
	};
	return {onProgress, built, end};
}

/** Said when inputs were left half-loaded by an ingest cut off (see deriveIfPending): the answer counts what they have so far. */
export function interruptedNote({files, events}: InterruptedInputs): string {
	const inputs = files === 1 ? '1 input was' : `${formatCount(files)} inputs were`;
	return `Partly loaded: ${inputs} not read to the end (an ingest was interrupted); the answer counts the ${formatCount(events)} events loaded from ${files === 1 ? 'it' : 'them'} so far. Ingest again to load the rest (openpolyedu-tui files shows them as loading).`;
}

/** Said when a task answers beside another process that is loading or building (see deriveIfPending). */
export function pendingNote(events: number): string {
	return `Not counted yet: ${formatCount(events)} events that another openpolyedu-tui is still loading or adding to the tables the tasks read; run the task again once it has finished.`;
}

/** `run <task> --help`: what the task counts, and how to give each of its parameters. */
export function taskHelp(task: TaskDefinition): string {
	const option = (parameter: TaskParameter) =>
		(PARAMETER_FLAGS as readonly string[]).includes(parameter.name) ? `--${parameter.name} ${parameter.type.toUpperCase()}` : `--param ${parameter.name}=${parameter.type.toUpperCase()}`;
	const options = task.parameters.map(option);
	const width = Math.max(0, ...options.map((text) => text.length)) + 2;
	const parameters = task.parameters.map((parameter, index) => {
		const format = PARAMETER_FORMATS[parameter.type];
		return `    ${options[index]!.padEnd(width)}${describedWith(parameter.description, [...parameterFacts(parameter), ...(format ? [format] : [])])}`;
	});
	return [
		'',
		`  ${task.id}: ${task.title} (${task.group})`,
		'',
		...wrapProse(task.description, 98).map((line) => `  ${line}`),
		'',
		parameters.length > 0 ? '  Parameters' : '  No parameters.',
		...parameters,
		...(task.sort ? ['', `  Rows sorted by ${task.sort.column} ${task.sort.direction}.`] : []),
		'',
		`  $ openpolyedu-tui run ${task.id} [options] [--format csv|json|md] [--bom] [--out FILE | --save]`,
		`  (${task.file})`,
		'',
	].join('\n');
}

const printNotes = (context: CommandContext, notes: string[] = []) => notes.forEach((note) => context.stderr.write(`Note: ${note}\n`));

/**
 * Writes a task's rows in `format` to the --out or --save file, else to stdout, as they come: memory stays
 * bounded however many there are. A file is put in place only once it is whole.
 */
async function writeStreamed(context: CommandContext, pool: pg.Pool, task: TaskDefinition, values: Record<string, string>, format: OutputFormat, signal: AbortSignal): Promise<{rows: number; parameters: Record<string, string>}> {
	const {flags} = context;
	const toFile = flags.out !== undefined || flags.save;
	let file: ResultFile | undefined;
	let writer: ResultWriter | undefined;
	let write = (text: string) => writeOrWait(context.stdout, text, signal);
	let parameters: Record<string, string> = {};
	try {
		const {rows} = await streamTask(pool, task, values, {
			start: async (head) => {
				parameters = head.parameters;
				printNotes(context, head.notes);
				if (toFile) {
					file = await openResultFile(head, {format, out: flags.out});
					write = file.write;
				}
				writer = resultWriter(head.columns, format, {bom: flags.bom});
				await write(writer.start());
			},
			rows: (rows) => write(writer!.rows(rows)),
		}, {signal});
		await write(writer!.end());
		if (file) context.stderr.write(`Saved ${rowCount(rows)} to ${await file.finish()}\n`);
		return {rows, parameters};
	} catch (error) {
		await file?.discard();
		throw error;
	}
}

/** A full disk while the pending loads are built before the task, and while the task runs (a sort spilled to disk). */
const BUILD_STOPPED: DiskFullOutcome = {outcome: 'the tables the tasks read were left as they were, and the task did not run', retry: 'run it again'};
export const TASK_STOPPED: DiskFullOutcome = {outcome: 'the task did not run', retry: 'run it again'};

/** `run <task>`: runs one task and prints the table, or writes it with --out FILE / --save. */
export const runCommand: Command = async (context) => {
	const [taskId] = context.args;
	if (!taskId) throw new UsageError('Name the task to run, e.g. openpolyedu-tui run course-summary (openpolyedu-tui tasks lists them).');
	const {flags} = context;
	// Checked again as it is written.
	const fileFormat = flags.save ? fileFormatOf(context) : outFileFormat(context, ' (--save picks one in result/)');
	const format = fileFormat ?? outputFormatOf(context);
	refuseBomOutsideCsv(context, format);
	const values = parameterValues(context);
	const catalogue = await loadTaskCatalogue();
	const task = catalogue.tasks.find((candidate) => candidate.id === taskId);
	if (!task) {
		const problem = catalogue.problems.find((entry) => entry.message.includes(taskId));
		throw new UserError(problem ? `Task "${taskId}" cannot be loaded: ${problem.message}` : `Unknown task "${taskId}"${didYouMean(taskId, catalogue.tasks.map((candidate) => candidate.id))}; run openpolyedu-tui tasks for the list.`);
	}
	if (flags.help) {
		context.stdout.write(taskHelp(task));
		return 0;
	}
	// A usage error, as an unknown option is: refused before the database starts.
	const unknown = unknownParameter(task, values);
	if (unknown) throw new UsageError(unknown);
	const {signal, dispose} = cancelOnSignals();
	try {
		return await withDatabase(context, async (database) => {
			// Before a pending build, which can take a minute: a mistyped value is told at once.
			await checkValues(database.pool, task, values);
			let building = true;
			try {
				const printer = derivedProgressPrinter(context);
				const pending = await deriveIfPending(database.pool, database.scratchDir, {onProgress: printer.onProgress, signal})
					.then((found) => {
						printer.built();
						return found;
					})
					.finally(printer.end);
				// Another run's brief check holds the lock too, with nothing pending: no event is left out, nothing to say.
				if (pending.state === 'busy') {
					if (pending.eventsLeftOut > 0) context.stderr.write(`${pendingNote(pending.eventsLeftOut)}\n`);
				} else if (pending.interrupted.files > 0) context.stderr.write(`${interruptedNote(pending.interrupted)}\n`);
				building = false;
				let answer: {rows: number; parameters: Record<string, string>};
				if (format === 'table') {
					const result = await runTask(database.pool, task, values, {signal});
					printNotes(context, result.notes);
					printResult(context, result, format);
					answer = {rows: result.rows.length, parameters: result.parameters};
				} else answer = await writeStreamed(context, database.pool, task, values, format, signal);
				// On stderr whatever the format: a CSV header or [] alone on stdout stays a valid file.
				if (answer.rows === 0) context.stderr.write(`${await noRowsNote(database.pool, task, answer.parameters, 'command line')}\n`);
				return 0;
			} catch (error) {
				if (building && signal.aborted) throw new CancelledError('Cancelled while building the derived tables: they were left as they were, and the next ingest or run builds them.');
				// Not only the query's DOMException: a write waiting for a pipe whose reader has gone rejects with Node's AbortError.
				if (signal.aborted) throw new CancelledError('Cancelled: the query was stopped on the server.');
				// Before a lost connection: a server whose WAL cannot be written stops on a PANIC.
				const diskFull = diskFullError(error, database, building ? BUILD_STOPPED : TASK_STOPPED);
				if (diskFull) throw diskFull;
				// The driver's words ("terminating connection due to administrator command") do not say what happened.
				if (database.connectionLost()) throw new UserError('The database was stopped (or the connection to it lost) while the task ran; run the task again when it is back.');
				throw error;
			}
		}, {reader: true, signal});
	} finally {
		dispose();
	}
};
