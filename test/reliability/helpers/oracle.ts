import {isUtf8} from 'node:buffer';
import {eventTime} from '../../../ingest/event-fields.js';
import {eventHash} from '../../../ingest/event-hash.js';

/**
 * The independent answer for one line: is it a valid JSON object (so it must be loaded, or counted
 * as a duplicate), and which bytes identify it? Written from the documented rules (BOM, the spaces, tabs
 * and CRs at its end and a logger prefix before the first `{` are not part of the event), not from the parser; only
 * the hash function itself (eventHash, with the time it leads with) is shared.
 */

/** Deeper than this, a valid object may be refused (PostgreSQL's jsonb and JSON.stringify have depth limits); it is then still kept in rejected_lines. */
export const MAX_SUPPORTED_DEPTH = 500;

export type LineOracle = {validObject: false} | {validObject: true; hash: string; depth: number};

export function oracle(raw: Buffer): LineOracle {
	let line = raw;
	if (line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3);
	let end = line.length;
	while (end > 0 && [0x0d, 0x20, 0x09].includes(line[end - 1]!)) end--;
	line = line.subarray(0, end);
	if (!isUtf8(line)) return {validObject: false};
	let value: unknown;
	try {
		value = JSON.parse(line.toString('utf8'));
	} catch {
		return {validObject: false};
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return {validObject: false};
	const json = line.subarray(line.indexOf(0x7b));
	return {validObject: true, hash: eventHash(json, eventTime((value as Record<string, unknown>).time)), depth: depthOf(json, value as Record<string, unknown>)};
}

/** Maximum bracket depth outside strings. */
export function nestingDepth(json: Buffer): number {
	let depth = 0;
	let max = 0;
	let inString = false;
	for (let i = 0; i < json.length; i++) {
		const byte = json[i];
		if (inString) {
			if (byte === 0x5c) i++;
			else if (byte === 0x22) inString = false;
		} else if (byte === 0x22) inString = true;
		else if (byte === 0x7b || byte === 0x5b) max = Math.max(max, ++depth);
		else if (byte === 0x7d || byte === 0x5d) depth--;
	}
	return max;
}

/** Nesting of the object, or of the JSON held in its `event` string (stored as jsonb too), whichever is deeper. */
function depthOf(json: Buffer, value: Record<string, unknown>): number {
	const payload = typeof value.event === 'string' ? nestingDepth(Buffer.from(value.event)) : 0;
	return Math.max(nestingDepth(json), payload);
}
