-- id: funnel
-- title: Funnel from enrollment to completion
-- group: Completion
-- description: Of the learners who ever enrolled (an enrollment activation in the log; one per enrolled user id
--   and course, as course-summary's enrolled_ever counts them, each with the activity of its name), how many then
--   reached each stage: started (learning activity at or after enrolling), watched a video (played one),
--   attempted a problem (a graded problem check), attempted an exam (edx.special_exam.*), passed (passing
--   grade or certificate event, the name's or, logged without a username by a background task, the user id's; a
--   course grade that carries a letter is a passing grade, as in finished).
--   Each stage is counted independently (the later stages at any time: a log seldom has them before the
--   enrollment, and E2B's viewed / explored stages need the course's structure, which logs do not hold); percent
--   is of the enrolled.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: step asc
-- chart: bar x=stage y=learners
WITH enrolled AS (
	SELECT s.first_enrolled, l.*, p.user_id IS NOT NULL AS user_passed
	FROM d_enrollment_state s
	LEFT JOIN d_learner l ON l.course_id = s.course_id AND l.username = s.username
	LEFT JOIN (SELECT DISTINCT course_id, user_id FROM d_user_finish WHERE passed) p ON p.course_id = s.course_id AND p.user_id = s.user_id
	WHERE s.activations > 0 AND (s.course_id = :course OR (:course IS NULL AND s.course_id <> ''))
), counts AS (
	SELECT count(*) AS enrolled,
		count(*) FILTER (WHERE last_activity >= first_enrolled) AS started,
		count(*) FILTER (WHERE video_plays > 0) AS video,
		count(*) FILTER (WHERE problem_checks > 0) AS problem,
		count(*) FILTER (WHERE first_exam IS NOT NULL) AS exam,
		count(*) FILTER (WHERE first_passed IS NOT NULL OR user_passed) AS passed
	FROM enrolled
)
SELECT step, stage, learners, CASE WHEN enrolled > 0 THEN round(100.0 * learners / enrolled, 1) END AS percent
FROM counts, LATERAL (VALUES
	(1, 'enrolled', enrolled), (2, 'started', started), (3, 'watched a video', video),
	(4, 'attempted a problem', problem), (5, 'attempted an exam', exam), (6, 'passed', passed)
) AS stages(step, stage, learners)
ORDER BY step
