/**
 * Seeded pseudo-random numbers (sfc32: 128-bit state, fast, period far beyond any log we generate,
 * so 128-bit ids drawn from it do not repeat). Same seed, same sequence, on every platform.
 */
export class Random {
	private a: number;
	private b: number;
	private c: number;
	private d: number;

	constructor(seed: number) {
		// Spread the seed over the state with splitmix32, then warm up.
		let s = seed >>> 0;
		const next = () => {
			s = (s + 0x9e3779b9) >>> 0;
			let z = s;
			z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
			z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
			return (z ^ (z >>> 15)) >>> 0;
		};
		this.a = next();
		this.b = next();
		this.c = next();
		this.d = next();
		for (let i = 0; i < 12; i++) this.uint32();
	}

	uint32(): number {
		const t = (((this.a + this.b) | 0) + this.d) | 0;
		this.d = (this.d + 1) | 0;
		this.a = this.b ^ (this.b >>> 9);
		this.b = (this.c + (this.c << 3)) | 0;
		this.c = (this.c << 21) | (this.c >>> 11);
		this.c = (this.c + t) | 0;
		return t >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		return this.uint32() / 4294967296;
	}

	/** Integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)]!;
	}

	/** Index chosen with probability proportional to its weight. */
	weighted(weights: readonly number[]): number {
		let total = 0;
		for (const weight of weights) total += weight;
		let target = this.next() * total;
		for (let i = 0; i < weights.length; i++) {
			target -= weights[i]!;
			if (target < 0) return i;
		}
		return weights.length - 1;
	}

	/** Standard normal (Box–Muller). */
	normal(): number {
		const u = 1 - this.next();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
	}

	/** Log-normal around `median` with spread `sigma`. */
	logNormal(median: number, sigma: number): number {
		return median * Math.exp(sigma * this.normal());
	}

	/** `length` lowercase hex digits. */
	hex(length: number): string {
		let out = '';
		while (out.length < length) out += this.uint32().toString(16).padStart(8, '0');
		return out.slice(0, length);
	}

	/** A child generator with its own stream, so adding draws in one place does not shift another. */
	fork(): Random {
		return new Random(this.uint32());
	}
}
