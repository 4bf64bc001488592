import assert from 'node:assert/strict';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {fixtureDir, ingest, migrated, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * The enrollment state kept by the build (d_enrollment_user_state, read by d_enrollment_state) against the aggregate
 * of every change stored (d_enrollment_state_until), whatever the order of the loads. In one course, 2024:
 * - ann (1): activated 04-20 10:00 (c.log) and 05-01 10:00 (b.log), deactivated 05-05 10:00 (c.log), then changed to
 *   verified 05-06 10:00 (a.log): not enrolled, verified; each load brings changes older or newer than the others'.
 * - bob (2): at 05-02 09:00 a deactivation in a.log and an activation in honor in c.log: a.log's name comes first, so
 *   the activation is the latest, loaded before it or after.
 * - cal (no user id: grouped by the name logged): activated 05-01 08:00 (a.log), deactivated 05-04 08:00 (b.log).
 * - dan (4): changed to verified 05-01 12:00 (b.log), activated 04-30 12:00 (c.log): b.log alone gives him no state.
 * - bob again: changed to verified 05-03 09:00 in d.log, which has no other change and sorts last (it moves no other
 *   file's changes): his state is made again for a mode change alone.
 */
const COURSE = 'course-v1:Uni+STATE+2024';
const change = (username: string, userId: number | null, time: string, eventType: string, mode = 'audit') =>
	JSON.stringify({
		username, event_type: `edx.course.enrollment.${eventType}`, event_source: 'server', time: `2024-${time}:00+00:00`, page: null,
		context: {course_id: COURSE, user_id: userId, org_id: 'Uni', path: '/event'},
		event: {course_id: COURSE, user_id: userId, mode},
	});
const dir = fixtureDir();
const a = writeLog(dir, 'a.log', [
	change('ann', 1, '05-06T10:00', 'mode_changed', 'verified'),
	change('bob', 2, '05-02T09:00', 'deactivated'),
	change('cal', null, '05-01T08:00', 'activated', 'honor'),
]);
const b = writeLog(dir, 'b.log', [
	change('ann', 1, '05-01T10:00', 'activated'),
	change('dan', 4, '05-01T12:00', 'mode_changed', 'verified'),
	change('cal', null, '05-04T08:00', 'deactivated'),
]);
const c = writeLog(dir, 'c.log', [
	change('ann', 1, '04-20T10:00', 'activated'),
	change('bob', 2, '05-02T09:00', 'activated', 'honor'),
	change('dan', 4, '04-30T12:00', 'activated'),
	change('ann', 1, '05-05T10:00', 'deactivated'),
]);
const d = writeLog(dir, 'd.log', [change('bob', 2, '05-03T09:00', 'mode_changed', 'verified')]);

type Database = Awaited<ReturnType<typeof openTestDatabase>>;
const ROW = `concat_ws(' ', user_id, username, to_char(first_enrolled AT TIME ZONE 'UTC', 'MM-DD"T"HH24:MI'),
	to_char(last_change AT TIME ZONE 'UTC', 'MM-DD"T"HH24:MI'), is_enrolled, activations, deactivations, mode)`;
const state = async (database: Database, from: string) =>
	(await database.pool.query<{row: string}>(`SELECT ${ROW} AS row FROM ${from} WHERE course_id = $1 ORDER BY 1`, [COURSE])).rows.map(({row}) => row);

/** The state kept against the state aggregated from every change stored. */
async function assertKept(database: Database, label: string): Promise<void> {
	assert.deepEqual(await state(database, 'd_enrollment_state'), await state(database, "d_enrollment_state_until('infinity')"), label);
}

const ALL = [
	'1 ann 04-20T10:00 05-05T10:00 f 2 1 verified',
	'2 bob 05-02T09:00 05-02T09:00 t 1 1 verified',
	'4 dan 04-30T12:00 04-30T12:00 t 1 0 verified',
	'cal 05-01T08:00 05-04T08:00 f 1 1 audit',
];

for (const order of [[[c], [b], [a], [d]], [[a], [d], [c], [b]], [[d], [b], [a], [c]], [[b], [c], [a], [d]], [[a, b, c, d]]]) {
	const label = order.map((paths) => paths.map((file) => file.slice(-5)).join('+')).join(', then ');
	it(`the enrollment state kept by each build is the changes' (${label})`, async () => {
		const database = await openTestDatabase('enrollment_state');
		for (const [index, paths] of order.entries()) {
			await ingest(database, paths);
			await assertKept(database, `${label}: load ${index + 1}`);
		}
		assert.deepEqual(await state(database, 'd_enrollment_state'), ALL);
		await database.pool.query('UPDATE loads SET derived_done = false');
		await refreshDerived(database.pool);
		assert.deepEqual(await state(database, 'd_enrollment_state'), ALL, `${label}, one build of it`);
	});
}

it('a database built before migration 179 has its enrollment state kept from the changes stored, without a rebuild', async () => {
	const database = await openTestDatabase('enrollment_state_migrated');
	await ingest(database, [c, b]);
	// As the version before 179 left it.
	await database.pool.query(`DROP TABLE d_enrollment_user_state CASCADE;
		CREATE VIEW d_enrollment_state AS SELECT * FROM d_enrollment_state_until('infinity');
		DELETE FROM schema_version WHERE version = 179`);
	assert.deepEqual(await migrated(database), [179]);
	const {rows: [{pending}]} = await database.pool.query<{pending: number}>('SELECT count(*)::int AS pending FROM loads WHERE NOT derived_done');
	assert.equal(pending, 0);
	await assertKept(database, 'migrated');
	assert.equal((await state(database, 'd_enrollment_state')).length, 4);
	// The next load's changes are kept with them.
	await ingest(database, [a, d]);
	assert.deepEqual(await state(database, 'd_enrollment_state'), ALL);
});
