import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

const database = await openTestDatabase('first_build');
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
});
