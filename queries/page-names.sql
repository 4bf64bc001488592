-- id: page-names
-- title: Page URL to section name
-- group: Pages
-- description: Normalised page URLs and their section names. A URL's own name is the one learners saw
--   for it in outline and link clicks (target_url / target_name of edx.ui.lms.outline.selected,
--   edx.ui.lms.link_clicked), without the white space around it (a name of white space alone is none); the most recent non-empty name wins (of names clicked at the same time, the first in byte order). A URL without one takes the name of the section
--   (sequential) it belongs to, from any URL of that section in the same course: a page
--   …/courseware/<chapter>/<sequential>/<n> is named by a click to …/jump_to/…type@sequential+block@<sequential>,
--   and so are the learning MFE's pages of that sequential. Only URLs with a name are listed. With a
--   course, only URLs containing the course id. Every outline and link click names its target, whether the click's
--   own event has a course or not: the URL says which course it is of.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: url asc
SELECT url, name
FROM d_url_name
WHERE name IS NOT NULL AND (:course IS NULL OR strpos(url, :course) > 0)
ORDER BY url
