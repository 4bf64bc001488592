/**
 * Cuts a byte stream into chunks of whole lines. Boundaries depend only on the content and the start
 * position, so a resumed load cuts the same chunks again and can skip the ones already committed.
 * A line longer than maxLineBytes is not buffered: its first keepBytes are kept (to be stored as a
 * rejected line) and the rest is skipped, so memory stays bounded whatever the input.
 */

export type Chunk = {
	/** Decompressed byte offset of the first line, and of the byte after the last one. */
	startOffset: number;
	endOffset: number;
	/** 1-based number of the first line. */
	firstLine: number;
	lineCount: number;
	/** The lines, each ending in \n (the last line of a file may lack it). */
	data: Buffer;
	/** Lines cut short because they exceeded the limit. */
	overlong: OverlongLine[];
};

/** A line cut short: its index in the chunk, its real length, and how much of that is its ending (\n, \r\n, or none at the end). */
export type OverlongLine = {index: number; length: number; ending: number};

export type ChunkerOptions = {
	startOffset?: number;
	firstLine?: number;
	maxChunkLines?: number;
	maxChunkBytes?: number;
	/** Offsets a chunk must end at when a line ends there (where committed data begins or ends, on resume), ascending. */
	boundaries?: number[];
	maxLineBytes: number;
	/** How much of an overlong line is kept for the rejected_lines table. */
	keepBytes?: number;
};

/** How much of an overlong line is kept by default. */
export const KEPT_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * A chunk is one transaction and one COPY of its events, and each costs PostgreSQL a fixed amount (a
 * profile showed COPY's multi-insert slots and their resource-owner bookkeeping). Chunks of 4 MB rather
 * than 2 MB took the server's CPU for 1M events from 15-16 s to 12-13.5 s (bench:ingest: 1.39x to
 * 1.58-1.62x), for about 15 MB more peak memory.
 */
const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Chunk buffers come back from the loader threads once stored, and are used again: a new buffer per
 * chunk made V8 collect garbage in full every few chunks in each thread.
 */
const spareBuffers: ArrayBuffer[] = [];
const REUSED_BUFFER_BYTES = MAX_CHUNK_BYTES + 1024 * 1024;
/**
 * A smaller chunk (a daily file's only one, or a file's last) gets a buffer of its own size instead. Each buffer that
 * arrives in a thread counts its whole size as new memory there: a reused one, sent for a 100 KB daily file, counted
 * 5 MB, and 3,000 such files made the reading thread run ~430 full garbage collections (loading took 38 s, 26 s so).
 */
const SMALL_CHUNK_BYTES = 1024 * 1024;

/** Gives a chunk's buffer back for later chunks (ones made for long lines are left to the collector). */
export function recycleChunkBuffer(buffer: ArrayBuffer): void {
	if (buffer.byteLength === REUSED_BUFFER_BYTES && spareBuffers.length < 8) spareBuffers.push(buffer);
}

function chunkBuffer(length: number): Buffer {
	if (length > REUSED_BUFFER_BYTES || length < SMALL_CHUNK_BYTES) return Buffer.allocUnsafeSlow(length);
	return Buffer.from(spareBuffers.pop() ?? new ArrayBuffer(REUSED_BUFFER_BYTES), 0, length);
}

export class LineChunker {
	private readonly maxChunkLines: number;
	private readonly maxChunkBytes: number;
	private readonly maxLineBytes: number;
	/** How much of an overlong line is kept. */
	readonly keepBytes: number;
	private readonly boundaries: number[];
	/** The first boundary not passed yet. */
	private boundaryIndex = 0;
	private parts: Buffer[] = [];
	private partsLength = 0;
	private chunkStart: number;
	private chunkFirstLine: number;
	private lines = 0;
	/** Real (uncut) bytes of the current chunk. */
	private realBytes = 0;
	private overlong: OverlongLine[] = [];
	/** Bytes of the line being read so far, whether it has been cut, and the ending of its last piece (once cut). */
	private lineBytes = 0;
	private lineCut = false;
	private lineEnding = 0;
	/** Whether the last piece pushed ended in a \r without a \n (the \r of a \r\n split between reads). */
	private endsInCr = false;

	constructor(options: ChunkerOptions) {
		this.chunkStart = options.startOffset ?? 0;
		this.chunkFirstLine = options.firstLine ?? 1;
		this.maxChunkLines = options.maxChunkLines ?? 5000;
		this.maxChunkBytes = options.maxChunkBytes ?? MAX_CHUNK_BYTES;
		this.maxLineBytes = options.maxLineBytes;
		this.keepBytes = Math.min(options.keepBytes ?? KEPT_LINE_BYTES, options.maxLineBytes);
		this.boundaries = options.boundaries ?? [];
	}

	push(buffer: Buffer): Chunk[] {
		const done: Chunk[] = [];
		let position = 0;
		// Lines under the limit are kept as one run of `buffer` (a piece per line cost the reading thread more than the reading).
		let runStart = 0;
		while (position < buffer.length) {
			const newline = buffer.indexOf(NEWLINE, position);
			const end = newline < 0 ? buffer.length : newline + 1;
			const ending = this.endingBytes(buffer, position, end, newline >= 0);
			if (this.lineCut || this.lineBytes + (end - position) - ending > this.maxLineBytes) {
				this.keep(buffer.subarray(runStart, position));
				this.append(buffer.subarray(position, end), ending);
				this.lineEnding = ending;
				runStart = end;
			} else {
				this.realBytes += end - position;
				this.lineBytes += end - position;
			}
			position = end;
			this.endsInCr = newline < 0 && buffer[end - 1] === CR;
			if (newline >= 0) {
				this.finishLine();
				if (this.lines >= this.maxChunkLines || this.realBytes >= this.maxChunkBytes || this.atBoundary()) {
					this.keep(buffer.subarray(runStart, end));
					runStart = end;
					done.push(this.cut());
				}
			}
		}
		this.keep(buffer.subarray(runStart));
		return done;
	}

	/** The rest, including a last line without a final newline. */
	end(): Chunk[] {
		if (this.lineBytes > 0) this.finishLine();
		return this.lines > 0 ? [this.cut()] : [];
	}

	/**
	 * The whole lines read so far, without the last one if it was cut short (a stream that failed stops
	 * mid-line): what was read before a fault is kept, and a repaired file resumes after it.
	 */
	wholeLines(): Chunk[] {
		if (this.lineBytes > 0) {
			// A cut line holds its first keepBytes and a newline (see append).
			this.takeBack(this.lineCut ? this.keepBytes + 1 : this.lineBytes);
			this.realBytes -= this.lineBytes;
			this.lineBytes = 0;
			this.lineCut = false;
		}
		return this.lines > 0 ? [this.cut()] : [];
	}

	/** Where the next chunk begins: the offset and number of the line after the last one cut (after end(): after the content). */
	get next(): {offset: number; line: number} {
		return {offset: this.chunkStart, line: this.chunkFirstLine};
	}

	/**
	 * The bytes of the line's ending in the piece `buffer[start, end)` (\n or \r\n, its \r possibly at the end of
	 * the piece before, or here at the end of one that has no \n yet): the limit counts a line's content only,
	 * so a line of exactly --max-line-bytes is loaded whatever its ending.
	 */
	private endingBytes(buffer: Buffer, start: number, end: number, hasNewline: boolean): number {
		if (!hasNewline) return end > start && buffer[end - 1] === CR ? 1 : 0;
		const newline = end - 1;
		return 1 + ((newline > start ? buffer[newline - 1] === CR : this.endsInCr) ? 1 : 0);
	}

	/** Whether the line just finished ends at a boundary. */
	private atBoundary(): boolean {
		const offset = this.chunkStart + this.realBytes;
		while (this.boundaryIndex < this.boundaries.length && this.boundaries[this.boundaryIndex]! < offset) this.boundaryIndex++;
		return this.boundaries[this.boundaryIndex] === offset;
	}

	private keep(piece: Buffer): void {
		if (piece.length === 0) return;
		this.parts.push(piece);
		this.partsLength += piece.length;
	}

	/** A piece of a line that is, or may become, longer than the limit (`ending`: see endingBytes). */
	private append(piece: Buffer, ending: number): void {
		this.realBytes += piece.length;
		const before = this.lineBytes;
		this.lineBytes += piece.length;
		if (this.lineCut) return;
		if (this.lineBytes - ending <= this.maxLineBytes) {
			this.keep(piece);
			return;
		}
		// The line just went over the limit: keep its first keepBytes, drop the rest as it streams by.
		this.lineCut = true;
		const keepFromPiece = Math.max(0, this.keepBytes - before);
		const kept = this.takeBack(before);
		kept.push(piece.subarray(0, keepFromPiece));
		const prefix = Buffer.concat(kept).subarray(0, this.keepBytes);
		this.parts.push(prefix, Buffer.from([NEWLINE]));
		this.partsLength += prefix.length + 1;
	}

	/** Removes the last `count` buffered bytes (the current line so far) and returns them. */
	private takeBack(count: number): Buffer[] {
		const taken: Buffer[] = [];
		let remaining = count;
		while (remaining > 0) {
			const last = this.parts.pop()!;
			if (last.length <= remaining) {
				taken.unshift(last);
				remaining -= last.length;
			} else {
				this.parts.push(last.subarray(0, last.length - remaining));
				taken.unshift(last.subarray(last.length - remaining));
				remaining = 0;
			}
		}
		this.partsLength -= count;
		return taken;
	}

	private finishLine(): void {
		// The ending, for the length said of the line: the limit counts its content only.
		if (this.lineCut) this.overlong.push({index: this.lines, length: this.lineBytes, ending: this.lineEnding});
		this.lines++;
		this.lineBytes = 0;
		this.lineCut = false;
	}

	/** A buffer of its own (never a slice of Node's shared pool), so it can be transferred to a worker. */
	private joinParts(): Buffer {
		const data = chunkBuffer(this.partsLength);
		let at = 0;
		for (const part of this.parts) at += part.copy(data, at);
		return data;
	}

	private cut(): Chunk {
		const chunk: Chunk = {
			startOffset: this.chunkStart,
			endOffset: this.chunkStart + this.realBytes,
			firstLine: this.chunkFirstLine,
			lineCount: this.lines,
			data: this.joinParts(),
			overlong: this.overlong,
		};
		this.chunkStart = chunk.endOffset;
		this.chunkFirstLine += this.lines;
		this.parts = [];
		this.partsLength = 0;
		this.lines = 0;
		this.realBytes = 0;
		this.overlong = [];
		return chunk;
	}
}
