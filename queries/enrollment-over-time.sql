-- id: enrollment-over-time
-- title: Enrollment over time
-- group: Enrollment
-- description: Per calendar day (in the time zone): activations and deactivations that changed a
--   learner's state (a repeated activation of an enrolled learner, or deactivation of an unenrolled one,
--   is ignored, as in edX Insights), the net change, and current enrollment at the end of the day (the
--   running total since the first event in the log, including days before the range). Changes logged at
--   the same time are taken in the log's order (the file whose name comes first, then line by line): a deactivation
--   followed by an activation in the same second (a change of mode) leaves the learner enrolled. Only the
--   days with a change that counts have a row.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- sort: day asc
-- chart: line x=day y=current_enrollment
WITH days AS (
	SELECT (time AT TIME ZONE :tz)::date AS day,
		count(*) FILTER (WHERE activated) AS activations,
		count(*) FILTER (WHERE NOT activated) AS deactivations
	-- A day whose changes were all ignored has no row, as a day without any (it read 0/0/0).
	FROM d_enrollment_change
	WHERE changed AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
	GROUP BY 1
), running AS (
	SELECT day, activations, deactivations, activations - deactivations AS net,
		sum(activations - deactivations) OVER (ORDER BY day) AS current_enrollment
	FROM days
)
SELECT day, activations, deactivations, net, current_enrollment
FROM running
WHERE (:from IS NULL OR day >= :from) AND (:to IS NULL OR day <= :to)
ORDER BY day
