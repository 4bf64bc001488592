-- id: course-summary
-- title: Course summary
-- group: Overview
-- description: One row of headline figures for the course (or all courses together). events = every
--   logged event with the course id (learner or not; with a time or not: data-health counts those without); learners = distinct usernames with an event;
--   first/last day and active days (days with any event of the course, anonymous ones and enrollments too)
--   are calendar days in the chosen time zone; enrolled_ever = user-course
--   pairs with at least one enrollment activation, enrolled_now = those whose latest enrollment change is
--   an activation (of changes at the same time, the last in the log's order: the file whose name comes first, then
--   line by line), unenrolled = the difference; active learners = learners with learning activity (any
--   event other than enrollment changes); video viewers played a video, problem attempters submitted a graded
--   problem check, forum posters created a thread, response or comment.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: tz | timezone | UTC | Time zone for days (e.g. Europe/Moscow)
WITH hours AS (
	SELECT min(hour) AS first_hour, max(hour) AS last_hour,
		count(DISTINCT (hour AT TIME ZONE :tz)::date) AS active_days
	FROM d_course_hour
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
), learners AS (
	SELECT count(DISTINCT username) AS learners,
		count(DISTINCT username) FILTER (WHERE first_activity IS NOT NULL) AS active_learners,
		count(DISTINCT username) FILTER (WHERE video_plays > 0) AS video_viewers,
		count(DISTINCT username) FILTER (WHERE problem_checks > 0) AS problem_attempters,
		count(DISTINCT username) FILTER (WHERE forum_posts > 0) AS forum_posters
	FROM d_learner
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
), enrollment AS (
	SELECT count(*) FILTER (WHERE activations > 0) AS enrolled_ever, count(*) FILTER (WHERE is_enrolled) AS enrolled_now
	FROM d_enrollment_state
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
)
SELECT (SELECT coalesce(sum(events), 0) FROM d_type_total WHERE course_id = :course OR (:course IS NULL AND course_id <> '')) AS events, l.learners,
	(h.first_hour AT TIME ZONE :tz)::date AS first_day, (h.last_hour AT TIME ZONE :tz)::date AS last_day, h.active_days,
	e.enrolled_ever, e.enrolled_now, e.enrolled_ever - e.enrolled_now AS unenrolled,
	l.active_learners, l.video_viewers, l.problem_attempters, l.forum_posters
FROM hours h, learners l, enrollment e
