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
SELECT course_id, user_id, username, time, percent, passing
FROM (
	SELECT DISTINCT ON (course_id, user_id, learner) course_id, user_id, max(username) OVER learner AS username, time, percent, passing
	FROM (
		SELECT course_id, user_id, username, CASE WHEN user_id IS NULL THEN username END AS learner, time, percent, coalesce(letter, '') <> '' AS passing
		FROM ${source}
		WHERE percent IS NOT NULL AND (user_id IS NOT NULL OR username <> '')
	) s
	WINDOW learner AS (PARTITION BY course_id, user_id, learner)
	ORDER BY course_id, user_id, learner, time DESC, percent DESC, passing DESC
) latest
ON CONFLICT (course_id, user_id, (CASE WHEN user_id IS NULL THEN username END)) DO UPDATE SET
	username = greatest(g.username, excluded.username),
	(time, percent, passing) = (
		SELECT * FROM (VALUES (g.time, g.percent, g.passing), (excluded.time, excluded.percent, excluded.passing)) v
		ORDER BY 1 DESC, 2 DESC, 3 DESC LIMIT 1
	)`;
