import {EVENT_COLUMNS} from '../../ingest/event-fields.js';
import {JSONB_VERSION} from '../../ingest/copy-binary.js';

/** Columns of the fields parseLine returns (after file_id, line_no, load_id). */
export const LINE_COLUMNS = EVENT_COLUMNS.slice(3);

const MICROS_2000 = BigInt(Date.UTC(2000, 0, 1)) * 1000n;

/** A timestamptz field (microseconds since 2000-01-01 UTC) as YYYY-MM-DDTHH:MM:SS.ffffffZ. */
export function isoTime(field: Buffer): string {
	const micros = MICROS_2000 + field.readBigInt64BE(0);
	const seconds = micros / 1_000_000n;
	const fraction = String(micros % 1_000_000n).padStart(6, '0');
	return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

/** An event's binary fields as readable column values: uuid in hex, times in ISO, numbers in decimal, jsonb without its version byte. */
export function readableColumns(fields: Array<Buffer | null>): Record<string, string | null> {
	if (fields.length !== LINE_COLUMNS.length) throw new Error(`${fields.length} fields, expected ${LINE_COLUMNS.length}`);
	const columns: Record<string, string | null> = {};
	for (const [index, name] of LINE_COLUMNS.entries()) {
		const field = fields[index]!;
		if (field === null) columns[name] = null;
		else if (name === 'event_hash') columns[name] = field.toString('hex');
		else if (name === 'time') columns[name] = isoTime(field);
		else if (name === 'user_id') columns[name] = String(field.readBigInt64BE(0));
		else if (name === 'event') {
			if (field[0] !== JSONB_VERSION) throw new Error('jsonb field without its version byte');
			columns[name] = field.subarray(1).toString('utf8');
		} else columns[name] = field.toString('utf8');
	}
	return columns;
}
