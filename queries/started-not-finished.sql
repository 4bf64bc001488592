-- id: started-not-finished
-- title: Started but not finished
-- group: Completion
-- description: Learners who started the course — learning activity (any event other than enrollment
--   changes) at or after their first enrollment, or any learning activity when the log holds no
--   enrollment of theirs — and have not finished it. "Finished" is chosen with finish: passed = a passing grade
--   (edx.course.grade.passed.first_time, or a course grade that carries a letter: as finished) or a certificate
--   (edx.certificate.created); certificate = any
--   edx.certificate.* event (both also when a background task logged them without a username, for the name of the
--   event's user id); exam = any edx.special_exam.* event (the original's definition, which means
--   "started a proctored or timed exam", not passed, and never happens in courses without such exams).
--   events = the learner's events in the course, with a time or not. A learner is a username, as in learners and
--   finished: one row per name and course, however many user ids enrolled under it (a name reused, or learners
--   enrolled by a staff member whose name their enrollments keep); their first enrollment is the earliest of these.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: finish | choice(passed,certificate,exam) | passed | What counts as finishing the course
-- param: tz | timezone | UTC | Time zone for the first and last activity times
-- sort: last_activity desc
-- key: username, course_id
SELECT l.username, l.course_id, l.first_activity, l.last_activity, l.events
FROM d_learner l
LEFT JOIN d_named_finish n ON n.course_id = l.course_id AND n.username = l.username
-- Per name: a join per enrolled user id listed a name with two of them twice.
LEFT JOIN (
	SELECT course_id, username, min(first_enrolled) AS first_enrolled FROM d_enrollment_state WHERE activations > 0 GROUP BY course_id, username
) s ON s.course_id = l.course_id AND s.username = l.username
WHERE l.last_activity >= coalesce(s.first_enrolled, '-infinity')
	AND (l.course_id = :course OR (:course IS NULL AND l.course_id <> ''))
	AND (CASE :finish WHEN 'exam' THEN l.first_exam
		WHEN 'certificate' THEN least(l.first_certificate, n.first_certificate) ELSE least(l.first_passed, n.first_passed) END) IS NULL
ORDER BY last_activity DESC, l.username, l.course_id
