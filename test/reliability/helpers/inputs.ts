import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {eventLine} from '../../helpers/ingest.js';
import {writeZip} from '../../helpers/zip.js';
import type {Random} from '../../tools/random.js';

/**
 * A multi-file load like a real export, for the fault tests: plain, .gz and .zip inputs, events
 * shared between files (overlapping exports), repeated lines and bad lines at seeded places.
 */

const BAD_LINES = ['{"username": "cut', 'null', '[1, 2]', 'not json at all', '{"event": }', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]).toString('latin1')];

function logText(from: number, to: number, random: Random): Buffer {
	const parts: Buffer[] = [];
	for (let n = from; n < to; n++) {
		parts.push(Buffer.from(`${eventLine(n)}\n`));
		if (random.chance(0.01)) parts.push(Buffer.from(`${random.pick(BAD_LINES)}\n`, 'latin1'));
		if (random.chance(0.01)) parts.push(Buffer.from(`${eventLine(from + random.int(0, n - from))}\n`));
		if (random.chance(0.005)) parts.push(Buffer.from('\n'));
	}
	return Buffer.concat(parts);
}

export type FaultInputs = {
	dir: string;
	/** What source_files will name each input (path, or path!member) → its decompressed bytes. */
	contents: Map<string, Buffer>;
	lines: number;
	/** The `firstInput` of the export that follows this one. */
	nextInput: number;
};

const EVENTS_PER_INPUT = 1000;

/**
 * About `events` events in inputs of ~1000 events each (so that a load has many files and chunks to
 * be interrupted between), cycling through plain, overlapping, .gz and .zip (two members, one gzipped).
 * `firstInput` > 0 writes a later export: the files (and events) that follow the first `firstInput` inputs.
 */
export async function writeFaultInputs(dir: string, events: number, random: Random, firstInput = 0): Promise<FaultInputs> {
	const contents = new Map<string, Buffer>();
	const count = Math.max(5, Math.ceil(events / EVENTS_PER_INPUT));
	for (let index = firstInput; index < firstInput + count; index++) {
		const from = index * EVENTS_PER_INPUT;
		const to = from + EVENTS_PER_INPUT;
		const name = path.join(dir, `tracking.log-2017${String(index + 1).padStart(4, '0')}`);
		switch (index % 5) {
			case 1: {
				// An overlapping export: its first fifth repeats the end of the previous file.
				const content = logText(from - EVENTS_PER_INPUT / 5, to, random);
				fs.writeFileSync(name, content);
				contents.set(name, content);
				break;
			}
			case 2: {
				const content = logText(from, to, random);
				fs.writeFileSync(`${name}.gz`, zlib.gzipSync(content));
				contents.set(`${name}.gz`, content);
				break;
			}
			case 3: {
				const middle = from + EVENTS_PER_INPUT / 2;
				const memberA = logText(from, middle, random);
				const memberB = logText(middle, to, random);
				await writeZip(`${name}.zip`, [
					{name: 'a/tracking.log', data: memberA},
					{name: 'b/tracking.log.gz', data: zlib.gzipSync(memberB)},
				]);
				contents.set(`${name}.zip!a/tracking.log`, memberA);
				contents.set(`${name}.zip!b/tracking.log.gz`, memberB);
				break;
			}
			default: {
				const content = logText(from, to, random);
				fs.writeFileSync(name, content);
				contents.set(name, content);
			}
		}
	}
	return {dir, contents, lines: lineCount(contents), nextInput: firstInput + count};
}

/** Every input of `batches`, as one load of their common folder. */
export function mergedInputs(batches: FaultInputs[]): FaultInputs {
	const contents = new Map(batches.flatMap((batch) => [...batch.contents]));
	return {dir: batches[0]!.dir, contents, lines: lineCount(contents), nextInput: batches.at(-1)!.nextInput};
}

function lineCount(contents: Map<string, Buffer>): number {
	return [...contents.values()].reduce((sum, content) => sum + content.toString('latin1').split('\n').length - 1, 0);
}
