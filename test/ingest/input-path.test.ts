import assert from 'node:assert/strict';
import path from 'node:path';
import {it} from 'node:test';
import {inputPath} from '../../ingest/sources.js';

it("records a Windows input with an upper-case drive letter: a terminal that starts in c:\\ (VS Code's) made every input a new one, read again from its start", () => {
	assert.equal(inputPath('c:\\proj\\input\\tracking.log', path.win32), 'C:\\proj\\input\\tracking.log');
	assert.equal(inputPath('c:/proj/input/tracking.log', path.win32), 'C:\\proj\\input\\tracking.log');
	assert.equal(inputPath('D:\\logs\\..\\logs\\a.log', path.win32), 'D:\\logs\\a.log');
	// The rest is the disk's to say (and so left as typed); a share has no drive letter.
	assert.equal(inputPath('c:\\Proj\\Input\\a.log', path.win32), 'C:\\Proj\\Input\\a.log');
	assert.equal(inputPath('\\\\server\\share\\a.log', path.win32), '\\\\server\\share\\a.log');
	// Elsewhere names are exact: a folder named c: stays as it is.
	assert.equal(inputPath('/srv/c:/a.log', path.posix), '/srv/c:/a.log');
	assert.equal(inputPath('input/a.log'), path.resolve('input/a.log'));
});
