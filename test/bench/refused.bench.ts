import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {parseArgs} from 'node:util';
import {ensureDatabaseExists, openDatabase} from '../../ingest/db/database.js';
import {removeWorkdir} from '../../ingest/db/embedded-server.js';
import {resolveWorkdir} from '../../ingest/db/workdir.js';
import {wholeNumberFlag} from '../tools/cli-arguments.js';
import {benchFlags} from './helpers/bench-flags.js';
import {cachedBenchLog} from './helpers/bench-log.js';
import {median} from './helpers/median.js';
import {type SignalStop, stopOnSignals} from './helpers/stop-on-signals.js';
import {timedIngest} from './helpers/timed-ingest.js';

/**
 * npm run bench:refused [-- --events N] [--seed S] [--rounds R]
 *
 * What the payloads PostgreSQL refuses cost a load. The same generated log is loaded clean, then with 0.1 % and 1 % of
 * its lines garbled the way a damaged .gz garbles them: a payload string that looks like JSON but is not (`"{#…}"`).
 * The parser leaves such a string for jsonb to check; PostgreSQL refuses it, and the loader stores it as text. Each load
 * goes into a fresh database of one PostgreSQL started for the run; per round the clean load is the baseline of the
 * garbled ones (the machine's speed drifts between runs). Prints each load's time and its ratio to the clean one, and
 * checks the counts: every event loaded, exactly the garbled payloads stored as text.
 */

const USAGE = 'Usage: npm run bench:refused -- [--events N (default 200000)] [--seed S] [--rounds R (default 1)]';

/** Garbled lines per line of the log, the clean one first. */
const RATES = [0, 0.001, 0.01];

const say = (text: string) => process.stderr.write(`${text}\n`);

const options = benchFlags(USAGE, () => {
	const {values} = parseArgs({options: {events: {type: 'string'}, seed: {type: 'string'}, rounds: {type: 'string'}, help: {type: 'boolean', short: 'h'}}, strict: true});
	return {
		help: values.help,
		events: wholeNumberFlag('events', values.events, 1) ?? 200_000,
		seed: wholeNumberFlag('seed', values.seed, 0) ?? 1,
		rounds: wholeNumberFlag('rounds', values.rounds, 1) ?? 1,
	};
});

const PAYLOAD = '"event": "{';

/**
 * A copy of `file` where, from every 1/rate-th line on, the next line whose payload is a string holding a JSON object
 * gets a '#' after its brace; returns how many were garbled. Cached beside the log (same bytes for the same log).
 */
async function garbledCopy(file: string, rate: number): Promise<{file: string; garbled: number}> {
	const copy = file.replace(/\.log$/, `-refused${rate * 1000}permille.log`);
	const countFile = `${copy}.garbled`;
	if (fs.existsSync(countFile)) return {file: copy, garbled: Number(fs.readFileSync(countFile, 'utf8'))};
	const out = fs.createWriteStream(copy);
	const step = 1 / rate;
	let due = 0;
	let index = 0;
	let garbled = 0;
	for await (const line of readline.createInterface({input: fs.createReadStream(file), crlfDelay: Infinity})) {
		let text = line;
		if (index++ >= due && line.includes(PAYLOAD)) {
			text = line.replace(PAYLOAD, `${PAYLOAD}#`);
			garbled++;
			due += step;
		}
		if (!out.write(`${text}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
	}
	await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
	fs.writeFileSync(countFile, String(garbled));
	return {file: copy, garbled};
}

let signalStop: SignalStop | undefined;

async function main(): Promise<number> {
	say(`log: ${options.events.toLocaleString('en-US')} events, seed ${options.seed} (cached in the temp folder) …`);
	const log = await cachedBenchLog({name: 'refused', events: options.events, seed: options.seed, badLines: 0});
	const inputs = await Promise.all(RATES.map((rate) => (rate === 0 ? {file: log.file, garbled: 0} : garbledCopy(log.file, rate))));

	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-bench-refused-'));
	// Reachable by the postgres user when running as root, so the cluster stays inside this folder.
	fs.chmodSync(root, 0o755);
	const workdir = resolveWorkdir(root);
	signalStop = stopOnSignals(workdir);
	say(`starting PostgreSQL in ${root} …`);
	const database = await openDatabase({workdir});
	let exitCode = 0;
	try {
		const loadAverages = [os.loadavg()[0]!];
		/** Seconds of each input's load (to the derived build) per round; its stored payloads as text. */
		const seconds: number[][] = RATES.map(() => []);
		let textPayloads: number[] = [];
		for (let round = 1; round <= options.rounds; round++) {
			textPayloads = [];
			for (const [index, input] of inputs.entries()) {
				const name = `bench_refused_${index}`;
				const url = Object.assign(new URL(database.url), {pathname: `/${name}`}).toString();
				await ensureDatabaseExists(url);
				const fresh = await openDatabase({databaseUrl: url, workdir});
				say(`round ${round}: ${input.garbled} refused payloads …`);
				const {summary, ingestMs} = await timedIngest(url, fresh.pool, input.file);
				seconds[index]!.push(ingestMs / 1000);
				const {rows: [stored]} = await fresh.pool.query<{events: number; text: number}>(
					"SELECT count(*)::int AS events, (count(*) FILTER (WHERE event_format = 'text'))::int AS text FROM events",
				);
				textPayloads.push(stored!.text);
				if (summary.loaded !== log.truth.goodEvents || summary.rejected !== 0 || stored!.events !== log.truth.goodEvents) {
					console.log(`MISMATCH: ${input.file} loaded ${summary.loaded} (table ${stored!.events}), rejected ${summary.rejected}; expected ${log.truth.goodEvents}, 0`);
					exitCode = 1;
				}
				await fresh.close();
				await database.pool.query(`DROP DATABASE ${name}`);
				await database.pool.query('CHECKPOINT');
				loadAverages.push(os.loadavg()[0]!);
			}
		}
		console.log(`\nOpenPolyEdu refused-payloads benchmark: ${log.truth.goodEvents.toLocaleString('en-US')} events, ${(log.truth.bytes / 1e6).toFixed(0)} MB, ${options.rounds} round(s), ${os.availableParallelism()} cores\n`);
		for (const [index, input] of inputs.entries()) {
			const ratios = seconds[index]!.map((time, round) => time / seconds[0]![round]!);
			const extraText = textPayloads[index]! - textPayloads[0]!;
			const payloads = extraText === input.garbled ? 'all as text' : `MISMATCH: ${extraText} more as text than clean`;
			if (extraText !== input.garbled) exitCode = 1;
			console.log(`${(RATES[index]! * 100).toFixed(1).padStart(4)} % refused (${String(input.garbled).padStart(5)} payloads, ${payloads}): load ${median(seconds[index]!).toFixed(2)} s, ` +
				`${median(ratios).toFixed(2)}x the clean load's time${options.rounds > 1 ? ` (median of ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')})` : ''}`);
		}
		const busiest = Math.max(...loadAverages);
		if (busiest > os.availableParallelism()) {
			console.log(`WARNING: load average reached ${busiest.toFixed(1)} on ${os.availableParallelism()} cores during the run: other processes competed, the times above are noisy.`);
		}
	} finally {
		if (!signalStop.requested) {
			signalStop.dispose();
			await database.close();
			removeWorkdir(workdir);
		}
	}
	return exitCode;
}

try {
	process.exitCode = await main();
} catch (error) {
	if (!signalStop?.requested) {
		console.error(`bench:refused failed: ${(error as Error).message}`);
		process.exitCode = 1;
	}
}
