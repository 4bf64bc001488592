-- id: active-learners
-- title: Active learners per day, week or month
-- group: Activity
-- description: Distinct learners per calendar day, ISO week (Monday start) or calendar month in the time zone
--   (daily, weekly and monthly active learners: DAU, WAU, MAU): active = any learning activity (every event
--   except enrollment changes, as in edX Insights); video = played a
--   video (play_video / edx.video.played, Insights' PLAYED_VIDEO, as video-plays-per-day's viewers: a
--   load_video or transcript fetch comes with merely opening a page that holds a video); problem = a problem
--   event (problem_*, edx.problem.*, showanswer / show_answer, and the server's save_problem_success /
--   save_problem_fail and reset_problem / reset_problem_fail), and forum = any edx.forum.* event (reading, voting and
--   searching too) — wider than Insights' ATTEMPTED_PROBLEM and POSTED_FORUM, so as to count learners working
--   on problems or in the forum; funnel and course-summary count graded checks and posts. A week or month at the
--   edge of a from/to range counts only its days inside the range.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: period | choice(day,week,month) | day | Bucket: calendar day, ISO week or calendar month
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- sort: period_start asc
-- chart: line x=period_start y=active,video,problem,forum
SELECT period_start, count(*) FILTER (WHERE activity) AS active, count(*) FILTER (WHERE video) AS video,
	count(*) FILTER (WHERE problem) AS problem, count(*) FILTER (WHERE forum) AS forum
FROM (
	-- Flags, not sums: a learner counts once per period (booleans group several times faster than numeric sums).
	SELECT CASE :period WHEN 'week' THEN date_trunc('week', day::timestamp)::date WHEN 'month' THEN date_trunc('month', day::timestamp)::date ELSE day END AS period_start,
		username, bool_or(activity > 0) AS activity, bool_or(plays > 0) AS video, bool_or(problem > 0) AS problem, bool_or(forum > 0) AS forum
	FROM d_learner_days(:tz)
	WHERE (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:from IS NULL OR day >= :from)
		AND (:to IS NULL OR day <= :to)
	GROUP BY 1, 2
) per_learner
GROUP BY period_start
HAVING bool_or(activity)
ORDER BY period_start
