-- id: time-by-activity
-- title: Time on task per activity kind
-- group: Engagement
-- description: Time-on-task per learner in total (as time-on-course) and per kind of activity, edx2bigquery's
--   category times: each event of a kind adds its gap to the learner's previous event of the same kind when shorter
--   than the idle cutoff, whatever came between (its authors' caveat: video, problem, video within the cutoff counts
--   the problem's minutes as video too; a video left playing without events counts nothing). So the kinds can add up
--   to more or less than the total. Kinds: video = types ending in _video, edx.video.* and transcript events
--   (edx2bigquery: *_video, *_transcript); problem = problem_*, edx.problem.*, showanswer, save_problem_* and
--   reset_problem* (edx2bigquery: problem_* only); forum = edx.forum.* and server requests under /discussion/forum,
--   threads or comments (as edx2bigquery); text = textbook.* and the PDF viewer's book events, and server requests
--   under /wiki/ (as edx2bigquery). Like time-on-course, the server's /xblock/ handler events count as events (none
--   of them is of a kind). A gap belongs to the day of the event that ends it; with a first or last day, the kinds'
--   days are those of the UTC hour their gap ended in (in a zone with a half-hour offset, an hour's start decides).
--   Every learner of the course is listed, with 0 where nothing counted. Only the cutoffs 30 and 5 minutes (edx2bigquery's) are kept.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: user | user | | Learner username (empty: all learners)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- param: idle | choice(30,5) | 30 | Idle cutoff in minutes
-- sort: minutes desc
-- chart: bar x=username y=minutes
WITH learners AS (
	SELECT DISTINCT username FROM d_learner
	WHERE (course_id = :course OR (:course IS NULL AND course_id <> '')) AND (:user IS NULL OR username = :user)
), counted AS (
	-- Any day: the sums made when the tables were built (seconds add up over courses and days); the total is the time on
	-- task summed over every day, the same in every zone (d_learner_time_total).
	SELECT username, CASE WHEN :idle = '5' THEN seconds_5 ELSE seconds_30 END AS total, 0 AS video, 0 AS problem, 0 AS forum, 0 AS text
	FROM d_learner_time_total
	WHERE :from IS NULL AND :to IS NULL
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:user IS NULL OR username = :user)
	UNION ALL
	SELECT username, 0,
		CASE WHEN :idle = '5' THEN video_5 ELSE video_30 END AS video,
		CASE WHEN :idle = '5' THEN problem_5 ELSE problem_30 END AS problem,
		CASE WHEN :idle = '5' THEN forum_5 ELSE forum_30 END AS forum,
		CASE WHEN :idle = '5' THEN text_5 ELSE text_30 END
	FROM d_learner_category_total
	WHERE :from IS NULL AND :to IS NULL
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:user IS NULL OR username = :user)
	UNION ALL
	-- Some days: the total as time-on-course reads it, the kinds from their hours.
	SELECT username, seconds, 0, 0, 0, 0
	FROM d_time_on_task(:tz, :idle::bigint)
	WHERE (:from IS NOT NULL OR :to IS NOT NULL)
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:user IS NULL OR username = :user)
		AND (:from IS NULL OR day >= :from)
		AND (:to IS NULL OR day <= :to)
	UNION ALL
	SELECT username, 0,
		CASE WHEN :idle = '5' THEN video_5 ELSE video_30 END,
		CASE WHEN :idle = '5' THEN problem_5 ELSE problem_30 END,
		CASE WHEN :idle = '5' THEN forum_5 ELSE forum_30 END,
		CASE WHEN :idle = '5' THEN text_5 ELSE text_30 END
	FROM (
		SELECT c.*, d_day_of(c.hour, :tz, (SELECT d_hour_days(:tz))) AS day FROM d_learner_category_time c
		WHERE (:from IS NOT NULL OR :to IS NOT NULL)
			AND (c.course_id = :course OR (:course IS NULL AND c.course_id <> ''))
			AND (:user IS NULL OR c.username = :user)
	) c
	WHERE (:from IS NULL OR day >= :from) AND (:to IS NULL OR day <= :to)
), summed AS (
	SELECT username, sum(total) AS total, sum(video) AS video, sum(problem) AS problem, sum(forum) AS forum, sum(text) AS text
	FROM counted GROUP BY username
)
SELECT l.username, d_minutes(coalesce(s.total, 0)) AS minutes, d_minutes(coalesce(s.video, 0)) AS video,
	d_minutes(coalesce(s.problem, 0)) AS problem, d_minutes(coalesce(s.forum, 0)) AS forum, d_minutes(coalesce(s.text, 0)) AS text
FROM learners l LEFT JOIN summed s ON s.username = l.username
ORDER BY minutes DESC, l.username
