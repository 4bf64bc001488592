-- id: forum-contributors
-- title: Top forum contributors
-- group: Forum
-- description: Learners by forum posts created (threads + responses + comments, from
--   edx.forum.*.created events), with each kind and their other edx.forum.* events (reads, votes, follows …;
--   the server's /discussion/ page requests are not counted: creating a post logs one too). Ranked by posts, then
--   other forum events, then username: learners tied at the top cut are taken in that order.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: top | integer(1..100000) | 50 | Number of learners to list
-- sort: posts desc
WITH per_course AS (
	-- Forum events and posts by kind per learner-day (d_learner_day), summed per learner and course; posts of
	-- any kind come from d_learner.
	SELECT course_id, username, sum(forum) AS forum, sum(threads) AS threads, sum(responses) AS responses, sum(comments) AS comments
	FROM d_learner_day
	WHERE forum > 0 AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
	GROUP BY course_id, username
)
SELECT p.username, sum(l.forum_posts) AS posts, sum(p.threads) AS threads, sum(p.responses) AS responses, sum(p.comments) AS comments,
	sum(p.forum - l.forum_posts) AS other_forum_events
FROM per_course p JOIN d_learner l ON l.course_id = p.course_id AND l.username = p.username
GROUP BY p.username
ORDER BY posts DESC, other_forum_events DESC, p.username
LIMIT :top
