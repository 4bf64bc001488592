import type pg from 'pg';
import {UAParser} from 'ua-parser-js';
import {REFRESH_LOCK} from '../db/advisory-locks.js';
import {inBatches} from '../db/batches.js';
import {backendPid, cancelOnAbort, ownConnection} from '../db/database.js';
import type {DerivedProgress, DerivedStep} from '../progress.js';
import {mergeCourseGrades, NAME_COURSE_GRADES, passingGradeFinishes} from './course-grades.js';
import {ENROLLMENT_STATE_STEPS} from './enrollment-state.js';
import {writeFilePositions} from './file-order.js';
import {countFreshEvents, type FirstDay, learnerName} from './fresh-counts.js';
import {PROBLEM_TABLES, recomputeProblems, recomputeVideos, REPLACED_ITEM_ROWS, VIDEO_TABLES} from './learner-items.js';
import type {LearnerFields} from './streamed-copy.js';
import {RECOMPUTED_TIMELINE_ROWS, recomputeTimelines, TIMELINE_TABLES} from './timelines.js';
import {COMPLETED_VIDEOS, DURATION_OF_VIDEO, recountCompletedVideos, videoDurations} from './video-completion.js';

/** Enrollment, video, problem, forum, … classification of event types (edx2bigquery's categories). */
const VIDEO_KIND = `(event_type LIKE '%\\_video' OR event_type LIKE 'edx.video.%' OR event_type LIKE '%transcript%')`;
const PROBLEM_KIND = `(event_type LIKE 'problem\\_%' OR event_type LIKE 'edx.problem.%' OR event_type IN ('showanswer', 'show_answer', 'save_problem_success', 'save_problem_fail', 'reset_problem', 'reset_problem_fail'))`;
const FORUM_KIND = `(event_type LIKE 'edx.forum.%')`;
// The PDF viewer logs its page loads and turns as `book` events, their textbook.pdf.* name in the payload.
const TEXTBOOK_KIND = `(event_type LIKE 'textbook.%' OR event_type = 'book')`;
/**
 * edx2bigquery's time-on-task categories (see ACTIVITY_CATEGORIES in learner-timeline.ts, numbered from 1; 0: none):
 * the kinds above, plus its server requests of forum and wiki pages (their URL path is the event type) and the
 * textbook's events.
 */
const ACTIVITY_CATEGORY = `CASE
	WHEN ${VIDEO_KIND} THEN 1
	WHEN ${PROBLEM_KIND} THEN 2
	WHEN ${FORUM_KIND} OR event_type LIKE '%/discussion/forum%' OR event_type LIKE '%/discussion/threads%' OR event_type LIKE '%/discussion/comments%' THEN 3
	WHEN ${TEXTBOOK_KIND} OR event_type LIKE '%/wiki/%' THEN 4
	ELSE 0 END`;
const ENROLLMENT_KIND = `(event_type LIKE 'edx.course.enrollment.%' OR event_type LIKE '%/change\\_enrollment%')`;
const VIDEO_ACTION = `CASE event_type
	WHEN 'play_video' THEN 'play' WHEN 'edx.video.played' THEN 'play'
	WHEN 'pause_video' THEN 'pause' WHEN 'edx.video.paused' THEN 'pause'
	WHEN 'seek_video' THEN 'seek' WHEN 'edx.video.position.changed' THEN 'seek'
	WHEN 'stop_video' THEN 'stop' WHEN 'edx.video.stopped' THEN 'stop'
	WHEN 'load_video' THEN 'load' WHEN 'edx.video.loaded' THEN 'load'
	WHEN 'speed_change_video' THEN 'speed' WHEN 'edx.video.speed.changed' THEN 'speed' END`;
/**
 * Server requests log their URL path as the event type (one type per page or block): hourly tables
 * count them together, so they stay a few times smaller than the events; d_type_total keeps each.
 */
const HOURLY_TYPE = `CASE WHEN event_type LIKE '/%' THEN '(server request)' ELSE event_type END`;
/** Finishing the course: a passing grade or a certificate (finish=passed), any certificate event (finish=certificate). */
const PASSED_KIND = `event_type IN ('edx.course.grade.passed.first_time', 'edx.certificate.created')`;
const CERTIFICATE_KIND = `event_type LIKE 'edx.certificate.%'`;
/** The problem events whose payload is read (d_problem_event): checks and answers shown. */
const PROBLEM_PAYLOAD = `event_type IN ('problem_check', 'showanswer', 'show_answer', 'edx.problem.showanswer')`;
/**
 * Which reader of the payload an event type feeds (NULL: its payload is not read). Payload fields are
 * read only under a test of this kind: with a type list in a filter instead, PostgreSQL (which orders a
 * filter's conditions by cost) ran a payload field lookup first, on every payload (a second at 1M events).
 */
const PAYLOAD_KIND = `CASE
	WHEN ${VIDEO_ACTION} IS NOT NULL THEN 'video'
	WHEN ${PROBLEM_PAYLOAD} THEN 'problem'
	WHEN event_type IN ('edx.course.enrollment.activated', 'edx.course.enrollment.deactivated', 'edx.course.enrollment.mode_changed') THEN 'enrollment'
	WHEN event_type IN ('edx.ui.lms.outline.selected', 'edx.ui.lms.link_clicked') THEN 'target'
	-- Background tasks log them without a username, the learner in event.user_id (d_user_finish, d_grade).
	WHEN ${PASSED_KIND} OR ${CERTIFICATE_KIND} THEN 'finish'
	WHEN event_type = 'edx.grades.course.grade_calculated' THEN 'grade'
	WHEN ${TEXTBOOK_KIND} THEN 'textbook' END`;

/**
 * The distinct learners (course and username), event types and pages of the new events: the steps below
 * work on integer ids for them and name the few aggregated rows at the end. Two aggregates, each run by
 * parallel workers (see FREE_PARALLELISM), instead of one GROUPING SETS scan, which PostgreSQL runs in one
 * process (1.7 s at 1M events against 0.8 + 0.5 s). The first counts each learner's events per user agent
 * and Accept-Language header (for d_client; its learners are all the learners), the second lists the event
 * types and pages.
 */
const FRESH_KEYS = [
	// By the Accept-Language header as sent: its language is taken from the few groups (see ADDITIVE_STEPS),
	// not from every event (at 1M events 0.88-1.41 s against 1.13-2.42 s, four runs interleaved).
	`CREATE TEMP TABLE fresh_client ON COMMIT DROP AS
	SELECT coalesce(course_id, '') AS course_id, ${learnerName('username')} AS username, agent, accept_language, count(*) AS events
	FROM events WHERE load_id = ANY($1)
	GROUP BY 1, 2, 3, 4`,
	// referer: the page a problem event from the server was sent from (its own page is the placeholder x_module), where
	// the problem's page (d_item_page) is not known otherwise (see countFreshEvents). Of those types only: the server's
	// page requests would multiply the groups by their referers.
	`CREATE TEMP TABLE fresh_type_page ON COMMIT DROP AS
	SELECT coalesce(event_type, '') AS event_type, page, CASE WHEN event_source = 'server' AND ${PROBLEM_PAYLOAD} THEN referer END AS referer
	FROM events WHERE load_id = ANY($1) GROUP BY 1, 2, 3`,
];
/**
 * The planner, costing the workers' hand-over of every row, keeps the aggregates of FRESH_KEYS and the scans
 * of REPLACED_ROWS in one process: on 2 cores they are faster in three (what is gathered is small).
 */
const FREE_PARALLELISM = ['SET LOCAL parallel_setup_cost = 0', 'SET LOCAL parallel_tuple_cost = 0'];
const DEFAULT_PARALLELISM = ['RESET parallel_setup_cost', 'RESET parallel_tuple_cost'];
/** This build's learners and event types, numbered (the counting pass's scan joins copies: see fresh-counts.ts). */
const FRESH_LEARNERS = `
CREATE TEMP TABLE fresh_learner ON COMMIT DROP AS
SELECT (row_number() OVER ())::int AS learner_id, course_id, username FROM (SELECT DISTINCT course_id, username FROM fresh_client) l`;
/** Each event type classified once (edx2bigquery's activity kinds and the flags the steps filter on). */
const FRESH_TYPES = `
CREATE TEMP TABLE fresh_type ON COMMIT DROP AS
SELECT (row_number() OVER ())::int AS type_id, event_type, ${HOURLY_TYPE} AS hourly_type, ${VIDEO_ACTION} AS video_action,
	${PAYLOAD_KIND} AS payload_kind,
	coalesce(${VIDEO_KIND}, false) AS is_video, coalesce(${PROBLEM_KIND}, false) AS is_problem,
	coalesce(${FORUM_KIND}, false) AS is_forum, coalesce(${ENROLLMENT_KIND}, false) AS is_enrollment,
	event_type IN ('play_video', 'edx.video.played') AS is_play, event_type LIKE 'edx.forum.%.created' AS is_forum_post,
	event_type LIKE 'edx.special\\_exam.%' AS is_exam, ${PASSED_KIND} AS is_passed,
	${CERTIFICATE_KIND} AS is_certificate, event_type = 'page_close' AS closes, event_type = 'problem_check' AS is_problem_check,
	event_type = 'edx.forum.thread.created' AS is_thread, event_type = 'edx.forum.response.created' AS is_response,
	event_type = 'edx.forum.comment.created' AS is_comment, ${ACTIVITY_CATEGORY} AS category
FROM (SELECT DISTINCT event_type FROM fresh_type_page) t`;

/**
 * The learners' counts of the new events (see fresh-counts.ts) merged into d_learner: counts add, first/last take
 * least/greatest, and the user id the greatest seen, as one build of every load takes it (a name logged with several ids).
 * Active days are recounted (below) unless the new events have no time, which adds no day.
 */
const MERGE_LEARNER_TOTALS = `
INSERT INTO d_learner AS l SELECT * FROM fresh_learner_total
ON CONFLICT (md5(course_id), md5(username)) DO UPDATE SET user_id = greatest(excluded.user_id, l.user_id),
	first_time = least(l.first_time, excluded.first_time), last_time = greatest(l.last_time, excluded.last_time),
	events = l.events + excluded.events,
	first_activity = least(l.first_activity, excluded.first_activity), last_activity = greatest(l.last_activity, excluded.last_activity),
	video_events = l.video_events + excluded.video_events, video_plays = l.video_plays + excluded.video_plays,
	problem_checks = l.problem_checks + excluded.problem_checks, forum_posts = l.forum_posts + excluded.forum_posts,
	first_exam = least(l.first_exam, excluded.first_exam), first_passed = least(l.first_passed, excluded.first_passed),
	first_certificate = least(l.first_certificate, excluded.first_certificate),
	active_days = CASE WHEN excluded.first_time IS NULL THEN l.active_days END,
	active_days_utc = CASE WHEN excluded.first_time IS NULL THEN l.active_days_utc END`;
/**
 * Active days cannot be added up (two loads may share a day): the learners the merge just met again are
 * recounted from d_learner_day (its rows of every load), and in UTC from its twin (empty where UTC is the day zone).
 * Never by a nested loop: d_learner's statistics never see the merge's NULLs (they live in the build's transaction
 * only), so the planner takes those learners for one row, and where a nested loop's cost came out below a hash join's
 * it scanned d_learner_day once per learner (a day's file at 10M events, 5,741 learners: cancelled after 4 minutes).
 */
const RECOUNT_ACTIVE_DAYS = [
	'SET LOCAL enable_nestloop = off',
	...[
		{column: 'active_days', table: 'd_learner_day'},
		{column: 'active_days_utc', table: 'd_learner_day_utc'},
	].map(
		({column, table}) => `
UPDATE d_learner l SET ${column} = a.days
FROM (
	SELECT d.course_id, d.username, count(DISTINCT d.day) FILTER (WHERE d.activity > 0)::int AS days
	FROM ${table} d JOIN d_learner n ON n.course_id = d.course_id AND n.username = d.username AND n.${column} IS NULL
	GROUP BY 1, 2
) a
WHERE l.course_id = a.course_id AND l.username = a.username`,
	),
	'RESET enable_nestloop',
];

/** The additive steps left in SQL, after the counting pass (countFreshEvents) whose rows they read. */
const ADDITIVE_STEPS: string[] = [
	// Every user id of the new events (with a time or not), not only the largest per learner as in d_learner.
	// The least of a user id's names over every load, as one build of all of them takes: whichever load came
	// first must not decide (a user id logged under several names, as in test courses, named learners by load order).
	`INSERT INTO d_user AS u (user_id, username)
	SELECT user_id, min(username) FROM fresh_user GROUP BY user_id
	ON CONFLICT (user_id) DO UPDATE SET username = excluded.username WHERE excluded.username < u.username`,
	// The new course grades, each learner's latest kept (an older grade in a later load changes nothing), and the first
	// passing one a finish.
	'INSERT INTO d_grade SELECT * FROM fresh_grade',
	mergeCourseGrades('fresh_grade'),
	...NAME_COURSE_GRADES,
	passingGradeFinishes('fresh_grade'),
	// Of names clicked at the same time, the least wins, as d_url_name's section names take it: left to the sort
	// (and to the later load, on a tie with a stored name) the name depended on how the log was split into loads.
	`INSERT INTO d_page_name AS n (url, name, time)
	SELECT DISTINCT ON (p.url) p.url, f.name, f.time
	FROM fresh_target f JOIN d_page p ON p.page = f.page
	WHERE f.time IS NOT NULL AND f.name <> ''
	ORDER BY p.url, f.time DESC, f.name
	ON CONFLICT (md5(url)) DO UPDATE SET name = excluded.name, time = excluded.time
	WHERE excluded.time > n.time OR (excluded.time = n.time AND excluded.name < n.name)`,
	// Counted by the first scan (agent strings are distinct in d_agent; 0 = no agent), every event (with a time or
	// not, as d_learner counts them). The language: the first tag of Accept-Language, lower case ('' for none).
	`INSERT INTO d_client (course_id, username, agent_id, language, events)
	SELECT k.course_id, k.username, coalesce(a.agent_id, 0), coalesce(lower(btrim(split_part(split_part(k.accept_language, ',', 1), ';', 1))), ''),
		sum(k.events)
	FROM fresh_client k LEFT JOIN d_agent a ON a.agent = k.agent
	WHERE k.username <> ''
	GROUP BY 1, 2, 3, 4`,
];

/** Tables recomputed per learner (they depend on the order of all the learner's events): from timelines, and per video or problem. */
const PER_LEARNER_TABLES = [...Object.keys(TIMELINE_TABLES), ...Object.keys(VIDEO_TABLES), ...Object.keys(PROBLEM_TABLES)];
/**
 * The rows the recomputations replace: in the timeline tables those the touched learners' new timed events
 * can change (a learner without any keeps their timeline), and the rows of the videos and problems touched.
 * They are listed by their row ids first, by a scan PostgreSQL runs on parallel workers (never a DELETE's
 * own: each was a seq scan of a whole table in one process), then deleted by those ids.
 */
const REPLACED_ROWS = [
	...FREE_PARALLELISM,
	...[
		...Object.entries(RECOMPUTED_TIMELINE_ROWS).map(([table, rows]) => ({
			table,
			using: 'learners_to_refresh r',
			where: `r.course_id = t.course_id AND r.username = t.username AND r.since IS NOT NULL${
				// First the least of the learners' bounds, computed once: the rows of earlier days fail a comparison of one
				// column before the join hashes their learner's names (a day's file at 1M events: the 18 scans 0.55 s
				// against 0.46 s, medians of 11 and 7 runs).
				rows ? ` AND t.${rows.column} >= (SELECT min(${rows.from}) FROM learners_to_refresh r) AND t.${rows.column} >= ${rows.from}` : ''
			}`,
		})),
		...REPLACED_ITEM_ROWS,
	].flatMap(({table, using, where}) => [
		`CREATE TEMP TABLE replaced_row ON COMMIT DROP AS SELECT t.ctid AS row FROM ${table} t, ${using} WHERE ${where}`,
		`DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT row FROM replaced_row))`,
		'DROP TABLE replaced_row',
	]),
	...DEFAULT_PARALLELISM,
];
/**
 * The plain tables of a build's transaction (parallel workers cannot read a session's temporary tables),
 * analyzed once filled and dropped before it commits: the touched learners, and in an incremental build
 * their touched items (written by the counting pass).
 */
const PLAIN_TABLES = (earlier: boolean) => (earlier ? 'learners_to_refresh, fresh_video_item, fresh_problem_item' : 'learners_to_refresh');
const ALL_TABLES = [
	'd_load_stats', 'd_type_total', 'd_type_hour', 'd_type_day', 'd_type_day_utc', 'd_course_hour', 'd_learner_hour', 'd_learner', 'd_user', 'd_enrollment', 'd_enrollment_mode',
	'd_page_name', 'd_learner_page_type', 'd_learner_day', 'd_learner_day_utc', 'd_video_event', 'd_problem_event', 'd_learner_ip', 'd_textbook_event', 'd_user_finish', 'd_grade', 'd_course_grade', 'd_named_grade', 'd_enrollment_user_state', 'd_client', 'd_page', 'd_url', ...PER_LEARNER_TABLES,
	'd_page_day', 'd_page_day_utc', 'd_shared_url', 'd_problem_answer', 'd_learner_events', 'd_item_page', 'd_learner_items', 'd_video_duration',
];

/**
 * Indexes that a first build drops once it has emptied the tables and makes again after its counting pass has
 * filled them: one sort of the rows instead of an insertion per row (d_learner_page_type's on event type, which
 * learner-unit-events reads: at 1M events the counting pass took 4.88-5.33 s against 5.24-5.44 s and the rebuild
 * 6.55 s against 6.67 s (medians), six interleaved pairs; making it again, 78 ms; the same for the time indexes of
 * d_video_event and d_problem_event, which engagement-segments reads). Their definitions are read back from the
 * catalogue: the migrations stay their only source.
 */
const REMADE_INDEXES = ['d_learner_page_type_type', 'd_video_event_play_time', 'd_problem_event_check_time'];

/**
 * A first build's tables are new to the planner, and autovacuum took 20 minutes and more to sample them after
 * a 10M-event build (it vacuums them first): the tasks run meanwhile were planned without statistics, 23 of
 * the 59 plans of bench:tasks differently (learner-unit-events 1.1-1.9 s against 0.9-1.0 s, at-risk 0.6-0.9 s
 * against 0.4-0.5 s). A 3,000-row sample (target 10) gives the plans of the default 30,000 rows for 56 of the
 * 59 (the other three took 10-45 % less time with it) in 0.6 s at 10M events, against 3.8 s. d_learner_events is
 * left out: no task plan reads it whole, and its arrays took 3.9 s more. Sampled in the transaction that wrote the
 * rows, no page is rewritten to mark them committed, as a first read after the commit does. Incremental loads
 * change a table by a few percent: left to autovacuum.
 */
const FIRST_BUILD_STATISTICS = ['SET LOCAL default_statistics_target = 10', `ANALYZE ${ALL_TABLES.filter((table) => table !== 'd_learner_events').join(', ')}`];

/**
 * Each learner's videos, problems and pages counted from their rows per item (learner-summary reads these: summed per
 * run, the 900k rows took 0.7 s of its 1.3 s at 10M events), after the walks: on a first build for everyone, else for
 * the learners just walked. First the durations of the videos walked (see video-completion.ts): where one changed,
 * every learner of the video has their completed videos counted again (changed_video: the new durations, NULL none).
 */
function learnerItemSteps(earlier: boolean): string[] {
	const walked = (table: string) => (earlier ? `JOIN learners_to_refresh r ON r.course_id = ${table}.course_id AND r.username = ${table}.username` : '');
	const changedVideo = 'c.course_id = v.course_id AND c.video_id = v.video_id';
	return [
		`CREATE TEMP TABLE changed_video ON COMMIT DROP AS
		SELECT v.course_id, v.video_id, v.duration
		FROM (${videoDurations(earlier ? 'WHERE (v.course_id, v.video_id) IN (SELECT course_id, video_id FROM fresh_video_item)' : '')}) v
			LEFT JOIN d_video_duration c ON ${changedVideo}
		WHERE v.duration IS DISTINCT FROM c.duration`,
		// Without statistics the recount below sorted d_learner_video to merge it with the changed videos, none or a few
		// (27 ms at 1M events for none, against 0.3 ms).
		'ANALYZE changed_video',
		`DELETE FROM d_video_duration v USING changed_video c WHERE ${changedVideo}`,
		'INSERT INTO d_video_duration (course_id, video_id, duration) SELECT course_id, video_id, duration FROM changed_video WHERE duration IS NOT NULL',
		...(earlier ? ['DELETE FROM d_learner_items i USING learners_to_refresh r WHERE r.course_id = i.course_id AND r.username = i.username'] : []),
		`INSERT INTO d_learner_items (course_id, username, videos_played, videos_completed, video_seconds, problems_attempted, problems_solved, problems_first_try, pages)
		SELECT course_id, username, sum(videos_played), sum(videos_completed), sum(video_seconds), sum(problems_attempted), sum(problems_solved), sum(problems_first_try), sum(pages)
		FROM (
			SELECT v.course_id, v.username, count(*) FILTER (WHERE v.plays > 0) AS videos_played, ${COMPLETED_VIDEOS} AS videos_completed,
				sum(v.watched_seconds) AS video_seconds, 0 AS problems_attempted, 0 AS problems_solved, 0 AS problems_first_try, 0 AS pages
			FROM d_learner_video v ${DURATION_OF_VIDEO} ${walked('v')} GROUP BY 1, 2
			UNION ALL
			SELECT p.course_id, p.username, 0, 0, 0, count(*) FILTER (WHERE p.checks > 0), count(p.first_correct_attempt), count(*) FILTER (WHERE p.checks > 0 AND p.first_correct), 0
			FROM d_learner_problem p ${walked('p')} GROUP BY 1, 2
			UNION ALL
			SELECT g.course_id, g.username, 0, 0, 0, 0, 0, 0, count(*) FROM d_learner_page g ${walked('g')} GROUP BY 1, 2
		) items
		GROUP BY 1, 2`,
		// The learners of a video whose duration changed (a first build counted everyone above).
		...(earlier
			? [recountCompletedVideos(`WHERE (v.course_id, v.username) IN (SELECT v.course_id, v.username FROM d_learner_video v JOIN changed_video c ON ${changedVideo})`)]
			: []),
	];
}

/** The courses of the learners just recomputed: the per-course tables below are rebuilt for these. */
const TOUCHED_COURSES = `SELECT DISTINCT course_id FROM learners_to_refresh WHERE course_id <> ''`;

/**
 * d_page_day (or d_page_day_utc: `suffix`, see day-zone.ts) after an incremental load (a first build sums it
 * as it walks the timelines: page-days.ts), summed per course from the per-learner tables (counts of distinct
 * learners cannot be patched learner by learner): rebuilt for the touched courses, and its all-course rows
 * (course_id NULL) each time, from the day (in the table's zone) of the earliest new event ($1) on. A
 * learner's visits before their first new event do not change when they are recomputed, so earlier days
 * keep their rows (a daily file rebuilds a day or two, not the whole term: 16 s of a 10k-event refresh at
 * 10M events).
 */
function pageDaySteps(suffix: FirstDay['suffix']): string[] {
	const table = `d_page_day${suffix}`;
	const zone = suffix === '' ? 'd_day_zone()' : `'UTC'`;
	return [
		`DELETE FROM ${table} WHERE day >= $1::date AND (course_id IS NULL OR course_id IN (${TOUCHED_COURSES}))`,
		// Visitors counted as the groups of a first aggregate per learner: count(DISTINCT) sorts every row
		// (778k recent rows at 10M events: 1.65-1.80 s against 3.2-3.7 s for the courses' rows).
		`INSERT INTO ${table} (course_id, day, url_id, visits, visitors)
		SELECT course_id, day, url_id, sum(visits), count(*)
		FROM (
			SELECT course_id, (hour AT TIME ZONE ${zone})::date AS day, url_id, username, sum(visits) AS visits
			FROM recent_page_hour WHERE hour >= d_midnight($1::date, ${zone}) AND course_id IN (${TOUCHED_COURSES}) GROUP BY 1, 2, 3, 4
		) visitor
		GROUP BY 1, 2, 3`,
		`INSERT INTO ${table} (course_id, day, url_id, visits, visitors)
		SELECT NULL, day, url_id, sum(visits), count(*)
		FROM (
			SELECT (hour AT TIME ZONE ${zone})::date AS day, url_id, username, sum(visits) AS visits
			FROM recent_page_hour WHERE hour >= d_midnight($1::date, ${zone}) GROUP BY 1, 2, 3
		) visitor
		GROUP BY 2, 3`,
	];
}

/** d_shared_url (see migration 157), from d_page_day's per-course rows: every URL a course's learners visited. */
const SHARED_URL_STEPS = [
	'DELETE FROM d_shared_url',
	'INSERT INTO d_shared_url (url_id) SELECT url_id FROM d_page_day WHERE course_id IS NOT NULL GROUP BY url_id HAVING min(course_id) < max(course_id)',
];

/**
 * The rows of d_learner_page_hour that pageDaySteps sum (courses' rows from the earliest of the first
 * days on, $1 and $2 the day zone's and UTC's): read once for both sets of day tables, where each of their
 * four statements scanned the whole table: 0.28 s against 0.69-0.74 s of a daily file's build at 10M events.
 */
const RECENT_PAGE_HOURS = `
CREATE TEMP TABLE recent_page_hour ON COMMIT DROP AS
SELECT course_id, username, hour, url_id, visits FROM d_learner_page_hour
WHERE course_id <> '' AND hour >= least(d_midnight($1::date, d_day_zone()), $2::date::timestamp AT TIME ZONE 'UTC')`;

/**
 * d_problem_answer, rebuilt for the problems the new events may have changed: those on which a touched
 * learner has a problem event from the day of the earliest new event ($1) on (a superset of the
 * problems with new events; a learner's first and last answers change only there). Rebuilding the whole
 * courses instead took 2 s of a 10k-event refresh at 10M events.
 */
const TOUCHED_PROBLEMS = `
CREATE TEMP TABLE touched_problem ON COMMIT DROP AS
SELECT DISTINCT p.course_id, p.problem_id
FROM d_problem_event p JOIN learners_to_refresh r ON r.course_id = p.course_id AND r.username = p.username
WHERE r.course_id <> '' AND p.time >= d_midnight($1::date, d_day_zone())`;
/**
 * Each learner's first and last answers split into their parts (one row per part and attempt), counted per problem.
 * Learners who gave the same answers with the same grading are counted together before their answers are split (at 1M
 * events, 30,968 first and last answers are 10,355 distinct ones). On a first build (its table emptied) TOUCHED_PROBLEMS
 * would list every course's problem of d_learner_problem (every event is new, and each row of d_learner_problem comes
 * from rows of d_problem_event, each with a time and a username): they are read without that list, which scanned
 * d_problem_event, and those of no course stay out as the list leaves them.
 */
function problemAnswerSteps(earlier: boolean): string[] {
	return [
		...(earlier ? ['DELETE FROM d_problem_answer a USING touched_problem t WHERE a.course_id = t.course_id AND a.problem_id = t.problem_id'] : []),
		`INSERT INTO d_problem_answer (course_id, problem_id, part, answer, first_attempts, last_attempts, graded, correct)
		SELECT course_id, problem_id, part, answer, coalesce(sum(learners) FILTER (WHERE is_first), 0), coalesce(sum(learners) FILTER (WHERE NOT is_first), 0),
			coalesce(sum(learners) FILTER (WHERE correct IS NOT NULL), 0), coalesce(sum(learners) FILTER (WHERE correct), 0)
		FROM (
			SELECT s.course_id, s.problem_id, a.key AS part,
				CASE jsonb_typeof(a.value) WHEN 'array' THEN (SELECT string_agg(x, ', ' ORDER BY x) FROM jsonb_array_elements_text(a.value) x)
					ELSE a.value #>> '{}' END AS answer,
				s.is_first, (s.parts_correct -> a.key)::boolean AS correct, s.learners
			FROM (
				SELECT l.course_id, l.problem_id, e.answers, e.parts_correct, e.is_first, count(*) AS learners
				FROM d_learner_problem l
					CROSS JOIN LATERAL (VALUES (l.first_answers, l.first_parts_correct, true), (l.last_answers, l.last_parts_correct, false)) AS e(answers, parts_correct, is_first)
				WHERE l.first_answers IS NOT NULL
					AND ${earlier ? '(l.course_id, l.problem_id) IN (SELECT course_id, problem_id FROM touched_problem)' : "l.course_id <> ''"}
				GROUP BY 1, 2, 3, 4, 5
			) s
				CROSS JOIN LATERAL jsonb_each(s.answers) a
		) answers
		GROUP BY 1, 2, 3, 4`,
	];
}

/**
 * A page's identity and display: its path (an http(s) URL's scheme and host dropped, "/" for none), query string
 * and fragment stripped, %xx decoded (invalid sequences kept), trailing slashes removed. One LMS logs a page under
 * each name it is reached by (a host name and an IP address, http and https after a move, a relative URL): kept,
 * they split its visits between several pages. Once per distinct raw page (addNewPages), never per event.
 */
export function normalizePageUrl(raw: string): string {
	let url = raw.trim();
	const cut = url.search(/[?#]/);
	if (cut >= 0) url = url.slice(0, cut);
	const origin = /^https?:\/\/[^/]*/i.exec(url);
	if (origin) url = url.slice(origin[0].length) || '/';
	url = url.replace(/(?:%[0-9a-f]{2})+/gi, (encoded) => {
		try {
			return decodeURIComponent(encoded);
		} catch {
			return encoded;
		}
	});
	return url.replace(/(?<=.)\/+$/, '');
}

export type ParsedAgent = {browser: string; os: string; device: string};

/** The Open edX mobile apps' own agents, which the parser does not know (it would say Other, Other, desktop). */
const MOBILE_APPS: Array<[RegExp, ParsedAgent]> = [
	// The iOS app: "edX/org.edx.mobile (2.16.1; OS Version 12.2 (Build 16E227))" (the Android app's agent starts
	// with Android's own, "Dalvik/2.1.0 (Linux; U; Android 9; …) edX/org.edx.mobile/…", which the parser reads).
	[/^edX\/org\.edx\.mobile \(/i, {browser: 'edX app', os: 'iOS', device: 'mobile'}],
	// The Android app's HTTP client, which some of its requests name alone: "okhttp/3.12.1".
	[/^okhttp\//i, {browser: 'Android app (okhttp)', os: 'Android', device: 'mobile'}],
];

/** Browser family, OS family and device type (desktop unless the parser says mobile, tablet, …). */
export function parseAgent(agent: string): ParsedAgent {
	const app = MOBILE_APPS.find(([pattern]) => pattern.test(agent));
	if (app) return {...app[1]};
	const result = new UAParser(agent).getResult();
	return {browser: result.browser.name ?? 'Other', os: result.os.name ?? 'Other', device: result.device.type ?? 'desktop'};
}

/**
 * Numbers the pages of `candidates` (a query of one text column, page) that d_page does not know yet. Only
 * URLs (d_is_page_url): the server's placeholders (x_module, dashboard) get no URL id, so every step that
 * looks a page up in d_page counts their events as events without a page.
 */
async function addNewPages(client: pg.PoolClient, candidates: string): Promise<void> {
	const query = `SELECT DISTINCT page FROM (${candidates}) pages WHERE d_is_page_url(page) AND NOT EXISTS (SELECT 1 FROM d_page p WHERE p.page = pages.page)`;
	// Normalised in Node batch by batch, then numbered in two set-based statements.
	await client.query('CREATE TEMP TABLE IF NOT EXISTS new_page (page text NOT NULL, url text NOT NULL) ON COMMIT DROP');
	await client.query('TRUNCATE new_page');
	await inBatches<{page: string}>(client, query, async (rows) => {
		const pages = rows.map((row) => row.page);
		await client.query('INSERT INTO new_page (page, url) SELECT * FROM unnest($1::text[], $2::text[])', [pages, pages.map(normalizePageUrl)]);
	});
	await client.query('INSERT INTO d_url (url) SELECT DISTINCT url FROM new_page n WHERE NOT EXISTS (SELECT 1 FROM d_url u WHERE u.url = n.url)');
	await client.query('INSERT INTO d_page (page, url, url_id) SELECT n.page, n.url, u.url_id FROM new_page n JOIN d_url u ON u.url = n.url');
}

async function addNewAgents(client: pg.PoolClient): Promise<void> {
	const query = `SELECT DISTINCT agent FROM fresh_client f WHERE agent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM d_agent a WHERE a.agent = f.agent)`;
	await inBatches<{agent: string}>(client, query, async (rows) => {
		const parsed = rows.map((row) => parseAgent(row.agent));
		await client.query('INSERT INTO d_agent (agent, browser, os, device) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])', [
			rows.map((row) => row.agent),
			parsed.map((agent) => agent.browser),
			parsed.map((agent) => agent.os),
			parsed.map((agent) => agent.device),
		]);
	});
}

/**
 * The per-learner tables of the learners in learners_to_refresh, from their whole history: their timelines,
 * video and problem tables and d_page_day (unless this is the first build, whose counting pass walked or
 * summed them), then d_problem_answer.
 */
async function recomputeLearners(
	client: pg.PoolClient,
	earlier: boolean,
	{firstDays, learners}: {firstDays: FirstDay[]; learners: LearnerFields},
	{onStep, scratchDir}: RefreshOptions,
): Promise<void> {
	// Without statistics the planner expects a few thousand learners of unknown spread and joins them to
	// each grouped output by sorting both sides (merge joins) instead of hashing the learners.
	await client.query(`ANALYZE ${PLAIN_TABLES(earlier)}`);
	const dayOf = (suffix: FirstDay['suffix']) => firstDays.find((first) => first.suffix === suffix)?.day ?? null;
	if (earlier) {
		for (const step of REPLACED_ROWS) await client.query(step);
		await timedStep(onStep, 'learner timelines: sorted, walked in Node, stored by COPY', () => recomputeTimelines(client, learners, scratchDir));
		await timedStep(onStep, 'videos: sorted, walked in Node, stored by COPY', () => recomputeVideos(client, learners, scratchDir));
		await timedStep(onStep, 'problems: sorted, walked in Node, stored by COPY', () => recomputeProblems(client, learners, scratchDir));
		await client.query(RECENT_PAGE_HOURS, [dayOf(''), dayOf('_utc')]);
		for (const {suffix, day} of firstDays) for (const step of pageDaySteps(suffix)) await client.query(step, [day]);
		await client.query(TOUCHED_PROBLEMS, [dayOf('')]);
		await client.query('ANALYZE touched_problem');
	}
	for (const step of problemAnswerSteps(earlier)) await client.query(step);
}

/**
 * Brings the derived tables (that the tasks read) up to date with every load not yet absorbed
 * (loads.derived_done = false), incrementally: counts from the new loads' events are appended (the
 * tasks sum them, so no unique key has to be maintained while building), and the
 * order-dependent tables are recomputed for the learners those events belong to. One transaction:
 * a crash leaves the loads pending and the tables as they were. Called by the ingest engine after loading.
 */
type StepTimer = (step: string, ms: number) => void;

export type RefreshOptions = {
	/** Per-statement timing (the benchmark prints where the build time goes). */
	onStep?: StepTimer;
	/** Where the rows an incremental build recomputes in Node wait for their COPY (default: the system's temp folder). */
	scratchDir?: string;
	/** The day tables' time zone (canonical name; see day-zone.ts): when it changes, everything is rebuilt in it. */
	dayZone?: string;
	/** Each step as it starts, and the counting pass's events every few thousand (for the progress meters). */
	onProgress?: (progress: DerivedProgress) => void;
	/** Cancels the build: its running statements are cancelled on the server, it rolls back and rejects with an AbortError. */
	signal?: AbortSignal;
	/** No ingest runs (the caller holds the ingest lock): loads that never finished were cut off, and are built too. */
	cutOffLoads?: boolean;
};

/** What a build did that its caller reports: the day zone it moved the days to from another (not on a database with nothing built yet). */
export type RefreshResult = {dayZoneChange?: {from: string; to: string}};

/** Drops the indexes named and returns the statements that make them again. */
async function dropIndexes(client: pg.ClientBase, names: string[]): Promise<string[]> {
	const {rows} = await client.query<{definition: string}>('SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index WHERE indexrelid = ANY ($1::regclass[])', [names]);
	await client.query(`DROP INDEX ${names.join(', ')}`);
	return rows.map((row) => row.definition);
}

export async function refreshDerived(pool: pg.Pool, options: RefreshOptions = {}): Promise<RefreshResult> {
	const {onStep, dayZone, signal} = options;
	signal?.throwIfAborted();
	const connection = await pool.connect();
	const client = onStep ? timedClient(connection, onStep) : connection;
	let reader: pg.Client | undefined;
	let summarizing: Promise<void> | undefined;
	const pids: number[] = [];
	const cancellation = cancelOnAbort(pool, signal, pids);
	try {
		pids.push(await backendPid(connection));
		// The new loads' events came after the last statistics: without fresh ones the planner takes the new
		// load ids for a handful of rows and joins them to the learners by nested loops (minutes instead of
		// seconds). A small sample is enough for the few distinct load ids. Committed first, for the reader
		// (callers come here when loads are pending).
		await client.query('BEGIN');
		await client.query('SET LOCAL default_statistics_target = 10');
		await client.query('ANALYZE events (load_id)');
		await client.query('COMMIT');
		await client.query('BEGIN');
		// Another process's build holds it (a shared --db server): said as a wait, whose time is no work of this build's
		// (its estimate counted down to "ready any moment" and its share to 99 % while it waited).
		const {rows: [{locked}]} = await client.query<{locked: boolean}>('SELECT pg_try_advisory_xact_lock($1) AS locked', [REFRESH_LOCK]);
		if (!locked) {
			options.onProgress?.({step: 'waiting', eventsDone: 0, eventsTotal: 0});
			await client.query('SELECT pg_advisory_xact_lock($1)', [REFRESH_LOCK]);
		}
		await client.query(`SET LOCAL work_mem = '256MB'`);
		// A new zone marks every load pending (d_set_day_zone): the loads below are then all of them, rebuilt in this transaction.
		const result: RefreshResult = {};
		if (dayZone !== undefined) {
			const {rows: [before]} = await client.query<{zone: string; built: boolean}>('SELECT d_day_zone() AS zone, EXISTS (SELECT 1 FROM d_load_stats) AS built');
			await client.query('SELECT d_set_day_zone($1)', [dayZone]);
			if (before!.zone !== dayZone && before!.built) result.dayZoneChange = {from: before!.zone, to: dayZone};
		}
		// A load cut off half-way never finishes; its events are final once a later load has finished, or when
		// the caller knows that no ingest runs (cutOffLoads): an ingest resuming its files loads the rest as a new load.
		const {rows} = await client.query<{load_id: number}>(
			`SELECT load_id FROM loads WHERE NOT derived_done
				AND ($1 OR finished_at IS NOT NULL OR load_id < (SELECT max(load_id) FROM loads WHERE finished_at IS NOT NULL))`,
			[options.cutOffLoads ?? false],
		);
		const loadIds = rows.map((row) => row.load_id);
		if (loadIds.length === 0) {
			await client.query('COMMIT');
			return result;
		}
		const {rows: [{earlier}]} = await client.query<{earlier: boolean}>('SELECT EXISTS (SELECT 1 FROM loads WHERE derived_done) AS earlier');
		// About: a file resumed by a later load is counted whole under that load.
		const {rows: [{eventsTotal}]} = await client.query<{eventsTotal: number}>(
			'SELECT coalesce(sum(loaded), 0)::float8 AS "eventsTotal" FROM source_files WHERE load_id = ANY($1)',
			[loadIds],
		);
		let eventsDone = 0;
		// Between statements an abort has nothing to cancel: each step checks it as it starts.
		const report = (step: DerivedStep) => {
			signal?.throwIfAborted();
			options.onProgress?.({step, eventsDone, eventsTotal, ...(earlier ? {incremental: true as const} : {})});
		};
		report('listing');
		// Nothing derived yet (first load, or after a reset): start from empty tables.
		if (!earlier) await client.query(`TRUNCATE ${ALL_TABLES.join(', ')}`);
		const remadeIndexes = earlier ? [] : await dropIndexes(client, REMADE_INDEXES);
		// The block ranges of events.load_id's BRIN index that no summary covers yet (insert-triggered
		// autovacuum is off for events) are read whole by any scan for a load: summarized here, the scans of
		// an incremental build read the new load's ranges only (a 10k-event refresh at 10M events: 12 s →
		// 7 s). They are the new loads' pages, read just after by the scans anyway. A first build reads
		// everything, and summarizes beside its work instead (see summarizeLoadRanges).
		if (earlier) await client.query(SUMMARIZE_LOAD_RANGES);
		else summarizing = summarizeLoadRanges(pool, pids, signal);
		for (const step of FREE_PARALLELISM) await client.query(step);
		for (const step of FRESH_KEYS) await client.query(step, [loadIds]);
		for (const step of DEFAULT_PARALLELISM) await client.query(step);
		await client.query(FRESH_LEARNERS);
		await client.query(FRESH_TYPES);
		await addNewPages(client, 'SELECT page FROM fresh_type_page UNION ALL SELECT referer FROM fresh_type_page');
		await addNewAgents(client);
		// Fresh statistics for the lookups just filled, so joins against them are planned as hash joins.
		await client.query('ANALYZE d_page, d_url, d_agent, fresh_learner, fresh_type');
		// The counting pass reads the events on a second connection while this one stores what it makes.
		const counting = await ownConnection(pool);
		reader = counting;
		pids.push(await backendPid(counting));
		// On a first build the same pass walks the timelines, videos and problems: every event of every learner is new.
		report('sorting');
		const onEvents = (eventsRead: number) => {
			eventsDone = eventsRead;
			report('counting');
		};
		const counted = await timedStep(onStep, 'counts, event tables (and a first build: the walks): scanned, sorted, walked in Node, stored by COPY', () =>
			countFreshEvents(client, counting, {loadIds, firstBuild: !earlier, onEvents}),
		);
		report('adding');
		for (const definition of remadeIndexes) await client.query(definition);
		// Pages named by outline and link clicks (their target) may not have been visited yet.
		await addNewPages(client, 'SELECT page FROM fresh_target');
		for (const step of ADDITIVE_STEPS) await client.query(step);
		// The new enrollment changes' files take their places among the others (which order changes at one time), and the
		// users whose changes are new have their enrollment state made again.
		await client.query('CREATE TEMP TABLE added_enrollment (course_id text, user_key text) ON COMMIT DROP');
		await writeFilePositions(client, undefined, 'added_enrollment');
		for (const step of ENROLLMENT_STATE_STEPS('added_enrollment')) await client.query(step);
		await client.query(MERGE_LEARNER_TOTALS);
		if (earlier) for (const recount of RECOUNT_ACTIVE_DAYS) await client.query(recount);

		// since: the learner's first new event with a time (see RECOMPUTED_TIMELINE_ROWS).
		// A plain table (see PLAIN_TABLES).
		const toRefresh = await client.query(`CREATE TABLE learners_to_refresh AS
			SELECT f.learner_id, f.course_id, f.username, t.first_time AS since
			FROM fresh_learner f LEFT JOIN fresh_learner_total t ON t.course_id = f.course_id AND t.username = f.username
			WHERE f.username <> ''`);
		// Nothing new (every file already loaded) means no learner's history changed.
		if (toRefresh.rowCount) {
			if (earlier) report('recomputing');
			await recomputeLearners(client, earlier, counted, options);
			for (const step of learnerItemSteps(earlier)) await client.query(step);
			for (const step of SHARED_URL_STEPS) await client.query(step);
		}
		await client.query(`DROP TABLE ${PLAIN_TABLES(earlier)}`);
		await client.query('UPDATE loads SET derived_done = true WHERE load_id = ANY($1)', [loadIds]);
		if (!earlier) for (const step of FIRST_BUILD_STATISTICS) await client.query(step);
		report('committing');
		await client.query('COMMIT');
		return result;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		// A statement cancelled by the abort fails with its own error: the abort is the reason.
		signal?.throwIfAborted();
		throw error;
	} finally {
		// Not left running past the build (a caller may stop the server next), nor the cancel's own statement.
		await summarizing;
		await cancellation.settle();
		await reader?.end().catch(() => {});
		connection.release();
	}
}

const SUMMARIZE_LOAD_RANGES = `SELECT brin_summarize_new_values('events_load_brin')`;

/**
 * Summarizes the ranges of events.load_id's BRIN index on a connection of its own (its pid joins `pids`,
 * for a cancel), beside a first build: that build reads every range anyway, and without it the first
 * incremental build summarized them all before its scans (14 s at 10M events, a daily file's build then
 * 23 s instead of 9). The summaries are committed on their own: they describe committed events whatever
 * the build does. Never rejects: if this fails, the next incremental build summarizes instead.
 */
async function summarizeLoadRanges(pool: pg.Pool, pids: number[], signal: AbortSignal | undefined): Promise<void> {
	let summarizer: pg.Client | undefined;
	try {
		summarizer = await ownConnection(pool);
		pids.push(await backendPid(summarizer));
		// An abort before the pid was known cancelled the others only.
		if (!signal?.aborted) await summarizer.query(SUMMARIZE_LOAD_RANGES);
	} catch {
		// Cancelled with the build, or failed: nothing is lost but time.
	} finally {
		await summarizer?.end().catch(() => {});
	}
}

/** Runs a step done partly in Node (its COPY streams are not timed by timedClient). */
async function timedStep<T>(onStep: StepTimer | undefined, step: string, body: () => Promise<T>): Promise<T> {
	const started = performance.now();
	const result = await body();
	onStep?.(step, performance.now() - started);
	return result;
}

function timedClient(client: pg.PoolClient, onStep: StepTimer): pg.PoolClient {
	const query = client.query.bind(client) as (text: unknown, values?: unknown[]) => Promise<pg.QueryResult>;
	const timedQuery = async (text: string, values?: unknown[]) => {
		const started = performance.now();
		const result = await query(text, values);
		onStep(text.replace(/\s+/g, ' ').trim().slice(0, 70), performance.now() - started);
		return result;
	};
	return Object.assign(Object.create(client) as pg.PoolClient, {
		// COPY streams are passed through untimed (their caller times them).
		query: (text: unknown, values?: unknown[]) => (typeof text === 'string' ? timedQuery(text, values) : query(text, values)),
	});
}
