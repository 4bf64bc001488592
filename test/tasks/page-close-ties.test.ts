import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, migrated, openTestDatabase} from '../helpers/ingest.js';

/**
 * A page_close at the same time as another page's event (whole seconds): the walk takes the page_close last, its page
 * visited just before it ends the session. pia visits section A at 10:00:00; at 11:00:00 (a new session) she opens B
 * and closes A in the same second; at 11:10:00 she is on B again, after the close. So she went A | B, A | B: four
 * visits in three sessions, transitions B → A and (across the page_close, 10 minutes on) A → B. learner-path ordered visits at one time by URL, so it showed
 * A (in session 1) before B at 11:00: A, A, B, as if the page_close's visit came first, against page-transitions.
 */
const COURSE = 'course-v1:Uni+CLOSE+2024';
// As a page is shown: its path (the log names it at https://openedu.ru).
const PAGE = (section: string) => `/courses/${COURSE}/courseware/ch1/${section}`;
const line = (eventType: string, time: string, section: string) =>
	JSON.stringify({
		username: 'pia', event_type: eventType, event_source: 'browser', time: `2024-03-01T${time}+00:00`, page: `https://openedu.ru${PAGE(section)}/`,
		context: {course_id: COURSE, user_id: 1, org_id: 'Uni', path: '/event'}, event: {},
	});
const file = path.join(fixtureDir(), 'close-ties.log');
fs.writeFileSync(
	file,
	`${[line('page_view', '10:00:00', 'seqA'), line('page_close', '11:00:00', 'seqA'), line('page_view', '11:00:00', 'seqB'), line('page_view', '11:10:00', 'seqB')].join('\n')}\n`,
);
const database = await openTestDatabase('page_close_ties');
await ingest(database, [file]);
const {tasks} = await loadTaskCatalogue();
const run = async (id: string, values: Record<string, string> = {}) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === id)!, values));

it('learner-path lists the visits at one time in the walk’s order: a page_close’s page last', async () => {
	assert.deepEqual(await run('learner-path', {user: 'pia'}), [
		[1, 1, '2024-03-01 10:00:00', PAGE('seqA'), null],
		[2, 2, '2024-03-01 11:00:00', PAGE('seqB'), null],
		[3, 2, '2024-03-01 11:00:00', PAGE('seqA'), null],
		[4, 3, '2024-03-01 11:10:00', PAGE('seqB'), null],
	]);
});

it('page-transitions agrees: B → A in the second session, then A → B across the page_close', async () => {
	assert.deepEqual(await run('page-transitions'), [[PAGE('seqA'), PAGE('seqB'), 1, 1], [PAGE('seqB'), PAGE('seqA'), 1, 1]]);
});

it('a database built before migration 156 (transitions within a session only) is rebuilt by the next build', async () => {
	// As the version before 156 left it: no transition across the page_close.
	const fromA = 'previous_url_id = (SELECT url_id FROM d_url WHERE url = $1)';
	await database.pool.query(`DELETE FROM d_learner_transition WHERE ${fromA}`, [PAGE('seqA')]);
	await database.pool.query(`UPDATE d_page_visit SET previous_url_id = NULL WHERE ${fromA}`, [PAGE('seqA')]);
	await database.pool.query('DELETE FROM schema_version WHERE version = 156');
	assert.deepEqual(await run('page-transitions'), [[PAGE('seqB'), PAGE('seqA'), 1, 1]]);
	assert.deepEqual(await migrated(database), [156]);
	await refreshDerived(database.pool);
	assert.deepEqual(await run('page-transitions'), [[PAGE('seqA'), PAGE('seqB'), 1, 1], [PAGE('seqB'), PAGE('seqA'), 1, 1]]);
	assert.deepEqual(await run('page-transitions', {from: '2024-03-01', to: '2024-03-01'}), await run('page-transitions'));
});
