-- id: activity-by-day
-- title: Activity by event type per day
-- group: Activity
-- description: Events per calendar day (in the time zone) and event_type, for all learners or one
--   learner (user). Uses the top-level event_type, which every tracking-log event has (the original used `name`,
--   missing on many server events); server requests, whose event type is their URL path, are counted
--   together as "(server request)" (event-types lists them one by one), events without an event_type as "(none)". With no user, events without a
--   username count too. One learner's events are put in days by their exact times, all learners' by their
--   UTC hours, as the tables count them: in a zone whose offset is not whole hours (Asia/Kolkata) the
--   events of the first minutes after midnight are then on the day before (the answer says so).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: user | user | | Learner username (empty: all learners)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for days
-- exact-with: user
-- chart: line x=day y=events sum
-- sort: day asc
SELECT day, CASE WHEN event_type = '' THEN '(none)' ELSE event_type END AS event_type, sum(events) AS events
FROM (
	-- Everyone, in the day zone or UTC (see README): counted per day when the tables were built.
	SELECT course_id, day, event_type, events FROM d_type_days(:tz) WHERE :user IS NULL
	UNION ALL
	-- Everyone, in another zone: the hours put in its days.
	SELECT course_id, d_day_of(hour, :tz, (SELECT d_hour_days(:tz))), event_type, events FROM d_type_hour WHERE :user IS NULL AND d_day_source(:tz) = 'hours'
	UNION ALL
	-- One learner: their events one by one (times and hourly types, as arrays).
	SELECT e.course_id, (t.time AT TIME ZONE :tz)::date, t.event_type, 1
	FROM d_learner_events e CROSS JOIN LATERAL unnest(e.times, e.event_types) AS t(time, event_type)
	WHERE e.username = :user
) activity
WHERE (course_id = :course OR (:course IS NULL AND course_id <> ''))
	AND (:from IS NULL OR day >= :from)
	AND (:to IS NULL OR day <= :to)
GROUP BY 1, 2
ORDER BY day, events DESC, event_type
