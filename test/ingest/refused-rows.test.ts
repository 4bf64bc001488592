import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import pg from 'pg';
import {parseChunk, storeChunk, type ChunkJob} from '../../ingest/chunk-loader.js';
import {clientConfig} from '../../ingest/db/database.js';
import {parseLine} from '../../ingest/parse-line.js';
import {createTestDatabase} from '../helpers/database.js';
import {eventLine} from '../helpers/ingest.js';
import {seededRandom} from '../reliability/helpers/seed.js';

/**
 * Rows our parser accepts and PostgreSQL refuses, stored one chunk at a time (storeChunk, on a real server): a payload
 * string that looks like JSON but is not, stored as text; a payload nested deeper than the server's max_stack_depth,
 * rejected with the server's reason; every other event loaded.
 */

const client = new pg.Client(clientConfig(await createTestDatabase('refused_rows')));

/** The statements sent (a COPY's too), to count the failed COPYs and the emptyings of the staging table. */
const statements: string[] = [];
const query = client.query.bind(client) as (...args: unknown[]) => unknown;
client.query = ((config: unknown, ...rest: unknown[]) => {
	statements.push(typeof config === 'string' ? config : String((config as {text?: string}).text));
	return query(config, ...rest);
}) as typeof client.query;
const sent = (statement: string) => statements.filter((text) => text.startsWith(statement)).length;

let loadId = 0;
let inputs = 0;

/** Stores `lines` as one chunk of a new input; returns its file id, the chunk's stats and each line's byte offset. */
async function storeLines(lines: string[]) {
	const {rows: [{file_id: fileId}]} = await client.query(
		"INSERT INTO source_files (path, kind, size_bytes, fingerprint, head_hash, status, load_id) VALUES ($1, 'plain', 0, '', '', 'loading', $2) RETURNING file_id",
		[`refused-${++inputs}.log`, loadId],
	);
	const data = Buffer.from(lines.map((line) => `${line}\n`).join(''));
	const offsets = lines.map((_, index) => Buffer.byteLength(lines.slice(0, index).map((line) => `${line}\n`).join('')));
	const job: ChunkJob = {fileId, loadId, startOffset: 0, endOffset: data.length, firstLine: 1, lineCount: lines.length, data, overlong: [], maxLineBytes: 1 << 24};
	statements.length = 0;
	const stats = await storeChunk(client, job, await parseChunk(job));
	return {fileId: fileId as number, stats, offsets};
}

const rejectedOf = async (fileId: number) =>
	(await client.query('SELECT line_no::int, byte_offset::int, reason, detail, raw FROM rejected_lines WHERE file_id = $1 ORDER BY line_no', [fileId])).rows;

describe('rows PostgreSQL refuses', () => {
	before(async () => {
		await client.connect();
		({rows: [{load_id: loadId}]} = await client.query('INSERT INTO loads DEFAULT VALUES RETURNING load_id'));
		// The least PostgreSQL allows: a payload nested 2,000 deep, which the parser takes, is refused by the server.
		await client.query("SET max_stack_depth = '100kB'");
	});
	// Before the test database is dropped (with its sessions).
	after(() => client.end());

	it('stores every other event, a payload refused as JSON as text, and rejects the rest with the server\'s reason', async () => {
		const notJson = '{#"id": "video1", "currentTime": 12}';
		const deepJson = `${'['.repeat(2000)}${']'.repeat(2000)}`;
		// Lines (1-based) whose payload PostgreSQL refuses: a string that is not JSON (the first, neighbours, the last); a
		// string holding JSON nested too deep for the server (stored as text too); an object nested too deep (rejected).
		// And a line the parser rejects, so that rows of the COPY and lines of the file are numbered apart.
		const notJsonLines = [1, 2, 500, 1000];
		const deepStringLines = [4, 800];
		const deepObjectLines = [3, 700];
		const malformed = 100;
		const lines = Array.from({length: 1000}, (_, index) => {
			const lineNo = index + 1;
			if (lineNo === malformed) return '{"username": x}';
			if (notJsonLines.includes(lineNo)) return eventLine(lineNo, {event: notJson});
			if (deepStringLines.includes(lineNo)) return eventLine(lineNo, {event: deepJson});
			return deepObjectLines.includes(lineNo) ? eventLine(lineNo, {event: JSON.parse(deepJson) as unknown}) : eventLine(lineNo);
		});
		const {fileId, stats, offsets} = await storeLines(lines);

		assert.deepEqual(
			[stats.lines, stats.loaded, stats.duplicates, stats.rejected, stats.rejectedByReason],
			[1000, 997, 0, 3, {'malformed-json': 1, 'database-refused': 2}],
		);
		const {rows: stored} = await client.query<{format: string; events: number; lines: number[]}>(
			'SELECT event_format AS format, count(*)::int AS events, (array_agg(line_no::int ORDER BY line_no))[1:6] AS lines FROM events WHERE file_id = $1 GROUP BY 1 ORDER BY 1',
			[fileId],
		);
		assert.deepEqual(stored, [{format: 'string', events: 991, lines: [5, 6, 7, 8, 9, 10]}, {format: 'text', events: 6, lines: [1, 2, 4, 500, 800, 1000]}]);
		const {rows: asText} = await client.query(
			'SELECT line_no::int, event_text = CASE WHEN line_no IN (4, 800) THEN $3 ELSE $2 END AS payload, event IS NULL AS no_json FROM events WHERE file_id = $1 AND event_format = $4 ORDER BY 1',
			[fileId, notJson, deepJson, 'text'],
		);
		assert.deepEqual(asText.filter((row) => !row.payload || !row.no_json), []);
		assert.deepEqual(await rejectedOf(fileId), [
			{line_no: 3, byte_offset: offsets[2], reason: 'database-refused', detail: 'stack depth limit exceeded', raw: Buffer.from(lines[2]!)},
			{line_no: malformed, byte_offset: offsets[malformed - 1], reason: 'malformed-json', detail: (parseLine(Buffer.from(lines[malformed - 1]!)) as {detail: string}).detail, raw: Buffer.from(lines[malformed - 1]!)},
			{line_no: 700, byte_offset: offsets[699], reason: 'database-refused', detail: 'stack depth limit exceeded', raw: Buffer.from(lines[699]!)},
		]);
	});

	it('finds payloads that are not JSON without a failed COPY each, and other refused rows at one failed COPY each', async () => {
		const deep = JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`) as unknown;
		const lines = Array.from({length: 1000}, (_, index) => {
			if (index % 50 === 7) return eventLine(20_000 + index, {event: '{#}'});
			return eventLine(20_000 + index, index % 250 === 9 ? {event: deep} : {});
		});
		const {stats} = await storeLines(lines);
		assert.deepEqual([stats.loaded, stats.rejected], [996, 4]);
		// 20 payloads not JSON, 4 objects too deep: halving the chunk took 159 failed COPYs, and emptied the staging table 291 times.
		assert.deepEqual([sent('ROLLBACK TO SAVEPOINT'), sent('TRUNCATE staging_events')], [4, 1]);
		// The same lines in another input: duplicates of what the first stored (through staging), the refused ones too (they
		// were rejected again, and kept twice).
		const again = await storeLines(lines);
		assert.deepEqual([again.stats.loaded, again.stats.duplicates, again.stats.rejected, again.stats.rejectedByReason], [0, 1000, 0, {}]);
	});

	it('finds by halves a refused row that PostgreSQL names no row of (here a trigger\'s refusal, in the insert from staging)', async () => {
		await client.query(`CREATE FUNCTION refuse_learner() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF NEW.username = 'refused' THEN RAISE EXCEPTION 'refused by a trigger' USING ERRCODE = '22023'; END IF;
				RETURN NEW;
			END $$`);
		await client.query('CREATE TRIGGER refuse_learner BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_learner()');
		try {
			const refused = [50, 120];
			const lines = Array.from({length: 200}, (_, index) => eventLine(10_000 + index, refused.includes(index + 1) ? {username: 'refused'} : {}));
			const {fileId, stats, offsets} = await storeLines(lines);
			assert.deepEqual([stats.lines, stats.loaded, stats.rejected, stats.rejectedByReason], [200, 198, 2, {'database-refused': 2}]);
			assert.deepEqual(
				await rejectedOf(fileId),
				refused.map((lineNo) => ({line_no: lineNo, byte_offset: offsets[lineNo - 1], reason: 'database-refused', detail: 'refused by a trigger', raw: Buffer.from(lines[lineNo - 1]!)})),
			);
			assert.equal(Number((await client.query('SELECT count(*) FROM events WHERE file_id = $1', [fileId])).rows[0].count), 198);
		} finally {
			await client.query('DROP TRIGGER refuse_learner ON events');
		}
	});

	it('refuses as jsonb each payload JSON.parse refuses (the loader moves those to text before the server says so)', async () => {
		const {random} = seededRandom('refused-rows json grammar');
		const payloads = ['{"id":"video1","currentTime":12.5,"a":[1,-0,2e5,{"b":null}],"c":true,"d":"x\\u00e9\\n\\"q"}', '[{"x": 1.0E+2}, "s", false, [], {}]', '{"POST": {}, "GET": {"a": ["1"]}}'];
		// JSON's own characters, whitespace JSON has and has not, escapes, and characters beyond ASCII.
		const alphabet = [...' \t\n\r\f\v{}[]":,.-+eE0123456789\\/ubfnrtxé\u2028\u00a0\u0001\u007f\ufeff'];
		const refused = Array.from({length: 20_000}, () => {
			let text = payloads[random.int(0, payloads.length - 1)]!;
			for (let edit = random.int(1, 3); edit > 0; edit--) {
				const at = random.int(0, text.length);
				text = `${text.slice(0, at)}${random.chance(0.7) ? alphabet[random.int(0, alphabet.length - 1)] : ''}${text.slice(at + (random.chance(0.5) ? 1 : 0))}`;
			}
			return text;
		}).filter((text) => {
			try {
				JSON.parse(text);
				return false;
			} catch {
				return true;
			}
		});
		assert.ok(refused.length > 10_000);
		const {rows} = await client.query("SELECT x FROM unnest($1::text[]) x WHERE pg_input_is_valid(x, 'jsonb')", [refused]);
		assert.deepEqual(rows, []);
	});
});
