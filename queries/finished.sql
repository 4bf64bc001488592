-- id: finished
-- title: Finished the course
-- group: Completion
-- description: Learners who finished the course and when (first time), by the chosen definition:
--   passed = a passing grade (edx.course.grade.passed.first_time) or a certificate (edx.certificate.created);
--   certificate = any edx.certificate.* event (both also when a background task logged them without a username:
--   the learner is then the name of the event's user id, event.user_id); exam = any edx.special_exam.* event (the
--   original's definition: attempting a proctored/timed exam, which is not passing it). first_activity = the learner's first
--   learning activity in the course (any event but enrollment changes and /change_enrollment), in the time zone;
--   events = the learner's events in the course, with a time or not.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: finish | choice(passed,certificate,exam) | passed | What counts as finishing the course
-- param: tz | timezone | UTC | Time zone for the times
-- sort: finished_at asc
SELECT username, course_id, finished AS finished_at, first_activity, events
FROM (
	SELECT l.username, l.course_id, l.first_activity, l.events,
		CASE :finish WHEN 'exam' THEN l.first_exam
			WHEN 'certificate' THEN least(l.first_certificate, n.first_certificate) ELSE least(l.first_passed, n.first_passed) END AS finished
	FROM d_learner l
	LEFT JOIN d_named_finish n ON n.course_id = l.course_id AND n.username = l.username
	WHERE l.course_id = :course OR (:course IS NULL AND l.course_id <> '')
) l
WHERE finished IS NOT NULL
ORDER BY finished_at, username, course_id
