import readline from 'node:readline/promises';
import pg from 'pg';
import {migratedTables} from '../../ingest/db/migrations.js';
import {resolveWorkdir} from '../../ingest/db/workdir.js';
import {UserError} from '../../ingest/errors.js';
import {cancellable, CancelledError, hasNoDatabase, withDatabase, type Command} from './context.js';

const FEATURE_NOT_SUPPORTED = '0A000';

/**
 * Empties our tables (the loader's and the derived ones alike) but schema_version, and only ours: a --db database may
 * hold tables of its own, which the TRUNCATE of every table in the schema (CASCADE) emptied as well.
 */
async function emptyOurTables(pool: pg.Pool): Promise<void> {
	const {rows} = await pool.query<{name: string}>('SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1)', [migratedTables()]);
	try {
		await pool.query(`TRUNCATE ${rows.map(({name}) => pg.escapeIdentifier(name)).join(', ')} RESTART IDENTITY`);
	} catch (error) {
		// Another table refers to ours: without CASCADE, TRUNCATE refuses as a whole ('Table "notes" references "events".').
		if (!(error instanceof pg.DatabaseError) || error.code !== FEATURE_NOT_SUPPORTED || !error.detail) throw error;
		throw new UserError(`Nothing was deleted: ${error.detail.replace(/\.$/, '')}, and reset empties only openpolyedu-tui's tables: drop that foreign key, or empty that table first.`);
	}
}

async function confirmed(context: Parameters<Command>[0]): Promise<boolean> {
	if (context.flags.yes) return true;
	if (!process.stdin.isTTY) throw new UserError('reset deletes all loaded data; pass --yes to confirm when not at a terminal.');
	const prompt = readline.createInterface({input: process.stdin, output: context.stderr});
	// Ctrl-C cancels here as anywhere (exit 130), and Ctrl-D gives no answer: readline rejected both with an
	// AbortError, which read as an unexpected error with its stack.
	const interrupt = new AbortController();
	prompt.once('SIGINT', () => interrupt.abort());
	try {
		const answer = await prompt.question('Delete ALL loaded events, files and rejected lines? Type "yes" to confirm: ', {signal: interrupt.signal}).catch((error: Error) => {
			if (error.name !== 'AbortError') throw error;
			// Ctrl-D leaves the cursor after the prompt (readline ends the line of a Ctrl-C itself).
			if (!interrupt.signal.aborted) context.stderr.write('\n');
			return '';
		});
		if (interrupt.signal.aborted) throw new CancelledError('Cancelled; nothing was deleted.');
		return answer.trim().toLowerCase() === 'yes';
	} finally {
		prompt.close();
	}
}

export const resetCommand: Command = async (context) => {
	// Nothing to delete: starting the server would make a 48 MB cluster in a mistyped --workdir to delete nothing.
	if (hasNoDatabase(context)) {
		context.stdout.write(`No database in ${resolveWorkdir(context.flags.workdir).root}: nothing to delete.\n`);
		return 0;
	}
	if (!(await confirmed(context))) {
		context.stderr.write('Nothing deleted.\n');
		return 1;
	}
	// Listening once the answer is in (not at the prompt, which reads Ctrl-C itself): a signal while the server
	// starts stops it rather than the process, which left it running.
	return cancellable('Cancelled; nothing was deleted.', (signal) =>
		withDatabase(
			context,
			async ({pool}) => {
				signal.throwIfAborted();
				const {rows} = await pool.query<{events: number}>('SELECT count(*) AS events FROM events');
				signal.throwIfAborted();
				await emptyOurTables(pool);
				context.stdout.write(`Deleted ${rows[0]!.events} events and every loaded file's records.\n`);
				return 0;
			},
			// A --db database without our tables is refused as it is: it was given our tables, only to have them emptied.
			{existingOnly: true, signal},
		),
	);
};
