import {formatBytes} from '../format.js';
import {withDatabase, type Command} from './context.js';
import {printTable} from '../plain-table.js';

/** `files`: what was loaded from where, with the per-file accounting. */
export const filesCommand: Command = async (context) =>
	withDatabase(context, async ({pool}) => {
		const {rows} = await pool.query<Record<string, string | number | null>>(
			`SELECT file_id AS id, CASE WHEN member = '' THEN path ELSE path || '!' || member END AS file, kind, size_bytes, status,
			        lines_read, loaded, duplicates, rejected, blank_lines, to_char(finished_at, 'YYYY-MM-DD HH24:MI:SS') AS finished, error
			 FROM source_files ORDER BY file_id`,
		);
		if (rows.length === 0) {
			context.stdout.write('No files loaded yet; run openpolyedu-tui ingest.\n');
			return 0;
		}
		printTable(
			context.stdout,
			rows.map((row) => ({...row, size_bytes: formatBytes(Number(row.size_bytes))})),
			context.flags.format,
		);
		return 0;
	});

/** `rejected`: every rejected line with where it was and why (the raw bytes stay in rejected_lines.raw). */
export const rejectedCommand: Command = async (context) =>
	withDatabase(context, async ({pool}) => {
		const {rows} = await pool.query<Record<string, string | number | null>>(
			`SELECT CASE WHEN f.member = '' THEN f.path ELSE f.path || '!' || f.member END AS file, r.line_no, r.byte_offset, r.reason, r.detail,
			        length(r.raw) AS bytes, encode(substring(r.raw from 1 for 60), 'escape') AS starts_with
			 FROM rejected_lines r JOIN source_files f USING (file_id) ORDER BY r.file_id, r.line_no`,
		);
		if (rows.length === 0) {
			context.stdout.write('No rejected lines.\n');
			return 0;
		}
		printTable(context.stdout, rows, context.flags.format);
		return 0;
	});
