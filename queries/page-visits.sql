-- id: page-visits
-- title: Page visits (total)
-- group: Pages
-- description: Visits per page: a visit is a learner's arrival on a page — an event whose page differs
--   from the page of the learner's previous event with a page, or that comes more than 30 minutes after it or after a
--   page_close (logged with a page or without). So video pings and problem checks on an open page are not extra visits (the original
--   counted every event). Pages are normalised: a page is its path (an http(s) URL's scheme and host dropped, so
--   one page logged under two host names, http and https, or as a relative URL is one page), query and fragment stripped, %xx decoded (a run of them that is not
--   UTF-8 as a whole, as %D0%B8%FF, is kept as written), no trailing
--   slash. Only URLs are pages (starting with http://, https:// or /): the server's x_module of problem
--   checks and dashboard are not, so a problem check does not split a visit. name = the page's section
--   name, when known (see page-names).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- sort: visits desc
-- chart: bar x=url y=visits
WITH pooled_learners AS (
	-- All courses together, a learner of several courses is one visitor of a page, whichever courses they saw it
	-- in (none when one course is read).
	SELECT username FROM d_learners_of_several_courses() WHERE :course IS NULL
), per_learner AS (
	-- What must be summed per learner first: the pooled learners' sums (d_learner_page) without a date range;
	-- with one, the visits themselves.
	SELECT url_id, username, sum(visits) AS visits
	FROM d_learner_page
	WHERE :from IS NULL AND :to IS NULL
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND username IN (SELECT username FROM pooled_learners)
	GROUP BY url_id, username
	UNION ALL
	SELECT url_id, username, count(*) AS visits
	FROM d_page_visit
	WHERE NOT (:from IS NULL AND :to IS NULL)
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:from IS NULL OR time >= d_midnight(:from::date, :tz))
		AND (:to IS NULL OR time < d_midnight(:to::date + 1, :tz))
	GROUP BY url_id, username
), per_page AS (
	SELECT url_id, sum(visits) AS visits, count(*) AS visitors FROM per_learner GROUP BY url_id
	UNION ALL
	-- d_learner_page has one row per learner, course and page: every other learner is counted straight per page
	-- (grouping all of them by learner first took most of a second at 10M events).
	SELECT url_id, sum(visits), count(*)
	FROM d_learner_page
	WHERE :from IS NULL AND :to IS NULL
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND username NOT IN (SELECT username FROM pooled_learners)
	GROUP BY url_id
)
SELECT u.url, u.name, sum(p.visits) AS visits, sum(p.visitors) AS visitors
FROM per_page p JOIN d_url_name u ON u.url_id = p.url_id
GROUP BY u.url, u.name
ORDER BY visits DESC, u.url
