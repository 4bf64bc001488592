import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import zlib from 'node:zlib';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {SHARED_MISSING, sharedCorpus} from '../helpers/shared.js';
import {writeZip} from '../helpers/zip.js';
import {assertAccounting, lineAt, lineStarts} from './helpers/accounting.js';
import {baseLines, mutate} from './helpers/mutations.js';
import {MAX_SUPPORTED_DEPTH, oracle} from './helpers/oracle.js';
import {envCount, seededRandom} from './helpers/seed.js';

/**
 * Mutated real lines through a real ingest (plain, .gz and a .zip member, on a real PostgreSQL):
 * nothing crashes, the accounting invariant holds per file and in total, and every line that is a
 * valid JSON object is stored (or counted as a duplicate of a stored event).
 */
const CASES = envCount('OPENPOLYEDU_FUZZ_CASES', 3000);
const MAX_LINE_BYTES = 64 * 1024;
const corpus = sharedCorpus();
if (!corpus) console.log(`# fuzz-ingest: real lines ${SHARED_MISSING}; fuzzing the project's own event lines`);

// Found by fuzzing: a NUL byte in a logger prefix made jsonb refuse the whole event.
const REGRESSIONS = [Buffer.concat([Buffer.from('2023-05-23 13:53\0:13,461 INFO - '), Buffer.from('{"username": "nul-prefix", "event_type": "x"}')])];

describe('fuzzing the ingest', () => {
	it(`loads ${CASES} mutated lines without losing one`, async () => {
		const database = await openTestDatabase('fuzz_ingest');
		const dir = fixtureDir();
		const {random, seed} = seededRandom('fuzz-ingest');
		const bases = baseLines(corpus);
		const cases = [...REGRESSIONS, ...Array.from({length: CASES}, () => mutate(bases, random).line)];
		// Exact repeats of earlier cases, within and across files: counted as duplicates, never stored twice.
		for (let i = 0; i < CASES / 20; i++) cases.push(cases[random.int(0, cases.length - 1)]!);
		const third = Math.ceil(cases.length / 3);
		const parts = [cases.slice(0, third), cases.slice(third, 2 * third), cases.slice(2 * third)].map((part) => Buffer.concat(part.flatMap((line) => [line, Buffer.from('\n')])));
		const plain = path.join(dir, 'fuzz.log');
		const gz = path.join(dir, 'fuzz.log.gz');
		const zip = path.join(dir, 'fuzz.zip');
		fs.writeFileSync(plain, parts[0]!);
		fs.writeFileSync(gz, zlib.gzipSync(parts[1]!));
		await writeZip(zip, [{name: 'member.log', data: parts[2]!}]);
		const contents = new Map([
			[plain, parts[0]!],
			[gz, parts[1]!],
			[`${zip}!member.log`, parts[2]!],
		]);

		const summary = await ingest(database, [plain, gz, zip], {maxLineBytes: MAX_LINE_BYTES});
		assert.equal(summary.phase, 'done', `seed ${seed}: the ingest finished`);
		assert.equal(summary.filesFailed, 0);
		const total = await assertAccounting(database.pool, contents);
		assert.deepEqual(total, {lines: summary.lines, loaded: summary.loaded, duplicates: summary.duplicates, rejected: summary.rejected});
		assert.equal(summary.lines + summary.blankLines, cases.length, `seed ${seed}: every case was read as one line`);

		const {rows: stored} = await database.pool.query<{hash: string}>("SELECT replace(event_hash::text, '-', '') AS hash FROM events");
		const hashes = new Set(stored.map((row) => row.hash));
		const {rows: files} = await database.pool.query<{file_id: number; path: string; member: string}>('SELECT file_id, path, member FROM source_files');
		let valid = 0;
		for (const file of files) {
			const label = file.member ? `${file.path}!${file.member}` : file.path;
			const content = contents.get(label)!;
			const {rows: rejected} = await database.pool.query<{line_no: number; reason: string; detail: string}>('SELECT line_no, reason, detail FROM rejected_lines WHERE file_id = $1', [file.file_id]);
			const rejectedAt = new Map(rejected.map((row) => [row.line_no, `${row.reason}: ${row.detail}`]));
			const starts = lineStarts(content);
			for (const [index, start] of starts.entries()) {
				const line = lineAt(content, start);
				const expected = oracle(line);
				if (!expected.validObject) continue;
				valid++;
				const where = `seed ${seed}, ${path.basename(label)} line ${index + 1}: ${JSON.stringify(line.subarray(0, 100).toString('latin1'))}`;
				if (expected.depth > MAX_SUPPORTED_DEPTH || line.length > MAX_LINE_BYTES) continue;
				assert.equal(rejectedAt.get(index + 1), undefined, `${where}: a valid event is not rejected`);
				assert.ok(hashes.has(expected.hash), `${where}: a valid event is stored`);
			}
		}
		console.log(
			`# fuzz-ingest: ${cases.length} lines (${valid} valid objects): loaded ${summary.loaded}, duplicates ${summary.duplicates}, rejected ${summary.rejected} ${JSON.stringify(summary.rejectedByReason)}, blank ${summary.blankLines}; lost 0`,
		);
		assert.ok(summary.loaded > 0 && summary.rejected > 0 && summary.duplicates > 0);
	});
});
