import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {NotALog, officeDocument, SNIFF_BYTES, sniffContent} from '../../ingest/sniff.js';
import {eventLine, lines} from '../helpers/ingest.js';

/** What sniffContent says of a whole content: 'log', or the error's class and sentence. */
function verdict(content: string | Buffer, ended = true): string {
	const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
	try {
		sniffContent(buffer.subarray(0, SNIFF_BYTES), ended && buffer.length <= SNIFF_BYTES);
		return 'log';
	} catch (error) {
		return `${error instanceof NotALog ? 'skip' : 'fail'}: ${(error as Error).message}`;
	}
}

/** A tar header: the member's name, then "ustar" at byte 257. */
function tarHeader(name: string): Buffer {
	const header = Buffer.alloc(512);
	header.write(name, 0);
	header.write('ustar\u000000', 257, 'latin1');
	return header;
}

describe('sniffContent: what is no tracking log, by its first bytes', () => {
	it('fails archives and compression it does not read, saying how to get the logs out', () => {
		assert.equal(verdict(Buffer.concat([tarHeader('a.log'), Buffer.from(lines(0, 3))])), 'fail: a tar archive: extract it (tar xf FILE, which reads a .tar.gz too) and load the files it holds');
		assert.match(verdict(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04])), /^fail: xz-compressed: decompress it first \(xz -d FILE/);
		assert.match(verdict(Buffer.from('BZh91AY&SY\u0001\u0002', 'latin1')), /^fail: bzip2-compressed: decompress it first \(bunzip2 FILE/);
		assert.match(verdict(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04])), /^fail: a 7-Zip archive: extract it/);
		assert.match(verdict(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(0, 1), 'utf16le')])), /^fail: UTF-16 text, not UTF-8/);
	});

	it('skips documents, naming what they are', () => {
		assert.equal(verdict('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n'), 'skip: a PDF document, not a tracking log; nothing was loaded from it');
		assert.match(verdict(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])), /^skip: an old Office document \(\.xls, \.doc, \.ppt\) or a Windows thumbnail cache \(Thumbs\.db\)/);
		assert.equal(officeDocument(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml']), 'an Excel workbook');
		assert.equal(officeDocument(['[Content_Types].xml', 'word/document.xml']), 'a Word document');
		assert.equal(officeDocument(['mimetype', 'content.xml', 'META-INF/manifest.xml']), 'an OpenDocument file (LibreOffice)');
		assert.equal(officeDocument(['tracking.log', 'content.xml']), undefined);
	});

	it('skips text none of whose lines in its first 64 KiB is a JSON object: a CSV, desktop.ini, notes, binary data', () => {
		const csv = 'not a tracking log: none of its first 3 lines is a JSON object (a tracking log has one JSON event per line), as in a CSV file or notes; nothing was loaded from it';
		assert.equal(verdict('name,grade,"{""extra"": 1}"\nann,5,\nbob,4,\n'), `skip: ${csv}`);
		assert.match(verdict('[.ShellClassInfo]\r\nIconResource=C:\\x.ico,0\r\n'), /^skip: not a tracking log: none of its first 2 lines is a JSON object/);
		assert.match(verdict('Notes\n\nsee {this}\n'), /^skip: not a tracking log: none of its first 2 lines/);
		assert.equal(verdict(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00])), 'skip: binary data, not a tracking log; nothing was loaded from it');
		assert.match(verdict(`${'name,grade\n'.repeat(10_000)}${lines(0, 3)}`), /^skip: not a tracking log: none of its first \d+ lines is a JSON object/, 'events past the first 64 KiB are not looked for');
	});

	it('loads a log with bad lines, broken events, a logger prefix, a BOM, or a first line longer than the sample', () => {
		assert.equal(verdict(`${'# a header of comments\n'.repeat(11)}\n\n${lines(0, 3)}`), 'log');
		assert.equal(verdict('{"broken\n{"username": "cut'), 'log', 'lines that try to be events are rejected and kept, as a log\'s are');
		assert.equal(verdict(`2023-05-23 13:53:13,461 INFO 1 [tracking] logger.py:41 - ${eventLine(1)}\n`), 'log');
		assert.equal(verdict(`\ufeff${lines(0, 2)}`), 'log');
		assert.equal(verdict(`${eventLine(1, {agent: 'A'.repeat(200_000)})}\n`, false), 'log');
		assert.equal(verdict('\n\n  \n'), 'log', 'blank lines are counted as ever');
		assert.equal(verdict(''), 'log');
	});

	it('names JSON that is not one event a line: pretty-printed, an array on one line or an element a line', () => {
		const events = [JSON.parse(eventLine(1)), JSON.parse(eventLine(2))];
		const array = 'skip: a JSON array, where a tracking log has one event per line; put each event on a line of its own (jq -c ".[]" FILE) and load that; nothing was loaded from it';
		assert.equal(verdict(`${JSON.stringify(events)}\n`), array);
		assert.equal(verdict(`[\n${events.map((event) => JSON.stringify(event)).join(',\n')}\n]\n`), array);
		assert.equal(verdict(`\ufeff${JSON.stringify(events, null, 2)}\n`), array);
		assert.equal(verdict(JSON.stringify(Array.from({length: 200}, (_, n) => JSON.parse(eventLine(n, {agent: 'A'.repeat(1000)})))), false), array, 'an array longer than the sample');
		// A log whose first line is a bad one loads its good ones.
		assert.equal(verdict(`[1, 2]\n${lines(0, 2)}`), 'log');
		assert.equal(verdict(`${JSON.stringify(events)}\n${lines(0, 2)}`), 'log');
		const pretty = 'skip: JSON spread over many lines (pretty-printed), where a tracking log has one event per line; put each event on a line of its own (jq -c . FILE) and load that; nothing was loaded from it';
		assert.equal(verdict(`${JSON.stringify(events[0], null, 2)}\n`), pretty);
		assert.equal(verdict(`${events.map((event) => JSON.stringify(event, null, 2)).join('\n')}\n`), pretty, 'a log pretty-printed event by event (jq . FILE)');
		assert.equal(verdict(`${JSON.stringify({events: [events[0], {}, {}]}, null, 2)}\n`), pretty, 'objects nested in an array open lines with "{" too');
		assert.equal(verdict(`{\n${lines(0, 2)}`), 'log', 'a lone "{" before events is a bad first line');
	});

	it('fails a Docker json-file log, saying how to unwrap it', () => {
		const docker = `${JSON.stringify({log: `${eventLine(1)}\n`, stream: 'stdout', time: '2024-01-01T00:00:00.1Z'})}\n`;
		assert.equal(verdict(docker), 'fail: a Docker json-file log, each line\'s text wrapped in its "log": unwrap it first (jq -j .log FILE > tracking.log) and load that');
	});
});
