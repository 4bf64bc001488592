import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
// The bench's temp folder (its log cache and workdir) is this test's own.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-bench-signal-'));
fs.chmodSync(tmp, 0o755);
after(() => fs.rmSync(tmp, {recursive: true, force: true}));

/** The command lines of the processes that name `dataDir` (a postgres server keeps it in its arguments). */
function processesOf(dataDir: string): string[] {
	if (!fs.existsSync('/proc')) return [];
	return fs.readdirSync('/proc').flatMap((pid) => {
		try {
			const commandLine = fs.readFileSync(path.join('/proc', pid, 'cmdline'), 'utf8').replaceAll('\0', ' ');
			return commandLine.includes(dataDir) ? [commandLine] : [];
		} catch {
			return [];
		}
	});
}

test('bench:tasks stopped by SIGTERM stops its PostgreSQL and removes its workdir and cluster (exit 130)', {timeout: 120_000, skip: process.platform === 'win32' ? 'skipped: a signal sent to a child, and /proc (POSIX)' : false}, async () => {
	const bench = spawn(process.execPath, [path.join(here, 'tasks.bench.js'), '--events', '2000'], {env: {...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp}});
	let output = '';
	bench.stderr.on('data', (data: Buffer) => (output += data.toString()));
	// The log is loaded ("log: …" comes after the load): the server is up and its tasks still to run.
	await new Promise<void>((resolve, reject) => {
		bench.stdout.on('data', (data: Buffer) => {
			output += data.toString();
			if (output.includes('events loaded:')) resolve();
		});
		bench.on('exit', () => reject(new Error(`the bench ended before its load was done:\n${output}`)));
	});
	const [workdirName] = fs.readdirSync(tmp).filter((name) => name.startsWith('openpolyedu-bench-tasks-'));
	assert.ok(workdirName, `a workdir in ${tmp}`);
	const workdir = path.join(tmp, workdirName);
	const dataDir = fs.realpathSync(path.join(workdir, 'pgdata'));
	assert.ok(processesOf(dataDir).length > 0, 'its server runs while it works');

	bench.kill('SIGTERM');
	const [code] = await once(bench, 'exit');
	assert.equal(code, 130, output);
	assert.match(output, /stopping the bench's PostgreSQL/);
	// Its queries cut off by the stop are not reported as a failure (no stack trace).
	assert.doesNotMatch(output, /\n\s+at /);
	assert.deepEqual(processesOf(dataDir), [], 'no server left running on its cluster');
	assert.equal(fs.existsSync(workdir), false, 'its workdir is removed');
	assert.equal(fs.existsSync(dataDir), false, 'its cluster is removed');
});
