-- id: data-health
-- title: Data health
-- group: Data
-- description: What was loaded and what was not, over every input: files loaded / not a tracking log (JSON spread
--   over many lines, a JSON array, a CSV: nothing loaded from them, the files listing says why) / failed / loading (a
--   zip's members each count as a file here and in the files listing; ingest's summary counts the zip once),
--   files replaced by other content under the same name (a rotated log: the old content's events and
--   lines stay, and count below), files superseded (left loading or failed, their content since loaded whole
--   from another input: what they loaded stays, and counts below), non-blank lines read, blank lines (ignored, counted apart), events loaded, duplicates (the same line
--   seen again, in the same or another file; a rejected line another input holds too is kept and counted
--   once, there: a copy of a loaded file rejects nothing again), rejected lines in total and per reason, and loaded events
--   lacking a course, a username (or logged as anonymous: Open edX's server-side enrollments) or a time
--   (they are kept but left out of per-course or per-learner tasks). lines read = loaded + duplicates + rejected.
-- sort: step asc
WITH files AS (
	-- A file whose content is no tracking log (pretty-printed JSON, a CSV) is stored as loaded with nothing from it and the
	-- reason as its error: counted as loaded, 81 such files of a corpus read as 81 logs more than were loaded.
	SELECT count(*) FILTER (WHERE status = 'loaded' AND error IS NULL) AS loaded_files,
		count(*) FILTER (WHERE status = 'loaded' AND error IS NOT NULL) AS not_log_files, count(*) FILTER (WHERE status = 'failed') AS failed_files,
		count(*) FILTER (WHERE status = 'loading') AS loading_files, count(*) FILTER (WHERE status = 'replaced') AS replaced_files,
		count(*) FILTER (WHERE status = 'superseded') AS superseded_files,
		coalesce(sum(lines_read), 0) AS lines_read, coalesce(sum(blank_lines), 0) AS blank_lines, coalesce(sum(loaded), 0) AS loaded,
		coalesce(sum(duplicates), 0) AS duplicates, coalesce(sum(rejected), 0) AS rejected
	-- A file still loading, or whose load was killed, counts what its chunks committed.
	FROM source_file_counts
), derived AS (
	SELECT coalesce(sum(no_course), 0) AS no_course, coalesce(sum(no_user), 0) AS no_user, coalesce(sum(no_time), 0) AS no_time FROM d_load_stats
)
SELECT step, item, count FROM (
	SELECT s.* FROM files f, derived d, LATERAL (VALUES
		(1, 'files loaded (zip members one by one)', f.loaded_files), (2, 'files not a tracking log (nothing loaded from them)', f.not_log_files),
		(3, 'files failed', f.failed_files), (4, 'files still loading or interrupted', f.loading_files),
		(5, 'files replaced by other content', f.replaced_files), (6, 'files superseded by a whole copy', f.superseded_files),
		(7, 'lines read', f.lines_read), (8, 'blank lines', f.blank_lines), (9, 'events loaded', f.loaded),
		(10, 'duplicate lines', f.duplicates), (11, 'rejected lines', f.rejected),
		(20, 'events without a course', d.no_course), (21, 'events without a username', d.no_user), (22, 'events without a time', d.no_time)
	) AS s(step, item, count)
	UNION ALL
	-- Under the total, the most frequent reason first.
	SELECT 12, 'rejected: ' || reason, count(*)
	FROM rejected_lines GROUP BY reason
) rows
ORDER BY step, count DESC, item
