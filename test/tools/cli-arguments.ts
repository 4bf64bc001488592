/** A flag's whole-number value (underscores allowed: 1_000_000), or the fallback when the flag is absent. */
export function wholeNumberFlag(name: string, value: string | undefined, minimum: number): number | undefined {
	if (value === undefined) return undefined;
	const number = Number(value.replace(/_/g, ''));
	if (!/^\d[\d_]*$/.test(value) || !Number.isSafeInteger(number) || number < minimum) {
		throw new FlagError(`--${name} must be a whole number of at least ${minimum}, not "${value}".`);
	}
	return number;
}

/** A bad flag: its message is one sentence for the user, printed with the usage. */
export class FlagError extends Error {}
