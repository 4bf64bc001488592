-- id: problem-answers
-- title: Problem answer distribution (first vs last attempt)
-- group: Problems
-- description: For each problem part, each submitted answer with the number of learners who gave it on
--   their first attempt and on their last (most recent) attempt, as in edX Insights' answer distribution.
--   A multiple-choice answer with several options is listed as its options joined by ", ".
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: problem | text | | Problem id (empty: all problems)
-- sort: problem_id asc
WITH attempts AS (
	SELECT l.problem_id, e.answers, e.is_first
	FROM d_learner_problem l
	CROSS JOIN LATERAL (VALUES (l.first_answers, true), (l.last_answers, false)) AS e(answers, is_first)
	WHERE l.first_answers IS NOT NULL
		AND (l.course_id = :course OR (:course IS NULL AND l.course_id <> ''))
		AND (:problem IS NULL OR l.problem_id = :problem)
), answers AS (
	SELECT r.problem_id, a.key AS part,
		CASE jsonb_typeof(a.value) WHEN 'array' THEN (SELECT string_agg(x, ', ' ORDER BY x) FROM jsonb_array_elements_text(a.value) x)
			ELSE a.value #>> '{}' END AS answer,
		r.is_first
	FROM attempts r CROSS JOIN LATERAL jsonb_each(r.answers) a
)
SELECT problem_id, part, answer, count(*) FILTER (WHERE is_first) AS first_attempts, count(*) FILTER (WHERE NOT is_first) AS last_attempts
FROM answers
GROUP BY problem_id, part, answer
ORDER BY problem_id, part, first_attempts DESC, answer
