import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Content coverage on a course whose answer is counted by hand. COV's outline, as its URLs give it:
 * - chapter ch1: section s1 with units 1, 2, 3 (LMS URLs …/courseware/ch1/s1/<n>); section s2 logged without a unit
 *   position (…/courseware/ch1/s2/, as the LMS of 2013–2015 did);
 * - chapter ch2: section s3, one LMS unit (…/courseware/ch2/s3/1) and one unit in the learning MFE (no chapter in it);
 * - section s4, in the MFE only (units u1, u2): no URL names its chapter.
 * ann opens s1's three units, s2 and s3/1; bob s1/1, s3's MFE unit and both of s4's; cat s1/2, s2 and ch1's own URL (no
 * section's: it opens the chapter's first section); dan only the progress page and the forum (no section's either).
 * eve is a learner of another course, OTHER, where she opens its one unit. Outline clicks name s1 "Intro" and s4
 * "Practice" (their jump_to links).
 * So in COV (4 learners: ann, bob, cat, dan), by section: s1 has 3 pages, all viewed by ann, some by bob and cat, none by
 * dan; s2 1 page, viewed by ann and cat; s3 2 pages, one each by ann and bob; s4 2 pages, both by bob. By chapter: ch1
 * has s1's and s2's 4 pages (ann all, bob 1 and cat 2: some, dan none); ch2 s3's 2; s4 stays a row of its own.
 */
const COV = 'course-v1:Uni+COV+2024';
const OTHER = 'course-v1:Uni+OTHER+2024';
const LMS = 'https://lms.example.org';
const MFE = `https://apps.example.org/learning/course/${COV}`;
const block = (type: string, id: string) => `block-v1:Uni+COV+2024+type@${type}+block@${id}`;
const page = {
	s1: (n: number) => `${LMS}/courses/${COV}/courseware/ch1/s1/${n}?activate_block_id=x`,
	s2: `${LMS}/courses/${COV}/courseware/ch1/s2/`,
	s3: `${LMS}/courses/${COV}/courseware/ch2/s3/1`,
	s3Mfe: `${MFE}/${block('sequential', 's3')}/${block('vertical', 'v9')}`,
	s4: (unit: string) => `${MFE}/${block('sequential', 's4')}/${block('vertical', unit)}`,
	ch1: `${LMS}/courses/${COV}/courseware/ch1/`,
	progress: `${LMS}/courses/${COV}/progress`,
	forum: `${LMS}/courses/${COV}/discussion/forum`,
	other: `${LMS}/courses/${OTHER}/courseware/c9/x9/1`,
};
let minute = 0;
const line = (username: string, url: string, course = COV, eventType = 'page_view', event: object = {}) =>
	JSON.stringify({
		username, event_type: eventType, event_source: 'browser', time: `2024-03-01T10:${String(minute++).padStart(2, '0')}:00+00:00`, page: url,
		context: {course_id: course, user_id: ['ann', 'bob', 'cat', 'dan', 'eve'].indexOf(username) + 1, org_id: 'Uni', path: '/event'}, event: JSON.stringify(event),
	});
const click = (username: string, section: string, name: string) =>
	line(username, `${LMS}/courses/${COV}/course/`, COV, 'edx.ui.lms.outline.selected', {
		target_url: `${LMS}/courses/${COV}/jump_to/${block('sequential', section)}`, target_name: name, current_url: `${LMS}/courses/${COV}/course/`,
	});
const file = path.join(fixtureDir(), 'coverage.log');
fs.writeFileSync(
	file,
	`${[
		click('ann', 's1', 'Intro'), line('ann', page.s1(1)), line('ann', page.s1(2)), line('ann', page.s1(3)), line('ann', page.s2), line('ann', page.s3),
		line('bob', page.s1(1)), line('bob', page.s3Mfe), click('bob', 's4', 'Practice'), line('bob', page.s4('u1')), line('bob', page.s4('u2')),
		line('cat', page.s1(2)), line('cat', page.s2), line('cat', page.ch1),
		line('dan', page.progress), line('dan', page.forum),
		line('eve', page.other, OTHER),
	].join('\n')}\n`,
);
const database = await openTestDatabase('section_coverage');
await ingest(database, [file]);
const {tasks} = await loadTaskCatalogue();
const run = async (values: Record<string, string> = {}) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === 'section-coverage')!, values));

it('per section: pages, learners, and those who viewed none, some or all of them (the most viewed first)', async () => {
	// course, chapter, section, name, pages, learners, viewed_none, viewed_some, viewed_all, pages_viewed
	assert.deepEqual(await run({course: COV}), [
		[COV, 'ch1', 's1', 'Intro', 3, 4, 1, 2, 1, 5],
		[COV, 'ch1', 's2', null, 1, 4, 2, 0, 2, 2],
		[COV, 'ch2', 's3', null, 2, 4, 2, 2, 0, 2],
		[COV, null, 's4', 'Practice', 2, 4, 3, 0, 1, 2],
	]);
});

it('per chapter: its sections together; a section no URL places in a chapter stays a row of its own', async () => {
	assert.deepEqual(await run({course: COV, by: 'chapter'}), [
		[COV, 'ch1', null, null, 4, 4, 1, 2, 1, 7],
		[COV, 'ch2', null, null, 2, 4, 2, 2, 0, 2],
		[COV, null, 's4', 'Practice', 2, 4, 3, 0, 1, 2],
	]);
});

it('all courses: each course with its own learners', async () => {
	const rows = await run();
	assert.deepEqual(rows.slice(0, 4), await run({course: COV}));
	assert.deepEqual(rows.slice(4), [[OTHER, 'c9', 'x9', null, 1, 1, 0, 0, 1, 1]]);
});

it('one learner: a row of each section of their courses, that learner in one of none, some and all', async () => {
	assert.deepEqual(await run({user: 'bob'}), [
		[COV, 'ch1', 's1', 'Intro', 3, 1, 0, 1, 0, 1],
		[COV, 'ch2', 's3', null, 2, 1, 0, 1, 0, 1],
		[COV, null, 's4', 'Practice', 2, 1, 0, 0, 1, 2],
		[COV, 'ch1', 's2', null, 1, 1, 1, 0, 0, 0],
	]);
	// dan opened no section: every row counts him in none.
	assert.deepEqual(
		(await run({user: 'dan'})).map((row) => row.slice(6)),
		[[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]],
	);
	// A name with SQL in it is a learner the database does not know: refused, not run.
	await assert.rejects(run({user: "x'; drop table events; --"}), /learner/i);
});
