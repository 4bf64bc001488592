import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {migrations} from '../../ingest/db/migrations.js';
import {normalizePageUrl, refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * One unit logged under http, https (another host name) and as a relative URL is one page, named by an outline
 * click to it from a third host; another unit stays another page. Alice arrives on the unit at 10:00 (http), on the
 * other unit at 10:10, on the unit again at 11:00 (https) and 12:00 (relative): 3 visits of the unit, 1 of the other.
 */
const COURSE = 'course-v1:Uni+PATH+2024';
const UNIT = `/courses/${COURSE}/courseware/ch1/seq1`;
const OTHER = `/courses/${COURSE}/courseware/ch1/seq2`;
const event = (time: string, page: string, extra: Record<string, unknown> = {}) =>
	JSON.stringify({
		username: 'alice', event_type: 'seq_goto', event_source: 'browser', time: `2024-05-01T${time}:00+00:00`, page,
		context: {course_id: COURSE, user_id: 1, org_id: 'Uni', path: '/event'}, event: {}, ...extra,
	});
const dir = fixtureDir();
const write = (name: string, lines: string[]) => {
	fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
	return path.join(dir, name);
};
const first = write('http.log', [
	event('10:00', `http://lms.example.org:8000${UNIT}/?activate_block_id=x`),
	event('10:10', `http://lms.example.org:8000${OTHER}/`),
	// Named from a third host.
	event('10:11', `http://lms.example.org:8000${OTHER}/`, {
		event_type: 'edx.ui.lms.outline.selected', event: {target_name: 'Week 1', target_url: `https://10.0.0.5${UNIT}`},
	}),
]);
const second = write('https.log', [event('10:30', `https://courses.example.org${UNIT}#top`), event('11:30', `${UNIT}/`)]);
const {tasks} = await loadTaskCatalogue();
const task = (id: string) => tasks.find((candidate) => candidate.id === id)!;
const EXPECTED = [
	[UNIT, 'Week 1', 3, 1],
	[OTHER, null, 1, 1],
];

it('a page URL is its path: scheme and host dropped, a relative one kept, anything else keeps its start', () => {
	assert.equal(normalizePageUrl('HTTPS://Host.example:443/a/b%20c/?q=1#f'), '/a/b c');
	assert.equal(normalizePageUrl('http://host'), '/');
	assert.equal(normalizePageUrl('http://host/?next=/x'), '/');
	assert.equal(normalizePageUrl(' /a/b// '), '/a/b');
	assert.equal(normalizePageUrl('x_module'), 'x_module');
	assert.equal(normalizePageUrl('ftp://host/a/'), 'ftp://host/a');
});

for (const [label, loads] of [['one load', [[first, second]]], ['the https and relative copies in a later load', [[first], [second]]]] as const) {
	it(`http, https and relative copies of a unit are one page with 3 visits, named by a click from a third host (${label})`, async () => {
		const database = await openTestDatabase('page_identity');
		for (const files of loads) await ingest(database, [...files]);
		assert.deepEqual((await runTask(database.pool, task('page-visits'), {})).rows, EXPECTED);
		assert.deepEqual((await runTask(database.pool, task('page-names'), {})).rows, [[UNIT, 'Week 1']]);
		assert.deepEqual((await runTask(database.pool, task('page-transitions'), {})).rows, [
			[UNIT, OTHER, 1, 1],
			[OTHER, UNIT, 1, 1],
		]);
		const {rows} = await database.pool.query<{urls: number}>('SELECT count(*)::int AS urls FROM d_url');
		assert.equal(rows[0]!.urls, 2);
	});
}

it('160 rebuilds a database whose pages kept their hosts: the next build numbers them by their paths', async () => {
	const database = await openTestDatabase('page_identity');
	await ingest(database, [first, second]);
	// As an earlier version left them (one host for all three copies, which it kept apart: enough to see them rebuilt).
	for (const table of ['d_url', 'd_page', 'd_page_name']) await database.pool.query(`UPDATE ${table} SET url = 'http://lms.example.org:8000' || url`);
	await database.pool.query(migrations.find((migration) => migration.version === 160)!.sql!);
	await refreshDerived(database.pool);
	assert.deepEqual((await runTask(database.pool, task('page-visits'), {})).rows, EXPECTED);
	assert.deepEqual((await runTask(database.pool, task('page-names'), {})).rows, [[UNIT, 'Week 1']]);
});
