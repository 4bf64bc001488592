-- id: page-visits-by-day
-- title: Page visits per day
-- group: Pages
-- description: Visits per calendar day (in the time zone) and page; a visit is a learner's arrival on a
--   normalised page (see page-visits for the definition), not every event on it.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- sort: day asc
SELECT (v.time AT TIME ZONE :tz)::date AS day, v.url, n.name, count(*) AS visits, count(DISTINCT v.username) AS visitors
FROM d_page_visit v LEFT JOIN d_page_name n ON n.url = v.url
WHERE (v.course_id = :course OR (:course IS NULL AND v.course_id <> ''))
	AND (:from IS NULL OR (v.time AT TIME ZONE :tz)::date >= :from)
	AND (:to IS NULL OR (v.time AT TIME ZONE :tz)::date <= :to)
GROUP BY 1, v.url, n.name
ORDER BY day, visits DESC, v.url
