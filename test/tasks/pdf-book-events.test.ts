import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * The PDF viewer logs its page loads and page turns as `book` events that name their kind in the payload (the Open edX
 * reference: event.name `textbook.pdf.page.loaded` for a 'gotopage', `textbook.pdf.page.navigatednext` for a
 * 'nextpage'; the corpus' analytics-pipeline logs hold 14 such events and no other PDF event). In intro.pdf: ann loads
 * a page (book), turns one (book) and scrolls; ben loads a page (book); cat's page load is logged under its own type;
 * dan turns a page of a PNG textbook (a `book` event without name or chapter: no PDF). So intro.pdf has 3 viewers
 * (ann, ben, cat), 3 page loads and 5 events. The tasks read event types alone: 2 viewers, 1 page load, 2 events.
 */
const COURSE = 'course-v1:Uni+BOOK+2024';
const PDF = `/asset-v1:Uni+BOOK+2024+type@asset+block/intro.pdf`;
const line = (username: string, time: string, eventType: string, payload: object) =>
	JSON.stringify({
		username, event_type: eventType, event_source: 'browser', time: `2024-03-01T10:${time}:00+00:00`,
		page: `https://openedu.ru/courses/${COURSE}/pdfbook/0/?viewer=true&file=${PDF}`,
		context: {course_id: COURSE, user_id: username.length, org_id: 'Uni', path: '/event'}, event: JSON.stringify(payload),
	});
const file = path.join(fixtureDir(), 'book.log');
fs.writeFileSync(
	file,
	`${[
		line('ann', '00', 'book', {type: 'gotopage', old: 1, new: 2, chapter: PDF, name: 'textbook.pdf.page.loaded'}),
		line('ann', '01', 'book', {type: 'nextpage', new: 3, chapter: PDF, name: 'textbook.pdf.page.navigatednext'}),
		line('ann', '02', 'textbook.pdf.page.scrolled', {chapter: PDF, page: 3, direction: 'down', name: 'textbook.pdf.page.scrolled'}),
		line('ben', '03', 'book', {type: 'gotopage', old: 1, new: 5, chapter: PDF, name: 'textbook.pdf.page.loaded'}),
		line('cat', '04', 'textbook.pdf.page.loaded', {type: 'gotopage', old: 1, new: 2, chapter: PDF, name: 'textbook.pdf.page.loaded'}),
		line('dan', '05', 'book', {type: 'nextpage', new: 2}),
	].join('\n')}\n`,
);
const database = await openTestDatabase('pdf_book');
await ingest(database, [file]);
const {tasks} = await loadTaskCatalogue();
const run = async (id: string) => (await runTask(database.pool, tasks.find((task) => task.id === id)!, {})).rows;

it('pdf-views counts the viewer’s `book` events by the textbook.pdf.* name in their payload', async () => {
	assert.deepEqual(await run('pdf-views'), [['intro.pdf', 3, 3, 5]]);
});

it('pdf-scrolling is unchanged by them', async () => {
	assert.deepEqual(await run('pdf-scrolling'), [['intro.pdf', 1, 1, 1]]);
});
