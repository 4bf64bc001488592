import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {assertAccounting, assertOnlyCommittedChunks, loadedContent} from './helpers/accounting.js';
import {startCli, type CliRun} from './helpers/cli.js';
import {mergedInputs, writeFaultInputs} from './helpers/inputs.js';
import {BIG, envCount, seededRandom} from './helpers/seed.js';

/**
 * The real CLI, killed with SIGKILL (and its connections cut by the server) at seeded moments of a
 * multi-file load — mid-COPY, between files, after some chunks, after a random delay — then run
 * again until it finishes: the database must equal a clean single-pass load of the same inputs.
 * Every fault must hit a running load; when a load ends first, a later export is added to the folder.
 */
const EVENTS = envCount('OPENPOLYEDU_KILL_EVENTS', BIG ? 200_000 : 15_000);
const FAULTS = envCount('OPENPOLYEDU_FAULTS', BIG ? 12 : 5);
/** Events in each later export, when a load ended before its fault could hit it. */
const TOP_UP_EVENTS = 5000;

type Fault = 'kill mid-COPY' | 'kill between files' | 'kill after some chunks' | 'kill after a random delay' | 'connection cut mid-COPY';
const FAULT_KINDS: Fault[] = ['kill mid-COPY', 'kill between files', 'kill after some chunks', 'kill after a random delay', 'connection cut mid-COPY'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('killed and cut at random points of a multi-file load', () => {
	it(`ends equal to a clean load after ${FAULTS} faults`, async () => {
		const {random, seed} = seededRandom('kill-and-resume');
		const batches = [await writeFaultInputs(fixtureDir(), EVENTS, random)];
		const inputsDir = batches[0]!.dir;
		const clean = await openTestDatabase('kill_clean');
		const faulted = await openTestDatabase('kill_faulted');
		const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-kill-'));
		after(() => fs.rmSync(workdir, {recursive: true, force: true}));
		const cliArgs = ['ingest', '--db', faulted.url, '--workdir', workdir, '--workers', '2', inputsDir];
		const watcher = new pg.Pool({...clientConfig(faulted.url), max: 1});
		watcher.on('error', () => {});
		after(() => watcher.end());
		const scalar = async (sql: string) => Number(Object.values((await watcher.query(sql)).rows[0] as object)[0]);
		// The app's connections (the watcher's own has the same application_name: left out).
		const appBackends = `FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'openpolyedu-tui' AND pid <> pg_backend_pid()`;

		/** Polls until `ready` holds (or the run ends); true when the fault could be injected while it ran. */
		const when = async (run: CliRun, ready: () => Promise<boolean>) => {
			let exited = false;
			void run.done.then(() => (exited = true));
			while (!exited) {
				if (await ready().catch(() => false)) return !exited;
				await sleep(15);
			}
			return false;
		};
		const inject = async (fault: Fault, run: CliRun): Promise<boolean> => {
			const kill = () => run.child.kill('SIGKILL');
			const copying = async () => (await scalar(`SELECT count(*) ${appBackends} AND state = 'active' AND query LIKE 'COPY events%'`)) > 0;
			switch (fault) {
				case 'kill mid-COPY':
					return (await when(run, copying)) && kill();
				case 'kill between files': {
					// The moment the next input gets its manifest row, before any of its chunks commits.
					const files = await scalar('SELECT count(*) FROM source_files');
					return (await when(run, async () => (await scalar('SELECT count(*) FROM source_files')) > files)) && kill();
				}
				case 'kill after some chunks': {
					const target = (await scalar('SELECT count(*) FROM file_chunks')) + random.int(1, 2);
					return (await when(run, async () => (await scalar('SELECT count(*) FROM file_chunks')) >= target)) && kill();
				}
				case 'kill after a random delay': {
					// A random moment after this run's load began (start-up alone would prove little).
					const loads = await scalar('SELECT count(*) FROM loads');
					const delay = random.int(0, 800);
					return (await when(run, async () => (await scalar('SELECT count(*) FROM loads')) > loads)) && (await sleep(delay), run.child.exitCode === null) && kill();
				}
				case 'connection cut mid-COPY':
					if (!(await when(run, copying))) return false;
					await watcher.query(`SELECT pg_terminate_backend(pid) ${appBackends}`);
					return true;
			}
		};

		const faults = Array.from({length: FAULTS}, (_, index) => FAULT_KINDS[index % FAULT_KINDS.length]!);
		for (let i = faults.length - 1; i > 0; i--) {
			const j = random.int(0, i);
			[faults[i], faults[j]] = [faults[j]!, faults[i]!];
		}
		/** Runs the CLI until `fault` hits it; a run that ends first must have succeeded. */
		const runUntilHit = async (fault: Fault) => {
			for (;;) {
				const started = Date.now();
				const run = startCli(cliArgs);
				const hit = await inject(fault, run);
				const result = await run.done;
				if (hit) return {result, started};
				assert.equal(result.code, 0, `seed ${seed}: a run that finished before "${fault}" succeeded: ${result.stderr}`);
				// A late fault (a random delay) can leave nothing to load: the next export arrives, so
				// that every fault still hits a running load.
				assert.ok(batches.length <= FAULTS, `seed ${seed}: "${fault}" never hit a running load`);
				batches.push(await writeFaultInputs(inputsDir, TOP_UP_EVENTS, random, batches.at(-1)!.nextInput));
				console.log(`# kill-and-resume: the load ended before "${fault}" (${Date.now() - started} ms): a new export of ${TOP_UP_EVENTS} events arrives`);
			}
		};
		const injected: Fault[] = [];
		for (const fault of faults) {
			const {result, started} = await runUntilHit(fault);
			injected.push(fault);
			console.log(`# kill-and-resume: ${fault} after ${Date.now() - started} ms`);
			if (fault === 'connection cut mid-COPY') {
				assert.equal(result.code, 1, `seed ${seed}: a cut connection makes the ingest fail`);
				assert.match(result.stderr, /run the ingest again to resume|database/i, `one clear sentence, not: ${result.stderr}`);
				assert.doesNotMatch(result.stderr, /\n\s+at |Unexpected error/, 'no stack trace');
				console.log(`# kill-and-resume: connection cut: "${result.stderr.trim().split('\n').at(-1)}"`);
			} else {
				assert.equal(result.signal, 'SIGKILL', `seed ${seed}: ${fault}`);
			}
			// The server drops a dead client's session (and its advisory lock) once it notices the closed socket.
			for (let wait = 0; wait < 200 && (await scalar(`SELECT count(*) ${appBackends}`)) > 0; wait++) await sleep(50);
			assert.equal(await scalar(`SELECT count(*) ${appBackends}`), 0, 'the server let go of the dead connections');
			// Through the watcher: a connection of faulted.pool's, idle until the pool's 10 s idle timeout, has the app's
			// application_name, and the wait above took it for a dead connection of the CLI's (9 s after each fault).
			await assertOnlyCommittedChunks(watcher);
		}

		const finalStarted = Date.now();
		const final = await startCli(cliArgs).done;
		console.log(`# kill-and-resume: last run ${Date.now() - finalStarted} ms`);
		assert.equal(final.code, 0, `seed ${seed}: the last run completes: ${final.stderr}`);
		assert.match(final.stdout, /read \d+ lines: loaded \d+, duplicates \d+, rejected \d+/);

		const inputs = mergedInputs(batches);
		await ingest(clean, [inputs.dir]);
		const expected = await assertAccounting(clean.pool, inputs.contents);
		const got = await assertAccounting(faulted.pool, inputs.contents);
		assert.equal(got.lines, expected.lines);
		const label = (file: string) => path.relative(inputs.dir, file);
		const cleanContent = await loadedContent(clean.pool, label);
		const faultedContent = await loadedContent(faulted.pool, label);
		assert.equal(faultedContent.distinctHashes, faultedContent.events, 'no event stored twice');
		assert.deepEqual(faultedContent, cleanContent, `seed ${seed}: after ${injected.join(', ')} the database equals a clean load`);
		console.log(
			`# kill-and-resume: ${inputs.lines} lines in ${inputs.contents.size} inputs, ${injected.length} faults injected (${injected.join(', ')}); ${faultedContent.events} events, ${faultedContent.rejected.length} rejected lines, equal to a clean load; lines lost 0`,
		);
	});
});
