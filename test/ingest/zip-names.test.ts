import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, it} from 'node:test';
import {forEachZipMember} from '../../ingest/sources.js';
import {summaryLines} from '../../source/commands/ingest.js';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {unicodePathField, writeRawZip, type RawZipMember} from '../helpers/zip.js';

const dir = fixtureDir();

/** A name's bytes: ASCII text and code page bytes, written out (not encoded by the decoder under test). */
const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

// CP866: а-п 0xA0-0xAF, р-я 0xE0-0xEF, А-П 0x80-0x8F, ё 0xF1, № 0xFC.
const LOGI = [0xab, 0xae, 0xa3, 0xa8]; // логи
const SENTYABR = [0xe1, 0xa5, 0xad, 0xe2, 0xef, 0xa1, 0xe0, 0xec]; // сентябрь
const KURS = [0x8a, 0xe3, 0xe0, 0xe1]; // Курс
const OTCHYOT = [0x8e, 0xe2, 0xe7, 0xf1, 0xe2]; // Отчёт
const YANVAR = [0xef, 0xad, 0xa2, 0xa0, 0xe0, 0xec]; // январь

/** The names forEachZipMember gives an archive's members, in order. */
async function memberNames(members: RawZipMember[]): Promise<string[]> {
	const file = path.join(dir, `names-${Math.random().toString(36).slice(2)}.zip`);
	writeRawZip(file, members);
	const names: string[] = [];
	await forEachZipMember(file, async (member) => {
		names.push(member.name);
	});
	return names;
}

const member = (name: Buffer, more: Partial<RawZipMember> = {}): RawZipMember => ({name, data: Buffer.from(lines(1, 2)), ...more});

describe('names of .zip members as the tools that made them wrote them', () => {
	it('reads a name without the UTF-8 flag as UTF-8 when its bytes are, else as CP866 (Russian Windows) or CP437', async () => {
		assert.deepEqual(
			await memberNames([
				// Windows Explorer's "Compressed folder" on a Russian Windows: the OEM code page, no flag.
				member(bytes(LOGI, '_', SENTYABR, '.json')),
				member(bytes(KURS, '/', OTCHYOT, ' ', [0xfc], '1 course-v1_spbstu+PHYLOS.log')),
				// macOS Archive Utility, Linux zip: UTF-8 bytes, no flag.
				member(Buffer.from('логи_октябрь.json')),
				// Flagged UTF-8 (yazl, Windows 10's own since 1903 for names out of the code page).
				member(Buffer.from('логи_ноябрь.json'), {utf8: true}),
				// A Western Windows: CP437, é 0x82, ü 0x81. A Cyrillic letter in a Latin word is an accented letter.
				member(bytes('caf', [0x82], '.log')),
				member(bytes('M', [0x81], 'ller/tracking.log')),
				member(Buffer.from('tracking.log')),
			]),
			['логи_сентябрь.json', 'Курс/Отчёт №1 course-v1_spbstu+PHYLOS.log', 'логи_октябрь.json', 'логи_ноябрь.json', 'café.log', 'Müller/tracking.log', 'tracking.log'],
		);
	});

	it("takes 7-Zip's Info-ZIP Unicode Path field (0x7075) when it is of the raw name, and ignores one whose CRC-32 is not", async () => {
		// 7-Zip puts a name's characters out of the OEM code page as "?" in the raw name, and the whole name in the field.
		const sevenZip = bytes(LOGI, '_??.json');
		const stale = bytes(YANVAR, '.json');
		assert.deepEqual(
			await memberNames([
				member(sevenZip, {extraFields: [unicodePathField(sevenZip, 'логи_日本.json')]}),
				// A field left from a rename: its CRC-32 is of another raw name (the spec says to ignore it).
				member(stale, {extraFields: [unicodePathField(stale, 'old.json', 0x12345678)]}),
			]),
			['логи_日本.json', 'январь.json'],
		);
	});

	it('reads backslashes as folder separators and refuses a name that climbs out, in any code page', async () => {
		assert.deepEqual(await memberNames([member(bytes(KURS, '\\', LOGI, '.json'))]), ['Курс/логи.json']);
		await assert.rejects(memberNames([member(bytes('..\\', LOGI, '.json'))]), /invalid relative path: \.\.\//);
	});
});

describe('ingest of a .zip made on Russian Windows', () => {
	it('records, says and rejects lines under the members’ Russian names, and loads their events', async () => {
		const database = await openTestDatabase('zipnames');
		const archive = path.join(dir, 'export.zip');
		const ocenki = [0xae, 0xe6, 0xa5, 0xad, 0xaa, 0xa8]; // оценки
		writeRawZip(archive, [
			{name: bytes(LOGI, '_', SENTYABR, '.json'), data: Buffer.from(`${lines(10, 13)}{"not": "closed"\n`)},
			{name: Buffer.from('логи_октябрь.json'), data: Buffer.from(lines(13, 15))},
			{name: bytes('caf', [0x82], '.log'), data: Buffer.from(lines(15, 16))},
			{name: bytes(ocenki, '.csv'), data: Buffer.from('name,grade\nann,5\n')},
		]);
		const summary = await ingest(database, [archive]);
		assert.deepEqual([summary.lines, summary.loaded, summary.rejected], [7, 6, 1]);
		assert.equal(Number((await database.pool.query('SELECT count(*) FROM events')).rows[0].count), 6);
		const {rows} = await database.pool.query('SELECT member, status, loaded FROM source_files ORDER BY file_id');
		assert.deepEqual(rows, [
			{member: 'логи_сентябрь.json', status: 'loaded', loaded: 3},
			{member: 'логи_октябрь.json', status: 'loaded', loaded: 2},
			{member: 'café.log', status: 'loaded', loaded: 1},
			{member: 'оценки.csv', status: 'loaded', loaded: 0},
		]);
		const rejected = await database.pool.query('SELECT member, line_no FROM rejected_lines JOIN source_files USING (file_id)');
		assert.deepEqual(rejected.rows, [{member: 'логи_сентябрь.json', line_no: 4}]);
		assert.ok(summaryLines(summary).some((line) => line.startsWith(`skipped: ${archive}!оценки.csv: not a tracking log`)));
	});
});
