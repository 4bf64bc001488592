import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {BINARY_HEADER, BINARY_TRAILER, BinaryRowReader, boolField, int4Field, nullField, startRow, textField} from '../../ingest/copy-binary.js';
import {RowBuffer} from '../../ingest/row-buffer.js';

describe('BinaryRowReader', () => {
	it('reads every row of a binary COPY stream, whatever the pieces it arrives in (rows cut across several)', () => {
		const out = new RowBuffer();
		out.copy(BINARY_HEADER, 0, BINARY_HEADER.length);
		const rows: Array<[number, string | null, boolean]> = [
			[1, 'ada', true],
			[-7, null, false],
			[2_000_000_000, 'ünïcode', true],
			// Longer than the first part of a piece that is joined to a cut row (4 KB), and than some pieces.
			[3, 'x'.repeat(10_000), false],
			[4, 'after the long one', true],
		];
		for (const [id, name, flag] of rows) {
			startRow(out, 3);
			int4Field(out, id);
			if (name === null) nullField(out);
			else textField(out, name);
			boolField(out, flag);
		}
		out.copy(BINARY_TRAILER, 0, BINARY_TRAILER.length);
		const stream = Buffer.from(out.view());
		for (const pieceSize of [1, 3, 7, 1000, 5000, stream.length]) {
			const read: Array<[number, string | null, boolean]> = [];
			const reader = new BinaryRowReader((data, starts) => {
				const name = starts[1]! < 0 ? null : data.toString('utf8', starts[1], starts[1]! + data.readInt32BE(starts[1]! - 4));
				read.push([data.readInt32BE(starts[0]!), name, data[starts[2]!] === 1]);
			});
			for (let start = 0; start < stream.length; start += pieceSize) reader.push(stream.subarray(start, start + pieceSize));
			assert.deepEqual(read, rows, `pieces of ${pieceSize} bytes`);
		}
	});
});

describe('RowBuffer.text', () => {
	it('writes the UTF-8 bytes of any string, short ASCII ones (copied by hand) and others (encoded) alike', () => {
		// A non-ASCII character after an ASCII start (the hand copy stops and the encoder rewrites from the start),
		// a lone surrogate, astral characters, and strings on both sides of the 64-character hand-copy limit.
		const values = ['', 'problem_check', 'abc ünïcode', 'x\u{d800}y', 'emoji 😀', 'a'.repeat(63), 'b'.repeat(64), `${'c'.repeat(70)}é`];
		const out = new RowBuffer(4);
		for (const value of values) out.text(value);
		assert.deepEqual(Buffer.from(out.view()), Buffer.concat(values.map((value) => Buffer.from(value))));
	});
});
