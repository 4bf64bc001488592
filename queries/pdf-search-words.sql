-- id: pdf-search-words
-- title: Words searched in PDF textbooks
-- group: Textbooks
-- description: Words of the queries learners typed in the PDF textbook search
--   (textbook.pdf.search.executed, event.query): each query is normalised (NFKC: x² is x2), split into
--   runs of Unicode letters, marks and numbers (any script's digits; a Devanagari word keeps its vowel
--   signs), and each word case-folded (Интеграл and интеграл, STRASSE and straße are one word; the Turkish
--   dotless ı folds to i); per word, the searches containing it and the distinct learners. Only learners' searches
--   with a readable time count (a search without a username or a time is not in searches either).
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- sort: searches desc
SELECT w.word, count(*) AS searches, count(DISTINCT t.username) AS learners
FROM d_textbook_event t
CROSS JOIN LATERAL unnest(t.words) AS w(word)
WHERE t.event_type = 'textbook.pdf.search.executed'
	AND (t.course_id = :course OR (:course IS NULL AND t.course_id <> ''))
GROUP BY w.word
ORDER BY searches DESC, w.word
