import {Random} from '../../tools/random.js';

/**
 * Seeded randomness for the fault and fuzz tests: OPENPOLYEDU_SEED replays a run, otherwise a new
 * seed is drawn. The seed is printed, so any failure can be reproduced exactly.
 */
export function seededRandom(name: string): {seed: number; random: Random} {
	const given = process.env.OPENPOLYEDU_SEED;
	const seed = given ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32);
	console.log(`# ${name}: seed ${seed} (replay with OPENPOLYEDU_SEED=${seed})`);
	return {seed, random: new Random(seed)};
}

/** A whole number from an environment variable (bigger runs behind a flag), else the CI default. */
export function envCount(name: string, fallback: number): number {
	const value = Number(process.env[name]);
	return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

export const BIG = process.env.OPENPOLYEDU_BIG === '1';
