-- id: problem-answers
-- title: Problem answer distribution (first vs last attempt)
-- group: Problems
-- description: For each problem part, each submitted answer with the number of learners who gave it on
--   their first attempt and on their last (most recent) attempt, as in edX Insights' answer distribution.
--   The answer is what the check sent (choice ids, typed values); a multiple-choice answer with several
--   options is listed as its options joined by ", ". The part is its id
--   after the problem's own (2_1, 3_1: Open edX numbers a problem's questions and their inputs so), or the
--   whole id where it does not start so (obfuscated logs). unit = the section name of the problem's page (see
--   problems; empty when its page is unknown too). correct_percent = of these first and last attempts, the percent whose part the check graded
--   correct (event.correct_map; "partially-correct" is not): 100 for a right answer, 0 for a wrong one, between
--   them where the grading varied (a randomized problem); empty where the log has no grading.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: problem | problem | | Problem id (empty: all problems)
-- sort: problem_id asc
-- key: problem_id, part, answer
SELECT answers.problem_id, unit.name AS unit, part, answer, sum(first_attempts)::bigint AS first_attempts, sum(last_attempts)::bigint AS last_attempts,
	round(100.0 * sum(correct) / nullif(sum(graded), 0), 1) AS correct_percent
FROM (
	-- The problem's block id ends its problem_id (…+block@466bff…, i4x://…/problem/466bff…) and starts its parts' ids
	-- (466bff…_2_1, or i4x-edX-E929-problem-466bff…_2_1): the part's id without it, which repeated the problem's.
	SELECT a.problem_id, CASE WHEN b.block <> '' AND strpos(a.part, b.block || '_') > 0
			THEN substr(a.part, strpos(a.part, b.block || '_') + length(b.block) + 1) ELSE a.part END AS part,
		a.answer, a.first_attempts, a.last_attempts, a.graded, a.correct
	FROM d_problem_answer a -- learners per course, problem part and answer, counted when the tables were built
		CROSS JOIN LATERAL (SELECT regexp_replace(a.problem_id, '^.*[@/]', '') AS block) b
	WHERE (a.course_id = :course OR (:course IS NULL AND a.course_id <> ''))
		AND (:problem IS NULL OR a.problem_id = :problem)
) answers LEFT JOIN d_item_units('problem', :course) unit ON unit.item_id = answers.problem_id
GROUP BY answers.problem_id, unit.name, part, answer
ORDER BY answers.problem_id, part, first_attempts DESC, answer
