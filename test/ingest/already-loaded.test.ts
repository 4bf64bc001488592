import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import type {FileProgress} from '../../ingest/progress.js';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';

const database = await openTestDatabase('already_loaded');
const dir = fixtureDir();

/** Each file's status and note in the load's first snapshot, by file name. */
async function firstSnapshot(): Promise<{first: Record<string, string>; files: FileProgress[]}> {
	let first: FileProgress[] | undefined;
	const summary = await ingest(database, [dir], {
		onProgress: (snapshot) => {
			if (snapshot.phase === 'loading') first ??= structuredClone(snapshot.files);
		},
	});
	return {first: Object.fromEntries(first!.map((file) => [path.basename(file.label), `${file.status} ${file.note ?? ''}`.trim()])), files: summary.files};
}

test('files loaded by an earlier run are already loaded from the load\'s first snapshot, not "pending" until the load reaches them', async () => {
	fs.writeFileSync(path.join(dir, 'b.log'), lines(0, 200));
	fs.writeFileSync(path.join(dir, 'c.log'), lines(200, 400));
	await ingest(database, [dir]);
	// A new file before them in the load's order, and one of the same name, size and time whose content changed.
	fs.writeFileSync(path.join(dir, 'a.log'), lines(400, 500));
	const changed = path.join(dir, 'c.log');
	const {mtime} = fs.statSync(changed);
	fs.writeFileSync(changed, lines(200, 400).replace('learner1', 'learner8'));
	fs.utimesSync(changed, mtime, mtime);
	const {first, files} = await firstSnapshot();
	assert.deepEqual(first, {'a.log': 'pending', 'b.log': 'skipped already loaded', 'c.log': 'skipped already loaded'});
	const b = files.find((file) => file.label.endsWith('b.log'))!;
	assert.deepEqual([b.status, b.note, b.bytesDone, b.bytesTotal], ['skipped', 'already loaded', b.bytesTotal, fs.statSync(path.join(dir, 'b.log')).size]);
	// Its content decides in the end: the changed file is read again as a new input, from its start.
	const c = files.find((file) => file.label.endsWith('c.log'))!;
	assert.deepEqual([c.status, c.note, c.bytesDone, c.bytesTotal], ['loaded', undefined, c.bytesTotal, fs.statSync(changed).size]);
	assert.equal(c.lines, 200);
});

test('a copy under another name, a file copied again with a new time, and one moved are known from the first snapshot too, by their content', async () => {
	// After the test before: a.log, b.log and c.log are loaded.
	const at = (name: string) => path.join(dir, name);
	fs.copyFileSync(at('b.log'), at('d.log'));
	const later = new Date(Date.now() + 60_000);
	fs.utimesSync(at('a.log'), later, later);
	fs.renameSync(at('c.log'), at('moved.log'));
	// Of b.log's size, but not its content: read when the load comes to it.
	fs.writeFileSync(at('e.log'), lines(0, 200).replace('learner1', 'learner7'));
	assert.equal(fs.statSync(at('e.log')).size, fs.statSync(at('b.log')).size);
	const {first, files} = await firstSnapshot();
	const copy = `skipped same content as ${at('b.log')}`;
	assert.deepEqual(first, {'a.log': 'skipped already loaded', 'b.log': 'skipped already loaded', 'd.log': copy, 'e.log': 'pending', 'moved.log': 'skipped already loaded'});
	// What the load decided in the end, by content: the same.
	const last = Object.fromEntries(files.map((file) => [path.basename(file.label), `${file.status} ${file.note ?? ''}`.trim()]));
	assert.deepEqual(last, {...first, 'e.log': 'loaded'});
	assert.equal(files.find((file) => file.label.endsWith('d.log'))!.sameContentAs, at('b.log'));
});
