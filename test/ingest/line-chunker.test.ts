import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {parseChunk, releaseChunk} from '../../ingest/chunk-loader.js';
import {LineChunker, type Chunk} from '../../ingest/line-chunker.js';

function chunkAll(input: string | Buffer, pieceSize: number, options: ConstructorParameters<typeof LineChunker>[0]): Chunk[] {
	const data = Buffer.isBuffer(input) ? input : Buffer.from(input);
	const chunker = new LineChunker(options);
	const chunks: Chunk[] = [];
	for (let at = 0; at < data.length; at += pieceSize) chunks.push(...chunker.push(data.subarray(at, at + pieceSize)));
	chunks.push(...chunker.end());
	return chunks;
}

describe('LineChunker', () => {
	it('cuts whole lines with offsets and line numbers, whatever the read size', () => {
		const text = 'a\nbb\n\nccc\ndddd';
		for (const pieceSize of [1, 2, 3, 100]) {
			const chunks = chunkAll(text, pieceSize, {maxChunkLines: 2, maxLineBytes: 100});
			assert.deepEqual(
				chunks.map((chunk) => [chunk.startOffset, chunk.endOffset, chunk.firstLine, chunk.lineCount, chunk.data.toString()]),
				[
					[0, 5, 1, 2, 'a\nbb\n'],
					[5, 10, 3, 2, '\nccc\n'],
					[10, 14, 5, 1, 'dddd'],
				],
			);
		}
	});

	it('after a fault, gives the whole lines read and drops the one cut short, overlong or not', () => {
		for (const [text, maxLineBytes, expected] of [
			['a\nbb\nccc', 100, 'a\nbb\n'],
			['a\nbb\n' + 'x'.repeat(50), 10, 'a\nbb\n'],
			['a\nbb\n' + 'x'.repeat(20) + '\nyy', 10, `a\nbb\n${'x'.repeat(10)}\n`],
		] as const) {
			for (const pieceSize of [1, 3, 100]) {
				const chunker = new LineChunker({maxLineBytes, keepBytes: 10});
				const chunks: Chunk[] = [];
				for (let at = 0; at < text.length; at += pieceSize) chunks.push(...chunker.push(Buffer.from(text.slice(at, at + pieceSize))));
				chunks.push(...chunker.wholeLines());
				assert.equal(chunks.map((chunk) => chunk.data.toString()).join(''), expected, `${JSON.stringify(text)} by ${pieceSize}`);
				const last = chunks.at(-1)!;
				assert.equal(last.endOffset, text.lastIndexOf('\n') + 1, 'the chunks end after the last newline');
			}
		}
	});

	it("sends a small chunk (a daily file's) in a buffer of its own size, not a reused 5 MB one", () => {
		const text = 'a\nbb\n'.repeat(1000);
		for (let run = 0; run < 3; run++) {
			const [chunk] = chunkAll(text, 4096, {maxLineBytes: 100});
			assert.equal(chunk!.data.length, text.length);
			// The whole ArrayBuffer is what moves to the loader thread, and what it counts as new memory.
			assert.equal(chunk!.data.buffer.byteLength, text.length);
		}
	});

	it('restarting at a chunk boundary cuts the same chunks again (what resume relies on)', () => {
		const text = Array.from({length: 50}, (_, index) => `line ${index} ${'x'.repeat(index % 7)}`).join('\n');
		const whole = chunkAll(text, 7, {maxChunkLines: 4, maxChunkBytes: 30, maxLineBytes: 100});
		const third = whole[2]!;
		const resumed = chunkAll(Buffer.from(text).subarray(third.startOffset), 5, {startOffset: third.startOffset, firstLine: third.firstLine, maxChunkLines: 4, maxChunkBytes: 30, maxLineBytes: 100});
		assert.deepEqual(
			resumed.map((chunk) => [chunk.startOffset, chunk.firstLine, chunk.data.toString()]),
			whole.slice(2).map((chunk) => [chunk.startOffset, chunk.firstLine, chunk.data.toString()]),
		);
	});

	it('ends a chunk at each boundary a line ends on, whatever the size limits', () => {
		const text = 'aa\nbb\ncc\ndd\nee\n';
		for (const pieceSize of [1, 4, 100]) {
			const chunks = chunkAll(text, pieceSize, {maxChunkLines: 10, maxLineBytes: 100, boundaries: [0, 3, 4, 9, 12]});
			// 4 is inside a line: no cut there.
			assert.deepEqual(chunks.map((chunk) => [chunk.startOffset, chunk.endOffset, chunk.firstLine]), [[0, 3, 1], [3, 9, 2], [9, 12, 4], [12, 15, 5]]);
		}
	});

	it('keeps only the head of an overlong line and reports its real length', () => {
		const long = 'y'.repeat(1000);
		for (const pieceSize of [1, 13, 4096]) {
			const [chunk] = chunkAll(`ok\n${long}\nafter\n`, pieceSize, {maxLineBytes: 100, keepBytes: 10});
			assert.equal(chunk!.lineCount, 3);
			assert.equal(chunk!.data.toString(), `ok\n${'y'.repeat(10)}\nafter\n`);
			assert.deepEqual(chunk!.overlong, [{index: 1, length: 1001, ending: 1}]);
			assert.equal(chunk!.endOffset, 3 + 1001 + 6);
		}
	});

	it('counts a line against the limit without its ending (\\n or \\r\\n, split between reads or not)', () => {
		for (const ending of ['\n', '\r\n']) {
			const text = `${'a'.repeat(10)}${ending}${'b'.repeat(11)}${ending}c`;
			for (const pieceSize of [1, 2, 3, 11, 12, 100]) {
				const chunks = chunkAll(text, pieceSize, {maxLineBytes: 10, keepBytes: 4});
				const label = `${JSON.stringify(ending)} by ${pieceSize}`;
				assert.deepEqual(chunks.flatMap((chunk) => chunk.overlong), [{index: 1, length: 11 + ending.length, ending: ending.length}], label);
				assert.equal(chunks.map((chunk) => chunk.data.toString()).join(''), `${'a'.repeat(10)}${ending}bbbb\nc`, label);
			}
		}
		// A \r inside a line is content: 10 bytes and a \r are over a limit of 10.
		const [chunk] = chunkAll(`${'a'.repeat(10)}\rx\n`, 11, {maxLineBytes: 10, keepBytes: 4});
		assert.deepEqual(chunk!.overlong, [{index: 0, length: 13, ending: 1}]);
	});

	it("says an overlong line's length without its ending, as the limit counts it (201 bytes over a limit of 200 were said to be 202, 203 with CRLF)", async () => {
		for (const ending of ['\n', '\r\n']) {
			for (const pieceSize of [1, 7, 200, 201, 4096]) {
				const chunks = chunkAll(`${'x'.repeat(201)}${ending}${'y'.repeat(300)}`, pieceSize, {maxLineBytes: 200, keepBytes: 50});
				const details: string[] = [];
				for (const chunk of chunks) {
					const parsed = await parseChunk({...chunk, fileId: 1, loadId: 1, maxLineBytes: 200});
					details.push(...parsed.rejected.map((line) => line.detail));
					releaseChunk(parsed);
				}
				assert.deepEqual(
					details,
					['a line of 201 bytes exceeds the limit of 200 bytes; its first 50 bytes are kept', 'a line of 300 bytes exceeds the limit of 200 bytes; its first 50 bytes are kept'],
					`${JSON.stringify(ending)} by ${pieceSize}`,
				);
			}
		}
	});
});
