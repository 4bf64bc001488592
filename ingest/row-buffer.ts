/**
 * A growable byte buffer that COPY rows are written into directly: a chunk's rows become one buffer
 * sent as is, instead of a string per field, a string per row, a join and an encoding pass.
 */
export class RowBuffer {
	bytes: Buffer;
	length = 0;

	constructor(capacity = 1 << 16) {
		this.bytes = Buffer.allocUnsafe(capacity);
	}

	/** Makes room for `count` more bytes. */
	reserve(count: number): void {
		const needed = this.length + count;
		if (needed <= this.bytes.length) return;
		const grown = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2));
		this.bytes.copy(grown, 0, 0, this.length);
		this.bytes = grown;
	}

	byte(value: number): void {
		this.reserve(1);
		this.bytes[this.length++] = value;
	}

	/** Bytes of `source` from `start` to `end`, unchanged. */
	copy(source: Buffer, start: number, end: number): void {
		this.reserve(end - start);
		// Short runs (most fields) are copied faster by hand than through a native call.
		if (end - start < 64) {
			const bytes = this.bytes;
			let length = this.length;
			for (let at = start; at < end; at++) bytes[length++] = source[at]!;
			this.length = length;
		} else this.length += source.copy(this.bytes, this.length, start, end);
	}

	/** A string, UTF-8 encoded. */
	text(value: string): void {
		// Short ASCII strings (event types, ids, names) are copied faster by hand than counted and encoded by
		// native calls (the derived build writes about two million of them at 1M events).
		if (value.length < 64) {
			// A UTF-16 unit takes at most 3 bytes.
			this.reserve(3 * value.length);
			const bytes = this.bytes;
			let length = this.length;
			let index = 0;
			for (; index < value.length; index++) {
				const code = value.charCodeAt(index);
				if (code >= 0x80) break;
				bytes[length++] = code;
			}
			if (index === value.length) {
				this.length = length;
				return;
			}
		}
		this.reserve(Buffer.byteLength(value));
		this.length += this.bytes.write(value, this.length);
	}

	/** A view of the bytes written (no copy: later writes may move the buffer, so use it before writing more). */
	view(): Buffer {
		return this.bytes.subarray(0, this.length);
	}
}
