import type {GeneratedEvent} from './learner.js';

/**
 * The exact answers for a generated log, written beside it as `<file>.truth.json`. Everything is
 * counted as the lines are written, from the same values the lines were built from.
 */

/** Kinds of bad lines; the names match the ingest's rejection reasons. */
export const REJECT_KINDS = ['malformed-json', 'truncated-json', 'not-an-object', 'invalid-utf8'] as const;
export type RejectKind = (typeof REJECT_KINDS)[number];

export type Truth = {
	generator: {
		version: number;
		seed: number;
		events: number;
		badLines: number;
		courses: number;
		learners: number;
		start: string;
		days: number;
		gzip: boolean;
	};
	/** Uncompressed bytes and their sha256; fileBytes is the size on disk (differs when gzipped). */
	bytes: number;
	fileBytes: number;
	sha256: string;
	/** Physical lines, none blank: lines = goodEvents + duplicateLines + rejectedLines. */
	lines: number;
	goodEvents: number;
	duplicateLines: number;
	rejectedLines: number;
	rejectedByKind: Record<RejectKind, number>;
	/** 1-based line numbers of every rejected line and every duplicate (with the line it repeats). */
	rejected: {line: number; kind: RejectKind}[];
	duplicates: {line: number; of: number}[];
	/** Earliest and latest event time, ISO UTC. */
	firstTime: string;
	lastTime: string;
	distinctUsers: number;
	/** Good events whose context.course_id is empty (the dashboard page). */
	eventsWithoutCourse: number;
	/** Good events holding a \u0000 escape inside a string (PostgreSQL cannot store NUL). */
	eventsWithNul: number;
	eventsPerSource: Record<string, number>;
	eventsPerType: Record<string, number>;
	/** UTC day (YYYY-MM-DD) of `time`, whatever offset the line was written with. */
	eventsPerDay: Record<string, number>;
	distinctUsersPerDay: Record<string, number>;
	/** Keyed by context.course_id (non-empty only). */
	eventsPerCourse: Record<string, number>;
	distinctUsersPerCourse: Record<string, number>;
	/** edx.course.enrollment.activated / .deactivated events (every learner enrolls exactly once). */
	enrollmentsPerCourse: Record<string, number>;
	unenrollmentsPerCourse: Record<string, number>;
	/** Enrolled and not unenrolled at the end of the log. */
	currentEnrollmentPerCourse: Record<string, number>;
	/** Learners whose only event in the course is their enrollment. */
	enrolledNotStartedPerCourse: Record<string, number>;
	playVideoPerCourse: Record<string, number>;
	/** problem_check with event_source "server" (one graded attempt each). */
	problemChecksServerPerCourse: Record<string, number>;
	/** Page loads: server events whose event_type is the page's URL path (courseware, progress, forum, pdfbook); xblock handler calls (…/handler/…) are not page loads. */
	pageViewsPerCourse: Record<string, number>;
	/** edx.forum.{thread,response,comment}.created. */
	forumPostsPerCourse: Record<string, number>;
	examsSubmittedPerCourse: Record<string, number>;
	certificatesPerCourse: Record<string, number>;
	/** textbook.pdf.search.executed, by query as written (not case-folded). */
	pdfSearchQueries: Record<string, number>;
	/**
	 * Time on task in seconds: for each learner and course, the sum of the gaps between consecutive
	 * events of that learner in that course shorter than the cutoff (30 or 5 minutes); not split at midnight.
	 */
	timeOnTask30PerCourse: Record<string, number>;
	timeOnTask5PerCourse: Record<string, number>;
};

const DAY_MICROSECONDS = 86_400_000_000;
const MINUTE_MICROSECONDS = 60_000_000;

const increment = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

function sortedRecord<V>(map: Map<string, V>): Record<string, V> {
	return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sizes(map: Map<string, Set<number>>): Map<string, number> {
	return new Map([...map].map(([key, set]) => [key, set.size]));
}

const dayOf = (microseconds: number) => new Date(Math.floor(microseconds / DAY_MICROSECONDS) * 86_400_000).toISOString().slice(0, 10);

export class TruthCounter {
	private goodEvents = 0;
	private readonly rejected: Truth['rejected'] = [];
	private readonly duplicates: Truth['duplicates'] = [];
	private firstTime = Infinity;
	private lastTime = -Infinity;
	private readonly users = new Set<number>();
	private eventsWithoutCourse = 0;
	private eventsWithNul = 0;
	private readonly perSource = new Map<string, number>();
	private readonly perType = new Map<string, number>();
	private readonly perDayNumber = new Map<number, number>();
	private readonly usersPerDayNumber = new Map<number, number>();
	/** Each user's latest day: events come in time order, so a new day for a user is a new (user, day) pair; O(users) memory. */
	private readonly lastDayOfUser = new Map<number, number>();
	private readonly perCourse = new Map<string, number>();
	private readonly usersPerCourse = new Map<string, Set<number>>();
	private readonly enrollments = new Map<string, number>();
	private readonly unenrollments = new Map<string, number>();
	private readonly notStarted = new Map<string, number>();
	private readonly plays = new Map<string, number>();
	private readonly problemChecks = new Map<string, number>();
	private readonly pageViews = new Map<string, number>();
	private readonly forumPosts = new Map<string, number>();
	private readonly exams = new Map<string, number>();
	private readonly certificates = new Map<string, number>();
	private readonly pdfQueries = new Map<string, number>();
	private readonly time30 = new Map<string, number>();
	private readonly time5 = new Map<string, number>();
	/** Time of each learner's previous event in its course, by learner index. */
	private readonly previousInCourse = new Map<number, number>();

	enrolledOnly(courseId: string): void {
		increment(this.notStarted, courseId);
	}

	rejectedLine(line: number, kind: RejectKind): void {
		this.rejected.push({line, kind});
	}

	duplicateLine(line: number, of: number): void {
		this.duplicates.push({line, of});
	}

	goodEvent(event: GeneratedEvent, learner: number, userId: number): void {
		this.goodEvents++;
		const {eventType, time, source} = event;
		if (time < this.firstTime) this.firstTime = time;
		if (time > this.lastTime) this.lastTime = time;
		if (event.hasNul) this.eventsWithNul++;
		increment(this.perSource, source);
		increment(this.perType, eventType);
		const day = Math.floor(time / DAY_MICROSECONDS);
		this.perDayNumber.set(day, (this.perDayNumber.get(day) ?? 0) + 1);
		const course = event.course?.id;
		if (course === undefined) this.eventsWithoutCourse++;
		else increment(this.perCourse, course);
		// A user's counts are of the events logged under their name.
		if (event.anonymous) return;
		this.users.add(userId);
		if (this.lastDayOfUser.get(userId) !== day) {
			this.lastDayOfUser.set(userId, day);
			this.usersPerDayNumber.set(day, (this.usersPerDayNumber.get(day) ?? 0) + 1);
		}
		if (event.pdfQuery !== undefined) increment(this.pdfQueries, event.pdfQuery);
		if (course === undefined) return;
		let courseUsers = this.usersPerCourse.get(course);
		if (!courseUsers) this.usersPerCourse.set(course, (courseUsers = new Set()));
		courseUsers.add(userId);
		const previous = this.previousInCourse.get(learner);
		this.previousInCourse.set(learner, time);
		if (previous !== undefined) {
			const gap = time - previous;
			if (gap < 30 * MINUTE_MICROSECONDS) increment(this.time30, course, gap);
			if (gap < 5 * MINUTE_MICROSECONDS) increment(this.time5, course, gap);
		}
		if (eventType === 'edx.course.enrollment.activated') increment(this.enrollments, course);
		else if (eventType === 'edx.course.enrollment.deactivated') increment(this.unenrollments, course);
		else if (eventType === 'play_video') increment(this.plays, course);
		else if (eventType === 'problem_check' && source === 'server') increment(this.problemChecks, course);
		else if (eventType.startsWith('edx.forum.') && eventType.endsWith('.created')) increment(this.forumPosts, course);
		else if (eventType === 'edx.special_exam.timed.attempt.submitted') increment(this.exams, course);
		else if (eventType === 'edx.certificate.created') increment(this.certificates, course);
		else if (event.pageView) increment(this.pageViews, course);
	}

	finish(generator: Truth['generator'], bytes: number, fileBytes: number, sha256: string): Truth {
		const rejectedByKind = Object.fromEntries(REJECT_KINDS.map((kind) => [kind, 0])) as Record<RejectKind, number>;
		for (const {kind} of this.rejected) rejectedByKind[kind]++;
		const current = new Map<string, number>();
		for (const [course, count] of this.enrollments) current.set(course, count - (this.unenrollments.get(course) ?? 0));
		const byDay = <V>(map: Map<number, V>) => new Map([...map].map(([day, value]) => [dayOf(day * DAY_MICROSECONDS), value]));
		const seconds = (map: Map<string, number>) => new Map([...map].map(([key, microseconds]) => [key, microseconds / 1e6]));
		const iso = (microseconds: number) => (Number.isFinite(microseconds) ? new Date(Math.floor(microseconds / 1000)).toISOString() : '');
		return {
			generator,
			bytes,
			fileBytes,
			sha256,
			lines: this.goodEvents + this.duplicates.length + this.rejected.length,
			goodEvents: this.goodEvents,
			duplicateLines: this.duplicates.length,
			rejectedLines: this.rejected.length,
			rejectedByKind,
			rejected: this.rejected,
			duplicates: this.duplicates,
			firstTime: iso(this.firstTime),
			lastTime: iso(this.lastTime),
			distinctUsers: this.users.size,
			eventsWithoutCourse: this.eventsWithoutCourse,
			eventsWithNul: this.eventsWithNul,
			eventsPerSource: sortedRecord(this.perSource),
			eventsPerType: sortedRecord(this.perType),
			eventsPerDay: sortedRecord(byDay(this.perDayNumber)),
			distinctUsersPerDay: sortedRecord(byDay(this.usersPerDayNumber)),
			eventsPerCourse: sortedRecord(this.perCourse),
			distinctUsersPerCourse: sortedRecord(sizes(this.usersPerCourse)),
			enrollmentsPerCourse: sortedRecord(this.enrollments),
			unenrollmentsPerCourse: sortedRecord(this.unenrollments),
			currentEnrollmentPerCourse: sortedRecord(current),
			enrolledNotStartedPerCourse: sortedRecord(this.notStarted),
			playVideoPerCourse: sortedRecord(this.plays),
			problemChecksServerPerCourse: sortedRecord(this.problemChecks),
			pageViewsPerCourse: sortedRecord(this.pageViews),
			forumPostsPerCourse: sortedRecord(this.forumPosts),
			examsSubmittedPerCourse: sortedRecord(this.exams),
			certificatesPerCourse: sortedRecord(this.certificates),
			pdfSearchQueries: sortedRecord(this.pdfQueries),
			timeOnTask30PerCourse: sortedRecord(seconds(this.time30)),
			timeOnTask5PerCourse: sortedRecord(seconds(this.time5)),
		};
	}
}
