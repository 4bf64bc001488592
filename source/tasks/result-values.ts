import type {ColumnKind, TaskResult} from './types.js';
import type {FieldDecoder} from './wire-rows.js';

// A task's values as its result holds them, from the text PostgreSQL sends (see wire-rows.ts), and the kind of each column.

const NUMBER_TYPES = new Set([20, 21, 23, 26, 700, 701, 1700]);
const WHOLE_NUMBER_TYPES = new Set([20, 21, 23]);
const BOOLEAN_TYPE = 16;
const DATE_TYPE = 1082;
const TIMESTAMP_TYPES = new Set([1114, 1184]);
const TIMESTAMPTZ_TYPE = 1184;
const JSON_TYPES = new Set([114, 3802]);

/**
 * The array types whose elements' type is known here, and that type: those pg-types reads as arrays (bool[], int2[] to
 * int8[], oid[], float4[], float8[], numeric[], char[], name[], bpchar[], varchar[], text[], date[], timestamp[],
 * timestamptz[], time[], timetz[], interval[], inet[], cidr[], macaddr[], uuid[], json[], jsonb[]). An array of another
 * type (of an enum, a composite or a range) is its text in JSON too, as in the other formats.
 */
const ARRAY_ELEMENTS = new Map([
	[1000, 16], [1005, 21], [1007, 23], [1016, 20], [1028, 26], [1021, 700], [1022, 701], [1231, 1700], [1002, 18], [1003, 19],
	[1014, 1042], [1015, 1043], [1009, 25], [1182, 1082], [1115, 1114], [1185, 1184], [1183, 1083], [1270, 1266], [1187, 1186],
	[1041, 869], [651, 650], [1040, 829], [2951, 2950], [199, 114], [3807, 3802],
]);

/** A column as a task's result has it: its name, its kind and, for an array, its elements' kind. */
export function columnOf(field: {name: string; dataTypeID: number}): TaskResult['columns'][number] {
	const kind = kindOf(field.dataTypeID, field.name);
	const element = ARRAY_ELEMENTS.get(field.dataTypeID);
	return element === undefined ? {name: field.name, kind} : {name: field.name, kind, elements: kindOf(element, '')};
}

/** How the app and the outputs treat a column, from its type (and, for whole numbers, its name). */
function kindOf(dataTypeId: number, name: string): ColumnKind {
	// A user id of 100119 is no count: "100,119" in the app's table read as one.
	if (WHOLE_NUMBER_TYPES.has(dataTypeId) && /(^|_)id$/i.test(name)) return 'id';
	if (NUMBER_TYPES.has(dataTypeId)) return 'number';
	if (dataTypeId === BOOLEAN_TYPE) return 'boolean';
	if (dataTypeId === DATE_TYPE) return 'date';
	if (TIMESTAMP_TYPES.has(dataTypeId)) return 'timestamp';
	if (JSON_TYPES.has(dataTypeId)) return 'json';
	return 'text';
}

/**
 * A column's decoder: numbers as numbers, booleans as booleans, timestamptz as an ISO-8601 instant (see isoInstant;
 * `inZone`: the session's TimeZone is the run's zone); everything else (dates, wall-clock timestamps, JSON, intervals)
 * as PostgreSQL prints it — never JS Dates in the local zone.
 */
export function decoderFor(field: {dataTypeID: number}, inZone = false): FieldDecoder {
	if (NUMBER_TYPES.has(field.dataTypeID)) return decodeNumber;
	if (field.dataTypeID === BOOLEAN_TYPE) return (data, start) => data[start] === 0x74;
	if (field.dataTypeID === TIMESTAMPTZ_TYPE) return (data, start, end) => isoInstant(data.toString('utf8', start, end), inZone);
	return sharedText();
}

/**
 * What Number() makes of the text, without making the text for up to 15 digits (every count and id); a value a
 * double cannot hold (a bigint past 2^53, a numeric of more than 15 significant digits, as avg() gives) stays the
 * text PostgreSQL wrote (see exactNumber).
 */
function decodeNumber(data: Buffer, start: number, end: number): number | string {
	const negative = data[start] === 0x2d;
	let at = negative ? start + 1 : start;
	if (end === at || end - at > 15) return exactNumber(data.toString('latin1', start, end));
	let value = 0;
	for (; at < end; at++) {
		const digit = data[at]! - 0x30;
		if (digit < 0 || digit > 9) return Number(data.toString('latin1', start, end));
		value = value * 10 + digit;
	}
	return negative ? -value : value;
}

/**
 * The number `text` is, or the text itself where a double would change it: 9007199254740993 was written
 * 9007199254740992, 1/3 lost its last five digits and a numeric of 400 digits became Infinity, in CSV too. Up to 15
 * digits always fit (decodeNumber's short texts never come here). NaN and ±Infinity are numbers as they are.
 */
function exactNumber(text: string): number | string {
	const number = Number(text);
	if (Number.isNaN(number) || text.endsWith('Infinity')) return number;
	return Number.isFinite(number) && decimalDigits(String(number)) === decimalDigits(text) ? number : text;
}

/** A decimal as its significant digits and exponent: "-0012.50", "-1.25e1" and "-12.5" are all "-125e-1". */
function decimalDigits(text: string): string {
	const [, sign = '', whole = '', fraction = '', exponent = '0'] = /^(-?)(\d*)\.?(\d*)(?:e([-+]?\d+))?$/i.exec(text) ?? [];
	const digits = (whole + fraction).replace(/^0+/, '');
	const significant = digits.replace(/0+$/, '');
	if (significant === '') return '0';
	return `${sign}${significant}e${Number(exponent) - fraction.length + digits.length - significant.length}`;
}

/**
 * A column's text, as one string for every row with the same bytes: each copy made costs the collector, and
 * results repeat their values (a learner's name down their rows, a page's URL in every learner's, an event type
 * in every other row). The row before is tried first (results come sorted), then the column's earlier values by
 * a hash of their first and last bytes (see edgeHash). Each column of each query has its own.
 */
function sharedText(): FieldDecoder {
	let last = '';
	let lastData: Buffer | undefined;
	let lastStart = 0;
	let lastEnd = 0;
	// One value per hash: a collision only costs a copy. Bounded, so a column of distinct values costs no memory.
	const earlier = new Map<number, {bytes: Buffer; text: string}>();
	return (data, start, end) => {
		if (lastData && sameBytes(data, start, end, lastData, lastStart, lastEnd)) return last;
		lastData = data;
		lastStart = start;
		lastEnd = end;
		const hash = edgeHash(data, start, end);
		const known = earlier.get(hash);
		if (known && sameBytes(data, start, end, known.bytes, 0, known.bytes.length)) return (last = known.text);
		last = data.toString('utf8', start, end);
		if (known || earlier.size < SHARED_VALUES) earlier.set(hash, {bytes: Buffer.from(data.subarray(start, end)), text: last});
		return last;
	};
}
const SHARED_VALUES = 4096;

/**
 * A hash of a value's first 8 and last 16 bytes: a course's URLs differ at their end, its section names at their start
 * ("1.1 Основные понятия", "2.1 Основные понятия"). With the last bytes alone such names, of one length, shared a hash and
 * pushed each other out: learner-unit-events at 10M events made 59,645 copies of its name column instead of 141.
 */
function edgeHash(data: Buffer, start: number, end: number): number {
	let hash = end - start;
	const head = Math.min(end, start + 8);
	for (let at = start; at < head; at++) hash = (hash * 31 + data[at]!) | 0;
	for (let at = Math.max(head, end - 16); at < end; at++) hash = (hash * 31 + data[at]!) | 0;
	return hash;
}

/**
 * Whether two ranges hold the same bytes: short ones compared here from the end (names that differ share a start
 * more often than an end), long ones by Buffer.compare, whose cost is mostly the call. In a profile of
 * learner-unit-events at 10M events: about 100 ms a run so, against 180 with Buffer.compare for every value and
 * 317 with a loop from the start for every value (a course's URLs share their first 100 bytes).
 */
function sameBytes(data: Buffer, start: number, end: number, other: Buffer, otherStart: number, otherEnd: number): boolean {
	const length = end - start;
	if (length !== otherEnd - otherStart || (length > 0 && data[end - 1] !== other[otherEnd - 1])) return false;
	if (length > SHORT_BYTES) return data.compare(other, otherStart, otherEnd, start, end) === 0;
	for (let at = end - 2, otherAt = otherEnd - 2; at >= start; at--, otherAt--) if (data[at] !== other[otherAt]) return false;
	return true;
}
const SHORT_BYTES = 48;

/**
 * A timestamptz as PostgreSQL writes it in the session's zone → ISO 8601 with that offset: '2024-01-02 03:04:05.678+03'
 * → '2024-01-02T03:04:05.678+03:00' ('+05:30', '-04' as '-04:00'; a zone's local mean time before 1900 or so has
 * seconds, '+02:30:17', kept). UTC's '+00' is 'Z' in a session left in UTC (a task without a time zone), '+00:00' in
 * a run in UTC (`inZone`): the tables and CSV write that run's times as wall times (see wallTime), and a Z says UTC.
 * Infinity and BC dates stay as PostgreSQL wrote them.
 */
export function isoInstant(value: string, inZone: boolean): string {
	const match = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(:\d{2})?(:\d{2})?$/.exec(value);
	if (!match) return value;
	const [, day, time, hours, minutes = ':00', seconds = ''] = match;
	return `${day}T${time}${hours === '+00' && minutes === ':00' && !seconds && !inZone ? 'Z' : hours + minutes + seconds}`;
}
