import {ARRAY_OF, arrayField, boolField, copiedField, fieldText, nullField, readFloat8OrNull, readInt8, startRow, textField} from '../copy-binary.js';
import {type LearnerItemEvents, type LearnerItemIds, playerEvent, problemEvent} from './learner-items.js';
import type {VideoAction} from './video-watching.js';
import type {RowBuffer} from '../row-buffer.js';

/**
 * The event tables the readers of payloads fill from the new events: player events, problem checks and
 * shown answers, textbook events, enrollment changes and mode changes, passing grades and certificates logged without a
 * username (by background tasks: the learner is a user id only), course grades as calculated, and the pages that outline and link clicks name
 * (fresh_target, numbered and named once the pass is over). The counting pass (fresh-counts.ts) reads the
 * payload fields in its scan of the events and writes these rows as the events stream by.
 */
export const READER_TABLES = {
	d_enrollment: 'course_id, username, user_id, time, activated, mode, file_id, line_no',
	d_enrollment_mode: 'course_id, username, user_id, time, mode, file_id, line_no',
	d_video_event: 'course_id, username, time, action, video_id, position, old_position, new_position, duration',
	d_problem_event: 'course_id, username, time, problem_id, kind, correct, answers, attempts, parts_correct',
	d_textbook_event: 'course_id, username, time, event_type, pdf, query, words',
	d_user_finish: 'course_id, user_id, time, passed, certificate',
	// Stored in d_grade and merged into d_course_grade once the pass is over (see ADDITIVE_STEPS in refresh.ts).
	fresh_grade: 'course_id, user_id, username, time, percent, letter',
	fresh_target: 'page, name, time',
};
export type ReaderTable = keyof typeof READER_TABLES;

/**
 * The payload fields, as columns of a scan of `events e` joined to `fresh_type t`: each is read only for
 * the event types whose payload kind needs it (a NULL elsewhere), so most rows carry no payload value.
 * Their order is that of SCAN.
 */
export const PAYLOAD_COLUMNS = `
	-- A user id past bigint's range (1e30) is unknown, as one that is no number is (the cast raised, failing every build).
	-- d_number reads a string's number too: background tasks log it as "6".
	CASE WHEN t.payload_kind IN ('enrollment', 'finish', 'grade') AND abs(d_number(e.event -> 'user_id')) < 9e18 THEN d_number(e.event -> 'user_id')::bigint END,
	CASE WHEN t.payload_kind = 'enrollment' THEN e.event ->> 'mode' END,
	CASE WHEN t.payload_kind = 'enrollment' THEN e.file_id END,
	CASE WHEN t.payload_kind = 'enrollment' THEN e.line_no END,
	CASE WHEN t.payload_kind = 'video' THEN e.event ->> 'id' END,
	CASE WHEN t.payload_kind = 'video' THEN d_number(e.event -> 'currentTime') END,
	CASE WHEN t.payload_kind = 'video' THEN d_number(e.event -> 'old_time') END,
	CASE WHEN t.payload_kind = 'video' THEN d_number(e.event -> 'new_time') END,
	CASE WHEN t.payload_kind = 'video' THEN d_number(e.event -> 'duration') END,
	CASE WHEN t.payload_kind = 'problem' THEN e.event ->> 'problem_id' END,
	CASE WHEN t.payload_kind = 'problem' AND t.event_type = 'problem_check' THEN e.event ->> 'success' = 'correct' END,
	CASE WHEN t.payload_kind = 'problem' AND t.event_type = 'problem_check' AND jsonb_typeof(e.event -> 'answers') = 'object' THEN e.event -> 'answers' END,
	CASE WHEN t.payload_kind = 'problem' AND t.event_type = 'problem_check' THEN d_number(e.event -> 'attempts') END,
	-- The PDF's name is the last part of its URL (event.chapter), without a query.
	CASE WHEN t.payload_kind = 'textbook' THEN nullif(regexp_replace(split_part(split_part(e.event ->> 'chapter', '?', 1), '#', 1), '^.*/', ''), '') END,
	CASE WHEN t.payload_kind = 'textbook' THEN e.event ->> 'query' END,
	CASE WHEN t.payload_kind = 'target' THEN e.event ->> 'target_url' END,
	-- A name without the white space around it (a title's indentation, line breaks, no-break spaces): one of white space
	-- alone is none, and does not hide an earlier name.
	CASE WHEN t.payload_kind = 'target' THEN btrim(e.event ->> 'target_name', E' \\t\\n\\r\\f\\v\\u00a0') END,
	CASE WHEN t.payload_kind = 'textbook' AND t.event_type = 'book' THEN e.event ->> 'name' END,
	-- A course grade is a fraction (0.03 = 3 %); one outside 0-1 is unknown. The letter is empty below the pass mark.
	CASE WHEN t.payload_kind = 'grade' AND d_number(e.event -> 'percent_grade') BETWEEN 0 AND 1 THEN d_number(e.event -> 'percent_grade') END,
	CASE WHEN t.payload_kind = 'grade' THEN e.event ->> 'letter_grade' END,
	-- Each answered part's grading (event.correct_map), which problem-answers marks its answers with.
	CASE WHEN t.payload_kind = 'problem' AND t.event_type = 'problem_check' AND jsonb_typeof(e.event -> 'correct_map') = 'object' THEN d_parts_correct(e.event -> 'correct_map') END,
	-- Not the payload's: the address a problem event came from (d_learner_ip), sent for those only.
	CASE WHEN t.payload_kind = 'problem' THEN e.ip END`;

/**
 * The fields of a row of the counting pass's scan (see fresh-counts.ts), by number: the event's own, then
 * the payload columns above in their order.
 */
export const SCAN = {
	learnerId: 0,
	time: 1,
	closes: 2,
	urlId: 3,
	typeId: 4,
	loadId: 5,
	userId: 6,
	server: 7,
	refererUrlId: 8,
	payloadUserId: 9,
	mode: 10,
	fileId: 11,
	lineNo: 12,
	videoId: 13,
	position: 14,
	oldPosition: 15,
	newPosition: 16,
	duration: 17,
	problemId: 18,
	correct: 19,
	answers: 20,
	attempts: 21,
	pdf: 22,
	query: 23,
	targetUrl: 24,
	targetName: 25,
	bookName: 26,
	percentGrade: 27,
	letterGrade: 28,
	partsCorrect: 29,
	ip: 30,
} as const;

/** What a reader needs of an event type (from fresh_type). */
export type ReaderKind = {event_type: string; payload_kind: string | null; video_action: string | null; is_passed: boolean; is_certificate: boolean};

type Tables = {rows(table: ReaderTable): RowBuffer; learnerRow(table: ReaderTable, learner: Buffer, fields: number): RowBuffer};

/**
 * Writes the rows an event of the scan gives the readers (none for most events), with the filters their
 * tables had in SQL; `starts` tells where each field of the row starts in `data` (see BinaryRowReader).
 * Says whether it wrote one.
 */
export function writeReaderRows(tables: Tables, data: Buffer, starts: Int32Array, learner: {courseId: string; username: string; fields: Buffer}, kind: ReaderKind): boolean {
	const time = starts[SCAN.time]!;
	switch (kind.payload_kind) {
		case 'target':
			if (starts[SCAN.targetUrl]! >= 0) {
				const out = tables.rows('fresh_target');
				startRow(out, 3);
				copiedField(out, data, starts[SCAN.targetUrl]!);
				copiedField(out, data, starts[SCAN.targetName]!);
				copiedField(out, data, starts[SCAN.time]!);
				return true;
			}
			return false;
		case 'enrollment': {
			if (time < 0) return false;
			// A mode change (an upgrade to verified, …) leaves the learner enrolled or not: its own table, beside the changes of that.
			const modeChange = kind.event_type === 'edx.course.enrollment.mode_changed';
			const out = modeChange ? tables.learnerRow('d_enrollment_mode', learner.fields, 5) : tables.learnerRow('d_enrollment', learner.fields, 6);
			// The enrolled user: event.user_id, else the event's user id.
			copiedField(out, data, starts[starts[SCAN.payloadUserId]! >= 0 ? SCAN.payloadUserId : SCAN.userId]!);
			copiedField(out, data, starts[SCAN.time]!);
			if (!modeChange) boolField(out, kind.event_type === 'edx.course.enrollment.activated');
			copiedField(out, data, starts[SCAN.mode]!);
			// Where the event is in the log: it orders changes logged at the same time.
			copiedField(out, data, starts[SCAN.fileId]!);
			copiedField(out, data, starts[SCAN.lineNo]!);
			return true;
		}
		case 'finish': {
			// A learner's own finishes count in d_learner; one logged without a name is its user id's (event.user_id, else the
			// event's), named by the tasks through d_user as enrollments are.
			const userId = starts[SCAN.payloadUserId]! >= 0 ? starts[SCAN.payloadUserId]! : starts[SCAN.userId]!;
			if (time < 0 || learner.username !== '' || userId < 0) return false;
			const out = tables.rows('d_user_finish');
			startRow(out, 5);
			textField(out, learner.courseId);
			copiedField(out, data, userId);
			copiedField(out, data, time);
			boolField(out, kind.is_passed);
			boolField(out, kind.is_certificate);
			return true;
		}
		case 'grade': {
			// Mostly logged by the server without a username, the learner in event.user_id (named through d_user by the tasks).
			const userId = starts[SCAN.payloadUserId]! >= 0 ? starts[SCAN.payloadUserId]! : starts[SCAN.userId]!;
			if (time < 0 || (learner.username === '' && userId < 0)) return false;
			const out = tables.rows('fresh_grade');
			startRow(out, 6);
			textField(out, learner.courseId);
			copiedField(out, data, userId);
			textField(out, learner.username);
			copiedField(out, data, time);
			copiedField(out, data, starts[SCAN.percentGrade]!);
			copiedField(out, data, starts[SCAN.letterGrade]!);
			return true;
		}
		case 'video': {
			if (time < 0 || learner.username === '' || starts[SCAN.videoId]! < 0) return false;
			const out = tables.learnerRow('d_video_event', learner.fields, 7);
			copiedField(out, data, starts[SCAN.time]!);
			textField(out, kind.video_action!);
			for (let field = SCAN.videoId; field <= SCAN.duration; field++) copiedField(out, data, starts[field]!);
			return true;
		}
		case 'problem': {
			const check = kind.event_type === 'problem_check';
			// A check counts from the server's event (the browser's repeats it, without the grading).
			const server = starts[SCAN.server]!;
			if (time < 0 || learner.username === '' || starts[SCAN.problemId]! < 0 || (check && !(server >= 0 && data[server] === 1))) return false;
			const out = tables.learnerRow('d_problem_event', learner.fields, 7);
			copiedField(out, data, starts[SCAN.time]!);
			copiedField(out, data, starts[SCAN.problemId]!);
			textField(out, check ? 'check' : 'show_answer');
			copiedField(out, data, starts[SCAN.correct]!);
			copiedField(out, data, starts[SCAN.answers]!);
			copiedField(out, data, starts[SCAN.attempts]!);
			copiedField(out, data, starts[SCAN.partsCorrect]!);
			return true;
		}
		case 'textbook': {
			// A `book` event (the PDF viewer's page loads and turns, in the Open edX reference) is the textbook.pdf.* event its
			// payload names; one without such a name (the PNG viewer's, or the PDF viewer's before 2014) is no PDF's.
			const eventType = kind.event_type === 'book' ? fieldText(data, starts[SCAN.bookName]!) : kind.event_type;
			if (time < 0 || learner.username === '' || eventType === null || !eventType.startsWith('textbook.')) return false;
			const out = tables.learnerRow('d_textbook_event', learner.fields, 5);
			copiedField(out, data, starts[SCAN.time]!);
			textField(out, eventType);
			copiedField(out, data, starts[SCAN.pdf]!);
			copiedField(out, data, starts[SCAN.query]!);
			const query = eventType === 'textbook.pdf.search.executed' ? fieldText(data, starts[SCAN.query]!) : null;
			const words = query === null ? [] : searchWords(query);
			if (words.length === 0) nullField(out);
			else arrayField(out, ARRAY_OF.text, words.length, false, () => words.forEach((word) => textField(out, word)));
			return true;
		}
		default:
			return false;
	}
}

/** Runs of letters, marks and numbers (Unicode's general categories L, M and N). */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * The distinct words of a search query: its NFKC form (x² is x2, ﬁ is fi) split into runs of letters, marks
 * (a Devanagari vowel sign or virama stays in its word) and numbers (any script's digits), each case-folded
 * (STRASSE and straße, ΣΑΣ and σας are one word). JavaScript has no case folding: the lower case of the upper
 * case of the lower case makes the same words as Unicode's full case folding, but for the dotless ı, which
 * becomes i.
 */
export function searchWords(query: string): string[] {
	const words = new Set<string>();
	for (const [word] of query.normalize('NFKC').matchAll(WORD)) words.add(word.toLowerCase().toUpperCase().toLowerCase().normalize('NFKC'));
	return [...words];
}

/**
 * Adds a player or problem event whose reader row writeReaderRows has just written to the learner's
 * events by item (a first build walks them in the counting pass; see LearnerItemEvents), and the page the
 * learner is on (`urlId`) to its pages.
 */
export function addItemEvent(items: LearnerItemEvents, data: Buffer, starts: Int32Array, kind: ReaderKind, urlId: number | null): void {
	// Other readers keep events without a time (outline clicks name their target anyway): not these two.
	if (kind.payload_kind !== 'video' && kind.payload_kind !== 'problem') return;
	const time = readInt8(data, starts[SCAN.time]!);
	// The video and problem ids are never NULL here: writeReaderRows wrote no row without them.
	if (kind.payload_kind === 'video') {
		const videoId = fieldText(data, starts[SCAN.videoId]!)!;
		items.pages.video.note(videoId, urlId);
		items.addVideo(videoId, playerEvent(data, starts, time, kind.video_action as VideoAction, SCAN.position));
	} else {
		const problemKind = kind.event_type === 'problem_check' ? 'check' : 'show_answer';
		const event = problemEvent(data, problemKind, starts[SCAN.correct]!, starts[SCAN.answers]!, starts[SCAN.partsCorrect]!);
		const problemId = fieldText(data, starts[SCAN.problemId]!)!;
		items.pages.problem.note(problemId, urlId);
		items.addProblem(problemId, {time, attempts: readFloat8OrNull(data, starts[SCAN.attempts]!), event});
	}
}

/**
 * Adds the video or problem of an event whose reader row writeReaderRows has just written to the learner's touched
 * items, and the page the learner is on (`urlId`) to its pages.
 */
export function addItemId(ids: LearnerItemIds, data: Buffer, starts: Int32Array, kind: ReaderKind, urlId: number | null): void {
	if (kind.payload_kind !== 'video' && kind.payload_kind !== 'problem') return;
	const itemId = fieldText(data, starts[kind.payload_kind === 'video' ? SCAN.videoId : SCAN.problemId]!)!;
	ids.pages[kind.payload_kind].note(itemId, urlId);
	ids.add(kind.payload_kind, itemId);
}
