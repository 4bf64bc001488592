-- id: page-visits
-- title: Page visits (total)
-- group: Pages
-- description: Visits per page: a visit is a learner's arrival on a page — an event whose page differs
--   from the page of the learner's previous event, or that comes more than 30 minutes after it or after a
--   page_close. So video pings and problem checks on an open page are not extra visits (the original
--   counted every event). Pages are normalised: query and fragment stripped, %xx decoded, no trailing
--   slash. name = the section name seen in outline clicks (see page-names), when known.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- sort: visits desc
-- chart: bar x=url y=visits
SELECT v.url, n.name, count(*) AS visits, count(DISTINCT v.username) AS visitors
FROM d_page_visit v LEFT JOIN d_page_name n ON n.url = v.url
WHERE (v.course_id = :course OR (:course IS NULL AND v.course_id <> ''))
	AND (:from IS NULL OR (v.time AT TIME ZONE :tz)::date >= :from)
	AND (:to IS NULL OR (v.time AT TIME ZONE :tz)::date <= :to)
GROUP BY v.url, n.name
ORDER BY visits DESC, v.url
