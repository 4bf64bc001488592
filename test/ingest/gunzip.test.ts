import assert from 'node:assert/strict';
import {Readable} from 'node:stream';
import {it} from 'node:test';
import zlib from 'node:zlib';
import {gunzipMembers} from '../../ingest/gunzip.js';
import {lines} from '../helpers/ingest.js';

/**
 * gunzipMembers reads what Node's Gunzip read, cut anywhere (a member's end inside a read, or at its edge),
 * and fails where it failed, having given all the data before the fault.
 */
const data = Buffer.from(lines(0, 3000));
const gzip = (content: Buffer) => zlib.gzipSync(content);

/** A gzip member whose header has every optional field (extra, name, comment), as gzip -N and others write. */
function withHeaderFields(content: Buffer): Buffer {
	const plain = gzip(content);
	const header = Buffer.from(plain.subarray(0, 10));
	header[3] = 4 | 8 | 16;
	return Buffer.concat([header, Buffer.from([3, 0, 1, 2, 3]), Buffer.from('tracking.log\0a comment\0'), plain.subarray(10)]);
}

async function read(compressed: Buffer, readSize: number): Promise<{output: Buffer; consumed: number; error?: string}> {
	const reads: Buffer[] = [];
	for (let at = 0; at < compressed.length; at += readSize) reads.push(compressed.subarray(at, at + readSize));
	const parts: Buffer[] = [];
	let consumed = 0;
	try {
		for await (const part of gunzipMembers(Readable.from(reads), 64 * 1024, (count) => (consumed += count))) parts.push(part);
	} catch (error) {
		return {output: Buffer.concat(parts), consumed, error: (error as NodeJS.ErrnoException).code};
	}
	return {output: Buffer.concat(parts), consumed};
}

it('reads one member, several, zero padding and a header with every field, whatever the reads cut', async () => {
	const cases = {
		'one member': gzip(data),
		'two members': Buffer.concat([gzip(data.subarray(0, 1000)), gzip(data.subarray(1000))]),
		'zero padding': Buffer.concat([gzip(data), Buffer.alloc(512)]),
		'header fields': withHeaderFields(data),
	};
	for (const [name, compressed] of Object.entries(cases)) {
		for (const readSize of [1 << 20, 4096, 7]) {
			const {output, consumed, error} = await read(compressed, readSize);
			assert.deepEqual([error, consumed, output.equals(data)], [undefined, compressed.length, true], `${name}, reads of ${readSize}`);
		}
	}
});

it('fails as Gunzip did for a cut file and a wrong check, after the data before the fault', async () => {
	const whole = gzip(data);
	const cut = whole.subarray(0, Math.floor(whole.length / 2));
	const wrongCheck = Buffer.from(whole);
	wrongCheck[wrongCheck.length - 6]! ^= 1;
	for (const readSize of [1 << 20, 7]) {
		const partial = zlib.gunzipSync(cut, {finishFlush: zlib.constants.Z_SYNC_FLUSH});
		const truncated = await read(cut, readSize);
		assert.deepEqual([truncated.error, truncated.output.equals(partial)], ['Z_BUF_ERROR', true]);
		const damaged = await read(wrongCheck, readSize);
		assert.deepEqual([damaged.error, damaged.output.equals(data)], ['Z_DATA_ERROR', true]);
		const junk = await read(Buffer.concat([whole, Buffer.from('<html>')]), readSize);
		assert.deepEqual([junk.error, junk.output.equals(data)], ['ERR_GZIP_TRAILING_GARBAGE', true]);
		const notGzip = await read(Buffer.from('{"event": 1}\n'), readSize);
		assert.deepEqual([notGzip.error, notGzip.output.length], ['Z_DATA_ERROR', 0]);
	}
});
