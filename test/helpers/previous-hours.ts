import type pg from 'pg';

/** A learner's rows of a table the timeline walk gives each row's previous hour, as [hour, previous hour] ('DD HH24', UTC). */
export async function previousHours(pool: pg.Pool, table: 'd_learner_page_hour' | 'd_learner_active_hour', username: string): Promise<Array<[string, string | null]>> {
	const {rows} = await pool.query<{hour: string; previous: string | null}>(
		`SELECT to_char(hour AT TIME ZONE 'UTC', 'DD HH24') AS hour, to_char(previous_hour AT TIME ZONE 'UTC', 'DD HH24') AS previous
		FROM ${table} WHERE username = $1 ORDER BY 1`,
		[username],
	);
	return rows.map((row) => [row.hour, row.previous]);
}
