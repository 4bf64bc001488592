import assert from 'node:assert/strict';
import {stripVTControlCharacters} from 'node:util';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import type {IngestSnapshot} from '../../ingest/progress.js';
import {ProgressPanel} from '../../source/ui/components/progress-panel.js';
import {compactLoad, compactLoadLines, totalFigures, wholeFigures} from '../../source/ui/lib/compact-load.js';
import {stringWidth} from '../../source/ui/lib/columns.js';
import {IngestScreen} from '../../source/ui/screens/ingest-screen.js';
import {file, snapshot} from './fixtures.js';

const derived = {step: 'counting' as const, eventsDone: 10, eventsTotal: 100, stepMs: 0};

test('the small load screen: a line each, the share done and the events first, the cancel question last', () => {
	assert.deepEqual([compactLoad(30, 6), compactLoad(29, 20), compactLoad(80, 5)], [false, true, true]);
	// 1 MB of 4 MB read, 990 events stored.
	assert.deepEqual(compactLoadLines(snapshot(), false, 29, 4), ['25% · 990 events', '2,400 events/s · ETA 0:30', 'duplicates 7 · rejected 3']);
	assert.deepEqual(compactLoadLines(snapshot(), false, 38, 4)[1], '12.5 MB/s · 2,400 events/s · ETA 0:30');
	assert.deepEqual(compactLoadLines(snapshot(), false, 20, 2), ['25% · 990 events', 'ETA 0:30']);
	assert.deepEqual(compactLoadLines(snapshot({phase: 'deriving', derived, tablesDone: 0.42}), false, 24, 1), ['tables 42% · 990 events']);
	assert.deepEqual(compactLoadLines(snapshot({phase: 'deriving', derived, tablesDone: 0.42}), false, 20, 1), ['tables 42%']);
	assert.deepEqual(compactLoadLines(snapshot(), true, 24, 2), ['25% · 990 events', 'Cancel the load? (y/n)']);
	assert.deepEqual(compactLoadLines(snapshot(), true, 16, 3), ['25% · 990 events', 'ETA 0:30', 'Cancel? (y/n)']);
	assert.deepEqual(compactLoadLines(undefined, false, 20, 4), ['Looking for new…']);
});

test('the small load screen cuts its lines at whole figures, the least needed left out first: never half a number', () => {
	// 12,345 duplicates: the rejected lines are kept (they are the ones to look into).
	assert.deepEqual(compactLoadLines(snapshot({duplicates: 12_345}), false, 20, 4).at(-1), 'rejected 3');
	assert.deepEqual(compactLoadLines(snapshot({duplicates: 1_234}), false, 29, 4).at(-1), 'duplicates 1,234 · rejected 3');
	// A sentence of figures (a resumed .gz read past) is cut after a whole word.
	const passingOver = {label: 'b.log.gz', done: 1_500_000, total: 3_000_000, megabytesPerSecond: 41.2};
	assert.deepEqual(compactLoadLines(snapshot({passingOver}), false, 29, 4)[1], 'reading past the part loaded…');
	assert.equal(wholeFigures(['reading past the part loaded before: 50% at 41.2 MB/s'], 52, 'last'), 'reading past the part loaded before: 50% at 41.2…');
	// A figure wider than the line is left out rather than cut.
	assert.equal(wholeFigures(['1,234,567'], 8, 'first'), '');
});

test('the load screen below 30×6 draws a line each within its size: the Total bar, its sizes and the counts wrapped into one another', () => {
	const shots = [snapshot(), snapshot({phase: 'deriving', derived, tablesDone: 0.42}), undefined];
	for (const [width, height] of [[29, 5], [24, 4], [20, 5], [16, 3], [80, 5]] as const) {
		for (const shown of shots) {
			for (const confirmCancel of [false, true]) {
				const {lastFrame, unmount} = render(<IngestScreen snapshot={shown} rateHistory={[1, 5, 3]} confirmCancel={confirmCancel} cancelling={false} width={width} height={height} />);
				try {
					const lines = stripVTControlCharacters(lastFrame()!).split('\n');
					const what = `${width}×${height} ${shown?.phase ?? 'no snapshot'}${confirmCancel ? ' asking' : ''}:\n${lines.join('\n')}`;
					assert.ok(lines.length <= height, what);
					assert.ok(lines.every((line) => stringWidth(line) <= width), what);
					assert.match(lines[0] ?? '', /^Loading logs/, what);
					if (shown) assert.match(lines[1] ?? '', shown.phase === 'deriving' ? /^tables 42%( ·|$)/ : /^25% · 990 events$/, what);
					// Whole figures: no number cut by an ellipsis (the title may be).
					assert.ok(lines.slice(1).every((line) => !/\d…/.test(line)), what);
					if (confirmCancel) assert.match(lines.at(-1) ?? '', /\(y\/n\)$/, what);
				} finally {
					unmount();
				}
			}
		}
	}
});

test("the load screen's title is cut after a whole word; at 20 columns and less, \"Loading logs\" alone, or a cancel alone", () => {
	// It was cut at the width: "Loading logs · load…", "Loading logs ·…" (15), "Loading log…" (12), "… the tables the …" (40).
	const title = (shown: IngestSnapshot | undefined, cancelling: boolean, width: number) => {
		const {lastFrame, unmount} = render(<IngestScreen snapshot={shown} rateHistory={[1, 5, 3]} confirmCancel={false} cancelling={cancelling} width={width} height={5} />);
		try {
			return stripVTControlCharacters(lastFrame()!).split('\n')[0];
		} finally {
			unmount();
		}
	};
	const titles = (width: number) => [title(undefined, false, width), title(snapshot(), false, width), title(snapshot({phase: 'deriving', derived, tablesDone: 0.42}), false, width), title(snapshot(), true, width)];
	assert.deepEqual(titles(80), ['Loading logs · looking for new data', 'Loading logs · loading', 'Loading logs · updating the tables the tasks read', 'Loading logs · cancelling (rolling back the current chunk)…']);
	assert.deepEqual(titles(40), ['Loading logs · looking for new data', 'Loading logs · loading', 'Loading logs · updating the tables the…', 'Loading logs · cancelling (rolling back…']);
	// The lines under it say the phase ("tables 42%", "Looking for new…"); nothing else says a cancel.
	assert.deepEqual(titles(20), ['Loading logs', 'Loading logs', 'Loading logs', 'Cancelling (rolling…']);
	assert.deepEqual(titles(15), ['Loading logs', 'Loading logs', 'Loading logs', 'Cancelling…']);
	assert.deepEqual(titles(12), ['Loading logs', 'Loading logs', 'Loading logs', 'Cancelling…']);
});

test('below 15 columns the small load screen leaves out a figure that does not fit whole, and asks to cancel on one line', () => {
	const estimating = snapshot({etaSeconds: undefined});
	assert.deepEqual(compactLoadLines(estimating, false, 15, 4), ['25%', 'ETA estimating…', 'rejected 3']);
	// "ETA…" was left of "ETA estimating…": a label without its figure.
	assert.deepEqual(compactLoadLines(estimating, false, 12, 4), ['25%', 'rejected 3']);
	// "tables…" and "rejected…" likewise.
	assert.deepEqual(compactLoadLines(snapshot({phase: 'deriving', derived, tablesDone: 0.42}), false, 9, 4), ['ETA 0:30']);
	// "Cancel? (y/n)" wrapped over two lines at 12 columns, one more than the screen has.
	for (const shown of [snapshot(), estimating]) {
		const {lastFrame, unmount} = render(<IngestScreen snapshot={shown} rateHistory={[1, 5, 3]} confirmCancel cancelling={false} width={12} height={5} />);
		try {
			const lines = stripVTControlCharacters(lastFrame()!).split('\n');
			assert.deepEqual(lines, shown === estimating ? ['Loading logs', '25%', 'rejected 3', 'Cancel? y/n'] : ['Loading logs', '25%', 'ETA 0:30', 'rejected 3', 'Cancel? y/n']);
		} finally {
			unmount();
		}
	}
});

test('the full load panel keeps a line each from 30 columns up: the Total line whole, each file its own name, counts whole where they fit', () => {
	// A daily file in a folder, the file loading (1,234,567 events, 44 rejected) and a short name; 123.4 of 987.6 MB.
	const files = [
		file('input/2018/tracking.log-20181019.gz', 'loaded', 1_000_000, 1_000_000, {loaded: 990}),
		file('input/b.log.gz', 'loading', 1_500_000, 3_000_000, {loaded: 1_234_567, rejected: 44}),
	];
	const shown = snapshot({bytesTotal: 987_600_000, bytesDone: 123_400_000, currentFile: 'input/b.log.gz', files});
	for (const width of [30, 33, 36, 40, 48, 60, 80, 100]) {
		const {lastFrame, unmount} = render(<ProgressPanel snapshot={shown} rateHistory={[1, 5, 9]} width={width} height={20} />);
		try {
			const lines = stripVTControlCharacters(lastFrame()!).split('\n');
			const what = `${width}:\n${lines.join('\n')}`;
			assert.ok(lines.every((line) => stringWidth(line) <= width), what);
			// It wrapped below 41 columns ("/ 987.6 MB" on a line of its own) and so did a file's sizes below 37.
			assert.match(lines[0]!, /^Total .*12% 123\.4 MB \/ 987\.6 MB$/, what);
			assert.match(lines[1]!, /^ {6}\S/, what);
			const fileLines = lines.slice(lines.indexOf('Files (1 of 2 done)') + 1);
			assert.equal(fileLines.length, 2, what);
			// The file's own name whole where its folders have 2 cells (the name alone from 40 columns: it read as a file of the
			// current folder), its end at least after "…/" below ("inpu…log" at 40 columns before that).
			assert.match(fileLines[0]!, width >= 60 ? /^✓ \S*\/tracking\.log-20181019\.gz +(█+ )?100% / : /^✓ …\/\S+…\S*\.gz +100% /, what);
			// The counts whole from 60 columns, their figures before the words (the folder's name whole first), cut at 8 columns at least.
			const counts = width >= 60 ? '1,234,567, 44 rej' : width >= 48 ? '1,234,567 ev' : '1,234,5…';
			assert.match(fileLines[1]!, new RegExp(`^▸ input/b\\.log\\.gz +([█▏▎▍▌▋▊▉░]+ +)?50% .*${counts}$`), what);
			// The bar shows from 36 columns on the Total line; on a file line where the name and counts leave it room,
			// after the sizes.
			assert.equal(/^Total [█▏▎▍▌▋▊▉░]+ /.test(lines[0]!), width >= 36, what);
			assert.equal(/░ +50%/.test(fileLines[1]!), width >= 80, what);
			assert.equal(fileLines[1]!.includes('1.5 MB/3.0 MB'), width >= 80, what);
		} finally {
			unmount();
		}
	}
});

test('the Total figures fit their width: the bar narrows, then goes, then the total size', () => {
	// At 80 columns (74 after the label) the bar is 44 cells, as it was.
	assert.equal(totalFigures(123_400_000, 987_600_000, 74), `${'█'.repeat(5)}▍${'░'.repeat(38)}  12% 123.4 MB / 987.6 MB`);
	assert.equal(totalFigures(123_400_000, 987_600_000, 30), '▌░░░░  12% 123.4 MB / 987.6 MB');
	assert.equal(totalFigures(123_400_000, 987_600_000, 24), '12% 123.4 MB / 987.6 MB');
	assert.equal(totalFigures(123_400_000, 987_600_000, 18), '▍░░░  12% 123.4 MB');
	assert.equal(totalFigures(123_400_000, 987_600_000, 14), '12% 123.4 MB');
	assert.equal(totalFigures(0, 0, 8), '?% 0 B');
	assert.equal(totalFigures(0, 0, 4), '?%');
});
