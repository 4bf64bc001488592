-- id: page-visits-by-day
-- title: Page visits per day
-- group: Pages
-- description: Visits per calendar day (in the time zone) and page; a visit is a learner's arrival on a
--   normalised page (see page-visits for the definition), not every event on it; with the section name
--   when known (see page-names).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- chart: line x=day y=visits sum
-- sort: day asc
WITH per_page AS (
	-- Days of the day zone and of UTC (see README) were counted when the tables were built (d_page_day); any
	-- other zone's are counted from the visits per learner, URL and UTC hour (d_learner_page_hour).
	SELECT day, url_id, visits, visitors
	FROM d_page_visitors(:tz, :course)
	WHERE (:from IS NULL OR day >= :from) AND (:to IS NULL OR day <= :to)
)
SELECT p.day, u.url, u.name, p.visits, p.visitors
FROM per_page p JOIN d_url_name u ON u.url_id = p.url_id
ORDER BY p.day, p.visits DESC, u.url
