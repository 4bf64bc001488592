-- id: section-coverage
-- title: Content coverage per section
-- group: Pages
-- description: Per section (a sequential, Open edX Aspects' "subsection"), how many of the course's learners viewed
--   none, some or all of its pages, as Aspects' Page Engagement buckets them ("No pages viewed yet", "At least one page
--   viewed", "All pages viewed"). A section is what its pages' URLs name: /courses/<course>/courseware/<chapter>/<section>
--   with or without the unit's position after it (old /courses/ORG/COURSE/RUN/… URLs too), and the learning MFE's
--   …type@sequential+block@<section>…. Its pages are its units' URLs (normalised, as in page-visits: …/<section>/<n>, the
--   MFE's …/<section>/<unit>) that a learner visited in the course: a log knows no others, so a unit nobody opened is
--   missing and "all" means all those someone opened (Aspects counts a subsection's units from the course's structure,
--   which a log lacks). The section's own URL, without a unit (…/courseware/<chapter>/<section>/, a jump_to link of it),
--   is no page beside them: Open edX shows there the unit the learner was last on (the first on a first visit), which
--   the URL does not say. A learner who visited a section only so viewed one of its pages (counted 1: which one is
--   unknown; beside its units' URLs it adds nothing). The LMS of 2013–2015 logged a section under that one URL only (its
--   units were tabs of the page), so there each section has one page and is viewed all or not at all: by=chapter is the finer answer there, a row per chapter (Aspects' "section") whose pages are
--   those of all its sections (edX2BigQuery's "explored" counts the chapters a learner opened). A chapter is the one a
--   section's courseware URLs name; a section only the MFE's URLs name (they give no chapter) stays a row of its own.
--   Pages of no section are left out: course info, progress, forum, wiki, textbooks, jump_to links of a unit, and a
--   chapter's own URL (it only opens its first section). They are no part of the content's outline, and "all of them"
--   (each forum thread a page) would mean nothing. learners = the course's learners (a username with an event in it,
--   as in learners), each course's own with all courses together; pages_viewed = their pages viewed of the row, added
--   up (with a user: that learner's). name = the section's name when known (see page-names; chapters have none in the
--   logs). Rows: each course's, the most viewed first (fewest learners who viewed none).
-- param: course | course | | Course id (empty: the only course, or all courses, each with its own learners)
-- param: user | user | | Learner username (empty: all learners; given, the learners columns count that one)
-- param: by | choice(section,chapter) | section | A row per section (sequential) or per chapter
-- sort: course asc
WITH url_rows AS (
	-- Each section URL's row: its section, or with by=chapter its chapter (a chapter id has no '/', a section key has),
	-- numbered: the learners' pages are counted per number, not per text key. bare: the URL ends at the section's id
	-- (…/courseware/<chapter>/<section>, the MFE's …+block@<section>, a jump_to link of it), no unit after it.
	SELECT url_id, section, chapter, row_key, dense_rank() OVER (ORDER BY row_key) AS row_id, right(url, length(id) + 1) IN ('/' || id, '@' || id) AS bare
	FROM (
		SELECT url_id, url, section, id, chapter, CASE WHEN :by = 'chapter' AND chapter IS NOT NULL THEN chapter ELSE section END AS row_key
		FROM (
			-- The chapter as the section's LMS courseware URLs name it (the MFE's name none).
			SELECT url_id, url, section, substring(section FROM '[^/]*$') AS id,
				max(nullif(split_part(split_part(url, '/courseware/', 2), '/', 1), '')) OVER (PARTITION BY section) AS chapter
			FROM d_url WHERE section IS NOT NULL
		) sections
	) keyed
), course_rows AS (
	-- Each course's pages of each row: of each of its sections, the unit URLs a learner visited in that course, or one
	-- page where the section was only visited without a unit.
	SELECT course_id, row_id, row_key, max(chapter) AS chapter, sum(pages)::bigint AS pages
	FROM (
		SELECT p.course_id, r.row_id, r.row_key, r.section, max(r.chapter) AS chapter, greatest(count(*) FILTER (WHERE NOT r.bare), 1) AS pages
		FROM (
			SELECT DISTINCT course_id, url_id FROM d_learner_page WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
		) p JOIN url_rows r ON r.url_id = p.url_id
		GROUP BY p.course_id, r.row_id, r.row_key, r.section
	) sections
	GROUP BY course_id, row_id, row_key
), viewed AS (
	-- How many learners viewed how many pages of each row (d_learner_page has one row per learner and page visited; a
	-- section visited without a unit only is one page viewed).
	-- Counted per number of pages, not compared with the row's pages learner by learner: to join each learner's count to
	-- it, the planner sorted 480k rows by course id and name at 10M events (0.7 s of a 1.1 s query).
	SELECT course_id, row_id, pages, count(*) AS learners
	FROM (
		SELECT course_id, row_id, sum(pages)::bigint AS pages
		FROM (
			SELECT p.course_id, r.row_id, p.username, greatest(count(*) FILTER (WHERE NOT r.bare), 1) AS pages
			FROM d_learner_page p JOIN url_rows r ON r.url_id = p.url_id
			WHERE (p.course_id = :course OR (:course IS NULL AND p.course_id <> '')) AND (:user IS NULL OR p.username = :user)
			GROUP BY p.course_id, r.row_id, r.section, p.username
		) learner_sections
		GROUP BY course_id, row_id, username
	) learner_pages
	GROUP BY course_id, row_id, pages
), learners AS (
	SELECT course_id, count(*) AS learners FROM d_learner
	WHERE (course_id = :course OR (:course IS NULL AND course_id <> '')) AND (:user IS NULL OR username = :user)
	GROUP BY course_id
)
SELECT r.course_id AS course, r.chapter,
	CASE WHEN strpos(r.row_key, '/') > 0 THEN substring(r.row_key FROM '[^/]*$') END AS section, n.name, r.pages, l.learners,
	l.learners - coalesce(sum(v.learners), 0) AS viewed_none,
	coalesce(sum(v.learners) FILTER (WHERE v.pages < r.pages), 0) AS viewed_some,
	coalesce(sum(v.learners) FILTER (WHERE v.pages = r.pages), 0) AS viewed_all,
	coalesce(sum(v.learners * v.pages), 0) AS pages_viewed
FROM course_rows r
	JOIN learners l ON l.course_id = r.course_id
	LEFT JOIN viewed v ON v.course_id = r.course_id AND v.row_id = r.row_id
	LEFT JOIN d_section_name n ON n.section = r.row_key
GROUP BY r.course_id, r.row_id, r.row_key, r.chapter, n.name, r.pages, l.learners
ORDER BY course, viewed_none, r.chapter, section, r.row_key
