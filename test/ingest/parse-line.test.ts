import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {readFields} from '../../ingest/copy-binary.js';
import {courseFromUrl, eventTime, validTime} from '../../ingest/event-fields.js';
import {writeFastRow} from '../../ingest/fast-event-row.js';
import {LINE_FIELDS, parseLine} from '../../ingest/parse-line.js';
import {RowBuffer} from '../../ingest/row-buffer.js';
import {readableColumns} from '../helpers/event-row.js';

/** The row parseLine builds, as a column → value map (null for NULL). */
function columns(line: string | Buffer, fastPath = true): Record<string, string | null> {
	const parsed = parseLine(Buffer.isBuffer(line) ? line : Buffer.from(line), {fastPath});
	assert.equal(parsed.kind, 'event', JSON.stringify(parsed));
	if (parsed.kind !== 'event') throw new Error('unreachable');
	return readableColumns(parsed.fields);
}

const playVideo = {
	username: 'proud-glamorous-spottedhyena',
	event_source: 'browser',
	name: 'play_video',
	time: '2018-09-17T09:06:05.756647+00:00',
	page: 'https://courses.openedu.ru/courses/course-v1:spbstu+PHYLOS+fall_2018/courseware/a1/33/?child=first',
	context: {user_id: 150319, org_id: 'spbstu', course_id: 'course-v1:spbstu+PHYLOS+fall_2018', path: '/event'},
	event: '{"code": "html5", "id": "25f98e9e", "currentTime": 0}',
	event_type: 'play_video',
};

describe('parseLine', () => {
	it('types the common fields and keeps the JSON payload', () => {
		const row = columns(JSON.stringify(playVideo));
		assert.equal(row.username, 'proud-glamorous-spottedhyena');
		assert.equal(row.user_id, '150319');
		assert.equal(row.course_id, 'course-v1:spbstu+PHYLOS+fall_2018');
		assert.equal(row.org_id, 'spbstu');
		assert.equal(row.context_path, '/event');
		assert.equal(row.time, '2018-09-17T09:06:05.756647Z');
		assert.equal(row.event_format, 'string');
		assert.deepEqual(JSON.parse(row.event!), {code: 'html5', id: '25f98e9e', currentTime: 0});
		assert.equal(row.event_text, null);
		assert.equal(row.context, null);
	});

	it('keeps a non-JSON payload verbatim and unknown keys in extra', () => {
		const row = columns(JSON.stringify({...playVideo, event: 'input_abc_2_1=choice_1&input_abc_3_1=42', new_key: [1, 2]}));
		assert.equal(row.event_format, 'text');
		assert.equal(row.event_text, 'input_abc_2_1=choice_1&input_abc_3_1=42');
		assert.equal(row.event, null);
		assert.deepEqual(JSON.parse(row.extra!), {new_key: [1, 2]});
	});

	it('strips a BOM, a CR and a logger prefix, and hashes only the JSON', () => {
		const json = JSON.stringify(playVideo);
		const plain = parseLine(Buffer.from(json));
		const quirky = parseLine(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`2023-05-23 13:53:13,461 INFO 1 [tracking] logger.py:41 - ${json}\r`)]));
		assert.equal(plain.kind, 'event');
		assert.equal(quirky.kind, 'event');
		if (plain.kind === 'event' && quirky.kind === 'event') assert.equal(quirky.hash, plain.hash);
		assert.match(columns(`2023-05-23 13:53:13,461 INFO - ${json}`).extra!, /_logger_prefix/);
	});

	it('hashes the JSON without the spaces, tabs and CRs after it, on both paths: the same event with them is a duplicate', () => {
		const json = JSON.stringify(playVideo);
		for (const fastPath of [true, false]) {
			const hashOf = (line: string) => {
				const parsed = parseLine(Buffer.from(line), {fastPath});
				assert.equal(parsed.kind, 'event', line);
				return parsed.kind === 'event' ? parsed.hash : '';
			};
			const plain = hashOf(json);
			assert.deepEqual(
				[`${json} `, `${json}\t \t`, `${json}  \r`, `${json}\r\r`].map(hashOf),
				[plain, plain, plain, plain],
			);
			// Whitespace inside the JSON is its text: another export's layout is another event.
			assert.notEqual(hashOf(JSON.stringify(playVideo, null, 1).replace(/\n/g, '')), plain);
		}
	});

	it('falls back to the payload, then to URLs, for the course id', () => {
		const {context: _context, ...noContext} = playVideo;
		assert.equal(columns(JSON.stringify({...noContext, event: {course_id: 'course-v1:A+B+C', user_id: 5}})).course_id, 'course-v1:A+B+C');
		assert.equal(columns(JSON.stringify({...noContext, event: '{}'})).course_id, 'course-v1:spbstu+PHYLOS+fall_2018');
		assert.equal(courseFromUrl('/courses/edX/Open_DemoX/edx_demo_course/courseware/x/'), 'edX/Open_DemoX/edx_demo_course');
		assert.equal(courseFromUrl('/courses/ccx-v1:AcceptanceX+Demo_ccx+T2_2014+ccx@101/info'), 'ccx-v1:AcceptanceX+Demo_ccx+T2_2014+ccx@101');
		assert.equal(courseFromUrl('/dashboard'), undefined);
		assert.equal(courseFromUrl('https://x.org/dashboard?course_id=course-v1:A+B+C&enrollment_action=enroll'), 'course-v1:A+B+C');
		assert.equal(courseFromUrl('/courses/edX/DemoX/Demo_Course'), 'edX/DemoX/Demo_Course');
		assert.equal(courseFromUrl('https://x.org/courses/edX/DemoX/Demo_Course?x=1'), 'edX/DemoX/Demo_Course');
		assert.equal(courseFromUrl('/courses/edX/DemoX'), undefined);
		assert.equal(columns(JSON.stringify({...noContext, event: '{}', page: 'https://x.org/courses/edX/DemoX/Demo_Course#top'})).course_id, 'edX/DemoX/Demo_Course');
	});

	it('keeps \\u0000 events, replacing NUL with U+FFFD, and lone surrogates too', () => {
		const row = columns('{"username": "a\\u0000b", "event": "{\\"x\\": \\"\\\\u0000\\\\ud800\\"}", "time": "2020-01-01T00:00:00Z"}');
		assert.equal(row.username, 'a\uFFFDb');
		assert.deepEqual(JSON.parse(row.event!), {x: '\uFFFD\uFFFD'});
		assert.ok(!row.event!.includes('\\u0000'));
	});

	it('moves values of unexpected types to extra and context instead of rejecting the event', () => {
		const row = columns(JSON.stringify({time: 5, username: 42, context: {user_id: 'abc', course_id: 7}}));
		assert.equal(row.time, null);
		assert.equal(row.username, null);
		assert.equal(row.user_id, null);
		assert.deepEqual(JSON.parse(row.extra!), {username: 42, time: 5});
		assert.deepEqual(JSON.parse(row.context!), {user_id: 'abc', course_id: 7});
		assert.deepEqual(JSON.parse(columns('{"context": "x"}').extra!), {context: 'x'});
		assert.equal(columns('{"context": {"user_id": "123"}}').user_id, '123');
	});

	it('writes the usual events on its fast path, with the same columns as the general path', () => {
		const context = playVideo.context;
		const variants: Array<[string, object]> = [
			['JSON payload in a string', playVideo],
			['object payload', {...playVideo, event: {answers: {q1: ['a', 2]}, grade: 0.5, ok: true, none: null}}],
			['text payload', {...playVideo, event: 'input_abc_2_1=choice_1&x=y'}],
			['empty payload', {...playVideo, event: ''}],
			['escapes in text and payload', {...playVideo, username: 'tab\tnew\nline back\\slash "quoted" é 日本', event: '{"q": "a\\b\\n é"}'}],
			['unknown keys and misfits', {...playVideo, session: 42, new_key: [1, {a: 'b'}], time: 'yesterday'}],
			['org from the course, user id as a string, other context', {...playVideo, context: {course_id: context.course_id, user_id: '150319', module: {usage_key: 'block-v1:x'}, path: 7}}],
			['no payload, null fields', {...playVideo, event: undefined, agent: null, context: {...context, org_id: ''}}],
		];
		for (const [name, event] of variants) {
			const line = Buffer.from(JSON.stringify(event));
			const out = new RowBuffer();
			assert.ok(writeFastRow(line, out), `${name}: taken by the fast path`);
			const fast = readableColumns(readFields(out.bytes, 0, LINE_FIELDS));
			const general = columns(line, false);
			for (const column of Object.keys(general)) {
				const json = ['context', 'extra'].includes(column) || (column === 'event' && fast.event_format === 'object');
				if (json && fast[column] !== null) assert.deepEqual(JSON.parse(fast[column]!), JSON.parse(general[column]!), `${name}: ${column}`);
				else assert.equal(fast[column], general[column], `${name}: ${column}`);
			}
		}
		// What only the general path handles exactly: it declines, and parseLine still loads the event.
		const odd = [{...playVideo, context: {}}, {...playVideo, context: {...context, user_id: 1.5}}, {...playVideo, event: ' {"a": 1}'}, {...playVideo, event: '{"a": "\\u0000"}'}]
			.map((event) => JSON.stringify(event))
			.concat(JSON.stringify(playVideo).replace('{', '{"grade": 1e400, '), JSON.stringify(playVideo).replace('{', '{"us\\u0065rname": "x",\t'));
		for (const text of odd) {
			const line = Buffer.from(text);
			assert.equal(writeFastRow(line, new RowBuffer()), undefined, text);
			assert.equal(parseLine(line).kind, 'event');
		}
	});

	it('rejects what is not one JSON object, with the reason', () => {
		const reason = (line: string | Buffer) => {
			const parsed = parseLine(Buffer.isBuffer(line) ? line : Buffer.from(line));
			return parsed.kind === 'rejected' ? parsed.reason : parsed.kind;
		};
		assert.equal(reason('null'), 'not-an-object');
		assert.equal(reason('42'), 'not-an-object');
		assert.equal(reason('[{"a": 1}]'), 'not-an-object');
		assert.equal(reason('"a {"'), 'not-an-object');
		assert.equal(reason('{"username": "x", "ev'), 'truncated-json');
		// Cut just after a whole value, a comma or a name: the line ends early all the same.
		for (const cut of ['{"username": "x"', '{"a": {"b": 1}', '{"a": [1', '{"a": 1,', '{"a"', '{']) assert.equal(reason(cut), 'truncated-json', cut);
		assert.equal(reason('{"a": 1}}'), 'malformed-json');
		assert.equal(reason('{"username": "x",, }'), 'malformed-json');
		assert.equal(reason('  "username": "x",'), 'malformed-json');
		assert.equal(reason(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 'invalid-utf8');
		assert.equal(reason('   \r'), 'blank');
		assert.equal(reason(`{"a": ${'['.repeat(200_000)}`), 'truncated-json');
		// Deep but balanced nesting is either stored or rejected as unsupported; it never throws.
		assert.ok(['event', 'unsupported-json'].includes(reason(`{"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`)));
	});

	it('stores a time as PostgreSQL would read it: UTC without an offset, microseconds rounded half to even', () => {
		const micros = (time: string) => {
			const parsed = eventTime(time)!;
			return parsed.seconds * 1_000_000 + parsed.micros;
		};
		const epoch2000 = Date.UTC(2000, 0, 1);
		assert.equal(micros('2000-01-01T00:00:00'), 0);
		assert.equal(micros('2018-09-17T09:06:05.756647+00:00'), (Date.UTC(2018, 8, 17, 9, 6, 5) - epoch2000) * 1000 + 756_647);
		assert.equal(micros('2020-01-01 03:00:00+03:00'), micros('2020-01-01T00:00:00Z'));
		assert.equal(micros('2020-01-01T00:00:00-0530'), micros('2020-01-01T05:30:00'));
		assert.equal(micros('1999-12-31T23:59:59.9999995Z'), micros('2000-01-01T00:00:00'), 'rounded up into the next second');
		assert.equal(micros('2020-01-01T00:00:00.0000005'), micros('2020-01-01T00:00:00'), 'half a microsecond to the even one');
		assert.equal(micros('2020-01-01T00:00:00.0000015') - micros('2020-01-01T00:00:00'), 2);
		for (const time of ['0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:59:59Z']) {
			const parsed = eventTime(time)!;
			assert.equal(parsed.seconds, (new Date(time).getTime() - epoch2000) / 1000, time);
		}
	});

	it('accepts ISO-8601 times with or without microseconds and offset, and refuses impossible ones', () => {
		for (const time of ['2018-09-17T09:06:05.756647+00:00', '2018-09-17T09:06:05Z', '2013-06-09T06:28:13.626165', '2020-02-29 23:59:59+03:00', '2020-01-01T00:00:00+0300']) {
			assert.equal(validTime(time), time);
		}
		for (const time of ['2019-02-29T00:00:00Z', '2018-13-01T00:00:00Z', '2018-01-01T24:00:00Z', 'yesterday', '0000-01-01T00:00:00Z']) assert.equal(validTime(time), undefined, time);
	});
});
