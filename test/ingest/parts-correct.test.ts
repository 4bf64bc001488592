import assert from 'node:assert/strict';
import {before, describe, it} from 'node:test';
import {JSONB_VERSION} from '../../ingest/copy-binary.js';
import {partsCorrect} from '../../ingest/derived/parts-correct.js';
import {eventLine, fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';

const database = await openTestDatabase('parts_correct');

const HUGE_PARTS = 3000;
/** A part of the huge map: every third correct, every third incorrect, every third ungraded. */
const hugePart = (n: number) => `"p${n}_1": {"hint": "", "correctness": ${['"correct"', '"incorrect"', 'null'][n % 3]}, "npoints": ${n}}`;

/**
 * correct_maps as a log may write them (JSON text), and each part's grading as d_parts_correct (migration 166) reads
 * it: true for "correct", false for "incorrect" or "partially-correct", no entry otherwise; null for no graded part.
 */
const MAPS: Array<[json: string, grading: Record<string, boolean> | null]> = [
	['{"a_2_1": {"correctness": "correct", "npoints": null}}', {a_2_1: true}],
	['{"a_2_1": {"correctness": "incorrect"}, "a_3_1": {"correctness": "partially-correct", "npoints": 0.5}}', {a_2_1: false, a_3_1: false}],
	// An empty map, or one that is no object.
	['{}', null],
	['[]', null],
	['[{"correctness": "correct"}]', null],
	['"a_2_1=correct"', null],
	['3', null],
	['null', null],
	['true', null],
	// No correctness, or one that says neither: no entry.
	['{"a": {"hint": ""}, "b": {}}', null],
	['{"a": {"correctness": "Correct"}, "b": {"correctness": "correct "}, "c": {"correctness": ""}, "d": {"correctness": null}}', null],
	['{"a": {"correctness": 1}, "b": {"correctness": true}, "c": {"correctness": ["correct"]}, "d": {"correctness": {"correctness": "correct"}}}', null],
	['{"a": {"correctness": "correctness"}, "b": {"correctness": "partially"}, "c": {"correctness": "correct", "d": 1}}', {c: true}],
	// A part that is no object.
	['{"a": "correct", "b": ["correct"], "c": 1, "d": null, "correctness": "correct"}', null],
	['{"correctness": {"correctness": "incorrect"}}', {correctness: false}],
	// Escapes in the log: jsonb keeps the strings they spell.
	['{"a": {"correctness": "\\u0063orrect"}, "\\u0062": {"\\u0063orrectness": "incorrect"}}', {a: true, b: false}],
	// Keys with quotes, backslashes, control characters and letters of other scripts, in jsonb's order (shorter first, then by bytes).
	['{"q\\"k": {"correctness": "correct"}, "b\\\\s": {"correctness": "incorrect"}, "é": {"correctness": "correct"}, "😀": {"correctness": "correct"}, "\\u0001": {"correctness": "incorrect"}, "\\n\\t": {"correctness": "correct"}}', {'q"k': true, 'b\\s': false, é: true, '😀': true, '\u0001': false, '\n\t': true}],
	['{"10": {"correctness": "correct"}, "9": {"correctness": "incorrect"}, "a": {"correctness": "correct"}, "bb": {"correctness": "incorrect"}, "": {"correctness": "correct"}}', {'': true, '9': false, a: true, '10': true, bb: false}],
	// A correctness deeper in the part is not its own; strings with brackets, quotes and backslashes are skipped whole.
	['{"a": {"msg": {"correctness": "correct"}, "hint": "}\\"{[", "z": [1, {"correctness": "correct"}]}}', null],
	['{"a": {"msg": {"correctness": "incorrect"}, "hint": "x\\\\", "correctness": "correct", "queuestate": [[], {}, "]"]}, "b": {"correctness": "incorrect", "npoints": -1.5e-3}}', {a: true, b: false}],
	[`{${Array.from({length: HUGE_PARTS}, (_, n) => hugePart(n)).join(', ')}}`, Object.fromEntries(Array.from({length: HUGE_PARTS}, (_, n) => n).filter((n) => n % 3 !== 2).map((n) => [`p${n}_1`, n % 3 === 0]))],
];

/** A correct_map field as the counting pass's scan sends it (jsonb in binary form: its version, then its text), inside a row. */
function fieldOf(text: string): {data: Buffer; start: number} {
	const value = Buffer.concat([Buffer.from([JSONB_VERSION]), Buffer.from(text)]);
	const length = Buffer.alloc(4);
	length.writeInt32BE(value.length);
	// Another field after it, as the record's next (the address).
	return {data: Buffer.concat([length, value, Buffer.from([0, 0, 0, 2]), Buffer.from('}"')]), start: 4};
}

/**
 * Each part's grading is read in Node from the check's event.correct_map (partsCorrect), which the counting pass's scan
 * sends as it is: the same as d_parts_correct gave in SQL, to the byte of its jsonb text (which orders a learner's
 * checks at one time: see compareProblemEvents), in each edge case.
 */
describe("a check's parts' grading", () => {
	it('reads every correct_map as d_parts_correct does', async () => {
		const {rows} = await database.pool.query<{text: string; sql: string | null}>(
			`SELECT m.json::jsonb::text AS text, CASE WHEN jsonb_typeof(m.json::jsonb) = 'object' THEN d_parts_correct(m.json::jsonb)::text END AS sql
			FROM unnest($1::text[]) WITH ORDINALITY m (json, place) ORDER BY m.place`,
			[MAPS.map(([json]) => json)],
		);
		rows.forEach(({text, sql}, place) => {
			const {data, start} = fieldOf(text);
			const grading = partsCorrect(data, start);
			assert.equal(grading?.[0] ?? JSONB_VERSION, JSONB_VERSION);
			const graded = grading?.subarray(1).toString() ?? null;
			assert.equal(graded, sql, `the same text as SQL's for ${MAPS[place]![0].slice(0, 200)}`);
			assert.deepEqual(graded === null ? null : JSON.parse(graded), MAPS[place]![1], MAPS[place]![0].slice(0, 200));
		});
		assert.equal(Object.keys(MAPS.at(-1)![1]!).length, 2000);
	});

	it('is NULL for a NULL correct_map (a show-answer event)', () => {
		assert.equal(partsCorrect(Buffer.alloc(8), -1), null);
	});

	describe('through a build', () => {
		const course = 'course-v1:spbstu+PHYLOS+fall_2018';
		before(async () => {
			// Each map in a check of its own learner, from the server (the browser's check has no grading).
			const events = MAPS.map(([json], n) =>
				eventLine(n, {
					username: `learner${n}`,
					event_source: 'server',
					name: 'problem_check',
					event_type: 'problem_check',
					page: null,
					context: {course_id: course, user_id: 100 + n, org_id: 'spbstu', path: '/event'},
					event: `{"problem_id": "p", "success": "incorrect", "answers": {"a_2_1": "x"}, "correct_map": ${json}, "attempts": 1}`,
				}),
			);
			const summary = await ingest(database, [writeLog(fixtureDir(), 'checks.log', events)]);
			assert.equal(summary.loaded, MAPS.length);
		});

		it("gives each check's grading and each learner's first and last", async () => {
			const {rows} = await database.pool.query<{username: string; grading: Record<string, boolean> | null; first: unknown; last: unknown}>(
				`SELECT e.username, e.parts_correct AS grading, l.first_parts_correct AS first, l.last_parts_correct AS last
				FROM d_problem_event e JOIN d_learner_problem l USING (course_id, username, problem_id)
				ORDER BY substr(e.username, 8)::int`,
			);
			assert.deepEqual(
				rows.map(({username, grading, first, last}) => [username, grading, first, last]),
				MAPS.map(([, grading], n) => [`learner${n}`, grading, grading, grading]),
			);
		});
	});
});
