import assert from 'node:assert/strict';
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
