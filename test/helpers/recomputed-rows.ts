import type pg from 'pg';
import {PROBLEM_TABLES, VIDEO_TABLES} from '../../ingest/derived/learner-items.js';
import {TIMELINE_TABLES} from '../../ingest/derived/timelines.js';

/**
 * Every row of the tables an incremental build recomputes in part (those walked per learner: timelines,
 * videos, problems; and the per-course sums of them, d_page_day and d_problem_answer), sorted, with URL
 * ids as their URLs (a rebuild numbers them anew): it replaces only some rows, and must leave what a
 * build from scratch makes.
 */
export async function recomputedRows(on: pg.Pool): Promise<Record<string, string[]>> {
	const {rows: urls} = await on.query<{url_id: number; url: string}>('SELECT url_id, url FROM d_url');
	const urlOf = new Map(urls.map((row) => [row.url_id, row.url]));
	const tables: Record<string, string[]> = {};
	for (const table of [...Object.keys({...TIMELINE_TABLES, ...VIDEO_TABLES, ...PROBLEM_TABLES}), 'd_page_day', 'd_page_day_utc', 'd_problem_answer']) {
		const {rows} = await on.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
		tables[table] = rows
			.map((row) => JSON.stringify(Object.entries(row).map(([column, value]) => (column.endsWith('url_id') && value !== null ? urlOf.get(value as number) : value))))
			.sort();
	}
	return tables;
}
