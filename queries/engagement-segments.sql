-- id: engagement-segments
-- title: Engagement segments of a week (highly engaged, struggling, disengaging)
-- group: Engagement
-- description: edX Insights' learner segments (edx-analytics-pipeline's module_engagement), for the week of 7 days
--   ending with the reference day: by default the last day with any event in that course, each course its own (as
--   at-risk's; logs are historical, so "this week" would be empty), or `as_of`. One row per learner of the course
--   active that week (any learning activity, as active-learners counts it) or the week before, with the week's
--   days active and EAP's metrics: videos_viewed (distinct videos played), problem_attempts (graded checks),
--   problems_attempted and problems_completed (distinct problems checked, and checked correct),
--   attempts_per_completed (attempts / problems completed: Infinity when none was, empty without an attempt) and
--   forum_posts (threads, responses and comments created; EAP's discussion_contributions). Per course, each
--   metric's 15th and 85th percentiles over the week's active learners (interpolated, as numpy's and
--   percentile_cont's; attempts_per_completed over those with an attempt); a value at or above the 85th
--   percentile is high, a tie at it too (with whole counts many learners can share its value, so more than 15 %
--   can be high), unless the two percentiles are equal: then most learners share one value and nobody is high on
--   it (EAP: all of it is the normal range). highly_engaged = high on videos_viewed,
--   problems_attempted, problems_completed or forum_posts (not on problem_attempts, which trying hard inflates);
--   struggling = high on attempts_per_completed (at least one attempt); disengaging = active the week before and
--   not this week (Insights' roster). reasons names the metrics that made the segments. Differs from EAP: active
--   means any learning activity (EAP's summary keeps learners with a video play, a graded check or a forum post),
--   so a learner who only read pages counts among the active, with zeros, and is not disengaging; the week ends
--   with the reference day (EAP's runs end the day before the run); EAP's roster also marks "inactive" (neither
--   week) and "unenrolled", which at-risk lists instead.
-- param: course | course | | Course id (empty: the only course, or every course, each its own)
-- param: as_of | date | | The week's last day (empty: the course's last day with events)
-- param: segment | choice(all,highly_engaged,struggling,disengaging) | all | List only the learners of this segment
-- param: tz | timezone | UTC | Time zone for days
-- sort: username asc
-- key: username, course_id
WITH week AS (
	SELECT course_id, week_end - 6 AS week_start, week_end, d_midnight(week_end - 6, :tz) AS starts, d_midnight(week_end + 1, :tz) AS ends
	FROM (
		SELECT course_id, coalesce(:as_of, (max(hour) AT TIME ZONE :tz)::date) AS week_end
		FROM d_course_hour WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
		GROUP BY course_id
	) reference
), days AS (
	-- The week's and the week before's days with learning activity, and the week's forum posts.
	SELECT d.course_id, d.username,
		count(DISTINCT d.day) FILTER (WHERE d.day >= w.week_start AND d.activity > 0) AS days_active,
		bool_or(d.day < w.week_start AND d.activity > 0) AS active_before,
		coalesce(sum(d.posts) FILTER (WHERE d.day >= w.week_start), 0) AS forum_posts
	FROM (
		-- The bounds over every course let the scan drop the other days.
		SELECT course_id, username, day, activity, threads + responses + comments AS posts FROM d_learner_days(:tz)
		WHERE d_day_source(:tz) <> 'hours'
			AND day >= (SELECT min(week_start) - 7 FROM week) AND day <= (SELECT max(week_end) FROM week)
		UNION ALL
		-- In a zone without day tables, the hours of those days only: d_learner_days(:tz) puts every hour in its day
		-- before the days can be filtered.
		SELECT course_id, username, (hour AT TIME ZONE :tz)::date, activity, threads + responses + comments FROM d_learner_hour
		WHERE d_day_source(:tz) = 'hours'
			AND hour >= (SELECT min(d_midnight(week_start - 7, :tz)) FROM week) AND hour < (SELECT max(ends) FROM week)
	) d JOIN week w ON w.course_id = d.course_id
	WHERE d.day BETWEEN w.week_start - 7 AND w.week_end
	GROUP BY 1, 2
), videos AS (
	SELECT v.course_id, v.username, count(DISTINCT v.video_id) AS videos_viewed
	FROM d_video_event v JOIN week w ON w.course_id = v.course_id
	-- By their UTC hours, as the day tables count the days active: in a zone whose offset is not whole hours, a play
	-- in the first minutes of the week was a day active of the week before.
	WHERE v.action = 'play' AND date_trunc('hour', v.time, 'UTC') >= w.starts AND date_trunc('hour', v.time, 'UTC') < w.ends
		AND v.time >= (SELECT min(starts) FROM week) AND v.time < (SELECT max(ends) + interval '1 hour' FROM week)
	GROUP BY 1, 2
), checks AS (
	SELECT p.course_id, p.username, count(*) AS problem_attempts, count(DISTINCT p.problem_id) AS problems_attempted,
		count(DISTINCT p.problem_id) FILTER (WHERE p.correct) AS problems_completed
	FROM d_problem_event p JOIN week w ON w.course_id = p.course_id
	WHERE p.kind = 'check' AND date_trunc('hour', p.time, 'UTC') >= w.starts AND date_trunc('hour', p.time, 'UTC') < w.ends
		AND p.time >= (SELECT min(starts) FROM week) AND p.time < (SELECT max(ends) + interval '1 hour' FROM week)
	GROUP BY 1, 2
), learners AS (
	SELECT d.course_id, d.username, w.week_start, w.week_end, d.days_active, d.active_before,
		coalesce(v.videos_viewed, 0) AS videos_viewed, coalesce(c.problem_attempts, 0) AS problem_attempts,
		coalesce(c.problems_attempted, 0) AS problems_attempted, coalesce(c.problems_completed, 0) AS problems_completed,
		c.problem_attempts::double precision / nullif(c.problems_completed, 0) AS ratio, d.forum_posts
	FROM days d
		JOIN week w ON w.course_id = d.course_id
		LEFT JOIN videos v ON v.course_id = d.course_id AND v.username = d.username
		LEFT JOIN checks c ON c.course_id = d.course_id AND c.username = d.username
	WHERE d.days_active > 0 OR d.active_before
), learner_metrics AS (
	SELECT *, CASE WHEN problem_attempts > 0 THEN coalesce(ratio, 'Infinity') END AS attempts_per_completed FROM learners
), percentiles AS (
	-- [15th, 85th] per metric; between an Infinity and an Infinity percentile_cont interpolates NaN, which is Infinity.
	SELECT course_id,
		percentile_cont(ARRAY[0.15, 0.85]) WITHIN GROUP (ORDER BY videos_viewed) AS videos_viewed,
		percentile_cont(ARRAY[0.15, 0.85]) WITHIN GROUP (ORDER BY problems_attempted) AS problems_attempted,
		percentile_cont(ARRAY[0.15, 0.85]) WITHIN GROUP (ORDER BY problems_completed) AS problems_completed,
		percentile_cont(ARRAY[0.15, 0.85]) WITHIN GROUP (ORDER BY forum_posts) AS forum_posts,
		array_replace(percentile_cont(ARRAY[0.15, 0.85]) WITHIN GROUP (ORDER BY attempts_per_completed), 'NaN', 'Infinity') AS attempts_per_completed
	FROM learner_metrics WHERE days_active > 0
	GROUP BY course_id
), high AS MATERIALIZED (
	-- The 85th percentile where it is above the 15th: values at or above it are high. Materialized: inlined, the planner
	-- computed every percentile again for each learner (a nested loop: 160 of 220 ms at 1M events).
	SELECT course_id,
		CASE WHEN videos_viewed[1] < videos_viewed[2] THEN videos_viewed[2] END AS videos_viewed,
		CASE WHEN problems_attempted[1] < problems_attempted[2] THEN problems_attempted[2] END AS problems_attempted,
		CASE WHEN problems_completed[1] < problems_completed[2] THEN problems_completed[2] END AS problems_completed,
		CASE WHEN forum_posts[1] < forum_posts[2] THEN forum_posts[2] END AS forum_posts,
		CASE WHEN attempts_per_completed[1] < attempts_per_completed[2] THEN attempts_per_completed[2] END AS attempts_per_completed
	FROM percentiles
), segmented AS (
	SELECT l.*,
		nullif(concat_ws(', ',
			CASE WHEN l.videos_viewed >= h.videos_viewed THEN 'videos_viewed' END,
			CASE WHEN l.problems_attempted >= h.problems_attempted THEN 'problems_attempted' END,
			CASE WHEN l.problems_completed >= h.problems_completed THEN 'problems_completed' END,
			CASE WHEN l.forum_posts >= h.forum_posts THEN 'forum_posts' END), '') AS engaged_on,
		l.attempts_per_completed >= h.attempts_per_completed AS struggling
	FROM learner_metrics l LEFT JOIN high h ON h.course_id = l.course_id
), labelled AS (
	SELECT *, nullif(concat_ws(', ',
		CASE WHEN engaged_on IS NOT NULL THEN 'highly_engaged' END,
		CASE WHEN struggling THEN 'struggling' END,
		CASE WHEN days_active = 0 THEN 'disengaging' END), '') AS segments
	FROM segmented
)
SELECT username, course_id, week_start, week_end, segments,
	nullif(concat_ws(', ', engaged_on, CASE WHEN struggling THEN 'attempts_per_completed' END), '') AS reasons,
	days_active, videos_viewed, problem_attempts, problems_attempted, problems_completed,
	round(attempts_per_completed::numeric, 2) AS attempts_per_completed, forum_posts
FROM labelled
WHERE :segment = 'all'
	OR (:segment = 'highly_engaged' AND engaged_on IS NOT NULL)
	OR (:segment = 'struggling' AND struggling)
	OR (:segment = 'disengaging' AND days_active = 0)
ORDER BY username, course_id
