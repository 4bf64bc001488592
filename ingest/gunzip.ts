import {Transform} from 'node:stream';
import zlib from 'node:zlib';
import {KEPT_LINE_BYTES} from './line-chunker.js';

/**
 * Bytes after the gzip data that are no gzip member (gzip -d: "trailing garbage ignored"): raised once all the data
 * before them has been given, with where they start in the compressed bytes, their first bytes and their length.
 */
export class TrailingGarbage extends Error {
	readonly code = 'ERR_GZIP_TRAILING_GARBAGE';

	constructor(
		readonly offset: number,
		readonly head: Buffer,
		readonly length: number,
	) {
		super('trailing garbage after the gzip data');
	}
}

const EMPTY: Buffer = Buffer.alloc(0);
const TRAILER_BYTES = 8;
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
// zlib.crc32 came in Node 20.15; before it, a member is checked by its length only (its inflate checks its structure).
const crc32 = zlib.crc32 as typeof zlib.crc32 | undefined;

/** An error with zlib's code for it, as Gunzip's were: readFailure says from the code what happened to the file. */
function zlibError(message: string, code: string): Error {
	return Object.assign(new Error(message), {code});
}

const endsEarly = () => zlibError('unexpected end of file', 'Z_BUF_ERROR');

/**
 * Passes a zip member's bytes on and fails at their end if their CRC-32 is not the one its archive gives (yauzl checks
 * sizes only): a damaged member garbles its lines and ends as it should, so it loaded as whole.
 */
export function crcChecked(expected: number): Transform {
	let crc = 0;
	return new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			if (crc32) crc = crc32(chunk, crc);
			callback(null, chunk);
		},
		flush(callback) {
			callback(crc32 && crc !== expected ? zlibError('incorrect data check', 'Z_DATA_ERROR') : null);
		},
	});
}

/**
 * The length of the gzip member header that `data` begins with; undefined while it is not all there, null when
 * `data` follows a member and is no member (gzip -d says "trailing garbage ignored", and keeps what came before).
 */
function headerLength(data: Buffer, afterMember: boolean): number | null | undefined {
	if ((data.length > 0 && data[0] !== 0x1f) || (data.length > 1 && data[1] !== 0x8b)) {
		if (afterMember) return null;
		throw zlibError('incorrect header check', 'Z_DATA_ERROR');
	}
	if (data.length < 10) return undefined;
	if (data[2] !== 8) throw zlibError('unknown compression method', 'Z_DATA_ERROR');
	const flags = data[3]!;
	let at = 10;
	if (flags & FEXTRA) at = data.length < at + 2 ? Infinity : at + 2 + data.readUInt16LE(at);
	for (const flag of [FNAME, FCOMMENT]) {
		if (!(flags & flag)) continue;
		const end = at < data.length ? data.indexOf(0, at) : -1;
		at = end < 0 ? Infinity : end + 1;
	}
	if (flags & FHCRC) at += 2;
	return at <= data.length ? at : undefined;
}

/** The trailing garbage that begins with `first`, at `offset`: its first bytes kept (as many as of an overlong line), the rest read to its end to be counted. */
async function trailingGarbage(first: Buffer, offset: number, next: () => Promise<Buffer | undefined>): Promise<TrailingGarbage> {
	const kept = [first.subarray(0, KEPT_LINE_BYTES)];
	let keptLength = kept[0]!.length;
	let length = first.length;
	for (let chunk = await next(); chunk; chunk = await next()) {
		length += chunk.length;
		if (keptLength >= KEPT_LINE_BYTES) continue;
		kept.push(chunk.subarray(0, KEPT_LINE_BYTES - keptLength));
		keptLength += kept.at(-1)!.length;
	}
	return new TrailingGarbage(offset, Buffer.concat(kept), length);
}

/**
 * Gunzips as gzip -d does: member after member, zero bytes after them ignored, and bytes after them that are no member
 * raised as TrailingGarbage after all that came before (a .gz inside a .gz: the outer one's garbage is raised once
 * the inner data has ended whole). Node's Gunzip inflated what follows a member in the same call as the
 * member's end, and raised that error with the call's output unread: up to a megabyte of lines, all of a small file.
 * Each member is inflated raw here, so that its end is seen, then checked against its trailer as Gunzip did.
 * `onConsumed` hears the compressed bytes used as their output is taken.
 */
export async function* gunzipMembers(compressed: AsyncIterable<Buffer>, chunkSize: number, onConsumed: (count: number) => void): AsyncGenerator<Buffer> {
	const source = compressed[Symbol.asyncIterator]();
	let pending = EMPTY;
	let inflater: zlib.InflateRaw | undefined;
	let consumed = 0;
	const consume = (count: number) => {
		consumed += count;
		onConsumed(count);
	};
	// Garbage after the compressed data this one is read from (a .gz inside a .gz): its end, raised once this one ends whole.
	let sourceGarbage: TrailingGarbage | undefined;
	const next = async () => {
		try {
			const chunk = await source.next();
			return chunk.done ? undefined : chunk.value;
		} catch (error) {
			if (!(error instanceof TrailingGarbage)) throw error;
			sourceGarbage = error;
			return undefined;
		}
	};
	/** Adds the next compressed bytes to `pending`; false at the end. */
	const more = async () => {
		const chunk = await next();
		if (chunk) pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
		return chunk !== undefined;
	};
	try {
		for (let members = 0; ; members++) {
			if (members > 0) {
				let start: number;
				while ((start = pending.findIndex((byte) => byte !== 0)) < 0) {
					consume(pending.length);
					pending = EMPTY;
					if (await more()) continue;
					if (sourceGarbage) throw sourceGarbage;
					return;
				}
				consume(start);
				pending = pending.subarray(start);
			}
			let header: number | null | undefined;
			while ((header = headerLength(pending, members > 0)) === undefined) if (!(await more())) throw endsEarly();
			if (header === null) throw await trailingGarbage(pending, consumed, next);
			consume(header);
			let input: Buffer = pending.subarray(header);
			pending = EMPTY;
			const member = zlib.createInflateRaw({chunkSize});
			inflater = member;
			let fed = 0;
			// Fed while its output is read: it ends (its output) where its deflate data ends, with input left over.
			const feeding = (async () => {
				for (;;) {
					if (input.length > 0) {
						fed += input.length;
						await new Promise<void>((resolve, reject) => member.write(input, (error) => (error ? reject(error) : resolve())));
						if (member.bytesWritten < fed) return input.subarray(input.length - (fed - member.bytesWritten));
					}
					const chunk = await next();
					if (!chunk) {
						// Z_FINISH: "unexpected end of file" if its data is not whole.
						member.end();
						return EMPTY;
					}
					input = chunk;
				}
			})();
			feeding.catch((error: Error) => member.destroy(error));
			let crc = 0;
			let size = 0;
			let reported = 0;
			for await (const output of member as AsyncIterable<Buffer>) {
				if (crc32) crc = crc32(output, crc);
				size += output.length;
				yield output;
				consume(member.bytesWritten - reported);
				reported = member.bytesWritten;
			}
			pending = await feeding;
			consume(member.bytesWritten - reported);
			member.destroy();
			while (pending.length < TRAILER_BYTES) if (!(await more())) throw endsEarly();
			if ((crc32 && pending.readUInt32LE(0) !== crc) || pending.readUInt32LE(4) !== size % 2 ** 32) throw zlibError('incorrect data check', 'Z_DATA_ERROR');
			consume(TRAILER_BYTES);
			pending = pending.subarray(TRAILER_BYTES);
		}
	} finally {
		inflater?.destroy();
		await source.return?.();
	}
}
