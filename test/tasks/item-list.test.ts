import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {itemUnits} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * The picker's list of videos and problems (itemUnits): each with the unit (section name) and page it sits on, and
 * its viewers or its learners with checks, most first. Course A: video v on unit "1.1 Маятник" (named by an outline
 * click) watched by ann, ben and cat (ann twice: one viewer) and loaded by fay, video w on an unnamed page by dan,
 * video z only loaded by fay; problem p checked by
 * ann and ben, problem q only shown by cat (no check). Course B: video x by ann and eve; its page, B's.
 */
const A = 'course-v1:Uni+PHYS+2024';
const B = 'course-v1:Uni+MATH+2024';
const LMS = 'https://courses.openedu.ru';
const unit = (course: string, chapter: string) => `/courses/${course}/courseware/${chapter}/${chapter}s/1`;
let minute = 0;
function line(username: string, course: string, eventType: string, page: string, payload: object, source = 'browser'): string {
	minute++;
	return JSON.stringify({
		username, event_type: eventType, event_source: source, time: `2024-03-04T09:${String(minute).padStart(2, '0')}:00+00:00`, host: 'courses.openedu.ru',
		context: {course_id: course, user_id: username.charCodeAt(0), org_id: 'Uni', path: '/event'},
		// The server logs its payload as an object, the browser as a JSON string.
		event: source === 'server' ? payload : JSON.stringify(payload), page: `${LMS}${page}`,
	});
}
const play = (username: string, course: string, video: string, page: string) => line(username, course, 'play_video', page, {id: video, currentTime: 0, duration: 100});
const problem = (username: string, eventType: string, id: string, page: string) => line(username, A, eventType, page, {problem_id: id, answers: {p_2_1: 'a'}, attempts: 1, success: 'correct'}, 'server');

const file = path.join(fixtureDir(), 'items.log');
fs.writeFileSync(
	file,
	`${[
		line('ann', A, 'edx.ui.lms.outline.selected', `/courses/${A}/course/`, {target_url: `${LMS}/courses/${A}/courseware/ch1/ch1s/`, target_name: '1.1 Маятник'}),
		play('ann', A, 'v', unit(A, 'ch1')),
		play('ann', A, 'v', unit(A, 'ch1')),
		play('ben', A, 'v', unit(A, 'ch1')),
		play('cat', A, 'v', unit(A, 'ch1')),
		play('dan', A, 'w', unit(A, 'ch2')),
		// Loaded with its page, never played: no viewer, as video-engagement counts them.
		line('fay', A, 'load_video', unit(A, 'ch1'), {id: 'v'}),
		line('fay', A, 'load_video', unit(A, 'ch5'), {id: 'z'}),
		problem('ann', 'problem_check', 'p', unit(A, 'ch3')),
		problem('ben', 'problem_check', 'p', unit(A, 'ch3')),
		problem('cat', 'showanswer', 'q', unit(A, 'ch4')),
		play('ann', B, 'x', unit(B, 'ch9')),
		play('eve', B, 'x', unit(B, 'ch9')),
	].join('\n')}\n`,
);
const database = await openTestDatabase('item_list');
await ingest(database, [file]);

it("lists a course's videos with their unit and page, by viewers (a learner once however often they played; one who only loaded it none)", async () => {
	assert.deepEqual(await itemUnits(database.pool, 'video', A), [
		{id: 'v', count: 3, unit: '1.1 Маятник', url: unit(A, 'ch1')},
		{id: 'w', count: 1, unit: '', url: unit(A, 'ch2')},
		{id: 'z', count: 0, unit: '', url: unit(A, 'ch5')},
	]);
	assert.deepEqual(await itemUnits(database.pool, 'video', B), [{id: 'x', count: 2, unit: '', url: unit(B, 'ch9')}]);
});

it('all courses together (the course left empty), most viewers first, then by id', async () => {
	assert.deepEqual(
		(await itemUnits(database.pool, 'video', '')).map((item) => [item.id, item.count, item.url]),
		[
			['v', 3, unit(A, 'ch1')],
			['x', 2, unit(B, 'ch9')],
			['w', 1, unit(A, 'ch2')],
			['z', 0, unit(A, 'ch5')],
		],
	);
});

it("lists problems by the learners who checked them: one only shown counts none, and is listed last", async () => {
	assert.deepEqual(await itemUnits(database.pool, 'problem', A), [
		{id: 'p', count: 2, unit: '', url: unit(A, 'ch3')},
		{id: 'q', count: 0, unit: '', url: unit(A, 'ch4')},
	]);
	assert.deepEqual(await itemUnits(database.pool, 'problem', B), []);
});

it('a course the database does not have lists nothing; the course is a value, never SQL', async () => {
	assert.deepEqual(await itemUnits(database.pool, 'video', 'course-v1:nope'), []);
	assert.deepEqual(await itemUnits(database.pool, 'problem', `' OR '' = '`), []);
});
