import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after} from 'node:test';

const made: string[] = [];
after(() => {
	for (const dir of made) fs.rmSync(dir, {recursive: true, force: true});
});

/** A new empty folder in the system temp folder, removed when the test file ends. */
export function tempDir(prefix: string): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	made.push(dir);
	return dir;
}
