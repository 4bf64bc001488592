import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {checkedFlags, type ParsedFlags} from '../../source/commands/context.js';
import {ingestPaths} from '../../source/commands/ingest.js';
import {meantPath} from '../../source/commands/quoted-path.js';
import {fixtureDir} from '../helpers/ingest.js';

describe('a path typed as "…\\" in cmd or PowerShell (it arrives with a quote at its end)', () => {
	it('on Windows, the last quote goes; a quote inside (the next argument joined) is one sentence with the path to type', () => {
		assert.equal(meantPath('C:\\My Logs"', 'win32'), 'C:\\My Logs');
		assert.equal(meantPath('C:\\My Logs', 'win32'), 'C:\\My Logs');
		assert.throws(
			() => meantPath('C:\\My Logs" more.log', 'win32'),
			{message: 'The path C:\\My Logs" more.log holds a quote: cmd and PowerShell keep the quote of "…\\" in the path and join what follows to it; write each folder without its last backslash ("C:\\My Logs").'},
		);
		// Elsewhere a quote is a character a name may hold.
		assert.equal(meantPath('logs/a"', 'linux'), 'logs/a"');
	});

	it('ingest loads the folder meant, and --workdir and --out are the folder and file meant', () => {
		const folder = fixtureDir();
		fs.writeFileSync(path.join(folder, 'day.log'), '');
		assert.deepEqual(ingestPaths([`${folder}"`], 'win32'), [folder]);
		assert.throws(() => ingestPaths([`${folder}"`], 'linux'), {message: `The input path ${folder}" does not exist.`});
		const flags = checkedFlags({workdir: 'D:\\openpolyedu data"', out: 'D:\\out.csv'} as ParsedFlags, 'win32');
		assert.deepEqual([flags.workdir, flags.out], ['D:\\openpolyedu data', 'D:\\out.csv']);
		assert.equal(checkedFlags({workdir: 'wd"'} as ParsedFlags, 'linux').workdir, 'wd"');
	});
});
