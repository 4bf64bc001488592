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
};

/** About `events` events over five inputs (sizes scale with it); the second overlaps the first. */
export async function writeFaultInputs(dir: string, events: number, random: Random): Promise<FaultInputs> {
	const share = Math.floor(events / 5);
	const first = logText(0, share, random);
	// Overlapping export: its first fifth repeats the end of the first file.
	const second = logText(share - Math.floor(share / 5), 2 * share, random);
	const third = logText(2 * share, 3 * share, random);
	const memberA = logText(3 * share, 4 * share - Math.floor(share / 2), random);
	const memberB = logText(4 * share - Math.floor(share / 2), 4 * share, random);
	const fifth = logText(4 * share, 5 * share, random);
	const file = (name: string) => path.join(dir, name);
	fs.writeFileSync(file('tracking.log-20170501'), first);
	fs.writeFileSync(file('tracking.log-20170502'), second);
	fs.writeFileSync(file('tracking.log-20170503.gz'), zlib.gzipSync(third));
	await writeZip(file('tracking.log-20170504.zip'), [
		{name: 'a/tracking.log', data: memberA},
		{name: 'b/tracking.log.gz', data: zlib.gzipSync(memberB)},
	]);
	fs.writeFileSync(file('tracking.log-20170505'), fifth);
	const contents = new Map<string, Buffer>([
		[file('tracking.log-20170501'), first],
		[file('tracking.log-20170502'), second],
		[file('tracking.log-20170503.gz'), third],
		[`${file('tracking.log-20170504.zip')}!a/tracking.log`, memberA],
		[`${file('tracking.log-20170504.zip')}!b/tracking.log.gz`, memberB],
		[file('tracking.log-20170505'), fifth],
	]);
	const lines = [...contents.values()].reduce((sum, content) => sum + content.toString('latin1').split('\n').length - 1, 0);
	return {dir, contents, lines};
}
