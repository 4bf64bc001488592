/**
 * The enrollment state per course and user (d_enrollment_user_state, migration 179): the aggregate of every enrollment
 * change and mode change, kept by each build for the users whose changes it added, instead of made again in
 * every task run (150-250 ms at 10M events). A user is a user id, else the name logged with changes that have no user
 * id (user_key: the one or the other as text). The same aggregate, of the changes before a time, is what
 * d_enrollment_state_until gives at-risk's `as_of` (migration 181). `filter`: a join or WHERE clause on the changes `e`.
 */
const userStates = (filter = '') => `
SELECT e.course_id, e.user_id, coalesce(e.user_id::text, e.username) AS user_key,
	(array_agg(e.username ORDER BY e.time DESC, e.file_position DESC, e.line_no DESC) FILTER (WHERE e.activated IS NOT NULL))[1] AS logged_as,
	min(e.time) FILTER (WHERE e.activated) AS first_enrolled,
	max(e.time) FILTER (WHERE e.activated IS NOT NULL) AS last_change,
	(array_agg(e.activated ORDER BY e.time DESC, e.file_position DESC, e.line_no DESC) FILTER (WHERE e.activated IS NOT NULL))[1] AS is_enrolled,
	count(*) FILTER (WHERE e.activated) AS activations,
	count(*) FILTER (WHERE NOT e.activated) AS deactivations,
	(array_agg(e.mode ORDER BY e.time DESC, e.file_position DESC, e.line_no DESC) FILTER (WHERE e.mode <> ''))[1] AS mode
FROM (
	SELECT course_id, user_id, username, time, file_position, line_no, activated, mode FROM d_enrollment
	UNION ALL
	-- A mode change: activated NULL, so only the mode takes it.
	SELECT course_id, user_id, username, time, file_position, line_no, NULL, mode FROM d_enrollment_mode
) e ${filter}
-- By the user id first, as in migration 168: a sort by three course-id texts alike compares far more.
GROUP BY e.user_id, e.course_id, coalesce(e.user_id::text, e.username)
-- A user with mode changes only (enrolled before the log begins) has no state.
HAVING count(e.activated) > 0`;

/**
 * The states of `states` (rows of userStates) named: by the user id's own name (d_user, which a later load can fill),
 * else by the name logged unless d_user gives that name to other user ids only (a staff member who enrolled them).
 */
const namedStates = (states: string) => `
SELECT s.course_id, s.user_id,
	nullif(coalesce(u.username, CASE WHEN s.user_id IS NULL OR actor.user_ids IS NULL OR s.user_id = ANY (actor.user_ids) THEN s.logged_as END), '') AS username,
	s.first_enrolled, s.last_change, s.is_enrolled, s.activations, s.deactivations, s.mode
FROM ${states} s
	LEFT JOIN d_user u ON u.user_id = s.user_id
	-- The user ids of the name logged, looked up (by d_user_username) for a user id d_user does not name only: an
	-- aggregate of the whole of d_user took half of the view's 65 ms at 10M events.
	LEFT JOIN LATERAL (SELECT array_agg(k.user_id) AS user_ids FROM d_user k WHERE u.username IS NULL AND k.username = s.logged_as) actor ON true`;

const enrollmentUserStates = (filter = '') => `
INSERT INTO d_enrollment_user_state (course_id, user_id, user_key, logged_as, first_enrolled, last_change, is_enrolled, activations, deactivations, mode)
${userStates(filter)}`;

/**
 * A build's steps that make the state again for the users whose changes `added` lists (course_id, user_key: the users
 * of the changes new to the tables, see writeFilePositions).
 */
export const ENROLLMENT_STATE_STEPS = (added: string) => [
	`DELETE FROM d_enrollment_user_state s USING ${added} k WHERE s.course_id = k.course_id AND s.user_key = k.user_key`,
	enrollmentUserStates(
		`JOIN (SELECT DISTINCT course_id, user_key FROM ${added}) k ON k.course_id = e.course_id AND k.user_key = coalesce(e.user_id::text, e.username)`,
	),
];

/**
 * Migration 179: the kept state filled from the changes stored (no rebuild), and d_enrollment_state reading it, named as
 * the function names it (through d_user, which a later load can fill: left to the view, a join of few rows).
 */
export const KEPT_ENROLLMENT_STATE = `
CREATE TABLE d_enrollment_user_state (
	course_id text NOT NULL,
	user_id bigint,
	user_key text NOT NULL,
	-- The name logged by the latest enrollment change.
	logged_as text NOT NULL,
	first_enrolled timestamptz,
	last_change timestamptz NOT NULL,
	is_enrolled boolean NOT NULL,
	activations bigint NOT NULL,
	deactivations bigint NOT NULL,
	mode text
);
${enrollmentUserStates()};

CREATE OR REPLACE VIEW d_enrollment_state AS ${namedStates('d_enrollment_user_state')};
`;

/**
 * Migration 181: d_enrollment_state_until (at-risk's `as_of`) made of the same aggregate and naming as the kept state,
 * of the changes before `until`: one definition of the state for both.
 */
export const ENROLLMENT_STATE_UNTIL = `
CREATE OR REPLACE FUNCTION d_enrollment_state_until(until timestamptz) RETURNS TABLE (course_id text, user_id bigint, username text,
	first_enrolled timestamptz, last_change timestamptz, is_enrolled boolean, activations bigint, deactivations bigint, mode text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
${namedStates(`(${userStates('WHERE e.time < until')})`)}
$$;
`;
