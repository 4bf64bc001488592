import readline from 'node:readline/promises';
import {resolveWorkdir} from '../../ingest/db/workdir.js';
import {UserError} from '../../ingest/errors.js';
import {cancellable, CancelledError, hasNoDatabase, withDatabase, type Command} from './context.js';

/** Empties every table of the schema (the loader's and the derived ones alike) but schema_version. */
export const RESET_STATEMENT = `DO $$ BEGIN
	EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('%I', tablename), ', ') || ' RESTART IDENTITY CASCADE'
	         FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_version');
END $$`;

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
		withDatabase(context, async ({pool}) => {
			signal.throwIfAborted();
			const {rows} = await pool.query<{events: number}>('SELECT count(*) AS events FROM events');
			signal.throwIfAborted();
			await pool.query(RESET_STATEMENT);
			context.stdout.write(`Deleted ${rows[0]!.events} events and every loaded file's records.\n`);
			return 0;
		}),
	);
};
