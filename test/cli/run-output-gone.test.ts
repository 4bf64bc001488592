import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {EventEmitter} from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {CancelledError, outputGone, type CommandContext, type Flags} from '../../source/commands/context.js';
import {runCommand} from '../../source/commands/run.js';
import {createTestDatabase} from '../helpers/database.js';
import {fixtureDir, lines} from '../helpers/ingest.js';
import {projectRoot} from '../helpers/shared.js';

// A file of its own: outputGone cancels every command of the process from then on.
const url = await createTestDatabase('cli_output_gone');
const dir = fixtureDir();
fs.writeFileSync(path.join(dir, 'day.log'), lines(0, 20));
const ingest = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), 'ingest', path.join(dir, 'day.log'), '--db', url], {cwd: dir, encoding: 'utf8'});

/** A pipe whose reader goes away once the last of the JSON (its closing bracket) is written: that write cannot finish. */
function pipeGoneAtTheEnd() {
	const stream = Object.assign(new EventEmitter(), {
		written: '',
		write(chunk: string) {
			stream.written += chunk;
			if (!chunk.endsWith(']\n')) return true;
			setImmediate(outputGone);
			return false;
		},
	});
	return stream;
}

describe('run whose output pipe has no reader any more', () => {
	it('is cancelled (exit 130) when the pipe goes while the last bytes wait to be written (JSON ended in an unexpected AbortError, exit 1)', async () => {
		assert.equal(ingest.status, 0, ingest.stderr);
		const stdout = pipeGoneAtTheEnd();
		const context = {
			args: ['learners'],
			flags: {format: 'json', param: []} as unknown as Flags,
			databaseUrl: url,
			stdout: stdout as unknown as NodeJS.WriteStream,
			stderr: {write: () => true} as unknown as NodeJS.WriteStream,
		} satisfies CommandContext;
		await assert.rejects(runCommand(context), (error) => error instanceof CancelledError && error.exitCode === 130);
		assert.equal(JSON.parse(stdout.written).length, 7, 'the seven learners were written before the pipe went');
	});
});
