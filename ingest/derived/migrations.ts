import type {Migration} from '../db/migrations.js';
import {mergeCourseGrades, NAME_COURSE_GRADES, passingGradeFinishes} from './course-grades.js';
import {ENROLLMENT_STATE_UNTIL, KEPT_ENROLLMENT_STATE} from './enrollment-state.js';
import {writeFilePositions} from './file-order.js';
import {recountCompletedVideos, videoDurations} from './video-completion.js';

/** Migration 168's columns: seconds per activity category under the 5- and 30-minute cutoffs. */
const CATEGORY_SECONDS = ['video', 'problem', 'forum', 'text'].flatMap((kind) => [`${kind}_5 double precision NOT NULL`, `${kind}_30 double precision NOT NULL`]).join(',\n\t');

/** d_url_section's cases of a block key's section and of a courseware URL's (version 130; version 174 adds one). */
const SECTION_CASES = `WHEN strpos(url, '+type@sequential+block@') > 0 THEN
			nullif(split_part(split_part(url, '+type@sequential+block@', 1), 'block-v1:', 2), '') || '/'
				|| nullif(split_part(split_part(url, '+type@sequential+block@', 2), '/', 1), '')
		WHEN strpos(url, '/courseware/') > 0 THEN
			nullif(substr(split_part(split_part(url, '/courseware/', 1), '/courses/', 2),
				strpos(split_part(split_part(url, '/courseware/', 1), '/courses/', 2), ':') + 1), '') || '/'
				|| nullif(split_part(split_part(url, '/courseware/', 2), '/', 2), '')`;

/**
 * The names of sections and URLs (views over d_page_name and d_url): versions 167 (which replaced d_url_name) and 174
 * (which made both again after recomputing d_url.section).
 */
const SECTION_NAME_VIEW = `-- Each section's (sequential's) name: the latest non-empty name clicked for any URL of it (of names at one time, the least).
CREATE VIEW d_section_name AS
SELECT DISTINCT ON (named.section) named.section, n.name
FROM d_page_name n JOIN d_url named ON named.url = n.url
WHERE named.section IS NOT NULL
ORDER BY named.section, n.time DESC, n.name;`;
const URL_NAME_VIEW = `d_url_name AS
SELECT u.url_id, u.url, coalesce(own.name, section.name) AS name
FROM d_url u
	LEFT JOIN d_page_name own ON own.url = u.url
	LEFT JOIN d_section_name section ON section.section = u.section;`;

/** d_learner_active_days' days from the day tables: UTC's kept per learner (no last day), else distinct days (version 175, 182). */
const ACTIVE_DAYS_FROM_DAY_TABLES = `	SELECT l.course_id, l.username, l.active_days_utc
	FROM d_learner l
	WHERE d_day_source(tz) = 'utc' AND last_day IS NULL AND l.active_days_utc > 0
		AND (l.course_id = course OR (course IS NULL AND l.course_id <> ''))
	UNION ALL
	SELECT d.course_id, d.username, count(*)
	FROM (
		-- Distinct: each build appends its own day rows.
		SELECT DISTINCT d.course_id, d.username, d.day FROM d_learner_days(tz) d
		WHERE (d_day_source(tz) = 'day zone' OR (d_day_source(tz) = 'utc' AND last_day IS NOT NULL)) AND d.activity > 0
			AND (last_day IS NULL OR d.day <= last_day) AND (d.course_id = course OR (course IS NULL AND d.course_id <> ''))
	) d
	GROUP BY 1, 2`;

/**
 * d_learner_active_days' days in a zone of neither day table: its active hours whose hour before fell on another day
 * (versions 159, 175; 182 only where `condition` holds).
 */
const activeDaysFromHours = (condition = '') => `	SELECT h.course_id, h.username, sum(h.first_of_day) AS days
	FROM (
		SELECT a.course_id, a.username, d_day_of(a.hour, tz, (SELECT d_hour_days(tz))) AS day,
			-- No zone's day since 1900 lasted 48 hours: a longer pause is not looked up twice.
			(a.previous_hour IS NULL OR a.previous_hour < a.hour - interval '48 hours'
				OR d_day_of(a.previous_hour, tz, (SELECT d_hour_days(tz))) <> d_day_of(a.hour, tz, (SELECT d_hour_days(tz))))::int AS first_of_day
		FROM d_learner_active_hour a
		WHERE d_day_source(tz) = 'hours' AND (a.course_id = course OR (course IS NULL AND a.course_id <> ''))${condition}
	) h
	WHERE last_day IS NULL OR h.day <= last_day
	GROUP BY 1, 2`;

/**
 * Version 182's fill of d_learner_offset_days from the active hours stored (hours and previous: hours since 1970, a UTC
 * midnight), as activeDaysByOffset counts them.
 */
const OFFSET_DAY_COUNTS = Array.from(
	{length: 24},
	(_, offset) => `count(*) FILTER (WHERE previous IS NULL OR floor((previous + ${offset}) / 24) <> floor((hours + ${offset}) / 24))::int`,
).join(',\n\t\t');

/**
 * Derived tables that the analytic tasks read (versions 100 and up), filled by refreshDerived.
 * Conventions: course_id '' = event without a course; username is the learner key (events without a
 * username are counted in d_type_hour and d_load_stats only); `hour` = the event time truncated to the
 * UTC hour, so tasks can bucket days and hours in any time zone with whole-hour offsets.
 * Tables marked "additive" only ever grow by the counts of new loads (each event belongs to exactly one
 * load); tables marked "per learner" depend on the order of a learner's events and are recomputed for
 * the learners a new load touches.
 */
export const derivedMigrations: Migration[] = [
	{
		version: 100,
		description: 'derived tables for the analytic tasks',
		sql: `
-- Lenient number from a JSON value (number or numeric string); NULL otherwise. Never raises.
CREATE FUNCTION d_number(value jsonb) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE jsonb_typeof(value)
		WHEN 'number' THEN (value #>> '{}')::double precision
		WHEN 'string' THEN CASE WHEN btrim(value #>> '{}') ~ '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$' THEN btrim(value #>> '{}')::double precision END
	END
$$;

-- Additive: events per course, UTC hour and event type (all events with a time, learner or not).
CREATE TABLE d_type_hour (
	course_id text NOT NULL,
	hour timestamptz NOT NULL,
	event_type text NOT NULL,
	events bigint NOT NULL,
	PRIMARY KEY (course_id, hour, event_type)
);

-- Additive: the same per learner.
CREATE TABLE d_learner_type_hour (
	course_id text NOT NULL,
	username text NOT NULL,
	hour timestamptz NOT NULL,
	event_type text NOT NULL,
	events bigint NOT NULL,
	PRIMARY KEY (course_id, username, hour, event_type)
);

-- Additive: a learner's events per UTC hour, split by activity kind.
CREATE TABLE d_learner_hour (
	course_id text NOT NULL,
	username text NOT NULL,
	hour timestamptz NOT NULL,
	events bigint NOT NULL,
	-- Learning activity: every event except enrollment changes and the enrollment request (/change_enrollment).
	activity bigint NOT NULL,
	video bigint NOT NULL,
	problem bigint NOT NULL,
	forum bigint NOT NULL,
	PRIMARY KEY (course_id, username, hour)
);

-- Additive (counts add, first/last take least/greatest): one row per learner and course.
CREATE TABLE d_learner (
	course_id text NOT NULL,
	username text NOT NULL,
	user_id bigint,
	first_time timestamptz NOT NULL,
	last_time timestamptz NOT NULL,
	events bigint NOT NULL,
	first_activity timestamptz,
	last_activity timestamptz,
	video_events bigint NOT NULL,
	video_plays bigint NOT NULL,
	problem_checks bigint NOT NULL,
	forum_posts bigint NOT NULL,
	first_exam timestamptz,
	first_passed timestamptz,
	first_certificate timestamptz,
	PRIMARY KEY (course_id, username)
);

-- Additive: user id -> username (one per id; ids and usernames correspond one to one in edX), to name enrolled users.
CREATE TABLE d_user (
	user_id bigint PRIMARY KEY,
	username text NOT NULL
);

-- Additive: one row per enrollment change event.
CREATE TABLE d_enrollment (
	course_id text NOT NULL,
	-- The enrolled user: event.user_id, else the event's user_id.
	user_id bigint,
	username text NOT NULL,
	time timestamptz NOT NULL,
	activated boolean NOT NULL,
	mode text
);
CREATE INDEX d_enrollment_course ON d_enrollment (course_id, user_id, time);

-- Per enrolled user and course: first activation, last change, current state (a view: few rows).
CREATE VIEW d_enrollment_state AS
SELECT course_id, user_id, username, first_enrolled, last_change, is_enrolled, activations, deactivations
FROM (
	SELECT e.course_id, e.user_id,
		coalesce(u.username, (array_agg(e.username ORDER BY e.time DESC))[1]) AS username,
		min(e.time) FILTER (WHERE e.activated) AS first_enrolled,
		max(e.time) AS last_change,
		(array_agg(e.activated ORDER BY e.time DESC, e.activated))[1] AS is_enrolled,
		count(*) FILTER (WHERE e.activated) AS activations,
		count(*) FILTER (WHERE NOT e.activated) AS deactivations
	FROM d_enrollment e LEFT JOIN d_user u ON u.user_id = e.user_id
	GROUP BY e.course_id, e.user_id, coalesce(e.user_id::text, e.username), u.username
) s;

-- Per learner: gaps between consecutive events of a learner in a course, attributed to the UTC hour
-- of the later event, bucketed by whole minutes (gap < C minutes <=> minute < C, exact for integer
-- cutoffs); gaps of 4 hours or more are never counted and not stored.
CREATE TABLE d_learner_gap (
	course_id text NOT NULL,
	username text NOT NULL,
	hour timestamptz NOT NULL,
	minute smallint NOT NULL,
	seconds double precision NOT NULL,
	gaps bigint NOT NULL,
	PRIMARY KEY (course_id, username, hour, minute)
);

-- Per learner: sessions (a gap over 30 minutes, or a page_close, ends one).
CREATE TABLE d_session (
	course_id text NOT NULL,
	username text NOT NULL,
	start_time timestamptz NOT NULL,
	end_time timestamptz NOT NULL,
	events bigint NOT NULL
);
CREATE INDEX d_session_learner ON d_session (course_id, username);

-- Raw page (as logged) -> normalised URL (query and fragment stripped, %xx decoded, no trailing slash).
CREATE TABLE d_page (
	page text PRIMARY KEY,
	url text NOT NULL
);

-- Normalised URL -> section name, from outline/link clicks that carry a target name (the latest wins).
CREATE TABLE d_page_name (
	url text PRIMARY KEY,
	name text NOT NULL,
	time timestamptz NOT NULL
);

-- Per learner: page visits = arrivals on a page (the page differs from the learner's previous page
-- event, or more than 30 minutes passed since it, or it followed a page_close).
CREATE TABLE d_page_visit (
	course_id text NOT NULL,
	username text NOT NULL,
	time timestamptz NOT NULL,
	url text NOT NULL,
	-- First visit of a session (the path task shows a break before it).
	session_start boolean NOT NULL,
	-- The page visited just before, in the same session (NULL at a session start): for transitions.
	previous_url text
);
CREATE INDEX d_page_visit_learner ON d_page_visit (course_id, username, time);

-- Additive: a learner's events per page and event type (events that carry a page).
CREATE TABLE d_learner_page_type (
	course_id text NOT NULL,
	username text NOT NULL,
	url text NOT NULL,
	event_type text NOT NULL,
	events bigint NOT NULL,
	PRIMARY KEY (course_id, username, url, event_type)
);

-- Additive: video player events (play, pause, seek, stop, load, speed) with their positions.
CREATE TABLE d_video_event (
	course_id text NOT NULL,
	username text NOT NULL,
	time timestamptz NOT NULL,
	action text NOT NULL,
	video_id text NOT NULL,
	position double precision,
	old_position double precision,
	new_position double precision,
	duration double precision
);
CREATE INDEX d_video_event_learner ON d_video_event (course_id, username, video_id, time);

-- Per learner: watching intervals (a play closed by the next pause, stop or seek of the same video).
CREATE TABLE d_video_interval (
	course_id text NOT NULL,
	username text NOT NULL,
	video_id text NOT NULL,
	start_time timestamptz NOT NULL,
	start_position double precision NOT NULL,
	end_position double precision NOT NULL
);
CREATE INDEX d_video_interval_video ON d_video_interval (course_id, video_id);

-- Additive: problem checks (server side, graded) and show-answer uses.
CREATE TABLE d_problem_event (
	course_id text NOT NULL,
	username text NOT NULL,
	time timestamptz NOT NULL,
	problem_id text NOT NULL,
	kind text NOT NULL CHECK (kind IN ('check', 'show_answer')),
	correct boolean,
	answers jsonb
);
CREATE INDEX d_problem_event_problem ON d_problem_event (course_id, problem_id, username, time);

-- Additive: PDF textbook events.
CREATE TABLE d_textbook_event (
	course_id text NOT NULL,
	username text NOT NULL,
	time timestamptz NOT NULL,
	event_type text NOT NULL,
	pdf text,
	query text
);

-- User-agent strings, parsed once each in Node (ua-parser-js) when first seen.
CREATE TABLE d_agent (
	agent_id serial PRIMARY KEY,
	agent text NOT NULL,
	browser text NOT NULL,
	os text NOT NULL,
	device text NOT NULL
);
-- A hash index: agent strings can be longer than a btree entry allows (2704 bytes).
CREATE INDEX d_agent_agent ON d_agent USING hash (agent);

-- Additive: a learner's events per user agent and language (first Accept-Language tag).
CREATE TABLE d_client (
	course_id text NOT NULL,
	username text NOT NULL,
	agent_id int NOT NULL,
	language text NOT NULL,
	events bigint NOT NULL,
	PRIMARY KEY (course_id, username, agent_id, language)
);

-- Additive: per load, events lacking a course, a user or a time.
CREATE TABLE d_load_stats (
	load_id int PRIMARY KEY,
	events bigint NOT NULL,
	no_course bigint NOT NULL,
	no_user bigint NOT NULL,
	no_time bigint NOT NULL
);
`,
	},
	{
		version: 101,
		description: 'append-only derived counts (no unique keys to maintain while building)',
		sql: `
-- Each load appends its own rows and the tasks sum them: keys that are unique per load only.
ALTER TABLE d_type_hour DROP CONSTRAINT d_type_hour_pkey;
ALTER TABLE d_learner_type_hour DROP CONSTRAINT d_learner_type_hour_pkey;
ALTER TABLE d_learner_hour DROP CONSTRAINT d_learner_hour_pkey;
ALTER TABLE d_learner_gap DROP CONSTRAINT d_learner_gap_pkey;
ALTER TABLE d_learner_page_type DROP CONSTRAINT d_learner_page_type_pkey;
ALTER TABLE d_client DROP CONSTRAINT d_client_pkey;
-- Tasks scan these tables whole; indexes only slowed the build.
DROP INDEX d_session_learner, d_page_visit_learner, d_video_event_learner, d_video_interval_video, d_problem_event_problem;
`,
	},
	{
		version: 102,
		description: 'events per course and hour (course-level tasks read this instead of d_type_hour)',
		sql: `
-- Appended per load: events per course and UTC hour (a few thousand rows where d_type_hour, split by
-- event type, has one per URL-typed server event and hour).
CREATE TABLE d_course_hour (
	course_id text NOT NULL,
	hour timestamptz NOT NULL,
	events bigint NOT NULL
);
INSERT INTO d_course_hour SELECT course_id, hour, sum(events) FROM d_type_hour GROUP BY 1, 2;
`,
	},
	{
		version: 103,
		description: 'normalised URLs numbered, so the per-learner sorts carry an integer instead of the page text',
		sql: `
CREATE TABLE d_url (
	url_id serial PRIMARY KEY,
	url text NOT NULL UNIQUE
);
INSERT INTO d_url (url) SELECT DISTINCT url FROM d_page;
ALTER TABLE d_page ADD COLUMN url_id int;
UPDATE d_page p SET url_id = u.url_id FROM d_url u WHERE u.url = p.url;
ALTER TABLE d_page ALTER COLUMN url_id SET NOT NULL;
`,
	},
	{
		version: 104,
		description: 'event type totals; hourly tables count server requests (URL-path event types) together',
		sql: `
-- Appended per load: events per course and event type, every URL-typed server request kept apart.
CREATE TABLE d_type_total (
	course_id text NOT NULL,
	event_type text NOT NULL,
	events bigint NOT NULL
);
INSERT INTO d_type_total SELECT course_id, event_type, sum(events) FROM d_type_hour GROUP BY 1, 2;
UPDATE d_type_hour SET event_type = '(server request)' WHERE event_type LIKE '/%';
UPDATE d_learner_type_hour SET event_type = '(server request)' WHERE event_type LIKE '/%';
`,
	},
	{
		version: 105,
		description: 'page visits keep URL ids (tasks group on integers and name the few result rows)',
		sql: `
ALTER TABLE d_page_visit ADD COLUMN url_id int, ADD COLUMN previous_url_id int;
UPDATE d_page_visit v SET url_id = u.url_id FROM d_url u WHERE u.url = v.url;
UPDATE d_page_visit v SET previous_url_id = u.url_id FROM d_url u WHERE u.url = v.previous_url;
ALTER TABLE d_page_visit DROP COLUMN url, DROP COLUMN previous_url, ALTER COLUMN url_id SET NOT NULL;
`,
	},
	{
		version: 106,
		description: 'no btree key over text that can be long (URLs, course ids, usernames): hash indexes and md5 keys',
		sql: `
-- A btree entry holds at most 2704 bytes: one 5 KB URL, course id or username in a key would abort the
-- whole refresh. Lookups by such values use hash indexes (any length); the two upsert targets use a
-- unique index on md5 of the value (a collision between two real values is not a practical concern).
ALTER TABLE d_page DROP CONSTRAINT d_page_pkey;
CREATE INDEX d_page_page ON d_page USING hash (page);
ALTER TABLE d_url DROP CONSTRAINT d_url_url_key;
CREATE INDEX d_url_url ON d_url USING hash (url);
ALTER TABLE d_page_name DROP CONSTRAINT d_page_name_pkey;
CREATE UNIQUE INDEX d_page_name_url ON d_page_name (md5(url));
ALTER TABLE d_learner DROP CONSTRAINT d_learner_pkey;
CREATE UNIQUE INDEX d_learner_key ON d_learner (md5(course_id), md5(username));
DROP INDEX d_enrollment_course;
`,
	},
	{
		version: 107,
		description: 'per learner and problem, per learner and video: the problem and video tasks read these small tables',
		sql: `
-- Per learner: one row per learner, course and problem (from d_problem_event), so the problem tasks
-- need no window over every attempt at query time.
CREATE TABLE d_learner_problem (
	course_id text NOT NULL,
	username text NOT NULL,
	problem_id text NOT NULL,
	-- Graded checks (0: the learner only used show-answer).
	checks bigint NOT NULL,
	-- The first check was correct.
	first_correct boolean,
	-- Number of the first correct check (1 = first try), NULL if never correct.
	first_correct_attempt bigint,
	-- Answers of the first and of the last check that carried answers (time order).
	first_answers jsonb,
	last_answers jsonb,
	showed_answer boolean NOT NULL
);

-- Per learner: one row per learner, course and video (from d_video_event and d_video_interval).
CREATE TABLE d_learner_video (
	course_id text NOT NULL,
	username text NOT NULL,
	video_id text NOT NULL,
	plays bigint NOT NULL,
	reported_duration double precision,
	-- Furthest position seen in any player event.
	furthest double precision,
	-- Sum of the watching intervals and the furthest end of one (NULL: no interval).
	watched_seconds double precision,
	reached double precision
);

-- The new tables are filled from every load: the next refresh rebuilds the derived tables from scratch.
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 108,
		description: 'page tables keyed by URL id; per learner page visits and transitions (page tasks without a date range read these)',
		sql: `
-- Rebuilt from scratch at the next refresh (as for 107), so the table is emptied rather than converted.
TRUNCATE d_learner_page_type;
ALTER TABLE d_learner_page_type DROP COLUMN url, ADD COLUMN url_id int NOT NULL;

-- Per learner: page visits per learner, course and URL (d_page_visit summed over time).
CREATE TABLE d_learner_page (
	course_id text NOT NULL,
	username text NOT NULL,
	url_id int NOT NULL,
	visits bigint NOT NULL
);

-- Per learner: page-to-page transitions per learner and course (visits with a previous page in their session).
CREATE TABLE d_learner_transition (
	course_id text NOT NULL,
	username text NOT NULL,
	previous_url_id int NOT NULL,
	url_id int NOT NULL,
	transitions bigint NOT NULL
);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 109,
		description: 'time on task per learner and hour for the two usual idle cutoffs (5 and 30 minutes)',
		sql: `
-- Per learner: d_learner_gap summed per hour for idle cutoffs of 5 and 30 minutes (NULL: no such gap);
-- the time tasks read this for those cutoffs and d_learner_gap for any other.
CREATE TABLE d_learner_time (
	course_id text NOT NULL,
	username text NOT NULL,
	hour timestamptz NOT NULL,
	seconds_5 double precision,
	seconds_30 double precision
);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 110,
		description: 'page visits per learner, URL and hour (page-visits-by-day reads these instead of every visit)',
		sql: `
-- Per learner: d_page_visit counted per learner, course, UTC hour and URL (about two thirds of its rows).
CREATE TABLE d_learner_page_hour (
	course_id text NOT NULL,
	username text NOT NULL,
	hour timestamptz NOT NULL,
	url_id int NOT NULL,
	visits bigint NOT NULL
);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 111,
		description: 'page visits per UTC day and problem answer counts, recomputed per course from the per-learner tables',
		sql: `
-- Per course (recomputed for the courses a refresh touches): d_learner_page_hour summed per UTC day and
-- URL, with distinct visitors. course_id NULL: every course with a course id together (a learner in two
-- courses visiting the same URL on a day is one visitor). page-visits-by-day reads this for UTC days.
CREATE TABLE d_page_day (
	course_id text,
	day date NOT NULL,
	url_id int NOT NULL,
	visits bigint NOT NULL,
	visitors bigint NOT NULL
);

-- Per course (recomputed like d_page_day): learners per problem part and answer on their first and last
-- attempt, from d_learner_problem (a multiple-choice answer as its options joined by ", ").
CREATE TABLE d_problem_answer (
	course_id text NOT NULL,
	problem_id text NOT NULL,
	part text NOT NULL,
	answer text,
	first_attempts bigint NOT NULL,
	last_attempts bigint NOT NULL
);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 112,
		description: 'time on task per learner and UTC day (time-on-course-by-day in UTC reads these)',
		sql: `
-- Per learner: d_learner_gap summed per UTC day for idle cutoffs of 5 and 30 minutes (NULL: no such gap).
CREATE TABLE d_learner_day_time (
	course_id text NOT NULL,
	username text NOT NULL,
	day date NOT NULL,
	seconds_5 double precision,
	seconds_30 double precision
);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 113,
		description: 'the per-learner ordering input kept narrow (incremental loads recompute learners from it, not from events)',
		sql: `
-- Appended: every event of a learner with a time, as the per-learner statement reads it.
CREATE TABLE d_learner_event (
	course_id text NOT NULL,
	username text NOT NULL,
	time timestamptz NOT NULL,
	closes boolean NOT NULL,
	url_id int
);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 114,
		description: 'activity per learner and UTC day, plays and forum posts per learner and hour (the day-based activity tasks)',
		sql: `
-- The hours get the plays and forum posts by kind too, so that any time zone's days can be made from them.
ALTER TABLE d_learner_hour ADD COLUMN plays bigint NOT NULL DEFAULT 0, ADD COLUMN threads bigint NOT NULL DEFAULT 0,
	ADD COLUMN responses bigint NOT NULL DEFAULT 0, ADD COLUMN comments bigint NOT NULL DEFAULT 0;

-- Additive: d_learner_hour summed per UTC day (a few times fewer rows than the hours at 10M events).
CREATE TABLE d_learner_day (
	course_id text NOT NULL,
	username text NOT NULL,
	day date NOT NULL,
	activity bigint NOT NULL,
	video bigint NOT NULL,
	problem bigint NOT NULL,
	forum bigint NOT NULL,
	plays bigint NOT NULL,
	threads bigint NOT NULL,
	responses bigint NOT NULL,
	comments bigint NOT NULL
);

-- A learner's activity per calendar day in a time zone (the day-based activity tasks read this): the UTC days
-- summed when the tables were built, or the hours put in the zone's days. Several rows can share a learner
-- and day (appended loads, hours): callers sum them or count learners. Inlined like d_time_on_task below.
CREATE FUNCTION d_learner_days(tz text) RETURNS TABLE (course_id text, username text, day date, activity bigint, video bigint,
	problem bigint, forum bigint, plays bigint, threads bigint, responses bigint, comments bigint)
LANGUAGE sql STABLE AS $$
	SELECT d.course_id, d.username, d.day, d.activity, d.video, d.problem, d.forum, d.plays, d.threads, d.responses, d.comments
	FROM d_learner_day d WHERE tz = 'UTC'
	UNION ALL
	SELECT h.course_id, h.username, (h.hour AT TIME ZONE tz)::date, h.activity, h.video, h.problem, h.forum, h.plays, h.threads, h.responses, h.comments
	FROM d_learner_hour h WHERE tz <> 'UTC'
$$;

-- Time on task per learner and calendar day in a time zone, for an idle cutoff in minutes (the time tasks
-- read this): UTC days with the usual cutoffs were summed when the tables were built; other zones read
-- the hourly sums; any other cutoff the gaps by minute. Inlined into the calling query by the planner,
-- which drops the branches its parameters rule out.
CREATE FUNCTION d_time_on_task(tz text, idle bigint) RETURNS TABLE (course_id text, username text, day date, seconds double precision)
LANGUAGE sql STABLE AS $$
	SELECT t.course_id, t.username, t.day, CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_day_time t WHERE tz = 'UTC' AND idle IN (5, 30)
	UNION ALL
	SELECT t.course_id, t.username, (t.hour AT TIME ZONE tz)::date, CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_time t WHERE tz <> 'UTC' AND idle IN (5, 30)
	UNION ALL
	SELECT g.course_id, g.username, (g.hour AT TIME ZONE tz)::date, g.seconds FROM d_learner_gap g WHERE idle NOT IN (5, 30) AND g.minute < idle
$$;

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 115,
		description: 'session count, total, median and longest per learner (the sessions task without a date range)',
		sql: `
-- Per learner: their sessions longer than 5 seconds (the sessions task's default min_seconds) counted and
-- summed, with the median and the longest length in seconds.
CREATE TABLE d_learner_session (
	course_id text NOT NULL,
	username text NOT NULL,
	sessions bigint NOT NULL,
	seconds double precision NOT NULL,
	median_seconds double precision NOT NULL,
	longest_seconds double precision NOT NULL
);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 116,
		description: 'the shortest session d_learner_session counts, as a function the build and the sessions task both read',
		sql: `
-- Sessions this long or shorter (seconds) are left out of d_learner_session: the sessions task's default.
-- Inlined and folded to its value by the planner, so the task can still drop the branch it does not need.
CREATE FUNCTION d_session_summary_min_seconds() RETURNS double precision LANGUAGE sql IMMUTABLE AS 'SELECT 5::double precision';
`,
	},
	{
		version: 117,
		description: "each learner's events as arrays, one row per learner and build, instead of a row per event",
		sql: `
-- What a later build recomputes a learner's timeline from: their events with a time, as three arrays of one
-- length in time order (time, whether the event is a page_close, the page's url id or NULL), one row per
-- learner and build (and per 10,000 events). A row per event repeated course and username: ten times the
-- size, and a build reading a learner's history read a row per event.
DROP TABLE d_learner_event;
CREATE TABLE d_learner_events (
	course_id text NOT NULL,
	username text NOT NULL,
	times timestamptz[] NOT NULL,
	closes boolean[] NOT NULL,
	url_ids int[] NOT NULL
);
-- Not compressed: pglz would cost the build CPU on every row for little space.
ALTER TABLE d_learner_events ALTER times SET STORAGE EXTERNAL, ALTER closes SET STORAGE EXTERNAL, ALTER url_ids SET STORAGE EXTERNAL;

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 118,
		description: "each event's type in d_learner_events, instead of d_learner_type_hour",
		sql: `
-- One learner's activity by type per day (activity-by-day for a user) is read from their events' types (the
-- hourly type: server requests as "(server request)"), beside their times; d_learner_type_hour, the
-- largest derived table (a row per learner, hour and type), served that one question only.
DROP TABLE d_learner_type_hour;
TRUNCATE d_learner_events;
ALTER TABLE d_learner_events ADD COLUMN event_types text[] NOT NULL;
ALTER TABLE d_learner_events ALTER event_types SET STORAGE EXTERNAL;

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 119,
		description: 'd_learner_page_type indexed by event type',
		// learner-unit-events reads the rows of a few event types (a quarter of the table at 1M events for its
		// default four): 230 ms to 150 ms there, for about 0.2 s more to store the table's rows at 1M.
		sql: `CREATE INDEX d_learner_page_type_type ON d_learner_page_type (event_type);`,
	},
	{
		version: 120,
		description: 'd_minutes: seconds as minutes to a tenth, in double precision',
		// round(seconds::numeric / 60, 1) gives the same figures but turns each double into numeric through
		// its text: a fifth of time-on-course-by-day's time for its 33k-row answer at 1M events.
		sql: `
-- Seconds as minutes rounded to a tenth, halves up (seconds are never negative). Inlined by the planner.
CREATE FUNCTION d_minutes(seconds double precision) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS 'SELECT floor(seconds / 6 + 0.5) / 10';
`,
	},
	{
		version: 121,
		description: "each learner's days with learning activity (UTC days) in d_learner",
		// at-risk lists them for every candidate: counting distinct days over d_learner_day took most of its
		// 1.3 s at 10M events.
		sql: `
-- UTC days with learning activity (d_learner_day rows with activity > 0, counted once per day whatever the loads).
ALTER TABLE d_learner ADD COLUMN active_days integer;

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 122,
		description: "each learner's time on task summed over their UTC days (time-on-course's default answer)",
		sql: `
-- Per learner: d_learner_day_time summed (NULL: no such gap) and its days with time counted, for idle cutoffs
-- of 5 and 30 minutes. time-on-course with any day reads these instead of grouping every learner's days.
CREATE TABLE d_learner_time_total (
	course_id text NOT NULL,
	username text NOT NULL,
	seconds_5 double precision,
	seconds_30 double precision,
	days_5 integer NOT NULL,
	days_30 integer NOT NULL
);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 123,
		description: 'the usernames with rows in several courses, as a function the tasks share',
		sql: `
-- Usernames in d_learner for more than one course. Read all courses together, a task pools these learners'
-- rows (per-course sums, medians or distinct counts cannot be combined); the others it reads straight. Inlined
-- by the planner.
CREATE FUNCTION d_learners_of_several_courses() RETURNS TABLE (username text) LANGUAGE sql STABLE AS $$
	SELECT username FROM d_learner WHERE course_id <> '' GROUP BY username HAVING count(*) > 1
$$;
`,
	},
	{
		version: 124,
		description: 'the time zone of the day tables, chosen by the user (UTC until then)',
		// OpenEdu's courses live in Moscow time: asked for its days, the tasks read the hourly tables instead
		// of the day tables built in UTC (4.9 s for page-visits-by-day at 10M events against 0.1 s in UTC).
		sql: `
-- The zone whose calendar days d_learner_day, d_learner_day_time, d_page_day, d_learner_time_total and
-- d_learner.active_days count. IMMUTABLE, with the zone written into its body: the planner folds a task's
-- "tz = d_day_zone()" to true or false and drops the branch it rules out. d_set_day_zone rewrites it.
CREATE FUNCTION d_day_zone() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$SELECT 'UTC'::text$$;

-- Makes "zone" (a name of pg_timezone_names) the day tables' zone. When it changes, every load is marked for
-- the derived build again: called inside the build's transaction, the tables are rebuilt in the same commit.
CREATE FUNCTION d_set_day_zone(zone text) RETURNS void LANGUAGE plpgsql AS $body$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = zone) THEN
		RAISE EXCEPTION 'unknown time zone %', zone;
	END IF;
	IF zone <> d_day_zone() THEN
		EXECUTE format('CREATE OR REPLACE FUNCTION d_day_zone() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
			format('SELECT %L::text', zone));
		UPDATE loads SET derived_done = false;
	END IF;
END
$body$;

CREATE OR REPLACE FUNCTION d_learner_days(tz text) RETURNS TABLE (course_id text, username text, day date, activity bigint, video bigint,
	problem bigint, forum bigint, plays bigint, threads bigint, responses bigint, comments bigint)
LANGUAGE sql STABLE AS $$
	SELECT d.course_id, d.username, d.day, d.activity, d.video, d.problem, d.forum, d.plays, d.threads, d.responses, d.comments
	FROM d_learner_day d WHERE tz = d_day_zone()
	UNION ALL
	SELECT h.course_id, h.username, (h.hour AT TIME ZONE tz)::date, h.activity, h.video, h.problem, h.forum, h.plays, h.threads, h.responses, h.comments
	FROM d_learner_hour h WHERE tz <> d_day_zone()
$$;

CREATE OR REPLACE FUNCTION d_time_on_task(tz text, idle bigint) RETURNS TABLE (course_id text, username text, day date, seconds double precision)
LANGUAGE sql STABLE AS $$
	SELECT t.course_id, t.username, t.day, CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_day_time t WHERE tz = d_day_zone() AND idle IN (5, 30)
	UNION ALL
	SELECT t.course_id, t.username, (t.hour AT TIME ZONE tz)::date, CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_time t WHERE tz <> d_day_zone() AND idle IN (5, 30)
	UNION ALL
	SELECT g.course_id, g.username, (g.hour AT TIME ZONE tz)::date, g.seconds FROM d_learner_gap g WHERE idle NOT IN (5, 30) AND g.minute < idle
$$;
`,
	},
	{
		version: 125,
		description: 'events per course, day (of the day zone) and event type (activity-by-day for everyone)',
		// activity-by-day put every row of d_type_hour in its day: 160 ms of CPU at 1M events in UTC, 250 ms in
		// Moscow time, for a few thousand days and types.
		sql: `
-- Appended per load, like d_type_hour (server requests counted together as "(server request)"): callers sum.
CREATE TABLE d_type_day (
	course_id text NOT NULL,
	day date NOT NULL,
	event_type text NOT NULL,
	events bigint NOT NULL
);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 126,
		description: "UTC's days beside the day zone's, so that the tasks' default zone stays fast when the day zone is another",
		// Built in Moscow time, page-visits-by-day in UTC (run's default) read the hourly tables: 3.9 s at 10M
		// events against 0.2 s in the day zone.
		sql: `
-- Written only while the day zone is not UTC: the days of UTC, as their day-zone namesakes count the zone's.
CREATE TABLE d_type_day_utc (LIKE d_type_day);
CREATE TABLE d_learner_day_utc (LIKE d_learner_day);
CREATE TABLE d_learner_day_time_utc (LIKE d_learner_day_time);
CREATE TABLE d_learner_time_total_utc (LIKE d_learner_time_total);
CREATE TABLE d_page_day_utc (LIKE d_page_day);

-- Where days in zone "tz" are read from: 'day zone' (d_learner_day, …), 'utc' (d_learner_day_utc, …) or
-- 'hours' (the hourly tables). IMMUTABLE like d_day_zone(): with tz a constant, the planner folds a test of it
-- and drops the branches it rules out.
CREATE FUNCTION d_day_source(tz text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN tz = d_day_zone() THEN 'day zone' WHEN tz = 'UTC' THEN 'utc' ELSE 'hours' END
$$;

-- The rows of a day table counted in zone tz (none when its days are not kept: d_day_source(tz) = 'hours').
CREATE FUNCTION d_type_days(tz text) RETURNS TABLE (course_id text, day date, event_type text, events bigint) LANGUAGE sql STABLE AS $$
	SELECT course_id, day, event_type, events FROM d_type_day WHERE d_day_source(tz) = 'day zone'
	UNION ALL
	SELECT course_id, day, event_type, events FROM d_type_day_utc WHERE d_day_source(tz) = 'utc'
$$;
CREATE FUNCTION d_page_days(tz text) RETURNS TABLE (course_id text, day date, url_id int, visits bigint, visitors bigint) LANGUAGE sql STABLE AS $$
	SELECT course_id, day, url_id, visits, visitors FROM d_page_day WHERE d_day_source(tz) = 'day zone'
	UNION ALL
	SELECT course_id, day, url_id, visits, visitors FROM d_page_day_utc WHERE d_day_source(tz) = 'utc'
$$;
CREATE FUNCTION d_learner_time_totals(tz text) RETURNS TABLE (course_id text, username text, seconds_5 double precision,
	seconds_30 double precision, days_5 integer, days_30 integer)
LANGUAGE sql STABLE AS $$
	SELECT course_id, username, seconds_5, seconds_30, days_5, days_30 FROM d_learner_time_total WHERE d_day_source(tz) = 'day zone'
	UNION ALL
	SELECT course_id, username, seconds_5, seconds_30, days_5, days_30 FROM d_learner_time_total_utc WHERE d_day_source(tz) = 'utc'
$$;

CREATE OR REPLACE FUNCTION d_learner_days(tz text) RETURNS TABLE (course_id text, username text, day date, activity bigint, video bigint,
	problem bigint, forum bigint, plays bigint, threads bigint, responses bigint, comments bigint)
LANGUAGE sql STABLE AS $$
	SELECT d.course_id, d.username, d.day, d.activity, d.video, d.problem, d.forum, d.plays, d.threads, d.responses, d.comments
	FROM d_learner_day d WHERE d_day_source(tz) = 'day zone'
	UNION ALL
	SELECT d.course_id, d.username, d.day, d.activity, d.video, d.problem, d.forum, d.plays, d.threads, d.responses, d.comments
	FROM d_learner_day_utc d WHERE d_day_source(tz) = 'utc'
	UNION ALL
	SELECT h.course_id, h.username, (h.hour AT TIME ZONE tz)::date, h.activity, h.video, h.problem, h.forum, h.plays, h.threads, h.responses, h.comments
	FROM d_learner_hour h WHERE d_day_source(tz) = 'hours'
$$;

CREATE OR REPLACE FUNCTION d_time_on_task(tz text, idle bigint) RETURNS TABLE (course_id text, username text, day date, seconds double precision)
LANGUAGE sql STABLE AS $$
	SELECT t.course_id, t.username, t.day, CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_day_time t WHERE d_day_source(tz) = 'day zone' AND idle IN (5, 30)
	UNION ALL
	SELECT t.course_id, t.username, t.day, CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_day_time_utc t WHERE d_day_source(tz) = 'utc' AND idle IN (5, 30)
	UNION ALL
	SELECT t.course_id, t.username, (t.hour AT TIME ZONE tz)::date, CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_time t WHERE d_day_source(tz) = 'hours' AND idle IN (5, 30)
	UNION ALL
	SELECT g.course_id, g.username, (g.hour AT TIME ZONE tz)::date, g.seconds FROM d_learner_gap g WHERE idle NOT IN (5, 30) AND g.minute < idle
$$;

-- A database built in another day zone has no UTC days yet.
UPDATE loads SET derived_done = false WHERE d_day_zone() <> 'UTC';
`,
	},
	{
		version: 127,
		description: "a new database counts its days in Moscow time (OpenEdu's zone), UTC's beside them",
		// Built in UTC, the tasks asked for Moscow days read the hourly tables: page-visits-by-day 3.2 s at 10M
		// events, at-risk 1.1 s, time-on-course-by-day 1.4 s, against 0.1-0.8 s in Moscow time; building both
		// zones' days costs no measurable time (a 10M rebuild: 105.9 s in Moscow time, 109.1 s in UTC).
		sql: `
-- Only where nothing was loaded yet: a database already built keeps the zone it has (the user may have chosen it).
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM loads) THEN
		PERFORM d_set_day_zone('Europe/Moscow');
	END IF;
END
$$;
`,
	},
	{
		version: 128,
		description: "only URLs are pages: the server's placeholders (x_module, dashboard) are no page",
		// Server-side problem checks log "x_module" as their page: counted as one, it was the most visited
		// "page" and split each visit of a unit in two (unit, x_module, unit).
		sql: `
-- A logged page is a page (numbered in d_page and d_url) only when it is a URL: it starts with http://, https://
-- (any case) or /. Events on any other page count as events without a page. Inlined by the planner.
CREATE FUNCTION d_is_page_url(page text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$SELECT page ~* '^(https?://|/)'$$;

DELETE FROM d_page WHERE NOT d_is_page_url(page);
DELETE FROM d_url u WHERE NOT EXISTS (SELECT 1 FROM d_page p WHERE p.url_id = u.url_id);
DELETE FROM d_page_name n WHERE NOT EXISTS (SELECT 1 FROM d_url u WHERE u.url = n.url);

-- The visits they split and the events counted on them: rebuilt from scratch at the next refresh.
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 129,
		description: 'd_words: the words of a text, case-folded and split by Unicode rules',
		// The databases use the C collation, whose lower() and [[:alnum:]] know ASCII only: pdf-search-words
		// dropped every Cyrillic word. pg_c_utf8 (PostgreSQL 17+) has Unicode's classes and case mapping.
		sql: `
-- The words of "query": lower case, split on anything that is not a letter or digit, in the first collation
-- that knows Cyrillic letters: pg_c_utf8 (PostgreSQL 17+), else ICU's root collation (older servers built
-- with ICU), else the database's own (a UTF-8 locale). With none, calling it raises an error that says so,
-- rather than drop every word that is not ASCII. Inlined by the planner.
DO $$
DECLARE
	candidate text;
	knows_cyrillic boolean;
BEGIN
	FOREACH candidate IN ARRAY ARRAY['pg_c_utf8', 'und-x-icu', 'default'] LOOP
		BEGIN
			EXECUTE format($probe$SELECT lower('Ёж' COLLATE %1$I) = 'ёж' AND 'ж' ~ ('^[[:alpha:]]$' COLLATE %1$I)$probe$, candidate)
				INTO knows_cyrillic;
		EXCEPTION WHEN OTHERS THEN
			-- No such collation here (or a database that is not UTF-8).
			knows_cyrillic := false;
		END;
		IF knows_cyrillic THEN
			EXECUTE format('CREATE FUNCTION d_words(query text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
				format($body$SELECT word FROM regexp_split_to_table(lower(query COLLATE %I), '[^[:alnum:]]+') AS word WHERE word <> ''$body$, candidate));
			RETURN;
		END IF;
	END LOOP;
	CREATE FUNCTION d_words(query text) RETURNS SETOF text LANGUAGE plpgsql IMMUTABLE AS $body$
	BEGIN
		RAISE EXCEPTION 'splitting text into words needs PostgreSQL 17 or newer, a server built with ICU, or a database with a UTF-8 locale: this one knows ASCII letters only';
	END
	$body$;
END
$$;
`,
	},
	{
		version: 130,
		description: "each page URL's name: its own, else its section's (a view, nothing to rebuild)",
		// Outline clicks name …/jump_to/…type@sequential+block@<id>, but learners visit
		// …/courseware/<chapter>/<id>/<n>: page-visits named none of the generated log's pages.
		sql: `
-- The section (sequential) a normalised page URL belongs to, as "<course>/<sequential id>", or NULL. The
-- course is the part of its key after "course-v1:" (or "ccx-v1:"; an old key ORG/COURSE/RUN whole), as a
-- block key carries it:
--   …block-v1:ORG+COURSE+RUN+type@sequential+block@<id>…  (jump_to links, the learning MFE's pages)
--   …/courses/course-v1:ORG+COURSE+RUN/courseware/<chapter>/<id>[/<position>]  (the LMS's pages)
-- String functions, not a regular expression with groups: 2.5 µs a URL against 40-90 µs.
CREATE FUNCTION d_url_section(url text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
		${SECTION_CASES}
	END
$$;

-- Each URL's section, computed once when the URL is numbered: a task's rows never call d_url_section (left
-- to itself, the planner took each row's section after joining learner-unit-events' 47k rows: 541 ms against
-- 211 ms at 1M events), and the view below stays open to parallel workers (a materialized CTE would not be:
-- learner-unit-events at 10M events 2.5 s in one process against 1.7 s on three).
ALTER TABLE d_url ADD COLUMN section text GENERATED ALWAYS AS (d_url_section(url)) STORED;

-- Each URL's section name: its own (d_page_name: outline and link clicks to it), else the latest name of any
-- URL of its section. A view, so a name learned in a later load names the pages visited before it.
CREATE VIEW d_url_name AS
SELECT u.url_id, u.url, coalesce(own.name, section.name) AS name
FROM d_url u
	LEFT JOIN d_page_name own ON own.url = u.url
	LEFT JOIN (
		SELECT DISTINCT ON (named.section) named.section, n.name
		FROM d_page_name n JOIN d_url named ON named.url = n.url
		WHERE named.section IS NOT NULL
		ORDER BY named.section, n.time DESC, n.name
	) section ON section.section = u.section;
`,
	},
	{
		version: 131,
		description: "an enrollment's learner is never the staff member who enrolled them",
		// An instructor enrolling learners logs the enrollment under their own username (event.user_id is the
		// learner's): enrolled-not-started listed "staff" for learners with no event of their own.
		sql: `
-- The enrolled user's name is d_user's (their own events); failing that, the name the enrollment events were
-- logged under only where it is the enrolled user's own (a name d_user does not know, or knows with this user id),
-- else none. Looked up per enrolled user, after grouping: as fast as before on 178k enrollments.
CREATE OR REPLACE VIEW d_enrollment_state AS
SELECT s.course_id, s.user_id,
	coalesce(s.username, CASE WHEN s.user_id IS NULL OR actor.user_ids IS NULL OR s.user_id = ANY (actor.user_ids) THEN s.logged_as END) AS username,
	s.first_enrolled, s.last_change, s.is_enrolled, s.activations, s.deactivations
FROM (
	SELECT e.course_id, e.user_id, u.username, (array_agg(e.username ORDER BY e.time DESC))[1] AS logged_as,
		min(e.time) FILTER (WHERE e.activated) AS first_enrolled,
		max(e.time) AS last_change,
		(array_agg(e.activated ORDER BY e.time DESC, e.activated))[1] AS is_enrolled,
		count(*) FILTER (WHERE e.activated) AS activations,
		count(*) FILTER (WHERE NOT e.activated) AS deactivations
	FROM d_enrollment e LEFT JOIN d_user u ON u.user_id = e.user_id
	GROUP BY e.course_id, e.user_id, coalesce(e.user_id::text, e.username), u.username
) s
LEFT JOIN (SELECT username, array_agg(user_id) AS user_ids FROM d_user GROUP BY username) actor ON s.username IS NULL AND actor.username = s.logged_as;
`,
	},
	{
		version: 132,
		description: 'the Open edX mobile apps are mobile devices (user agents parsed again)',
		// The iOS app's agent and Android's okhttp were parsed as Other / Other / desktop.
		sql: `
-- Every agent is parsed again by the rebuild (d_agent is kept across builds; the rebuild re-counts d_client).
DELETE FROM d_agent;
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 133,
		description: 'event types count the events without a time too',
		// d_type_total counted only events with a time, so event-types and course-summary left out those whose time is
		// missing or unreadable. The builds count them now; the loads built before are counted here, once.
		sql: `
INSERT INTO d_type_total (course_id, event_type, events)
SELECT coalesce(e.course_id, ''), coalesce(e.event_type, ''), count(*)
FROM events e JOIN loads l ON l.load_id = e.load_id AND l.derived_done
WHERE e.time IS NULL
GROUP BY 1, 2;
`,
	},
	{
		version: 134,
		description: "enrollment changes logged at the same time are taken in the log's order",
		// At equal times enrollment-over-time took a deactivation first and d_enrollment_state an activation first:
		// a learner deactivated and activated again in one second was enrolled in one task and not in the others.
		sql: `
-- Filled again by the rebuild this asks for (the columns are the event's file and line).
TRUNCATE d_enrollment;
ALTER TABLE d_enrollment ADD COLUMN file_id integer NOT NULL, ADD COLUMN line_no bigint NOT NULL;
UPDATE loads SET derived_done = false;

-- Changes at the same time in the log's order: the file loaded first, then line by line.
CREATE OR REPLACE VIEW d_enrollment_state AS
SELECT s.course_id, s.user_id,
	coalesce(s.username, CASE WHEN s.user_id IS NULL OR actor.user_ids IS NULL OR s.user_id = ANY (actor.user_ids) THEN s.logged_as END) AS username,
	s.first_enrolled, s.last_change, s.is_enrolled, s.activations, s.deactivations
FROM (
	SELECT e.course_id, e.user_id, u.username, (array_agg(e.username ORDER BY e.time DESC, e.file_id DESC, e.line_no DESC))[1] AS logged_as,
		min(e.time) FILTER (WHERE e.activated) AS first_enrolled,
		max(e.time) AS last_change,
		(array_agg(e.activated ORDER BY e.time DESC, e.file_id DESC, e.line_no DESC))[1] AS is_enrolled,
		count(*) FILTER (WHERE e.activated) AS activations,
		count(*) FILTER (WHERE NOT e.activated) AS deactivations
	FROM d_enrollment e LEFT JOIN d_user u ON u.user_id = e.user_id
	GROUP BY e.course_id, e.user_id, coalesce(e.user_id::text, e.username), u.username
) s
LEFT JOIN (SELECT username, array_agg(user_id) AS user_ids FROM d_user GROUP BY username) actor ON s.username IS NULL AND actor.username = s.logged_as;
`,
	},
	{
		version: 135,
		description: 'a learner whose events have no time is a learner; learner and client counts take every event',
		// d_learner had no row for a learner whose every event lacks a time (learners and time-on-course left them
		// out), and its events, like d_client's, counted only the events with a time.
		sql: `
ALTER TABLE d_learner ALTER COLUMN first_time DROP NOT NULL, ALTER COLUMN last_time DROP NOT NULL;
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 136,
		description: "a PDF search's words, split and case-folded in Node when the search is built",
		// d_words split at anything [[:alnum:]] does not know (Arabic-Indic digits, Devanagari's virama) and took
		// lower case for case folding (STRASSE and straße were two words): SQL has no Unicode categories to split on.
		sql: `
-- Filled by the rebuild this asks for (searchWords in event-readers.ts); NULL for other events and queries without a word.
ALTER TABLE d_textbook_event ADD COLUMN words text[];
DROP FUNCTION d_words(text);
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 137,
		description: 'a page_close without a page ends the page visit',
		// The timeline walk ended a visit only at a page_close with a page, while sessions split at any page_close.
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 138,
		description: 'a play after a seek made while playing starts where the seek went',
		// The play event after such a seek often reports the position before it: the skipped part counted as watched.
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 139,
		description: 'a learner enrolled by an event logged without a username has no name',
		// Its name was the event's username, '' (a bulk enrollment): enrolled-not-started and at-risk showed "", where
		// the other tasks leave an unknown learner's name empty (NULL). The view of version 134 stays, under this one.
		sql: `
ALTER VIEW d_enrollment_state RENAME TO d_enrollment_state_as_logged;
CREATE VIEW d_enrollment_state AS
SELECT course_id, user_id, nullif(username, '') AS username, first_enrolled, last_change, is_enrolled, activations, deactivations
FROM d_enrollment_state_as_logged;
`,
	},
	{
		version: 140,
		description: 'enrollment changes that change the state, for every enrollment task',
		// enrollment-by-hour and -by-weekday counted every activation, a repeated one of a learner already enrolled
		// too, where enrollment-over-time (and edX Insights' state machine) ignore it: the histograms of a course
		// summed to more enrollments than its running total. A view: no rebuild.
		sql: `
-- Each enrollment change, with whether it changed the learner's state (enrolled or not, unenrolled before the first):
-- changes at the same time in the log's order (the file loaded first, then line by line), as d_enrollment_state takes them.
CREATE VIEW d_enrollment_change AS
SELECT course_id, user_id, username, time, activated,
	activated IS DISTINCT FROM coalesce(lag(activated) OVER (PARTITION BY course_id, coalesce(user_id::text, username) ORDER BY time, file_id, line_no), false) AS changed
FROM d_enrollment;
`,
	},
	{
		version: 141,
		description: "other zones' days from a list of each UTC hour's day; the day functions may run on parallel workers",
		// Asked for days of a zone that has no day tables (Moscow time on a database built in UTC), the tasks put
		// every row of the hourly tables in its day with AT TIME ZONE (about 0.2 µs a row: 0.35 s of
		// page-visits-by-day's 1.7 s at 10M events), and none of them could use parallel workers: the functions
		// they read through were PARALLEL UNSAFE (the default), which keeps the whole query on one process.
		sql: `
-- The day of zone tz (days since 1970-01-01) of each UTC hour from the first of d_course_hour (at most 100,000
-- hours before its last) to its last, subscripted by hours since 1970 (NULL when d_course_hour is empty):
-- d_day_of reads it. Every hour of the hourly tables is one of d_course_hour's, whose span is a few thousand hours.
CREATE FUNCTION d_hour_days(tz text) RETURNS int[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN count(*) > 0 THEN format('[%s:%s]=%s', min(e), max(e),
		array_agg((to_timestamp(e * 3600::double precision) AT TIME ZONE tz)::date - date '1970-01-01' ORDER BY e))::int[] END
	FROM (
		SELECT greatest(min(h), max(h) - 100000) AS lo, max(h) AS hi
		FROM (SELECT (date_part('epoch', hour) / 3600)::int AS h FROM d_course_hour WHERE date_part('epoch', hour) / 3600 < 2e9) hours
	) span, generate_series(lo, hi) e
$$;

-- (hour AT TIME ZONE tz)::date for a UTC hour, looked up in days = (SELECT d_hour_days(tz)) (a subquery: computed
-- once per query), computed for an hour it lacks. Inlined, it costs an array subscript per row.
CREATE FUNCTION d_day_of(hour timestamptz, tz text, days int[]) RETURNS date LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT coalesce(date '1970-01-01' + days[least(date_part('epoch', hour) / 3600, 2e9::double precision)::int], (hour AT TIME ZONE tz)::date)
$$;

CREATE OR REPLACE FUNCTION d_learner_days(tz text) RETURNS TABLE (course_id text, username text, day date, activity bigint, video bigint,
	problem bigint, forum bigint, plays bigint, threads bigint, responses bigint, comments bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT d.course_id, d.username, d.day, d.activity, d.video, d.problem, d.forum, d.plays, d.threads, d.responses, d.comments
	FROM d_learner_day d WHERE d_day_source(tz) = 'day zone'
	UNION ALL
	SELECT d.course_id, d.username, d.day, d.activity, d.video, d.problem, d.forum, d.plays, d.threads, d.responses, d.comments
	FROM d_learner_day_utc d WHERE d_day_source(tz) = 'utc'
	UNION ALL
	SELECT h.course_id, h.username, d_day_of(h.hour, tz, (SELECT d_hour_days(tz))), h.activity, h.video, h.problem, h.forum, h.plays, h.threads,
		h.responses, h.comments
	FROM d_learner_hour h WHERE d_day_source(tz) = 'hours'
$$;

CREATE OR REPLACE FUNCTION d_time_on_task(tz text, idle bigint) RETURNS TABLE (course_id text, username text, day date, seconds double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT t.course_id, t.username, t.day, CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_day_time t WHERE d_day_source(tz) = 'day zone' AND idle IN (5, 30)
	UNION ALL
	SELECT t.course_id, t.username, t.day, CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_day_time_utc t WHERE d_day_source(tz) = 'utc' AND idle IN (5, 30)
	UNION ALL
	SELECT t.course_id, t.username, d_day_of(t.hour, tz, (SELECT d_hour_days(tz))), CASE WHEN idle = 5 THEN t.seconds_5 ELSE t.seconds_30 END
	FROM d_learner_time t WHERE d_day_source(tz) = 'hours' AND idle IN (5, 30)
	UNION ALL
	SELECT g.course_id, g.username, d_day_of(g.hour, tz, (SELECT d_hour_days(tz))), g.seconds FROM d_learner_gap g WHERE idle NOT IN (5, 30) AND g.minute < idle
$$;

ALTER FUNCTION d_type_days(text) PARALLEL SAFE;
ALTER FUNCTION d_page_days(text) PARALLEL SAFE;
ALTER FUNCTION d_learner_time_totals(text) PARALLEL SAFE;
ALTER FUNCTION d_learners_of_several_courses() PARALLEL SAFE;
ALTER FUNCTION d_session_summary_min_seconds() PARALLEL SAFE;

-- Page visits and distinct visitors per day of zone tz and URL, of one course or (course NULL) of all courses
-- together (a learner of two courses is one visitor): d_page_days, or from d_learner_page_hour for another zone.
-- There, counting distinct visitors sorts or hashes every row by username (1.2M (day, URL, learner) groups at
-- 10M events); each half of the learners (by a hash of the name) is counted apart, so the two halves can run on
-- two workers, and their counts add up.
CREATE FUNCTION d_page_hour_visitors(tz text, course text, first_half boolean) RETURNS TABLE (day date, url_id int, visits bigint, visitors bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT day, url_id, sum(visits), count(*)
	FROM (
		-- One learner's visits of a page in an hour fit an int: sum(int) runs on a bigint, sum(bigint) on a numeric
		-- (a fifth of the time).
		SELECT d_day_of(hour, tz, (SELECT d_hour_days(tz))) AS day, url_id, username, sum(visits::int) AS visits
		FROM d_learner_page_hour
		WHERE d_day_source(tz) = 'hours' AND (course_id = course OR (course IS NULL AND course_id <> ''))
			-- Two inequalities rather than a test of a bit: the planner guesses a third of the rows for each (a
			-- half for an equality's 0.5 %), and only then hands the halves to workers.
			AND (hashtext(username) < 0) = first_half
		GROUP BY 1, 2, 3
	) learner_days
	GROUP BY 1, 2
$$;
CREATE FUNCTION d_page_visitors(tz text, course text) RETURNS TABLE (day date, url_id int, visits bigint, visitors bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT day, url_id, visits, visitors FROM d_page_days(tz) WHERE course_id = course OR (course IS NULL AND course_id IS NULL)
	UNION ALL
	SELECT day, url_id, sum(visits)::bigint, sum(visitors)::bigint
	FROM (SELECT * FROM d_page_hour_visitors(tz, course, true) UNION ALL SELECT * FROM d_page_hour_visitors(tz, course, false)) halves
	GROUP BY 1, 2
$$;
`,
	},
	{
		version: 142,
		description: 'the enrollment state as it was at a given time',
		// at-risk's as_of took today's enrollments, finishes and last activity: a learner active after that day dropped
		// out of its list. The state at a time is the state's one definition; the view is the state now.
		sql: `
-- Each enrolled (or once enrolled) user id's state from the enrollment changes logged before the time until. A plain SQL
-- function, which the planner inlines as it does a view: the view below plans as before.
CREATE FUNCTION d_enrollment_state_until(until timestamptz) RETURNS TABLE (course_id text, user_id bigint, username text,
	first_enrolled timestamptz, last_change timestamptz, is_enrolled boolean, activations bigint, deactivations bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT s.course_id, s.user_id,
	-- Unknown (a bulk enrollment logged without a username): NULL, as the other tasks leave an unknown name.
	nullif(coalesce(s.username, CASE WHEN s.user_id IS NULL OR actor.user_ids IS NULL OR s.user_id = ANY (actor.user_ids) THEN s.logged_as END), ''),
	s.first_enrolled, s.last_change, s.is_enrolled, s.activations, s.deactivations
FROM (
	SELECT e.course_id, e.user_id, u.username, (array_agg(e.username ORDER BY e.time DESC, e.file_id DESC, e.line_no DESC))[1] AS logged_as,
		min(e.time) FILTER (WHERE e.activated) AS first_enrolled,
		max(e.time) AS last_change,
		(array_agg(e.activated ORDER BY e.time DESC, e.file_id DESC, e.line_no DESC))[1] AS is_enrolled,
		count(*) FILTER (WHERE e.activated) AS activations,
		count(*) FILTER (WHERE NOT e.activated) AS deactivations
	FROM d_enrollment e LEFT JOIN d_user u ON u.user_id = e.user_id
	WHERE e.time < until
	GROUP BY e.course_id, e.user_id, coalesce(e.user_id::text, e.username), u.username
) s
LEFT JOIN (SELECT username, array_agg(user_id) AS user_ids FROM d_user GROUP BY username) actor ON s.username IS NULL AND actor.username = s.logged_as
$$;
CREATE OR REPLACE VIEW d_enrollment_state AS SELECT * FROM d_enrollment_state_until('infinity');
DROP VIEW d_enrollment_state_as_logged;
`,
	},
	{
		version: 143,
		description: 'a play starts where a seek went only within 30 minutes of that seek',
		// A play days after a seek, on a reloaded page, started at that seek's target: what was watched before it was lost.
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 144,
		description: "learner-unit-events counts a page's events that have no time",
		// d_learner_page_type took timed events only, unlike every other count of a learner's events.
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 145,
		description: 'of page names clicked at the same time, the least',
		// A URL's own name was the later load's on a tie, and either one in a single build: loaded day by day, a log
		// could name a page otherwise than loaded at once.
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 146,
		description: 'a save or reset of a problem the server refused is a problem event',
		// save_problem_fail and reset_problem_fail are a learner working on a problem, as their successful twins are.
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 147,
		description: 'problem checks at the same time in the order of their attempt numbers',
		// Checks in one second were ordered by their answers' text: a wrong then right pair could count as right first.
		sql: `
-- A check's event.attempts as d_number reads it (a number or a string of one; NULL otherwise), which orders checks at one time.
ALTER TABLE d_problem_event ADD COLUMN attempts double precision;
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 148,
		description: "a learner's page, player and problem events at the same time in an order of their own content",
		// Page events at one time went by URL id, which loads number as they first meet the URLs; player events at one
		// time and action, and problem checks alike in time, attempt and answers, went in the order they were stored:
		// visits, watched seconds and first-try correctness could change with the split of the logs into files and loads.
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 149,
		description: "enrollment changes at the same time in different files in the order of the files' names, not of their loads",
		// Taken in the order the files were loaded, a learner unenrolled in one file and enrolled in another at the same
		// time was enrolled or not with the order of the ingest's arguments, or of the ingests.
		sql: `
-- The place of the change's input in the natural order of the inputs' names (then of a zip's members' names, then by
-- the fingerprints): written by each build, and here (writeFilePositions in file-order.ts).
ALTER TABLE d_enrollment ADD COLUMN file_position int;

-- As in 142, changes at the same time in the log's order: the file whose name comes first, then line by line.
CREATE OR REPLACE FUNCTION d_enrollment_state_until(until timestamptz) RETURNS TABLE (course_id text, user_id bigint, username text,
	first_enrolled timestamptz, last_change timestamptz, is_enrolled boolean, activations bigint, deactivations bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT s.course_id, s.user_id,
	-- Unknown (a bulk enrollment logged without a username): NULL, as the other tasks leave an unknown name.
	nullif(coalesce(s.username, CASE WHEN s.user_id IS NULL OR actor.user_ids IS NULL OR s.user_id = ANY (actor.user_ids) THEN s.logged_as END), ''),
	s.first_enrolled, s.last_change, s.is_enrolled, s.activations, s.deactivations
FROM (
	SELECT e.course_id, e.user_id, u.username, (array_agg(e.username ORDER BY e.time DESC, e.file_position DESC, e.line_no DESC))[1] AS logged_as,
		min(e.time) FILTER (WHERE e.activated) AS first_enrolled,
		max(e.time) AS last_change,
		(array_agg(e.activated ORDER BY e.time DESC, e.file_position DESC, e.line_no DESC))[1] AS is_enrolled,
		count(*) FILTER (WHERE e.activated) AS activations,
		count(*) FILTER (WHERE NOT e.activated) AS deactivations
	FROM d_enrollment e LEFT JOIN d_user u ON u.user_id = e.user_id
	WHERE e.time < until
	GROUP BY e.course_id, e.user_id, coalesce(e.user_id::text, e.username), u.username
) s
LEFT JOIN (SELECT username, array_agg(user_id) AS user_ids FROM d_user GROUP BY username) actor ON s.username IS NULL AND actor.username = s.logged_as
$$;

CREATE OR REPLACE VIEW d_enrollment_change AS
SELECT course_id, user_id, username, time, activated,
	activated IS DISTINCT FROM coalesce(lag(activated) OVER (PARTITION BY course_id, coalesce(user_id::text, username) ORDER BY time, file_position, line_no), false) AS changed
FROM d_enrollment;
`,
		// d_enrollment_mode comes with a later version.
		run: (client) => writeFilePositions(client, ['d_enrollment']),
	},
	{
		version: 150,
		description: 'payload numbers out of any range read as unknown',
		// JSON numbers have no range and jsonb keeps them exactly: a player's currentTime of 1e400 (or 1e-400, or a string
		// "9e999") raised "out of range for type double precision" in the derived build, and as the event stays stored,
		// every later ingest and run failed the same way. Such a number is NULL now, as a position that is no number is.
		// No rebuild: a build that met one failed, and is still pending.
		sql: `
CREATE OR REPLACE FUNCTION d_number(value jsonb) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE jsonb_typeof(value)
		-- jsonb writes out a number's every digit (1e400 is 401 of them): under 300 characters it is well inside double
		-- precision's range. The cheapest bound measured: 1.2x the old reading, against 1.6x for numeric comparisons.
		WHEN 'number' THEN CASE WHEN length(value #>> '{}') < 300 THEN (value #>> '{}')::double precision END
		-- A string keeps its exponent: at most 3 digits of it (numeric itself overflows past 1e131071), then the range.
		-- (Nested CASEs: only they promise the order, the cast after the pattern.)
		WHEN 'string' THEN CASE WHEN length(btrim(value #>> '{}')) < 300 AND btrim(value #>> '{}') ~ '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$' THEN
			CASE WHEN btrim(value #>> '{}')::numeric = 0 OR abs(btrim(value #>> '{}')::numeric) BETWEEN 1e-300 AND 1e300 THEN btrim(value #>> '{}')::double precision END
		END
	END
$$;
`,
	},
	{
		version: 151,
		description: "a learner's player events at the same time: pauses, seeks and stops before a play",
		// In byte order a play came before the seek logged a moment before it (a seek made while playing): the seek ended
		// that play at once and the next play started at its target, so logs with whole seconds lost what was watched.
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 152,
		description: "a page visit made by a page_close's page is marked, for learner-path's order at one time",
		// The walk takes a page_close after the other events at its time; learner-path ordered visits at one time by URL
		// alone, so a page closed in the second another was opened came first (in the session before), unlike transitions.
		sql: `
ALTER TABLE d_page_visit ADD COLUMN closes boolean NOT NULL DEFAULT false;
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 153,
		description: "the PDF viewer's book events are the textbook.pdf.* events their payloads name; clicked names lose all white space around them",
		// The viewer logs its page loads and turns as `book` events (event.name textbook.pdf.page.loaded, …); the textbook
		// table took event types alone, so pdf-views showed no page load and no viewer of the corpus' PDFs. Clicked names
		// lost only the spaces around them: a name of a line break alone hid the section's earlier name.
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 154,
		description: 'the first instant of a day in a zone whose clocks go back to a second midnight',
		// (day::timestamp AT TIME ZONE tz) is the second of two midnights (Havana turned 01:00 back to 00:00 on 2018-11-04),
		// so a --from of that day lost its first hour, a --to gained it, and an incremental build of d_page_day in such a
		// day zone summed that day without it.
		sql: `
-- The first instant whose day in zone tz is \`day\`: midnight under the offset in force just before the one
-- PostgreSQL picks, when that is earlier (a midnight that came twice); else PostgreSQL's midnight. One expression
-- without FROM, so that it is inlined and folded to a constant: a function call stays in a scan's filter, once a row.
CREATE FUNCTION d_midnight(day date, tz text) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	-- In UTC wall times (timestamp arithmetic is immutable, timestamptz's is not): the day's midnight, less the local
	-- time a microsecond before PostgreSQL's midnight, plus that instant.
	SELECT least(day::timestamp AT TIME ZONE tz, ((day::timestamp
		- ((((day::timestamp AT TIME ZONE tz) AT TIME ZONE 'UTC') - interval '1 microsecond') AT TIME ZONE 'UTC') AT TIME ZONE tz)
		+ (((day::timestamp AT TIME ZONE tz) AT TIME ZONE 'UTC') - interval '1 microsecond')) AT TIME ZONE 'UTC')
$$;
`,
	},
	{
		version: 155,
		description: "passing grades and certificates logged without a username are their user id's",
		// Background (Celery) tasks log edx.course.grade.passed.first_time and often edx.certificate.created with an empty
		// username and the learner in event.user_id only: finished, funnel, at-risk and started-not-finished counted them
		// for no learner.
		sql: `
-- Appended by the counting pass: one row per such event with a time (a learner's own finishes are in d_learner).
-- passed and certificate: as d_learner's first_passed and first_certificate count the event type.
CREATE TABLE d_user_finish (
	course_id text NOT NULL,
	user_id bigint NOT NULL,
	time timestamptz NOT NULL,
	passed boolean NOT NULL,
	certificate boolean NOT NULL
);

-- Those finishes per learner, named by their user id's name (d_user), as enrollments are: the tasks that list names
-- take a learner's first finish as the least of this and d_learner's.
CREATE VIEW d_named_finish AS
SELECT f.course_id, u.username, min(f.time) FILTER (WHERE f.passed) AS first_passed, min(f.time) FILTER (WHERE f.certificate) AS first_certificate
FROM d_user_finish f JOIN d_user u ON u.user_id = f.user_id
GROUP BY f.course_id, u.username;

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 156,
		description: 'page transitions cross the page_close of a move to the next page',
		// The browser logs a page_close on leaving a page for the next, which ends the session: with transitions kept
		// within a session, page-transitions was empty on real logs. d_page_visit's previous_url_id and
		// d_learner_transition now take the previous page at most 30 minutes before: every load is rebuilt.
		sql: `
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 157,
		description: "page visits per day of any zone count a learner's first hour on a page and day, not distinct learners",
		// page-visits-by-day in a zone other than the day zone and UTC grouped every (day, URL, learner) of the hourly
		// rows to count distinct visitors: 1.3M groups at 10M events, 1.35 s in stop 44's bench (the target is 1 s).
		sql: `
-- The learner's previous hour with a visit of the same URL in the course (NULL: none), set by the timeline walk: the
-- row is their first on that URL and day in a zone where that hour falls on another day.
ALTER TABLE d_learner_page_hour ADD COLUMN previous_hour timestamptz;

-- URL ids visited in more than one course (from d_page_day, at the end of each build): all courses together, a learner
-- who visited one in two courses is one visitor, which the previous hour within each course does not see.
CREATE TABLE d_shared_url (url_id int PRIMARY KEY);

-- Each half of the learners (by a hash of the name) is aggregated apart, so that two workers take one each: the day
-- lookup's array is a subquery's value, which keeps a plain aggregate from being split across workers. All courses
-- together, a URL of several courses is counted per learner (sharer) and its visitors are its distinct learners.
CREATE OR REPLACE FUNCTION d_page_hour_visitors(tz text, course text, first_half boolean) RETURNS TABLE (day date, url_id int, visits bigint, visitors bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT day, url_id, sum(visits), sum(CASE WHEN sharer IS NULL THEN first_days ELSE 1 END)
	FROM (
		SELECT day, url_id, sharer, sum(visits) AS visits, sum(first_of_day) AS first_days
		FROM (
			-- One learner's visits of a page in an hour fit an int: sum(int) runs on a bigint, sum(bigint) on a numeric.
			SELECT d_day_of(hour, tz, (SELECT d_hour_days(tz))) AS day, url_id, visits::int AS visits,
				-- No zone's day since 1900 lasted 48 hours: a page left longer is not looked up twice (two thirds of the rows).
				(previous_hour IS NULL OR previous_hour < hour - interval '48 hours'
					OR d_day_of(previous_hour, tz, (SELECT d_hour_days(tz))) <> d_day_of(hour, tz, (SELECT d_hour_days(tz))))::int AS first_of_day,
				CASE WHEN course IS NULL AND url_id IN (SELECT url_id FROM d_shared_url) THEN username END AS sharer
			FROM d_learner_page_hour
			WHERE d_day_source(tz) = 'hours' AND (course_id = course OR (course IS NULL AND course_id <> ''))
				-- Two inequalities rather than a test of a bit: the planner guesses a third of the rows for each (a
				-- half for an equality's 0.5 %), and only then hands the halves to workers.
				AND (hashtext(username) < 0) = first_half
		) learner_hours
		GROUP BY 1, 2, 3
	) page_days
	GROUP BY 1, 2
$$;

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 158,
		description: "events logged as anonymous are no learner's",
		// Open edX logs server-side enrollments (a script's, the admin's) as username "anonymous", the learner in
		// event.user_id: learners and course-summary counted "anonymous" as a learner, and enrolled-not-started named
		// enrolled users so. The learner key (learnerName) is now none for them: every load is rebuilt.
		sql: `
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 159,
		description: "active days in any zone count a learner's first active hour of each day, not distinct learner days",
		// at-risk's days active in a zone other than the day zone and UTC grouped every (learner, day) of d_learner_hour:
		// 380k groups of 815k rows at 10M events, about 1 s for the task on a quiet machine (the target is 1 s).
		sql: `
-- Per learner: their UTC hours with learning activity in the course (see d_learner_hour's activity), each with the one
-- before (NULL: none), from the timeline walk: the hour is their first active one of its day in a zone where the hour
-- before falls on another day.
CREATE TABLE d_learner_active_hour (
	course_id text NOT NULL,
	username text NOT NULL,
	hour timestamptz NOT NULL,
	previous_hour timestamptz
);

-- Whether each event is learning activity, beside its time: what a later build's walk takes the active hours from.
TRUNCATE d_learner_events;
ALTER TABLE d_learner_events ADD COLUMN actives boolean[] NOT NULL;
ALTER TABLE d_learner_events ALTER actives SET STORAGE EXTERNAL;

-- Days with learning activity per learner in zone tz, of one course or (course NULL) of every course, up to the day
-- last_day (NULL: all): distinct days of the day tables, or in another zone the active hours whose hour before
-- fell on another day (or is none), summed.
CREATE FUNCTION d_learner_active_days(tz text, course text, last_day date) RETURNS TABLE (course_id text, username text, days bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT d.course_id, d.username, count(*)
	FROM (
		-- Distinct: each build appends its own day rows.
		SELECT DISTINCT d.course_id, d.username, d.day FROM d_learner_days(tz) d
		WHERE d_day_source(tz) <> 'hours' AND d.activity > 0 AND (last_day IS NULL OR d.day <= last_day)
			AND (d.course_id = course OR (course IS NULL AND d.course_id <> ''))
	) d
	GROUP BY 1, 2
	UNION ALL
${activeDaysFromHours()}
$$;

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 160,
		description: 'a page is its path, whatever scheme and host it was logged with',
		// One LMS logged a unit under its host name and its IP address (two pages, its 3 visits split 2 + 1), a site
		// moved to https had every page twice, and a relative page a third time. Every load is rebuilt: the first build
		// empties d_page, d_url and d_page_name, and numbers the pages again by their paths (normalizePageUrl).
		sql: `UPDATE loads SET derived_done = false;`,
	},
	{
		version: 161,
		description: "page visitors from the hourly tables in one parallel aggregate, not two halves of the learners",
		// Since 157 the groups are (day, URL, sharer), no longer per learner: PostgreSQL 18 splits that plain
		// aggregate across workers, each reading a part of d_learner_page_hour, where each half read all of it.
		sql: `
CREATE OR REPLACE FUNCTION d_page_visitors(tz text, course text) RETURNS TABLE (day date, url_id int, visits bigint, visitors bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT day, url_id, visits, visitors FROM d_page_days(tz) WHERE course_id = course OR (course IS NULL AND course_id IS NULL)
	UNION ALL
	-- All courses together, a URL of several courses is counted per learner (sharer) and its visitors are its distinct learners.
	SELECT day, url_id, sum(visits)::bigint, sum(CASE WHEN sharer IS NULL THEN first_days ELSE 1 END)::bigint
	FROM (
		SELECT day, url_id, sharer, sum(visits) AS visits, sum(first_of_day) AS first_days
		FROM (
			-- One learner's visits of a page in an hour fit an int: sum(int) runs on a bigint, sum(bigint) on a numeric.
			SELECT d_day_of(hour, tz, (SELECT d_hour_days(tz))) AS day, url_id, visits::int AS visits,
				-- No zone's day since 1900 lasted 48 hours: a page left longer is not looked up twice (two thirds of the rows).
				(previous_hour IS NULL OR previous_hour < hour - interval '48 hours'
					OR d_day_of(previous_hour, tz, (SELECT d_hour_days(tz))) <> d_day_of(hour, tz, (SELECT d_hour_days(tz))))::int AS first_of_day,
				CASE WHEN course IS NULL AND url_id IN (SELECT url_id FROM d_shared_url) THEN username END AS sharer
			FROM d_learner_page_hour
			WHERE d_day_source(tz) = 'hours' AND (course_id = course OR (course IS NULL AND course_id <> ''))
		) learner_hours
		GROUP BY 1, 2, 3
	) page_days
	GROUP BY 1, 2
$$;
DROP FUNCTION d_page_hour_visitors(text, text, boolean);
`,
	},
	{
		version: 162,
		description: 'the page each video and problem sits on',
		// A video is known by its player's id and a problem by its block id (hashes in OpenEdu's logs); the learners'
		// events on them are on the page of the unit that shows them, whose section name says what they are.
		sql: `
-- Per course, kind of item ('video', 'problem'), item and page (URL id): the learners who were on that page at their
-- first event on the item in a build (each build adds its own rows: sum them).
CREATE TABLE d_item_page (
	course_id text NOT NULL,
	kind text NOT NULL,
	item_id text NOT NULL,
	url_id int NOT NULL,
	learners bigint NOT NULL
);

-- Each video's or problem's page (item_kind 'video' or 'problem'), of one course or (course NULL) of all courses
-- together: the one most of its learners were on (of equals, the least URL), with its section name when known.
CREATE FUNCTION d_item_units(item_kind text, course text) RETURNS TABLE (item_id text, url text, name text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT DISTINCT ON (p.item_id) p.item_id, u.url, u.name
	FROM (
		SELECT i.item_id, i.url_id, sum(i.learners) AS learners FROM d_item_page i
		WHERE i.kind = item_kind AND (i.course_id = course OR (course IS NULL AND i.course_id <> ''))
		GROUP BY 1, 2
	) p JOIN d_url_name u ON u.url_id = p.url_id
	ORDER BY p.item_id, p.learners DESC, u.url
$$;

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 163,
		description: 'enrollment mode changes (upgrades to verified, …) and each enrolled learner\'s mode',
		// A learner's mode was only the one their activation logged: one who upgraded from audit to verified stayed audit.
		sql: `
-- Per edx.course.enrollment.mode_changed: the enrolled user (as in d_enrollment), the new mode, and where the event is
-- in the log (ordered with d_enrollment's changes at the same time; file_position written by each build).
CREATE TABLE d_enrollment_mode (
	course_id text NOT NULL,
	username text NOT NULL,
	user_id bigint,
	time timestamptz NOT NULL,
	mode text,
	file_id integer NOT NULL,
	line_no bigint NOT NULL,
	file_position int
);

-- Per course and enrolled user (user_key: the user id, else the name logged, as d_enrollment_state groups them; whether
-- enrolled and the mode now are d_enrollment_state's): the modes they were enrolled in (any change names one: a log that
-- begins with a learner's deactivation still says what they were in) and the modes they changed to from another (Open
-- edX logs a change to the same mode with every new enrollment; one with nothing before it in the log counts).
CREATE VIEW d_enrollment_modes AS
SELECT course_id, user_id, coalesce(user_id::text, username) AS user_key,
	array_agg(DISTINCT coalesce(mode, '')) AS enrolled_modes,
	array_agg(DISTINCT coalesce(mode, '')) FILTER (WHERE activated IS NULL AND (first OR mode IS DISTINCT FROM mode_before)) AS changed_to_modes
FROM (
	SELECT course_id, user_id, username, activated, mode, lag(mode) OVER w AS mode_before, row_number() OVER w = 1 AS first
	FROM (
		SELECT course_id, user_id, username, time, file_position, line_no, activated, mode FROM d_enrollment
		UNION ALL
		SELECT course_id, user_id, username, time, file_position, line_no, NULL, mode FROM d_enrollment_mode
	) changes
	WINDOW w AS (PARTITION BY course_id, user_id, coalesce(user_id::text, username) ORDER BY time, file_position, line_no)
) ordered
GROUP BY course_id, user_id, coalesce(user_id::text, username);

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 164,
		description: 'whether a learner showed a problem\'s answer before trying it',
		// edx2bigquery tells show-answer use before attempting from use after: looking first is not checking one's work.
		sql: `
-- Filled by the rebuild this asks for (problemAttempts in problem-attempts.ts).
ALTER TABLE d_learner_problem ADD COLUMN showed_answer_untried boolean NOT NULL DEFAULT false;
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 165,
		description: 'course grades as Open edX calculates them',
		// The grade distribution of edX Insights and Aspects, from edx.grades.course.grade_calculated (logged at every
		// recalculation, mostly by the server without a username: the learner is event.user_id).
		sql: `
-- Per edx.grades.course.grade_calculated: the user (event.user_id, else the event's), the event's username ('' when
-- logged without one), the grade as a fraction (NULL outside 0-1 or none) and its letter ('' below the pass mark).
CREATE TABLE d_grade (
	course_id text NOT NULL,
	user_id bigint,
	username text NOT NULL,
	time timestamptz NOT NULL,
	percent double precision,
	letter text
);
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 166,
		description: "whether each answer was graded correct",
		// edX Insights marks the correct answers of its answer distribution: without them the distribution did not say
		// which of the common answers were wrong.
		sql: `
-- A check's event.correct_map as each part's grading: true for "correct", false for "incorrect" or "partially-correct"
-- (not correct in full), no entry where it says neither.
CREATE FUNCTION d_parts_correct(correct_map jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT jsonb_object_agg(key, value ->> 'correctness' = 'correct')
	FROM jsonb_each(correct_map)
	WHERE jsonb_typeof(value) = 'object' AND value ->> 'correctness' IN ('correct', 'incorrect', 'partially-correct')
$$;
-- Filled by the rebuild this asks for: the check's parts' grading, and that of a learner's first and last answers.
ALTER TABLE d_problem_event ADD COLUMN parts_correct jsonb;
ALTER TABLE d_learner_problem ADD COLUMN first_parts_correct jsonb, ADD COLUMN last_parts_correct jsonb;
-- Of the first and last answers counted in the row: those whose part's grading is known, and those graded correct.
ALTER TABLE d_problem_answer ADD COLUMN graded bigint NOT NULL DEFAULT 0, ADD COLUMN correct bigint NOT NULL DEFAULT 0;
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 167,
		description: "each section's name in a view of its own (a view, nothing to rebuild)",
		// section-coverage names a section (sequential) as d_url_name names the pages of it that have no name of
		// their own: one definition for both.
		sql: `
${SECTION_NAME_VIEW}

CREATE OR REPLACE VIEW ${URL_NAME_VIEW}
`,
	},
	{
		version: 168,
		description: "the enrollment state says each user id's mode, mode changes too; grouped by user id first",
		// learner-summary shows a learner's mode (audit, honor, verified …), which only d_enrollment keeps: read apart, it
		// took another sort of every change (about 180 ms at 10M events). Here it is one more aggregate over the sort the
		// state already makes. That sort went by course id first, three long texts alike in every row: by the user id
		// first it compares far less (the state alone 287 ms against 357 at 10M events, medians of 7 on a busy machine).
		sql: `
DROP VIEW d_enrollment_state;
DROP FUNCTION d_enrollment_state_until(timestamptz);

-- As in 149, and mode: the mode logged by the latest enrollment change or mode change (d_enrollment_mode: an upgrade to
-- verified) that logged one (at the same time in the log's order; NULL: none did). A user with mode changes only (enrolled
-- before the log begins) has no state.
-- (Written since migration 181 as 181 makes it: the same rows, one definition in enrollment-state.ts.)
${ENROLLMENT_STATE_UNTIL}CREATE VIEW d_enrollment_state AS SELECT * FROM d_enrollment_state_until('infinity');
`,
	},
	{
		version: 169,
		description: "each learner's videos, problems and pages counted once per build",
		// learner-summary summed d_learner_video, d_learner_problem and d_learner_page per run (900k rows at 10M events).
		sql: `
-- Per learner: videos played and seconds watched (as video-engagement), problems attempted, solved and right at the first
-- check (as problems), distinct pages visited (as page-visits): rewritten for the learners each build walks.
CREATE TABLE d_learner_items (
	course_id text NOT NULL,
	username text NOT NULL,
	videos_played bigint NOT NULL,
	video_seconds double precision,
	problems_attempted bigint NOT NULL,
	problems_solved bigint NOT NULL,
	problems_first_try bigint NOT NULL,
	pages bigint NOT NULL
);
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 170,
		description: "time on task per activity category (edx2bigquery's video, problem, forum, text) per learner and hour, and summed",
		sql: `
-- Per learner, from the timeline walk: per UTC hour (of the later event), the seconds of the gaps between the learner's
-- consecutive events of one category (video, problem, forum, text: see ACTIVITY_CATEGORY in refresh.ts) shorter than
-- 5 and than 30 minutes; a row for each hour with such a gap under 30 minutes.
CREATE TABLE d_learner_category_time (
	course_id text NOT NULL,
	username text NOT NULL,
	hour timestamptz NOT NULL,
	${CATEGORY_SECONDS}
);
-- Per learner with timed events: those summed over every hour, with the time on task (every gap) under each cutoff.
CREATE TABLE d_learner_category_total (
	course_id text NOT NULL,
	username text NOT NULL,
	total_5 double precision NOT NULL,
	total_30 double precision NOT NULL,
	${CATEGORY_SECONDS}
);

-- Each event's category beside its time: what a later build's walk takes the category gaps from (the stored types
-- name server requests "(server request)", not their forum or wiki URL).
TRUNCATE d_learner_events;
ALTER TABLE d_learner_events ADD COLUMN categories smallint[] NOT NULL;
ALTER TABLE d_learner_events ALTER categories SET STORAGE EXTERNAL;

UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 171,
		description: 'the activity kinds\' totals without a second copy of the time on task',
		// d_learner_category_total kept each learner's whole time on task beside the kinds': d_learner_time_total has it.
		sql: `ALTER TABLE d_learner_category_total DROP COLUMN total_5, DROP COLUMN total_30;`,
	},
	{
		version: 172,
		description: "each learner's score on a problem at their last graded check, stored beside its parts' grading",
		// item-analysis reads it for every attempt: computed from the JSON in the task, it took 0.35 s of 0.8 at 10M events.
		// A generated column: PostgreSQL computes it as the build writes the row, and here for the rows there are (no rebuild).
		sql: `
-- The share of the problem's parts the last graded check got right (Open edX scores a problem by its latest
-- submission); where that check logged no grading of its parts, 1 if some check was right, else 0.
ALTER TABLE d_learner_problem ADD COLUMN last_score double precision GENERATED ALWAYS AS (coalesce(
	jsonb_array_length(jsonb_path_query_array(last_parts_correct, '$.* ? (@ == true)'))::double precision
		/ nullif(jsonb_array_length(jsonb_path_query_array(last_parts_correct, '$.*')), 0),
	(first_correct_attempt IS NOT NULL)::int)) STORED;
`,
	},
	{
		version: 173,
		description: "a name's user ids, and their enrollments and finishes, read by index",
		// The check of a learner given to learner-summary (checkLearner) takes a learner of the course by an enrollment or
		// a finish logged without their name: it runs before the task, by the name's user ids, where each was a scan.
		sql: `
CREATE INDEX d_user_username ON d_user USING hash (username);
CREATE INDEX d_enrollment_user ON d_enrollment (user_id);
CREATE INDEX d_user_finish_user ON d_user_finish (user_id);
`,
	},
	{
		version: 174,
		description: "an old course's jump_to/i4x://…/sequential/<id> link names its section (d_url's sections recomputed, no rebuild)",
		// A course with an old id (ORG/COURSE/RUN) keys its blocks i4x://ORG/COURSE/<type>/<id>: the outline's and
		// links' jump_to targets of its sections took no section, so no section of such a course had a name. The
		// stored section column is recomputed by dropping and adding it (SET EXPRESSION needs PostgreSQL 17), and
		// the views on it with it.
		sql: `
DROP VIEW d_url_name;
DROP VIEW d_section_name;
ALTER TABLE d_url DROP COLUMN section;

-- As in version 130, plus an old course's jump_to link of a section (the block key names no run: the course is the
-- one of the URL's /courses/ORG/COURSE/RUN/ part, as its courseware URLs give it):
--   …/courses/ORG/COURSE/RUN/jump_to/i4x://ORG/COURSE/sequential/<id>
-- A jump_to link of a unit (…/vertical/<id>, …type@vertical…) names no section: the URL does not say whose unit it is.
CREATE OR REPLACE FUNCTION d_url_section(url text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
		${SECTION_CASES}
		WHEN strpos(url, '/jump_to/i4x:') > 0 AND strpos(url, '/sequential/') > 0 THEN
			nullif(split_part(split_part(url, '/jump_to/', 1), '/courses/', 2), '') || '/'
				|| nullif(split_part(split_part(url, '/sequential/', 2), '/', 1), '')
	END
$$;

ALTER TABLE d_url ADD COLUMN section text GENERATED ALWAYS AS (d_url_section(url)) STORED;

${SECTION_NAME_VIEW}

CREATE VIEW ${URL_NAME_VIEW}
`,
	},
	{
		version: 175,
		description: "each learner's active days in UTC kept beside those of the day zone (no rebuild)",
		// learner-summary and at-risk in UTC on a database whose days are another zone's (run's default zone on a new,
		// Moscow-day database) took the days from the UTC day table's distinct days: about 0.4 s of learner-summary's 0.9 s
		// at 10M events. Counted as the day zone's are (the counting pass, recounted after a merge); here from the table.
		sql: `
-- Days with learning activity in UTC (the day tables' twins, see day-zone.ts); NULL where the day zone is UTC (its
-- active_days are those).
ALTER TABLE d_learner ADD COLUMN active_days_utc int;
UPDATE d_learner l SET active_days_utc = coalesce(a.days, 0)
FROM d_learner n LEFT JOIN (
	SELECT course_id, username, count(DISTINCT day) FILTER (WHERE activity > 0)::int AS days FROM d_learner_day_utc GROUP BY 1, 2
) a ON a.course_id = n.course_id AND a.username = n.username
WHERE d_day_zone() <> 'UTC' AND n.course_id = l.course_id AND n.username = l.username;

-- As in version 159, but in UTC on a database of another day zone, with no last day, the days kept per learner.
CREATE OR REPLACE FUNCTION d_learner_active_days(tz text, course text, last_day date) RETURNS TABLE (course_id text, username text, days bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
${ACTIVE_DAYS_FROM_DAY_TABLES}
	UNION ALL
${activeDaysFromHours()}
$$;
`,
	},
	{
		version: 176,
		description: "each learner's latest course grade, kept by the build (filled from the grades stored: no rebuild)",
		// grade-distribution took every learner's latest of all the grade events (hundreds of thousands at 10M events: Open
		// edX logs one per graded submission) in each run, and learner-summary could not afford to: kept per learner here.
		sql: `
-- Per course and learner (a user id, else a username logged without one): the latest grade (see course-grades.ts), its
-- whole percents as grade-distribution counts them (rounded at the sixth decimal first: 0.57 * 100 is 56.99999999999999
-- as a double) and whether it passes (carries a letter).
CREATE TABLE d_course_grade (
	course_id text NOT NULL,
	user_id bigint,
	username text NOT NULL,
	time timestamptz NOT NULL,
	percent double precision NOT NULL,
	passing boolean NOT NULL,
	grade_percent int GENERATED ALWAYS AS (floor(round((percent * 100)::numeric, 6))::int) STORED
);
-- Unique per learner (the merge's upsert), on md5 of the text as d_learner's: a btree takes no long text.
CREATE UNIQUE INDEX d_course_grade_learner ON d_course_grade (md5(course_id), user_id, md5(CASE WHEN user_id IS NULL THEN username END)) NULLS NOT DISTINCT;
${mergeCourseGrades('d_grade')};

-- Per course and name: the latest grade of the name's learners (see NAME_COURSE_GRADES), made again by every build.
CREATE TABLE d_named_grade (
	course_id text NOT NULL,
	username text NOT NULL,
	time timestamptz NOT NULL,
	grade_percent int NOT NULL,
	passing boolean NOT NULL
);
${NAME_COURSE_GRADES.join(';\n')};
`,
	},
	{
		version: 177,
		description: 'a passing course grade finishes the learner, as the passed event does (from the grades stored: no rebuild)',
		// finished, funnel and at-risk took a pass from edx.course.grade.passed.first_time only: a log loaded from after it
		// (or without it) listed a learner whose course grade carried a letter as not finished, at risk.
		sql: `${passingGradeFinishes('d_grade')};`,
	},
	{
		version: 178,
		description: 'the addresses of problem events, per learner (answer-copying pairs learners by them)',
		// No derived table kept an event's IP, and tasks do not read the events: CAMEO (a second account showing the
		// answers a first one then submits) is told by accounts sharing an address. Per learner and address rather
		// than a column of d_problem_event: finding shared addresses reads 66k rows (11 MB) at 10M events, not its 644k
		// (444 MB); the task reads the problem events only when some address is shared.
		sql: `
-- Appended: one row per build for each learner, course and address (events.ip as logged; OpenEdu logs a hash of it,
-- the same address the same hash) of their graded checks and show-answer uses (the rows of d_problem_event). A
-- learner met again in a later build may repeat a row: readers take the distinct ones.
CREATE TABLE d_learner_ip (
	course_id text NOT NULL,
	username text NOT NULL,
	ip text NOT NULL
);
-- Filled from every load by the rebuild this asks for.
UPDATE loads SET derived_done = false;
`,
	},
	{
		version: 179,
		description: 'the enrollment state kept per user by the build (filled from the changes stored: no rebuild)',
		// d_enrollment_state aggregated every enrollment change in each run of the tasks reading it (150-250 ms at 10M
		// events): learner-summary, the slowest task, over a second in a time zone of neither day table.
		sql: KEPT_ENROLLMENT_STATE,
	},
	{
		version: 180,
		description: "each video's duration and each learner's completed videos, kept by the build (from the rows stored: no rebuild)",
		// learner-summary took every video's duration from d_learner_video and joined it to every learner's rows in each run:
		// 140-190 ms of its 640 ms at 10M events.
		sql: `
-- Per course and video: the longest duration its players reported to any learner (a video none reported has no row).
CREATE TABLE d_video_duration (
	course_id text NOT NULL,
	video_id text NOT NULL,
	duration double precision NOT NULL
);
INSERT INTO d_video_duration (course_id, video_id, duration) SELECT * FROM (${videoDurations('')}) v WHERE duration IS NOT NULL;

-- The videos whose watching reached 95 % of that duration (see video-completion.ts).
ALTER TABLE d_learner_items ADD COLUMN videos_completed bigint NOT NULL DEFAULT 0;
${recountCompletedVideos('')};
ALTER TABLE d_learner_items ALTER videos_completed DROP DEFAULT;
`,
	},
	{
		version: 181,
		description: "at-risk's enrollment state as of a date made as the kept state is (a function replaced: nothing to rebuild)",
		// Migration 168's function and the kept state of 179 wrote the same aggregate and naming twice.
		sql: ENROLLMENT_STATE_UNTIL,
	},
	{
		version: 182,
		description: "each learner's active days for every whole-hour UTC offset, kept by the build (from the active hours stored: no rebuild)",
		// learner-summary in a zone of neither day table (Moscow time on a UTC database) counted every learner's active
		// days from their active hours: 75k rows at 1M events, 753k at 10M (about 300 ms of its 930 ms on a quiet machine).
		// A zone that kept one offset over the hourly tables' hours reads one of 24 numbers per learner instead.
		sql: `
-- Per learner: at days[k + 1], their days with learning activity in a zone k whole hours ahead of UTC (k = 0…23; see
-- activeDaysByOffset in learner-timeline.ts), written by the timeline walk.
CREATE TABLE d_learner_offset_days (
	course_id text NOT NULL,
	username text NOT NULL,
	days int[] NOT NULL
);
INSERT INTO d_learner_offset_days (course_id, username, days)
SELECT course_id, username, ARRAY[${OFFSET_DAY_COUNTS}]
FROM (SELECT course_id, username, date_part('epoch', hour) / 3600 AS hours, date_part('epoch', previous_hour) / 3600 AS previous FROM d_learner_active_hour) a
GROUP BY 1, 2;

-- The first and last UTC hour (hours since 1970) d_hour_days and d_zone_offset cover (no row: d_course_hour is empty),
-- and whether every hour of d_course_hour is one of them (not when they span more than 100,000 hours).
CREATE FUNCTION d_hour_span() RETURNS TABLE (lo int, hi int, whole boolean) LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT greatest(min(h) FILTER (WHERE h < 2e9), max(h) FILTER (WHERE h < 2e9) - 100000)::int, (max(h) FILTER (WHERE h < 2e9))::int,
		max(h) < 2e9 AND min(h) >= max(h) - 100000
	FROM (SELECT date_part('epoch', hour) / 3600 AS h FROM d_course_hour) hours
	HAVING count(*) FILTER (WHERE h < 2e9) > 0
$$;
CREATE OR REPLACE FUNCTION d_hour_days(tz text) RETURNS int[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN count(*) > 0 THEN format('[%s:%s]=%s', min(e), max(e),
		array_agg((to_timestamp(e * 3600::double precision) AT TIME ZONE tz)::date - date '1970-01-01' ORDER BY e))::int[] END
	FROM d_hour_span() span, generate_series(lo, hi) e
$$;

-- Zone tz's UTC offset floored to whole hours, mod 24 (d_learner_offset_days' k), when it was the same at every hour of
-- d_hour_span and those are all of d_course_hour's (every hour of the hourly tables is one); NULL when it changed
-- (daylight saving time), when some hours are left out, or when there are none.
CREATE FUNCTION d_zone_offset(tz text) RETURNS int LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN min(offset_hours) = max(offset_hours) THEN mod(mod(min(offset_hours), 24) + 24, 24) END
	FROM (
		SELECT floor((date_part('epoch', to_timestamp(e * 3600::double precision) AT TIME ZONE tz) - e * 3600::double precision) / 3600)::int AS offset_hours
		FROM d_hour_span() span, generate_series(lo, hi) e
		WHERE span.whole
	) offsets
$$;

-- As in version 175, but in a zone of neither day table that kept one offset, with no last day, the days kept for it.
CREATE OR REPLACE FUNCTION d_learner_active_days(tz text, course text, last_day date) RETURNS TABLE (course_id text, username text, days bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
${ACTIVE_DAYS_FROM_DAY_TABLES}
	UNION ALL
	SELECT o.course_id, o.username, o.days[(SELECT d_zone_offset(tz)) + 1]::bigint
	FROM d_learner_offset_days o
	WHERE d_day_source(tz) = 'hours' AND last_day IS NULL AND (SELECT d_zone_offset(tz)) IS NOT NULL
		AND (o.course_id = course OR (course IS NULL AND o.course_id <> ''))
	UNION ALL
${activeDaysFromHours(`
			AND (last_day IS NOT NULL OR (SELECT d_zone_offset(tz)) IS NULL)`)}
$$;
`,
	},
	{
		version: 183,
		description: "video plays and problem checks indexed by time (indexes on the rows stored: no rebuild)",
		// engagement-segments reads one week of them: a scan of both whole tables took 900 of its 1,380 ms at 10M events
		// (2.9M video events, 0.6M problem events), their week's rows through these 30-90 ms. Made in 1.1 s and 0.5 s there.
		sql: `
CREATE INDEX d_video_event_play_time ON d_video_event (time) WHERE action = 'play';
CREATE INDEX d_problem_event_check_time ON d_problem_event (time) WHERE kind = 'check';
`,
	},
	{
		version: 184,
		description: "d_hour_span's first and last hour from the hours' least and greatest, not from every hour's epoch (nothing to rebuild)",
		// date_part('epoch') of each of d_course_hour's rows (8,700 at 1M events) took 11 ms, and every task in a zone of
		// neither day table computes the span once per day lookup (page-visits-by-day three times): the least and
		// greatest hour come from comparing timestamps, and only those two are turned into hours since 1970.
		sql: `
CREATE OR REPLACE FUNCTION d_hour_span() RETURNS TABLE (lo int, hi int, whole boolean) LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT greatest(date_part('epoch', min(hour)) / 3600, date_part('epoch', max(hour) FILTER (WHERE hour < bound)) / 3600 - 100000)::int,
		(date_part('epoch', max(hour) FILTER (WHERE hour < bound)) / 3600)::int,
		max(hour) < bound AND date_part('epoch', min(hour)) / 3600 >= date_part('epoch', max(hour)) / 3600 - 100000
	-- bound: the first hour of 2e9 hours since 1970, which version 182 left out.
	FROM d_course_hour, (SELECT to_timestamp(2e9 * 3600::double precision) AS bound) b
	GROUP BY bound
	HAVING min(hour) < bound
$$;
`,
	},
	{
		version: 185,
		description: "d_number_at(object, key), d_number(object -> key) with the field looked up fewer times (nothing to rebuild)",
		// d_number is inlined with its argument written out three times: the counting pass's scan looked each payload number
		// up in its event three times (five for a string), and made a jsonb of it each time. A number's text is read from the
		// event (->>), as d_number reads it from the value: the scan 0.25 CPU-s less at 1M events (4.66 against 4.91).
		sql: `
CREATE FUNCTION d_number_at(object jsonb, key text) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE jsonb_typeof(object -> key)
		WHEN 'number' THEN CASE WHEN length(object ->> key) < 300 THEN (object ->> key)::double precision END
		WHEN 'string' THEN d_number(object -> key)
	END
$$;
`,
	},
];
