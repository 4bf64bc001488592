-- id: grade-distribution
-- title: Grade distribution
-- group: Completion
-- description: Learners by their current course grade, in steps of 10 % (0–9 %, 10–19 %, …, 90–99 %,
--   100 %), as edX Insights and Aspects show it: a learner's grade is the latest
--   edx.grades.course.grade_calculated of theirs (Open edX logs one at every recalculation, mostly from the
--   server without a username: the learner is event.user_id), its percent_grade taken to whole percents
--   (0.57 is 57 %); passing = those whose latest grade carries a letter (Open edX leaves it empty below the
--   pass mark). Only learners with a calculated grade count: one who never submitted graded work has none
--   in the log (so the shares are of the graded). A grade outside 0–100 % or without a number is left out
--   (the learner's grade is then their latest other one).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: grade_from asc
-- chart: bar x=grade_from y=learners
WITH graded AS (
	-- Each learner's latest grade, kept by the build (d_course_grade: of two at one time the higher), in whole percents.
	SELECT grade_percent / 10 * 10 AS grade_from, passing
	FROM d_course_grade
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
)
SELECT b.grade_from, CASE WHEN b.grade_from = 100 THEN 100 ELSE b.grade_from + 9 END AS grade_to,
	count(g.grade_from) AS learners,
	round(100.0 * count(g.grade_from) / nullif((SELECT count(*) FROM graded), 0), 1) AS share_percent,
	count(*) FILTER (WHERE g.passing) AS passing
FROM generate_series(0, 100, 10) AS b(grade_from)
LEFT JOIN graded g ON g.grade_from = b.grade_from
GROUP BY b.grade_from
ORDER BY b.grade_from
