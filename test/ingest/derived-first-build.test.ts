import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {generateLog} from '../tools/generator.js';

const database = await openTestDatabase('first_build');
const rangesDatabase = await openTestDatabase('first_build_ranges');
const indexDatabase = await openTestDatabase('first_build_indexes');
const statisticsDatabase = await openTestDatabase('first_build_statistics');
const frozenDatabase = await openTestDatabase('first_build_frozen');
const dir = fixtureDir();

describe('a first build, which walks videos and problems inside its counting pass', () => {
	// Found by fuzzing: a reader row of an event without a time (an outline click names its target anyway)
	// was taken for a player or problem event, and its missing time read.
	it('keeps an outline click without a time out of the videos and problems, and walks those right', async () => {
		const file = path.join(dir, 'first.log');
		const at = (seconds: number) => `2018-09-17T10:00:${String(seconds).padStart(2, '0')}+00:00`;
		fs.writeFileSync(
			file,
			[
				eventLine(1, {time: undefined, event_type: 'edx.ui.lms.outline.selected', event: {target_url: '/courses/x/courseware/ch1', target_name: 'Chapter 1'}}),
				eventLine(1, {time: at(0), event: JSON.stringify({id: 'vid1', currentTime: 0})}),
				eventLine(1, {time: at(30), event_type: 'pause_video', event: JSON.stringify({id: 'vid1', currentTime: 30})}),
				eventLine(1, {time: at(40), event_type: 'problem_check', event_source: 'server', event: {problem_id: 'p1', success: 'correct', answers: {p1_2_1: 'a'}}}),
			].join('\n'),
		);
		const summary = await ingest(database, [file]);
		assert.equal(summary.phase, 'done');
		const {rows: videos} = await database.pool.query('SELECT username, video_id, plays::int, watched_seconds FROM d_learner_video');
		assert.deepEqual(videos, [{username: 'learner1', video_id: 'vid1', plays: 1, watched_seconds: 30}]);
		const {rows: problems} = await database.pool.query('SELECT problem_id, checks::int, first_correct, first_answers FROM d_learner_problem');
		assert.deepEqual(problems, [{problem_id: 'p1', checks: 1, first_correct: true, first_answers: {p1_2_1: 'a'}}]);
		// The click has no time: its target is numbered as a page, but not named.
		const {rows: [named]} = await database.pool.query<{count: number}>('SELECT count(*)::int AS count FROM d_page_name');
		assert.equal(named!.count, 0);
	});

	it('summarizes the block ranges of the load ids (BRIN) beside its work, so the next build has none left to summarize', async () => {
		// 3,000 events fill three ranges of 128 pages (the last one, partial, is summarized by neither).
		const log = path.join(dir, 'ranges.log');
		await generateLog({events: 3000, seed: 3, file: log});
		assert.equal((await ingest(rangesDatabase, [log])).phase, 'done');
		const {rows: [blocks]} = await rangesDatabase.pool.query<{blocks: number}>(`SELECT (pg_relation_size('events') / current_setting('block_size')::int)::int AS blocks`);
		assert.ok(blocks!.blocks > 256, `${blocks!.blocks} pages`);
		const {rows: [left]} = await rangesDatabase.pool.query<{ranges: number}>(`SELECT brin_summarize_new_values('events_load_brin')::int AS ranges`);
		assert.equal(left!.ranges, 0);
	});

	it('makes again, as the migrations defined them, the indexes it drops while it fills the tables', async () => {
		const indexes = async () =>
			(await indexDatabase.pool.query<{definition: string}>(`SELECT indexdef AS definition FROM pg_indexes WHERE tablename LIKE 'd\\_%' ORDER BY 1`)).rows.map(
				(row) => row.definition,
			);
		const migrated = await indexes();
		assert.ok(migrated.some((definition) => definition.includes('d_learner_page_type_type')), migrated.join('\n'));
		const log = path.join(dir, 'indexes.log');
		await generateLog({events: 2000, seed: 4, file: log});
		assert.equal((await ingest(indexDatabase, [log])).phase, 'done');
		assert.deepEqual(await indexes(), migrated);
		// Whole and usable (learner-unit-events finds its event types through the first, engagement-segments its week's
		// video plays and problem checks through the others).
		for (const index of ['d_learner_page_type_type', 'd_video_event_play_time', 'd_problem_event_check_time']) {
			const {rows: [usable]} = await indexDatabase.pool.query<{usable: boolean}>(
				`SELECT indisvalid AND indisready AS usable FROM pg_index WHERE indexrelid = $1::regclass`,
				[index],
			);
			assert.equal(usable!.usable, true, index);
		}
	});

	it('leaves planner statistics on the tables it filled, so the tasks run right after it are planned on them', async () => {
		const log = path.join(dir, 'statistics.log');
		await generateLog({events: 2000, seed: 5, file: log});
		assert.equal((await ingest(statisticsDatabase, [log])).phase, 'done');
		for (const table of ['d_learner_page_type', 'd_learner_hour', 'd_video_event', 'd_learner', 'd_session']) {
			// A sample of a small table is all of it: the planner's row count is exact.
			const {rows: [counts]} = await statisticsDatabase.pool.query<{rows: number; planned: number; columns: number}>(
				`SELECT (SELECT count(*) FROM ${table})::int AS rows, (SELECT reltuples FROM pg_class WHERE oid = $1::regclass)::int AS planned,
					(SELECT count(*) FROM pg_stats WHERE tablename = $1::text)::int AS columns`,
				[table],
			);
			assert.ok(counts!.rows > 0, `${table} has rows`);
			assert.equal(counts!.planned, counts!.rows, table);
			assert.ok(counts!.columns > 0, `${table}: statistics of its columns`);
		}
	});

	it('stores its rows frozen: the first reads after it do not rewrite the pages to mark them committed', async () => {
		const log = path.join(dir, 'frozen.log');
		await generateLog({events: 2000, seed: 6, file: log});
		assert.equal((await ingest(frozenDatabase, [log])).phase, 'done');
		for (const table of ['d_learner_page_type', 'd_video_event', 'd_session', 'd_learner_hour']) {
			// Pages of frozen rows are marked all-visible as they are filled, and the build's ANALYZE counts them
			// (rows left to be marked by their first reads have none until a vacuum).
			const {rows: [pages]} = await frozenDatabase.pool.query<{pages: number; visible: number}>(
				'SELECT relpages AS pages, relallvisible AS visible FROM pg_class WHERE oid = $1::regclass',
				[table],
			);
			assert.ok(pages!.pages > 0, `${table} has pages`);
			assert.ok(pages!.visible > 0, `${table}: ${pages!.visible} of ${pages!.pages} pages all-visible`);
		}
	});
});
