-- id: event-types
-- title: Event types
-- group: Activity
-- description: Each event_type with its number of events and its share of all events in the course,
--   over the whole log (events without a readable time too: data-health counts them). Server requests log their URL path as the event type, so each page or block
--   requested appears as its own type here (per-day tasks count them together as "(server request)"). Events without
--   an event_type are "(none)".
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: events desc
-- chart: bar x=event_type y=events
SELECT
	-- A blank type read as no row label (Open edX's processed events name their type in `name`): said as languages says one.
	CASE WHEN event_type = '' THEN '(none)' ELSE event_type END AS event_type, sum(events) AS events,
	round(100.0 * sum(events) / sum(sum(events)) OVER (), 2) AS percent
FROM d_type_total
WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
GROUP BY 1
ORDER BY events DESC, event_type
