import assert from 'node:assert/strict';
import {test} from 'node:test';
import {fileNotices, noticeWords} from '../../source/format.js';
import {stringWidth} from '../../source/ui/lib/columns.js';
import {filesNotNamed, groupedNotices, groupFiles, noticeLines, noticesShown} from '../../source/ui/lib/load-notices.js';
import {file, snapshot} from './fixtures.js';

/** The notices of `files` grouped as the summary shows them. */
const groupsOf = (files: Parameters<typeof fileNotices>[0]['files']) => groupedNotices(fileNotices({files}));

test("a failed input's long reason is shown whole, wrapped, with the path cut first", () => {
	const reason = 'cannot read the archive: End of central directory record signature not found. Either not a zip file, or file is truncated';
	const [broken] = groupsOf([file('/srv/openedu/exports/spbstu/PHYLOS/fall_2018/daily/broken.zip', 'failed', 11, 11, {note: reason})]);
	for (const width of [80, 100]) {
		const lines = noticeLines(broken!, width);
		assert.match(lines[0] ?? '', /^failed: \/srv\/.*…/);
		assert.match(lines.join(' '), /broken\.zip: cannot read the archive: .* Either not a zip file, or file is truncated/);
		assert.ok(lines.every((line) => stringWidth(line) <= width));
	}
});

test("a copy skipped under a long path: its name and the loaded file's stay whole, the folders are cut, on two lines", () => {
	const copy = {
		...snapshot().files[0]!,
		label: '/srv/openedu/exports/spbstu/PHYLOS/fall_2018/daily/tracking-2018-09-17-copy.log',
		status: 'skipped' as const,
		sameContentAs: '/srv/openedu/exports/spbstu/PHYLOS/fall_2018/daily/tracking-2018-09-17.log',
	};
	// Before, one line cut as a whole: "skipped: /srv/openedu/exp…-2018-09-17.log, which is loaded".
	assert.deepEqual(noticeLines(groupsOf([copy])[0]!, 80), [
		'skipped: /srv/openedu/exports/…YLOS/fall_2018/daily/tracking-2018-09-17-copy.log',
		'  same content as /srv/opened…018/daily/tracking-2018-09-17.log, which is loaded',
	]);
});

test('88 inputs skipped in the same words are one notice: the paths that fit, the others counted, the reason once', () => {
	const notALog = 'JSON spread over many lines (pretty-printed), where a tracking log has one event per line; put each event on a line of its own (jq -c . FILE) and load that; nothing was loaded from it';
	const pretty = Array.from({length: 88}, (_, index) => file(`input/x/p${String(index + 1).padStart(2, '0')}.json`, 'loaded', 0, 0, {notALog}));
	const failed = ['a', 'b'].map((name) => file(`input/${name}.zip`, 'failed', 0, 9, {note: 'not a zip file'}));
	const groups = groupsOf([pretty[0]!, ...failed, ...pretty.slice(1), file('input/other.json', 'loaded', 0, 0, {notALog: 'an array of events, not one event a line'})]);
	// Before: the first four notices (three of them this one's five lines), then "… and 87 more".
	assert.deepEqual(
		groups.map((group) => group.files.length),
		[88, 2, 1],
	);
	const lines = groups.map((group) => noticeLines(group, 80));
	assert.equal(lines[0]![0], 'skipped: input/x/p01.json, input/x/p02.json, input/x/p03.json and 85 more');
	assert.equal(lines[0]!.slice(1).map((line) => line.trim()).join(' '), noticeWords(fileNotices({files: pretty})[0]!).detail, 'the reason once, under the paths');
	assert.deepEqual(lines[1], ['failed: input/a.zip, input/b.zip', '  not a zip file']);
	assert.deepEqual(lines[2], ['skipped: input/other.json', '  an array of events, not one event a line']);
	assert.ok(lines.flat().every((line) => stringWidth(line) <= 80));
	// The reason of the 88 takes 3 lines under their paths: 4 + 2 + 2 lines for all three; one line fewer leaves the last
	// out, and the line counting it takes one of them.
	assert.deepEqual(lines.map((group) => group.length), [4, 2, 2]);
	assert.equal(noticesShown(groups, 80, 8), 3);
	assert.equal(noticesShown(groups, 80, 7), 2);
	assert.equal(noticesShown(groups, 80, 5), 1);
	assert.equal(noticesShown(groups, 80, 4), 0, 'no room left for the line counting the others');
	assert.deepEqual([filesNotNamed(groups, 3), filesNotNamed(groups, 2), filesNotNamed(groups, 1), filesNotNamed(groups, 0)], [0, 1, 3, 91]);
});

test('a path too long for the line even alone is cut, the others counted after it', () => {
	const files = Array.from({length: 9}, (_, index) => `input/openedx__event-routing-backends/processed_events_current/event-${index}.json`);
	assert.equal(groupFiles('skipped: ', files, 60), 'skipped: input/openedx_…ents_current/event-0.json and 8 more');
	assert.equal(groupFiles('skipped: ', files.slice(0, 1), 60), 'skipped: input/openedx__even…sed_events_current/event-0.json');
});
