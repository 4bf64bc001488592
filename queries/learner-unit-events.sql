-- id: learner-unit-events
-- title: Events per learner per unit
-- group: Pages
-- description: For the chosen event types (comma-separated; default: video play, pause and load, and
--   outline clicks), the number of each learner's events per page (normalised URL: the unit) and type,
--   with the section name when known (see page-names). Only events that carry a page (a URL: see page-visits).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: user | user | | Learner username (empty: all learners)
-- param: types | event-types | play_video,pause_video,load_video,edx.ui.lms.outline.selected | Event types, comma-separated
-- sort: username asc
SELECT p.username, u.url, u.name, p.event_type, sum(p.events) AS events
-- Named before summing: the one sort that orders the result also groups it (no hash table of every row).
FROM d_learner_page_type p JOIN d_url_name u ON u.url_id = p.url_id
WHERE p.event_type = ANY (string_to_array(replace(:types, ' ', ''), ','))
	AND (p.course_id = :course OR (:course IS NULL AND p.course_id <> ''))
	AND (:user IS NULL OR p.username = :user)
GROUP BY p.username, u.url, p.event_type, u.name
ORDER BY p.username, u.url, p.event_type
