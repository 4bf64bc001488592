import type pg from 'pg';
import {courseFromUrl, courseKeyReader, orgFromCourse} from '../event-fields.js';
import {inBatches} from './batches.js';

/**
 * The course the loader found in a URL before migration 8: an opaque key ran on over '&' (a query's
 * '?course_id=course-v1:A+B+C&enrollment_action=enroll' made a course of its own), and an old-style
 * /courses/Org/Course/Run needed a '/' after it (ending the URL, or before ? or #, it gave none).
 */
const courseFromUrlBefore8 = courseKeyReader(/(?:course-v1|ccx-v1):[^/?#\s"]+/, /\/courses\/([^/?#\s"]+\/[^/?#\s"]+\/[^/?#\s"]+)\//);

/**
 * The stored events whose course the loader's rule of today may read otherwise from their URL: a course with '&' in
 * it, or none where an old-style key may stand, when the payload names none (it comes before the URL; context's
 * course_id is not kept, so a stored course that the old rule does not give back came from it, and stays).
 */
const CANDIDATES = `
SELECT event_hash::text AS hash, course_id, org_id, page, event_type FROM events
WHERE (course_id LIKE '%&%' OR (course_id IS NULL AND (page LIKE '%/courses/%' OR event_type LIKE '%/courses/%')))
	AND NOT coalesce(jsonb_typeof(event -> 'course_id') = 'string' AND event ->> 'course_id' <> '', false)`;

type Candidate = {hash: string; course_id: string | null; org_id: string | null; page: string | null; event_type: string | null};

/**
 * Migration 8: events loaded before it get the course (and the organisation, when it came from the course) that the
 * loader now reads from their URL, so that a database kept across the update answers as one loaded today; the derived
 * tables are then rebuilt. One scan of events (a workdir of millions of events: a minute or two, once).
 */
export async function recomputeUrlCourses(client: pg.ClientBase): Promise<void> {
	let changed = 0;
	await inBatches<Candidate>(client, CANDIDATES, async (rows) => {
		const hashes: string[] = [];
		const courses: Array<string | null> = [];
		const orgs: Array<string | null> = [];
		for (const row of rows) {
			const page = row.page ?? undefined;
			const eventType = row.event_type ?? undefined;
			if (row.course_id !== (courseFromUrlBefore8(page) ?? courseFromUrlBefore8(eventType) ?? null)) continue;
			const course = courseFromUrl(page) ?? courseFromUrl(eventType) ?? null;
			// A decoded %00 cannot be stored (the loader refuses such a row): it keeps what it has.
			if (course === row.course_id || course?.includes('\0')) continue;
			hashes.push(row.hash);
			courses.push(course);
			// context.org_id, when given, came before the course's organisation: a stored one that the course does not give stays.
			orgs.push(row.org_id === (orgFromCourse(row.course_id ?? undefined) ?? null) ? (orgFromCourse(course ?? undefined) ?? null) : row.org_id);
		}
		if (hashes.length === 0) return;
		await client.query(
			`UPDATE events e SET course_id = u.course_id, org_id = u.org_id
			FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(event_hash, course_id, org_id) WHERE e.event_hash = u.event_hash`,
			[hashes, courses, orgs],
		);
		changed += hashes.length;
	});
	if (changed > 0) await client.query('UPDATE loads SET derived_done = false');
}
