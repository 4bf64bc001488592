-- id: enrolled-not-started
-- title: Enrolled but never started
-- group: Completion
-- description: Learners currently enrolled (their latest enrollment change is an activation; of changes at
--   the same time, the last in the log's order: the file whose name comes first, then line by line) with no
--   learning activity — no event other than enrollment changes and the enrollment request — at or after
--   their first activation. Unlike the original this ignores learners who unenrolled again, and a single
--   event after enrolling already counts as starting (the original required a positive session time).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: tz | timezone | UTC | Time zone for the enrollment time
-- sort: enrolled_at asc
-- key: username, course_id
SELECT s.username, s.user_id, s.course_id, s.first_enrolled AS enrolled_at
FROM d_enrollment_state s
LEFT JOIN d_learner l ON l.course_id = s.course_id AND l.username = s.username
WHERE s.is_enrolled
	AND (s.course_id = :course OR (:course IS NULL AND s.course_id <> ''))
	AND (l.last_activity IS NULL OR l.last_activity < s.first_enrolled)
ORDER BY enrolled_at, s.username, s.course_id, s.user_id
