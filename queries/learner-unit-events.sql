-- id: learner-unit-events
-- title: Events per learner per unit
-- group: Pages
-- description: For the chosen event types (comma-separated; default: video play, pause and load, and
--   outline clicks), the number of each learner's events per page (normalised URL: the unit) and type,
--   with the section name when known. Only events that carry a page.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: user | user | | Learner username (empty: all learners)
-- param: types | text | play_video,pause_video,load_video,edx.ui.lms.outline.selected | Event types, comma-separated
-- sort: username asc
WITH per_page AS (
	SELECT username, url_id, event_type, sum(events) AS events
	FROM d_learner_page_type
	WHERE event_type = ANY (string_to_array(replace(:types, ' ', ''), ','))
		AND (course_id = :course OR (:course IS NULL AND course_id <> ''))
		AND (:user IS NULL OR username = :user)
	GROUP BY username, url_id, event_type
)
SELECT p.username, u.url, n.name, p.event_type, p.events
FROM per_page p JOIN d_url u ON u.url_id = p.url_id LEFT JOIN d_page_name n ON n.url = u.url
ORDER BY p.username, u.url, p.event_type
