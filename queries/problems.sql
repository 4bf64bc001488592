-- id: problems
-- title: Problems: attempts and correctness
-- group: Problems
-- description: Per problem, from graded server-side problem_check events (one per submission): learners
--   who attempted it, attempts, first_try_correct_percent = percent of those learners whose first attempt was
--   correct, mean_attempts_to_correct = mean number of attempts up to and including the first correct one
--   (among learners who got it right), solved = learners who got it right at some point, show_answer =
--   learners who used "show answer" on it, show_answer_before_trying = those of them who did before their first
--   graded check or without one (looking before trying, where the others checked their work, as edx2bigquery
--   tells them apart). Two checks a second apart (a double click, which the DelftX
--   database warns of) are two attempts: the log cannot tell them from a quick correction. unit = the section
--   name of the page the problem is on (see page-names; empty when no name is known) and url = that page: the one
--   most of its learners were on at their first event on it (the problem's id is no title). The server logs a graded
--   check with no page of its own: it takes the learner's last page before it, else the page the check was sent from
--   (its referer). url is empty where none of its learners' events tells the page: their first event on it was a
--   server check with no page event before it (a phone app, a blocked tracker) and no referer (the LMS of 2014 logged
--   none).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: learners desc
-- key: problem_id, unit
WITH per_learner AS (
	SELECT problem_id, checks, first_correct, first_correct_attempt, showed_answer, showed_answer_untried
	FROM d_learner_problem
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
)
SELECT p.problem_id, unit.name AS unit, count(*) FILTER (WHERE checks > 0) AS learners, sum(checks) AS attempts,
	round(100.0 * count(*) FILTER (WHERE checks > 0 AND first_correct) / count(*) FILTER (WHERE checks > 0), 1) AS first_try_correct_percent,
	round(avg(first_correct_attempt), 2) AS mean_attempts_to_correct,
	count(first_correct_attempt) AS solved,
	count(*) FILTER (WHERE showed_answer) AS show_answer,
	count(*) FILTER (WHERE showed_answer_untried) AS show_answer_before_trying,
	unit.url
FROM per_learner p LEFT JOIN d_item_units('problem', :course) unit ON unit.item_id = p.problem_id
GROUP BY p.problem_id, unit.name, unit.url
HAVING count(*) FILTER (WHERE checks > 0) > 0
ORDER BY learners DESC, p.problem_id
