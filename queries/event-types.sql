-- id: event-types
-- title: Event types
-- group: Activity
-- description: Each event_type (the top-level event_type; server page requests appear as their URL path)
--   with its number of events and its share of all events in the course and date range.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: from | date | | First day, inclusive, in the time zone (empty: no limit)
-- param: to | date | | Last day, inclusive, in the time zone (empty: no limit)
-- param: tz | timezone | UTC | Time zone for the date range
-- sort: events desc
-- chart: bar x=event_type y=events
SELECT event_type, sum(events) AS events,
	round(100.0 * sum(events) / sum(sum(events)) OVER (), 2) AS percent
FROM d_type_hour
WHERE (course_id = :course OR (:course IS NULL AND course_id <> ''))
	AND (:from IS NULL OR (hour AT TIME ZONE :tz)::date >= :from)
	AND (:to IS NULL OR (hour AT TIME ZONE :tz)::date <= :to)
GROUP BY event_type
ORDER BY events DESC, event_type
