import type pg from 'pg';

/**
 * Reads the events the load has committed, a stretch of the table at a time, while the load goes on.
 *
 * The first read of a row after its transaction committed marks it as committed in its page (PostgreSQL's
 * hint bits), and the page is written again. Left to the derived build that follows the load, that first read
 * rewrote the whole events table inside the build's scan, which writes each page itself before reading on:
 * at 1M events the first build wrote 1,448 MB that a rebuild did not write. Read here, while the loader
 * threads keep the CPU busy parsing, the rewrite uses the disk when it is idle.
 *
 * A stretch is read once the table has grown past it by MARGIN_BLOCKS, which holds the chunks still being
 * written (their rows cannot be marked before they commit; a page with some is marked by the build's scan).
 */
const BLOCK_BYTES = 8192;
/** Blocks left unread at the end of the table: the loader threads' chunks in flight (4 MB each, up to 2 per thread). */
const MARGIN_BLOCKS = (64 * 1024 * 1024) / BLOCK_BYTES;
/** Blocks read at once: big enough that the query's own cost is nothing beside the reading. */
const STRETCH_BLOCKS = (32 * 1024 * 1024) / BLOCK_BYTES;

export class HintBitReader {
	private running: Promise<void> | undefined;

	private constructor(
		private readonly pool: pg.Pool,
		/** Where the reading goes on: the table's end when the load started (the builds of earlier loads read what is before). */
		private readUpTo: number,
	) {}

	static async start(pool: pg.Pool): Promise<HintBitReader> {
		// The last page may have room that the load's first rows take.
		return new HintBitReader(pool, Math.max(0, (await tableBlocks(pool)) - 1));
	}

	/** Starts reading the committed stretches that the table has grown past, unless a read is running. */
	poke(): void {
		this.running ??= this.readStretches(MARGIN_BLOCKS)
			// Only a saving: if a read fails, the build's scan marks the rows, and the load reports a broken database itself.
			.catch(() => {})
			.finally(() => {
				this.running = undefined;
			});
	}

	/** Waits for the read running, if any (a cancelled load reads no more). */
	async stop(): Promise<void> {
		await this.running;
	}

	/** Reads the rest of the table: the load has committed all of it. */
	async finish(): Promise<void> {
		await this.stop();
		await this.readStretches(0);
	}

	private async readStretches(margin: number): Promise<void> {
		const end = (await tableBlocks(this.pool)) - margin;
		while (end - this.readUpTo >= (margin === 0 ? 1 : STRETCH_BLOCKS)) {
			const upTo = Math.min(end, this.readUpTo + STRETCH_BLOCKS);
			await this.pool.query('SELECT count(*) FROM events WHERE ctid >= $1::tid AND ctid < $2::tid', [`(${this.readUpTo},0)`, `(${upTo},0)`]);
			this.readUpTo = upTo;
		}
	}
}

async function tableBlocks(pool: pg.Pool): Promise<number> {
	const {rows} = await pool.query<{blocks: number}>("SELECT pg_relation_size('events') / $1 AS blocks", [BLOCK_BYTES]);
	return rows[0]!.blocks;
}
