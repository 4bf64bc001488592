-- id: enrollment-by-weekday
-- title: When learners enroll: day of week
-- group: Enrollment
-- description: A histogram of enrollment activations by ISO day of the week (1 = Monday … 7 = Sunday)
--   in the time zone, all seven days listed.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days (OpenEdu courses: Europe/Moscow)
-- sort: weekday asc
-- chart: bar x=day_name y=activations
SELECT d.weekday, (ARRAY['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])[d.weekday] AS day_name,
	count(e.time) AS activations
FROM generate_series(1, 7) AS d(weekday)
LEFT JOIN d_enrollment e ON e.activated
	AND extract(isodow FROM e.time AT TIME ZONE :tz) = d.weekday
	AND (e.course_id = :course OR (:course IS NULL AND e.course_id <> ''))
	AND (:from IS NULL OR (e.time AT TIME ZONE :tz)::date >= :from)
	AND (:to IS NULL OR (e.time AT TIME ZONE :tz)::date <= :to)
GROUP BY d.weekday
ORDER BY d.weekday
