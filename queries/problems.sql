-- id: problems
-- title: Problems: attempts and correctness
-- group: Problems
-- description: Per problem, from graded server-side problem_check events (one per submission): learners
--   who attempted it, attempts, first_try_correct = percent of those learners whose first attempt was
--   correct, attempts_to_correct = mean number of attempts up to and including the first correct one
--   (among learners who got it right), solved = learners who got it right at some point, show_answer =
--   learners who used "show answer" on it. Two checks a second apart (a double click, which the DelftX
--   database warns of) are two attempts: the log cannot tell them from a quick correction.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: learners desc
WITH per_learner AS (
	SELECT problem_id, checks, first_correct, first_correct_attempt, showed_answer
	FROM d_learner_problem
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
)
SELECT problem_id, count(*) FILTER (WHERE checks > 0) AS learners, sum(checks) AS attempts,
	round(100.0 * count(*) FILTER (WHERE checks > 0 AND first_correct) / count(*) FILTER (WHERE checks > 0), 1) AS first_try_correct,
	round(avg(first_correct_attempt), 2) AS attempts_to_correct,
	count(first_correct_attempt) AS solved,
	count(*) FILTER (WHERE showed_answer) AS show_answer
FROM per_learner
GROUP BY problem_id
HAVING count(*) FILTER (WHERE checks > 0) > 0
ORDER BY learners DESC, problem_id
