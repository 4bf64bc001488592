import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {before, describe, it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/** Random hex: long values that do not compress, so they really exceed a btree entry (2704 bytes). */
const long = (prefix: string) => `${prefix}${randomBytes(2600).toString('hex')}`;
const COURSE = 'course-v1:spbstu+PHYLOS+fall_2018';

/**
 * Values far longer than a btree entry (2704 bytes) in every text the derived tables key or index on:
 * the refresh must not abort, and the tasks count them like any other.
 */
// Opened at the top level: the helper closes the pool after this file's tests.
const database = await openTestDatabase('derived_long');

describe('derived tables take values longer than a btree entry', () => {
	// Logged at https://courses.openedu.ru, shown as its path.
	const page = long(`/courses/${COURSE}/courseware/`);
	const logged = `https://courses.openedu.ru${page}`;
	const serverType = long(`/courses/${COURSE}/xblock/`);
	const video = long('video-');
	const problem = long('problem-');
	const answer = long('answer-');
	const username = long('learner-');
	let tasks: Map<string, TaskDefinition>;
	/** The task's rows as objects keyed by column name. */
	const rows = async (id: string): Promise<Array<Record<string, unknown>>> => {
		const result = await runTask(database.pool, tasks.get(id)!, {course: COURSE});
		return result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column.name, row[index]])));
	};

	before(async () => {
		const file = path.join(fixtureDir(), 'long.log');
		const events = [
			eventLine(1, {page: logged, name: 'seq_goto', event_type: 'seq_goto', event: '{}'}),
			eventLine(2, {page: logged, username, event: JSON.stringify({id: video, currentTime: 10})}),
			eventLine(3, {page: logged, username, name: 'pause_video', event_type: 'pause_video', event: JSON.stringify({id: video, currentTime: 70})}),
			eventLine(4, {event_source: 'server', event_type: serverType, name: undefined, event: {POST: {}}, page: null}),
			eventLine(5, {event_source: 'server', event_type: 'problem_check', name: 'problem_check', page: null,
				event: {problem_id: problem, success: 'correct', answers: {[`${problem}_2_1`]: answer}}}),
			eventLine(6, {name: 'edx.ui.lms.link_clicked', event_type: 'edx.ui.lms.link_clicked', event: JSON.stringify({target_url: logged, target_name: 'Long unit'})}),
		];
		fs.writeFileSync(file, `${events.join('\n')}\n`);
		await ingest(database, [file]);
		tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
	});

	it('counts the long event type, page, video, problem, answer and username', async () => {
		const types = await rows('event-types');
		assert.equal(types.find((row) => row.event_type === serverType)?.events, 1);
		const visits = await rows('page-visits');
		const visited = visits.find((row) => row.url === page);
		assert.deepEqual([visited?.name, visited?.visits, visited?.visitors], ['Long unit', 2, 2]);
		const videos = await rows('video-engagement');
		assert.equal(videos.length, 1);
		assert.equal(videos[0]!.video_id, video);
		const problems = await rows('problems');
		assert.equal(problems.find((row) => row.problem_id === problem)?.learners, 1);
		const answers = await rows('problem-answers');
		assert.equal(answers.find((row) => row.answer === answer)?.first_attempts, 1);
		const learners = await rows('learners');
		assert.equal(learners.find((row) => row.username === username)?.events, 2);
	});
});

