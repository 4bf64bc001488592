import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import zlib from 'node:zlib';
import type {IngestSummary} from '../../ingest/progress.js';
import {fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {writeZip} from '../helpers/zip.js';
import {envCount, seededRandom} from '../reliability/helpers/seed.js';

/**
 * Random inputs sharing events (plain, .gz, .zip members, some of more than one chunk, some repeating their own events
 * later), loaded by 1 to 4 loader threads in one load or two (the second reading a log of the first that grew). Whatever
 * the threads' timing: each event is its first line's in the load that stored it, taken in file id order (a grown log
 * keeps its id, lower than the new inputs'); each input's loaded and duplicates are what that rule gives, and its own
 * events are its loaded; and the summary of each load says what the database says.
 */

const {random} = seededRandom('credit property');
const SCENARIOS = envCount('OPENPOLYEDU_CREDIT_SCENARIOS', 2);
/** Events are numbered below this, so that inputs overlap. */
const UNIVERSE = 6000;

/** A log as the load reads it (a file, or a member of a .zip): its label and its lines' events, in order. */
type Log = {label: string; events: number[]};
type Input = {file: string; logs: Log[]; write: () => Promise<void>};

function randomEvents(big: boolean): number[] {
	// Over 5,000 lines: more than one chunk, stored by several threads at once.
	const length = big ? random.int(5001, 7000) : random.int(20, 400);
	const start = random.int(0, UNIVERSE);
	const events = Array.from({length}, (_, index) => start + index);
	// Some repeat one of their own events later, in the same chunk or a later one.
	if (random.chance(0.3)) for (let repeats = random.int(1, 5); repeats > 0; repeats--) events.splice(random.int(1, events.length), 0, events[random.int(0, events.length - 1)]!);
	return events;
}

const text = (events: number[]) => events.map((n) => lines(n, n + 1)).join('');

function randomInputs(dir: string): Input[] {
	const inputs: Input[] = [];
	let bigOnes = 0;
	const copied = new Set<string>();
	const big = () => bigOnes < 2 && random.chance(0.25) && ++bigOnes > 0;
	for (let index = 0, count = random.int(3, 6); index < count; index++) {
		const name = path.join(dir, `in${String(index).padStart(2, '0')}`);
		const kind = random.weighted([2, 1, 1]);
		// A plain input's .gz is made once: two would be the same bytes, the second skipped as a copy.
		const plainBefore = inputs.filter(({file}) => file.endsWith('.log') && !copied.has(file));
		if (kind === 0) {
			const log = {label: `${name}.log`, events: randomEvents(big())};
			inputs.push({file: log.label, logs: [log], write: async () => fs.writeFileSync(log.label, text(log.events))});
		} else if (kind === 1) {
			// At times the .gz of a plain input before it.
			const plain = plainBefore.length > 0 && random.chance(0.4) ? random.pick(plainBefore) : undefined;
			if (plain) copied.add(plain.file);
			const events = plain ? [...plain.logs[0]!.events] : randomEvents(big());
			const log = {label: `${name}.log.gz`, events};
			inputs.push({file: log.label, logs: [log], write: async () => fs.writeFileSync(log.label, zlib.gzipSync(text(events)))});
		} else {
			const file = `${name}.zip`;
			const members = Array.from({length: random.int(1, 3)}, (_, member) => ({name: `m${member}.log`, events: randomEvents(big())}));
			const logs = members.map(({name: member, events}) => ({label: `${file}!${member}`, events}));
			inputs.push({file, logs, write: () => writeZip(file, members.map(({name: member, events}) => ({name: member, data: Buffer.from(text(events))})))});
		}
	}
	return inputs;
}

/** An event's holder: its log and line. */
const holder = (label: string, line: number) => `${label}:${line}`;

/**
 * What a load of `logs` (in file id order, each with the number of its lines read before) gives each one, events already
 * stored (`stored`, by earlier loads) staying where they are; adds to `holders` the line each event of this load goes to.
 */
function creditOf(logs: Array<{log: Log; from: number}>, stored: Set<number>, holders: string[]) {
	return logs.map(({log, from}) => {
		let loaded = 0;
		for (const [index, n] of log.events.entries()) {
			if (index < from || stored.has(n)) continue;
			stored.add(n);
			holders.push(holder(log.label, index + 1));
			loaded++;
		}
		return {label: log.label, loaded, duplicates: log.events.length - from - loaded};
	});
}

type Counts = {label: string; loaded: number; duplicates: number};
type Figures = Counts & {lines: number; rejected: number};
const FIGURES = ['loaded', 'duplicates', 'lines', 'rejected'] as const;

/** The input a log is (a file) or is in (a .zip): the summary has a line for each input, with its members' sums. */
const inputOf = (label: string) => label.split('!')[0]!;

/** Each input's figures, its logs' summed. */
function perInput<T extends Counts>(logs: T[], figures: ReadonlyArray<keyof T & keyof Figures> = ['loaded', 'duplicates']): Array<Pick<T, 'label' | (typeof figures)[number]>> {
	const inputs = new Map<string, Record<string, number | string>>();
	for (const log of logs) {
		const label = inputOf(log.label);
		const sums = inputs.get(label) ?? Object.fromEntries([['label', label], ...figures.map((figure) => [figure, 0])]);
		for (const figure of figures) (sums[figure] as number) += log[figure] as number;
		inputs.set(label, sums);
	}
	return ([...inputs.values()] as Array<Pick<T, 'label' | (typeof figures)[number]>>).sort(byLabel);
}

async function databaseFigures(database: Awaited<ReturnType<typeof openTestDatabase>>): Promise<Array<Figures & {events: number}>> {
	const {rows} = await database.pool.query<Figures & {events: number; path: string; member: string}>(
		`SELECT f.path, f.member, f.loaded::int, f.duplicates::int, f.lines_read::int AS lines, f.rejected::int,
		   (SELECT count(*)::int FROM events e WHERE e.file_id = f.file_id) AS events
		 FROM source_file_counts f ORDER BY f.file_id`,
	);
	return rows.map(({path: file, member, ...counts}) => ({...counts, label: member ? `${file}!${member}` : file}));
}

/** A load's summary per input (those it skipped count nothing). */
const summaryFigures = (summary: IngestSummary): Figures[] => summary.files.map(({label, loaded, duplicates, lines: read, rejected}) => ({label, loaded, duplicates, lines: read, rejected})).sort(byLabel);

const byLabel = (a: {label: string}, b: {label: string}) => a.label.localeCompare(b.label);

describe('inputs sharing events, loaded by random threads in one or two loads', () => {
	for (let scenario = 1; scenario <= SCENARIOS; scenario++) {
		it(`credit each event to its first line in file id order, and the summary says what the database says (scenario ${scenario})`, async () => {
			const dir = fixtureDir();
			const inputs = randomInputs(dir);
			for (const input of inputs) await input.write();
			const workers = random.int(1, 4);
			const twoLoads = random.chance(0.5);
			const chosen = inputs.filter(() => random.chance(0.5));
			const firstLoad = !twoLoads ? inputs : chosen.length > 0 ? chosen : [inputs[0]!];
			const plan = {inputs: inputs.map(({logs}) => logs.map(({label, events}) => `${path.basename(label)} ${events[0]}+${events.length}`)), workers, firstLoad: firstLoad.map(({file}) => path.basename(file))};
			const database = await openTestDatabase('credit_property');
			const stored = new Set<number>();
			const holders: string[] = [];
			const expected = new Map<string, Counts>();
			const add = (counts: Counts[]) => {
				for (const {label, loaded, duplicates} of counts) {
					const before = expected.get(label) ?? {label, loaded: 0, duplicates: 0};
					expected.set(label, {label, loaded: before.loaded + loaded, duplicates: before.duplicates + duplicates});
				}
			};
			const summaries: IngestSummary[] = [];
			const firstLogs = firstLoad.flatMap(({logs}) => logs);
			const ofLoad = (summary: IngestSummary) => summaryFigures(summary).flatMap(({label, loaded, duplicates}) => (loaded + duplicates > 0 ? [{label, loaded, duplicates}] : []));
			const expectedOfLoad = (credit: Counts[]) => perInput(credit).filter(({loaded, duplicates}) => loaded + duplicates > 0);
			if (twoLoads) {
				summaries.push(await ingest(database, firstLoad.map(({file}) => file), {workers}));
				const credit = creditOf(firstLogs.map((log) => ({log, from: 0})), stored, holders);
				add(credit);
				assert.deepEqual(ofLoad(summaries[0]!), expectedOfLoad(credit), `the first load's summary: ${JSON.stringify(plan)}`);
			}
			// A plain log of the first load grows: read again, it keeps its file id (lower than the new inputs').
			const grown = twoLoads ? firstLogs.filter(({label}) => label.endsWith('.log') && !label.includes('!')) : [];
			const grows = grown.length > 0 ? random.pick(grown) : undefined;
			const grownFrom = grows?.events.length ?? 0;
			if (grows) {
				const added = randomEvents(false);
				fs.appendFileSync(grows.label, text(added));
				grows.events.push(...added);
			}
			summaries.push(await ingest(database, [dir], {workers}));
			const later = inputs.filter((input) => !firstLoad.includes(input)).flatMap(({logs}) => logs);
			const credit = creditOf([...(grows ? [{log: grows, from: grownFrom}] : []), ...(twoLoads ? later : inputs.flatMap(({logs}) => logs)).map((log) => ({log, from: 0}))], stored, holders);
			add(credit);
			const context = `${JSON.stringify({...plan, grows: grows && path.basename(grows.label)})}`;
			assert.deepEqual(ofLoad(summaries.at(-1)!), expectedOfLoad(credit), `the last load's summary: ${context}`);

			const figures = await databaseFigures(database);
			assert.deepEqual(
				figures.map(({label, loaded, duplicates}) => ({label, loaded, duplicates})).sort(byLabel),
				[...expected.values()].sort(byLabel),
				`the database: ${context}`,
			);
			for (const row of figures) assert.equal(row.events, row.loaded, `${row.label}: its own events are its loaded (${context})`);
			// The loads' summaries, added up per input, are the database's figures.
			const summed = perInput(summaries.flatMap(summaryFigures), FIGURES).filter((input) => FIGURES.some((figure) => input[figure] > 0));
			assert.deepEqual(summed, perInput(figures, FIGURES), `summaries and database: ${context}`);
			const {rows} = await database.pool.query<{label: string}>(
				`SELECT CASE WHEN f.member = '' THEN f.path ELSE f.path || '!' || f.member END || ':' || e.line_no AS label FROM events e JOIN source_files f USING (file_id)`,
			);
			assert.deepEqual(rows.map(({label}) => label).sort(), [...holders].sort(), `each event's line: ${context}`);
		});
	}
});
