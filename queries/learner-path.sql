-- id: learner-path
-- title: A learner's path over pages
-- group: Pages
-- description: The pages one learner visited, in order, with consecutive events on the same page
--   collapsed into one visit and numbered sessions (a new session after more than 30 minutes without a
--   page event or after a page_close, logged with a page or without; short ones too, which sessions drops,
--   and counted over page events only, so the numbers can differ from that task's), with the section name when known (see page-names). Times are
--   in the time zone (in JSON with its offset). Steps and sessions keep their numbers from the learner's whole
--   history when a date range is given. With all courses together, each course's visits and sessions are
--   those of that course alone (a page of another course in between neither ends a visit nor continues a
--   session), and session counts the sessions begun so far in any of them.
-- param: user | user | required | Learner username
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for times
-- sort: step asc
SELECT step, session, time, url, name
FROM (
	-- Steps and sessions are numbered over the learner's whole history, then the range is cut out of it: a range that
	-- starts inside a session shows that session's number (it was numbered 0), and every range the same numbers.
	-- Visits at the same time in the walk's order (a page_close's page last, then URLs in byte order, whatever the
	-- database's collation): the first of them starts the session. By URL alone, a page closed in the second another
	-- page was opened came first, back in the session before.
	SELECT row_number() OVER (ORDER BY v.time, v.closes, u.url COLLATE "C") AS step,
		sum(v.session_start::int) OVER (ORDER BY v.time, v.closes, u.url COLLATE "C") AS session,
		v.time, u.url, u.name
	FROM d_page_visit v JOIN d_url_name u ON u.url_id = v.url_id
	WHERE v.username = :user
		AND (v.course_id = :course OR (:course IS NULL AND v.course_id <> ''))
) visit
WHERE (:from IS NULL OR time >= d_midnight(:from::date, :tz))
	AND (:to IS NULL OR time < d_midnight(:to::date + 1, :tz))
ORDER BY step
