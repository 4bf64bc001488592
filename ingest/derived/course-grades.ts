/**
 * Each learner's latest course grade (d_course_grade, migration 176) merged from grade events (d_grade's columns) in
 * `source`: a build's new ones (fresh_grade), or every stored one when the migration fills the table. A learner is a
 * user id, else (logged with neither user id) a username, as grade-distribution counts them. The latest by time, of two
 * at one time the higher (then the passing one), whichever load brings it: an older grade in a later load changes
 * nothing. `username`, the greatest name the user id's grades were logged under ('' none), names a user id that d_user
 * does not know (see d_named_grade). Grades outside 0-100 % or without a number (percent NULL) are left out.
 */
export const mergeCourseGrades = (source: string) => `
INSERT INTO d_course_grade AS g (course_id, user_id, username, time, percent, passing)
SELECT course_id, user_id, username, to_timestamp(grade[1]), grade[2], grade[3] = 1
FROM (
	-- One hash aggregate (a sort of the 50k grades of 1M events by learner took twice as long). A time as seconds since
	-- 1970 in a double keeps its microseconds: to_timestamp gives it back exactly. date_part divides the microseconds as a
	-- double, where extract made a numeric of each grade's time first, then a double of it: the same double (each is the
	-- nearest to the exact quotient), the merge 52-159 ms against 77-220 at 1M events (nine alternated runs).
	SELECT course_id, user_id, max(username) AS username,
		max(ARRAY[date_part('epoch', time), percent, (coalesce(letter, '') <> '')::int]) AS grade
	FROM ${source}
	WHERE percent IS NOT NULL AND (user_id IS NOT NULL OR username <> '')
	GROUP BY course_id, user_id, CASE WHEN user_id IS NULL THEN username END
) latest
ON CONFLICT (md5(course_id), user_id, md5(CASE WHEN user_id IS NULL THEN username END)) DO UPDATE SET
	username = greatest(g.username, excluded.username),
	(time, percent, passing) = (
		SELECT * FROM (VALUES (g.time, g.percent, g.passing), (excluded.time, excluded.percent, excluded.passing)) v
		ORDER BY 1 DESC, 2 DESC, 3 DESC LIMIT 1
	)`;

/**
 * d_named_grade made again from d_course_grade (after each build's merge, d_user merged too): per course and name, the
 * latest grade of the name's learners. A user id is named by d_user (a name a later load reveals names an earlier
 * grade), else by the name its grades were logged under unless d_user gives that name to another user id (a staff
 * member's recalculation); a username is its own. A table, not a view: learner-summary, the slowest task, read the view's
 * sort of every graded learner in each run (30k at 10M events: 30-100 ms on a busy machine); made again whole, as a
 * name can change with d_user.
 */
export const NAME_COURSE_GRADES = [
	'DELETE FROM d_named_grade',
	`INSERT INTO d_named_grade (course_id, username, time, grade_percent, passing)
	SELECT DISTINCT ON (g.course_id, n.username) g.course_id, n.username, g.time, g.grade_percent, g.passing
	FROM d_course_grade g
		LEFT JOIN d_user u ON u.user_id = g.user_id
		CROSS JOIN LATERAL (
			SELECT CASE WHEN g.user_id IS NULL THEN g.username
				ELSE coalesce(u.username, CASE WHEN g.username <> '' AND NOT EXISTS (SELECT 1 FROM d_user k WHERE k.username = g.username) THEN g.username END)
			END AS username
		) n
	WHERE n.username IS NOT NULL
	ORDER BY g.course_id, n.username, g.time DESC, g.percent DESC, g.passing DESC`,
];

/**
 * A course grade that carries a letter (the pass mark reached, percent within 0-100 %) is a pass, as
 * edx.course.grade.passed.first_time is, which Open edX logs with the first of them: the first such grade per user id in
 * `source` (d_grade, or a build's fresh_grade) appended to d_user_finish, so that a log without the pass event (loaded
 * from after it) finishes the learner in finished, started-not-finished, funnel, at-risk and learner-summary alike.
 * A grade logged with no user id at all (never by Open edX) is left out: d_user_finish is by user id.
 */
export const passingGradeFinishes = (source: string) => `
INSERT INTO d_user_finish (course_id, user_id, time, passed, certificate)
SELECT course_id, user_id, min(time), true, false
FROM ${source}
WHERE percent IS NOT NULL AND coalesce(letter, '') <> '' AND user_id IS NOT NULL
GROUP BY course_id, user_id`;
