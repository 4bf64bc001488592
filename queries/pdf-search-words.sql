-- id: pdf-search-words
-- title: Words searched in PDF textbooks
-- group: Textbooks
-- description: Words of the queries learners typed in the PDF textbook search
--   (textbook.pdf.search.executed, event.query): each query is case-folded and split on anything that
--   is not a letter or digit, by Unicode's rules (Интеграл and интеграл are one word); per word, the
--   searches containing it and the distinct learners.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: searches desc
SELECT w.word, count(DISTINCT t.ctid) AS searches, count(DISTINCT t.username) AS learners
FROM d_textbook_event t
CROSS JOIN LATERAL d_words(t.query) AS w(word)
WHERE t.event_type = 'textbook.pdf.search.executed'
	AND (t.course_id = :course OR (:course IS NULL AND t.course_id <> ''))
GROUP BY w.word
ORDER BY searches DESC, w.word
