-- id: answer-copying
-- title: Answer copying between accounts (CAMEO)
-- group: Problems
-- description: Pairs of accounts of one course where one (the harvester) showed problems' answers shortly before
--   the other (the master) first checked them right: CAMEO, Copying Answers using Multiple Existences Online
--   (Northcutt, Ho and Chuang 2016; edx2bigquery's stats_ip_pair_sybils and stats_sybils_show_ans_before). Two
--   learners are paired when they sent graded checks or show-answer uses from a same address (the events' IP; OpenEdu
--   logs a hash of it, the same address the same hash), one of at most max_sharing learners of the course (more is a
--   NAT, a campus or a café: edx2bigquery leaves out 8 and more). copied = the problems whose first show-answer by the
--   harvester came before the master's first correct check, at most window minutes before (one sitting: harvest a
--   unit's answers, then submit them; two learners of a household working the same unit days apart are not copying);
--   only pairs with at least min_problems copied are listed, each direction of a pair its own row. shared_ips = the
--   addresses they share; master_solved = problems the master checked right, percent_copied = copied of those;
--   median_seconds = the median time from show-answer to the correct check over the copied problems;
--   master_first_try_percent = of the problems the master checked, those right at the first check;
--   harvester_shown / harvester_solved = the harvester's problems with a show-answer / checked right;
--   master_finished = a passing grade or a certificate (finished's default). Unlike edx2bigquery, which pairs a
--   certified master with an uncertified harvester of many show-answers by each one's most used address and then
--   compares the first show-answer with the master's last correct check, any two learners of an address are tried
--   both ways (the timing tells who copied: the certificate is a column, not a condition), and the master's first
--   correct check is taken: a problem solved before the answer was shown was not copied, whatever later checks did.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: max_sharing | integer(2..1000) | 7 | Leave out addresses more learners of the course sent problem events from
-- param: window | integer(1..100000) | 60 | Minutes at most from the harvester's show-answer to the master's correct check
-- param: min_problems | integer(1..100000) | 5 | Leave out pairs with fewer problems copied
-- sort: copied desc
-- key: master, harvester
WITH candidate AS (
	-- Addresses of two learners or more, in one hashed pass (d_learner_ip has a row per build, so a learner met again
	-- may repeat one: rows of differing names, not the rows, tell two learners; the few kept are counted below).
	SELECT course_id, ip FROM d_learner_ip
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
	GROUP BY 1, 2 HAVING min(username COLLATE "C") < max(username COLLATE "C")
), sharer AS (
	SELECT course_id, username, ip
	FROM (
		SELECT a.course_id, a.username, a.ip, count(*) OVER (PARTITION BY a.course_id, a.ip) AS learners
		FROM (SELECT DISTINCT a.course_id, a.username, a.ip FROM d_learner_ip a JOIN candidate c ON c.course_id = a.course_id AND c.ip = a.ip) a
	) a
	WHERE learners <= :max_sharing
), pair AS (
	-- Each direction: either learner may be the one who copied.
	SELECT a.course_id, a.username AS master, b.username AS harvester, count(*) AS shared_ips
	FROM sharer a JOIN sharer b ON b.course_id = a.course_id AND b.ip = a.ip AND b.username <> a.username
	GROUP BY 1, 2, 3
), learner AS (
	-- The paired learners (each sharer has a partner): taken from sharer, whose size the planner estimates from the
	-- tables; from pair it took them for one row, a step from scanning d_problem_event once per learner.
	SELECT DISTINCT course_id, username FROM sharer
), first AS (
	-- Each paired learner's first show-answer and first correct check of each problem.
	SELECT p.course_id, p.username, p.problem_id, min(p.time) FILTER (WHERE p.kind = 'show_answer') AS shown, min(p.time) FILTER (WHERE p.correct) AS solved
	FROM d_problem_event p JOIN learner l ON l.course_id = p.course_id AND l.username = p.username
	GROUP BY 1, 2, 3
), side AS (
	-- The master's solving and the harvester's showing of the problems, met by grouping (no join of the two sides, whose
	-- sizes the planner cannot tell).
	SELECT r.course_id, r.master, r.harvester, r.shared_ips, f.problem_id, f.solved, NULL::timestamptz AS shown
	FROM pair r JOIN first f ON f.course_id = r.course_id AND f.username = r.master
	WHERE f.solved IS NOT NULL
	UNION ALL
	SELECT r.course_id, r.master, r.harvester, r.shared_ips, f.problem_id, NULL, f.shown
	FROM pair r JOIN first f ON f.course_id = r.course_id AND f.username = r.harvester
	WHERE f.shown IS NOT NULL
), delay AS (
	SELECT course_id, master, harvester, shared_ips, max(solved) - max(shown) AS delay FROM side GROUP BY 1, 2, 3, 4, problem_id
), copied AS (
	SELECT course_id, master, harvester, shared_ips, count(*) AS copied,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delay)) AS median_seconds
	FROM delay
	WHERE delay > interval '0' AND delay <= :window * interval '1 minute'
	GROUP BY 1, 2, 3, 4
	HAVING count(*) >= :min_problems
), finish AS MATERIALIZED (
	-- Passes logged without a username, named (a view that aggregates): once, not again for each paired learner.
	SELECT course_id, username, first_passed FROM d_named_finish WHERE first_passed IS NOT NULL
), stats AS (
	-- Once per paired learner (the big tables hashed or scanned once, not per pair).
	SELECT l.course_id, l.username, f.solved, f.shown,
		round(100.0 * i.problems_first_try / nullif(i.problems_attempted, 0), 1) AS first_try_percent,
		coalesce(d.first_passed, n.first_passed) IS NOT NULL AS finished
	FROM learner l
		JOIN (SELECT course_id, username, count(solved) AS solved, count(shown) AS shown FROM first GROUP BY 1, 2) f
			ON f.course_id = l.course_id AND f.username = l.username
		LEFT JOIN d_learner_items i ON i.course_id = l.course_id AND i.username = l.username
		LEFT JOIN d_learner d ON d.course_id = l.course_id AND d.username = l.username
		LEFT JOIN finish n ON n.course_id = l.course_id AND n.username = l.username
)
SELECT c.course_id, c.master, c.harvester, c.shared_ips, c.copied, m.solved AS master_solved,
	round(100.0 * c.copied / m.solved, 1) AS percent_copied, round(c.median_seconds::numeric) AS median_seconds,
	m.first_try_percent AS master_first_try_percent, h.shown AS harvester_shown, h.solved AS harvester_solved,
	m.finished AS master_finished
FROM copied c
	JOIN stats m ON m.course_id = c.course_id AND m.username = c.master
	JOIN stats h ON h.course_id = c.course_id AND h.username = c.harvester
ORDER BY c.copied DESC, c.course_id, c.master, c.harvester
