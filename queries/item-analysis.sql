-- id: item-analysis
-- title: Item analysis (difficulty, discrimination, Cronbach's alpha)
-- group: Problems
-- description: Classical test theory over the course's problems, as edx2bigquery's item reports give it: which
--   problems are too easy or too hard, which tell stronger learners from weaker ones, and how reliable the
--   problems are as one test. A learner's score on a problem is the share of its parts their last graded check
--   got right (Open edX scores a problem by its latest submission; where the check logged no grading of its
--   parts, 1 if some check was right, else 0). The items are the problems with at least min_learners learners
--   with a graded check; the persons are the learners with a graded check on at least min_attempted percent of
--   them, a problem they never checked scoring 0 (as the course's grade counts it: in a MOOC that also counts
--   dropping out, which min_attempted can leave out). learners = persons who checked it; percent_correct = their
--   mean score (the difficulty: low is hard); item_rest_r = the correlation of the problem's score with the
--   person's total on the other problems (the discrimination: below 0.2 the problem tells little, below 0 it
--   rewards weaker learners, often a wrong answer key); item_total_r = the same with the total that includes it;
--   alpha_if_deleted = Cronbach's alpha of the other problems (above alpha: the test is more consistent without
--   it); alpha = Cronbach's alpha of all the course's items (0.7 and more is usually taken as consistent);
--   persons = the learners counted. Empty where it is undefined: a correlation when every person scored the same,
--   alpha below 2 items (alpha_if_deleted below 3). Each course is its own test, also with all courses together.
--   edx2bigquery takes each part of a problem as an item and also fits IRT models, which this does not.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: min_learners | integer(1..1000000) | 5 | Leave out problems fewer learners checked (edx2bigquery: more than 5)
-- param: min_attempted | integer(0..100) | 0 | Count only learners who checked at least this percent of the problems
-- sort: item_rest_r asc
-- key: problem_id, unit
WITH item AS (
	SELECT course_id, problem_id, count(*) OVER (PARTITION BY course_id) AS items
	FROM d_learner_problem
	WHERE (course_id = :course OR (:course IS NULL AND course_id <> '')) AND checks > 0
	GROUP BY 1, 2 HAVING count(*) >= :min_learners
), item_score AS (
	-- Each learner's score on each item, with their total and number of items checked: one sort (bytewise: the order is
	-- no matter).
	SELECT p.course_id, p.problem_id, i.items, p.last_score AS score, sum(p.last_score) OVER person AS total,
		count(*) OVER person AS checked, row_number() OVER person = 1 AS first_of_person
	FROM d_learner_problem p JOIN item i USING (course_id, problem_id)
	WHERE p.checks > 0
	WINDOW person AS (PARTITION BY p.course_id COLLATE "C", p.username COLLATE "C")
), person_score AS (
	SELECT * FROM item_score WHERE 100 * checked >= :min_attempted * items
), test AS (
	-- Population moments (1/n): the ratios below are the same with sample ones.
	SELECT course_id, count(*)::float8 AS persons, avg(total) AS mean_total, avg(total * total) - avg(total) ^ 2 AS var_total
	FROM person_score WHERE first_of_person GROUP BY 1
), item_sum AS (
	-- A person who never checked the problem adds 0 to each sum: the sums over its checks are sums over the persons.
	SELECT course_id, problem_id, count(*) AS learners, sum(score) AS score, sum(score * score) AS square, sum(score * total) AS product
	FROM person_score GROUP BY 1, 2
), moment AS (
	SELECT s.course_id, s.problem_id, s.learners, s.score / s.learners AS mean_checked,
		s.square / t.persons - (s.score / t.persons) ^ 2 AS var,
		s.product / t.persons - s.score / t.persons * t.mean_total AS cov_total,
		t.persons, t.var_total
	FROM item_sum s JOIN test t USING (course_id)
), rest AS (
	SELECT m.*, m.var_total - 2 * m.cov_total + m.var AS var_rest,
		count(*) OVER (PARTITION BY m.course_id) AS items, sum(m.var) OVER (PARTITION BY m.course_id) AS sum_var
	FROM moment m
)
SELECT r.problem_id, unit.name AS unit, r.learners, round((100 * r.mean_checked)::numeric, 1) AS percent_correct,
	-- A variance below 1e-12 is rounding: every person scored the same.
	CASE WHEN r.var > 1e-12 AND r.var_rest > 1e-12 THEN round(((r.cov_total - r.var) / sqrt(r.var * r.var_rest))::numeric, 3) END AS item_rest_r,
	CASE WHEN r.var > 1e-12 AND r.var_total > 1e-12 THEN round((r.cov_total / sqrt(r.var * r.var_total))::numeric, 3) END AS item_total_r,
	CASE WHEN r.items >= 3 AND r.var_rest > 1e-12
		THEN round(((r.items - 1) / (r.items - 2.0) * (1 - (r.sum_var - r.var) / r.var_rest))::numeric, 3) END AS alpha_if_deleted,
	CASE WHEN r.items >= 2 AND r.var_total > 1e-12
		THEN round((r.items / (r.items - 1.0) * (1 - r.sum_var / r.var_total))::numeric, 3) END AS alpha,
	r.persons::bigint AS persons
FROM rest r LEFT JOIN d_item_units('problem', :course) unit ON unit.item_id = r.problem_id
ORDER BY item_rest_r ASC NULLS LAST, r.problem_id
