import type pg from 'pg';
import {naturalOrder} from '../sources.js';

type Input = {file_id: number; path: string; member: string; fingerprint: string};

/** The last part of a path, whichever system's separators it has (a database loaded on Windows may be read elsewhere). */
const fileName = (file: string) => file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);

/**
 * Writes d_file_order: every input's place in the natural order of its file's name (then of its member's, in a zip,
 * then by its content's fingerprint), which orders enrollment changes logged at the same time in different files.
 * The names, not the order of the loads: the same logs loaded in another order, or in several ingests, take the
 * same order, and a folder loaded at once takes its files in this order too (discoverSources). Every build writes
 * it again (a few rows per input).
 */
export async function writeFileOrder(client: pg.ClientBase): Promise<void> {
	const {rows} = await client.query<Input>('SELECT file_id, path, member, fingerprint FROM source_files');
	rows.sort(
		(a, b) =>
			naturalOrder(fileName(a.path), fileName(b.path)) ||
			naturalOrder(a.member, b.member) ||
			(a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0) ||
			a.file_id - b.file_id,
	);
	// Not TRUNCATE: its lock would hold every task that reads the enrollment state until the build commits.
	await client.query('DELETE FROM d_file_order');
	await client.query('INSERT INTO d_file_order (file_id, position) SELECT * FROM unnest($1::int[], $2::int[])', [
		rows.map((row) => row.file_id),
		rows.map((_, position) => position),
	]);
}
