import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {before, describe, it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Video v sits on unit A (named "1.1 Маятник" by an outline click) and is linked from unit B. First load: ann and
 * ben play v on A; cat meets it first on B, then plays it on A: A is v's unit (2 learners against 1). Second load:
 * dan plays v on B: 2 against 2, of which the least URL (A). Third load: eve and fay on B: B (4) is v's unit, with no
 * name known. Video w is played on A by ann alone, in the second load.
 */
const COURSE = 'course-v1:Uni+PHYS+2024';
// Pages as the tasks show them (paths), and as logged.
const A = `/courses/${COURSE}/courseware/ch1/s1/1`;
const B = `/courses/${COURSE}/courseware/ch2/s4/3`;
const LMS = 'https://courses.openedu.ru';

function line(username: string, time: string, eventType: string, page: string, payload: object): string {
	return JSON.stringify({
		username, event_type: eventType, event_source: 'browser', time: `2024-03-04T${time}:00+00:00`, host: 'courses.openedu.ru',
		context: {course_id: COURSE, user_id: username.charCodeAt(0), org_id: 'Uni', path: '/event'},
		event: JSON.stringify(payload), page,
	});
}
const play = (username: string, time: string, page: string, video = 'v') => line(username, time, 'play_video', `${LMS}${page}`, {id: video, currentTime: 0, duration: 100});
const outline = line('ann', '08:59', 'edx.ui.lms.outline.selected', `https://courses.openedu.ru/courses/${COURSE}/course/`, {
	target_url: `https://courses.openedu.ru/courses/${COURSE}/courseware/ch1/s1/`,
	target_name: '1.1 Маятник',
});

const database = await openTestDatabase('video_unit');

describe("video-engagement: the unit a video is on (the page most of its learners met it on first)", () => {
	let tasks: Map<string, TaskDefinition>;
	// video_id, unit, url: the first, second and last columns.
	const units = async () => (await runTask(database.pool, tasks.get('video-engagement')!, {})).rows.map((row) => [row[0], row[1], row.at(-1)]);
	const dir = fixtureDir();
	const write = (name: string, events: string[]) => {
		const file = path.join(dir, name);
		fs.writeFileSync(file, `${events.join('\n')}\n`);
		return file;
	};

	before(async () => {
		tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
	});

	it('takes the page of more learners, with its section name', async () => {
		await ingest(database, [write('first.log', [outline, play('ann', '09:00', A), play('ben', '09:01', A), play('cat', '09:02', B), play('cat', '09:10', A)])]);
		assert.deepEqual(await units(), [['v', '1.1 Маятник', A]]);
	});

	it('adds the learners of a later load to those of the earlier ones', async () => {
		await ingest(database, [write('second.log', [play('dan', '10:00', B), play('ann', '10:03', A, 'w')])]);
		assert.deepEqual(await units(), [
			['v', '1.1 Маятник', A],
			['w', '1.1 Маятник', A],
		]);
		await ingest(database, [write('third.log', [play('eve', '11:01', B), play('fay', '11:02', B)])]);
		assert.deepEqual(await units(), [
			['v', null, B],
			['w', '1.1 Маятник', A],
		]);
	});
});
