import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {loadKeysOf} from '../../ingest/chunk-keys.js';
import {eventLine, fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';

const database = await openTestDatabase('load_keys');
const dir = fixtureDir();

/** Keys summed per load and key, without the rows the build ignores (no page; a client with no timed event). */
const summed = (source: string) => `
SELECT load_id, kind, username, course_id, event_type, page, agent, accept_language, sum(timed_events)::int AS timed_events
FROM (${source}) k WHERE NOT (kind = 'page' AND page IS NULL) AND NOT (kind = 'client' AND timed_events = 0)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;
const RECORDED = summed('SELECT * FROM load_keys');
// The same keys computed afresh from what the events table holds.
const FROM_EVENTS = summed(loadKeysOf('events'));

describe('the keys each chunk stores with its events (load_keys)', () => {
	it('are those of the events stored, whichever way the chunk went in', async () => {
		const quirky = path.join(dir, 'quirky.log');
		fs.writeFileSync(
			quirky,
			[
				eventLine(1, {agent: 'Firefox', accept_language: 'ru-RU,ru;q=0.9'}),
				eventLine(2, {agent: 'Firefox', accept_language: 'ru-RU,ru;q=0.9'}),
				eventLine(1, {agent: 'Firefox', accept_language: 'ru-RU,ru;q=0.9'}), // the same event again, in the same chunk
				eventLine(3, {agent: 'Chrome', time: 'yesterday'}), // no time: a learner and type, but no client count
				eventLine(4, {page: undefined, username: undefined}), // no page, no username
				eventLine(5, {event_type: 'textbook.pdf.page.scrolled', context: {path: '/x'}}), // no course
				'not json',
			].join('\n'),
		);
		// Overlapping exports: the second file's chunk goes through the staging table (its first five events are stored already).
		const first = path.join(dir, 'export-1.log');
		const second = path.join(dir, 'export-2.log');
		fs.writeFileSync(first, lines(100, 110));
		fs.writeFileSync(second, lines(105, 120));
		// A payload PostgreSQL refuses as JSON: its chunk is stored by halves, through the staging table.
		const refused = path.join(dir, 'refused.log');
		fs.writeFileSync(refused, `${lines(200, 205)}${eventLine(205, {event: '{"answer": oops}'})}\n${lines(206, 210)}`);
		for (const files of [[quirky], [first], [second], [refused]]) await ingest(database, files);

		const {rows: [check]} = await database.pool.query<{recorded: number; missing: number; extra: number}>(`
			SELECT (SELECT count(*) FROM load_keys)::int AS recorded,
				(SELECT count(*) FROM (${FROM_EVENTS} EXCEPT ${RECORDED}) k)::int AS missing,
				(SELECT count(*) FROM (${RECORDED} EXCEPT ${FROM_EVENTS}) k)::int AS extra`);
		assert.ok(check!.recorded > 0);
		assert.deepEqual([check!.missing, check!.extra], [0, 0]);

		// The first file's clients: event 1 counts once; event 3 has no time; events 4 and 5 have no agent.
		const {rows: clients} = await database.pool.query(
			`SELECT username, agent, accept_language, sum(timed_events)::int AS events FROM load_keys
			 WHERE kind = 'client' AND load_id = (SELECT min(load_id) FROM load_keys) GROUP BY 1, 2, 3 ORDER BY 1, 2`,
		);
		assert.deepEqual(clients, [
			{username: 'learner1', agent: 'Firefox', accept_language: 'ru-RU,ru;q=0.9', events: 1},
			{username: 'learner2', agent: 'Firefox', accept_language: 'ru-RU,ru;q=0.9', events: 1},
			{username: 'learner5', agent: null, accept_language: null, events: 1},
			{username: null, agent: null, accept_language: null, events: 1},
		]);
		// The second export's keys count only its ten new events (105-109 were stored by the first).
		const {rows: [overlap]} = await database.pool.query<{events: number}>(
			`SELECT sum(timed_events)::int AS events FROM load_keys WHERE kind = 'client' AND load_id = (SELECT load_id FROM source_files WHERE path = $1)`,
			[second],
		);
		assert.equal(overlap!.events, 10);
	});
});
