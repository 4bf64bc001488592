/** Small helpers for the counting maps of the derived steps walked in Node. */

/** Adds `by` to the count under `key`. */
export function tally<K>(counts: Map<K, number>, key: K, by = 1): void {
	counts.set(key, (counts.get(key) ?? 0) + by);
}

/** The value under `key`, made by `make` and stored first when there is none. */
export function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
	let value = map.get(key);
	if (value === undefined) map.set(key, (value = make()));
	return value;
}

/** A new Map, for entry(). */
export const newMap = <K, V>() => new Map<K, V>();

/** A new array, for entry(). */
export const newList = <T>(): T[] => [];
