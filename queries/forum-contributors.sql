-- id: forum-contributors
-- title: Top forum contributors
-- group: Forum
-- description: Learners by forum posts created (threads + responses + comments, from
--   edx.forum.*.created events), with each kind and their other forum events (reads, votes, follows …).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: top | integer(1..100000) | 50 | Number of learners to list
-- sort: posts desc
SELECT username,
	coalesce(sum(events) FILTER (WHERE event_type LIKE 'edx.forum.%.created'), 0) AS posts,
	coalesce(sum(events) FILTER (WHERE event_type = 'edx.forum.thread.created'), 0) AS threads,
	coalesce(sum(events) FILTER (WHERE event_type = 'edx.forum.response.created'), 0) AS responses,
	coalesce(sum(events) FILTER (WHERE event_type = 'edx.forum.comment.created'), 0) AS comments,
	coalesce(sum(events) FILTER (WHERE event_type NOT LIKE 'edx.forum.%.created'), 0) AS other_forum_events
FROM d_learner_type_hour
WHERE event_type LIKE 'edx.forum.%'
	AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
GROUP BY username
ORDER BY posts DESC, other_forum_events DESC, username
LIMIT :top
