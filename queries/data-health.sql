-- id: data-health
-- title: Data health
-- group: Data
-- description: What was loaded and what was not, over every input: files loaded / failed / loading (a
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
	SELECT count(*) FILTER (WHERE status = 'loaded') AS loaded_files, count(*) FILTER (WHERE status = 'failed') AS failed_files,
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
		(1, 'files loaded (zip members one by one)', f.loaded_files), (2, 'files failed', f.failed_files), (3, 'files still loading or interrupted', f.loading_files),
		(4, 'files replaced by other content', f.replaced_files), (5, 'files superseded by a whole copy', f.superseded_files),
		(6, 'lines read', f.lines_read), (7, 'blank lines', f.blank_lines), (8, 'events loaded', f.loaded),
		(9, 'duplicate lines', f.duplicates), (10, 'rejected lines', f.rejected),
		(20, 'events without a course', d.no_course), (21, 'events without a username', d.no_user), (22, 'events without a time', d.no_time)
	) AS s(step, item, count)
	UNION ALL
	-- Under the total, the most frequent reason first.
	SELECT 11, 'rejected: ' || reason, count(*)
	FROM rejected_lines GROUP BY reason
) rows
ORDER BY step, count DESC, item
