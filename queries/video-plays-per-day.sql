-- id: video-plays-per-day
-- title: Video plays per day
-- group: Video
-- description: Per calendar day (in the time zone): plays (play_video / edx.video.played events, anonymous ones included) and
--   viewers (distinct learners who played a video that day) — plays alone overstate reach.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- sort: day asc
-- chart: line x=day y=plays,viewers
WITH plays AS (
	SELECT (hour AT TIME ZONE :tz)::date AS day, sum(events) AS plays
	FROM d_type_hour
	WHERE event_type IN ('play_video', 'edx.video.played') AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
	GROUP BY 1
), viewers AS (
	SELECT day, count(*) AS viewers
	FROM (SELECT DISTINCT day, username FROM d_learner_days(:tz) WHERE plays > 0 AND (course_id = :course OR (:course IS NULL AND course_id <> ''))) viewer_days
	GROUP BY 1
)
SELECT p.day, p.plays, coalesce(v.viewers, 0) AS viewers
FROM plays p LEFT JOIN viewers v ON v.day = p.day
WHERE (:from IS NULL OR p.day >= :from) AND (:to IS NULL OR p.day <= :to)
ORDER BY p.day
