import {ARRAY_OF, arrayField, boolField, bytesField, copiedField, fieldText, nullField, readFloat8OrNull, readInt8, startRow, textField} from '../copy-binary.js';
import {type LearnerItemEvents, type LearnerItemIds, playerEvent, problemEvent} from './learner-items.js';
import {partsCorrect} from './parts-correct.js';
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
 * The user id an enrollment change, finish or grade names (event.user_id): one past bigint's range (1e30) is unknown, as
 * one that is no number is (the cast raised, failing every build). A string's number counts: background tasks log it as "6".
 */
const PAYLOAD_USER_ID = `CASE WHEN abs(d_number_at(e.event, 'user_id')) < 9e18 THEN d_number_at(e.event, 'user_id')::bigint END`;

/**
 * The payload fields each kind of payload (fresh_type.payload_kind) gives its reader, as expressions over a scan of
 * `events e` joined to `fresh_type t`, in the order of the record the scan sends for the kind (PAYLOAD_COLUMN).
 * A JSON number is read by d_number_at (d_number, with the field looked up fewer times).
 */
const PAYLOAD_FIELDS = {
	video: {
		videoId: `e.event ->> 'id'`,
		position: `d_number_at(e.event, 'currentTime')`,
		oldPosition: `d_number_at(e.event, 'old_time')`,
		newPosition: `d_number_at(e.event, 'new_time')`,
		duration: `d_number_at(e.event, 'duration')`,
	},
	problem: {
		problemId: `e.event ->> 'problem_id'`,
		correct: `CASE WHEN t.event_type = 'problem_check' THEN e.event ->> 'success' = 'correct' END`,
		answers: `CASE WHEN t.event_type = 'problem_check' AND jsonb_typeof(e.event -> 'answers') = 'object' THEN e.event -> 'answers' END`,
		attempts: `CASE WHEN t.event_type = 'problem_check' THEN d_number_at(e.event, 'attempts') END`,
		// Each answered part's grading, which problem-answers marks its answers with: graded in Node (partsCorrect).
		correctMap: `CASE WHEN t.event_type = 'problem_check' THEN e.event -> 'correct_map' END`,
		// Not the payload's: the address the event came from (d_learner_ip).
		ip: 'e.ip',
	},
	textbook: {
		// The PDF's name is the last part of its URL (event.chapter), without a query.
		pdf: `nullif(regexp_replace(split_part(split_part(e.event ->> 'chapter', '?', 1), '#', 1), '^.*/', ''), '')`,
		query: `e.event ->> 'query'`,
		bookName: `CASE WHEN t.event_type = 'book' THEN e.event ->> 'name' END`,
	},
	target: {
		targetUrl: `e.event ->> 'target_url'`,
		// A name without the white space around it (a title's indentation, line breaks, no-break spaces): one of white space
		// alone is none, and does not hide an earlier name.
		targetName: `btrim(e.event ->> 'target_name', E' \\t\\n\\r\\f\\v\\u00a0')`,
	},
	enrollment: {userId: PAYLOAD_USER_ID, mode: `e.event ->> 'mode'`, fileId: 'e.file_id', lineNo: 'e.line_no'},
	finish: {userId: PAYLOAD_USER_ID},
	grade: {
		userId: PAYLOAD_USER_ID,
		// A course grade is a fraction (0.03 = 3 %); one outside 0-1 is unknown. The letter is empty below the pass mark.
		percentGrade: `CASE WHEN d_number_at(e.event, 'percent_grade') BETWEEN 0 AND 1 THEN d_number_at(e.event, 'percent_grade') END`,
		letterGrade: `e.event ->> 'letter_grade'`,
	},
};

/**
 * The payload of an event whose payload is read, as one column: a record of its kind's fields (PAYLOAD_FIELDS), NULL for
 * the others. One column, not one per field: 22 columns, NULL in most rows, cost every row of the scan their test, and
 * the scan's leader their copy and encoding (see docs/derived-build.md).
 */
export const PAYLOAD_COLUMN = `CASE t.payload_kind
	${Object.entries(PAYLOAD_FIELDS)
		.map(([kind, fields]) => `WHEN '${kind}' THEN ROW(${Object.values(fields).join(', ')})`)
		.join('\n\t')}
	END`;

/** A kind's fields by their place in its record. */
const placesOf = <Fields extends Record<string, string>>(fields: Fields) =>
	Object.fromEntries(Object.keys(fields).map((name, place) => [name, place])) as {readonly [Name in keyof Fields]: number};
const VIDEO = placesOf(PAYLOAD_FIELDS.video);
const PROBLEM = placesOf(PAYLOAD_FIELDS.problem);
const TEXTBOOK = placesOf(PAYLOAD_FIELDS.textbook);
const TARGET = placesOf(PAYLOAD_FIELDS.target);
const ENROLLMENT = placesOf(PAYLOAD_FIELDS.enrollment);
const FINISH = placesOf(PAYLOAD_FIELDS.finish);
const GRADE = placesOf(PAYLOAD_FIELDS.grade);

/**
 * The fields of a row of the counting pass's scan (see fresh-counts.ts), by number: the event's own, then its payload
 * record (PAYLOAD_COLUMN).
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
	payload: 9,
} as const;

/** Where each field of a payload record starts (see readPayload), for the largest kind. */
export const newPayloadStarts = () => new Int32Array(Math.max(...Object.values(PAYLOAD_FIELDS).map((fields) => Object.keys(fields).length)));

/**
 * Where each field of the payload record at `start` in `data` starts, into `starts` by its place (-1 for NULL), as
 * BinaryRowReader gives a row's: a record's binary form is its number of fields, then each field's type, length and value.
 */
export function readPayload(data: Buffer, start: number, starts: Int32Array): void {
	const fields = data.readInt32BE(start);
	let at = start + 4;
	for (let place = 0; place < fields; place++) {
		const length = data.readInt32BE(at + 4);
		at += 8;
		starts[place] = length < 0 ? -1 : at;
		if (length > 0) at += length;
	}
}

/** What a reader needs of an event type (from fresh_type). */
export type ReaderKind = {event_type: string; payload_kind: string | null; video_action: string | null; is_passed: boolean; is_certificate: boolean};

type Tables = {rows(table: ReaderTable): RowBuffer; learnerRow(table: ReaderTable, learner: Buffer, fields: number): RowBuffer};

/**
 * The parts' grading (partsCorrect) of the problem event writeReaderRows wrote last, for addItemEvent, which follows it
 * with the same event: read once, in the same synchronous step.
 */
let checkGrading: Buffer | null = null;

/**
 * Writes the rows an event of the scan gives the readers (none for most events), with the filters their
 * tables had in SQL; `starts` tells where each field of the row starts in `data` (see BinaryRowReader), `payload`
 * each field of its payload record (see readPayload). Says whether it wrote one.
 */
export function writeReaderRows(
	tables: Tables,
	data: Buffer,
	starts: Int32Array,
	payload: Int32Array,
	learner: {courseId: string; username: string; fields: Buffer},
	kind: ReaderKind,
): boolean {
	const time = starts[SCAN.time]!;
	switch (kind.payload_kind) {
		case 'target':
			if (payload[TARGET.targetUrl]! >= 0) {
				const out = tables.rows('fresh_target');
				startRow(out, 3);
				copiedField(out, data, payload[TARGET.targetUrl]!);
				copiedField(out, data, payload[TARGET.targetName]!);
				copiedField(out, data, time);
				return true;
			}
			return false;
		case 'enrollment': {
			if (time < 0) return false;
			// A mode change (an upgrade to verified, …) leaves the learner enrolled or not: its own table, beside the changes of that.
			const modeChange = kind.event_type === 'edx.course.enrollment.mode_changed';
			const out = modeChange ? tables.learnerRow('d_enrollment_mode', learner.fields, 5) : tables.learnerRow('d_enrollment', learner.fields, 6);
			// The enrolled user: event.user_id, else the event's user id.
			copiedField(out, data, payload[ENROLLMENT.userId]! >= 0 ? payload[ENROLLMENT.userId]! : starts[SCAN.userId]!);
			copiedField(out, data, time);
			if (!modeChange) boolField(out, kind.event_type === 'edx.course.enrollment.activated');
			copiedField(out, data, payload[ENROLLMENT.mode]!);
			// Where the event is in the log: it orders changes logged at the same time.
			copiedField(out, data, payload[ENROLLMENT.fileId]!);
			copiedField(out, data, payload[ENROLLMENT.lineNo]!);
			return true;
		}
		case 'finish': {
			// A learner's own finishes count in d_learner; one logged without a name is its user id's (event.user_id, else the
			// event's), named by the tasks through d_user as enrollments are.
			const userId = payload[FINISH.userId]! >= 0 ? payload[FINISH.userId]! : starts[SCAN.userId]!;
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
			const userId = payload[GRADE.userId]! >= 0 ? payload[GRADE.userId]! : starts[SCAN.userId]!;
			if (time < 0 || (learner.username === '' && userId < 0)) return false;
			const out = tables.rows('fresh_grade');
			startRow(out, 6);
			textField(out, learner.courseId);
			copiedField(out, data, userId);
			textField(out, learner.username);
			copiedField(out, data, time);
			copiedField(out, data, payload[GRADE.percentGrade]!);
			copiedField(out, data, payload[GRADE.letterGrade]!);
			return true;
		}
		case 'video': {
			if (time < 0 || learner.username === '' || payload[VIDEO.videoId]! < 0) return false;
			const out = tables.learnerRow('d_video_event', learner.fields, 7);
			copiedField(out, data, time);
			textField(out, kind.video_action!);
			for (let place = VIDEO.videoId; place <= VIDEO.duration; place++) copiedField(out, data, payload[place]!);
			return true;
		}
		case 'problem': {
			const check = kind.event_type === 'problem_check';
			// A check counts from the server's event (the browser's repeats it, without the grading).
			const server = starts[SCAN.server]!;
			if (time < 0 || learner.username === '' || payload[PROBLEM.problemId]! < 0 || (check && !(server >= 0 && data[server] === 1))) return false;
			const out = tables.learnerRow('d_problem_event', learner.fields, 7);
			copiedField(out, data, time);
			copiedField(out, data, payload[PROBLEM.problemId]!);
			textField(out, check ? 'check' : 'show_answer');
			copiedField(out, data, payload[PROBLEM.correct]!);
			copiedField(out, data, payload[PROBLEM.answers]!);
			copiedField(out, data, payload[PROBLEM.attempts]!);
			checkGrading = partsCorrect(data, payload[PROBLEM.correctMap]!);
			bytesField(out, checkGrading);
			return true;
		}
		case 'textbook': {
			// A `book` event (the PDF viewer's page loads and turns, in the Open edX reference) is the textbook.pdf.* event its
			// payload names; one without such a name (the PNG viewer's, or the PDF viewer's before 2014) is no PDF's.
			const eventType = kind.event_type === 'book' ? fieldText(data, payload[TEXTBOOK.bookName]!) : kind.event_type;
			if (time < 0 || learner.username === '' || eventType === null || !eventType.startsWith('textbook.')) return false;
			const out = tables.learnerRow('d_textbook_event', learner.fields, 5);
			copiedField(out, data, time);
			textField(out, eventType);
			copiedField(out, data, payload[TEXTBOOK.pdf]!);
			copiedField(out, data, payload[TEXTBOOK.query]!);
			const query = eventType === 'textbook.pdf.search.executed' ? fieldText(data, payload[TEXTBOOK.query]!) : null;
			const words = query === null ? [] : searchWords(query);
			if (words.length === 0) nullField(out);
			else arrayField(out, ARRAY_OF.text, words.length, false, () => words.forEach((word) => textField(out, word)));
			return true;
		}
		default:
			return false;
	}
}

/** The address a problem event whose reader row writeReaderRows has just written came from (null for other events). */
export const problemIp = (data: Buffer, payload: Int32Array, kind: ReaderKind) => (kind.payload_kind === 'problem' ? fieldText(data, payload[PROBLEM.ip]!) : null);

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
export function addItemEvent(items: LearnerItemEvents, data: Buffer, starts: Int32Array, payload: Int32Array, kind: ReaderKind, urlId: number | null): void {
	// Other readers keep events without a time (outline clicks name their target anyway): not these two.
	if (kind.payload_kind !== 'video' && kind.payload_kind !== 'problem') return;
	const time = readInt8(data, starts[SCAN.time]!);
	// The video and problem ids are never NULL here: writeReaderRows wrote no row without them.
	if (kind.payload_kind === 'video') {
		const videoId = fieldText(data, payload[VIDEO.videoId]!)!;
		items.pages.video.note(videoId, urlId);
		items.addVideo(videoId, playerEvent(data, payload, time, kind.video_action as VideoAction, VIDEO.position));
	} else {
		const problemKind = kind.event_type === 'problem_check' ? 'check' : 'show_answer';
		const event = problemEvent(data, problemKind, payload[PROBLEM.correct]!, payload[PROBLEM.answers]!, checkGrading);
		const problemId = fieldText(data, payload[PROBLEM.problemId]!)!;
		items.pages.problem.note(problemId, urlId);
		items.addProblem(problemId, {time, attempts: readFloat8OrNull(data, payload[PROBLEM.attempts]!), event});
	}
}

/**
 * Adds the video or problem of an event whose reader row writeReaderRows has just written to the learner's touched
 * items, and the page the learner is on (`urlId`) to its pages.
 */
export function addItemId(ids: LearnerItemIds, data: Buffer, payload: Int32Array, kind: ReaderKind, urlId: number | null): void {
	if (kind.payload_kind !== 'video' && kind.payload_kind !== 'problem') return;
	const itemId = fieldText(data, payload[kind.payload_kind === 'video' ? VIDEO.videoId : PROBLEM.problemId]!)!;
	ids.pages[kind.payload_kind].note(itemId, urlId);
	ids.add(kind.payload_kind, itemId);
}
