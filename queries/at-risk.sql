-- id: at-risk
-- title: At-risk learners (dropout)
-- group: Completion
-- description: Learners currently enrolled (their latest enrollment change is an activation; of changes at
--   the same time, the last in the log's order: the file whose name comes first, then line by line) whose last
--   learning activity, or latest enrollment if that is later (one who never started, or re-enrolled after
--   leaving, counts from it), is more than `days` days before the reference day — by default the last day with any event
--   in that course, each course its own (logs are historical, so "now" would flag everyone). With `as_of`, the
--   list as it stood at the end of that day: enrollments, finishes and activity after it are not counted, and the
--   last activity of a learner active after it is the hour it fell in (times are kept per hour). Aspects' at-risk
--   list takes 7 days without a visit; 14 by default here, so that a learner of a weekly course who skips one
--   week is not flagged yet (days=7 gives Aspects' list). Lists days since last activity and
--   days active (calendar days in the time zone with learning activity). Finished learners (passing grade
--   or certificate: the name's, or the user id's when a background task logged it without a username; a course grade
--   that carries a letter is a passing grade, as in finished) are left out: Aspects leaves out those whose current
--   grade passes, here one who passed once is finished. One row per enrolled user id (user_id): a name can have several in a course, and one enrolled by a staff
--   member, with no events of their own, may have no name; activity is the name's.
-- param: course | course | | Course id (empty: the only course, or all courses together)
-- param: days | integer(0..3650) | 14 | Inactive for more than this many days
-- param: as_of | date | | The list as it stood at the end of this day (empty: the last day with events)
-- param: tz | timezone | UTC | Time zone for days
-- sort: days_inactive desc
-- key: username, course_id
WITH reference AS (
	-- Per course: all courses together, one recent course would make every other course's learners look gone.
	SELECT course_id, coalesce(:as_of, (max(hour) AT TIME ZONE :tz)::date) AS day
	FROM d_course_hour WHERE course_id = :course OR (:course IS NULL AND course_id <> '')
	GROUP BY course_id
), until AS (
	-- The end of the day as_of: what came after it was not known that day. Without as_of, everything.
	SELECT coalesce(d_midnight(:as_of + 1, :tz), 'infinity') AS time
), active_before AS (
	-- With as_of, the last hour with learning activity before its end (times are kept per hour), for the learners
	-- active after it.
	SELECT h.course_id, h.username, max(h.hour) AS hour
	FROM d_learner_hour h, until
	WHERE :as_of IS NOT NULL AND h.activity > 0 AND h.hour < until.time AND (h.course_id = :course OR (:course IS NULL AND h.course_id <> ''))
	GROUP BY h.course_id, h.username
), candidates AS (
	SELECT s.course_id, s.user_id, s.username, s.first_enrolled, a.last_activity, l.active_days,
		r.day - (greatest(a.last_activity, s.last_change) AT TIME ZONE :tz)::date AS days_inactive
	FROM until
	-- The end given as its expression, not as until.time: the planner then sees the end (infinity without as_of) and
	-- estimates the enrollment changes before it (took as a third, the learners came out as one row and the join of
	-- their active days in another zone as a nested loop: 0.54 s for 1,375 learners at 1M events, against 0.06 s).
	CROSS JOIN d_enrollment_state_until(coalesce(d_midnight(:as_of + 1, :tz), 'infinity')) s
	JOIN reference r ON r.course_id = s.course_id
	LEFT JOIN d_learner l ON l.course_id = s.course_id AND l.username = s.username
	LEFT JOIN active_before b ON b.course_id = s.course_id AND b.username = s.username
	CROSS JOIN LATERAL (SELECT CASE WHEN l.last_activity < until.time THEN l.last_activity ELSE b.hour END AS last_activity) a
	WHERE s.is_enrolled AND (l.first_passed IS NULL OR l.first_passed >= until.time)
		AND NOT EXISTS (SELECT 1 FROM d_user_finish f WHERE f.course_id = s.course_id AND f.user_id = s.user_id AND f.passed AND f.time < until.time)
		AND (s.course_id = :course OR (:course IS NULL AND s.course_id <> ''))
), active_days AS MATERIALIZED (
	-- In the day zone (see README), d_learner counts them (active_days) unless as_of cuts them; in another zone every
	-- learner's, hashed (joining the candidates first made the planner sort all the days by learner): from the hourly
	-- tables, a sum of each learner's first active hour of a day (see d_learner_active_days). Materialized: the planner
	-- takes the candidates for one row, and read the days kept per offset (cheap to read again) once per candidate in a
	-- nested loop (3.7 s in Moscow time at 1M events, against 0.04 s hashed once).
	SELECT course_id, username, days FROM d_learner_active_days(:tz, :course, :as_of)
	WHERE :tz <> d_day_zone() OR :as_of IS NOT NULL
)
SELECT c.username, c.user_id, c.course_id, c.first_enrolled AS enrolled_at, c.last_activity,
	c.days_inactive, coalesce(CASE WHEN :tz = d_day_zone() AND :as_of IS NULL THEN c.active_days ELSE a.days END, 0) AS days_active
FROM candidates c
LEFT JOIN active_days a ON a.course_id = c.course_id AND a.username = c.username
WHERE c.days_inactive > :days
-- A name (or none: enrolled by staff) can have several enrolled user ids in a course: their rows differ by the enrollment
-- time and the user id only (the rest is the name's), which make the order total.
ORDER BY c.days_inactive DESC, c.username, c.course_id, c.first_enrolled, c.user_id
