import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import {copyOnce} from '../../ingest/db/embedded-server.js';

/**
 * As root with the project where the postgres user cannot reach it (under /root), the server's programs are copied
 * once per version to a folder it can reach (copyOnce): here on a small tree of the same shape.
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-binaries-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

const MARK = path.join('bin', 'postgres');
let trees = 0;

/** A native tree: bin/postgres and enough files in share/ that copying them takes many turns of the event loop. */
function nativeTree(): string {
	const root = path.join(scratch, `native-${++trees}`);
	fs.mkdirSync(path.join(root, 'bin'), {recursive: true});
	fs.mkdirSync(path.join(root, 'share', 'timezone'), {recursive: true});
	fs.writeFileSync(path.join(root, MARK), 'the server');
	for (let index = 0; index < 300; index++) fs.writeFileSync(path.join(root, 'share', 'timezone', `zone-${index}`), `zone ${index}`);
	return root;
}

describe('the server programs copied where the postgres user can reach them', () => {
	it('are copied once, the step said while the app keeps running', async () => {
		const from = nativeTree();
		const copy = path.join(scratch, 'copy-once');
		const steps: string[] = [];
		// A blank, frozen screen was the symptom: the copy was synchronous, and nothing else ran until it ended.
		let turns = 0;
		let counting = true;
		const count = () => {
			turns++;
			if (counting) setImmediate(count);
		};
		setImmediate(count);
		await copyOnce(from, copy, MARK, (step) => steps.push(step));
		counting = false;
		assert.ok(turns > 0, 'the event loop turned during the copy');
		assert.deepEqual(steps, ['copying the PostgreSQL programs where the postgres user can reach them']);
		assert.equal(fs.readFileSync(path.join(copy, MARK), 'utf8'), 'the server');
		assert.equal(fs.readdirSync(path.join(copy, 'share', 'timezone')).length, 300);
		assert.deepEqual(fs.readdirSync(scratch).filter((name) => name.includes('.partial-')), [], 'no staging folder is left');

		await copyOnce(from, copy, MARK, (step) => steps.push(step));
		assert.equal(steps.length, 1, 'a whole copy is not made again');
	});

	it('keep the copy another run put in place meanwhile (it may be starting its server from it)', async () => {
		const from = nativeTree();
		const copy = path.join(scratch, 'copy-race');
		await copyOnce(from, copy, MARK, () => {
			// The other run, finishing its copy while this one copies.
			fs.mkdirSync(path.join(copy, 'bin'), {recursive: true});
			fs.writeFileSync(path.join(copy, MARK), 'the other run');
		});
		assert.equal(fs.readFileSync(path.join(copy, MARK), 'utf8'), 'the other run');
		assert.deepEqual(fs.readdirSync(scratch).filter((name) => name.includes('.partial-')), [], 'no staging folder is left');
	});

	it('remove the staging folders of copies cut short, whose run is gone, and never one whose process runs (it may be copying now): a first start as root killed while it copied left 60 MB for good', async () => {
		const home = path.join(scratch, 'leftovers');
		fs.mkdirSync(home);
		const copy = path.join(home, 'postgres-16.4.0');
		// A run killed while it copied (its process gone), and one copying now (a process of its own, running).
		const killed = spawn(process.execPath, ['-e', '']);
		await once(killed, 'exit');
		const copying = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
		try {
			const staging = (version: string, pid: number) => {
				const folder = path.join(home, `postgres-${version}.partial-${pid}`);
				fs.mkdirSync(path.join(folder, 'share'), {recursive: true});
				fs.writeFileSync(path.join(folder, 'share', 'zone'), 'a zone');
				return path.basename(folder);
			};
			const live = staging('16.4.0', copying.pid!);
			// Another version's too (the app updated since).
			for (const version of ['16.4.0', '15.8.0']) staging(version, killed.pid!);
			await copyOnce(nativeTree(), copy, MARK, () => {});
			assert.deepEqual(fs.readdirSync(home).sort(), ['postgres-16.4.0', live]);
			assert.equal(fs.readFileSync(path.join(home, live, 'share', 'zone'), 'utf8'), 'a zone', 'the live one is left whole');
			// The copy is whole by then: a later start, with nothing to copy, removes one all the same.
			staging('16.4.0', killed.pid!);
			await copyOnce(nativeTree(), copy, MARK, () => assert.fail('copied again'));
			assert.deepEqual(fs.readdirSync(home).sort(), ['postgres-16.4.0', live]);
		} finally {
			copying.kill();
		}
	});

	it('replace a copy that lost its server program', async () => {
		const from = nativeTree();
		const copy = path.join(scratch, 'copy-broken');
		fs.mkdirSync(path.join(copy, 'share'), {recursive: true});
		fs.writeFileSync(path.join(copy, 'share', 'left-over'), '');
		await copyOnce(from, copy, MARK, () => {});
		assert.equal(fs.readFileSync(path.join(copy, MARK), 'utf8'), 'the server');
		assert.equal(fs.existsSync(path.join(copy, 'share', 'left-over')), false);
	});
});
