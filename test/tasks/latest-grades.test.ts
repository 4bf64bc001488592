import assert from 'node:assert/strict';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, migratedAgain, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * Each learner's latest course grade (d_course_grade), kept by every build. In course A unless said, May 2024, the
 * grades logged by the server without a username (the learner in event.user_id, a string) unless said:
 * - ann (1): 42 % on 05-01, 81 % "Pass" on 05-02; the second load brings 90 % "Pass" on 05-04. In course B: 95 % "A".
 * - bob (2): 60 % "Pass" on 05-01 11:00, logged with his name (a request of his); the second load brings an older
 *   grade, 10 % at 09:00 that day: he stays at 60 %.
 * - cat (3): two grades at one time, 50 % and 57 % (0.57 * 100 is 56.99999999999999 as a double): 57 %.
 * - dan (4): 20 % on 05-01, then 130 % "Pass" (out of range: left out): 20 %, not passing.
 * - eli (5): 5 %, logged with his name and event.user_id 5 but no user id in the context (d_user does not know him):
 *   named by the name it was logged under.
 * - user 6: 45 %, logged under a staff member's name (staff, user 99: a recalculation of theirs): unnamed, and not
 *   staff's grade.
 * - user 9: 70 % "Pass"; his name, ivy, comes with his first own event, in the second load.
 * ann, bob, cat, dan and ann in B have an own event (a page visit) on 05-01.
 */
const A = 'course-v1:Uni+LATEST+A';
const B = 'course-v1:Uni+LATEST+B';
const grade = (userId: number, time: string, percent: number, letter = '', {course = A, username = '', contextId = null as number | null} = {}) =>
	JSON.stringify({
		username, event_type: 'edx.grades.course.grade_calculated', event_source: 'server', time: `2024-05-${time}:00+00:00`, page: null,
		context: {course_id: course, org_id: 'Uni', path: '/event', user_id: contextId},
		event: {user_id: String(userId), course_id: course, percent_grade: percent, letter_grade: letter},
	});
const visit = (username: string, userId: number, time: string, course = A) =>
	JSON.stringify({
		username, event_type: 'seq_goto', event_source: 'browser', time: `2024-05-${time}:00+00:00`, page: `https://openedu.ru/courses/${course}/courseware/ch1/u1/`,
		context: {course_id: course, org_id: 'Uni', path: '/event', user_id: userId}, event: '{}',
	});
const dir = fixtureDir();
const first = writeLog(dir, 'first.log', [
	...(['ann', 'bob', 'cat', 'dan'] as const).map((name, index) => visit(name, index + 1, `01T08:0${index}`)),
	visit('ann', 1, '01T08:10', B),
	grade(1, '01T10:00', 0.42),
	grade(1, '02T10:00', 0.81, 'Pass'),
	grade(1, '03T10:00', 0.95, 'A', {course: B}),
	grade(2, '01T11:00', 0.6, 'Pass', {username: 'bob', contextId: 2}),
	grade(3, '01T12:00', 0.5),
	grade(3, '01T12:00', 0.57),
	grade(4, '01T13:00', 0.2),
	grade(4, '02T13:00', 1.3, 'Pass'),
	grade(5, '01T14:00', 0.05, '', {username: 'eli'}),
	grade(6, '01T15:00', 0.45, '', {username: 'staff', contextId: 99}),
	grade(9, '01T16:00', 0.7, 'Pass'),
]);
const second = writeLog(dir, 'second.log', [grade(1, '04T10:00', 0.9, 'Pass'), grade(2, '01T09:00', 0.1), visit('ivy', 9, '04T12:00')]);
const {tasks} = await loadTaskCatalogue();
type Database = Awaited<ReturnType<typeof openTestDatabase>>;
const run = async (database: Database, id: string, values: Record<string, string> = {}) => runTask(database.pool, tasks.find((task) => task.id === id)!, values);

/** grade-distribution's non-empty steps: grade_from, learners, share %, passing. */
const distribution = async (database: Database, values: Record<string, string> = {}) =>
	csvRows(await run(database, 'grade-distribution', values)).filter((row) => row[2] !== 0).map(([from, , learners, share, passing]) => [from, learners, share, passing]);
/** learner-summary's grades by name in a course: `name percent passing`. */
const summary = async (database: Database, course: string) => {
	const result = await run(database, 'learner-summary', {course});
	const [name, percent, passing] = ['username', 'grade_percent', 'passing'].map((wanted) => result.columns.findIndex((column) => column.name === wanted));
	return csvRows(result).map((row) => `${String(row[name!])} ${String(row[percent!])} ${String(row[passing!])}`).sort();
};

// Seven learners graded in A, a step each (14.3 %): eli 0–9 %, dan 20–29 %, user 6 40–49 %, cat 50–59 %, bob 60–69 %,
// ivy 70–79 % and ann 90–99 % (80–89 % before the second load).
const distributionAfter = (loads: 1 | 2) => [
	[0, 1, 14.3, 0], [20, 1, 14.3, 0], [40, 1, 14.3, 0], [50, 1, 14.3, 0], [60, 1, 14.3, 1], [70, 1, 14.3, 1], [loads === 1 ? 80 : 90, 1, 14.3, 1],
];
const SUMMARY_A = ['ann 90 true', 'bob 60 true', 'cat 57 false', 'dan 20 false', 'eli 5 false', 'ivy 70 true', 'staff null null'];

async function assertAnswers(database: Database): Promise<void> {
	assert.deepEqual(await distribution(database, {course: A}), distributionAfter(2));
	assert.deepEqual(await distribution(database, {course: B}), [[90, 1, 100, 1]]);
	// All courses together: ann counts in each (eight learners).
	assert.deepEqual((await distribution(database)).map(([from, learners]) => [from, learners]), [[0, 1], [20, 1], [40, 1], [50, 1], [60, 1], [70, 1], [90, 2]]);
	assert.deepEqual(await summary(database, A), SUMMARY_A);
	assert.deepEqual(await summary(database, B), ['ann 95 true']);
}

it("each learner's latest grade, with or without a username, in grade-distribution and learner-summary", async () => {
	const database = await openTestDatabase('latest_grades');
	await ingest(database, [first, second]);
	await assertAnswers(database);
});

it('a later load brings a newer grade (taken), an older one (not), and the name of a graded user id', async () => {
	const database = await openTestDatabase('latest_grades_split');
	await ingest(database, [first]);
	assert.deepEqual(await distribution(database, {course: A}), distributionAfter(1));
	// ivy (user 9) has no name yet: counted in the distribution, in no row of learner-summary.
	assert.deepEqual(await summary(database, A), ['ann 81 true', ...SUMMARY_A.slice(1).filter((row) => !row.startsWith('ivy'))]);
	await ingest(database, [second]);
	await assertAnswers(database);
});

it('a database built before migration 176 has its latest grades from the grades stored, without a rebuild', async () => {
	const database = await openTestDatabase('latest_grades_migrated');
	await ingest(database, [first]);
	// As the version before 176 left it.
	await migratedAgain(database, 176, 'DROP TABLE d_named_grade, d_course_grade');
	assert.deepEqual(await distribution(database, {course: A}), distributionAfter(1));
	// The next load's grades merge into them.
	await ingest(database, [second]);
	await assertAnswers(database);
});
