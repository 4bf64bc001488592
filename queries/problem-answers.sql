-- id: problem-answers
-- title: Problem answer distribution (first vs last attempt)
-- group: Problems
-- description: For each problem part, each submitted answer with the number of learners who gave it on
--   their first attempt and on their last (most recent) attempt, as in edX Insights' answer distribution.
--   A multiple-choice answer with several options is listed as its options joined by ", ".
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: problem | text | | Problem id (empty: all problems)
-- sort: problem_id asc
WITH ranked AS (
	SELECT problem_id, answers,
		row_number() OVER learner_problem AS attempt, count(*) OVER learner_problem AS attempts
	FROM d_problem_event
	WHERE kind = 'check' AND answers IS NOT NULL
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:problem IS NULL OR problem_id = :problem)
	WINDOW learner_problem AS (PARTITION BY course_id, username, problem_id ORDER BY time ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
), answers AS (
	SELECT r.problem_id, a.key AS part,
		CASE jsonb_typeof(a.value) WHEN 'array' THEN (SELECT string_agg(x, ', ' ORDER BY x) FROM jsonb_array_elements_text(a.value) x)
			ELSE a.value #>> '{}' END AS answer,
		r.attempt = 1 AS is_first, r.attempt = r.attempts AS is_last
	FROM ranked r CROSS JOIN LATERAL jsonb_each(r.answers) a
	WHERE r.attempt = 1 OR r.attempt = r.attempts
)
SELECT problem_id, part, answer, count(*) FILTER (WHERE is_first) AS first_attempts, count(*) FILTER (WHERE is_last) AS last_attempts
FROM answers
GROUP BY problem_id, part, answer
ORDER BY problem_id, part, first_attempts DESC, answer
