import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * active-learners' problem column counts learners working on a problem: a save or reset the server refused
 * (save_problem_fail, reset_problem_fail: the problem was closed or out of attempts) is that too, as its
 * successful twin is. learner1 saves in vain, learner2 resets in vain, learner3 only plays a video.
 */
it('a failed save or reset of a problem makes a problem learner in active-learners', async () => {
	const file = path.join(fixtureDir(), 'problem-activity.log');
	const server = {event_source: 'server', event: JSON.stringify({problem_id: 'block-v1:spbstu+PHYLOS+fall_2018+type@problem+block@p1'})};
	fs.writeFileSync(
		file,
		`${[eventLine(1, {...server, event_type: 'save_problem_fail'}), eventLine(2, {...server, event_type: 'reset_problem_fail'}), eventLine(3)].join('\n')}\n`,
	);
	const database = await openTestDatabase('problem_activity');
	await ingest(database, [file]);
	const {tasks} = await loadTaskCatalogue();
	const {rows} = await runTask(database.pool, tasks.find((task) => task.id === 'active-learners')!, {});
	// period_start, active, video, problem, forum
	assert.deepEqual(rows, [['2018-09-17', 3, 1, 2, 0]]);
});
