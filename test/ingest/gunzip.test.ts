import assert from 'node:assert/strict';
import {Readable} from 'node:stream';
import {it} from 'node:test';
import zlib from 'node:zlib';
import {gunzipMembers, TrailingGarbage} from '../../ingest/gunzip.js';
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

/** `bytes` in reads of `readSize`. */
function chunks(bytes: Buffer, readSize: number): Buffer[] {
	const reads: Buffer[] = [];
	for (let at = 0; at < bytes.length; at += readSize) reads.push(bytes.subarray(at, at + readSize));
	return reads;
}

async function read(compressed: Buffer, readSize: number): Promise<{output: Buffer; consumed: number; error?: string}> {
	const reads = chunks(compressed, readSize);
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

it('raises bytes after the gzip data that are no member as TrailingGarbage: where they start, their first 64 KiB and their length', async () => {
	const whole = gzip(data);
	const padded = Buffer.concat([whole, Buffer.alloc(3)]);
	const big = Buffer.alloc(100_000, '<');
	for (const readSize of [1 << 20, 4096, 7]) {
		for (const [before, junk] of [[whole, Buffer.from('<html>')], [padded, big]] as const) {
			const parts: Buffer[] = [];
			let caught: unknown;
			try {
				for await (const part of gunzipMembers(Readable.from(chunks(Buffer.concat([before, junk]), readSize)), 64 * 1024, () => {})) parts.push(part);
			} catch (error) {
				caught = error;
			}
			assert.ok(caught instanceof TrailingGarbage, `reads of ${readSize}`);
			assert.deepEqual([caught.offset, caught.length, caught.head.equals(junk.subarray(0, 65536)), Buffer.concat(parts).equals(data)], [before.length, junk.length, true, true]);
		}
	}
});

it('of a .gz inside a .gz, raises the outer garbage once the inner data has ended whole, and a cut inner one as cut', async () => {
	const inner = gzip(data);
	const junk = Buffer.from('junk after the outer data');
	const read = async (outer: Buffer) => {
		const parts: Buffer[] = [];
		try {
			const content = gunzipMembers(Readable.from(chunks(outer, 4096)), 64 * 1024, () => {});
			for await (const part of gunzipMembers(content, 64 * 1024, () => {})) parts.push(part);
		} catch (error) {
			return {output: Buffer.concat(parts), error};
		}
		return {output: Buffer.concat(parts), error: undefined};
	};
	const whole = await read(Buffer.concat([gzip(inner), junk]));
	assert.ok(whole.error instanceof TrailingGarbage);
	assert.deepEqual([whole.error.offset, whole.error.head.toString(), whole.output.equals(data)], [gzip(inner).length, junk.toString(), true]);
	const cut = await read(Buffer.concat([gzip(inner.subarray(0, inner.length - 100)), junk]));
	assert.equal((cut.error as NodeJS.ErrnoException).code, 'Z_BUF_ERROR');
});
