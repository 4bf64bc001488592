-- id: learner-summary
-- title: Learner summary (one row per learner and course)
-- group: Learners
-- description: One row per learner (a username, as in learners and finished) and course: every name with an event
--   in the course, an enrollment in it or a finish of it, with what the other tasks say of them, each by its own
--   definition (edx2bigquery's person_course row). enrolled = currently enrolled (the latest enrollment change of one of
--   the name's user ids is an activation, as at-risk takes it; empty when the loaded logs have no enrollment change of
--   theirs), enrolled_at = their first activation, mode = the mode the latest enrollment or mode change logged (an upgrade to verified too, as enrollment-by-mode; of the user id
--   changed last; audit, honor, verified …: the logs keep no other). first_activity and last_activity = their first and
--   last learning activity (any event but enrollment changes). active_days and days_inactive as at-risk counts them:
--   days in the time zone with learning activity (edx2bigquery's ndays_act counts days with any event), and days from
--   the later of the last activity and the latest enrollment change to the course's last day with events. events = all
--   their events in the course (as learners); minutes = time on task (time-on-course, 30-minute cutoff); sessions (as
--   sessions: longer than 5 s); videos_played, videos_completed (watching reached 95 % of the longest duration the
--   course's players reported for it) and video_minutes (positions watched), as video-engagement; problems_attempted
--   (a graded check), problems_solved (right at some check) and problems_first_try (the first check right), as
--   problems; forum_posts (as forum-contributors); pages = distinct pages visited (as page-visits counts visitors;
--   person_course's chapters opened come from the LMS database, which logs do not have); finished_at = the first
--   passing grade or certificate (finished's default; empty: not finished); grade_percent and passing = their latest
--   course grade as grade-distribution takes it (whole percents; passing: the grade carries a letter; of a name's user
--   ids, the latest grade of any), empty when none was logged. All courses together, each course is still its own row,
--   with that course's figures.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: user | user | | Learner username (empty: all learners)
-- param: tz | timezone | UTC | Time zone for the times and days
-- sort: events desc
-- key: username, course_id
WITH reference AS (
	-- As at-risk: each course's last day with events, the "now" of a historical log.
	SELECT course_id, (max(hour) AT TIME ZONE :tz)::date AS day
	FROM d_course_hour WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
	GROUP BY course_id
), enrollment AS (
	-- Per name, however many user ids enrolled under it (as started-not-finished); the mode is that of the one
	-- changed last.
	SELECT course_id, username, max(user_id) AS user_id, bool_or(is_enrolled) AS enrolled, min(first_enrolled) AS first_enrolled,
		max(last_change) AS last_change, (array_agg(mode ORDER BY last_change DESC, user_id DESC))[1] AS mode
	FROM d_enrollment_state
	WHERE username IS NOT NULL AND (course_id = :course OR (:course IS NULL AND course_id <> '')) AND (:user IS NULL OR username = :user)
	GROUP BY course_id, username
), learner AS (
	-- Every name with an event in the course, an enrollment or a finish of it (finished lists the last too).
	SELECT coalesce(l.course_id, e.course_id, f.course_id) AS course_id, coalesce(l.username, e.username, f.username) AS username,
		coalesce(l.user_id, e.user_id) AS user_id, e.enrolled, e.first_enrolled, e.mode, e.last_change,
		l.first_activity, l.last_activity, l.active_days, l.events, l.forum_posts, least(l.first_passed, f.first_passed) AS finished_at
	FROM (
		SELECT * FROM d_learner
		WHERE (course_id = :course OR (:course IS NULL AND course_id <> '')) AND (:user IS NULL OR username = :user)
	) l
	FULL JOIN enrollment e ON e.course_id = l.course_id AND e.username = l.username
	FULL JOIN (
		SELECT * FROM d_named_finish
		WHERE (course_id = :course OR (:course IS NULL AND course_id <> '')) AND (:user IS NULL OR username = :user)
	) f ON f.course_id = coalesce(l.course_id, e.course_id) AND f.username = coalesce(l.username, e.username)
), active_days AS (
	-- Outside the day zone, from the UTC day tables or the hourly ones (as at-risk).
	SELECT course_id, username, days FROM d_learner_active_days(:tz, :course, NULL) WHERE :tz <> d_day_zone()
)
SELECT l.username, l.course_id, l.user_id, l.enrolled, l.first_enrolled AS enrolled_at, l.mode,
	l.first_activity, l.last_activity,
	coalesce(CASE WHEN :tz = d_day_zone() THEN l.active_days ELSE a.days END, 0) AS active_days,
	r.day - (greatest(l.last_activity, l.last_change) AT TIME ZONE :tz)::date AS days_inactive,
	coalesce(l.events, 0) AS events,
	d_minutes(coalesce(t.seconds_30, 0)) AS minutes,
	coalesce(s.sessions, 0) AS sessions,
	coalesce(i.videos_played, 0) AS videos_played, coalesce(i.videos_completed, 0) AS videos_completed,
	d_minutes(coalesce(i.video_seconds, 0)) AS video_minutes,
	coalesce(i.problems_attempted, 0) AS problems_attempted, coalesce(i.problems_solved, 0) AS problems_solved,
	coalesce(i.problems_first_try, 0) AS problems_first_try,
	coalesce(l.forum_posts, 0) AS forum_posts,
	coalesce(i.pages, 0) AS pages,
	l.finished_at, g.grade_percent, g.passing
FROM learner l
LEFT JOIN reference r ON r.course_id = l.course_id
LEFT JOIN active_days a ON a.course_id = l.course_id AND a.username = l.username
-- Time on task summed over all days is the same in every zone: the day zone's totals answer any.
LEFT JOIN d_learner_time_total t ON t.course_id = l.course_id AND t.username = l.username
LEFT JOIN d_learner_session s ON s.course_id = l.course_id AND s.username = l.username
-- Videos, problems and pages counted when the tables were built (d_learner_items; completions recounted when a
-- load raises a video's duration).
LEFT JOIN d_learner_items i ON i.course_id = l.course_id AND i.username = l.username
-- Each name's latest course grade, kept by the build.
LEFT JOIN d_named_grade g ON g.course_id = l.course_id AND g.username = l.username
ORDER BY events DESC, l.username, l.course_id
