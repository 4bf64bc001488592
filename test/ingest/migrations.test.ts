import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import pg from 'pg';
import {clientConfig} from '../../ingest/db/database.js';
import {migratedTables, migrate, migrations} from '../../ingest/db/migrations.js';
import {eventTime} from '../../ingest/event-fields.js';
import {eventHash} from '../../ingest/event-hash.js';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {createTestDatabase} from '../helpers/database.js';
import {eventLine, fixtureDir, ingest, lines, openTestDatabase} from '../helpers/ingest.js';
import {projectRoot} from '../helpers/shared.js';

/** A new database of the test server, migrated, and a client of it for `body`. */
async function withMigratedDatabase(name: string, body: (database: {client: pg.Client; url: string}) => Promise<void>): Promise<void> {
	const url = await createTestDatabase(name);
	const client = new pg.Client(clientConfig(url));
	await client.connect();
	try {
		await body({client, url});
	} finally {
		await client.end();
	}
}

/** The app's command line on the database at `url` (--db; DATABASE_URL of the environment left out). */
const cliOn = (url: string, ...args: string[]) => spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), ...args, '--db', url], {encoding: 'utf8', env: {...process.env, DATABASE_URL: ''}});

describe('schema migrations', () => {
	it('are recorded once each; applying them again changes nothing', async () => {
		await withMigratedDatabase('migrations', async ({client, url}) => {
			// createTestDatabase already migrated: every version is recorded, in order.
			const {rows} = await client.query<{version: number}>('SELECT version FROM schema_version ORDER BY version');
			assert.deepEqual(rows.map((row) => row.version), migrations.map((migration) => migration.version));
			assert.deepEqual(await migrate(client), []);
			const {rows: again} = await client.query('SELECT count(*)::int AS count FROM schema_version');
			assert.equal(again[0].count, migrations.length);
			// Two processes starting at once: the advisory lock makes the second wait, then find nothing to do.
			const second = new pg.Client(clientConfig(url));
			await second.connect();
			try {
				assert.deepEqual(await Promise.all([migrate(client), migrate(second)]), [[], []]);
			} finally {
				await second.end();
			}
		});
	});

	it('refuse a database that a newer version migrated, in one sentence, before anything runs or is loaded (it was used as if it were ours)', async () => {
		await withMigratedDatabase('newer_schema', async ({client, url}) => {
			// As after a newer version's migration 9999, then this one's last migration missing: were it applied again, it would fail otherwise.
			const last = migrations.at(-1)!.version;
			await client.query(`DELETE FROM schema_version WHERE version = $1`, [last]);
			await client.query(`INSERT INTO schema_version (version, description) VALUES (9999, 'a newer version')`);
			const versions = async () => (await client.query<{version: number}>('SELECT version FROM schema_version ORDER BY version')).rows.map((row) => row.version);
			const before = await versions();
			await assert.rejects(migrate(client), {name: 'UserError', message: /^This database was written by a newer version of openpolyedu-tui \(its schema has version 9999, which this one does not know\)/});
			assert.deepEqual(await versions(), before);
			const log = path.join(fixtureDir(), 'tracking.log');
			fs.writeFileSync(log, lines(0, 10));
			for (const args of [['ingest', log], ['files'], ['run', 'event-types']]) {
				const result = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'openpolyedu-tui.js'), ...args, '--db', url], {encoding: 'utf8', env: {...process.env, DATABASE_URL: ''}});
				assert.equal(result.status, 1, `${args[0]}: ${result.stderr}`);
				assert.match(result.stderr, /^This database was written by a newer version of openpolyedu-tui .*; it was left as it was\.\n$/, args[0]);
			}
			assert.deepEqual(await versions(), before);
			const {rows: [{events}]} = await client.query<{events: number}>('SELECT count(*)::int AS events FROM events');
			assert.equal(events, 0, 'nothing was loaded');
		});
	});

	it('applied to a database of an earlier version, each is said on stderr before it runs (one scanned 10M events for 35 s without a word)', async () => {
		await withMigratedDatabase('update_said', async ({client, url}) => {
			// As a database of the version before 9 (whose SQL can run again).
			await client.query('DELETE FROM schema_version WHERE version = 9');
			const updated = cliOn(url, 'files', '--format', 'csv');
			assert.equal(updated.status, 0, updated.stderr);
			const nine = migrations.find((migration) => migration.version === 9)!.description;
			assert.equal(updated.stderr, `Updating the database for this version of openpolyedu-tui: ${nine}…\n`);
			assert.equal(cliOn(url, 'files', '--format', 'csv').stderr, '', 'said once');
		});
	});

	it("name every table they leave in migratedTables, which reset empties (and nothing else: a --db database may hold others)", async () => {
		await withMigratedDatabase('migrated_tables', async ({client}) => {
			const {rows} = await client.query<{name: string}>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_version' ORDER BY 1`);
			const named = new Set(migratedTables());
			assert.deepEqual(rows.map((row) => row.name).filter((name) => !named.has(name)), [], 'a table made otherwise than by CREATE TABLE name');
		});
	});

	it('3 turns stored event hashes into time-led ones equal to what the loader now computes', async () => {
		await withMigratedDatabase('migration-3', async ({client}) => {
			const lines = [
				{json: '{"time":"2019-03-04T05:06:07.891+03:00","event_type":"a"}', time: '2019-03-04T05:06:07.891+03:00'},
				// Before 2000 and before 1970: the prefix still counts whole seconds down (floor, not toward zero).
				{json: '{"time":"1969-12-31T23:59:59.5Z","event_type":"b"}', time: '1969-12-31T23:59:59.5Z'},
				{json: '{"event_type":"no time"}', time: null},
			];
			for (const [index, line] of lines.entries()) {
				// As version 2 stored it: the first 128 bits of the sha256.
				const oldHash = createHash('sha256').update(line.json).digest('hex').slice(0, 32);
				await client.query('INSERT INTO events (event_hash, file_id, line_no, load_id, time) VALUES ($1, 0, $2, 0, $3)', [oldHash, index, line.time]);
			}
			await client.query(migrations.find((migration) => migration.version === 3)!.sql);
			const {rows} = await client.query<{hash: string}>("SELECT replace(event_hash::text, '-', '') AS hash FROM events ORDER BY line_no");
			assert.deepEqual(
				rows.map((row) => row.hash),
				lines.map((line) => eventHash(Buffer.from(line.json), line.time === null ? undefined : eventTime(line.time))),
			);
			assert.ok(rows[0]!.hash.startsWith('0100'), 'a time after 2000 leads with the bias plus its seconds');
			assert.ok(rows[2]!.hash.startsWith('000000000000'), 'no time leads with zeros');
		});
	});

	it("127 counts a new database's days in Moscow time, and leaves the zone of a database with loads", async () => {
		await withMigratedDatabase('migration-127', async ({client}) => {
			const zone = async () => (await client.query<{zone: string}>('SELECT d_day_zone() AS zone')).rows[0]!.zone;
			assert.equal(await zone(), 'Europe/Moscow');
			const sql = migrations.find((migration) => migration.version === 127)!.sql;
			// As a database built in UTC before 127 stands.
			await client.query(`SELECT d_set_day_zone('UTC')`);
			await client.query('INSERT INTO loads (finished_at) VALUES (now())');
			await client.query(sql);
			assert.equal(await zone(), 'UTC');
			await client.query('DELETE FROM loads');
			await client.query(sql);
			assert.equal(await zone(), 'Europe/Moscow');
		});
	});

	it('128: a logged page is a page only when it is a URL', async () => {
		await withMigratedDatabase('migration-128', async ({client}) => {
			const pages = ['https://openedu.ru/courses/x/', 'HTTP://host/a', 'Https://host/b', '/courses/x/about', '/', 'x_module', 'dashboard', 'idashboard', '', ' /a', 'courses/x', 'ftp://host/c'];
			const {rows} = await client.query<{page: string}>('SELECT page FROM unnest($1::text[]) page WHERE d_is_page_url(page)', [pages]);
			assert.deepEqual(rows.map((row) => row.page), pages.slice(0, 5));
		});
	});

	it('8 gives events an older loader stored the course the loader now reads from their URL, and the rebuilt tables answer as for a new load', async () => {
		const phylos = 'course-v1:spbstu+PHYLOS+fall_2018';
		const enrollPage = `https://courses.openedu.ru/register?course_id=${phylos}&enrollment_action=enroll`;
		const context = (userId: number, more: Record<string, unknown> = {}) => ({user_id: userId, course_id: '', path: '/event', ...more});
		const log = path.join(fixtureDir(), 'url-courses.log');
		fs.writeFileSync(
			log,
			`${[
				eventLine(1),
				// Line 2: the old rule took the query's next parameter into the course.
				eventLine(2, {context: context(1002), page: enrollPage, event_type: '/change_enrollment', event: '{}'}),
				// Lines 3 and 4: an old-style key ending the URL, or before '?', gave none; line 4's organisation is context's own.
				eventLine(3, {context: context(1003), page: 'https://courses.edx.org/courses/edX/DemoX/Demo_Course'}),
				eventLine(4, {context: context(1004, {org_id: 'Other'}), page: 'https://courses.edx.org/courses/edX/DemoX/Demo_Course?activate=1'}),
				// Lines 5 and 6 keep their course with '&' in it: context's, and the payload's.
				eventLine(5, {context: context(1005, {course_id: 'course-v1:Odd+A&B+1'}), page: enrollPage}),
				eventLine(6, {context: context(1006), page: enrollPage, event: JSON.stringify({course_id: 'course-v1:Pay+L&1'})}),
			].join('\n')}\n`,
		);
		const database = await openTestDatabase('migration_8');
		await ingest(database, [log]);
		const events = async () => (await database.pool.query('SELECT line_no, course_id, org_id FROM events ORDER BY line_no')).rows;
		const loaded = await events();
		assert.deepEqual(loaded.map((row) => row.course_id), [phylos, phylos, 'edX/DemoX/Demo_Course', 'edX/DemoX/Demo_Course', 'course-v1:Odd+A&B+1', 'course-v1:Pay+L&1']);
		const {tasks} = await loadTaskCatalogue();
		const answers = async () => (await runTask(database.pool, tasks.find((task) => task.id === 'course-comparison')!, {})).rows;
		const fresh = await answers();
		// As the loader before 8 stored lines 2 to 4, and the tables built from them.
		await database.pool.query(`UPDATE events SET course_id = $1 WHERE line_no = 2`, [`${phylos}&enrollment_action=enroll`]);
		await database.pool.query(`UPDATE events SET course_id = NULL, org_id = CASE line_no WHEN 3 THEN NULL ELSE org_id END WHERE line_no IN (3, 4)`);
		await database.pool.query('UPDATE loads SET derived_done = false');
		await refreshDerived(database.pool);
		assert.notDeepEqual(await answers(), fresh);
		const migration8 = async () => {
			const client = await database.pool.connect();
			try {
				await client.query('BEGIN');
				await migrations.find((migration) => migration.version === 8)!.run!(client);
				await client.query('COMMIT');
			} finally {
				client.release();
			}
		};
		await migration8();
		assert.deepEqual(await events(), loaded);
		const pending = async () => (await database.pool.query<{pending: number}>('SELECT count(*)::int AS pending FROM loads WHERE NOT derived_done')).rows[0]!.pending;
		assert.ok((await pending()) > 0, 'the derived tables are to be rebuilt');
		await refreshDerived(database.pool);
		assert.deepEqual(await answers(), fresh);
		// Nothing left to change: the tables stay built.
		await migration8();
		assert.equal(await pending(), 0);
	});

	it("9 lets a database made before 'replaced' rows load a path that holds other content now (every such ingest failed on the old unique key)", async () => {
		const database = await openTestDatabase('migration_9');
		// As version 1 made source_files before the rows of replaced content.
		await database.pool.query('DROP INDEX source_files_current');
		await database.pool.query('ALTER TABLE source_files ADD CONSTRAINT source_files_path_member_key UNIQUE (path, member)');
		const log = path.join(fixtureDir(), 'rotated.log');
		const rotate = async (from: number) => {
			fs.writeFileSync(log, lines(from, from + 5));
			return ingest(database, [log]);
		};
		await rotate(0);
		await assert.rejects(rotate(100), /source_files_path_member_key/);
		await database.pool.query(migrations.find((migration) => migration.version === 9)!.sql);
		await rotate(200);
		const {rows} = await database.pool.query('SELECT status, loaded FROM source_files ORDER BY file_id');
		assert.deepEqual(rows, [{status: 'replaced', loaded: 5}, {status: 'loaded', loaded: 5}]);
	});

	it("take over a database of the early builds whose migration 6 was another (it failed every ingest: file_committed_counts did not exist), and refuse one whose 114 was another, in one sentence", async () => {
		await withMigratedDatabase('replaced_migrations', async ({client}) => {
			// As a database of those hours stands: their 6 made load_keys, and the 6 of today never ran.
			await client.query(`UPDATE schema_version SET description = 'the keys of each load (learners, event types, pages, clients), stored with its chunks' WHERE version = 6`);
			await client.query('DROP VIEW source_file_counts; DROP FUNCTION file_committed_counts; CREATE TABLE load_keys (load_id int)');
			assert.deepEqual(await migrate(client), [6]);
			const {rows: [objects]} = await client.query(`SELECT to_regclass('load_keys') AS keys, to_regclass('source_file_counts') AS counts`);
			assert.deepEqual(objects, {keys: null, counts: 'source_file_counts'});
			const description = async (version: number) => (await client.query('SELECT description FROM schema_version WHERE version = $1', [version])).rows[0].description;
			assert.equal(await description(6), migrations.find((migration) => migration.version === 6)!.description);
			const early = 'activity per learner and UTC day (an early build)';
			await client.query('UPDATE schema_version SET description = $1 WHERE version = 114', [early]);
			await assert.rejects(migrate(client), {
				name: 'UserError',
				message: `This database was made by an early build of openpolyedu-tui whose migration 114 ("${early}") this version does not have and cannot take over: load the logs into a new --workdir; it was left as it was.`,
			});
			assert.equal(await description(114), early);
		});
	});
});
