import assert from 'node:assert/strict';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {csvRows} from '../helpers/csv-rows.js';
import {fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * Enrollment modes, with mode changes (edx.course.enrollment.mode_changed):
 * - a: audit 05-01, changed to verified 05-03: enrolled, verified.
 * - b: audit 05-01, and a change to audit in the same second (Open edX logs one with each new enrollment): enrolled, audit, no change.
 * - c: honor 05-02, unenrolled 05-04 (in honor): unenrolled, honor.
 * - d: audit 05-02, changed to verified 05-05, unenrolled 05-06 (in verified), enrolled again 05-07 in verified.
 * - e: a change to verified 05-08 only (enrolled before the log begins): enrolled now unknown.
 * - f, h: enrolled 05-09 with no mode logged: (none).
 * - g: audit and a change to verified logged at the same second, the change second in the log: verified.
 * - k: unenrolled from honor 05-11, nothing before (enrolled before the log begins): ever in honor, left in it.
 * second.log (loaded apart: an incremental build) has d's events from 05-05 on, e's, g's and k's.
 */
const COURSE = 'course-v1:Uni+MODES+2024';
const USER_IDS: Record<string, number> = {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, k: 9};
const change = (eventType: string) => (username: string, time: string, mode?: string) =>
	JSON.stringify({
		username, event_type: `edx.course.enrollment.${eventType}`, event_source: 'server', time: `2024-05-${time}:00+00:00`, page: null,
		context: {course_id: COURSE, user_id: USER_IDS[username], org_id: 'Uni', path: '/event'},
		event: {course_id: COURSE, user_id: USER_IDS[username], ...(mode ? {mode} : {})},
	});
const activated = change('activated');
const deactivated = change('deactivated');
const modeChanged = change('mode_changed');
const dir = fixtureDir();
const first = writeLog(dir, 'first.log', [
	activated('a', '01T10:00', 'audit'),
	activated('b', '01T11:00', 'audit'),
	modeChanged('b', '01T11:00', 'audit'),
	activated('c', '02T09:00', 'honor'),
	activated('d', '02T10:00', 'audit'),
	modeChanged('a', '03T10:00', 'verified'),
	deactivated('c', '04T09:00', 'honor'),
	activated('f', '09T10:00'),
	activated('h', '09T11:00'),
]);
const second = writeLog(dir, 'second.log', [
	modeChanged('d', '05T10:00', 'verified'),
	deactivated('d', '06T10:00', 'verified'),
	activated('d', '07T10:00', 'verified'),
	modeChanged('e', '08T10:00', 'verified'),
	activated('g', '10T10:00', 'audit'),
	modeChanged('g', '10T10:00', 'verified'),
	deactivated('k', '11T10:00', 'honor'),
]);
const {tasks} = await loadTaskCatalogue();

async function assertAnswers(database: Awaited<ReturnType<typeof openTestDatabase>>, label: string): Promise<void> {
	const run = async (id: string) => csvRows(await runTask(database.pool, tasks.find((task) => task.id === id)!, {}));
	assert.deepEqual(
		await run('enrollment-by-mode'),
		[
			// mode, enrolled now, share %, ever enrolled, changed to, unenrolled
			['verified', 3, 50, 4, 4, 0],
			['(none)', 2, 33.3, 2, 0, 0],
			['audit', 1, 16.7, 4, 0, 0],
			['honor', 0, 0, 2, 0, 2],
		],
		label,
	);
	// course-summary's enrolled now (a, b, d, f, g, h) is what the modes' enrolled_now sum to.
	assert.deepEqual((await run('course-summary'))[0]!.slice(5, 8), [7, 6, 1], label);
	// learner-summary's mode is the same: a's and g's changes to verified count, b's echo of audit changes nothing; e (mode
	// changes only) has no enrollment state.
	const summary = await runTask(database.pool, tasks.find((task) => task.id === 'learner-summary')!, {});
	const mode = summary.columns.findIndex((column) => column.name === 'mode');
	const modes = Object.fromEntries(summary.rows.map((row) => [row[0], row[mode]]));
	assert.deepEqual([modes.a, modes.b, modes.d, modes.g, modes.k, modes.e], ['verified', 'audit', 'verified', 'verified', 'honor', null], label);
}

it('enrollment-by-mode takes a mode change as the learner\'s mode (two loads, then one build of both)', async () => {
	const database = await openTestDatabase('enrollment_modes');
	await ingest(database, [first]);
	await ingest(database, [second]);
	await assertAnswers(database, 'two loads');
	await database.pool.query('UPDATE loads SET derived_done = false');
	await refreshDerived(database.pool);
	await assertAnswers(database, 'one build of both');
});
