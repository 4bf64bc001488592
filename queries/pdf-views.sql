-- id: pdf-views
-- title: PDF textbook views
-- group: Textbooks
-- description: Per PDF (the file name at the end of event.chapter): viewers = distinct learners with any
--   textbook.pdf.* event on it, page_loads = textbook.pdf.page.loaded events, events = all its textbook
--   events. (The original called scroll-event counts "unique views".) The viewer logs its page loads and page turns
--   as book events naming their kind in event.name (textbook.pdf.page.loaded, textbook.pdf.page.navigatednext): such
--   an event counts as the textbook.pdf.* event it names. Only learners' events with a readable time count (one
--   without a username or a time is in event-types and data-health, not here), in page_loads and events too.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: viewers desc
-- chart: bar x=pdf y=viewers
SELECT pdf, count(*) AS viewers, sum(page_loads)::bigint AS page_loads, sum(events)::bigint AS events
FROM (
	-- Summed per viewer first: one hashed pass instead of sorting every event by PDF and learner.
	SELECT pdf, username, count(*) FILTER (WHERE event_type = 'textbook.pdf.page.loaded') AS page_loads, count(*) AS events
	FROM d_textbook_event
	WHERE pdf IS NOT NULL AND event_type LIKE 'textbook.pdf.%'
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
	GROUP BY pdf, username
) per_viewer
GROUP BY pdf
ORDER BY viewers DESC, pdf
