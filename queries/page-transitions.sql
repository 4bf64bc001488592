-- id: page-transitions
-- title: Top page-to-page transitions
-- group: Pages
-- description: How learners move: pairs of a learner's consecutive page visits in a course (see page-visits), the
--   second at most 30 minutes after the learner's last event on the first, with the number of transitions and of distinct learners making them. A page_close between
--   them counts as the move (the browser logs one on leaving a page for the next, which ends the session; kept within
--   sessions, real logs had none); coming back to the same page is no move. Ranked by transitions,
--   then by the from and to URLs: pairs tied at the top cut are taken in that order.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- param: top | integer(1..100000) | 100 | Number of transitions to list
-- sort: transitions desc
-- key: from_url, to_url
WITH summed AS MATERIALIZED (
	-- Without a date range the per-learner sums answer: a learner has one row per pair and course.
	SELECT previous_url_id, url_id, sum(transitions) AS transitions, sum(learners) AS learners, count(*) > 1 AS in_several_courses
	FROM (
		SELECT course_id, previous_url_id, url_id, sum(transitions) AS transitions, count(*) AS learners
		FROM d_learner_transition
		WHERE :from IS NULL AND :to IS NULL
			AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		GROUP BY course_id, previous_url_id, url_id
	) per_course
	GROUP BY previous_url_id, url_id
), repeated AS (
	-- All courses together: a learner who made the same transition in several courses counts once. Only
	-- pairs seen in several courses can repeat (pages are mostly a course's own, so there are few).
	SELECT previous_url_id, url_id, sum(courses - 1)::bigint AS repeats
	FROM (
		SELECT d.previous_url_id, d.url_id, d.username, count(*) AS courses
		FROM d_learner_transition d
		-- A semi-join the planner hashes (joined, it once sorted all 1.1M rows at 10M events to merge them), read
		-- only when some pair is in several courses (a one-time test).
		WHERE (d.previous_url_id, d.url_id) IN (SELECT previous_url_id, url_id FROM summed WHERE in_several_courses)
			AND EXISTS (SELECT FROM summed WHERE in_several_courses) AND :course IS NULL AND d.course_id <> ''
		GROUP BY d.previous_url_id, d.url_id, d.username HAVING count(*) > 1
	) m
	GROUP BY previous_url_id, url_id
), pairs AS (
	SELECT s.previous_url_id, s.url_id, s.transitions, s.learners - coalesce(r.repeats, 0) AS learners
	FROM summed s LEFT JOIN repeated r USING (previous_url_id, url_id)
	UNION ALL
	-- With a date range, the visits themselves.
	SELECT previous_url_id, url_id, count(*), count(DISTINCT username)
	FROM d_page_visit
	WHERE previous_url_id IS NOT NULL AND NOT (:from IS NULL AND :to IS NULL)
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:from IS NULL OR time >= d_midnight(:from::date, :tz))
		AND (:to IS NULL OR time < d_midnight(:to::date + 1, :tz))
	GROUP BY previous_url_id, url_id
)
SELECT f.url AS from_url, t.url AS to_url, p.transitions, p.learners
FROM pairs p JOIN d_url f ON f.url_id = p.previous_url_id JOIN d_url t ON t.url_id = p.url_id
ORDER BY p.transitions DESC, from_url, to_url
LIMIT :top
