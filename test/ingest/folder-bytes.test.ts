import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import {folderBytes, type FolderReader} from '../../ingest/db/embedded-server.js';

/** A cluster's folder of known bytes: PG_VERSION (3), two table files (100 and 50), a pgsql_tmp folder's file (1,000). */
function cluster(): string {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-folder-bytes-'));
	after(() => fs.rmSync(home, {recursive: true, force: true}));
	fs.mkdirSync(path.join(home, 'pgdata', 'base', '5', 'pgsql_tmp'), {recursive: true});
	fs.writeFileSync(path.join(home, 'pgdata', 'PG_VERSION'), '18\n');
	fs.writeFileSync(path.join(home, 'pgdata', 'base', '5', '16384'), Buffer.alloc(100));
	fs.writeFileSync(path.join(home, 'pgdata', 'base', '5', '16390'), Buffer.alloc(50));
	fs.writeFileSync(path.join(home, 'pgdata', 'base', '5', 'pgsql_tmp', 'pgsql_tmp123.0'), Buffer.alloc(1000));
	return home;
}

/** The file system, but `folder` is removed just before the walk reads it, as a running server does between the listing of its parent and that read. */
function removedBeforeRead(folder: string): FolderReader {
	return {
		readdirSync(current, options) {
			if (current === folder) fs.rmSync(folder, {recursive: true});
			return fs.readdirSync(current, options);
		},
		statSync: (file, options) => fs.statSync(file, options),
	};
}

describe('a cluster folder’s size (db status)', () => {
	it('is the bytes of its files', () => {
		assert.equal(folderBytes(cluster()), 1153);
	});

	it('passes over a subfolder the server removes as the walk reaches it: the cluster keeps the bytes it has (the walk’s ENOENT left it out of db status)', () => {
		const home = cluster();
		assert.equal(folderBytes(home, removedBeforeRead(path.join(home, 'pgdata', 'base', '5', 'pgsql_tmp'))), 153);
		// A dropped table's folder, files and all.
		const other = cluster();
		assert.equal(folderBytes(other, removedBeforeRead(path.join(other, 'pgdata', 'base'))), 3);
	});

	it('still fails where the folder itself is gone, or a folder in it cannot be read', () => {
		const home = cluster();
		assert.throws(() => folderBytes(home, removedBeforeRead(home)), {code: 'ENOENT'});
		const other = cluster();
		const tables = path.join(other, 'pgdata', 'base', '5');
		const unreadable: FolderReader = {
			readdirSync(current, options) {
				if (current === tables) throw Object.assign(new Error(`EACCES: permission denied, scandir '${tables}'`), {code: 'EACCES'});
				return fs.readdirSync(current, options);
			},
			statSync: (file, options) => fs.statSync(file, options),
		};
		assert.throws(() => folderBytes(other, unreadable), {code: 'EACCES'});
	});
});
