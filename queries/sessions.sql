-- id: sessions
-- title: Sessions per learner
-- group: Engagement
-- description: Sessions as in the DelftX database: a learner's session runs while consecutive events are
--   at most 30 minutes apart; a longer gap or a page_close event ends it. Sessions no longer than
--   min_seconds (default 5 s, DelftX's rule: a lone event is not a session) are dropped. Per learner:
--   sessions, total and median length in minutes, the longest session. The date range applies to the day
--   the session starts, in the time zone.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: user | user | | Learner username (empty: all learners)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- param: min_seconds | integer(0..3600) | 5 | Sessions this long or shorter are not counted
-- sort: sessions desc
WITH pooled_learners AS (
	-- All courses together, a learner of several courses has their sessions pooled: a median cannot be combined
	-- (none when one course is read).
	SELECT username FROM d_learners_of_several_courses() WHERE :course IS NULL
), summed AS (
	-- The default answer (min_seconds = d_session_summary_min_seconds(), 5; any day) was computed per learner when the
	-- tables were built.
	SELECT username, sessions, seconds, median_seconds, longest_seconds
	FROM d_learner_session
	WHERE :min_seconds = d_session_summary_min_seconds() AND :from IS NULL AND :to IS NULL
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:user IS NULL OR username = :user)
		AND username NOT IN (SELECT username FROM pooled_learners)
	UNION ALL
	SELECT username, count(*), sum(seconds), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds), max(seconds)
	FROM (
		-- date_part gives double precision: a third faster than extract's numeric here, same rounded answers.
		SELECT username, date_part('epoch', end_time - start_time) AS seconds
		FROM d_session
		WHERE (course_id = :course OR (:course IS NULL AND course_id <> ''))
			AND (:user IS NULL OR username = :user)
			AND (:from IS NULL OR start_time >= d_midnight(:from::date, :tz))
			AND (:to IS NULL OR start_time < d_midnight(:to::date + 1, :tz))
			-- What the summed rows above do not answer (":course IS NOT NULL OR" lets the planner drop this scan
			-- when a course is given, before it looks at pooled_learners).
			AND NOT (:min_seconds = d_session_summary_min_seconds() AND :from IS NULL AND :to IS NULL AND (:course IS NOT NULL OR username NOT IN (SELECT username FROM pooled_learners)))
	) s
	WHERE seconds > :min_seconds
	GROUP BY username
)
SELECT username, sessions, d_minutes(seconds) AS total_minutes, d_minutes(median_seconds) AS median_minutes,
	d_minutes(longest_seconds) AS longest_minutes
FROM summed
ORDER BY sessions DESC, username
