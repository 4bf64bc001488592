-- id: forum-activity
-- title: Forum activity per day
-- group: Forum
-- description: Per calendar day (in the time zone): threads, responses and comments created
--   (edx.forum.thread.created, edx.forum.response.created, edx.forum.comment.created) by learners (a post
--   without a username, which activity-by-day counts, is not counted) and the distinct learners who created
--   any of them.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- sort: day asc
-- chart: line x=day y=threads,responses,comments
SELECT day, sum(threads) AS threads, sum(responses) AS responses, sum(comments) AS comments, count(DISTINCT username) AS posters
FROM d_learner_days(:tz)
WHERE threads + responses + comments > 0
	AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
	AND (:from IS NULL OR day >= :from)
	AND (:to IS NULL OR day <= :to)
GROUP BY 1
ORDER BY day
