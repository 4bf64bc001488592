import type pg from 'pg';
import {UserError} from '../errors.js';
import {TIME_PREFIX_BIAS} from '../event-hash.js';
import {derivedMigrations} from '../derived/migrations.js';
import {MIGRATION_LOCK} from './advisory-locks.js';
import {recomputeUrlCourses} from './url-courses.js';

/**
 * Versioned schema. Each migration runs once, in its own transaction, recorded in schema_version;
 * an advisory lock makes two processes starting at once apply them one after the other.
 * Append new migrations; never edit one that has shipped, nor its description (a database whose migration of a version
 * has another description is refused, or undone: see undoneMigrations).
 */
export type Migration = {
	version: number;
	description: string;
	sql: string;
	/** What SQL alone cannot do (the loader's own reading of a field), run after sql in the same transaction. */
	run?: (client: pg.ClientBase) => Promise<void>;
};

/** Versions 1–99 belong to the loader's tables; 100 and up to the task layer's derived tables (ingest/derived). */
const coreMigrations: Migration[] = [
	{
		version: 1,
		description: 'events, manifest of inputs, rejected lines',
		sql: `
CREATE TABLE loads (
	load_id serial PRIMARY KEY,
	started_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	-- Derived tables have absorbed this load's events (set by the task layer's refresh).
	derived_done boolean NOT NULL DEFAULT false
);

CREATE TABLE source_files (
	file_id serial PRIMARY KEY,
	path text NOT NULL,
	-- Member name inside a .zip; '' for plain and .gz files.
	member text NOT NULL DEFAULT '',
	kind text NOT NULL CHECK (kind IN ('plain', 'gz', 'zip')),
	-- On-disk size (compressed for .gz / .zip) and modification time when the load started.
	size_bytes bigint NOT NULL,
	mtime timestamptz,
	-- sha256 over size and the first and last 64 KiB of the (decompressed) content: identifies the content, not the path.
	fingerprint text NOT NULL,
	-- Hash of the first 64 KiB alone: a file that grew keeps it, so only its new part is loaded.
	head_hash text NOT NULL,
	-- Decompressed bytes covered by this row's chunks when it finished (where an appended file resumes).
	content_bytes bigint NOT NULL DEFAULT 0,
	-- 'replaced': the path now holds other content (a rotated log); the row stays as the history of what was loaded.
	status text NOT NULL CHECK (status IN ('loading', 'loaded', 'failed', 'replaced')),
	lines_read bigint NOT NULL DEFAULT 0,
	blank_lines bigint NOT NULL DEFAULT 0,
	loaded bigint NOT NULL DEFAULT 0,
	duplicates bigint NOT NULL DEFAULT 0,
	rejected bigint NOT NULL DEFAULT 0,
	error text,
	load_id int REFERENCES loads,
	started_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz
);
CREATE UNIQUE INDEX source_files_current ON source_files (path, member) WHERE status <> 'replaced';
CREATE INDEX source_files_fingerprint ON source_files (fingerprint);

-- One row per committed chunk of lines, written in the same transaction as the chunk's events:
-- after a crash the chunks present are exactly the ones loaded, so a resumed load skips them.
CREATE TABLE file_chunks (
	file_id int NOT NULL REFERENCES source_files ON DELETE CASCADE,
	start_offset bigint NOT NULL,
	end_offset bigint NOT NULL,
	first_line bigint NOT NULL,
	lines int NOT NULL,
	blank_lines int NOT NULL,
	loaded int NOT NULL,
	duplicates int NOT NULL,
	rejected int NOT NULL,
	PRIMARY KEY (file_id, start_offset)
);

CREATE TABLE rejected_lines (
	file_id int NOT NULL REFERENCES source_files ON DELETE CASCADE,
	line_no bigint NOT NULL,
	-- Offset of the line's first byte in the decompressed content.
	byte_offset bigint NOT NULL,
	reason text NOT NULL,
	detail text,
	raw bytea NOT NULL,
	PRIMARY KEY (file_id, line_no)
);

CREATE TABLE events (
	-- First 128 bits of the sha256 of the line's JSON text (logger prefix, BOM and CR removed): identical events from overlapping exports collide here.
	event_hash uuid NOT NULL,
	file_id int NOT NULL,
	line_no bigint NOT NULL,
	load_id int NOT NULL,
	time timestamptz,
	username text,
	user_id bigint,
	course_id text,
	org_id text,
	event_type text,
	name text,
	event_source text,
	session text,
	page text,
	referer text,
	host text,
	ip text,
	agent text,
	accept_language text,
	context_path text,
	-- The payload: parsed when it is JSON (an object, or a string holding JSON); verbatim text otherwise.
	event jsonb,
	event_text text,
	-- 'object' | 'string' (a JSON string holding JSON) | 'text' (not JSON) | NULL (absent)
	event_format text,
	-- context without user_id, org_id, course_id, path; plus values of known fields whose type was unexpected.
	context jsonb,
	-- top-level keys outside the common fields.
	extra jsonb
);
CREATE UNIQUE INDEX events_event_hash ON events (event_hash);
-- BRIN: nearly free to maintain while loading; rows arrive in load and time order.
CREATE INDEX events_load_brin ON events USING brin (load_id);
CREATE INDEX events_time_brin ON events USING brin (time);
`,
	},
	{
		version: 2,
		description: 'events.context and events.extra as json',
		// Kept for people querying the events, read by no derived table: json (validated, kept as
		// written) costs PostgreSQL about a fifth less CPU per loaded row than jsonb (parsed into a tree).
		sql: `ALTER TABLE events ALTER COLUMN context TYPE json, ALTER COLUMN extra TYPE json;`,
	},
	{
		version: 3,
		description: 'event_hash leads with the event time (see eventHash)',
		// The old key was the first 128 bits of the line's sha256: the new one is the time prefix and the
		// first 80 of them, so stored events keep colliding with the same lines loaded again. The index is
		// rebuilt once instead of updated row by row.
		sql: `
DROP INDEX events_event_hash;
UPDATE events SET event_hash = (lpad(to_hex(CASE WHEN time IS NULL THEN 0
	ELSE floor(extract(epoch FROM time))::bigint - extract(epoch FROM timestamptz '2000-01-01 00:00:00+00')::bigint + ${TIME_PREFIX_BIAS} END), 12, '0')
	|| left(replace(event_hash::text, '-', ''), 20))::uuid;
CREATE UNIQUE INDEX events_event_hash ON events (event_hash);
`,
	},
	{
		version: 4,
		description: 'no insert-triggered autovacuum of events',
		// Chunks commit one by one, so autovacuum saw a growing table and vacuumed all of it each time it
		// grew by a fifth, during the load (one ran 4 s into a 1M-event load here; a 10M load would rescan
		// several times its final size). Dead rows (a COPY aborted on a duplicate) still trigger it, and so
		// does transaction age; the rows' hint bits are set by the derived build's first scan anyway.
		sql: `ALTER TABLE events SET (autovacuum_vacuum_insert_threshold = -1);`,
	},
	{
		version: 5,
		description: 'events rows up to a page stay inline and uncompressed',
		// Rows over 2 kB (5.5 % of generated events: long answers, long agents) had their payload pglz-compressed
		// during COPY, about 5 % of the server's load time in an A/B; a page holds up to 8160 bytes anyway,
		// and the derived build, which reads those payloads, no longer decompresses them.
		sql: `ALTER TABLE events SET (toast_tuple_target = 8160);`,
	},
	{
		version: 6,
		description: 'a file still loading, or whose load was killed, shows what its chunks committed',
		// A file's counts are written when it finishes: after a kill -9, files and data-health showed 0 loaded
		// until the next run, though its events were there. The totals are summed from its chunks instead.
		sql: `
CREATE FUNCTION file_committed_counts(file int, OUT lines_read bigint, OUT blank_lines bigint, OUT loaded bigint,
	OUT duplicates bigint, OUT rejected bigint, OUT content_bytes bigint)
LANGUAGE sql STABLE AS $$
	SELECT coalesce(sum(lines), 0), coalesce(sum(blank_lines), 0), coalesce(sum(loaded), 0), coalesce(sum(duplicates), 0),
		coalesce(sum(rejected), 0), coalesce(max(end_offset), 0)
	FROM file_chunks WHERE file_id = file
$$;
-- source_files with the counts of a file still loading taken from its chunks (only for those: the others' are final).
CREATE VIEW source_file_counts AS
SELECT f.file_id, f.path, f.member, f.kind, f.size_bytes, f.status, f.error, f.load_id, f.started_at, f.finished_at,
	coalesce(c.lines_read, f.lines_read) AS lines_read, coalesce(c.blank_lines, f.blank_lines) AS blank_lines,
	coalesce(c.loaded, f.loaded) AS loaded, coalesce(c.duplicates, f.duplicates) AS duplicates, coalesce(c.rejected, f.rejected) AS rejected
FROM source_files f LEFT JOIN LATERAL (SELECT * FROM file_committed_counts(f.file_id) WHERE f.status = 'loading') c ON true;`,
	},
	{
		version: 7,
		description: "a file left loading or failed whose content another input loaded whole is 'superseded'",
		// An interrupted file loaded whole under another name stayed 'loading' (every run said "Partly loaded"), and a
		// cut .gz whose complete copy was loaded failed every ingest: error says which input holds their content.
		sql: `
ALTER TABLE source_files DROP CONSTRAINT source_files_status_check;
ALTER TABLE source_files ADD CONSTRAINT source_files_status_check CHECK (status IN ('loading', 'loaded', 'failed', 'replaced', 'superseded'));`,
	},
	{
		version: 8,
		description: 'events loaded before get the course the loader now reads from their URL',
		// A kept database answered with the courses of the loader's old rule ('course-v1:A+B+C&enrollment_action=enroll',
		// none for /courses/Org/Course/Run ending the URL) where a new one loaded from the same logs had the right ones.
		sql: '',
		run: recomputeUrlCourses,
	},
	{
		version: 9,
		description: "one current row per input path, not one row (a database made before 'replaced' rows)",
		// Version 1 had UNIQUE (path, member) until a path's older content became a 'replaced' row, and was changed in place: a
		// database made before kept the constraint, and a rotated log (its path now holding other content) failed every ingest.
		sql: `
ALTER TABLE source_files DROP CONSTRAINT IF EXISTS source_files_path_member_key;
CREATE UNIQUE INDEX IF NOT EXISTS source_files_current ON source_files (path, member) WHERE status <> 'replaced';`,
	},
	{
		version: 10,
		description: 'the file each input was read from (volume and file id), to know a grown log met under another name',
		// A log that grew, met under another name of the same file (another case of a folder's name on Windows and macOS,
		// a hard link, a link to its folder), was a new input read from its start: only its path named a row.
		sql: `
ALTER TABLE source_files ADD COLUMN file_dev numeric, ADD COLUMN file_ino numeric;
CREATE INDEX source_files_file ON source_files (file_ino) WHERE status <> 'replaced';`,
	},
	{
		version: 11,
		description: 'a rejected line that another input holds too is kept once (its key: bytes, reason and detail)',
		// A copy of a loaded file (a .gz of it, or one that grew, under another name) stored its rejected lines again, while
		// its events were duplicates: data-health's rejected total grew with each copy. The key finds them (see
		// TAKE_REPEATED_REJECTS in chunk-loader.ts); rows stored before stay as they were until a line of theirs comes again.
		sql: `
ALTER TABLE rejected_lines ADD COLUMN line_key text GENERATED ALWAYS AS (md5(raw) || md5(reason || ':' || coalesce(detail, ''))) STORED;
CREATE INDEX rejected_lines_key ON rejected_lines (line_key);`,
	},
];

export const migrations: Migration[] = [...coreMigrations, ...derivedMigrations].sort((a, b) => a.version - b.version);

/**
 * The tables the migrations make (a later one may have dropped some), schema_version aside: what is ours to empty in a
 * database that may hold other tables too (--db), which are left alone.
 */
export const migratedTables = (): string[] => [...new Set(migrations.flatMap(({sql}) => [...sql.matchAll(/\bCREATE TABLE (\w+)/g)].map((match) => match[1]!)))];

/**
 * Migrations that some databases got under a version number that then went to another migration (builds of a few hours
 * on 2026-12-02): undone, so that the version's own migration runs in their place. A database with any other migration
 * that is not this version's (its description differs) is refused: 114 and 116 of those hours cannot be taken over.
 */
const undoneMigrations = [
	{version: 6, description: 'the keys of each load (learners, event types, pages, clients), stored with its chunks', sql: 'DROP TABLE load_keys'},
];

async function inTransaction(client: pg.ClientBase, work: () => Promise<void>): Promise<void> {
	await client.query('BEGIN');
	try {
		await work();
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK');
		throw error;
	}
}

/**
 * Applies the migrations the database lacks. `onUpdate` is told each one applied to a database that had some before (an
 * update of the app: one may scan every event, 35 s at 10M, which a command otherwise spent without a word).
 */
export async function migrate(client: pg.ClientBase, onUpdate?: (description: string) => void): Promise<number[]> {
	await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
	try {
		await client.query('CREATE TABLE IF NOT EXISTS schema_version (version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
		const {rows} = await client.query<{version: number; description: string}>('SELECT version, description FROM schema_version ORDER BY version');
		const applied = new Set(rows.map((row) => row.version));
		// A version this build does not know was applied by a newer one (a workdir opened again after a downgrade): its
		// tables may mean something else now, and a build of ours or a load could corrupt them. Refused before anything runs.
		const known = new Map(migrations.map((migration) => [migration.version, migration.description]));
		const newer = [...applied].filter((version) => !known.has(version));
		if (newer.length > 0) {
			throw new UserError(
				`This database was written by a newer version of openpolyedu-tui (its schema has ${newer.length === 1 ? 'version' : 'versions'} ${newer.join(', ')}, which this one does not know): update openpolyedu-tui to open it; it was left as it was.`,
			);
		}
		const others = rows.filter((row) => known.get(row.version) !== row.description);
		const undos = undoneMigrations.filter((undo) => others.some((row) => row.version === undo.version && row.description === undo.description));
		const kept = others.filter((row) => !undos.some((undo) => undo.version === row.version));
		if (kept.length > 0) {
			throw new UserError(
				`This database was made by an early build of openpolyedu-tui whose ${kept.map((row) => `migration ${row.version} ("${row.description}")`).join(' and ')} this version does not have and cannot take over: load the logs into a new --workdir; it was left as it was.`,
			);
		}
		for (const undo of undos) {
			await inTransaction(client, async () => {
				await client.query(undo.sql);
				await client.query('DELETE FROM schema_version WHERE version = $1', [undo.version]);
			});
			applied.delete(undo.version);
		}
		const appliedNow: number[] = [];
		for (const migration of migrations) {
			if (applied.has(migration.version)) continue;
			if (applied.size > 0) onUpdate?.(migration.description);
			await inTransaction(client, async () => {
				await client.query(migration.sql);
				await migration.run?.(client);
				await client.query('INSERT INTO schema_version (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
			});
			appliedNow.push(migration.version);
		}
		return appliedNow;
	} finally {
		await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
	}
}
