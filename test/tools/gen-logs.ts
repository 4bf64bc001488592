import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {FlagError, wholeNumberFlag as wholeNumber} from './cli-arguments.js';
import {generateLog, truthPath} from './generator.js';

/**
 * npm run gen-logs -- --events N --out FILE [--seed S] [--gzip] [--bad-lines K] [--courses C]
 *                     [--learners L] [--start ISO-DATE] [--days D]
 * Writes a realistic OpenEdu tracking log and FILE.truth.json with its exact expected counts.
 */

const USAGE = `Usage: npm run gen-logs -- --events N --out FILE [options]

  --events N       good events to write (required)
  --out FILE       output file (required); FILE.truth.json gets the expected counts
  --seed S         random seed (default 1); the same seed gives the same bytes
  --gzip           gzip the output
  --bad-lines K    bad lines to mix in (malformed, truncated, not an object, invalid UTF-8, duplicates); default 0
  --courses C      number of courses (default 3)
  --learners L     number of distinct learners (default: events / 400, 10 to 50 000)
  --start DATE     first day of the course term, ISO (default 2018-09-01)
  --days D         length of the term in days (default 120)`;

async function main(argv: string[]): Promise<number> {
	let values;
	try {
		({values} = parseArgs({
			args: argv,
			options: {
				events: {type: 'string'},
				out: {type: 'string'},
				seed: {type: 'string'},
				gzip: {type: 'boolean'},
				'bad-lines': {type: 'string'},
				courses: {type: 'string'},
				learners: {type: 'string'},
				start: {type: 'string'},
				days: {type: 'string'},
				help: {type: 'boolean', short: 'h'},
			},
			strict: true,
			allowPositionals: false,
		}));
	} catch (error) {
		throw new FlagError(`${(error as Error).message.split('\n')[0]!.replace(/\.?$/, '.')}`);
	}
	if (values.help) {
		console.log(USAGE);
		return 0;
	}
	const events = wholeNumber('events', values.events, 0);
	if (events === undefined) throw new FlagError('--events N is required.');
	if (!values.out) throw new FlagError('--out FILE is required.');
	if (values.start !== undefined && !Number.isFinite(Date.parse(values.start))) throw new FlagError(`--start must be an ISO date like 2018-09-01, not "${values.start}".`);
	const file = path.resolve(values.out);
	if (!fs.existsSync(path.dirname(file))) throw new FlagError(`The folder of --out does not exist: ${path.dirname(file)}.`);
	const started = performance.now();
	const cpuBefore = process.cpuUsage();
	const truth = await generateLog({
		events,
		file,
		seed: wholeNumber('seed', values.seed, 0),
		gzip: values.gzip ?? false,
		badLines: wholeNumber('bad-lines', values['bad-lines'], 0),
		courses: wholeNumber('courses', values.courses, 1),
		learners: wholeNumber('learners', values.learners, 1),
		start: values.start,
		days: wholeNumber('days', values.days, 1),
	});
	const seconds = (performance.now() - started) / 1000;
	const cpu = process.cpuUsage(cpuBefore);
	const cpuSeconds = (cpu.user + cpu.system) / 1e6;
	const megabytes = truth.bytes / 1e6;
	console.log(
		`wrote ${truth.lines.toLocaleString('en-US')} lines (${truth.goodEvents.toLocaleString('en-US')} events, ` +
			`${truth.duplicateLines} duplicates, ${truth.rejectedLines} bad) to ${file}\n` +
			`${megabytes.toFixed(1)} MB uncompressed${truth.generator.gzip ? `, ${(truth.fileBytes / 1e6).toFixed(1)} MB on disk` : ''}, ` +
			`${truth.lines > 0 ? Math.round(truth.bytes / truth.lines) : 0} bytes/line, in ${seconds.toFixed(1)} s (${(megabytes / seconds).toFixed(1)} MB/s; ${cpuSeconds.toFixed(1)} CPU-s, ${(megabytes / cpuSeconds).toFixed(1)} MB per CPU-s)\n` +
			`truth: ${truthPath(file)}`,
	);
	return 0;
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	if (error instanceof FlagError) {
		console.error(`${error.message}\n\n${USAGE}`);
	} else {
		console.error(`gen-logs failed: ${(error as Error).message}`);
	}
	process.exitCode = 1;
}
