-- id: video-engagement
-- title: Video engagement per video
-- group: Video
-- description: Per video (event.id): viewers = learners who played it; plays; watched_minutes = the sum
--   of watching intervals, each from a play to the same learner's next pause, stop or seek on that video
--   (at the position the seek left) within 30 minutes — a play with no such end, or a pause without a
--   play, adds nothing; a play right after a seek made while playing starts where the seek went (the
--   player often logs its position before the seek, as edX Insights notes); duration = the longest
--   duration the player reported, else the furthest position anyone reached; completed = learners whose
--   watching reached 95 % of the duration.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: viewers desc
-- chart: bar x=video_id y=viewers
WITH per_learner AS (
	SELECT video_id, username, sum(plays) AS plays, max(reported_duration) AS reported_duration, max(furthest) AS furthest,
		sum(watched_seconds) AS seconds, max(reached) AS reached
	FROM d_learner_video
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
	GROUP BY video_id, username
), videos AS (
	SELECT video_id, count(*) FILTER (WHERE plays > 0) AS viewers, sum(plays) AS plays,
		coalesce(max(reported_duration), max(furthest)) AS duration, sum(seconds) AS seconds
	FROM per_learner GROUP BY video_id
)
SELECT v.video_id, v.viewers, v.plays,
	d_minutes(coalesce(v.seconds, 0)) AS watched_minutes,
	round(v.duration::numeric, 1) AS duration_seconds,
	count(*) FILTER (WHERE p.reached >= 0.95 * v.duration) AS completed
FROM videos v JOIN per_learner p ON p.video_id = v.video_id
GROUP BY v.video_id, v.viewers, v.plays, v.seconds, v.duration
ORDER BY v.viewers DESC, v.video_id
