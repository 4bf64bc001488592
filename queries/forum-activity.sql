-- id: forum-activity
-- title: Forum activity per day
-- group: Forum
-- description: Per calendar day (in the time zone): threads, responses and comments created
--   (edx.forum.thread.created, edx.forum.response.created, edx.forum.comment.created) and the distinct
--   learners who created any of them.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- sort: day asc
-- chart: line x=day y=threads,responses,comments
WITH learner_days AS (
	-- UTC days: the posts summed per learner and day when the tables were built (d_learner_day); other time
	-- zones: per learner, hour and type.
	SELECT course_id, username, day, threads, responses, comments FROM d_learner_day WHERE :tz = 'UTC' AND threads + responses + comments > 0
	UNION ALL
	SELECT course_id, username, (hour AT TIME ZONE :tz)::date,
		CASE event_type WHEN 'edx.forum.thread.created' THEN events ELSE 0 END,
		CASE event_type WHEN 'edx.forum.response.created' THEN events ELSE 0 END,
		CASE event_type WHEN 'edx.forum.comment.created' THEN events ELSE 0 END
	FROM d_learner_type_hour
	WHERE :tz <> 'UTC' AND event_type IN ('edx.forum.thread.created', 'edx.forum.response.created', 'edx.forum.comment.created')
)
SELECT day, sum(threads) AS threads, sum(responses) AS responses, sum(comments) AS comments, count(DISTINCT username) AS posters
FROM learner_days
WHERE (course_id = :course OR (:course IS NULL AND course_id <> ''))
	AND (:from IS NULL OR day >= :from)
	AND (:to IS NULL OR day <= :to)
GROUP BY 1
ORDER BY day
