-- id: enrollment-by-mode
-- title: Enrollment by mode (audit, verified, …)
-- group: Enrollment
-- description: Per enrollment mode (audit, honor, verified, professional, …; "(none)" where the log
--   names none): the learners enrolled now whose current mode it is, their share of all enrolled now,
--   the learners ever enrolled in it (an activation, mode change or deactivation of theirs names it: a log that
--   begins with a learner's deactivation still says which mode they left), those who changed
--   to it from another mode (edx.course.enrollment.mode_changed: an upgrade from audit to verified; Open edX
--   logs a change to the same mode with every new enrollment, which is none; a change with nothing before it
--   in the log counts), and the unenrolled who left in it. A learner's current mode is the one of their last change of either kind: an activation
--   logs the mode it enrolls in, a mode change the new one (a learner who upgraded is verified, not audit as
--   their activation said). Learners are enrolled user ids as in course-summary, whose enrolled_now the
--   enrolled_now column sums to; one whose log has mode changes only (enrolled before the log begins) is
--   counted in changed_to and ever_enrolled, not as enrolled now.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: enrolled_now desc
-- chart: bar x=mode y=enrolled_now
WITH learners AS (
	-- Enrolled or not and the mode now (d_enrollment_state), the modes enrolled in and changed to (d_enrollment_modes): a
	-- user with mode changes only has the latter alone.
	SELECT s.is_enrolled, s.mode, m.enrolled_modes, m.changed_to_modes
	FROM (SELECT * FROM d_enrollment_state WHERE course_id = :course OR (:course IS NULL AND course_id <> '')) s
	FULL JOIN (SELECT * FROM d_enrollment_modes WHERE course_id = :course OR (:course IS NULL AND course_id <> '')) m
		ON m.course_id = s.course_id AND m.user_key = coalesce(s.user_id::text, s.username)
), modes AS (
	-- Each learner once per mode and kind: their current mode (enrolled now or left in it), the modes they were in, changed to.
	SELECT CASE WHEN is_enrolled THEN 'now' WHEN NOT is_enrolled THEN 'left' END AS kind, mode FROM learners WHERE is_enrolled IS NOT NULL
	UNION ALL SELECT 'ever', unnest(enrolled_modes) FROM learners
	UNION ALL SELECT 'to', unnest(changed_to_modes) FROM learners
), counts AS (
	SELECT coalesce(nullif(mode, ''), '(none)') AS mode,
		count(*) FILTER (WHERE kind = 'now') AS enrolled_now, count(*) FILTER (WHERE kind = 'ever') AS ever_enrolled,
		count(*) FILTER (WHERE kind = 'to') AS changed_to, count(*) FILTER (WHERE kind = 'left') AS unenrolled
	FROM modes
	GROUP BY 1
)
SELECT mode, enrolled_now, round(100.0 * enrolled_now / nullif(sum(enrolled_now) OVER (), 0), 1) AS share_percent,
	ever_enrolled, changed_to, unenrolled
FROM counts
ORDER BY enrolled_now DESC, mode
