import type pg from 'pg';
import {naturalOrder} from '../sources.js';

type Input = {file_id: number; path: string; member: string; fingerprint: string};

/** The last part of a path, whichever system's separators it has (a database loaded on Windows may be read elsewhere). */
const fileName = (file: string) => file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);

/**
 * Writes d_enrollment's and d_enrollment_mode's file_position: the place of each change's input in the natural order of the inputs' file names
 * (then of their members' in a zip, then of their contents' fingerprints), which orders enrollment changes logged at
 * the same time in different files. The names, not the order of the loads: the same logs loaded in another order, or
 * in several ingests, take the same order, and a folder loaded at once takes its files in this order too
 * (discoverSources). Each build writes it for its new rows and for the rows of inputs whose place a new one moved
 * (kept in the rows, the enrollment tasks need no join). `added`, a table (course_id, user_key) that takes the users of
 * the rows new to a table (no place yet): their enrollment state is made again (see enrollment-state.ts). The rows a new
 * input moves keep their order among themselves (two inputs are ordered by their own names, members and fingerprints),
 * so their users' states stay: a day's file whose name sorts first moved every earlier change, and the state of every
 * user was made again (at 1M events, the positions and states took 76 ms, against 37 ms for its own users').
 */
export async function writeFilePositions(client: pg.ClientBase, tables = ['d_enrollment', 'd_enrollment_mode'], added?: string): Promise<void> {
	const {rows} = await client.query<Input>('SELECT file_id, path, member, fingerprint FROM source_files');
	rows.sort(
		(a, b) =>
			naturalOrder(fileName(a.path), fileName(b.path)) ||
			naturalOrder(a.member, b.member) ||
			(a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0) ||
			a.file_id - b.file_id,
	);
	for (const table of tables) {
		if (added) await client.query(`INSERT INTO ${added} SELECT course_id, coalesce(user_id::text, username) FROM ${table} WHERE file_position IS NULL`);
		await client.query(
			`UPDATE ${table} e SET file_position = p.position
			FROM unnest($1::int[], $2::int[]) AS p(file_id, position)
			WHERE e.file_id = p.file_id AND e.file_position IS DISTINCT FROM p.position`,
			[rows.map((row) => row.file_id), rows.map((_, position) => position)],
		);
	}
}
