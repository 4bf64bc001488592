import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {test} from 'node:test';
import {liveLine} from '../../source/commands/live-line.js';

/** A stream that keeps what is written, as a terminal of `columns` or (columns undefined) a pipe. */
function stream(columns?: number) {
	const out = Object.assign(new PassThrough(), columns === undefined ? {} : {isTTY: true, columns});
	let written = '';
	out.on('data', (chunk: Buffer) => (written += chunk.toString()));
	return {out, written: () => written};
}

const progress = (percent: number) => `loading ${percent}% 528.6 MB/1.6 GB · 131.9 MB/s · 84,122 events/s · ETA 0:08 · tasks-1000000-seed1-v3.log`;

test('on a terminal, the progress line is rewritten in place, cut to the width (it scrolled a wrapped pair of lines a second)', () => {
	const {out, written} = stream(40);
	const live = liveLine(out);
	live.show(progress(33));
	live.show(progress(43));
	live.print('building the derived tables the tasks read…');
	live.show('deriving 0% · listing the new learners');
	live.end();
	live.end();
	assert.equal(
		written(),
		[
			'\rloading 33% 528.6 MB/1.6 GB · 131.9 MB…\u001B[K',
			'\rloading 43% 528.6 MB/1.6 GB · 131.9 MB…\u001B[K',
			'\nbuilding the derived tables the tasks read…\n',
			'\rderiving 0% · listing the new learners\u001B[K',
			'\n',
		].join(''),
	);
});

test('in a pipe or a log, each progress line is a line of its own, whole', () => {
	const {out, written} = stream();
	const live = liveLine(out);
	live.show(progress(33));
	live.print('building the derived tables the tasks read…');
	live.end();
	assert.equal(written(), `${progress(33)}\nbuilding the derived tables the tasks read…\n`);
});

test('on a terminal that cannot move its cursor (TERM=dumb), each progress line is a line of its own: it showed the erase codes', () => {
	const {out, written} = stream(40);
	const live = liveLine(out, {TERM: 'dumb'});
	live.show(progress(33));
	live.show(progress(43));
	live.end();
	assert.equal(written(), `${progress(33)}\n${progress(43)}\n`);
});
