-- id: course-comparison
-- title: Course comparison
-- group: Overview
-- description: The course summary side by side, one row per course in the database (same definitions
--   as course-summary): events, learners, first and last day and active days in the time zone, enrollments
--   ever and now, learners with learning activity, video viewers, problem attempters (a graded check, solved or not), forum posters. A course
--   whose events all lack a readable time has no days (first and last day empty, 0 active days).
-- param: tz | timezone | UTC | Time zone for days (e.g. Europe/Moscow)
-- sort: events desc
-- chart: bar x=course_id y=learners
WITH hours AS (
	SELECT course_id, min(hour) AS first_hour, max(hour) AS last_hour,
		count(DISTINCT (hour AT TIME ZONE :tz)::date) AS active_days
	FROM d_course_hour WHERE course_id <> '' GROUP BY course_id
), totals AS (
	-- Every event, with a time or not (as course-summary counts them).
	SELECT course_id, sum(events) AS events FROM d_type_total WHERE course_id <> '' GROUP BY course_id
), learners AS (
	SELECT course_id, count(*) AS learners,
		count(*) FILTER (WHERE first_activity IS NOT NULL) AS active_learners,
		count(*) FILTER (WHERE video_plays > 0) AS video_viewers,
		count(*) FILTER (WHERE problem_checks > 0) AS problem_attempters,
		count(*) FILTER (WHERE forum_posts > 0) AS forum_posters
	FROM d_learner WHERE course_id <> '' GROUP BY course_id
), enrollment AS (
	SELECT course_id, count(*) FILTER (WHERE activations > 0) AS enrolled_ever, count(*) FILTER (WHERE is_enrolled) AS enrolled_now
	FROM d_enrollment_state GROUP BY course_id
)
SELECT t.course_id, t.events, coalesce(l.learners, 0) AS learners,
	(h.first_hour AT TIME ZONE :tz)::date AS first_day, (h.last_hour AT TIME ZONE :tz)::date AS last_day, coalesce(h.active_days, 0) AS active_days,
	coalesce(e.enrolled_ever, 0) AS enrolled_ever, coalesce(e.enrolled_now, 0) AS enrolled_now,
	coalesce(l.active_learners, 0) AS active_learners, coalesce(l.video_viewers, 0) AS video_viewers,
	coalesce(l.problem_attempters, 0) AS problem_attempters, coalesce(l.forum_posters, 0) AS forum_posters
-- Every course with events: one whose events all lack a time has no hours (no days, as course-summary says).
FROM totals t
LEFT JOIN hours h ON h.course_id = t.course_id
LEFT JOIN learners l ON l.course_id = t.course_id
LEFT JOIN enrollment e ON e.course_id = t.course_id
ORDER BY t.events DESC, t.course_id
