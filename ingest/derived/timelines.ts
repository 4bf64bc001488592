import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import type pg from 'pg';
import {from as copyFrom, to as copyTo} from 'pg-copy-streams';
import {
	BINARY_HEADER,
	BINARY_TRAILER,
	BinaryRowReader,
	boolField,
	dateField,
	float8Field,
	int2Field,
	int4Field,
	int8Field,
	nullField,
	readInt8,
	startRow,
	textField,
} from '../copy-binary.js';
import {RowBuffer} from '../row-buffer.js';
import {learnerTimeline, type LearnerTimeline, type TimelineEvent} from './learner-timeline.js';

/** The tables written from the timelines, with their columns after course_id and username. */
const TIMELINE_TABLES = {
	d_learner_gap: 'hour, minute, seconds, gaps',
	d_learner_time: 'hour, seconds_5, seconds_30',
	d_learner_day_time: 'day, seconds_5, seconds_30',
	d_session: 'start_time, end_time, events',
	d_learner_session: 'sessions, seconds, median_seconds, longest_seconds',
	d_page_visit: 'time, url_id, session_start, previous_url_id',
	d_learner_page: 'url_id, visits',
	d_learner_page_hour: 'hour, url_id, visits',
	d_learner_transition: 'previous_url_id, url_id, transitions',
} as const;
type TimelineTable = keyof typeof TIMELINE_TABLES;

/** Rows are written to a file per table once this many bytes are buffered, so memory stays bounded at any log size. */
const SPILL_BYTES = 4 * 1024 * 1024;

/**
 * A table's binary COPY rows, spilled to a temporary file: the connection is busy sending the sorted
 * events while the rows are made, and at 10M events they would not fit in memory.
 */
class SpilledTable {
	readonly rows = new RowBuffer(SPILL_BYTES + (1 << 16));
	private handle: fs.promises.FileHandle | undefined;

	constructor(readonly file: string) {
		this.rows.copy(BINARY_HEADER, 0, BINARY_HEADER.length);
	}

	async spillIfFull(): Promise<void> {
		if (this.rows.length >= SPILL_BYTES) await this.spill();
	}

	async close(): Promise<void> {
		this.rows.copy(BINARY_TRAILER, 0, BINARY_TRAILER.length);
		await this.spill();
		await this.handle?.close();
		this.handle = undefined;
	}

	private async spill(): Promise<void> {
		this.handle ??= await fs.promises.open(this.file, 'w');
		await this.handle.write(this.rows.bytes, 0, this.rows.length);
		this.rows.length = 0;
	}
}

/** A learner's course and username as two binary fields, encoded once: every row of theirs starts with them. */
function learnerFields(courseId: string, username: string): Buffer {
	const out = new RowBuffer(Buffer.byteLength(courseId) + Buffer.byteLength(username) + 8);
	textField(out, courseId);
	textField(out, username);
	return Buffer.from(out.view());
}

/** Writes a learner's timeline as rows of the tables, each row starting with the learner's course and username. */
function writeTimeline(tables: Record<TimelineTable, SpilledTable>, learner: Buffer, timeline: LearnerTimeline): void {
	const row = (table: TimelineTable, fields: number) => {
		const out = tables[table].rows;
		startRow(out, fields + 2);
		out.copy(learner, 0, learner.length);
		return out;
	};
	const maybeFloat = (out: RowBuffer, value: number | null) => (value === null ? nullField(out) : float8Field(out, value));
	for (const gap of timeline.gaps) {
		const out = row('d_learner_gap', 4);
		int8Field(out, gap.hour);
		int2Field(out, gap.minute);
		float8Field(out, gap.seconds);
		int8Field(out, gap.gaps);
	}
	for (const time of timeline.hourTimes) {
		const out = row('d_learner_time', 3);
		int8Field(out, time.hour);
		maybeFloat(out, time.seconds5);
		maybeFloat(out, time.seconds30);
	}
	for (const time of timeline.dayTimes) {
		const out = row('d_learner_day_time', 3);
		dateField(out, time.day);
		maybeFloat(out, time.seconds5);
		maybeFloat(out, time.seconds30);
	}
	for (const session of timeline.sessions) {
		const out = row('d_session', 3);
		int8Field(out, session.start);
		int8Field(out, session.end);
		int8Field(out, session.events);
	}
	const summary = timeline.sessionSummary;
	if (summary) {
		const out = row('d_learner_session', 4);
		int8Field(out, summary.sessions);
		float8Field(out, summary.seconds);
		float8Field(out, summary.medianSeconds);
		float8Field(out, summary.longestSeconds);
	}
	for (const visit of timeline.visits) {
		const out = row('d_page_visit', 4);
		int8Field(out, visit.time);
		int4Field(out, visit.urlId);
		boolField(out, visit.sessionStart);
		if (visit.previousUrlId === null) nullField(out);
		else int4Field(out, visit.previousUrlId);
	}
	for (const page of timeline.pageVisits) {
		const out = row('d_learner_page', 2);
		int4Field(out, page.urlId);
		int8Field(out, page.visits);
	}
	for (const page of timeline.pageHourVisits) {
		const out = row('d_learner_page_hour', 3);
		int8Field(out, page.hour);
		int4Field(out, page.urlId);
		int8Field(out, page.visits);
	}
	for (const transition of timeline.transitions) {
		const out = row('d_learner_transition', 3);
		int4Field(out, transition.previousUrlId);
		int4Field(out, transition.urlId);
		int8Field(out, transition.transitions);
	}
}

/**
 * Computes the timelines of the learners of `source` (a query of learner_id, time, closes, url_id whose
 * learners are in learners_to_refresh) and appends them to the per-learner tables. PostgreSQL sorts the
 * events by learner and streams them; each learner is walked as soon as their last event arrives, and
 * the rows are stored by COPY once the stream has ended (the same transaction, the same connection).
 */
export async function recomputeTimelines(client: pg.PoolClient, source: string): Promise<void> {
	const {rows: learnerRows} = await client.query<{learner_id: number; course_id: string; username: string}>(
		'SELECT learner_id, course_id, username FROM learners_to_refresh',
	);
	const learners = new Map(learnerRows.map((row) => [row.learner_id, learnerFields(row.course_id, row.username)]));
	const {rows: [{seconds}]} = await client.query<{seconds: number}>('SELECT d_session_summary_min_seconds()::float8 AS seconds');
	const options = {sessionSummaryMinSeconds: seconds};
	const folder = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'openpolyedu-timelines-'));
	try {
		const tables = Object.fromEntries(
			Object.keys(TIMELINE_TABLES).map((table) => [table, new SpilledTable(path.join(folder, `${table}.bin`))]),
		) as Record<TimelineTable, SpilledTable>;
		const spilled = Object.values(tables);
		let learnerId: number | undefined;
		let events: TimelineEvent[] = [];
		const finishLearner = () => {
			if (learnerId !== undefined && events.length > 0) writeTimeline(tables, learners.get(learnerId)!, learnerTimeline(events, options));
			events = [];
		};
		// Fields: learner_id int4, time timestamptz (int8 microseconds), closes bool, url_id int4 or NULL.
		const reader = new BinaryRowReader((data, starts) => {
			const id = data.readInt32BE(starts[0]!);
			if (id !== learnerId) {
				finishLearner();
				learnerId = id;
			}
			const url = starts[3]!;
			events.push({time: readInt8(data, starts[1]!), closes: data[starts[2]!] === 1, urlId: url < 0 ? null : data.readInt32BE(url)});
		});
		const sorted = client.query(copyTo(`COPY (SELECT * FROM (${source}) events ORDER BY 1, 2, 3, 4) TO STDOUT (FORMAT binary)`));
		for await (const piece of sorted) {
			reader.push(piece as Buffer);
			for (const table of spilled) await table.spillIfFull();
		}
		finishLearner();
		for (const [table, columns] of Object.entries(TIMELINE_TABLES)) {
			const spill = tables[table as TimelineTable];
			await spill.close();
			const copy = client.query(copyFrom(`COPY ${table} (course_id, username, ${columns}) FROM STDIN (FORMAT binary)`));
			await pipeline(fs.createReadStream(spill.file), copy);
		}
	} finally {
		await fs.promises.rm(folder, {recursive: true, force: true});
	}
}
