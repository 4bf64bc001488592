import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import zlib from 'node:zlib';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {deriveIfPending} from '../../ingest/engine.js';
import {planSource} from '../../ingest/manifest.js';
import {damagedFingerprint, fingerprintFile} from '../../ingest/sources.js';
import {UserError} from '../../ingest/errors.js';
import {withLoneCrHint} from '../../ingest/parse-line.js';
import {ingestPaths, summaryLines} from '../../source/commands/ingest.js';
import {eventLine, fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {writeZip} from '../helpers/zip.js';

const database = await openTestDatabase();
const dir = fixtureDir();
// Inputs moved about: apart from `dir`, which other tests read whole.
const movingDir = fixtureDir();
const count = async (sql: string, values: unknown[] = []) => Number((await database.pool.query(sql, values)).rows[0].count);

describe('ingest of a file with every quirk of real logs', () => {
	const quirks = [
		Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(eventLine(1))]), // 1 BOM
		Buffer.from(`${eventLine(2)}\r`), // 2 CRLF
		Buffer.from(''), // 3 blank
		Buffer.from(`2023-05-23 13:53:13,461 INFO 1 [tracking] logger.py:41 - ${eventLine(3)}`), // 4 logger prefix
		Buffer.from('null'), // 5
		Buffer.from('42'), // 6
		Buffer.from('[1, 2]'), // 7
		Buffer.from('{"username": "x", "ev'), // 8 truncated
		Buffer.concat([Buffer.from('{"username": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), // 9 invalid UTF-8
		Buffer.from(eventLine(4, {username: 'nul\u0000byte'})), // 10 \u0000 inside a string
		Buffer.from(eventLine(1)), // 11 duplicate of line 1 (the BOM is not part of the event)
		Buffer.from(eventLine(5, {agent: 'A'.repeat(300_000)})), // 12 a 300 KB line
		Buffer.from(eventLine(6)), // 13 no final newline
	];
	const file = path.join(dir, 'quirks.log');
	fs.writeFileSync(file, Buffer.concat(quirks.flatMap((line, index) => (index < quirks.length - 1 ? [line, Buffer.from('\n')] : [line]))));

	it('loads the events, rejects the bad lines with their bytes, and the counts add up', async () => {
		const summary = await ingest(database, [file]);
		assert.equal(summary.phase, 'done');
		assert.equal(summary.blankLines, 1);
		assert.deepEqual([summary.lines, summary.loaded, summary.duplicates, summary.rejected], [12, 6, 1, 5]);
		assert.deepEqual(summary.rejectedByReason, {'not-an-object': 3, 'truncated-json': 1, 'invalid-utf8': 1});
		assert.equal(await count('SELECT count(*) FROM events'), 6);
		assert.equal(await count("SELECT count(*) FROM events WHERE username = 'nul\uFFFDbyte'"), 1);
		assert.equal(await count("SELECT count(*) FROM events WHERE extra->>'_logger_prefix' LIKE '2023-05-23%'"), 1);
		assert.equal(await count("SELECT count(*) FROM events WHERE length(agent) = 300000"), 1);

		const {rows} = await database.pool.query('SELECT line_no, byte_offset, reason, raw FROM rejected_lines ORDER BY line_no');
		let offset = 0;
		const offsets = quirks.map((line) => {
			const start = offset;
			offset += line.length + 1;
			return start;
		});
		assert.deepEqual(
			rows.map((row) => [Number(row.line_no), Number(row.byte_offset), row.reason, Buffer.compare(row.raw, quirks[Number(row.line_no) - 1]!)]),
			[5, 6, 7, 8, 9].map((lineNo) => [lineNo, offsets[lineNo - 1], lineNo === 8 ? 'truncated-json' : lineNo === 9 ? 'invalid-utf8' : 'not-an-object', 0]),
		);
		const {rows: files} = await database.pool.query('SELECT status, lines_read, blank_lines, loaded, duplicates, rejected, content_bytes FROM source_files');
		assert.deepEqual(files, [{status: 'loaded', lines_read: 12, blank_lines: 1, loaded: 6, duplicates: 1, rejected: 5, content_bytes: fs.statSync(file).size}]);
	});

	it('skips the same file on a second run and changes nothing', async () => {
		const summary = await ingest(database, [file]);
		// No line read again (lines 0): the skip is decided before the file is read, not timed here.
		assert.deepEqual([summary.lines, summary.loaded, summary.filesSkipped], [0, 0, 1]);
		assert.equal(summary.files[0]!.note, 'already loaded');
		assert.equal(summary.files[0]!.sameContentAs, undefined);
		assert.equal(await count('SELECT count(*) FROM events'), 6);
	});

	it('names the loaded input a renamed copy is skipped for, and the summary says so', async () => {
		const copy = path.join(dir, 'quirks-copy.log');
		fs.copyFileSync(file, copy);
		const summary = await ingest(database, [copy]);
		assert.deepEqual([summary.lines, summary.filesSkipped], [0, 1]);
		assert.equal(summary.files[0]!.sameContentAs, path.resolve(file));
		assert.deepEqual(
			summaryLines(summary).filter((line) => line.startsWith('skipped')),
			[`skipped: ${summary.files[0]!.label}: same content as ${path.resolve(file)}, which is loaded`],
		);
		// So is a member of a .zip whose content another archive's member brought (it was skipped unsaid: the
		// summary counted the archive alone).
		const first = path.join(dir, 'export-1.zip');
		await writeZip(first, [{name: 'day/tracking.log', data: Buffer.from(lines(1170, 1172))}]);
		await ingest(database, [first]);
		const second = path.join(dir, 'export-2.zip');
		await writeZip(second, [{name: 'copy/tracking.log', data: Buffer.from(lines(1170, 1172))}, {name: 'day/next.log', data: Buffer.from(lines(1172, 1173))}]);
		const fromZip = await ingest(database, [second]);
		assert.deepEqual([fromZip.lines, fromZip.loaded], [1, 1]);
		assert.deepEqual(
			summaryLines(fromZip).filter((line) => line.startsWith('skipped')),
			[`skipped: ${second}!copy/tracking.log: same content as ${first}!day/tracking.log, which is loaded`],
		);
	});

	it('follows a loaded file moved to another folder: skipped unsaid, listed under its new path, its old place free', async () => {
		const before = path.join(movingDir, 'daily', '2019-07-01.log');
		fs.mkdirSync(path.dirname(before), {recursive: true});
		fs.writeFileSync(before, lines(1240, 1244));
		await ingest(database, [before]);
		const after = path.join(movingDir, 'archive', '2019', '2019-07-01.log');
		fs.mkdirSync(path.dirname(after), {recursive: true});
		fs.renameSync(before, after);
		const pathsOf = async () => (await database.pool.query("SELECT path FROM source_files WHERE path LIKE '%2019-07-01.log' AND status <> 'replaced'")).rows.map((row) => row.path);

		for (let run = 0; run < 2; run++) {
			const moved = await ingest(database, [path.join(movingDir, 'archive')]);
			// Named as a copy of the file no longer there, it was said at every load after the move.
			assert.deepEqual([moved.lines, moved.filesSkipped, moved.files[0]!.note, moved.files[0]!.sameContentAs], [0, 1, 'already loaded', undefined]);
			assert.deepEqual(summaryLines(moved).filter((line) => line.startsWith('skipped')), []);
			assert.deepEqual(await pathsOf(), [path.resolve(after)]);
		}
		// Copied back to where it was, it is a copy of the moved one.
		fs.copyFileSync(after, before);
		const copied = await ingest(database, [before]);
		assert.deepEqual([copied.lines, copied.files[0]!.sameContentAs], [0, path.resolve(after)]);
		assert.equal(await count('SELECT count(*) FROM events WHERE file_id = (SELECT file_id FROM source_files WHERE path = $1)', [path.resolve(after)]), 4);
	});

	it('takes a loaded file met under another name of its own for itself, not for a copy of itself (Windows: another case, c: for C:; here a link to its folder)', {skip: process.platform === 'win32' ? 'skipped: symlinks need rights on Windows' : false}, async () => {
		const folder = path.join(movingDir, 'spelled');
		fs.mkdirSync(folder);
		fs.writeFileSync(path.join(folder, '2019-08-01.log'), lines(1250, 1253));
		await ingest(database, [folder]);
		const otherName = path.join(movingDir, 'Spelled');
		fs.symlinkSync(folder, otherName);
		const again = await ingest(database, [otherName]);
		// It was "same content as …/spelled/2019-08-01.log" (that path still leads to a file) at every load.
		assert.deepEqual([again.lines, again.filesSkipped, again.files[0]!.note, again.files[0]!.sameContentAs], [0, 1, 'already loaded', undefined]);
		assert.deepEqual(summaryLines(again).filter((line) => line.startsWith('skipped')), []);
		// Its row stays under the name it was loaded by: a hard link's two names, both in the input, took it from each other
		// at every load.
		const paths = async () => (await database.pool.query<{path: string}>('SELECT path FROM source_files WHERE path LIKE $1', [`${movingDir}%2019-08-01.log`])).rows.map((row) => row.path);
		const hardLink = path.join(movingDir, 'linked-2019-08-01.log');
		fs.linkSync(path.join(folder, '2019-08-01.log'), hardLink);
		for (let load = 0; load < 2; load++) {
			const both = await ingest(database, [folder, hardLink]);
			assert.deepEqual(both.files.map((file) => file.note), ['already loaded', 'already loaded']);
			assert.deepEqual(await paths(), [path.join(folder, '2019-08-01.log')]);
		}
		// A copy is still named as one.
		const copy = path.join(movingDir, 'copy-2019-08-01.log');
		fs.copyFileSync(path.join(folder, '2019-08-01.log'), copy);
		const copied = await ingest(database, [copy]);
		assert.deepEqual([copied.lines, copied.files[0]!.sameContentAs], [0, path.join(folder, '2019-08-01.log')]);
	});

	it('goes on where it stopped with a grown log met under another name of its own (another case of its folder, a hard link)', async () => {
		const folder = path.join(movingDir, 'logs');
		fs.mkdirSync(folder);
		const log = path.join(folder, 'tracking.log');
		fs.writeFileSync(log, lines(1260, 1270));
		assert.equal((await ingest(database, [log])).loaded, 10);
		// C:\Logs\tracking.log for C:\logs\tracking.log: another case of the folder's name, which Windows and macOS take for
		// it; a case-sensitive file system (Linux) gets a link of that name to the folder.
		const otherCase = path.join(movingDir, 'Logs');
		if (!fs.existsSync(otherCase)) fs.symlinkSync(folder, otherCase);
		fs.appendFileSync(log, lines(1270, 1275));
		const grown = await ingest(database, [path.join(otherCase, 'tracking.log')]);
		// Read from its start as a new input, it was 15 lines read, 10 of them duplicates, and a second row for the one file.
		assert.deepEqual([grown.lines, grown.loaded, grown.duplicates, grown.files[0]!.note], [5, 5, 0, 'resumed at line 11']);
		const rows = async () => (await database.pool.query('SELECT path, status, lines_read, loaded FROM source_files WHERE path LIKE $1 ORDER BY file_id', [`${movingDir}%tracking.log`])).rows;
		// Its row goes on under the name it was loaded by.
		assert.deepEqual(await rows(), [{path: log, status: 'loaded', lines_read: 15, loaded: 15}]);
		// So through a hard link, a name of the very file in another folder.
		const hardLink = path.join(movingDir, 'linked-tracking.log');
		fs.linkSync(log, hardLink);
		fs.appendFileSync(log, lines(1275, 1277));
		const linked = await ingest(database, [hardLink]);
		assert.deepEqual([linked.lines, linked.loaded, linked.files[0]!.note], [2, 2, 'resumed at line 16']);
		assert.deepEqual(await rows(), [{path: log, status: 'loaded', lines_read: 17, loaded: 17}]);
		// Another file of the same beginning is no name of it: a copy that grew apart is read from its start.
		const copy = path.join(movingDir, 'Logs-copy-tracking.log');
		fs.copyFileSync(log, copy);
		fs.appendFileSync(copy, lines(1277, 1278));
		assert.deepEqual((({lines: read, loaded, duplicates}) => [read, loaded, duplicates])(await ingest(database, [copy])), [18, 1, 17]);
	});
});

describe('ingest of overlapping, compressed, archived and nested inputs', () => {
	it('never stores an event twice across overlapping exports', async () => {
		const first = path.join(dir, 'export-1.log');
		const second = path.join(dir, 'export-2.log');
		fs.writeFileSync(first, lines(100, 110));
		fs.writeFileSync(second, lines(105, 120));
		const before = await count('SELECT count(*) FROM events');
		const summary = await ingest(database, [first, second]);
		assert.deepEqual([summary.lines, summary.loaded, summary.duplicates], [25, 20, 5]);
		// Which of the two files meets an event first depends on which loader commits first; the totals do not.
		assert.deepEqual(summary.files.map((file) => file.loaded + file.duplicates), [10, 15]);
		assert.equal(await count('SELECT count(*) FROM events') - before, 20);
	});

	it('reads .gz, every member of a .zip and folders recursively', async () => {
		const folder = path.join(dir, 'daily');
		fs.mkdirSync(path.join(folder, 'sub'), {recursive: true});
		fs.writeFileSync(path.join(folder, 'tracking.log-20170501'), lines(200, 230));
		fs.writeFileSync(path.join(folder, 'sub', 'tracking.log-20170502.gz'), zlib.gzipSync(lines(230, 270)));
		await writeZip(path.join(folder, 'export.zip'), [
			{name: 'a/tracking.log', data: Buffer.from(lines(270, 280))},
			{name: 'b/tracking.log.gz', data: zlib.gzipSync(lines(280, 295))},
			{name: 'README.md', data: Buffer.from('# not a log')},
		]);
		fs.writeFileSync(path.join(folder, 'README.md'), '# not a log either');
		const summary = await ingest(database, [folder]);
		assert.equal(summary.phase, 'done');
		assert.deepEqual([summary.lines, summary.loaded, summary.rejected], [95, 95, 0]);
		assert.deepEqual(
			summary.files.map((file) => [path.basename(file.label), file.status, file.loaded]),
			[
				['export.zip', 'loaded', 25],
				['tracking.log-20170502.gz', 'loaded', 40],
				['tracking.log-20170501', 'loaded', 30],
			],
		);
		const {rows} = await database.pool.query("SELECT member, loaded FROM source_files WHERE path LIKE '%export.zip' ORDER BY member");
		assert.deepEqual(rows, [
			{member: 'a/tracking.log', loaded: 10},
			{member: 'b/tracking.log.gz', loaded: 15},
		]);
	});

	it('reads a file as its first bytes say, whatever its name', async () => {
		const gzipNamedLog = path.join(dir, 'gzipped-but-named.log');
		const zipNamedLog = path.join(dir, 'zipped-but-named.log');
		const plainNamedGz = path.join(dir, 'plain-but-named.log.gz');
		fs.writeFileSync(gzipNamedLog, zlib.gzipSync(lines(1000, 1040)));
		await writeZip(zipNamedLog, [{name: 'tracking.log', data: Buffer.from(lines(1040, 1050))}]);
		fs.writeFileSync(plainNamedGz, lines(1050, 1055));
		// Too short to be gzip: an empty file, and one blank line.
		const emptyNamedGz = path.join(dir, 'empty.gz');
		const newlineNamedGz = path.join(dir, 'newline.gz');
		fs.writeFileSync(emptyNamedGz, '');
		fs.writeFileSync(newlineNamedGz, '\n');
		const inputs = [gzipNamedLog, zipNamedLog, plainNamedGz, emptyNamedGz, newlineNamedGz];
		const summary = await ingest(database, inputs);
		assert.deepEqual([summary.lines, summary.loaded, summary.rejected, summary.filesFailed], [55, 55, 0, 0]);
		const {rows} = await database.pool.query('SELECT kind, status, loaded FROM source_files WHERE path = ANY ($1) ORDER BY path', [inputs]);
		assert.deepEqual(rows, [
			{kind: 'plain', status: 'loaded', loaded: 0},
			{kind: 'gz', status: 'loaded', loaded: 40},
			{kind: 'plain', status: 'loaded', loaded: 0},
			{kind: 'plain', status: 'loaded', loaded: 5},
			{kind: 'zip', status: 'loaded', loaded: 10},
		]);
	});

	it('gunzips content that is gzip again: a .gz inside a .gz, a gzipped zip member named .log; a plain member named .gz is text', async () => {
		const twice = path.join(dir, 'twice.log.gz');
		fs.writeFileSync(twice, zlib.gzipSync(zlib.gzipSync(lines(1100, 1120))));
		const archive = path.join(dir, 'members-by-content.zip');
		await writeZip(archive, [
			{name: 'gzipped.log', data: zlib.gzipSync(lines(1120, 1130))},
			{name: 'plain.log.gz', data: Buffer.from(lines(1130, 1133))},
			// Shorter than the gzip magic, and empty: read as they are.
			{name: 'one-byte.log', data: Buffer.from('\n')},
			{name: 'empty.log', data: Buffer.alloc(0)},
		]);
		const summary = await ingest(database, [twice, archive]);
		assert.deepEqual([summary.lines, summary.loaded, summary.rejected, summary.filesFailed], [33, 33, 0, 0]);
		const {rows} = await database.pool.query('SELECT member, loaded, blank_lines FROM source_files WHERE path = ANY ($1) ORDER BY path, member', [[twice, archive]]);
		assert.deepEqual(rows, [
			{member: 'empty.log', loaded: 0, blank_lines: 0},
			{member: 'gzipped.log', loaded: 10, blank_lines: 0},
			{member: 'one-byte.log', loaded: 0, blank_lines: 1},
			{member: 'plain.log.gz', loaded: 3, blank_lines: 0},
			{member: '', loaded: 20, blank_lines: 0},
		]);
	});

	it('a zip inside a zip fails on its own, with what to do, instead of being read as text', async () => {
		const inner = path.join(dir, 'inner.zip');
		await writeZip(inner, [{name: 'tracking.log', data: Buffer.from(lines(1140, 1150))}]);
		const outer = path.join(dir, 'outer.zip');
		await writeZip(outer, [
			{name: 'a/export.zip', data: fs.readFileSync(inner)},
			{name: 'b/tracking.log', data: Buffer.from(lines(1150, 1154))},
		]);
		fs.rmSync(inner);
		const summary = await ingest(database, [outer]);
		assert.deepEqual([summary.lines, summary.loaded, summary.rejected, summary.filesFailed], [4, 4, 0, 1]);
		const {rows} = await database.pool.query('SELECT member, status, lines_read, error FROM source_files WHERE path = $1 ORDER BY member', [outer]);
		assert.deepEqual(rows, [
			{member: 'a/export.zip', status: 'failed', lines_read: 0, error: 'a zip archive inside the zip is not read: unzip it and load its files'},
			{member: 'b/tracking.log', status: 'loaded', lines_read: 4, error: null},
		]);
	});

	it('a UTF-16 log (PowerShell\'s `>`) fails with how to convert it, plain, gzipped or zipped, instead of a rejected line each', async () => {
		const text = lines(1160, 1163);
		const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
		const plain = path.join(dir, 'powershell.log');
		fs.writeFileSync(plain, utf16);
		const gzipped = path.join(dir, 'powershell.log.gz');
		fs.writeFileSync(gzipped, zlib.gzipSync(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])));
		const zipped = path.join(dir, 'powershell.zip');
		await writeZip(zipped, [{name: 'tracking.log', data: utf16}]);
		// A UTF-8 byte order mark is no UTF-16: that file loads.
		const utf8 = path.join(dir, 'utf8-bom.log');
		fs.writeFileSync(utf8, `\ufeff${lines(1163, 1164)}`);
		const summary = await ingest(database, [plain, gzipped, zipped, utf8]);
		assert.deepEqual([summary.lines, summary.loaded, summary.rejected, summary.filesFailed], [1, 1, 0, 3]);
		const message = 'UTF-16 text, not UTF-8: save it as UTF-8 first (PowerShell: Get-Content FILE | Set-Content -Encoding utf8 NEWFILE)';
		const {rows} = await database.pool.query('SELECT path, status, lines_read, error FROM source_files WHERE path = ANY($1) ORDER BY path', [[plain, gzipped, zipped, utf8]]);
		assert.deepEqual(
			rows.map((row) => [path.basename(row.path), row.status, row.lines_read, row.error]),
			[
				['powershell.log', 'failed', 0, message],
				['powershell.log.gz', 'failed', 0, message],
				['powershell.zip', 'failed', 0, message],
				['utf8-bom.log', 'loaded', 1, null],
			],
		);
	});

	it('skips what is no log with what it is, fails a .tar.gz with how to extract it, and loads a log named .txt (all were read as logs)', async () => {
		const folder = path.join(dir, 'mixed-inputs');
		fs.mkdirSync(folder);
		const inFolder = (name: string) => path.join(folder, name);
		// A tar header ("ustar" at 257) before the log: it was stored as the first event's logger prefix.
		const tarHeader = Buffer.alloc(512);
		tarHeader.write('a.log', 0);
		tarHeader.write('ustar', 257);
		fs.writeFileSync(inFolder('logs.tar.gz'), zlib.gzipSync(Buffer.concat([tarHeader, Buffer.from(lines(9100, 9102)), Buffer.alloc(1024)])));
		fs.writeFileSync(inFolder('syllabus.pdf'), '%PDF-1.4\n1 0 obj\n');
		fs.writeFileSync(inFolder('grades.csv'), 'name,grade\nann,5\n');
		await writeZip(inFolder('grades.xlsx'), [
			{name: '[Content_Types].xml', data: Buffer.from('<Types/>')},
			{name: 'xl/worksheets/sheet1.xml', data: Buffer.from('<worksheet/>')},
		]);
		await writeZip(inFolder('export.zip'), [
			{name: 'grades.csv', data: Buffer.from('name,grade\nbob,4\n')},
			{name: 'day.log', data: Buffer.from(lines(9102, 9105))},
		]);
		fs.writeFileSync(inFolder('tracking.txt'), `# exported by hand\n${lines(9105, 9107)}`);
		const summary = await ingest(database, [folder]);
		// Loaded: export.zip (a log in it) and tracking.txt; grades.csv, grades.xlsx and syllabus.pdf are no logs (they were 3 loaded more).
		assert.deepEqual([summary.lines, summary.loaded, summary.rejected, summary.filesLoaded, summary.filesNotLogs, summary.filesFailed], [6, 5, 1, 2, 3, 1]);
		const skipped = (file: string, what: string) => `skipped: ${file}: ${what}, not a tracking log; nothing was loaded from it`;
		const csv = 'skipped: %s: not a tracking log: none of its first 2 lines is a JSON object (a tracking log has one JSON event per line), as in a CSV file or notes; nothing was loaded from it';
		const notices = [
			csv.replace('%s', `${inFolder('export.zip')}!grades.csv`),
			csv.replace('%s', inFolder('grades.csv')),
			skipped(inFolder('grades.xlsx'), 'an Excel workbook'),
			`failed: ${inFolder('logs.tar.gz')}: a tar archive: extract it (tar xf FILE, which reads a .tar.gz too) and load the files it holds`,
			skipped(inFolder('syllabus.pdf'), 'a PDF document'),
		];
		assert.deepEqual(summaryLines(summary).filter((line) => /^(skipped|failed): /.test(line)), notices);
		const {rows} = await database.pool.query("SELECT path, member, status, lines_read, loaded, error FROM source_files WHERE path LIKE $1 || '%' ORDER BY path, member", [folder]);
		assert.deepEqual(
			rows.map((row) => [path.basename(row.path) + (row.member ? `!${row.member}` : ''), row.status, row.lines_read, row.loaded, row.error?.split(/[,:]/)[0] ?? null]),
			[
				['export.zip!day.log', 'loaded', 3, 3, null],
				['export.zip!grades.csv', 'loaded', 0, 0, 'not a tracking log'],
				['grades.csv', 'loaded', 0, 0, 'not a tracking log'],
				['grades.xlsx', 'loaded', 0, 0, 'an Excel workbook'],
				['logs.tar.gz', 'failed', 0, 0, 'a tar archive'],
				['syllabus.pdf', 'loaded', 0, 0, 'a PDF document'],
				['tracking.txt', 'loaded', 3, 2, null],
			],
		);
		// Run again, what is no log is skipped as already done, and named again.
		const again = await ingest(database, [folder]);
		assert.deepEqual([again.lines, again.filesSkipped, again.filesFailed], [0, 5, 1]);
		assert.deepEqual(summaryLines(again).filter((line) => /^(skipped|failed): /.test(line)), notices);
	});

	it('a file whose name is not UTF-8 (a Windows zip unzipped) fails on its own saying to rename it, in a folder and named (it was "cannot read: ENOENT", "does not exist")', {skip: process.platform === 'linux' ? false : 'skipped: names are bytes on Linux only'}, async () => {
		const folder = path.join(dir, 'cp1251-names');
		fs.mkdirSync(folder);
		// "При.log" in cp1251.
		fs.writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), Buffer.from([0xcf, 0xf0, 0xe8]), Buffer.from('.log')]), lines(9110, 9112));
		fs.writeFileSync(path.join(folder, 'ok.log'), lines(9112, 9113));
		const shown = path.join(folder, '\ufffd\ufffd\ufffd.log');
		const reason = 'its name is not UTF-8 (\ufffd marks the bytes that are not), and ingest reads names as UTF-8 only: rename it (convmv -f cp866 -t utf-8 --notest FILE for a name out of a Russian Windows zip, -f cp1251 for one from elsewhere on Windows), or give ingest the .zip it came from, whose names it reads as Windows wrote them';
		const summary = await ingest(database, [folder]);
		assert.deepEqual([summary.loaded, summary.filesLoaded, summary.filesFailed], [1, 1, 1]);
		assert.deepEqual(summaryLines(summary).filter((line) => line.startsWith('failed: ')), [`failed: ${shown}: ${reason}`]);
		assert.throws(() => ingestPaths([shown]), {message: `The input path ${shown} cannot be read: ${reason}.`});
		assert.throws(() => ingestPaths([path.join(folder, 'gone.log')]), {message: `The input path ${path.join(folder, 'gone.log')} does not exist.`});
	});

	it('loads only the new part of a log that grew', async () => {
		const file = path.join(dir, 'tracking.log');
		fs.writeFileSync(file, lines(300, 400));
		assert.equal((await ingest(database, [file])).loaded, 100);
		fs.appendFileSync(file, lines(400, 450));
		const summary = await ingest(database, [file]);
		assert.deepEqual([summary.lines, summary.loaded, summary.duplicates], [50, 50, 0]);
		const {rows} = await database.pool.query("SELECT lines_read, loaded FROM source_files WHERE path = $1", [file]);
		assert.deepEqual(rows, [{lines_read: 150, loaded: 150}]);
		assert.equal(await count('SELECT count(*) FROM events WHERE file_id = (SELECT file_id FROM source_files WHERE path = $1)', [file]), 150);
	});

	it('rejects an overlong line without holding it, and keeps counting offsets right', async () => {
		const file = path.join(dir, 'long-line.log');
		const long = eventLine(500, {agent: 'B'.repeat(3_000_000)});
		fs.writeFileSync(file, `${eventLine(501)}\n${long}\n${'{"broken'}\n${eventLine(502)}\n`);
		const summary = await ingest(database, [file], {maxLineBytes: 1_000_000});
		assert.deepEqual([summary.lines, summary.loaded, summary.rejected], [4, 2, 2]);
		const {rows} = await database.pool.query('SELECT line_no, byte_offset, reason, length(raw) AS bytes FROM rejected_lines WHERE file_id = (SELECT file_id FROM source_files WHERE path = $1) ORDER BY line_no', [file]);
		const second = eventLine(501).length + 1;
		assert.deepEqual(rows, [
			{line_no: 2, byte_offset: second, reason: 'line-too-long', bytes: 64 * 1024},
			{line_no: 3, byte_offset: second + long.length + 1, reason: 'truncated-json', bytes: 8},
		]);
	});

	it('marks a corrupt .gz as failed and still loads the other files', async () => {
		const corrupt = path.join(dir, 'corrupt.log.gz');
		const good = path.join(dir, 'good-after-corrupt.log');
		const gz = zlib.gzipSync(lines(600, 700));
		fs.writeFileSync(corrupt, gz.subarray(0, Math.floor(gz.length / 2)));
		fs.writeFileSync(good, lines(700, 710));
		const summary = await ingest(database, [corrupt, good]);
		assert.equal(summary.files[0]!.status, 'failed');
		// zlib's words alone did not say what happened, nor what to do.
		assert.equal(
			summary.files[0]!.note,
			'the compressed data ends early (unexpected end of file): a cut download or copy? The whole lines before the cut are loaded; load the complete file to add the rest',
		);
		// Every whole line before the fault is kept (the half line it cut is not).
		const readable = zlib.gunzipSync(gz.subarray(0, Math.floor(gz.length / 2)), {finishFlush: zlib.constants.Z_SYNC_FLUSH}).toString();
		const wholeLines = readable.split('\n').length - 1;
		assert.ok(wholeLines > 0 && !readable.endsWith('\n'));
		assert.deepEqual([summary.files[0]!.loaded, summary.files[0]!.rejected], [wholeLines, 0]);
		assert.deepEqual([summary.files[1]!.status, summary.files[1]!.loaded], ['loaded', 10]);
		assert.equal(summary.filesFailed, 1);
		const {rows} = await database.pool.query("SELECT status, error FROM source_files WHERE path = $1", [corrupt]);
		assert.equal(rows[0].status, 'failed');
	});

	it('a .zip that could not be opened (a cut download) and then loads whole leaves its failed row as history, not as a failed input', async () => {
		const zip = path.join(dir, 'completed-later.zip');
		await writeZip(zip, [{name: 'a/tracking.log', data: Buffer.from(lines(950, 960))}]);
		const whole = fs.readFileSync(zip);
		fs.writeFileSync(zip, whole.subarray(0, whole.length - 30));
		assert.equal((await ingest(database, [zip])).files[0]!.status, 'failed');
		fs.writeFileSync(zip, whole);
		const summary = await ingest(database, [zip]);
		assert.deepEqual([summary.files[0]!.status, summary.loaded, summary.filesFailed], ['loaded', 10, 0]);
		const {rows} = await database.pool.query('SELECT member, status FROM source_files WHERE path = $1 ORDER BY file_id', [zip]);
		// It stayed 'failed' beside the loaded member: files and data-health counted a failed input.
		assert.deepEqual(rows, [{member: '', status: 'replaced'}, {member: 'a/tracking.log', status: 'loaded'}]);
	});

	it('loads a .gz followed by bytes that are not gzip, keeps them as one rejected entry, and skips the file next time', async () => {
		const damaged = path.join(dir, 'junk-after.log.gz');
		// Two members (gzip -d reads on into the next), then the junk.
		const gzipData = Buffer.concat([zlib.gzipSync(lines(900, 904)), zlib.gzipSync(lines(904, 910))]);
		fs.writeFileSync(damaged, Buffer.concat([gzipData, Buffer.from('not gzip at all\n')]));
		// A gzipped member whose last line has no newline, then more junk than is kept of an overlong line.
		const bigJunk = Buffer.concat([Buffer.from('<html>'), Buffer.alloc(70_000, 'x')]);
		const memberData = zlib.gzipSync(lines(910, 915).trimEnd());
		const zip = path.join(dir, 'junk-after.zip');
		await writeZip(zip, [{name: 'junk-after.log.gz', data: Buffer.concat([memberData, bigJunk])}]);
		// Cut inside a second member: its compressed data ends early, as a cut download's (the complete file loads the rest).
		const cut = path.join(dir, 'cut-second-member.log.gz');
		fs.writeFileSync(cut, Buffer.concat([zlib.gzipSync(lines(920, 922)), zlib.gzipSync(lines(922, 930)).subarray(0, 40)]));
		const summary = await ingest(database, [damaged, zip, cut]);
		assert.deepEqual(
			summary.files.map((file) => [file.status, file.lines, file.loaded, file.rejected]),
			[
				['loaded', 11, 10, 1],
				['loaded', 6, 5, 1],
				['failed', 2, 2, 0],
			],
		);
		assert.match(summary.files[2]!.note!, /^the compressed data ends early/);
		assert.deepEqual([summary.filesFailed, summary.rejectedByReason], [1, {'trailing-garbage': 2}]);
		assert.ok(summaryLines(summary).includes('rejected by reason: trailing-garbage 2 (see: openpolyedu-tui rejected)'));
		const loaded = async (file: string) => (await database.pool.query('SELECT array_agg(line_no ORDER BY line_no)::int[] AS lines FROM events JOIN source_files USING (file_id) WHERE path = $1', [file])).rows[0].lines;
		assert.deepEqual(await loaded(damaged), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		assert.deepEqual(await loaded(zip), [1, 2, 3, 4, 5]);
		const {rows} = await database.pool.query(
			`SELECT f.status, f.lines_read::int, f.loaded::int, f.rejected::int, r.line_no::int, r.byte_offset::int, r.reason, r.detail, r.raw
			 FROM rejected_lines r JOIN source_files f USING (file_id) WHERE f.path = ANY($1) ORDER BY f.path`,
			[[damaged, zip]],
		);
		assert.deepEqual(rows, [
			{
				status: 'loaded', lines_read: 11, loaded: 10, rejected: 1, line_no: 11, byte_offset: gzipData.length, reason: 'trailing-garbage',
				detail: `16 bytes that are not gzip data follow the gzip data, at byte offset ${gzipData.length} of the .gz (gzip -d says "trailing garbage ignored"); every line before them is loaded`,
				raw: Buffer.from('not gzip at all\n'),
			},
			{
				status: 'loaded', lines_read: 6, loaded: 5, rejected: 1, line_no: 6, byte_offset: memberData.length, reason: 'trailing-garbage',
				detail: `70006 bytes that are not gzip data follow the gzip data, at byte offset ${memberData.length} of the .gz (gzip -d says "trailing garbage ignored"); every line before them is loaded; its first 65536 bytes are kept`,
				raw: bigJunk.subarray(0, 65536),
			},
		]);
		// Loaded, they are not read again: the file stayed failed and every run read it whole (and said "1 failed").
		const again = await ingest(database, [damaged, zip]);
		assert.deepEqual(
			again.files.map((file) => [file.status, file.note]),
			[
				['skipped', 'already loaded'],
				['skipped', '1 member'],
			],
		);
		assert.deepEqual([again.lines, again.filesFailed], [0, 0]);
	});

	it('a .gz whose trailing garbage was loaded and that then goes on (the garbage grown, or repaired into gzip data) loads the rest', async () => {
		const file = path.join(dir, 'junk-then-more.log.gz');
		// Stored, not compressed: the head the manifest compares (64 KiB) is the first member's, whatever follows it.
		const first = zlib.gzipSync(lines(60_000, 60_200), {level: 0});
		assert.ok(first.length > 64 * 1024);
		fs.writeFileSync(file, Buffer.concat([first, Buffer.from('junk')]));
		await ingest(database, [file]);
		const state = async () =>
			(
				await database.pool.query(
					`SELECT f.status, f.lines_read::int, f.loaded::int, f.rejected::int, (SELECT array_agg(r.reason || ' ' || r.line_no || ' ' || length(r.raw) ORDER BY r.line_no) FROM rejected_lines r WHERE r.file_id = f.file_id) AS rejected_lines
					 FROM source_files f WHERE f.path = $1 AND f.status <> 'replaced'`,
					[file],
				)
			).rows[0];
		assert.deepEqual(await state(), {status: 'loaded', lines_read: 201, loaded: 200, rejected: 1, rejected_lines: ['trailing-garbage 201 4']});
		// More garbage: the one entry says what is there now.
		fs.appendFileSync(file, 'more junk');
		const grown = await ingest(database, [file]);
		assert.deepEqual([grown.files[0]!.status, grown.lines, grown.rejected], ['loaded', 1, 1]);
		assert.deepEqual(await state(), {status: 'loaded', lines_read: 201, loaded: 200, rejected: 1, rejected_lines: ['trailing-garbage 201 13']});
		// The garbage replaced by a member: its lines follow the first ones (its chunk began where the garbage's was, and failed).
		fs.writeFileSync(file, Buffer.concat([first, zlib.gzipSync(lines(60_200, 60_207))]));
		const repaired = await ingest(database, [file]);
		assert.deepEqual([repaired.files[0]!.status, repaired.lines, repaired.loaded, repaired.filesFailed], ['loaded', 7, 7, 0]);
		assert.deepEqual(await state(), {status: 'loaded', lines_read: 207, loaded: 207, rejected: 0, rejected_lines: null});
	});

	it('says of a file with old Mac line endings (a CR alone), which is one rejected line, what it is and what to do', async () => {
		const events = lines(1200, 1203).trimEnd().split('\n');
		const small = path.join(dir, 'mac.log');
		fs.writeFileSync(small, `${events.join('\r')}\r`);
		const large = path.join(dir, 'mac-large.log');
		fs.writeFileSync(large, events.join('\r'));
		const details = [];
		for (const [file, maxLineBytes] of [[small, undefined], [large, 600]] as const) {
			const summary = await ingest(database, [file], maxLineBytes === undefined ? {} : {maxLineBytes});
			assert.deepEqual([summary.lines, summary.loaded, summary.rejected], [1, 0, 1]);
			const {rows} = await database.pool.query('SELECT reason, detail FROM rejected_lines JOIN source_files USING (file_id) WHERE path = $1', [file]);
			details.push([rows[0].reason, rows[0].detail.replace(/^.*?; its events/, '…; its events')]);
		}
		const hint = "…; its events end in a CR alone (old Mac line endings): convert them to LF (an editor's line-ending setting, or tr '\\r' '\\n') and load the file again";
		assert.deepEqual(details, [
			['malformed-json', hint],
			['line-too-long', hint],
		]);
		// A line rejected for other reasons says nothing of line endings.
		assert.equal(withLoneCrHint('Unexpected end of JSON input', Buffer.from('{"a": 1}\r')), 'Unexpected end of JSON input');
	});

	it('counts the same event in another export with spaces or tabs after its JSON as a duplicate, not twice', async () => {
		const first = path.join(dir, 'export-a.log');
		const second = path.join(dir, 'export-b.log');
		fs.writeFileSync(first, `${eventLine(1210)}\n${eventLine(1211)}\n`);
		fs.writeFileSync(second, `${eventLine(1210)}  \n${eventLine(1211)}\t\r\n${eventLine(1212)} \n`);
		await ingest(database, [first]);
		const summary = await ingest(database, [second]);
		assert.deepEqual([summary.lines, summary.loaded, summary.duplicates], [3, 1, 2]);
	});

	it('stores a payload that only looks like JSON as text, and the rest of its chunk normally', async () => {
		const file = path.join(dir, 'bad-payload.log');
		fs.writeFileSync(file, `${lines(800, 810)}${eventLine(810, {event: '{"answer": oops}'})}\n${lines(811, 820)}`);
		const summary = await ingest(database, [file]);
		assert.deepEqual([summary.lines, summary.loaded, summary.rejected], [20, 20, 0]);
		const {rows} = await database.pool.query("SELECT event_format, event_text, event FROM events WHERE line_no = 11 AND file_id = (SELECT file_id FROM source_files WHERE path = $1)", [file]);
		assert.deepEqual(rows, [{event_format: 'text', event_text: '{"answer": oops}', event: null}]);
	});

	it('stores each time as PostgreSQL reads its text (offsets, no offset as UTC, fractions rounded half to even)', async () => {
		const times = [
			'2018-09-17T09:06:05.756647+00:00', '2018-09-17 09:06:05Z', '2013-06-09T06:28:13.626165', '2020-02-29T23:59:59+03:00',
			'2020-01-01T00:00:00-0530', '2020-01-01T00:00:00+14', '1999-12-31T23:59:59.9999995Z', '2020-01-01T00:00:00.0000005',
			'2020-01-01T00:00:00.0000015', '2020-01-01T00:00:00.123456789', '0001-01-01T00:00:00Z', '1900-03-01T12:00:00Z', '9999-12-31T23:59:59.999999Z',
		];
		const file = path.join(dir, 'times.log');
		fs.writeFileSync(file, times.map((time, index) => eventLine(900 + index, {time})).join('\n'));
		const summary = await ingest(database, [file]);
		assert.equal(summary.loaded, times.length);
		const {rows} = await database.pool.query<{text: string; same: boolean}>(
			`SELECT e.extra IS NULL AND e.time = (e_line.time)::timestamptz AS same, e_line.time AS text
			 FROM events e JOIN source_files f USING (file_id)
			 JOIN unnest($2::text[]) WITH ORDINALITY AS e_line (time, line_no) USING (line_no)
			 WHERE f.path = $1`,
			[file, times],
		);
		assert.equal(rows.length, times.length);
		for (const row of rows) assert.ok(row.same, `${row.text} is stored as PostgreSQL reads it`);
	});

	it('says in one sentence when an input does not exist', async () => {
		await assert.rejects(ingest(database, [path.join(dir, 'missing.log')]), (error: Error) => error instanceof UserError && /does not exist/.test(error.message));
	});

	/** Ingests `input` while `table` is locked, terminates the load's connection waiting on it, and gives what the load then did. */
	async function loadWithCut(prefix: string, input: string, table = 'source_files') {
		const cut = await openTestDatabase(prefix);
		// As openDatabase's pool does: a connection lost while in use fails its query, which reports it (the build's has no listener of its own).
		cut.pool.on('connect', (client) => client.on('error', () => {}));
		// The load waits on the pool (for source_files, to plan its file); that connection is then terminated (kill-and-resume's
		// cut reached it first once, seed 3360240672, and the sentence was PostgreSQL's bare one).
		const holder = new pg.Client(clientConfig(cut.url));
		await holder.connect();
		try {
			await holder.query('BEGIN');
			await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
			const outcome = ingest(cut, [input]).then(() => undefined, (error: Error) => error);
			// Asked outside the holder's transaction, which sees one snapshot of pg_stat_activity.
			const waiting = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()";
			for (let tries = 0; (await cut.pool.query(waiting)).rowCount === 0; tries++) {
				assert.ok(tries < 200, `the load waits for ${table}`);
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			await cut.pool.query(`SELECT pg_terminate_backend(pid) FROM (${waiting}) w`);
			// A load that goes on to write the table waits for the holder: a failure, not a hung test.
			const hung = new Promise<Error>((resolve) => setTimeout(() => resolve(new Error(`the load went on writing ${table}`)), 15_000).unref());
			return {error: await Promise.race([outcome, hung]), pool: cut.pool};
		} finally {
			await holder.end();
		}
	}

	const CUT_SENTENCE = 'The database failed while loading (terminating connection due to administrator command); nothing half-written was kept: run the ingest again to resume.';

	it('a connection cut under the manifest (not a loader) is the database failing, with what was kept', async () => {
		const file = path.join(dir, 'cut.log');
		fs.writeFileSync(file, lines(1180, 1182));
		const {error} = await loadWithCut('connection_cut', file);
		assert.ok(error instanceof UserError, String(error));
		assert.equal(error.message, CUT_SENTENCE);
	});

	it('so is one cut while a zip member is planned: not the archive failing, which stayed as a failed row beside its loaded member', async () => {
		// kill-and-resume (seed 900446926, once): "cannot read the archive: terminating connection …" was recorded for the zip.
		const zip = path.join(dir, 'cut.zip');
		await writeZip(zip, [{name: 'a/tracking.log', data: Buffer.from(lines(1190, 1192))}]);
		const {error, pool} = await loadWithCut('connection_cut_zip', zip);
		assert.ok(error instanceof UserError, String(error));
		assert.equal(error.message, CUT_SENTENCE);
		assert.deepEqual((await pool.query("SELECT member, status FROM source_files WHERE status = 'failed'")).rows, []);
	});

	it('a connection cut while the derived tables are built is said as the build failing, with the logs loaded (it said "failed while loading; run the ingest again to resume")', async () => {
		const file = path.join(dir, 'cut-build.log');
		fs.writeFileSync(file, lines(1200, 1202));
		const {error, pool} = await loadWithCut('connection_cut_build', file, 'd_type_total');
		assert.ok(error instanceof UserError, String(error));
		assert.equal(
			error.message,
			'The database failed while building the derived tables (terminating connection due to administrator command); the logs are loaded, and the tables the tasks read were left as they were: run the ingest again to update them.',
		);
		assert.deepEqual((await pool.query('SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM d_type_total)::int AS built')).rows, [{events: 2, built: 0}]);
	});

	it("is not a file's or a pipe's errno: EBADF, EPERM, EPIPE (5 letters, taken for a SQLSTATE) are said as they are", async () => {
		// A descriptor no process can hold (its limit is far lower): a closed one's number was taken again by whatever the
		// process opened next (the child's pipes below, a connection), and fstat then failed otherwise or not at all.
		const neverOpen = 2 ** 30;
		const caught = (action: () => void) => {
			try {
				action();
			} catch (error) {
				return error as NodeJS.ErrnoException;
			}
			throw new Error('the action did not fail');
		};
		// A pipe whose reader has closed it.
		const child = spawn(process.execPath, ['-e', "require('fs').closeSync(0); process.stdout.write('closed'); setInterval(() => {}, 1000)"], {stdio: ['pipe', 'pipe', 'ignore']});
		await once(child.stdout, 'data');
		const epipe = await new Promise<NodeJS.ErrnoException>((resolve) => {
			child.stdin.on('error', resolve);
			child.stdin.write('x');
		});
		child.kill();
		const errors = [
			caught(() => fs.fstatSync(neverOpen)),
			// link(2) refuses a folder, root or not.
			caught(() => fs.linkSync(dir, `${dir}-link`)),
			epipe,
		];
		assert.deepEqual(
			errors.map((error) => error.code),
			['EBADF', 'EPERM', 'EPIPE'],
		);
		const file = path.join(dir, 'errno.log');
		fs.writeFileSync(file, lines(1195, 1196));
		for (const error of errors) {
			// The first progress report is inside the load: what it throws ends the load, as a terminal failing once would.
			let thrown = false;
			const outcome = await ingest(database, [file], {
				onProgress() {
					if (thrown) return;
					thrown = true;
					throw error;
				},
			}).then(() => undefined, (failure: Error) => failure);
			assert.ok(outcome instanceof UserError, String(outcome));
			assert.equal(outcome.message, error.message);
		}
	});
});

describe('resuming an interrupted load', () => {
	it('loads exactly the chunks that were not committed, without duplicates or holes', async () => {
		const file = path.join(dir, 'big.log');
		fs.writeFileSync(file, lines(10_000, 32_000));
		const full = await ingest(database, [file]);
		assert.equal(full.loaded, 22_000);
		const fileId = (await database.pool.query('SELECT file_id FROM source_files WHERE path = $1', [file])).rows[0].file_id;
		// What a kill would leave: the 2nd and the 4th chunk never committed, the file still "loading".
		const {rows: chunks} = await database.pool.query('SELECT start_offset, first_line, lines FROM file_chunks WHERE file_id = $1 ORDER BY start_offset', [fileId]);
		assert.ok(chunks.length >= 4);
		for (const chunk of [chunks[1], chunks[3]]) {
			await database.pool.query('DELETE FROM events WHERE file_id = $1 AND line_no >= $2 AND line_no < $3', [fileId, chunk.first_line, chunk.first_line + chunk.lines]);
			await database.pool.query('DELETE FROM file_chunks WHERE file_id = $1 AND start_offset = $2', [fileId, chunk.start_offset]);
		}
		await database.pool.query("UPDATE source_files SET status = 'loading' WHERE file_id = $1", [fileId]);
		const missing = chunks[1].lines + chunks[3].lines;

		const resumed = await ingest(database, [file]);
		assert.deepEqual([resumed.lines, resumed.loaded, resumed.duplicates], [missing, missing, 0]);
		assert.match(resumed.files[0]!.note!, /resumed at line/);
		// Read from the first chunk missing on: the 1st chunk's bytes are done, not read again, and the committed ones
		// after it passed over, so only the missing ones are part of the rate (it had said "466.4 MB read" for 108k lines read).
		const size = fs.statSync(file).size;
		assert.equal(full.bytesRead, size);
		const bytesOf = (index: number) => Number(chunks[index + 1]?.start_offset ?? size) - Number(chunks[index].start_offset);
		assert.deepEqual([resumed.bytesDone, resumed.bytesRead], [size, bytesOf(1) + bytesOf(3)]);
		assert.equal(await count('SELECT count(*) FROM events WHERE file_id = $1', [fileId]), 22_000);
		assert.equal(await count('SELECT count(DISTINCT line_no) FROM events WHERE file_id = $1', [fileId]), 22_000);
		const {rows} = await database.pool.query('SELECT status, lines_read, loaded FROM source_files WHERE file_id = $1', [fileId]);
		assert.deepEqual(rows, [{status: 'loaded', lines_read: 22_000, loaded: 22_000}]);
	});

	it('an interrupted file loaded whole under another name is superseded by it, said once, and no longer partly loaded', async () => {
		const first = path.join(dir, 'downloads-t.log.gz');
		fs.writeFileSync(first, zlib.gzipSync(lines(70_000, 82_000)));
		await ingest(database, [first]);
		const fileId = (await database.pool.query('SELECT file_id FROM source_files WHERE path = $1', [first])).rows[0].file_id;
		// What a Ctrl-C leaves: the first chunk committed, the others not, the file still loading.
		const {rows: chunks} = await database.pool.query('SELECT start_offset, lines FROM file_chunks WHERE file_id = $1 ORDER BY start_offset', [fileId]);
		await database.pool.query('DELETE FROM events WHERE file_id = $1 AND line_no > $2', [fileId, chunks[0].lines]);
		await database.pool.query('DELETE FROM file_chunks WHERE file_id = $1 AND start_offset > 0', [fileId]);
		await database.pool.query("UPDATE source_files SET status = 'loading' WHERE file_id = $1", [fileId]);
		const kept = chunks[0].lines as number;
		const moved = path.join(dir, 'input-t.log.gz');
		fs.renameSync(first, moved);

		const summary = await ingest(database, [moved]);
		// The whole copy counts the events the interrupted load stored as duplicates: they are stored from the first file.
		assert.deepEqual([summary.files[0]!.status, summary.loaded, summary.duplicates, summary.filesFailed], ['loaded', 12_000 - kept, kept, 0]);
		const note = `same content as ${moved}, which is loaded whole; nothing is left to load from it`;
		assert.deepEqual(summary.superseded, [{file: first, note}]);
		assert.ok(summaryLines(summary).includes(`superseded: ${first}: ${note}`));
		const {rows} = await database.pool.query('SELECT status, error, lines_read, loaded FROM source_files WHERE file_id = $1', [fileId]);
		assert.deepEqual(rows, [{status: 'superseded', error: note, lines_read: kept, loaded: kept}]);
		// It stayed 'loading': every run said "Partly loaded … Ingest again to load the rest".
		const pending = await deriveIfPending(database.pool);
		assert.deepEqual(pending.state !== 'busy' && pending.interrupted, {files: 0, events: 0});
		const again = await ingest(database, [moved]);
		assert.deepEqual([again.superseded, again.files[0]!.note], [undefined, 'already loaded']);
	});

	it('a cut .gz stops failing once its complete copy is loaded: said once, then skipped', async () => {
		const gz = zlib.gzipSync(lines(83_000, 95_000));
		const cut = path.join(dir, 'x.log.gz');
		const whole = path.join(dir, 'x (1).log.gz');
		fs.writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
		assert.ok(fs.statSync(cut).size > 64 * 1024);
		assert.equal((await ingest(database, [cut])).filesFailed, 1);
		fs.writeFileSync(whole, gz);

		const both = await ingest(database, [cut, whole]);
		const note = `a cut copy of ${whole}, which is loaded whole; nothing is left to load from it`;
		assert.deepEqual([both.filesFailed, both.files[0]!.status, both.files[1]!.status, both.superseded], [0, 'skipped', 'loaded', [{file: cut, note}]]);
		// Counted as superseded, not as "skipped (already loaded)": it had loaded what it could.
		assert.deepEqual([both.filesLoaded, both.filesSkipped, both.filesSuperseded], [1, 0, 1]);
		assert.match(summaryLines(both)[1]!, /^files: 1 loaded, 0 skipped \(already loaded\), 1 superseded, 0 failed;/);
		assert.equal(await count("SELECT count(*) FROM events WHERE (event->>'currentTime')::int BETWEEN 83000 AND 94999"), 12_000);
		// It failed every ingest, saying to load the complete file.
		const later = await ingest(database, [cut, whole]);
		assert.deepEqual([later.filesFailed, later.filesSkipped, later.filesSuperseded, later.superseded, later.files[0]!.note], [0, 2, 0, undefined, note]);
		// The other order: the complete file loaded before the cut copy is met (a small one: compared by reading the complete file).
		const small = path.join(dir, 'x-small.log.gz');
		fs.writeFileSync(small, gz.subarray(0, 20_000));
		const other = await ingest(database, [small]);
		assert.deepEqual([other.filesFailed, other.files[0]!.status, other.superseded], [0, 'skipped', [{file: small, note}]]);
	});

	it('a .gz whose compressed data was damaged loads whole once an intact copy is put in its place', async () => {
		const gz = zlib.gzipSync(lines(200_000, 212_000));
		const file = path.join(dir, 'damaged.log.gz');
		const damaged = Buffer.from(gz);
		// A flipped byte in the middle, past the first 64 KiB: the size and head stay, and zlib garbles on to the end.
		damaged[Math.floor(gz.length / 2)]! ^= 0xff;
		assert.ok(gz.length / 2 > 64 * 1024);
		fs.writeFileSync(file, damaged);
		const intact = "SELECT count(DISTINCT event->>'currentTime') AS count FROM events WHERE event->>'currentTime' ~ '^2[01][0-9]{4}$'";
		const first = await ingest(database, [file]);
		assert.deepEqual([first.files[0]!.status, first.lines, first.loaded, first.duplicates, first.rejected], ['failed', 12000, 11388, 0, 612]);
		assert.match(first.files[0]!.note!, /^the compressed data is damaged \(incorrect data check\); .* an intact copy put in its place is loaded whole$/);
		assert.equal(await count(intact), 10740);
		// The same damaged bytes again: resumed, nothing read twice, and still failed.
		const again = await ingest(database, [file]);
		assert.deepEqual([again.files[0]!.status, again.lines], ['failed', 0]);
		// A resume stopped before the damage is met again (a kill) still knows the file as damaged: known by its sampled
		// fingerprint meanwhile, the intact copy below, which shares it, went on from the garbled chunks.
		const identity = fingerprintFile(file);
		const {rows: [load]} = await database.pool.query<{id: number}>('SELECT max(load_id) AS id FROM loads');
		const resumed = await planSource(database.pool, {path: file, member: '', kind: 'gz', mtime: undefined, ...identity}, load!.id);
		const damagedAs = await damagedFingerprint(file);
		assert.deepEqual([resumed.action, resumed.action === 'load' && resumed.damagedAs], ['load', damagedAs]);
		assert.deepEqual((await database.pool.query('SELECT fingerprint FROM source_files WHERE path = $1 AND status = $2', [file, 'loading'])).rows, [{fingerprint: damagedAs}]);
		// 648 of its events are garbled (they stay, as a replaced file's do). Its chunks were taken as the intact file's lines:
		// "read 0 lines", loaded, and the 1,260 events the damage hid never were.
		fs.writeFileSync(file, gz);
		const whole = await ingest(database, [file]);
		assert.deepEqual([whole.files[0]!.status, whole.lines, whole.loaded, whole.duplicates, whole.rejected], ['loaded', 12000, 1260, 10740, 0]);
		assert.equal(await count(intact), 12_000);
		const {rows} = await database.pool.query('SELECT status, lines_read::int FROM source_files WHERE path = $1 ORDER BY file_id', [file]);
		assert.deepEqual(rows, [{status: 'replaced', lines_read: 12_000}, {status: 'loaded', lines_read: 12_000}]);
	});

	it('a damaged zip member fails (its CRC-32 was not checked: it loaded as whole), and an intact .zip in its place loads whole', async () => {
		const zip = path.join(dir, 'damaged.zip');
		await writeZip(zip, [{name: 'd.log', data: Buffer.from(lines(220_000, 232_000))}]);
		const intactZip = fs.readFileSync(zip);
		const damaged = Buffer.from(intactZip);
		damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
		fs.writeFileSync(zip, damaged);
		// Its lines still add up (the damage left the newlines alone here), and it ended as its archive said it should.
		const first = await ingest(database, [zip]);
		assert.deepEqual([first.files[0]!.status, first.lines, first.loaded, first.duplicates, first.rejected], ['failed', 12_000, 12_000, 0, 0]);
		assert.match(first.files[0]!.note!, /^1 of 1 members failed: the compressed data is damaged \(incorrect data check\)/);
		fs.writeFileSync(zip, intactZip);
		const whole = await ingest(database, [zip]);
		assert.deepEqual([whole.files[0]!.status, whole.lines, whole.loaded, whole.duplicates, whole.rejected], ['loaded', 12_000, 4, 11_996, 0]);
		// The damage garbled 4 events that are still JSON objects: they stay (as a replaced file's do), beside the intact ones.
		assert.equal(await count('SELECT count(*) FROM events JOIN source_files USING (file_id) WHERE path = $1', [zip]), 12_004);
	});

	it('resumes a load that a version cutting other chunk sizes left half-done (plain and .gz)', async () => {
		const content = Buffer.from(lines(40_000, 52_000));
		const plainFile = path.join(dir, 'other-chunks.log');
		const gzFile = path.join(dir, 'other-chunks.log.gz');
		fs.writeFileSync(plainFile, content);
		fs.writeFileSync(gzFile, zlib.gzipSync(content));
		// Line n (1-based) starts at offsets[n - 1].
		const offsets = [0];
		for (let at = content.indexOf(0x0a); at >= 0; at = content.indexOf(0x0a, at + 1)) offsets.push(at + 1);
		for (const file of [plainFile, gzFile]) {
			assert.equal((await ingest(database, [file])).loaded, 12_000, file);
			const fileId = (await database.pool.query('SELECT file_id FROM source_files WHERE path = $1', [file])).rows[0].file_id;
			// What an older run would leave: lines 1-2999 and 5001-8777 committed in chunks unlike today's, the rest not.
			const committed = [[1, 3000], [5001, 8778]] as const;
			await database.pool.query('DELETE FROM file_chunks WHERE file_id = $1', [fileId]);
			await database.pool.query('DELETE FROM events WHERE file_id = $1 AND NOT (line_no < 3000 OR (line_no >= 5001 AND line_no < 8778))', [fileId]);
			for (const [first, next] of committed) {
				await database.pool.query(
					`INSERT INTO file_chunks (file_id, start_offset, end_offset, first_line, lines, blank_lines, loaded, duplicates, rejected)
					 VALUES ($1, $2, $3, $4, $5, 0, $5, 0, 0)`,
					[fileId, offsets[first - 1], offsets[next - 1], first, next - first],
				);
			}
			await database.pool.query("UPDATE source_files SET status = 'loading' WHERE file_id = $1", [fileId]);

			const resumed = await ingest(database, [file]);
			const missing = 12_000 - 2999 - 3777;
			assert.deepEqual([resumed.lines, resumed.loaded, resumed.duplicates], [missing, missing, 0], file);
			assert.equal(await count('SELECT count(DISTINCT line_no) FROM events WHERE file_id = $1', [fileId]), 12_000);
			const {rows} = await database.pool.query('SELECT status, lines_read, loaded FROM source_files WHERE file_id = $1', [fileId]);
			assert.deepEqual(rows, [{status: 'loaded', lines_read: 12_000, loaded: 12_000}], file);
			// So that the .gz copy, loaded next, stores its events anew instead of finding them duplicates.
			await database.pool.query('DELETE FROM events WHERE file_id = $1', [fileId]);
		}
	});
});

describe('a folder of many daily files', () => {
	it('plans a new file in two statements: each file waits for them (2,988 daily files waited 15-18 s for four, 11 s for two)', async () => {
		const file = path.join(dir, 'tracking.log-20190301');
		fs.writeFileSync(file, lines(400_000, 400_010));
		const identity = fingerprintFile(file);
		const {rows: [load]} = await database.pool.query<{id: number}>('INSERT INTO loads DEFAULT VALUES RETURNING load_id AS id');
		let statements = 0;
		const counting = new Proxy(database.pool, {
			get: (pool, key) => (key === 'query' ? (...args: Parameters<pg.Pool['query']>) => (statements++, pool.query(...args)) : Reflect.get(pool, key)),
		});
		const plan = await planSource(counting, {path: file, member: '', kind: 'plain', mtime: undefined, ...identity}, load!.id);
		assert.equal(plan.action, 'load');
		assert.deepEqual([plan.action === 'load' && [plan.startOffset, plan.firstLine, plan.committedRanges, plan.resumed], statements], [[0, 1, [], false], 2]);
		// The same file met again in this load (its row still loading) is skipped, in one statement.
		const again = await planSource(counting, {path: file, member: '', kind: 'plain', mtime: undefined, ...identity}, load!.id);
		assert.deepEqual([again.action, statements], ['skip', 3]);
		await database.pool.query('DELETE FROM source_files WHERE load_id = $1', [load!.id]);
		await database.pool.query('DELETE FROM loads WHERE load_id = $1', [load!.id]);
	});
});

describe('a folder with empty daily files', () => {
	it('skips an empty file as already loaded, not as a copy of another empty one', async () => {
		const folder = path.join(dir, 'quiet-days');
		fs.mkdirSync(folder);
		fs.writeFileSync(path.join(folder, 'tracking.log-20190701'), lines(410_000, 410_003));
		for (const day of ['02', '03', '04']) fs.writeFileSync(path.join(folder, `tracking.log-201907${day}`), '');
		const first = await ingest(database, [folder]);
		// Empty content is loaded once (an earlier test's empty file may have been it): the other empty days are skipped.
		assert.deepEqual([first.filesLoaded + first.filesSkipped, first.filesFailed, first.loaded], [4, 0, 3]);
		assert.deepEqual(summaryLines(first).filter((line) => line.startsWith('skipped')), []);
		const again = await ingest(database, [folder]);
		assert.deepEqual([again.filesLoaded, again.filesSkipped], [0, 4]);
		assert.deepEqual(summaryLines(again).filter((line) => line.startsWith('skipped')), []);
	});
});

describe('the files a load reads', () => {
	// A file is read through the descriptor its fingerprint was read by: handed to the stream that reads it, or closed when
	// it is not read (skipped, or no log).
	it('are all closed after it: loaded, skipped as already loaded, or no log', {skip: process.platform === 'linux' ? false : 'skipped: open files are counted in /proc/self/fd (Linux)'}, async () => {
		const folder = path.join(dir, 'closed-after');
		fs.mkdirSync(folder);
		fs.writeFileSync(path.join(folder, 'tracking.log-1'), lines(420_000, 420_005));
		fs.writeFileSync(path.join(folder, 'tracking.log-2.gz'), zlib.gzipSync(lines(420_005, 420_010)));
		fs.writeFileSync(path.join(folder, 'notes.csv'), 'a,b\n1,2\n');
		fs.writeFileSync(path.join(folder, 'notes.csv.gz'), zlib.gzipSync('c,d\n3,4\n'));
		const openHere = () =>
			fs.readdirSync('/proc/self/fd').filter((fd) => {
				try {
					return fs.readlinkSync(path.join('/proc/self/fd', fd)).startsWith(folder);
				} catch {
					return false; // closed meanwhile (readdir's own descriptor)
				}
			});
		const first = await ingest(database, [folder]);
		assert.deepEqual([first.filesLoaded, first.filesNotLogs, first.loaded], [2, 2, 10]);
		const again = await ingest(database, [folder]);
		assert.equal(again.filesSkipped, 4);
		// A stream closes its descriptor in a later turn of the event loop.
		await new Promise((resolve) => setTimeout(resolve, 100));
		assert.deepEqual(openHere(), []);
	});
});
