import assert from 'node:assert/strict';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * section-coverage on a course with an old id (ORG/COURSE/RUN), counted by hand. Its chapter chA has section sA, whose
 * units the LMS logged as …/courseware/chA/sA/1 and /2, and also without a unit (…/courseware/chA/sA/: the page shows the
 * unit the learner was last on, which the URL does not say), and section sB, only ever logged without a unit (one page).
 * An outline click names sA "Old intro" through its jump_to link, whose block key is an old one (i4x://Uni/OLD/sequential/sA).
 * fay opens sA, then its units 1 and 2; gus units 1 and 2; hal sA without a unit only; ida sB only.
 * By section: sA has 2 pages (its units): fay and gus viewed both, hal one (which, the log does not say), ida none:
 * 5 pages viewed. sB has 1 page, ida's. By chapter, chA has 3 pages: fay and gus viewed 2, hal and ida 1: all of them
 * some. Counting sA's URL without a unit as a third page made gus a learner who viewed only some of it.
 */
const OLD = 'Uni/OLD/2015';
const LMS = `https://lms.example.org/courses/${OLD}`;
const learners = ['fay', 'gus', 'hal', 'ida'];
let minute = 0;
const line = (username: string, page: string, eventType = 'seq_goto', event: object = {}) =>
	JSON.stringify({
		username, event_type: eventType, event_source: 'browser', time: `2015-03-01T10:${String(minute++).padStart(2, '0')}:00+00:00`, page,
		context: {course_id: OLD, user_id: learners.indexOf(username) + 1, org_id: 'Uni', path: '/event'}, event: JSON.stringify(event),
	});
const sA = `${LMS}/courseware/chA/sA/`;
const sB = `${LMS}/courseware/chA/sB/`;
const file = writeLog(fixtureDir(), 'old-course.log', [
	line('fay', `${LMS}/course/`, 'edx.ui.lms.outline.selected', {target_url: `${LMS}/jump_to/i4x://Uni/OLD/sequential/sA`, target_name: 'Old intro'}),
	line('fay', sA), line('fay', `${sA}1`), line('fay', `${sA}2`),
	line('gus', `${sA}1`), line('gus', `${sA}2`),
	line('hal', sA),
	line('ida', sB),
]);
const database = await openTestDatabase('section_coverage_old');
await ingest(database, [file]);
const {tasks} = await loadTaskCatalogue();
const run = async (values: Record<string, string> = {}) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === 'section-coverage')!, values));

it("a section's URL without a unit is no page of its own beside its units; an old jump_to link names the section", async () => {
	// course, chapter, section, name, pages, learners, viewed_none, viewed_some, viewed_all, pages_viewed
	assert.deepEqual(await run(), [
		[OLD, 'chA', 'sA', 'Old intro', 2, 4, 1, 1, 2, 5],
		[OLD, 'chA', 'sB', null, 1, 4, 3, 0, 1, 1],
	]);
	assert.deepEqual(await run({by: 'chapter'}), [[OLD, 'chA', null, null, 3, 4, 0, 4, 0, 6]]);
	assert.deepEqual(await run({user: 'hal'}), [
		[OLD, 'chA', 'sA', 'Old intro', 2, 1, 0, 1, 0, 1],
		[OLD, 'chA', 'sB', null, 1, 1, 1, 0, 0, 0],
	]);
});
