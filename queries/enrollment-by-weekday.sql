-- id: enrollment-by-weekday
-- title: When learners enroll: day of week
-- group: Enrollment
-- description: A histogram of enrollment activations by ISO day of the week (1 = Monday … 7 = Sunday)
--   in the time zone, all seven days listed. Only activations that enrolled the learner count, as in
--   enrollment-over-time: a repeated activation of a learner already enrolled is ignored.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days (OpenEdu courses: Europe/Moscow)
-- sort: weekday asc
-- chart: bar x=day_name y=activations
WITH activations AS (
	-- Activations that enrolled the learner (not a repeat while enrolled), in local time.
	SELECT time AT TIME ZONE :tz AS local
	FROM d_enrollment_change
	WHERE changed AND activated AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
)
SELECT d.weekday, (ARRAY['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])[d.weekday] AS day_name,
	count(a.local) AS activations
FROM generate_series(1, 7) AS d(weekday)
LEFT JOIN activations a ON extract(isodow FROM a.local) = d.weekday
	AND (:from IS NULL OR a.local::date >= :from)
	AND (:to IS NULL OR a.local::date <= :to)
GROUP BY d.weekday
ORDER BY d.weekday
