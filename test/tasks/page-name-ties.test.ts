import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * Two outline clicks to one section at the same time, named 'Beta' and 'Alpha' (two learners on a renamed
 * section, say): the page is named 'Alpha', the least, however the log is split into loads and in whatever order.
 */
const COURSE = 'course-v1:Uni+TIE+2024';
// As the page is shown: its path (clicks name it at https://openedu.ru).
const JUMP = `/courses/${COURSE}/jump_to/block-v1:Uni+TIE+2024+type@sequential+block@s1`;
const click = (username: string, name: string, seconds: string) =>
	JSON.stringify({
		username, event_type: 'edx.ui.lms.outline.selected', event_source: 'browser', time: `2024-05-01T10:00:${seconds}+00:00`,
		page: `https://openedu.ru/courses/${COURSE}/course/`, context: {course_id: COURSE, user_id: 1, org_id: 'Uni', path: '/event'},
		event: {target_name: name, target_url: `https://openedu.ru${JUMP}`},
	});
const dir = fixtureDir();
const write = (name: string, lines: string[]) => {
	fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
	return path.join(dir, name);
};
const alpha = write('alpha.log', [click('a', 'Alpha', '00')]);
const beta = write('beta.log', [click('b', 'Beta', '00')]);
const {tasks} = await loadTaskCatalogue();
const pageNames = tasks.find((task) => task.id === 'page-names')!;

for (const [label, order] of [['Alpha loaded first', [alpha, beta]], ['Beta loaded first', [beta, alpha]]] as const) {
	it(`names clicked at the same time: the least wins, loaded one file at a time (${label}) and in one build`, async () => {
		const database = await openTestDatabase('page_name_ties');
		for (const file of order) await ingest(database, [file]);
		assert.deepEqual((await runTask(database.pool, pageNames, {})).rows, [[JUMP, 'Alpha']], `${label}, two loads`);
		await database.pool.query('UPDATE loads SET derived_done = false');
		await refreshDerived(database.pool);
		assert.deepEqual((await runTask(database.pool, pageNames, {})).rows, [[JUMP, 'Alpha']], `${label}, one build`);
	});
}

it('a later click still renames the page, a same-time one after it too', async () => {
	const database = await openTestDatabase('page_name_ties');
	await ingest(database, [write('later.log', [click('a', 'Zeta', '05'), click('b', 'Old', '01')])]);
	await ingest(database, [alpha, beta]);
	assert.deepEqual((await runTask(database.pool, pageNames, {})).rows, [[JUMP, 'Zeta']]);
	await ingest(database, [write('latest.log', [click('c', 'Omega', '05')])]);
	assert.deepEqual((await runTask(database.pool, pageNames, {})).rows, [[JUMP, 'Omega']]);
});

it('a name loses the white space around it (tabs, line breaks, no-break spaces): one of white space alone names nothing', async () => {
	// 'Intro' at 10:00:00, then a click at :05 whose name is a line break alone (a title element left empty): the page keeps
	// 'Intro'. Another section's name comes with a tab before and a line break and a no-break space after: 'Day 1'.
	const day = JUMP.replace('block@s1', 'block@s2');
	const other = JSON.parse(click('b', '\tDay 1\n\u00a0', '00')) as {event: {target_url: string}};
	other.event.target_url = `https://openedu.ru${day}`;
	const database = await openTestDatabase('page_name_ties');
	await ingest(database, [write('blank.log', [click('a', 'Intro', '00'), click('a', '\n', '05'), JSON.stringify(other)])]);
	assert.deepEqual((await runTask(database.pool, pageNames, {})).rows, [[JUMP, 'Intro'], [day, 'Day 1']]);
});
