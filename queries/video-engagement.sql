-- id: video-engagement
-- title: Video engagement per video
-- group: Video
-- description: Per video (event.id): viewers = learners who played it; plays; watched_minutes = the sum
--   of watching intervals, each from a play to the same learner's next pause, stop or seek on that video
--   (at the position the seek left) within 30 minutes — a play with no such end, or a pause without a
--   play, adds nothing; duration = the longest duration the player reported, else the furthest position
--   anyone reached; completed = learners whose watching reached 95 % of the duration.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: viewers desc
-- chart: bar x=video_id y=viewers
WITH per_learner AS (
	SELECT video_id, username, count(*) FILTER (WHERE action = 'play') AS plays,
		max(duration) AS reported_duration, max(greatest(position, old_position, new_position)) AS furthest
	FROM d_video_event
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
	GROUP BY video_id, username
), videos AS (
	SELECT video_id, count(*) FILTER (WHERE plays > 0) AS viewers, sum(plays) AS plays,
		coalesce(max(reported_duration), max(furthest)) AS duration
	FROM per_learner GROUP BY video_id
), watched AS (
	SELECT video_id, username, sum(end_position - start_position) AS seconds, max(end_position) AS reached
	FROM d_video_interval
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
	GROUP BY video_id, username
)
SELECT v.video_id, v.viewers, v.plays,
	round(coalesce(sum(w.seconds), 0)::numeric / 60, 1) AS watched_minutes,
	round(v.duration::numeric, 1) AS duration_seconds,
	count(w.username) FILTER (WHERE w.reached >= 0.95 * v.duration) AS completed
FROM videos v LEFT JOIN watched w ON w.video_id = v.video_id
GROUP BY v.video_id, v.viewers, v.plays, v.duration
ORDER BY v.viewers DESC, v.video_id
