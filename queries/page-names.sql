-- id: page-names
-- title: Page URL to section name
-- group: Pages
-- description: Normalised page URLs and the section names learners saw for them, taken from the
--   target_url / target_name of outline and link clicks (edx.ui.lms.outline.selected,
--   edx.ui.lms.link_clicked); the most recent name wins. Only pages someone clicked to are named. With a
--   course, only URLs containing the course id.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: url asc
SELECT url, name
FROM d_page_name
WHERE :course IS NULL OR strpos(url, :course) > 0
ORDER BY url
