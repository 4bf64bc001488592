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
SELECT t.username, t.url, n.name, t.event_type, sum(t.events) AS events
FROM d_learner_page_type t LEFT JOIN d_page_name n ON n.url = t.url
WHERE t.event_type = ANY (string_to_array(replace(:types, ' ', ''), ','))
	AND (t.course_id = :course OR (:course IS NULL AND t.course_id <> ''))
	AND (:user IS NULL OR t.username = :user)
GROUP BY t.username, t.url, n.name, t.event_type
ORDER BY t.username, t.url, t.event_type
