import {UserError} from '../ingest/errors.js';

/** A mistake in the command line itself (an unknown command or option, an option given twice): exit code 2. */
export class UsageError extends UserError {
	override name = 'UsageError';
	override readonly exitCode = 2;
}

export const usage = `
  Usage
    $ openpolyedu-tui [command] [options]

  Commands
    (none)               Full-screen app: load new logs from input/, then pick and run tasks
    ingest [paths…]      Load tracking logs (files, .gz, .zip, folders; default input/)
    tasks                List the analytic tasks (id, group, title)
    run <task>           Run one task and print or save its table
    files                List loaded inputs with their counts and status
    rejected             List rejected lines (file, line, offset, reason)
    reset                Delete all loaded data (asks first; --yes for scripts)
    db start|stop|status Keep the embedded PostgreSQL running for psql / notebooks, stop it, show it

  Options (all commands)
    --db URL             Use an existing PostgreSQL (postgres://…) instead of the embedded one;
                         DATABASE_URL works too
    --workdir DIR        Where the database, its password and logs live (default ./workdir)
    --help, --version

  Options of ingest
    --workers N          Parser/loader threads (default: CPU cores, at most 4)
    --max-line-bytes N   Longer lines (not counting their ending) are rejected as too long
                         (default 16777216)
    --tz ZONE            Count the precomputed days in this time zone (kept until changed; a new
                         database: Europe/Moscow, OpenEdu's): tasks answer fastest in it and in
                         UTC. A new zone rebuilds the derived tables.

  Options of run
    --course ID          Course id (default: the only course, or all)
    --user NAME          Learner username
    --from DATE --to DATE  Date range (inclusive, YYYY-MM-DD)
    --tz ZONE            Time zone for days and hours (default UTC; e.g. Europe/Moscow)
    --idle MINUTES       Idle cutoff for time on task (default 30)
    --param NAME=VALUE   Any other task parameter (repeatable)
    --format csv|json|md Output format, also of tasks, files and rejected (default: aligned
                         table on a terminal, csv otherwise)
    --out FILE           Write to FILE (--out - prints to stdout);  --save  write to result/
                         under a generated name
    --bom                CSV for Excel: a UTF-8 BOM, and a leading ' to text cells that
                         Excel would run as a formula (starting =, +, -, @, a tab or CR)

  Options of files and rejected
    --format csv|json|md As for run
    --out FILE           Write to FILE (a new file) instead of stdout; in Windows PowerShell 5.1,
                         use it rather than >, which re-encodes the output
    --bom                As for run (a rejected line's start is the log's bytes: guard it for Excel)
    --raw                (rejected) The rejected lines themselves, as their files held them, one
                         per line (to repair and load again: rejected --raw --out repaired.log)

  Options of the app
    --no-tui             Run headless: ingest, then list the tasks
    --tz ZONE            As for ingest; the task forms then start from this zone
    --workers N, --max-line-bytes N  As for ingest

  Examples
    $ openpolyedu-tui
    $ openpolyedu-tui ingest input/tracking.log-20170502.gz
    $ openpolyedu-tui run time-on-course --course course-v1:spbstu+PHYLOS+fall_2018 --tz Europe/Moscow --save
`;

export const flagSpec = {
	db: {type: 'string'},
	workdir: {type: 'string'},
	help: {type: 'boolean', shortFlag: 'h'},
	version: {type: 'boolean'},
	yes: {type: 'boolean', shortFlag: 'y'},
	// Read as text (see WHOLE_NUMBER_FLAGS): meow would turn a typo into NaN.
	workers: {type: 'string'},
	maxLineBytes: {type: 'string'},
	course: {type: 'string'},
	user: {type: 'string'},
	from: {type: 'string'},
	to: {type: 'string'},
	tz: {type: 'string'},
	idle: {type: 'string'},
	param: {type: 'string', isMultiple: true},
	format: {type: 'string'},
	out: {type: 'string'},
	save: {type: 'boolean'},
	bom: {type: 'boolean'},
	raw: {type: 'boolean'},
	tui: {type: 'boolean', default: true},
} as const;

/** An option's name as typed on the command line (maxLineBytes → max-line-bytes). */
export function kebab(name: string): string {
	return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** Which options each command accepts, besides the common ones. */
export const commandFlags: Record<string, string[]> = {
	common: ['db', 'workdir', 'help', 'h', 'version'],
	'': ['tui', 'workers', 'max-line-bytes', 'tz'],
	ingest: ['workers', 'max-line-bytes', 'tz'],
	tasks: ['format'],
	run: ['course', 'user', 'from', 'to', 'tz', 'idle', 'param', 'format', 'out', 'save', 'bom'],
	files: ['format', 'out', 'bom'],
	rejected: ['format', 'raw', 'out', 'bom'],
	reset: ['yes', 'y'],
	db: [],
};

/** How many arguments each command takes after its name: ingest any number of paths, run its task, db its action. */
export const commandArguments: Record<string, number> = {'': 0, ingest: Infinity, tasks: 0, run: 1, files: 0, rejected: 0, reset: 0, db: 1};
