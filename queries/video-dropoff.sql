-- id: video-dropoff
-- title: Video drop-off by position
-- group: Video
-- description: For one video, how many learners watched each segment of it (default 10-second segments,
--   from the watching intervals of video-engagement): viewers = distinct learners whose intervals cover (part
--   of) the segment, views = intervals covering it. Where the curve falls, learners stop watching.
-- param: video | text | required | Video id (event.id of the player events; see video-engagement)
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: segment | integer(1..3600) | 10 | Segment length in seconds
-- sort: segment_start asc
-- chart: line x=segment_start y=viewers
SELECT segment * :segment AS segment_start, count(*) AS viewers, sum(views) AS views
FROM (
	-- Views per segment and learner first (hashed), then counted: counting distinct learners per segment sorted every view.
	SELECT s.segment, i.username, count(*) AS views
	FROM d_video_interval i
	CROSS JOIN LATERAL generate_series(floor(i.start_position / :segment)::bigint, ceil(i.end_position / :segment)::bigint - 1) AS s(segment)
	WHERE i.video_id = :video AND (i.course_id = :course OR (:course IS NULL AND i.course_id <> ''))
	GROUP BY s.segment, i.username
) per_viewer
GROUP BY segment
ORDER BY segment_start
