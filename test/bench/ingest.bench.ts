import {fork} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {parseArgs} from 'node:util';
import zlib from 'node:zlib';
import {ensureDatabaseExists, openDatabase} from '../../ingest/db/database.js';
import {removeWorkdir, startEmbeddedServer} from '../../ingest/db/embedded-server.js';
import {ensureWorkdir, resolveWorkdir} from '../../ingest/db/workdir.js';
import {runIngest} from '../../ingest/engine.js';
import type {IngestSummary} from '../../ingest/progress.js';
import {wholeNumberFlag} from '../tools/cli-arguments.js';
import {benchFlags} from './helpers/bench-flags.js';
import {cachedBenchLog} from './helpers/bench-log.js';
import {cleanCopyFor, timeJsonbCopy} from './helpers/jsonb-copy-baseline.js';
import {median} from './helpers/median.js';
import {PeakRss, clientCpuSeconds, serverCpuSeconds} from './helpers/process-stats.js';
import {timedIngest} from './helpers/timed-ingest.js';
import {type SignalStop, stopOnSignals} from './helpers/stop-on-signals.js';

/**
 * npm run bench:ingest [-- --events N] [--workers N] [--seed S] [--bad-lines K] [--rounds R] [--keep]
 *
 * On one embedded PostgreSQL started for the run, measures (1) the naive ceiling: a plain COPY of the
 * log's lines into a one-column jsonb table, and (2) our full ingest (runIngest: typed columns,
 * dedupe, indexes, manifest, rejected lines, then the derived tables) into a fresh database, then
 * (3) a re-run on the same file, which must skip it. Prints time, MB/s, events/s, peak RSS and CPU of
 * each, and the speed ratio ours / COPY (target >= 1.5x, aim 2x). The log is generated once and
 * cached in the temp folder. With --rounds R > 1, R - 1 more pairs (baseline, then our load into a
 * fresh database) follow, and the median of the pairs' ratios is printed: the machine's speed drifts
 * between runs, so pairs measured minutes apart compare better than separate runs. With --files N, the log is also
 * cut into N daily files (year/month folders, every third gzipped, as OpenEdu hands out a year of logs), and R pairs
 * follow, each loading the one file then the N files into fresh databases: their load times and the ratio many / one.
 */

const USAGE = 'Usage: npm run bench:ingest -- [--events N (default 1000000)] [--workers N] [--seed S] [--bad-lines K] [--rounds R (default 1)] [--files N] [--keep]';

function wholeNumber(name: string, value: string | undefined, fallback: number | undefined, minimum: number): number | undefined {
	return wholeNumberFlag(name, value, minimum) ?? fallback;
}

function parseOptions() {
	const {values} = parseArgs({
		options: {
			events: {type: 'string'}, workers: {type: 'string'}, seed: {type: 'string'}, 'bad-lines': {type: 'string'}, rounds: {type: 'string'}, files: {type: 'string'}, keep: {type: 'boolean'},
			help: {type: 'boolean', short: 'h'}, 'prepare-only': {type: 'boolean'},
		},
		strict: true,
	});
	const events = wholeNumber('events', values.events, 1_000_000, 1)!;
	return {
		help: values.help ?? false,
		events,
		workers: wholeNumber('workers', values.workers, undefined, 1),
		seed: wholeNumber('seed', values.seed, 1, 0)!,
		// About one bad line in 10 000, as in real exports: the rejection path is part of the work.
		badLines: wholeNumber('bad-lines', values['bad-lines'], Math.ceil(events / 10_000), 0)!,
		rounds: wholeNumber('rounds', values.rounds, 1, 1)!,
		files: wholeNumber('files', values.files, undefined, 2),
		keep: values.keep ?? false,
		prepareOnly: values['prepare-only'] ?? false,
	};
}

type Options = ReturnType<typeof parseOptions>;

const say = (text: string) => process.stderr.write(`${text}\n`);

/** The cached log and its clean copy for the baseline, generated when missing. */
async function prepare(options: Options) {
	const log = await cachedBenchLog({name: 'ingest', events: options.events, seed: options.seed, badLines: options.badLines});
	if (log.generatedSeconds !== undefined) say(`  generated in ${log.generatedSeconds.toFixed(1)} s (${(log.truth.bytes / MB / log.generatedSeconds).toFixed(1)} MB/s)`);
	const copy = await cleanCopyFor(log.file, log.truth);
	return {log, copy};
}

/** Generating happens in a child process, so its memory never counts in this process's peak RSS. */
async function prepareInChild(): Promise<void> {
	const child = fork(process.argv[1]!, [...process.argv.slice(2), '--prepare-only'], {stdio: 'inherit'});
	const code = await new Promise<number | null>((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', resolve);
	});
	if (code !== 0) throw new Error(`preparing the log failed (exit code ${code})`);
}

type Row = {label: string; seconds: number; bytes: number; events: number; peakRss?: number; clientCpu?: number; serverCpu?: number};

const MB = 1e6;

function table(rows: Row[]): string {
	const header = ['', 'time', 'MB/s', 'events/s', 'peak RSS', 'client CPU', 'server CPU'];
	const cells = rows.map((row) => [
		row.label,
		`${row.seconds.toFixed(2)} s`,
		(row.bytes / MB / row.seconds).toFixed(1),
		Math.round(row.events / row.seconds).toLocaleString('en-US'),
		row.peakRss === undefined ? '-' : `${Math.round(row.peakRss / MB)} MB`,
		row.clientCpu === undefined ? '-' : `${row.clientCpu.toFixed(1)} s`,
		row.serverCpu === undefined ? '-' : `${row.serverCpu.toFixed(1)} s`,
	]);
	const widths = header.map((_, column) => Math.max(header[column]!.length, ...cells.map((cell) => cell[column]!.length)));
	const format = (cell: string[]) => cell.map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!))).join('   ');
	return [format(header), ...cells.map(format)].join('\n');
}

type Figures = {seconds: number; peakRss: number; clientCpu: number; serverCpu?: number};

/**
 * Runs `body` while sampling peak RSS and counting client and server CPU; `mark()`, called inside,
 * returns the figures so far (the end of the load, before the derived tables).
 */
async function measured<T>(dataDir: string, body: (mark: () => Figures) => Promise<T>): Promise<Figures & {result: T}> {
	const rss = new PeakRss();
	const clientBefore = clientCpuSeconds();
	const serverBefore = serverCpuSeconds(dataDir);
	const started = performance.now();
	const figures = (): Figures => {
		const serverNow = serverCpuSeconds(dataDir);
		return {
			seconds: (performance.now() - started) / 1000,
			peakRss: rss.value,
			clientCpu: clientCpuSeconds() - clientBefore,
			serverCpu: serverBefore === undefined || serverNow === undefined ? undefined : serverNow - serverBefore,
		};
	};
	const result = await body(figures);
	const seconds = (performance.now() - started) / 1000;
	// A backend whose client just disconnected counts in the postmaster's children times only once reaped.
	await new Promise((resolve) => setTimeout(resolve, 500));
	const done = {...figures(), seconds};
	rss.stop();
	return {...done, result};
}

/** Cuts the log's lines into `count` daily files under `folder` (year/month folders, every third gzipped). */
async function dailyFiles(log: string, count: number, lines: number, folder: string): Promise<void> {
	const perFile = lines / count;
	const firstDay = Date.UTC(2018, 8, 1);
	let day = 0;
	let held: string[] = [];
	const write = () => {
		const date = new Date(firstDay + day * 86_400_000).toISOString().slice(0, 10);
		const dir = path.join(folder, date.slice(0, 4), date.slice(5, 7));
		fs.mkdirSync(dir, {recursive: true});
		const content = Buffer.from(held.map((line) => `${line}\n`).join(''));
		if (day % 3 === 2) fs.writeFileSync(path.join(dir, `tracking.log-${date}.gz`), zlib.gzipSync(content));
		else fs.writeFileSync(path.join(dir, `tracking.log-${date}`), content);
		held = [];
		day++;
	};
	let read = 0;
	for await (const line of readline.createInterface({input: fs.createReadStream(log), crlfDelay: Infinity})) {
		held.push(line);
		read++;
		if (read >= Math.round((day + 1) * perFile) && day < count - 1) write();
	}
	write();
}

/** Set once the server is started: a stop by signal then cleans up instead of main's finally. */
let signalStop: SignalStop | undefined;

async function main(): Promise<number> {
	const options = benchFlags(USAGE, parseOptions);
	if (options.prepareOnly) {
		await prepare(options);
		return 0;
	}
	say(`log: ${options.events.toLocaleString('en-US')} events, seed ${options.seed}, ${options.badLines} bad lines (cached in the temp folder) …`);
	await prepareInChild();
	const {log, copy} = await prepare(options);
	const {truth} = log;

	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-bench-ingest-'));
	// Reachable by the postgres user when running as root, so the cluster stays inside this folder.
	fs.chmodSync(root, 0o755);
	const workdir = resolveWorkdir(root);
	ensureWorkdir(workdir);
	signalStop = stopOnSignals(workdir, options.keep);
	say(`starting PostgreSQL in ${root} …`);
	const server = await startEmbeddedServer(workdir);
	const database = await openDatabase({workdir});
	let exitCode = 0;
	try {
		const {pool} = database;
		const databaseNamed = (name: string) => Object.assign(new URL(database.url), {pathname: `/${name}`}).toString();
		const measureBaseline = async () => {
			await pool.query('CREATE DATABASE bench_baseline');
			say('baseline: COPY into a one-column jsonb table …');
			const figures = await measured(server.dataDir, () => timeJsonbCopy(databaseNamed('bench_baseline'), copy));
			if (figures.result.rows !== copy.lines) throw new Error(`the baseline loaded ${figures.result.rows} rows, expected ${copy.lines}`);
			// Its WAL must not be checkpointed during our run, nor its table left to share the cache.
			await pool.query('DROP DATABASE bench_baseline');
			await pool.query('CHECKPOINT');
			return figures;
		};

		const loadBefore = os.loadavg()[0]!;
		const baseline = await measureBaseline();

		say(`ours: runIngest${options.workers ? ` with ${options.workers} workers` : ''} …`);
		let load: Figures | undefined;
		const loadAverages: number[] = [os.loadavg()[0]!];
		const ours = await measured(server.dataDir, (mark) =>
			runIngest({
				databaseUrl: database.url,
				pool,
				paths: [log.file],
				workers: options.workers,
				onProgress: (snapshot) => {
					if (snapshot.phase === 'deriving' && !load) load = mark();
				},
			}),
		);
		loadAverages.push(os.loadavg()[0]!);
		load ??= ours;
		const loadSeconds = load.seconds;
		const {rows: counted} = await pool.query<{count: number}>('SELECT count(*)::int AS count FROM events');

		say('re-run on the same file …');
		const rerun = await measured(server.dataDir, () => runIngest({databaseUrl: database.url, pool, paths: [log.file], workers: options.workers}));

		const summary: IngestSummary = ours.result;
		const baselineRow: Row = {label: 'baseline: COPY lines into jsonb', seconds: baseline.seconds, bytes: copy.sourceBytes, events: copy.lines, peakRss: baseline.peakRss, clientCpu: baseline.clientCpu, serverCpu: baseline.serverCpu};
		const loadRow: Row = {label: 'ours: load (typed, deduped, indexed)', seconds: loadSeconds, bytes: truth.bytes, events: truth.goodEvents, peakRss: load.peakRss, clientCpu: load.clientCpu, serverCpu: load.serverCpu};
		const fullRow: Row = {label: 'ours: load + derived tables', seconds: ours.seconds, bytes: truth.bytes, events: truth.goodEvents, peakRss: ours.peakRss, clientCpu: ours.clientCpu, serverCpu: ours.serverCpu};
		const speed = (row: Row) => row.bytes / row.seconds;
		const loadRatio = speed(loadRow) / speed(baselineRow);
		const fullRatio = speed(fullRow) / speed(baselineRow);

		const matches =
			summary.lines === truth.lines && summary.loaded === truth.goodEvents && summary.duplicates === truth.duplicateLines &&
			summary.rejected === truth.rejectedLines && counted[0]!.count === truth.goodEvents;
		const skipped = rerun.result.filesSkipped === 1 && rerun.result.loaded === 0;

		console.log(`\nOpenPolyEdu ingest benchmark: ${truth.goodEvents.toLocaleString('en-US')} events, ${(truth.bytes / MB).toFixed(0)} MB (${Math.round(truth.bytes / truth.lines)} bytes/line), ` +
			`${options.workers ?? 'default'} loader workers, ${os.availableParallelism()} cores, same PostgreSQL for both`);
		console.log(`log: ${log.file}\n`);
		console.log(table([baselineRow, loadRow, fullRow]));
		console.log(`\nspeed ours / baseline COPY: ${loadRatio.toFixed(2)}x for the load, ${fullRatio.toFixed(2)}x with the derived tables (target >= 1.5x, aim 2x)`);
		console.log(`derived tables: ${(ours.seconds - loadSeconds).toFixed(2)} s = ${((100 * (ours.seconds - loadSeconds)) / loadSeconds).toFixed(0)} % of the load`);
		console.log(`re-run on the same file: ${rerun.seconds.toFixed(3)} s, ${skipped ? 'skipped (already loaded)' : `NOT skipped: loaded ${rerun.result.loaded}`}`);
		console.log(`counts: read ${summary.lines} lines = loaded ${summary.loaded} + duplicates ${summary.duplicates} + rejected ${summary.rejected}; ` +
			`events table ${counted[0]!.count}; truth ${truth.lines} = ${truth.goodEvents} + ${truth.duplicateLines} + ${truth.rejectedLines}: ${matches ? 'match' : 'MISMATCH'}`);
		console.log(`peak RSS of this process (worker threads included): baseline ${Math.round(baseline.peakRss / MB)} MB, ingest ${Math.round(ours.peakRss / MB)} MB, re-run ${Math.round(rerun.peakRss / MB)} MB (target <= 300 MB)`);
		if (options.rounds > 1) {
			const ratios = [loadRatio];
			for (let round = 2; round <= options.rounds; round++) {
				const baselineSeconds = (await measureBaseline()).seconds;
				// Our load again, into a fresh database of the same server (its derived build runs, untimed).
				const url = databaseNamed(`bench_round_${round}`);
				await ensureDatabaseExists(url);
				const fresh = await openDatabase({databaseUrl: url, workdir});
				say(`ours: runIngest (round ${round}) …`);
				let loadedAt: number | undefined;
				const started = performance.now();
				await runIngest({databaseUrl: url, pool: fresh.pool, paths: [log.file], workers: options.workers, onProgress: (snapshot) => {
					if (snapshot.phase === 'deriving' && loadedAt === undefined) loadedAt = performance.now();
				}});
				await fresh.close();
				await pool.query(`DROP DATABASE bench_round_${round}`);
				await pool.query('CHECKPOINT');
				loadAverages.push(os.loadavg()[0]!);
				const loadSecondsNow = ((loadedAt ?? performance.now()) - started) / 1000;
				ratios.push(truth.bytes / loadSecondsNow / (copy.sourceBytes / baselineSeconds));
				console.log(`round ${round}: baseline ${baselineSeconds.toFixed(2)} s, our load ${loadSecondsNow.toFixed(2)} s, ratio ${ratios.at(-1)!.toFixed(2)}x`);
			}
			console.log(`ratios of the ${ratios.length} pairs: ${ratios.map((ratio) => `${ratio.toFixed(2)}x`).join(', ')}; median ${median(ratios).toFixed(2)}x (target >= 1.5x)`);
		}
		if (options.files !== undefined) {
			const folder = path.join(root, 'daily');
			say(`cutting the log into ${options.files} daily files …`);
			await dailyFiles(log.file, options.files, truth.lines, folder);
			const loadSeconds = async (name: string, input: string) => {
				const url = databaseNamed(name);
				await ensureDatabaseExists(url);
				const fresh = await openDatabase({databaseUrl: url, workdir});
				say(`ours: runIngest of ${input} …`);
				const {summary: loaded, ingestMs} = await timedIngest(url, fresh.pool, input);
				await fresh.close();
				await pool.query(`DROP DATABASE ${name}`);
				await pool.query('CHECKPOINT');
				loadAverages.push(os.loadavg()[0]!);
				if (loaded.loaded !== truth.goodEvents) throw new Error(`${input} loaded ${loaded.loaded} events, expected ${truth.goodEvents}`);
				return ingestMs / 1000;
			};
			const ratios: number[] = [];
			for (let round = 1; round <= options.rounds; round++) {
				const one = await loadSeconds('bench_one_file', log.file);
				const many = await loadSeconds('bench_many_files', folder);
				ratios.push(many / one);
				console.log(`daily files, round ${round}: load of the one file ${one.toFixed(2)} s, of the ${options.files} files ${many.toFixed(2)} s, ratio ${ratios.at(-1)!.toFixed(2)}`);
			}
			console.log(`load time ${options.files} files / one file, ${ratios.length} pairs: ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}; median ${median(ratios).toFixed(2)}`);
		}
		const cpu = (row: Row) => (row.clientCpu ?? 0) + (row.serverCpu ?? 0);
		if (fullRow.serverCpu !== undefined) {
			console.log(`CPU (client + server): baseline ${cpu(baselineRow).toFixed(1)} s, our load ${cpu(loadRow).toFixed(1)} s, with derived tables ${cpu(fullRow).toFixed(1)} s`);
		}
		// Wall-clock ratios mean little while other processes compete for the cores.
		const busiest = Math.max(loadBefore, ...loadAverages);
		if (busiest > os.availableParallelism()) {
			console.log(`WARNING: load average reached ${busiest.toFixed(1)} on ${os.availableParallelism()} cores during the run: other processes competed, the times above are pessimistic.`);
		}
		if (!matches || !skipped) exitCode = 1;
	} finally {
		if (!signalStop.requested) {
			signalStop.dispose();
			await database.close();
			if (options.keep) say(`kept ${root}`);
			else removeWorkdir(workdir);
		}
	}
	return exitCode;
}

try {
	process.exitCode = await main();
} catch (error) {
	// A stop's own consequence (its queries cut off) is not a failure: the stop ends the process.
	if (!signalStop?.requested) {
		console.error(`bench:ingest failed: ${(error as Error).message}`);
		process.exitCode = 1;
	}
}
