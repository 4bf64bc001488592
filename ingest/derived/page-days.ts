import {dateField, int4Field, int8Field, nullField, startRow, textField} from '../copy-binary.js';
import type {RowBuffer} from '../row-buffer.js';
import type {DayTables} from './day-zone.js';
import type {LearnerTimeline} from './learner-timeline.js';
import {entry, newMap, tally} from './tally.js';

const PAGE_DAY_COLUMNS = 'course_id, day, url_id, visits, visitors';

/**
 * d_page_day (visits and distinct visitors per course, day (of the day zone; d_page_day_utc: of UTC) and URL;
 * course NULL: all courses together) summed from the learners' timelines as a first build walks them, instead of from
 * d_learner_page_hour afterwards (13 s of a 10M-event build: distinct counts sort every row). Each
 * learner comes once, so a learner is one visitor of each page and day they visited; across courses, a
 * username met in several courses counts once.
 */
export const PAGE_DAY_TABLE = {d_page_day: PAGE_DAY_COLUMNS, d_page_day_utc: PAGE_DAY_COLUMNS};

/** A page on a day: visits, and visitors (besides those in `usernames`, kept for the all-course rows only). */
type PageDay = {visits: number; visitors: number; usernames?: Set<string>};
/** Day → URL id → its counts. */
type PageDays = Map<number, Map<number, PageDay>>;
const newPageDay = (): PageDay => ({visits: 0, visitors: 0});

export class PageDayCounts {
	private readonly byCourse = new Map<string, PageDays>();
	private readonly allCourses: PageDays = new Map();

	/** The usernames met in more than one course: their visits are counted apart for the all-course rows. */
	private readonly sharedUsernames: Set<string>;

	/** `learners`: every learner of the build. */
	constructor(
		learners: Array<{course_id: string; username: string}>,
		private readonly days: DayTables,
	) {
		const seen = new Set<string>();
		this.sharedUsernames = new Set();
		for (const {course_id: courseId, username} of learners) {
			if (courseId === '' || username === '') continue;
			if (seen.has(username)) this.sharedUsernames.add(username);
			seen.add(username);
		}
	}

	/** Adds a named learner's visits (of a course other than ''). */
	addLearner(courseId: string, username: string, visits: LearnerTimeline['pageHourVisits']): void {
		const days = new Map<number, Map<number, number>>();
		// The visits come grouped by hour: each hour's day is looked up once.
		let hour = Number.NaN;
		let pages: Map<number, number> | undefined;
		for (const visit of visits) {
			if (visit.hour !== hour) {
				hour = visit.hour;
				pages = entry(days, this.days.dayOf(hour), newMap<number, number>);
			}
			tally(pages!, visit.urlId, visit.visits);
		}
		const course = entry(this.byCourse, courseId, newMap<number, Map<number, PageDay>>);
		const shared = this.sharedUsernames.has(username);
		for (const [day, pages] of days) {
			const coursePages = entry(course, day, newMap<number, PageDay>);
			const allPages = entry(this.allCourses, day, newMap<number, PageDay>);
			for (const [urlId, count] of pages) {
				const inCourse = entry(coursePages, urlId, newPageDay);
				inCourse.visits += count;
				inCourse.visitors++;
				const inAll = entry(allPages, urlId, newPageDay);
				inAll.visits += count;
				if (shared) (inAll.usernames ??= new Set()).add(username);
				else inAll.visitors++;
			}
		}
	}

	write(rows: (table: keyof typeof PAGE_DAY_TABLE) => RowBuffer): void {
		const table = `d_page_day${this.days.suffix}` as const;
		const writeDays = (courseId: string | null, days: PageDays) => {
			for (const [day, pages] of days) {
				for (const [urlId, counts] of pages) {
					const out = rows(table);
					startRow(out, 5);
					if (courseId === null) nullField(out);
					else textField(out, courseId);
					dateField(out, day);
					int4Field(out, urlId);
					int8Field(out, counts.visits);
					int8Field(out, counts.visitors + (counts.usernames?.size ?? 0));
				}
			}
		};
		for (const [courseId, days] of this.byCourse) writeDays(courseId, days);
		writeDays(null, this.allCourses);
	}
}
