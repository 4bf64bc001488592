-- id: activity-heatmap
-- title: Activity heatmap (weekday × hour)
-- group: Activity
-- description: Events per ISO day of the week (rows, 1 = Monday) and hour of the day (columns h00–h23)
--   in the time zone, every event of the course (anonymous ones too) over the date range, summed, not
--   averaged per week: when the course is used.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days and hours (OpenEdu courses: Europe/Moscow)
-- chart: heatmap x=day_name y=h00..h23
-- sort: weekday asc
-- key: day_name
WITH cells AS (
	SELECT extract(isodow FROM hour AT TIME ZONE :tz)::int AS weekday, extract(hour FROM hour AT TIME ZONE :tz)::int AS h, sum(events) AS events
	FROM d_course_hour
	WHERE (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:from IS NULL OR hour >= d_midnight(:from::date, :tz))
		AND (:to IS NULL OR hour < d_midnight(:to::date + 1, :tz))
	GROUP BY 1, 2
)
SELECT d.weekday, (ARRAY['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])[d.weekday] AS day_name,
	coalesce(sum(events) FILTER (WHERE h = 0), 0) AS h00, coalesce(sum(events) FILTER (WHERE h = 1), 0) AS h01,
	coalesce(sum(events) FILTER (WHERE h = 2), 0) AS h02, coalesce(sum(events) FILTER (WHERE h = 3), 0) AS h03,
	coalesce(sum(events) FILTER (WHERE h = 4), 0) AS h04, coalesce(sum(events) FILTER (WHERE h = 5), 0) AS h05,
	coalesce(sum(events) FILTER (WHERE h = 6), 0) AS h06, coalesce(sum(events) FILTER (WHERE h = 7), 0) AS h07,
	coalesce(sum(events) FILTER (WHERE h = 8), 0) AS h08, coalesce(sum(events) FILTER (WHERE h = 9), 0) AS h09,
	coalesce(sum(events) FILTER (WHERE h = 10), 0) AS h10, coalesce(sum(events) FILTER (WHERE h = 11), 0) AS h11,
	coalesce(sum(events) FILTER (WHERE h = 12), 0) AS h12, coalesce(sum(events) FILTER (WHERE h = 13), 0) AS h13,
	coalesce(sum(events) FILTER (WHERE h = 14), 0) AS h14, coalesce(sum(events) FILTER (WHERE h = 15), 0) AS h15,
	coalesce(sum(events) FILTER (WHERE h = 16), 0) AS h16, coalesce(sum(events) FILTER (WHERE h = 17), 0) AS h17,
	coalesce(sum(events) FILTER (WHERE h = 18), 0) AS h18, coalesce(sum(events) FILTER (WHERE h = 19), 0) AS h19,
	coalesce(sum(events) FILTER (WHERE h = 20), 0) AS h20, coalesce(sum(events) FILTER (WHERE h = 21), 0) AS h21,
	coalesce(sum(events) FILTER (WHERE h = 22), 0) AS h22, coalesce(sum(events) FILTER (WHERE h = 23), 0) AS h23,
	coalesce(sum(events), 0) AS total
FROM generate_series(1, 7) AS d(weekday) LEFT JOIN cells c ON c.weekday = d.weekday
GROUP BY d.weekday
ORDER BY d.weekday
