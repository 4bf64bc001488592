-- id: enrollment-by-hour
-- title: When learners enroll: hour of day
-- group: Enrollment
-- description: A histogram of enrollment activations by hour of the day (0–23) in the time zone, all 24
--   hours listed. Replaces the original's average clock time, which is meaningless across midnight
--   (23:50 and 00:10 average to 12:00).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for hours (OpenEdu courses: Europe/Moscow)
-- sort: hour asc
-- chart: bar x=hour y=activations
SELECT h.hour, count(e.time) AS activations
FROM generate_series(0, 23) AS h(hour)
LEFT JOIN d_enrollment e ON e.activated
	AND extract(hour FROM e.time AT TIME ZONE :tz) = h.hour
	AND (e.course_id = :course OR (:course IS NULL AND e.course_id <> ''))
	AND (:from IS NULL OR (e.time AT TIME ZONE :tz)::date >= :from)
	AND (:to IS NULL OR (e.time AT TIME ZONE :tz)::date <= :to)
GROUP BY h.hour
ORDER BY h.hour
