import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {GENERATOR_VERSION, generateLog, truthPath, type Truth} from '../../tools/generator.js';

/** Where benchmarks keep generated logs between runs (they take a while to write). */
export const BENCH_CACHE = path.join(os.tmpdir(), 'openpolyedu-bench');

export type BenchLog = {file: string; truth: Truth; generatedSeconds?: number};

function readTruth(file: string): Truth | undefined {
	try {
		const truth = JSON.parse(fs.readFileSync(truthPath(file), 'utf8')) as Truth;
		return fs.statSync(file).size === truth.fileBytes ? truth : undefined;
	} catch {
		return undefined;
	}
}

/**
 * A generated log for these options, from the cache when an earlier run wrote it (its truth file is
 * written last, so a log without one, or of another size, is rewritten). The cache key holds the
 * generator version: a changed generator never reuses an old log.
 */
export async function cachedBenchLog(options: {events: number; seed: number; badLines: number; name: string}): Promise<BenchLog> {
	fs.mkdirSync(BENCH_CACHE, {recursive: true});
	const file = path.join(BENCH_CACHE, `${options.name}-${options.events}-seed${options.seed}-bad${options.badLines}-v${GENERATOR_VERSION}.log`);
	const cached = readTruth(file);
	if (cached) return {file, truth: cached};
	const partial = `${file}.partial-${process.pid}`;
	const started = performance.now();
	try {
		await generateLog({events: options.events, seed: options.seed, badLines: options.badLines, file: partial});
		fs.renameSync(partial, file);
		fs.renameSync(truthPath(partial), truthPath(file));
	} finally {
		fs.rmSync(partial, {force: true});
		fs.rmSync(truthPath(partial), {force: true});
	}
	return {file, truth: readTruth(file)!, generatedSeconds: (performance.now() - started) / 1000};
}
