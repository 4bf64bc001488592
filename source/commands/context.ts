import type {Database} from '../../ingest/db/database.js';
import {openDatabase} from '../../ingest/db/database.js';
import {acquireWorkdirLock} from '../../ingest/db/workdir-lock.js';
import {resolveWorkdir, ensureWorkdir, type Workdir} from '../../ingest/db/workdir.js';
import type {flagSpec} from '../usage.js';

type FlagValue<T> = T extends {isMultiple: true} ? string[] | undefined : T extends {type: 'string'} ? string | undefined : T extends {type: 'number'} ? number | undefined : boolean | undefined;
export type Flags = {[K in keyof typeof flagSpec]: FlagValue<(typeof flagSpec)[K]>};

export type CommandContext = {
	args: string[];
	flags: Flags;
	/** --db, else DATABASE_URL; undefined means the embedded server. */
	databaseUrl: string | undefined;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
};

export type Command = (context: CommandContext) => Promise<number>;

export function workdirOf(context: CommandContext): Workdir {
	const workdir = resolveWorkdir(context.flags.workdir);
	ensureWorkdir(workdir);
	return workdir;
}

/**
 * Runs `body` with the workdir locked and the database open (and migrated); always closes both,
 * which also stops an embedded server this process started.
 */
export async function withDatabase<T>(
	context: CommandContext,
	body: (database: Database, workdir: Workdir) => Promise<T>,
	onStep?: (step: string) => void,
): Promise<T> {
	const workdir = workdirOf(context);
	const release = acquireWorkdirLock(workdir);
	try {
		const database = await openDatabase({databaseUrl: context.databaseUrl, workdir, onStep});
		try {
			return await body(database, workdir);
		} finally {
			await database.close();
		}
	} finally {
		release();
	}
}
