-- id: enrollment-by-hour
-- title: When learners enroll: hour of day
-- group: Enrollment
-- description: A histogram of enrollment activations by hour of the day (0–23) in the time zone, all 24
--   hours listed. Only activations that enrolled the learner count, as in enrollment-over-time: a repeated
--   activation of a learner already enrolled is ignored (edX Insights' state machine). Replaces the
--   original's average clock time, which is meaningless across midnight (23:50 and 00:10 average to 12:00).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for hours (OpenEdu courses: Europe/Moscow)
-- sort: hour asc
-- chart: bar x=hour y=activations
WITH activations AS (
	-- Activations that enrolled the learner (not a repeat while enrolled), in local time.
	SELECT time AT TIME ZONE :tz AS local
	FROM d_enrollment_change
	WHERE changed AND activated AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
)
SELECT h.hour, count(a.local) AS activations
FROM generate_series(0, 23) AS h(hour)
LEFT JOIN activations a ON extract(hour FROM a.local) = h.hour
	AND (:from IS NULL OR a.local::date >= :from)
	AND (:to IS NULL OR a.local::date <= :to)
GROUP BY h.hour
ORDER BY h.hour
