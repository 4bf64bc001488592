import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {embeddedServerStatus} from '../../ingest/db/embedded-server.js';
import {resolveWorkdir} from '../../ingest/db/workdir.js';
import {tempDir} from '../helpers/temp-dir.js';

/**
 * `npm test` stopped half-way (`timeout 60 npm test`, Ctrl-C) stops its embedded server and removes its
 * /tmp/openpolyedu-test-* workdir: a killed runner left both behind.
 */
const runner = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'run-tests.js');
const workdirsIn = (dir: string) => fs.readdirSync(dir).filter((name) => name.startsWith('openpolyedu-test-'));

/** Whether something accepts connections on the port (the server, while it runs). */
function listening(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1', () => {
			socket.destroy();
			resolve(true);
		});
		socket.on('error', () => resolve(false));
	});
}

describe('npm test stopped while its tests run', {skip: process.platform === 'win32' ? 'skipped: no POSIX signals on Windows' : false}, () => {
	const stops = [
		{how: "timeout's SIGTERM to the whole process group", stop: (pid: number) => process.kill(-pid, 'SIGTERM')},
		{how: 'a SIGINT to the runner alone', stop: (pid: number) => process.kill(pid, 'SIGINT')},
	];
	for (const {how, stop} of stops) {
		it(`stops its server and removes its workdir on ${how}`, async () => {
			const tmp = tempDir('openpolyedu-runner-');
			// As root the server's own user must reach the workdir made in it.
			fs.chmodSync(tmp, 0o755);
			// Without NODE_TEST_CONTEXT, which would make its node --test report to us in its binary form, not TAP.
			const {NODE_TEST_CONTEXT, ...env} = process.env;
			const child = spawn(process.execPath, [runner, path.join('ingest', 'ingest.test.js')], {env: {...env, TMPDIR: tmp}, detached: true, stdio: ['ignore', 'pipe', 'ignore']});
			const exited = once(child, 'exit');
			let output = '';
			// A first test has passed: the server is up and the test files run.
			await new Promise<void>((resolve, reject) => {
				child.stdout.on('data', (data: Buffer) => {
					output += data.toString();
					if (/^\s*ok 1 /m.test(output)) resolve();
				});
				child.on('exit', () => reject(new Error(`the runner ended before a test passed:\n${output}`)));
			});
			const [name] = workdirsIn(tmp);
			assert.ok(name, 'the runner made its workdir in TMPDIR');
			const port = embeddedServerStatus(resolveWorkdir(path.join(tmp, name))).port;
			assert.ok(port !== undefined && (await listening(port)), 'its server runs');
			stop(child.pid!);
			const [code, signal] = await exited;
			assert.deepEqual([code, signal], [130, null], 'the runner ends itself, as a cancelled command does');
			assert.deepEqual(workdirsIn(tmp), []);
			assert.equal(await listening(port), false, 'its server is stopped');
		});
	}
});
