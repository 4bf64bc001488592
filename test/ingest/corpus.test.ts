import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {fingerprintFile} from '../../ingest/sources.js';
import {ingest, openTestDatabase} from '../helpers/ingest.js';
import {SHARED_MISSING, sharedCorpus} from '../helpers/shared.js';

type Oracle = {file: string; physicalLines: number; events: number; malformed?: number};

/** The per-file figures of ../shared/corpus/SOURCES.md: "N physical lines; M events parsed." and the per-file tables. */
function oraclesOf(corpus: string): Oracle[] {
	const oracles: Oracle[] = [];
	let folder = '';
	let file = '';
	for (const line of fs.readFileSync(path.join(corpus, 'SOURCES.md'), 'utf8').split('\n')) {
		const folderHeading = /^## `([^`]+)\/`/.exec(line);
		if (folderHeading) folder = folderHeading[1]!;
		const fileHeading = /^### `([^`]+)`/.exec(line);
		if (fileHeading) file = fileHeading[1]!;
		const sizes = /(\d+) physical lines; (\d+) events parsed/.exec(line);
		if (sizes && file) oracles.push({file: path.join(corpus, folder, file), physicalLines: Number(sizes[1]), events: Number(sizes[2])});
		const row = /^\| `([^`]+)` \| (\d+) \| (\d+) \| (\d+) \|/.exec(line);
		if (row) oracles.push({file: path.join(corpus, folder, row[1]!), physicalLines: Number(row[2]), events: Number(row[3]), malformed: Number(row[4])});
	}
	// SOURCES.md also describes files of the source repositories that were not copied.
	return oracles.filter((oracle) => fs.existsSync(oracle.file));
}

const corpus = sharedCorpus();

describe('the real Open edX logs of ../shared/corpus', {skip: corpus ? false : SHARED_MISSING}, () => {
	it('loads every file with the counts SOURCES.md gives', async () => {
		const database = await openTestDatabase('corpus');
		const summary = await ingest(database, [corpus!]);
		assert.equal(summary.phase, 'done');
		assert.equal(summary.filesFailed, 0);
		assert.equal(summary.lines, summary.loaded + summary.duplicates + summary.rejected);
		const oracles = oraclesOf(corpus!);
		assert.ok(oracles.length > 100, `SOURCES.md gave ${oracles.length} per-file figures`);
		for (const oracle of oracles) {
			// A file whose content was already loaded under another name is compared through that one.
			const {rows} = await database.pool.query(
				"SELECT lines_read, blank_lines, loaded, duplicates, rejected FROM source_files WHERE fingerprint = $1 AND status = 'loaded'",
				[fingerprintFile(oracle.file).fingerprint],
			);
			assert.equal(rows.length, 1, oracle.file);
			const counts = rows[0];
			const label = path.relative(corpus!, oracle.file);
			assert.equal(counts.loaded + counts.duplicates, oracle.events, `${label}: events`);
			assert.equal(counts.lines_read + counts.blank_lines, oracle.physicalLines, `${label}: physical lines`);
			if (oracle.malformed !== undefined) assert.equal(counts.rejected, oracle.malformed, `${label}: malformed lines`);
		}
	});
});
