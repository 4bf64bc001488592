import type pg from 'pg';
import {
	boolField,
	boolOrNullField,
	bytesField,
	fieldBytes,
	fieldText,
	float8Field,
	float8OrNullField,
	int8Field,
	int8OrNullField,
	readFloat8OrNull,
	readInt8,
	textField,
} from '../copy-binary.js';
import type {RowBuffer} from '../row-buffer.js';
import {type ProblemEvent, problemAttempts} from './problem-attempts.js';
import {entry, newList} from './tally.js';
import {type LearnerFields, readLearnerRows, type LearnerRowWriter, withSpilledTables} from './streamed-copy.js';
import {comparePlayerEvents, PLAYER_ACTION_ORDER, type PlayerEvent, type VideoAction, videoWatching} from './video-watching.js';

/** Starts a row of `table` with a learner's course and username and an item's id, to be followed by `fields` more. */
type ItemRow<Table extends string> = (table: Table, fields: number) => RowBuffer;

function itemRow<Table extends string>(tables: LearnerRowWriter<Table>, learner: Buffer, item: string): ItemRow<Table> {
	return (table, fields) => {
		const out = tables.learnerRow(table, learner, fields + 1);
		textField(out, item);
		return out;
	};
}

/**
 * Walks each learner's events on each item (a video, a problem) of learners_to_refresh: `query` gives
 * learner_id, the item's id (text), then the event's fields, sorted by both ids first. `write` gets an
 * item's events once they are complete and a function that starts a row of a table with the learner's
 * course, username and the item's id; the rows are COPYed into `tables` at the end.
 */
async function walkLearnerItems<Table extends string, Event>(
	client: pg.PoolClient,
	learners: LearnerFields,
	scratchDir: string | undefined,
	tables: Record<Table, string>,
	query: string,
	decode: (data: Buffer, starts: Int32Array) => Event,
	write: (row: ItemRow<Table>, events: Event[]) => void,
): Promise<void> {
	await withSpilledTables(tables, scratchDir, async (spilled) => {
		let learner: Buffer;
		let item: string | null = null;
		let events: Event[] = [];
		const finishItem = () => {
			if (events.length > 0) write(itemRow(spilled, learner, item!), events);
			events = [];
		};
		await readLearnerRows(
			client,
			query,
			{
				start: (learnerId) => {
					learner = learners.get(learnerId)!;
					item = null;
				},
				row: (data, starts) => {
					const id = fieldText(data, starts[1]!);
					if (id !== item) {
						finishItem();
						item = id;
					}
					events.push(decode(data, starts));
				},
				end: finishItem,
			},
			spilled,
		);
		await spilled.store(client);
	});
}

/** A player event from a row whose position, old position, new position and duration are float8 fields from field `first` on. */
export function playerEvent(data: Buffer, starts: Int32Array, time: number, action: VideoAction, first: number): PlayerEvent {
	return {
		time,
		action,
		position: readFloat8OrNull(data, starts[first]!),
		oldPosition: readFloat8OrNull(data, starts[first + 1]!),
		newPosition: readFloat8OrNull(data, starts[first + 2]!),
		duration: readFloat8OrNull(data, starts[first + 3]!),
	};
}

/** The bytes of the field at `start` (see fieldBytes), copied: a view would keep the stream's whole piece in memory. */
function copiedBytes(data: Buffer, start: number): Buffer | null {
	const bytes = fieldBytes(data, start);
	return bytes && Buffer.from(bytes);
}

/** A problem event from a row's correct (bool) and answers (jsonb) fields, which start at the offsets given, and its parts' grading (jsonb). */
export function problemEvent(data: Buffer, kind: ProblemEvent['kind'], correct: number, answers: number, partsCorrect: Buffer | null): ProblemEvent {
	return {kind, correct: correct < 0 ? null : data[correct] === 1, answers: copiedBytes(data, answers), partsCorrect};
}

export const VIDEO_TABLES = {
	d_video_interval: 'course_id, username, video_id, start_time, start_position, end_position',
	d_learner_video: 'course_id, username, video_id, plays, reported_duration, furthest, watched_seconds, reached',
};
type VideoTable = keyof typeof VIDEO_TABLES;

/** A learner's rows of one video, from their player events on it in comparePlayerEvents's order. */
function writeVideo(row: ItemRow<VideoTable>, events: PlayerEvent[]): void {
	const watching = videoWatching(events);
	for (const interval of watching.intervals) {
		const out = row('d_video_interval', 3);
		int8Field(out, interval.start);
		float8Field(out, interval.startPosition);
		float8Field(out, interval.endPosition);
	}
	const out = row('d_learner_video', 5);
	int8Field(out, watching.plays);
	float8OrNullField(out, watching.reportedDuration);
	float8OrNullField(out, watching.furthest);
	float8OrNullField(out, watching.watchedSeconds);
	float8OrNullField(out, watching.reached);
}

/**
 * The videos and problems that the new events of an incremental build touch, per learner (the counting
 * pass writes them: see LearnerItemIds): a learner's rows of the other videos and problems do not change,
 * as each is walked from its own events only. An 83k-event daily file at 10M events: videos 0.6-0.9 s
 * and problems 0.25 s, against 1.5-1.7 s and 0.6-0.8 s for every video and problem of each learner with
 * new events (the whole build 8.6-8.9 s against 9.4-10.8 s, interleaved).
 */
export const FRESH_ITEM_TABLES = {
	fresh_video_item: 'course_id, username, video_id',
	fresh_problem_item: 'course_id, username, problem_id',
};
type FreshItemTable = keyof typeof FRESH_ITEM_TABLES;

/**
 * The rows recomputeVideos and recomputeProblems replace: those of the touched items. Each is a table `t` and
 * what selects its rows to replace: the table of touched items (`i`) and the condition that joins them.
 */
const videoOf = 'i.course_id = t.course_id AND i.username = t.username AND i.video_id = t.video_id';
export const REPLACED_ITEM_ROWS = [
	{table: 'd_video_interval', using: 'fresh_video_item i', where: videoOf},
	{table: 'd_learner_video', using: 'fresh_video_item i', where: videoOf},
	{table: 'd_learner_problem', using: 'fresh_problem_item i', where: 'i.course_id = t.course_id AND i.username = t.username AND i.problem_id = t.problem_id'},
];

/** The videos and problems one learner's new events touch (distinct ids), gathered as the counting pass streams them. */
/**
 * The page (URL id) a learner was on at their first event on each item (video or problem) of a build, as d_item_page
 * counts it: where the item sits. A player event carries the unit's page; a graded check comes from the server
 * without one, after the learner's browser events on the unit.
 */
export class ItemPages extends Map<string, number> {
	note(itemId: string, urlId: number | null): void {
		if (urlId !== null && !this.has(itemId)) this.set(itemId, urlId);
	}
}

/** A learner's ItemPages for each kind of item. */
export type LearnerItemPages = {readonly video: ItemPages; readonly problem: ItemPages};
const newItemPages = (): LearnerItemPages => ({video: new ItemPages(), problem: new ItemPages()});

export class LearnerItemIds {
	readonly pages = newItemPages();
	private readonly videos = new Set<string>();
	private readonly problems = new Set<string>();

	add(kind: 'video' | 'problem', id: string): void {
		(kind === 'video' ? this.videos : this.problems).add(id);
	}

	write(tables: LearnerRowWriter<FreshItemTable>, learner: Buffer): void {
		for (const [table, ids] of [['fresh_video_item', this.videos], ['fresh_problem_item', this.problems]] as const) {
			for (const id of ids) textField(tables.learnerRow(table, learner, 1), id);
		}
	}
}

/**
 * The watching intervals and per-video sums (d_video_interval, d_learner_video) of the videos in
 * fresh_video_item, from all their learner's player events on them (see video-watching.ts).
 */
export async function recomputeVideos(client: pg.PoolClient, learners: LearnerFields, scratchDir?: string): Promise<void> {
	await walkLearnerItems(
		client,
		learners,
		scratchDir,
		VIDEO_TABLES,
		// Each video's events in comparePlayerEvents's order.
		`SELECT r.learner_id, v.video_id, v.time, v.action, v.position, v.old_position, v.new_position, v.duration
		FROM d_video_event v
			JOIN fresh_video_item i ON i.course_id = v.course_id AND i.username = v.username AND i.video_id = v.video_id
			JOIN learners_to_refresh r ON r.course_id = i.course_id AND r.username = i.username
		ORDER BY 1, 2, 3, array_position(ARRAY[${PLAYER_ACTION_ORDER.map((action) => `'${action}'`).join(', ')}], v.action), 5, 6, 7, 8`,
		(data, starts) => playerEvent(data, starts, readInt8(data, starts[2]!), fieldText(data, starts[3]!) as VideoAction, 4),
		writeVideo,
	);
}

export const PROBLEM_TABLES = {
	d_learner_problem: 'course_id, username, problem_id, checks, first_correct, first_correct_attempt, first_answers, last_answers, showed_answer, showed_answer_untried, first_parts_correct, last_parts_correct',
};
type ProblemTable = keyof typeof PROBLEM_TABLES;

/** A learner's row of one problem, from their events on it sorted by time, then attempt number and answers (see problem-attempts.ts). */
function writeProblem(row: ItemRow<ProblemTable>, events: ProblemEvent[]): void {
	const attempts = problemAttempts(events);
	const out = row('d_learner_problem', 9);
	int8Field(out, attempts.checks);
	boolOrNullField(out, attempts.firstCorrect);
	int8OrNullField(out, attempts.firstCorrectAttempt);
	bytesField(out, attempts.firstAnswers);
	bytesField(out, attempts.lastAnswers);
	boolField(out, attempts.showedAnswer);
	boolField(out, attempts.showedAnswerUntried);
	bytesField(out, attempts.firstPartsCorrect);
	bytesField(out, attempts.lastPartsCorrect);
}

/** The attempts (d_learner_problem) on the problems in fresh_problem_item, from all their learner's events on them (see problem-attempts.ts). */
export async function recomputeProblems(client: pg.PoolClient, learners: LearnerFields, scratchDir?: string): Promise<void> {
	await walkLearnerItems(
		client,
		learners,
		scratchDir,
		PROBLEM_TABLES,
		// Ties of time as compareProblemEvents orders them (NULLs sort last; text in byte order, whatever the database's collation).
		`SELECT r.learner_id, p.problem_id, p.kind, p.correct, p.answers, p.parts_correct
		FROM d_problem_event p
			JOIN fresh_problem_item i ON i.course_id = p.course_id AND i.username = p.username AND i.problem_id = p.problem_id
			JOIN learners_to_refresh r ON r.course_id = i.course_id AND r.username = i.username
		ORDER BY 1, 2, p.time, p.attempts, p.answers::text COLLATE "C", p.kind COLLATE "C", p.correct, p.parts_correct::text COLLATE "C"`,
		(data, starts) => problemEvent(data, fieldText(data, starts[2]!) as ProblemEvent['kind'], starts[3]!, starts[4]!, copiedBytes(data, starts[5]!)),
		writeProblem,
	);
}

/** jsonb as COPY sends it: a version byte, then the JSON text (what answers::text sorts by, byte by byte in the C collation). */
const jsonText = (json: Buffer | null) => json?.subarray(1) ?? null;

/** As ORDER BY json::text COLLATE "C" sorts two jsonb fields, NULLs last. */
function compareJson(a: Buffer | null, b: Buffer | null): number {
	const [x, y] = [jsonText(a), jsonText(b)];
	if (x !== y && (x === null || y === null)) return x === null ? 1 : -1;
	return x === null || y === null ? 0 : Buffer.compare(x, y);
}

/**
 * As ORDER BY time, attempts, answers::text, kind, correct sorts them: checks at the same time (whole-second logs, a
 * double click) by the attempt number the server counted (event.attempts), then by answers, then a check before a
 * show-answer and a wrong check before a right one; NULLs last. A check without a number goes after those with one
 * at its time. Events left equal are alike in all that is read of them: every build walks the same.
 */
function compareProblemEvents(a: TimedProblemEvent, b: TimedProblemEvent): number {
	if (a.time !== b.time) return a.time - b.time;
	if (a.attempts !== b.attempts) return a.attempts === null ? 1 : b.attempts === null ? -1 : a.attempts - b.attempts;
	const answers = compareJson(a.event.answers, b.event.answers);
	if (answers !== 0) return answers;
	if (a.event.kind !== b.event.kind) return a.event.kind === 'check' ? -1 : 1;
	if (a.event.correct !== b.event.correct) return a.event.correct === null ? 1 : b.event.correct === null ? -1 : a.event.correct ? 1 : -1;
	return compareJson(a.event.partsCorrect, b.event.partsCorrect);
}
/** attempts: the check's event.attempts (d_problem_event.attempts), null if it has none. */
type TimedProblemEvent = {time: number; attempts: number | null; event: ProblemEvent};

/**
 * One learner's player and problem events by video and problem, gathered while their events stream by in
 * time order (the counting pass of a first build, where every event is new): written as recomputeVideos
 * and recomputeProblems would, without reading d_video_event and d_problem_event back.
 */
export class LearnerItemEvents {
	readonly pages = newItemPages();
	private readonly videos = new Map<string, PlayerEvent[]>();
	private readonly problems = new Map<string, TimedProblemEvent[]>();

	addVideo(videoId: string, event: PlayerEvent): void {
		entry(this.videos, videoId, newList<PlayerEvent>).push(event);
	}

	addProblem(problemId: string, event: TimedProblemEvent): void {
		entry(this.problems, problemId, newList<TimedProblemEvent>).push(event);
	}

	/** Writes the learner's rows; the events came in time order, so the sorts only order equal times. */
	write(tables: LearnerRowWriter<VideoTable | ProblemTable>, learner: Buffer): void {
		for (const [videoId, events] of this.videos) {
			writeVideo(itemRow(tables, learner, videoId), events.sort(comparePlayerEvents));
		}
		for (const [problemId, events] of this.problems) {
			writeProblem(itemRow(tables, learner, problemId), events.sort(compareProblemEvents).map((timed) => timed.event));
		}
	}
}
