-- id: pdf-views
-- title: PDF textbook views
-- group: Textbooks
-- description: Per PDF (the file name at the end of event.chapter): viewers = distinct learners with any
--   textbook.pdf.* event on it, page_loads = textbook.pdf.page.loaded events, events = all its textbook
--   events. (The original called scroll-event counts "unique views".)
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: viewers desc
-- chart: bar x=pdf y=viewers
SELECT pdf, count(DISTINCT username) AS viewers, count(*) FILTER (WHERE event_type = 'textbook.pdf.page.loaded') AS page_loads, count(*) AS events
FROM d_textbook_event
WHERE pdf IS NOT NULL AND event_type LIKE 'textbook.pdf.%'
	AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
GROUP BY pdf
ORDER BY viewers DESC, pdf
