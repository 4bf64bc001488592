import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {before, describe, it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';
import {pyDumps} from '../tools/event-lines.js';

/**
 * Russian text and section names, on OpenEdu-shaped events (written as Python's json.dumps does, non-ASCII
 * as \uXXXX), with answers worked out by hand:
 * - PDF searches on 2024-03-05 in KAZ by ann ("Интеграл", "интеграл Римана"), ben ("ИНТЕГРАЛ: Ёж",
 *   "ёж-Hello,World!") and cat ("Привет мир Hello-World"), and by cat in LIT ("Ёлка 2024"); in WORLD by dan
 *   ("١٢٣ abc", "नमस्ते", "ΣΑΣ") and eve ("STRASSE", "straße Straße", "σας", "x² ﬁle").
 * - First load, 2024-03-04: ann visits KAZ's courseware pages of sequentials s1 (its page without a position,
 *   then /1 and /2) and s2 (/1, /2) from 09:00 to 09:04, then s1's unit in the learning MFE at 09:05; ben
 *   visits LIT's page /courseware/ch1/s1/1 (the same sequential id in another course) at 09:00.
 * - Second load, from 10:00 on KAZ's outline page (ann's second session): a link click names s1's page
 *   without a position "Старое имя", the outline names s1's jump_to URL "1.1 Введение" a minute later, a
 *   link click names s2/1 "Своё имя", the outline names s2's jump_to URL "1.2 Задачи".
 */
const KAZ = 'course-v1:Uni+KAZ+2024';
const LIT = 'course-v1:Uni+LIT+2024';
const WORLD = 'course-v1:Uni+WORLD+2024';
// Pages as they are shown, their paths: logged at https://courses.openedu.ru, the learning MFE's at its own host.
const LMS = '/courses';
const block = (type: string, id: string) => `block-v1:Uni+KAZ+2024+type@${type}+block@${id}`;
const S1 = `${LMS}/${KAZ}/courseware/ch1/s1`;
const S2 = `${LMS}/${KAZ}/courseware/ch1/s2`;
const MFE_UNIT = `/learning/course/${KAZ}/${block('sequential', 's1')}/${block('vertical', 'u1')}`;
const OUTLINE = `${LMS}/${KAZ}/course`;
const OTHER_COURSE = `${LMS}/${LIT}/courseware/ch1/s1/1`;
const USERS: Record<string, number> = {ann: 1, ben: 2, cat: 3, dan: 4, eve: 5};

function line(username: string, course: string, time: string, eventType: string, page: string | null, payload: object): string {
	return pyDumps({
		username, event_type: eventType, event_source: 'browser', time, host: 'courses.openedu.ru',
		context: {course_id: course, user_id: USERS[username], org_id: 'Uni', path: '/event'},
		event: pyDumps(payload), page: page && logged(page), session: `s-${username}`,
	});
}
function logged(page: string): string {
	return `https://${page.startsWith('/learning/') ? 'apps' : 'courses'}.openedu.ru${page}`;
}
const search = (username: string, course: string, time: string, query: string) =>
	line(username, course, `2024-03-05T${time}:00+00:00`, 'textbook.pdf.search.executed', null, {chapter: '/asset-v1:Uni+KAZ+2024+type@asset+block/book.pdf', query});
const visit = (username: string, course: string, time: string, page: string) =>
	line(username, course, `2024-03-04T${time}:00+00:00`, 'seq_goto', page, {old: 1, new: 2});
const click = (time: string, eventType: string, target: string, name: string) =>
	line('ann', KAZ, `2024-03-04T${time}:00+00:00`, eventType, `${OUTLINE}/`, {target_url: logged(target), target_name: name});

const visits = [
	search('ann', KAZ, '10:00', 'Интеграл'),
	search('ann', KAZ, '10:01', 'интеграл Римана'),
	search('ben', KAZ, '10:02', 'ИНТЕГРАЛ: Ёж'),
	search('ben', KAZ, '10:03', 'ёж-Hello,World!'),
	search('cat', KAZ, '10:04', 'Привет мир Hello-World'),
	search('cat', LIT, '10:05', 'Ёлка 2024'),
	search('dan', WORLD, '11:00', '١٢٣ abc'),
	search('dan', WORLD, '11:01', 'नमस्ते'),
	search('dan', WORLD, '11:02', 'ΣΑΣ'),
	search('eve', WORLD, '11:03', 'STRASSE'),
	search('eve', WORLD, '11:04', 'straße Straße'),
	search('eve', WORLD, '11:05', 'σας'),
	search('eve', WORLD, '11:06', 'x² ﬁle'),
	visit('ann', KAZ, '09:00', `${S1}/`),
	visit('ann', KAZ, '09:01', `${S1}/1`),
	visit('ann', KAZ, '09:02', `${S1}/2?activate_block_id=x`),
	visit('ann', KAZ, '09:03', `${S2}/1`),
	visit('ann', KAZ, '09:04', `${S2}/2`),
	visit('ann', KAZ, '09:05', MFE_UNIT),
	visit('ben', LIT, '09:00', OTHER_COURSE),
];
const names = [
	click('10:00', 'edx.ui.lms.link_clicked', `${S1}/`, 'Старое имя'),
	click('10:01', 'edx.ui.lms.outline.selected', `${LMS}/${KAZ}/jump_to/${block('sequential', 's1')}`, '1.1 Введение'),
	click('10:02', 'edx.ui.lms.link_clicked', `${S2}/1`, 'Своё имя'),
	click('10:03', 'edx.ui.lms.outline.selected', `${LMS}/${KAZ}/jump_to/${block('sequential', 's2')}`, '1.2 Задачи'),
];

// Opened at the top level: the helper closes the pool after this file's tests.
const database = await openTestDatabase('names_words');
let tasks: Map<string, TaskDefinition>;
const rows = async (id: string, values: Record<string, string> = {}) => csvRows(await runTask(database.pool, tasks.get(id)!, values));

before(async () => {
	const dir = fixtureDir();
	const files = {visits: path.join(dir, 'visits.log'), names: path.join(dir, 'names.log')};
	fs.writeFileSync(files.visits, `${visits.join('\n')}\n`);
	fs.writeFileSync(files.names, `${names.join('\n')}\n`);
	tasks = new Map((await loadTaskCatalogue()).tasks.map((task) => [task.id, task]));
	await ingest(database, [files.visits]);
	// No name is known yet.
	assert.deepEqual((await rows('page-visits')).map((row) => row[1]), Array(7).fill(null));
	await ingest(database, [files.names]);
});

describe('pdf-search-words: Unicode words', () => {
	it('case-folds Cyrillic (Ё included) and splits mixed Latin and Cyrillic on punctuation', async () => {
		const kaz = [
			['интеграл', 3, 2],
			['hello', 2, 2],
			['world', 2, 2],
			['ёж', 2, 1],
			['мир', 1, 1],
			['привет', 1, 1],
			['римана', 1, 1],
		];
		assert.deepEqual(await rows('pdf-search-words', {course: KAZ}), kaz);
		assert.deepEqual(await rows('pdf-search-words', {course: LIT}), [['2024', 1, 1], ['ёлка', 1, 1]]);
	});

	it('keeps any script\'s digits and a word\'s combining marks, folds case fully (ß, final sigma) after NFKC, and counts a search once per word', async () => {
		const world = [
			['strasse', 2, 1],
			['σας', 2, 2],
			['abc', 1, 1],
			['file', 1, 1],
			['x2', 1, 1],
			['١٢٣', 1, 1],
			['नमस्ते', 1, 1],
		];
		assert.deepEqual(await rows('pdf-search-words', {course: WORLD}), world);
		assert.deepEqual(await rows('pdf-search-words'), [
			['интеграл', 3, 2],
			['hello', 2, 2],
			['strasse', 2, 1],
			['world', 2, 2],
			['σας', 2, 2],
			['ёж', 2, 1],
			['2024', 1, 1],
			['abc', 1, 1],
			['file', 1, 1],
			['x2', 1, 1],
			['мир', 1, 1],
			['привет', 1, 1],
			['римана', 1, 1],
			['ёлка', 1, 1],
			['١٢٣', 1, 1],
			['नमस्ते', 1, 1],
		]);
	});
});

describe('section names', () => {
	// A URL's own name, else its section's latest (same course and sequential), whatever the URL's form.
	const named: Array<[string, string | null]> = [
		[OUTLINE, null],
		[S1, 'Старое имя'],
		[`${S1}/1`, '1.1 Введение'],
		[`${S1}/2`, '1.1 Введение'],
		[`${S2}/1`, 'Своё имя'],
		[`${S2}/2`, '1.2 Задачи'],
		[MFE_UNIT, '1.1 Введение'],
	];

	it('page-visits and page-visits-by-day name a page by its own name, else by its section in the same course', async () => {
		assert.deepEqual(await rows('page-visits'), [...named.slice(0, -1), [OTHER_COURSE, null], ...named.slice(-1)].map(([url, name]) => [url, name, 1, 1]));
		assert.deepEqual(await rows('page-visits-by-day', {course: KAZ, tz: 'Europe/Moscow'}), named.map(([url, name]) => ['2024-03-04', url, name, 1, 1]));
	});

	it('learner-path and learner-unit-events carry the same names', async () => {
		assert.deepEqual(await rows('learner-path', {user: 'ann'}), [
			[1, 1, '2024-03-04 09:00:00', S1, 'Старое имя'],
			[2, 1, '2024-03-04 09:01:00', `${S1}/1`, '1.1 Введение'],
			[3, 1, '2024-03-04 09:02:00', `${S1}/2`, '1.1 Введение'],
			[4, 1, '2024-03-04 09:03:00', `${S2}/1`, 'Своё имя'],
			[5, 1, '2024-03-04 09:04:00', `${S2}/2`, '1.2 Задачи'],
			[6, 1, '2024-03-04 09:05:00', MFE_UNIT, '1.1 Введение'],
			[7, 2, '2024-03-04 10:00:00', OUTLINE, null],
		]);
		assert.deepEqual(await rows('learner-unit-events', {types: 'seq_goto'}), [
			...named.filter(([url]) => url !== OUTLINE).map(([url, name]) => ['ann', url, name, 'seq_goto', 1]),
			['ben', OTHER_COURSE, null, 'seq_goto', 1],
		]);
	});

	it('d_url_section: the course and sequential of each URL form (ccx and old course keys too), else NULL', async () => {
		const sections: Array<[string, string | null]> = [
			[`${LMS}/${KAZ}/jump_to/${block('sequential', 's1')}`, 'Uni+KAZ+2024/s1'],
			[MFE_UNIT, 'Uni+KAZ+2024/s1'],
			[`${S1}/3`, 'Uni+KAZ+2024/s1'],
			[S1, 'Uni+KAZ+2024/s1'],
			[`${LMS}/${KAZ}/courseware/ch1`, null],
			[`${LMS}/ccx-v1:Uni+KAZ+2024+ccx@7/courseware/ch1/s1`, 'Uni+KAZ+2024+ccx@7/s1'],
			[`${LMS}/ccx-v1:Uni+KAZ+2024+ccx@7/jump_to/ccx-block-v1:Uni+KAZ+2024+ccx@7+type@sequential+block@s1`, 'Uni+KAZ+2024+ccx@7/s1'],
			['http://localhost:8000/courses/edX/DemoX/Demo_Course/courseware/d8a6/edx_introduction/2', 'edX/DemoX/Demo_Course/edx_introduction'],
			// An old course's jump_to links (block keys i4x://ORG/COURSE/<type>/<id>): a section's names it, a unit's (as
			// module_engagement_acceptance_tracking_20150413.log has it) none.
			['http://localhost:8000/courses/edX/DemoX/Demo_Course/jump_to/i4x://edX/DemoX/sequential/basic_questions', 'edX/DemoX/Demo_Course/basic_questions'],
			['/courses/edX/DemoX/Demo_Course/jump_to/i4x://edX/DemoX/vertical/vertical_0270f6de40fc', null],
			[`https://apps.openedu.ru/learning/xblock/${block('vertical', 'u1')}`, null],
			[OUTLINE, null],
		];
		const {rows: found} = await database.pool.query<{url: string; section: string | null}>(
			'SELECT url, d_url_section(url) AS section FROM unnest($1::text[]) WITH ORDINALITY AS u(url, n) ORDER BY n',
			[sections.map(([url]) => url)],
		);
		assert.deepEqual(found.map((row) => [row.url, row.section]), sections);
	});

	it('page-names lists every named URL, the jump_to links included', async () => {
		assert.deepEqual(await rows('page-names'), [
			...named.filter(([url]) => url !== OUTLINE && url !== MFE_UNIT),
			[`${LMS}/${KAZ}/jump_to/${block('sequential', 's1')}`, '1.1 Введение'],
			[`${LMS}/${KAZ}/jump_to/${block('sequential', 's2')}`, '1.2 Задачи'],
			[MFE_UNIT, '1.1 Введение'],
		]);
		assert.deepEqual(await rows('page-names', {course: LIT}), []);
	});
});
