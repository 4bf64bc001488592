import type {Course, Sequential, Unit} from './course-catalog.js';
import {browserLine, courseGradeLine, formatTime, pyDumps, pyJson, serverLine, type ServerEvent, type TimeStyle, type Who} from './event-lines.js';
import type {Random} from './random.js';
import {ENROLLMENT_MODES, FORUM_SENTENCES, ORIGIN, PDF_QUERIES} from './vocabulary.js';

/**
 * One learner enrolled in one course, simulated over the course term: the enrollment, then sessions
 * (a burst of page views, video, problems, forum, textbook, navigation events a few seconds to minutes
 * apart, now and then an idle gap over 30 minutes, often ended by page_close) spread between the
 * enrollment and the day the learner stops (the end of term, or earlier for those who drop out),
 * then possibly an unenrollment, or a timed exam and a certificate.
 *
 * A learner emits exactly `budget` events, in time order, at least one second apart, so two events of
 * one learner never serialise to the same line (the ingest dedupes identical lines).
 */

export const SECOND = 1_000_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type User = {
	username: string;
	userId: number;
	agent: string;
	acceptLanguage: string;
	ip: string;
};

export type GeneratedEvent = {
	line: string;
	eventType: string;
	source: 'browser' | 'server';
	/** The course in context.course_id, undefined for course-less pages (the dashboard). */
	course: Course | undefined;
	/** Microseconds since the epoch, as written in the line. */
	time: number;
	/** The query of a textbook.pdf.search.executed event. */
	pdfQuery?: string;
	/** A page load (server event with the page's URL path as event_type); xblock handler calls are not. */
	pageView?: boolean;
	/** The line holds a \u0000 escape. */
	hasNul?: boolean;
	/** Logged without a username (the grading worker's): an event of the course, not one of the learner's. */
	anonymous?: boolean;
};

type Step =
	| 'enroll' | 'unenroll' | 'exam_created' | 'exam_submitted' | 'certificate'
	| 'dashboard' | 'page_view' | 'progress_page' | 'page_close'
	| 'seq_next' | 'seq_prev' | 'seq_goto' | 'outline_selected' | 'link_clicked'
	| 'load_video' | 'play_video' | 'pause_video' | 'seek_video' | 'speed_change_video' | 'stop_video'
	| 'goto_position' | 'save_user_state' | 'grade_submitted' | 'grade_calculated'
	| 'problem_check_browser' | 'problem_check_server' | 'problem_show' | 'showanswer'
	| 'forum_page' | 'forum_post'
	| 'pdf_page' | 'pdf_navigated' | 'pdf_scrolled' | 'pdf_zoom' | 'pdf_search';

type Phase = 'enroll' | 'session' | 'tail' | 'done';

const EMPTY_REQUEST = pyJson('{"POST": {}, "GET": {}}');
/** Answers as the browser sends them (URL-encoded) and as the server logs them (JSON, Python-escaped). */
type Answer = {query: string; json: string};
const answer = (text: string): Answer => ({query: encodeURIComponent(text), json: pyJson(text)});
const CORRECT_ANSWER = answer('choice_1');
const WRONG_ANSWERS = [answer('choice_0'), answer('choice_2'), answer('choice_3'), answer('42'), answer('да')];

export type Term = {start: number; end: number};

export class Learner {
	nextTime: number;
	private phase: Phase = 'enroll';
	private left: number;
	private activityLeft: number;
	private sessionsLeft: number;
	private sessionLeft = 0;
	private closesWithPageClose = false;
	private pending: Step[] = [];
	private readonly tail: Step[] = [];
	private readonly spanStart: number;
	private readonly spanEnd: number;
	private lastFraction = 0;
	private readonly who: Who;
	private readonly mode: string;
	private chapter = 0;
	private sequential = 0;
	private unit = 0;
	private videoPosition = 0;
	private watchSeconds = 0;
	private lastPage: string;
	private answers: Answer[] = [];
	private parts: boolean[] = [];
	private readonly attempts = new Map<string, number>();
	/** Each problem's score (share of parts right) at the learner's latest graded check, by problem hex. */
	private readonly scores = new Map<string, number>();
	private gradeTransaction = '';
	private textbook = 0;
	private textbookPage = 1;
	private threadId: string | undefined;
	private responseId: string | undefined;

	constructor(
		private readonly rng: Random,
		user: User,
		readonly course: Course,
		budget: number,
		term: Term,
	) {
		this.left = budget;
		this.who = {...user, session: rng.hex(32)};
		this.mode = rng.pick(ENROLLMENT_MODES);
		this.lastPage = `${course.baseUrl}/about`;
		const length = term.end - term.start;
		// Most enrollments come early in the term.
		this.nextTime = term.start + Math.floor(length * 0.75 * rng.next() ** 1.7);
		const dropsOut = rng.chance(0.35);
		if (dropsOut && budget >= 3 && rng.chance(0.35)) this.tail.push('unenroll');
		if (!dropsOut && budget >= 40 && rng.chance(0.5)) {
			this.tail.push('exam_created', 'exam_submitted');
			if (budget >= 41 && rng.chance(0.7)) this.tail.push('certificate');
		}
		this.activityLeft = budget - 1 - this.tail.length;
		this.sessionsLeft = this.activityLeft > 0 ? Math.max(1, Math.round(this.activityLeft / rng.int(8, 40))) : 0;
		this.spanStart = this.nextTime;
		this.spanEnd = dropsOut
			? this.nextTime + Math.floor((term.end - this.nextTime) * (0.05 + 0.5 * rng.next()))
			: term.end - rng.int(0, 2 * DAY);
	}

	get userId(): number {
		return this.who.userId;
	}

	get done(): boolean {
		return this.phase === 'done';
	}

	/** The learner's next event (at `nextTime`); afterwards `nextTime` moves on, or `done` is set. */
	next(): GeneratedEvent {
		const time = this.nextTime;
		const step = this.chooseStep();
		const event = this.render(step, time);
		this.left--;
		this.advance(step, time);
		return event;
	}

	private chooseStep(): Step {
		if (this.phase === 'enroll') return 'enroll';
		if (this.phase === 'tail') return this.tail.shift()!;
		this.sessionLeft--;
		this.activityLeft--;
		if (this.sessionLeft === 0 && this.closesWithPageClose) return 'page_close';
		if (this.pending.length === 0) this.pending = this.chooseActivity();
		return this.pending.shift()!;
	}

	private advance(step: Step, time: number): void {
		if (this.left === 0) {
			this.phase = 'done';
			return;
		}
		if (this.phase === 'enroll') {
			this.phase = 'session';
			// Half the learners start right after enrolling; the others come back later.
			if (this.rng.chance(0.5)) this.startSession(time + this.rng.int(20, 300) * SECOND);
			else this.startSession(this.plannedSessionStart(time));
			return;
		}
		if (this.phase === 'session' && this.sessionLeft > 0) {
			this.nextTime = time + this.gapAfter(step);
			return;
		}
		if (this.phase === 'session' && this.sessionsLeft > 0) {
			this.startSession(this.plannedSessionStart(time));
			return;
		}
		const first = this.phase === 'session';
		this.phase = 'tail';
		const upcoming = this.tail[0]!;
		let gap: number;
		if (upcoming === 'unenroll') gap = first ? this.rng.int(MINUTE, 3 * DAY) : MINUTE;
		else if (upcoming === 'exam_created') gap = this.rng.int(MINUTE, 10 * MINUTE);
		else if (upcoming === 'exam_submitted') gap = this.rng.int(20 * MINUTE, 60 * MINUTE);
		else gap = this.rng.int(DAY, 4 * DAY);
		this.nextTime = time + gap;
	}

	/** Sessions are spread over [enrollment, last active day] as sorted uniform draws, taken one at a time, at least 31 minutes apart. */
	private plannedSessionStart(after: number): number {
		const fraction = this.lastFraction + (1 - this.lastFraction) * (1 - this.rng.next() ** (1 / this.sessionsLeft));
		this.lastFraction = fraction;
		const planned = this.spanStart + Math.floor(fraction * (this.spanEnd - this.spanStart));
		return Math.max(planned, after + 31 * MINUTE + this.rng.int(0, 30 * MINUTE));
	}

	private startSession(at: number): void {
		this.nextTime = at;
		const average = this.activityLeft / this.sessionsLeft;
		this.sessionLeft = this.sessionsLeft === 1
			? this.activityLeft
			: Math.min(Math.max(1, Math.round(average * (0.3 + 1.4 * this.rng.next()))), this.activityLeft - (this.sessionsLeft - 1));
		this.sessionsLeft--;
		this.who.session = this.rng.hex(32);
		// A new network now and then (the hashed ip changes with it).
		if (this.rng.chance(0.1)) this.who.ip = `anon_${this.rng.hex(64)}`;
		this.closesWithPageClose = this.sessionLeft >= 2 && this.rng.chance(0.6);
		// Some sessions start on the dashboard (no course); never a whole session, so "only enrolled" stays exact.
		this.pending = this.sessionLeft >= 2 && this.rng.chance(0.1) ? ['dashboard', 'page_view'] : ['page_view'];
	}

	private gapAfter(step: Step): number {
		const rng = this.rng;
		let seconds: number;
		switch (step) {
			case 'play_video': seconds = this.watchSeconds; break;
			case 'load_video': case 'seek_video': case 'problem_check_browser': case 'problem_show': case 'outline_selected': case 'link_clicked':
			case 'goto_position': case 'save_user_state': case 'grade_submitted': case 'grade_calculated':
				seconds = rng.int(1, 4); break;
			case 'pause_video': seconds = rng.logNormal(8, 0.8); break;
			case 'problem_check_server': seconds = rng.logNormal(40, 0.8); break;
			case 'forum_post': seconds = rng.logNormal(60, 0.7); break;
			case 'seq_next': case 'seq_prev': case 'seq_goto': seconds = rng.int(2, 20); break;
			default: seconds = rng.logNormal(20, 0.9);
		}
		// Now and then the learner walks away mid-session for over 30 minutes.
		if (rng.chance(0.02)) seconds = rng.int(31 * 60, 100 * 60);
		return Math.max(SECOND, Math.min(Math.round(seconds * SECOND), 100 * MINUTE)) + rng.int(0, SECOND - 1);
	}

	private get currentSequential(): Sequential {
		return this.course.chapters[this.chapter]!.sequentials[this.sequential]!;
	}

	private get currentUnit(): Unit {
		return this.currentSequential.units[this.unit]!;
	}

	private chooseActivity(): Step[] {
		const rng = this.rng;
		const unit = this.currentUnit;
		const choice = rng.weighted([22, unit.video ? 30 : 0, unit.problem ? 22 : 0, 6, 4, 6, 3, 2]);
		switch (choice) {
			case 0: return [rng.pick(['seq_next', 'seq_next', 'seq_next', 'seq_prev', 'seq_goto', 'seq_goto'] as const)];
			case 1: {
				const steps: Step[] = ['load_video', 'play_video'];
				const interruptions = rng.int(0, 3);
				for (let i = 0; i < interruptions; i++) steps.push(rng.pick(['pause_video', 'pause_video', 'seek_video', 'speed_change_video'] as const), 'play_video');
				steps.push(rng.chance(0.4) ? 'stop_video' : 'pause_video');
				return steps;
			}
			case 2: return ['problem_check_browser', 'problem_check_server'];
			case 3: return ['outline_selected', 'page_view'];
			case 4: return ['forum_page', 'forum_post'];
			case 5: {
				const steps: Step[] = ['pdf_page'];
				const count = rng.int(1, 6);
				for (let i = 0; i < count; i++) steps.push(rng.pick(['pdf_navigated', 'pdf_navigated', 'pdf_scrolled', 'pdf_scrolled', 'pdf_zoom', 'pdf_search'] as const));
				return steps;
			}
			case 6: return ['progress_page'];
			default: return ['link_clicked'];
		}
	}

	private timeStyle(): TimeStyle {
		const r = this.rng.next();
		return r < 0.86 ? 'micro' : r < 0.92 ? 'seconds' : r < 0.97 ? 'zulu' : 'moscow';
	}

	/** The time as written: without microseconds it is the whole second (still after the learner's previous event, which is >= 1 s earlier). */
	private writtenTime(time: number): {text: string; time: number} {
		const style = this.timeStyle();
		const written = style === 'seconds' ? time - (time % SECOND) : time;
		return {text: formatTime(written, style), time: written};
	}

	private browser(time: number, eventType: string, event: string, page = this.currentUnit.url): GeneratedEvent {
		const written = this.writtenTime(time);
		const line = browserLine(this.who, written.text, eventType, this.course, page, this.lastPage, event);
		return {line, eventType, source: 'browser', course: this.course, time: written.time};
	}

	private server(time: number, server: ServerEvent): GeneratedEvent {
		const written = this.writtenTime(time);
		const line = serverLine(this.who, written.text, server);
		return {line, eventType: server.eventType, source: 'server', course: server.course, time: written.time};
	}

	private pageView(time: number, path: string, nextPage: string, course: Course | undefined = this.course, request = EMPTY_REQUEST): GeneratedEvent {
		const event = this.server(time, {eventType: path, course, path, referer: this.lastPage, event: request, page: 'null'});
		this.lastPage = nextPage;
		return {...event, pageView: true};
	}

	/** A call of an xblock handler (saving the video position, the sequence tab…): a server event named by its URL path. */
	private handlerCall(time: number, path: string, post: string, referer = this.lastPage): GeneratedEvent {
		return this.server(time, {eventType: path, course: this.course, path, referer, event: JSON.stringify(`{"POST": ${post}, "GET": {}}`), page: 'null'});
	}

	private render(step: Step, time: number): GeneratedEvent {
		const rng = this.rng;
		const course = this.course;
		const unit = this.currentUnit;
		switch (step) {
			case 'enroll':
			case 'unenroll': {
				const eventType = step === 'enroll' ? 'edx.course.enrollment.activated' : 'edx.course.enrollment.deactivated';
				const event = `{"course_id": "${course.id}", "user_id": ${this.who.userId}, "mode": "${this.mode}"}`;
				const referer = step === 'enroll' ? `${course.baseUrl}/about` : `${ORIGIN}/dashboard`;
				return this.server(time, {eventType, name: true, course, path: '/change_enrollment', referer, event, page: 'null'});
			}
			case 'dashboard':
				return this.pageView(time, '/dashboard', `${ORIGIN}/dashboard`, undefined);
			case 'page_view': {
				const sequential = this.currentSequential;
				// Links into a unit carry activate_block_id, which the server logs among the GET parameters.
				const request = rng.chance(0.5) ? unit.activateRequest : EMPTY_REQUEST;
				return this.pageView(time, sequential.path, unit.url, course, request);
			}
			case 'goto_position':
				return this.handlerCall(time, this.currentSequential.gotoPositionPath, `{"position": ["${this.unit + 1}"]}`);
			case 'save_user_state': {
				const video = unit.video!;
				return this.handlerCall(time, video.saveStatePath, `{"saved_video_position": ["${clock(this.videoPosition)}"]}`, unit.url);
			}
			case 'grade_submitted': {
				const problem = unit.problem!;
				const earned = this.parts.filter(Boolean).length;
				this.scores.set(problem.hex, earned / problem.parts);
				this.gradeTransaction = uuid(rng);
				// The grading worker then recalculates the course grade, under the same transaction.
				this.pending.unshift('grade_calculated');
				const event = `{"user_id": "${this.who.userId}", "course_id": "${course.id}", "problem_id": "${problem.blockId}", "event_transaction_id": "${this.gradeTransaction}", "event_transaction_type": "edx.grades.problem.submitted", "weighted_earned": ${earned}, "weighted_possible": ${problem.parts}}`;
				return this.server(time, {
					eventType: 'edx.grades.problem.submitted', name: true, course, referer: unit.url, event, page: '"x_module"',
					path: problem.checkPath,
					contextExtra: `"module": {"usage_key": "${problem.blockId}", "display_name": ${problem.displayNameJson}}, `,
				});
			}
			case 'grade_calculated':
				return this.courseGrade(time);
			case 'progress_page':
				return this.pageView(time, `/courses/${course.id}/progress`, `${course.baseUrl}/progress`);
			case 'page_close':
				return this.browser(time, 'page_close', '""');
			case 'seq_next':
			case 'seq_prev':
			case 'seq_goto': {
				const sequential = this.currentSequential;
				const old = this.unit;
				const count = sequential.units.length;
				if (step === 'seq_next') this.unit = Math.min(old + 1, count - 1);
				else if (step === 'seq_prev') this.unit = Math.max(old - 1, 0);
				else this.unit = rng.int(0, count - 1);
				const inner = `{"old":${old + 1},"new":${this.unit + 1},"current_tab":${old + 1},"tab_count":${count},"id":"${sequential.blockId}","widget_placement":"top"}`;
				const event = this.browser(time, step, JSON.stringify(inner), unit.url);
				// At the end of a sequential, "next" leads on to the following one (a new page load); within one, the server saves the tab.
				if (step === 'seq_next' && old === count - 1) {
					this.moveToNextSequential();
					this.pending.unshift('page_view');
				} else {
					this.pending.unshift('goto_position');
				}
				return event;
			}
			case 'outline_selected': {
				const chapter = course.chapters[this.chapter]!;
				this.sequential = rng.int(0, chapter.sequentials.length - 1);
				this.unit = 0;
				const target = this.currentSequential;
				const event = pyDumps({target_name: target.name, target_url: `${ORIGIN}/courses/${course.id}/jump_to/${target.blockId}`, current_url: `${course.baseUrl}/course/`, widget_placement: 'accordion'});
				this.lastPage = `${course.baseUrl}/course/`;
				return this.browser(time, 'edx.ui.lms.outline.selected', event, `${course.baseUrl}/course/`);
			}
			case 'link_clicked': {
				const event = `{"target_url": "${course.baseUrl}/courseware/", "current_url": "${this.lastPage}"}`;
				return this.browser(time, 'edx.ui.lms.link_clicked', event);
			}
			case 'load_video': {
				const video = unit.video!;
				this.videoPosition = rng.chance(0.7) ? 0 : rng.int(0, video.durationSeconds - 60);
				return this.browser(time, step, JSON.stringify(`{"id":"${video.id}","code":"${video.code}"}`));
			}
			case 'play_video': {
				const video = unit.video!;
				if (this.videoPosition >= video.durationSeconds) this.videoPosition = 0;
				this.watchSeconds = Math.max(1, Math.min(video.durationSeconds - this.videoPosition, rng.logNormal(90, 0.9)));
				const event = this.browser(time, step, JSON.stringify(`{"id":"${video.id}","currentTime":${round3(this.videoPosition)},"code":"${video.code}","duration":${video.durationSeconds}}`));
				this.videoPosition += this.watchSeconds;
				return event;
			}
			case 'pause_video':
			case 'stop_video': {
				const video = unit.video!;
				this.pending.unshift('save_user_state');
				return this.browser(time, step, JSON.stringify(`{"id":"${video.id}","currentTime":${round3(this.videoPosition)},"code":"${video.code}","duration":${video.durationSeconds}}`));
			}
			case 'seek_video': {
				const video = unit.video!;
				const old = this.videoPosition;
				this.videoPosition = rng.int(0, video.durationSeconds - 1);
				const type = rng.pick(['onSlideSeek', 'onSkipSeek', 'onSlideSeek']);
				return this.browser(time, step, JSON.stringify(`{"id":"${video.id}","old_time":${round3(old)},"new_time":${this.videoPosition},"type":"${type}","code":"${video.code}"}`));
			}
			case 'speed_change_video': {
				const video = unit.video!;
				const speeds = ['0.75', '1.0', '1.25', '1.50', '2.0'];
				return this.browser(time, step, JSON.stringify(`{"id":"${video.id}","current_time":${round3(this.videoPosition)},"old_speed":"1.0","new_speed":"${rng.pick(speeds)}","code":"${video.code}"}`));
			}
			case 'problem_check_browser': {
				const problem = unit.problem!;
				const attempt = (this.attempts.get(problem.hex) ?? 0) + 1;
				this.attempts.set(problem.hex, attempt);
				const chanceCorrect = Math.min(0.95, 0.5 + 0.15 * (attempt - 1));
				this.parts = Array.from({length: problem.parts}, () => rng.chance(chanceCorrect));
				this.answers = this.parts.map((correct) => (correct ? CORRECT_ANSWER : rng.pick(WRONG_ANSWERS)));
				const query = this.answers.map((given, i) => `input_${problem.hex}_${i + 2}_1=${given.query}`).join('&');
				return this.browser(time, 'problem_check', JSON.stringify(query));
			}
			case 'problem_check_server': {
				const problem = unit.problem!;
				const attempt = this.attempts.get(problem.hex)!;
				const inputState: string[] = [];
				const answers: string[] = [];
				const correctMap: string[] = [];
				const submission: string[] = [];
				this.answers.forEach((given, i) => {
					const part = `"${problem.hex}_${i + 2}_1"`;
					const correct = this.parts[i]!;
					inputState.push(`${part}: {}`);
					answers.push(`${part}: ${given.json}`);
					correctMap.push(`${part}: {"hint": "", "hintmode": null, "correctness": "${correct ? 'correct' : 'incorrect'}", "npoints": null, "answervariable": null, "msg": "", "queuestate": null}`);
					submission.push(`${part}: {"input_type": "choicegroup", "question": ${problem.displayNameJson}, "response_type": "multiplechoiceresponse", "answer": ${given.json}, "variant": "", "correct": ${correct}}`);
				});
				const grade = this.parts.filter(Boolean).length;
				const success = grade === problem.parts ? 'correct' : 'incorrect';
				const event = `{"state": {"student_answers": {}, "seed": 1, "done": ${attempt > 1 ? 'true' : 'null'}, "correct_map": {}, "input_state": {${inputState.join(', ')}}}, ` +
					`"problem_id": "${problem.blockId}", "answers": {${answers.join(', ')}}, "attempts": ${attempt}, "success": "${success}", "grade": ${grade}, "max_grade": ${problem.parts}, ` +
					`"correct_map": {${correctMap.join(', ')}}, "submission": {${submission.join(', ')}}}`;
				// A wrong answer is often tried again at once, or the answer is looked up.
				if (success === 'incorrect' && rng.chance(0.4)) this.pending.unshift('problem_check_browser', 'problem_check_server');
				else if (success === 'incorrect' && rng.chance(0.3)) this.pending.unshift('problem_show', 'showanswer');
				this.pending.unshift('grade_submitted');
				return this.server(time, {
					eventType: 'problem_check', course, referer: unit.url, event, page: '"x_module"',
					path: problem.checkPath,
					contextExtra: `"asides": {}, "module": {"usage_key": "${problem.blockId}", "display_name": ${problem.displayNameJson}}, `,
				});
			}
			case 'problem_show':
				return this.browser(time, step, JSON.stringify(`{"problem":"${unit.problem!.blockId}"}`));
			case 'showanswer': {
				const problem = unit.problem!;
				return this.server(time, {
					eventType: 'showanswer', course, referer: unit.url, event: `{"problem_id": "${problem.blockId}"}`, page: '"x_module"',
					path: problem.showPath,
					contextExtra: `"module": {"display_name": ${problem.displayNameJson}}, `,
				});
			}
			case 'forum_page':
				return this.pageView(time, `/courses/${course.id}/discussion/forum/`, `${course.baseUrl}/discussion/forum`);
			case 'forum_post':
				return this.forumPost(time);
			case 'exam_created':
			case 'exam_submitted':
			case 'certificate':
				return this.examOrCertificate(step, time);
			case 'pdf_page': {
				this.textbook = rng.int(0, course.textbooks.length - 1);
				this.textbookPage = 1;
				const book = course.textbooks[this.textbook]!;
				return this.pageView(time, `/courses/${course.id}/pdfbook/${this.textbook}/`, `${course.baseUrl}/pdfbook/${this.textbook}/?viewer=true&file=${book.chapter}`);
			}
			default:
				return this.textbookEvent(step, time);
		}
	}

	private moveToNextSequential(): void {
		const chapters = this.course.chapters;
		this.unit = 0;
		if (this.sequential + 1 < chapters[this.chapter]!.sequentials.length) this.sequential++;
		else if (this.chapter + 1 < chapters.length) {
			this.chapter++;
			this.sequential = 0;
		} else {
			this.chapter = 0;
			this.sequential = 0;
		}
	}

	private forumPost(time: number): GeneratedEvent {
		const rng = this.rng;
		const course = this.course;
		const discussion = rng.pick(course.discussionIds);
		const sentences: string[] = Array.from({length: rng.int(1, 3)}, () => rng.pick(FORUM_SENTENCES));
		// Real posts occasionally carry a NUL character (pasted text); PostgreSQL cannot store it, the ingest must keep the event anyway.
		const hasNul = rng.chance(0.003);
		if (hasNul) sentences.push('\u0000');
		const body = sentences.join(' ');
		const id = rng.hex(24);
		const url = `${course.baseUrl}/discussion/forum/${discussion}/threads/${this.threadId ?? id}`;
		const common = {commentable_id: discussion, truncated: false, url, user_forums_roles: ['Student'], user_course_roles: [], category_id: discussion, category_name: this.currentSequential.name};
		const kind = !this.threadId || rng.chance(0.4) ? 'thread' : !this.responseId || rng.chance(0.5) ? 'response' : 'comment';
		let eventType: string;
		let event: string;
		let path: string;
		if (kind === 'thread') {
			this.threadId = id;
			this.responseId = undefined;
			eventType = 'edx.forum.thread.created';
			event = pyDumps({body, anonymous_to_peers: false, title: sentences[0]!.slice(0, 40), thread_type: rng.chance(0.8) ? 'question' : 'discussion', anonymous: false, id, group_id: null, options: {followed: true}, ...common});
			path = `/courses/${course.id}/discussion/${discussion}/threads/create`;
		} else if (kind === 'response') {
			this.responseId = id;
			eventType = 'edx.forum.response.created';
			event = pyDumps({body, discussion: {id: this.threadId}, options: {followed: false}, id, ...common});
			path = `/courses/${course.id}/discussion/threads/${this.threadId}/reply`;
		} else {
			eventType = 'edx.forum.comment.created';
			event = pyDumps({body, discussion: {id: this.threadId}, response: {id: this.responseId}, options: {followed: false}, id, ...common});
			path = `/courses/${course.id}/discussion/comments/${this.responseId}/reply`;
		}
		return {...this.server(time, {eventType, name: true, course, path, referer: `${course.baseUrl}/discussion/forum`, event, page: 'null'}), hasNul};
	}

	private textbookEvent(step: Step, time: number): GeneratedEvent {
		const rng = this.rng;
		const course = this.course;
		const book = course.textbooks[this.textbook]!;
		const page = `${course.baseUrl}/pdfbook/${this.textbook}/?viewer=true&file=${book.chapter}#zoom=page-fit`;
		let name: string;
		let inner: Record<string, unknown>;
		if (step === 'pdf_navigated') {
			this.textbookPage = rng.int(1, book.pages);
			name = 'textbook.pdf.page.navigated';
			inner = {name, chapter: book.chapter, page: this.textbookPage};
		} else if (step === 'pdf_scrolled') {
			const direction = rng.chance(0.8) ? 'down' : 'up';
			this.textbookPage = Math.max(1, Math.min(book.pages, this.textbookPage + (direction === 'down' ? 1 : -1)));
			name = 'textbook.pdf.page.scrolled';
			inner = {name, chapter: book.chapter, page: this.textbookPage, direction};
		} else if (step === 'pdf_zoom') {
			name = 'textbook.pdf.zoom.buttons.changed';
			inner = {name, chapter: book.chapter, page: this.textbookPage, direction: rng.chance(0.6) ? 'in' : 'out'};
		} else {
			name = 'textbook.pdf.search.executed';
			const query = rng.pick(PDF_QUERIES);
			inner = {name, chapter: book.chapter, page: this.textbookPage, query, caseSensitive: false, highlightAll: true, phraseSearch: false, status: rng.chance(0.8) ? 'found' : 'notFound'};
			// The browser sends compact JSON (non-ASCII as is); the server then writes that string Python-style.
			return {...this.browser(time, name, pyJson(JSON.stringify(inner)), page), pdfQuery: query};
		}
		return this.browser(time, name, JSON.stringify(JSON.stringify(inner)), page);
	}

	/** The course grade: every problem of the course counts equally, the default pass mark 50 % earns the letter "Pass". */
	private courseGrade(time: number): GeneratedEvent {
		let earned = 0;
		for (const score of this.scores.values()) earned += score;
		const percent = Math.round((100 * earned) / this.course.problemCount) / 100;
		const written = this.writtenTime(time);
		const line = courseGradeLine(written.text, this.course, {userId: this.who.userId, percent, letter: percent >= 0.5 ? 'Pass' : '', transactionId: this.gradeTransaction});
		return {line, eventType: 'edx.grades.course.grade_calculated', source: 'server', course: this.course, time: written.time, anonymous: true};
	}

	/** The timed exam and certificate of a learner who finishes, after the last session. */
	private examOrCertificate(step: 'exam_created' | 'exam_submitted' | 'certificate', time: number): GeneratedEvent {
		const course = this.course;
		const lastChapter = course.chapters[course.chapters.length - 1]!;
		const exam = lastChapter.sequentials[lastChapter.sequentials.length - 1]!;
		if (step === 'certificate') {
			const certificate = this.rng.hex(32);
			const event = `{"user_id": ${this.who.userId}, "course_id": "${course.id}", "certificate_id": "${certificate}", "certificate_url": "${ORIGIN}/certificates/${certificate}", "enrollment_mode": "${this.mode}", "generation_mode": "batch"}`;
			return this.server(time, {eventType: 'edx.certificate.created', name: true, course, path: '', referer: '', event, page: 'null'});
		}
		const submitted = step === 'exam_submitted';
		const eventType = submitted ? 'edx.special_exam.timed.attempt.submitted' : 'edx.special_exam.timed.attempt.created';
		const event = pyDumps({
			exam_id: 1, exam_content_id: exam.blockId, exam_name: exam.name, exam_default_time_limit_mins: 60,
			exam_is_proctored: false, exam_is_practice_exam: false, exam_is_active: true,
			attempt_id: this.who.userId, attempt_user_id: this.who.userId,
			attempt_status: submitted ? 'submitted' : 'started',
			attempt_allowed_time_limit_mins: 60,
		});
		return this.server(time, {eventType, name: true, course, path: `/api/edx_proctoring/v1/proctored_exam/attempt/${this.who.userId}`, referer: `${course.baseUrl}/courseware/`, event, page: 'null'});
	}
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** A video position as the player saves it: HH:MM:SS. */
function clock(seconds: number): string {
	const whole = Math.floor(seconds);
	const two = (value: number) => String(value).padStart(2, '0');
	return `${two(Math.floor(whole / 3600))}:${two(Math.floor(whole / 60) % 60)}:${two(whole % 60)}`;
}

function uuid(rng: Random): string {
	const hex = rng.hex(32);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}
