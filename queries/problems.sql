-- id: problems
-- title: Problems: attempts and correctness
-- group: Problems
-- description: Per problem, from graded server-side problem_check events (one per submission): learners
--   who attempted it, attempts, first_try_correct = percent of those learners whose first attempt was
--   correct, attempts_to_correct = mean number of attempts up to and including the first correct one
--   (among learners who got it right), solved = learners who got it right at some point, show_answer =
--   learners who used "show answer" on it.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: learners desc
WITH attempts AS (
	SELECT course_id, username, problem_id, correct,
		row_number() OVER (PARTITION BY course_id, username, problem_id ORDER BY time) AS attempt
	FROM d_problem_event
	WHERE kind = 'check' AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
), per_learner AS (
	SELECT problem_id, username, count(*) AS attempts,
		bool_or(attempt = 1 AND correct) AS first_correct,
		min(attempt) FILTER (WHERE correct) AS first_correct_attempt
	FROM attempts GROUP BY problem_id, course_id, username
), shown AS (
	SELECT problem_id, count(DISTINCT (course_id, username)) AS learners
	FROM d_problem_event
	WHERE kind = 'show_answer' AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
	GROUP BY problem_id
)
SELECT p.problem_id, count(*) AS learners, sum(p.attempts) AS attempts,
	round(100.0 * count(*) FILTER (WHERE p.first_correct) / count(*), 1) AS first_try_correct,
	round(avg(p.first_correct_attempt), 2) AS attempts_to_correct,
	count(p.first_correct_attempt) AS solved,
	coalesce(s.learners, 0) AS show_answer
FROM per_learner p LEFT JOIN shown s ON s.problem_id = p.problem_id
GROUP BY p.problem_id, s.learners
ORDER BY learners DESC, p.problem_id
