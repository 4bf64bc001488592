-- id: languages
-- title: Browser languages
-- group: Audience
-- description: Learners and events by the browser's preferred language: the first tag of the
--   Accept-Language header, lower-cased (e.g. ru-ru, en-us); "(none)" when the header is absent. Every
--   event of a learner counts, with a time or not.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: learners desc
-- chart: bar x=language y=learners
SELECT CASE WHEN language = '' THEN '(none)' ELSE language END AS language,
	count(DISTINCT username) AS learners, sum(events) AS events
FROM d_client
WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
GROUP BY 1
ORDER BY learners DESC, events DESC, language
