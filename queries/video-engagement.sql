-- id: video-engagement
-- title: Video engagement per video
-- group: Video
-- description: Per video (event.id): viewers = learners who played it; plays = their plays with a time
--   (video-plays-per-day counts anonymous plays too, which have no learner to follow, so its sum can be more); watched_minutes = the sum
--   of watching intervals, each from a play to the same learner's next pause, stop or seek on that video
--   (at the position the seek left) within 30 minutes — a play with no such end, or a pause without a
--   play, adds nothing; a play right after a seek made while playing (within 30 minutes; loads and speed changes
--   between them neither open nor close anything, so they do not count) starts where the seek
--   went (the player often logs its position before the seek, as edX Insights notes). Minutes are of the video's
--   own time (positions: at double speed a minute watched takes 30 s; a part watched twice counts twice).
--   duration = the longest duration the player reported in the learners' events (newer players log it with each
--   event; anonymous ones are not read); completed =
--   learners whose watching reached 95 % of it (edx2bigquery's position rule; Insights takes max(duration −
--   30 s, 95 %), Aspects 95 % of the seconds watched). Both are empty when no event reported the duration:
--   the furthest position anyone reached is no length (taken as one, the furthest watcher always completed).
--   unit = the section name of the page the video is on (see page-names; empty when no name is known) and url = that
--   page: the one most of its learners were on at their first event on it (the video's id is no title). Every video
--   a learner had a player event of is listed: one only loaded (or its transcript shown), never played, has 0 viewers.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: viewers desc
-- chart: bar x=video_id y=viewers
-- key: video_id, unit
WITH per_learner AS (
	SELECT video_id, username, sum(plays) AS plays, max(reported_duration) AS reported_duration,
		sum(watched_seconds) AS seconds, max(reached) AS reached
	FROM d_learner_video
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
	GROUP BY video_id, username
), videos AS (
	SELECT video_id, count(*) FILTER (WHERE plays > 0) AS viewers, sum(plays) AS plays,
		max(reported_duration) AS duration, sum(seconds) AS seconds
	FROM per_learner GROUP BY video_id
)
SELECT v.video_id, unit.name AS unit, v.viewers, v.plays,
	d_minutes(coalesce(v.seconds, 0)) AS watched_minutes,
	round(v.duration::numeric, 1) AS duration_seconds,
	CASE WHEN v.duration IS NOT NULL THEN count(*) FILTER (WHERE p.reached >= 0.95 * v.duration) END AS completed,
	unit.url
FROM videos v JOIN per_learner p ON p.video_id = v.video_id
	LEFT JOIN d_item_units('video', :course) unit ON unit.item_id = v.video_id
GROUP BY v.video_id, v.viewers, v.plays, v.seconds, v.duration, unit.name, unit.url
ORDER BY v.viewers DESC, v.video_id
