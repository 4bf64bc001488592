-- id: problem-answers
-- title: Problem answer distribution (first vs last attempt)
-- group: Problems
-- description: For each problem part, each submitted answer with the number of learners who gave it on
--   their first attempt and on their last (most recent) attempt, as in edX Insights' answer distribution.
--   A multiple-choice answer with several options is listed as its options joined by ", ".
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: problem | problem | | Problem id (empty: all problems)
-- sort: problem_id asc
SELECT problem_id, part, answer, sum(first_attempts)::bigint AS first_attempts, sum(last_attempts)::bigint AS last_attempts
FROM d_problem_answer -- learners per course, problem part and answer, counted when the tables were built
WHERE (course_id = :course OR (:course IS NULL AND course_id <> ''))
	AND (:problem IS NULL OR problem_id = :problem)
GROUP BY problem_id, part, answer
ORDER BY problem_id, part, first_attempts DESC, answer
