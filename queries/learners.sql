-- id: learners
-- title: Learners
-- group: Learners
-- description: Every learner (distinct non-empty username) with an event in the course: user id (the greatest
--   where the logs give the name several: Open edX gives a name one, so several mean logs of two platforms, or an
--   account deleted and its name taken again), first
--   and last event (in the time zone, in JSON with its offset; empty when none of their events has a readable time)
--   and number of events (every event, with a time or not). Over all courses together a learner's figures
--   are summed across courses. Filter on one learner with user.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: user | user | | Learner username (empty: all learners)
-- param: tz | timezone | UTC | Time zone for the first and last seen times
-- sort: events desc
SELECT username, max(user_id) AS user_id,
	min(first_time) AS first_seen, max(last_time) AS last_seen,
	sum(events) AS events
FROM d_learner
WHERE (course_id = :course OR (:course IS NULL AND course_id <> ''))
	AND (:user IS NULL OR username = :user)
GROUP BY username
ORDER BY events DESC, username
