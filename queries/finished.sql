-- id: finished
-- title: Finished the course
-- group: Completion
-- description: Learners who finished the course and when (first time), by the chosen definition:
--   passed = a passing grade (edx.course.grade.passed.first_time) or a certificate (edx.certificate.created);
--   certificate = any edx.certificate.* event; exam = any edx.special_exam.* event (the original's
--   definition: attempting a proctored/timed exam, which is not passing it). first_activity = the learner's first
--   learning activity in the course (any event but enrollment changes and /change_enrollment), in the time zone;
--   events = the learner's events in the course, with a time or not.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: finish | choice(passed,certificate,exam) | passed | What counts as finishing the course
-- param: tz | timezone | UTC | Time zone for the times
-- sort: finished_at asc
SELECT username, course_id, finished AS finished_at, first_activity, events
FROM (
	SELECT username, course_id, first_activity, events,
		CASE :finish WHEN 'exam' THEN first_exam WHEN 'certificate' THEN first_certificate ELSE first_passed END AS finished
	FROM d_learner
	WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
) l
WHERE finished IS NOT NULL
ORDER BY finished_at, username, course_id
