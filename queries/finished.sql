-- id: finished
-- title: Finished the course
-- group: Completion
-- description: Learners who finished the course and when (first time), by the chosen definition:
--   passed = a passing grade (edx.course.grade.passed.first_time, or the first edx.grades.course.grade_calculated
--   that carries a letter, within 0-100 %: Open edX logs the two together, and a log loaded from after the first lacks
--   it) or a certificate (edx.certificate.created);
--   certificate = any edx.certificate.* event (both also when a background task logged them without a username:
--   the learner is then the name of the event's user id, event.user_id); exam = any edx.special_exam.* event (the
--   original's definition: attempting a proctored/timed exam, which is not passing it). first_activity = the learner's first
--   learning activity in the course (any event but enrollment changes and /change_enrollment), in the time zone;
--   events = the learner's events in the course, with a time or not. A learner whose finish a background task logged
--   may have no event of their own in the loaded logs (only the last month's loaded, or enrolled by staff and active
--   elsewhere): listed with first_activity empty and events 0.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: finish | choice(passed,certificate,exam) | passed | What counts as finishing the course
-- param: tz | timezone | UTC | Time zone for the times
-- sort: finished_at asc
-- key: username, course_id
SELECT username, course_id, finished AS finished_at, first_activity, events
FROM (
	SELECT coalesce(l.username, n.username) AS username, coalesce(l.course_id, n.course_id) AS course_id, l.first_activity, coalesce(l.events, 0) AS events,
		CASE :finish WHEN 'exam' THEN l.first_exam
			WHEN 'certificate' THEN least(l.first_certificate, n.first_certificate) ELSE least(l.first_passed, n.first_passed) END AS finished
	FROM (SELECT * FROM d_learner WHERE course_id = :course OR (:course IS NULL AND course_id <> '')) l
	-- A full join: a learner whose finish a background task logged may have no event of their own in the loaded logs
	-- (funnel and at-risk count them passed through their enrollment).
	FULL JOIN (SELECT * FROM d_named_finish WHERE course_id = :course OR (:course IS NULL AND course_id <> '')) n
		ON n.course_id = l.course_id AND n.username = l.username
) l
WHERE finished IS NOT NULL
ORDER BY finished_at, username, course_id
