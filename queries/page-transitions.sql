-- id: page-transitions
-- title: Top page-to-page transitions
-- group: Pages
-- description: How learners move: pairs of consecutive page visits within one session (see
--   learner-path), with the number of transitions and of distinct learners making them.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- param: top | integer(1..100000) | 100 | Number of transitions to list
-- sort: transitions desc
WITH pairs AS (
	-- Without a date range the sums per course (d_course_transition; course_id NULL: all courses together) answer.
	SELECT previous_url_id, url_id, transitions, learners
	FROM d_course_transition
	WHERE :from IS NULL AND :to IS NULL AND (course_id = :course OR (:course IS NULL AND course_id IS NULL))
	UNION ALL
	-- With a date range, the visits themselves.
	SELECT previous_url_id, url_id, count(*), count(DISTINCT username)
	FROM d_page_visit
	WHERE previous_url_id IS NOT NULL AND NOT (:from IS NULL AND :to IS NULL)
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:from IS NULL OR (time AT TIME ZONE :tz)::date >= :from)
		AND (:to IS NULL OR (time AT TIME ZONE :tz)::date <= :to)
	GROUP BY previous_url_id, url_id
)
SELECT f.url AS from_url, t.url AS to_url, p.transitions, p.learners
FROM pairs p JOIN d_url f ON f.url_id = p.previous_url_id JOIN d_url t ON t.url_id = p.url_id
ORDER BY p.transitions DESC, from_url, to_url
LIMIT :top
