import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {learnerEvents, loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {UnknownLearnerError} from '../../source/tasks/parameters.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/**
 * learner-summary: one row per learner and course, each number as the task that defines it says. Course SUM, May 2024,
 * times UTC:
 * - ann (1) enrolls (audit) 05-01 08:00; on page P1 09:00; plays vid1 (100 s long) 09:01 from 0, pauses 09:02:40 at
 *   100 (completed, 100 s watched); checks p1 wrong 09:05, right 09:06, p2 right 09:07; on P2 09:10. 05-03: a forum
 *   thread 10:00, P2 10:20, passes 10:20:30. In course OTHER: P3 05-02 09:00.
 * - bob (2) enrolls (audit) 05-01 10:00; P1 10:05; plays vid1 10:06 from 0, pauses 10:06:50 at 50 (not completed);
 *   checks p1 wrong 10:07; page_close 10:07:30; 05-02 11:00 changes mode: unenrolls (audit) and enrolls (verified) in
 *   one second, in that order.
 * - carl (3), no enrollment logged: P1 05-06 20:30, P2 23:30 (05-07 in Moscow), a forum response 23:40.
 * - dana (4) enrolls (honor) 05-02 12:00, unenrolls 05-04 12:00, nothing else.
 * - gus enrolls twice, under two user ids: 7 (audit) 05-01 11:00 and 8 (honor) 05-02 14:00, nothing else.
 * - eve (5) is enrolled 05-02 13:00 by staff (9, whose event names eve's user id), and has events on the dashboard
 *   only (no course): she is a learner of SUM by her enrollment alone; staff is one by that event.
 * - frank (6), on the dashboard only, passes SUM 05-05 00:00 by a background task (no username, event.user_id 6).
 * - In course OTHER, eve is enrolled 05-02 15:00 by a script (logged as "anonymous", her user id in the event).
 * SUM's last day with events is 05-06 (UTC), 05-07 in Moscow.
 */
const SUM = 'course-v1:Uni+SUM+2024';
const OTHER = 'course-v1:Uni+OTHER+2024';
const page = (course: string, unit: string) => `https://openedu.ru/courses/${course}/courseware/ch1/${unit}/`;
const P1 = page(SUM, 'p1');
const P2 = page(SUM, 'p2');
type Event = {user: string; id: number | null; type: string; time: string; course?: string; page?: string | null; event?: unknown; server?: boolean};
const line = ({user, id, type, time, course = SUM, page: at = null, event = {}, server = false}: Event) =>
	JSON.stringify({
		username: user, event_type: type, event_source: server ? 'server' : 'browser', time: `2024-05-${time}+00:00`, page: at,
		context: {course_id: course, org_id: 'Uni', path: '/event', user_id: id},
		event: server ? event : JSON.stringify(event),
	});
const enrollment = (user: string, id: number, time: string, activated: boolean, mode: string, enrolled = id) =>
	line({user, id, type: `edx.course.enrollment.${activated ? 'activated' : 'deactivated'}`, time, server: true, event: {user_id: enrolled, course_id: SUM, mode}});
const video = (user: string, id: number, type: string, time: string, position: number) =>
	line({user, id, type, time, page: P1, event: {id: 'vid1', currentTime: position, duration: 100}});
const check = (user: string, id: number, time: string, problem: string, correct: boolean, attempts: number) =>
	line({user, id, type: 'problem_check', time, page: 'x_module', server: true,
		event: {problem_id: problem, success: correct ? 'correct' : 'incorrect', answers: {[`${problem}_2_1`]: 'choice_1'}, attempts}});
const visit = (user: string, id: number, time: string, at: string, course = SUM) => line({user, id, type: 'seq_goto', time, course, page: at});
const file = path.join(fixtureDir(), 'summary.log');
fs.writeFileSync(
	file,
	`${[
		enrollment('ann', 1, '01T08:00:00', true, 'audit'),
		visit('ann', 1, '01T09:00:00', P1),
		video('ann', 1, 'play_video', '01T09:01:00', 0),
		video('ann', 1, 'pause_video', '01T09:02:40', 100),
		check('ann', 1, '01T09:05:00', 'p1', false, 1),
		check('ann', 1, '01T09:06:00', 'p1', true, 2),
		check('ann', 1, '01T09:07:00', 'p2', true, 1),
		visit('ann', 1, '01T09:10:00', P2),
		line({user: 'ann', id: 1, type: 'edx.forum.thread.created', time: '03T10:00:00', server: true, event: {title: 'Q', body: 'Why?'}}),
		visit('ann', 1, '03T10:20:00', P2),
		line({user: 'ann', id: 1, type: 'edx.course.grade.passed.first_time', time: '03T10:20:30', server: true}),
		visit('ann', 1, '02T09:00:00', page(OTHER, 'p3'), OTHER),
		enrollment('bob', 2, '01T10:00:00', true, 'audit'),
		visit('bob', 2, '01T10:05:00', P1),
		video('bob', 2, 'play_video', '01T10:06:00', 0),
		video('bob', 2, 'pause_video', '01T10:06:50', 50),
		check('bob', 2, '01T10:07:00', 'p1', false, 1),
		line({user: 'bob', id: 2, type: 'page_close', time: '01T10:07:30', page: P1}),
		enrollment('bob', 2, '02T11:00:00', false, 'audit'),
		enrollment('bob', 2, '02T11:00:00', true, 'verified'),
		visit('carl', 3, '06T20:30:00', P1),
		visit('carl', 3, '06T23:30:00', P2),
		line({user: 'carl', id: 3, type: 'edx.forum.response.created', time: '06T23:40:00', server: true, event: {body: 'Because.'}}),
		enrollment('dana', 4, '02T12:00:00', true, 'honor'),
		enrollment('dana', 4, '04T12:00:00', false, 'honor'),
		enrollment('gus', 7, '01T11:00:00', true, 'audit'),
		enrollment('gus', 8, '02T14:00:00', true, 'honor'),
		line({user: 'eve', id: 5, type: '/dashboard', time: '01T07:00:00', course: '', server: true}),
		enrollment('staff', 9, '02T13:00:00', true, 'audit', 5),
		line({user: 'frank', id: 6, type: '/dashboard', time: '01T07:00:00', course: '', server: true}),
		line({user: '', id: null, type: 'edx.course.grade.passed.first_time', time: '05T00:00:00', server: true, event: {user_id: 6, course_id: SUM}}),
		// eve is enrolled in OTHER by a script: logged server-side as "anonymous", she is in event.user_id only.
		line({user: 'anonymous', id: null, type: 'edx.course.enrollment.activated', time: '02T15:00:00', course: OTHER, server: true, event: {user_id: 5, course_id: OTHER, mode: 'audit'}}),
	].join('\n')}\n`,
);
const database = await openTestDatabase('learner_summary');
await ingest(database, [file]);
const {tasks} = await loadTaskCatalogue();
const run = async (id: string, values: Record<string, string> = {}) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === id)!, values));
/** The rows of a task as username → the value of one of its columns. */
const byName = async (id: string, column: string, values: Record<string, string> = {}) => {
	const task = tasks.find((candidate) => candidate.id === id)!;
	// Only the values the task takes (forum-contributors has no zone).
	const taken = Object.fromEntries(Object.entries(values).filter(([name]) => task.parameters.some((parameter) => parameter.name === name)));
	const result = await runTask(database.pool, task, taken);
	const [name, value] = ['username', column].map((wanted) => result.columns.findIndex((candidate) => candidate.name === wanted));
	return new Map(csvRows(result).map((row) => [row[name!], row[value!]]));
};

const columns = [
	'username', 'course_id', 'user_id', 'enrolled', 'enrolled_at', 'mode', 'first_activity', 'last_activity', 'active_days', 'days_inactive',
	'events', 'minutes', 'sessions', 'videos_played', 'videos_completed', 'video_minutes', 'problems_attempted', 'problems_solved',
	'problems_first_try', 'forum_posts', 'pages', 'finished_at', 'grade_percent', 'passing',
];
// Worked out by hand. ann's gaps under 30 minutes: 60 + 100 + 140 + 60 + 60 + 180 s on 05-01, 1200 + 30 on 05-03
// (1830 s: 30.5 minutes), two sessions (09:00–09:10 and 10:00–10:20:30; the enrollment alone is none), 3 days before
// 05-06. bob's: 300 + 60 + 50 + 10 + 30 s (7.5 minutes), one session (its page_close ends it; the mode change is one
// second), inactive since his latest enrollment change on 05-02. carl's 600 s. Video minutes are the positions watched:
// 100 s (1.7) and 50 s (0.8). carl's 20:30 is a lone event: no time, no session.
const SUM_ROWS = [
	['ann', SUM, 1, true, '2024-05-01 08:00:00', 'audit', '2024-05-01 09:00:00', '2024-05-03 10:20:30', 2, 3, 11, 30.5, 2, 1, 1, 1.7, 2, 2, 1, 1, 2, '2024-05-03 10:20:30', null, null],
	['bob', SUM, 2, true, '2024-05-01 10:00:00', 'verified', '2024-05-01 10:05:00', '2024-05-01 10:07:30', 1, 4, 8, 7.5, 1, 1, 0, 0.8, 1, 0, 0, 0, 1, null, null, null],
	['carl', SUM, 3, null, null, null, '2024-05-06 20:30:00', '2024-05-06 23:40:00', 1, 0, 3, 10, 1, 0, 0, 0, 0, 0, 0, 1, 2, null, null, null],
	['dana', SUM, 4, false, '2024-05-02 12:00:00', 'honor', null, null, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null],
	// One row for the name: its first enrollment, and the mode of the user id enrolled last.
	['gus', SUM, 8, true, '2024-05-01 11:00:00', 'honor', null, null, 0, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null],
	['staff', SUM, 9, null, null, null, null, null, 0, null, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null],
	['eve', SUM, 5, true, '2024-05-02 13:00:00', 'audit', null, null, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null],
	['frank', SUM, null, null, null, null, null, null, 0, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '2024-05-05 00:00:00', null, null],
];

it('one row per learner of the course: enrolled or not, active or not, finished by a background task or not', async () => {
	const result = await runTask(database.pool, tasks.find((task) => task.id === 'learner-summary')!, {course: SUM});
	assert.deepEqual(result.columns.map((column) => column.name), columns);
	assert.deepEqual(csvRows(result), SUM_ROWS);
});

it('the same rows from two loads (the second build counts its learners\' videos, problems and pages again)', async () => {
	const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
	const early = (text: string) => (JSON.parse(text) as {time: string}).time < '2024-05-03';
	const dir = fixtureDir();
	const [first, second] = [path.join(dir, 'early.log'), path.join(dir, 'late.log')];
	fs.writeFileSync(first, `${lines.filter(early).join('\n')}\n`);
	fs.writeFileSync(second, `${lines.filter((text) => !early(text)).join('\n')}\n`);
	const twice = await openTestDatabase('learner_summary_twice');
	await ingest(twice, [first]);
	await ingest(twice, [second]);
	assert.deepEqual(csvRows(await runTask(twice.pool, tasks.find((task) => task.id === 'learner-summary')!, {course: SUM})), SUM_ROWS);
});

for (const tz of ['UTC', 'Europe/Moscow']) it(`each number is the one the task that defines it gives for that learner (${tz})`, async () => {
	const summary = (await run('learner-summary', {course: SUM, tz})).map((row) => Object.fromEntries(columns.map((name, index) => [name, row[index]])));
	const of = (name: string) => summary.find((row) => row.username === name)!;
	const same = async (task: string, column: string, mine: string, values: Record<string, string> = {}) => {
		const theirs = await byName(task, column, {course: SUM, tz, ...values});
		assert.ok(theirs.size > 0, task);
		// at-risk has a row per enrolled user id: gus's two, each with its own enrollment, are not his one.
		for (const [name, value] of theirs) if (name !== 'gus') assert.equal(of(name as string)[mine], value, `${task} ${column} of ${String(name)}`);
	};
	await same('learners', 'events', 'events');
	await same('learners', 'user_id', 'user_id');
	await same('time-on-course', 'minutes', 'minutes');
	await same('sessions', 'sessions', 'sessions');
	await same('at-risk', 'days_inactive', 'days_inactive', {days: '0'});
	await same('at-risk', 'days_active', 'active_days', {days: '0'});
	await same('at-risk', 'last_activity', 'last_activity', {days: '0'});
	await same('at-risk', 'enrolled_at', 'enrolled_at', {days: '0'});
	await same('forum-contributors', 'posts', 'forum_posts');
	await same('finished', 'finished_at', 'finished_at');
	await same('finished', 'first_activity', 'first_activity');
	await same('started-not-finished', 'last_activity', 'last_activity');
	// Per item tasks: their learners summed over the items are the learners' items summed.
	const total = (column: string) => summary.reduce((sum, row) => sum + Number(row[column]), 0);
	const columnSum = async (task: string, column: string) => {
		const result = await runTask(database.pool, tasks.find((candidate) => candidate.id === task)!, {course: SUM});
		const index = result.columns.findIndex((candidate) => candidate.name === column);
		return result.rows.reduce((sum, row) => sum + Number(row[index]), 0);
	};
	assert.equal(total('videos_played'), await columnSum('video-engagement', 'viewers'));
	assert.equal(total('videos_completed'), await columnSum('video-engagement', 'completed'));
	assert.equal(total('problems_attempted'), await columnSum('problems', 'learners'));
	assert.equal(total('problems_solved'), await columnSum('problems', 'solved'));
	assert.equal(total('pages'), await columnSum('page-visits', 'visitors'));
});

it('in another zone: times, days active and days inactive are its own; one learner in every course, a name is a value', async () => {
	// carl's 23:30 and 23:40 fall on 05-07 in Moscow, his 20:30 on 05-06: two days; SUM's last day is 05-07, a day
	// more before it for the others. The rest is as in UTC.
	const zoned = ['username', 'enrolled_at', 'first_activity', 'last_activity', 'active_days', 'days_inactive', 'finished_at'].map((name) => columns.indexOf(name));
	const moscow = await run('learner-summary', {course: SUM, tz: 'Europe/Moscow'});
	assert.deepEqual(moscow.map((row) => zoned.map((index) => row[index])), [
		['ann', '2024-05-01 11:00:00', '2024-05-01 12:00:00', '2024-05-03 13:20:30', 2, 4, '2024-05-03 13:20:30'],
		['bob', '2024-05-01 13:00:00', '2024-05-01 13:05:00', '2024-05-01 13:07:30', 1, 5, null],
		['carl', null, '2024-05-06 23:30:00', '2024-05-07 02:40:00', 2, 0, null],
		['dana', '2024-05-02 15:00:00', null, null, 0, 3, null],
		['gus', '2024-05-01 14:00:00', null, null, 0, 5, null],
		['staff', null, null, null, 0, null, null],
		['eve', '2024-05-02 16:00:00', null, null, 0, 5, null],
		['frank', null, null, null, 0, null, '2024-05-05 03:00:00'],
	]);
	const others = (rows: typeof moscow) => rows.map((row) => row.filter((_, index) => !zoned.includes(index)));
	assert.deepEqual(others(moscow), others(SUM_ROWS));
	// All courses together: a row per course, each course's figures its own (ann's one visit of OTHER, its only day).
	assert.deepEqual(await run('learner-summary', {user: 'ann'}), [
		SUM_ROWS[0],
		['ann', OTHER, 1, null, null, null, '2024-05-02 09:00:00', '2024-05-02 09:00:00', 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, null, null, null],
	]);
	// frank has no event of his own in any course: his finish alone makes him SUM's.
	assert.deepEqual(await run('learner-summary', {user: 'frank'}), SUM_ROWS.filter((row) => row[0] === 'frank'));
	await assert.rejects(run('learner-summary', {user: "x'; drop table events; --"}), {parameter: 'user'});
});

it('a learner of the course by an enrollment or a finish logged without their name is taken by --user; a wrong name is not', async () => {
	const summary = tasks.find((task) => task.id === 'learner-summary')!;
	// They were refused ("No learner "eve" in …: they have events in other courses only"): the check read events alone.
	assert.deepEqual(await run('learner-summary', {course: SUM, user: 'eve'}), SUM_ROWS.filter((row) => row[0] === 'eve'));
	assert.deepEqual(await run('learner-summary', {course: SUM, user: 'frank'}), SUM_ROWS.filter((row) => row[0] === 'frank'));
	assert.deepEqual(await run('learner-summary', {course: OTHER, user: 'eve'}), [
		['eve', OTHER, 5, true, '2024-05-02 15:00:00', 'audit', null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null],
	]);
	const refused = async (id: string, values: Record<string, string>, message: string) =>
		assert.rejects(runTask(database.pool, tasks.find((task) => task.id === id)!, values), (error: Error) => error instanceof UnknownLearnerError && error.message === message, `${id} ${JSON.stringify(values)}`);
	// carl has events in SUM only, staff enrolled eve (his own event is SUM's, not OTHER's): no row of OTHER lists them.
	await refused(summary.id, {course: OTHER, user: 'carl'}, `No learner "carl" in ${OTHER}: they have events in other courses only.`);
	await refused(summary.id, {course: OTHER, user: 'staff'}, `No learner "staff" in ${OTHER}: they have events in other courses only.`);
	await refused(summary.id, {course: SUM, user: 'evee'}, 'No learner "evee" in the database (did you mean "eve"?).');
	// The tasks that list learners by their events do not list eve or frank in SUM: still refused there, and not as
	// having "events in other courses only" (they were): their only events are the dashboard's.
	for (const id of ['learners', 'learner-path', 'sessions', 'time-on-course']) {
		for (const user of ['eve', 'frank']) await refused(id, {course: SUM, user}, `No learner "${user}" in ${SUM}: they have no event in any course.`);
	}
});

it('the learner picker offers the names the task takes: for learner-summary, those of the course by an enrollment or a finish alone too, at 0 events', async () => {
	const sqlOf = (id: string) => tasks.find((task) => task.id === id)!.sql;
	const active = [
		{username: 'ann', events: 11}, {username: 'bob', events: 8}, {username: 'carl', events: 3},
		{username: 'dana', events: 2}, {username: 'gus', events: 2}, {username: 'staff', events: 1},
	];
	// eve (enrolled by staff) and frank (passed by a background task) were missing: the list read events alone.
	assert.deepEqual(await learnerEvents(database.pool, SUM, sqlOf('learner-summary')), [...active, {username: 'eve', events: 0}, {username: 'frank', events: 0}]);
	assert.deepEqual(await learnerEvents(database.pool, OTHER, sqlOf('learner-summary')), [{username: 'ann', events: 1}, {username: 'eve', events: 0}]);
	// All courses together: each name once, ann's events of both courses summed.
	assert.deepEqual(await learnerEvents(database.pool, '', sqlOf('learner-summary')), [{username: 'ann', events: 12}, ...active.slice(1), {username: 'eve', events: 0}, {username: 'frank', events: 0}]);
	// A task that lists learners by their events is offered those only.
	assert.deepEqual(await learnerEvents(database.pool, SUM, sqlOf('learners')), active);
	// Every name offered is one the task runs for.
	for (const id of ['learner-summary', 'learners']) {
		for (const course of [SUM, OTHER]) {
			for (const {username} of await learnerEvents(database.pool, course, sqlOf(id))) {
				assert.ok((await run(id, {course, user: username})).length > 0, `${id} ${course} ${username}`);
			}
		}
	}
});
