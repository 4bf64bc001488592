-- id: time-on-course
-- title: Time on course per learner
-- group: Engagement
-- description: Time-on-task per learner (edx2bigquery's method): the sum of the gaps between the
--   learner's consecutive events in the course that are shorter than the idle cutoff; a longer gap (the
--   learner left) adds nothing, a lone event adds nothing. Unlike the original (first-to-last event per
--   session cookie) a tab left open for hours does not count. A gap belongs to the day of the event that
--   ends it. Every learner of the course is listed, with 0 when no gap counted (as for a learner whose
--   events have no readable time); days = days (in the time zone) on which time was counted (minutes are rounded to a
--   tenth: under 3 seconds over 1 day shows 0 minutes, 1 day). Unlike
--   edx2bigquery, the server's implicit /xblock/ handler events count as events: they come with the
--   learner's own clicks, so they seldom change a gap. A page_close ends no gap (edx2bigquery has none
--   either), where it ends a session: sessions' total minutes can be less (that, and their short sessions),
--   or more: a gap of exactly 30 minutes continues a session but is not shorter than the 30-minute cutoff.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: user | user | | Learner username (empty: all learners)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- param: idle | integer(1..240) | 30 | Idle cutoff in minutes (edx2bigquery uses 30 and 5)
-- sort: minutes desc
-- chart: bar x=username y=minutes
WITH pooled_learners AS (
	-- All courses together, a learner of several courses has their days pooled (a day in two courses counts
	-- once): their per-course totals cannot be added up (none when one course is read).
	SELECT username FROM d_learners_of_several_courses() WHERE :course IS NULL
), per_day AS (
	SELECT username, day, sum(seconds) AS seconds
	FROM d_time_on_task(:tz, :idle)
	WHERE (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:user IS NULL OR username = :user)
		AND (:from IS NULL OR day >= :from)
		AND (:to IS NULL OR day <= :to)
		-- What the totals below do not answer (":course IS NOT NULL OR" lets the planner drop this scan when a
		-- course is given, before it looks at pooled_learners).
		AND NOT (d_day_source(:tz) <> 'hours' AND :idle IN (5, 30) AND :from IS NULL AND :to IS NULL
			AND (:course IS NOT NULL OR username NOT IN (SELECT username FROM pooled_learners)))
	GROUP BY 1, 2
), counted AS (
	SELECT username, sum(seconds) AS seconds, count(*) FILTER (WHERE seconds > 0) AS days FROM per_day GROUP BY username
	UNION ALL
	-- The default answer (days of the day zone or UTC, the usual cutoffs, any day) was summed per learner when the tables were built.
	SELECT username, CASE WHEN :idle = 5 THEN seconds_5 ELSE seconds_30 END, CASE WHEN :idle = 5 THEN days_5 ELSE days_30 END
	FROM d_learner_time_totals(:tz)
	WHERE :idle IN (5, 30) AND :from IS NULL AND :to IS NULL
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:user IS NULL OR username = :user)
		AND username NOT IN (SELECT username FROM pooled_learners)
), learners AS (
	SELECT DISTINCT username FROM d_learner
	WHERE (course_id = :course OR (:course IS NULL AND course_id <> '')) AND (:user IS NULL OR username = :user)
)
SELECT l.username, d_minutes(coalesce(c.seconds, 0)) AS minutes, coalesce(c.days, 0) AS days
FROM learners l LEFT JOIN counted c ON c.username = l.username
ORDER BY minutes DESC, l.username
