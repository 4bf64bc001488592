import {int4Field, int8Field, nullField, startRow, textField} from './copy-binary.js';
import {EVENT_COLUMNS} from './event-fields.js';
import {RowBuffer} from './row-buffer.js';

/**
 * What the derived build needs to know of a load before it reads the events (see refresh.ts): its
 * distinct learners (course and username), event types and pages, and each learner's events with a time
 * per user agent and Accept-Language header (d_client). A chunk records them for the events it stores,
 * in its own transaction, so a build reads a small table instead of a scan of every new event (2 s of
 * PostgreSQL's CPU at 1M events). The values stay as the loader wrote them (the build normalises).
 */
export const LOAD_KEY_COLUMNS = 'load_id, kind, username, course_id, event_type, page, agent, accept_language, timed_events';

/**
 * The same keys for events already in a table or a query `source` (with the columns of events): for the
 * chunks stored through the staging table (only the events really inserted count), and the loads stored
 * before keys were recorded. Rows like ChunkKeys's, with a NULL page kept and clients with no timed event.
 */
export const loadKeysOf = (source: string) => `
SELECT load_id,
	CASE WHEN GROUPING(agent) = 0 THEN 'client' WHEN GROUPING(username) = 0 THEN 'learner' WHEN GROUPING(event_type) = 0 THEN 'type' ELSE 'page' END AS kind,
	username, course_id, event_type, page, agent, accept_language, CASE WHEN GROUPING(agent) = 0 THEN count(time) END AS timed_events
FROM ${source}
GROUP BY load_id, GROUPING SETS ((username, course_id), (event_type), (page), (username, course_id, agent, accept_language))`;

const column = (name: (typeof EVENT_COLUMNS)[number]) => EVENT_COLUMNS.indexOf(name);
const TIME = column('time');
const USERNAME = column('username');
const COURSE = column('course_id');
const EVENT_TYPE = column('event_type');
const PAGE = column('page');
const AGENT = column('agent');
const ACCEPT_LANGUAGE = column('accept_language');
/** Fields read of each row: up to accept_language. */
const FIELDS_READ = ACCEPT_LANGUAGE + 1;

/**
 * The keys of a chunk's events, collected as they are parsed. Each key is made of raw binary COPY fields
 * of the events row (a length, then the bytes), kept as a latin1 string (byte for byte, and cheap to
 * make) and written back as they are; a learner is their username and course_id fields together, in the
 * order load_keys has them.
 */
export class ChunkKeys {
	private readonly learners = new Set<string>();
	private readonly types = new Set<string>();
	private readonly pages = new Set<string>();
	/** Learner → their agent and accept_language fields → events with a time. */
	private readonly clients = new Map<string, Map<string, number>>();
	private readonly starts = new Int32Array(FIELDS_READ + 1);

	constructor(private readonly loadId: number) {}

	/** Adds the keys of the events row that starts at `rowStart` in `row` (its field count first). */
	add(row: Buffer, rowStart: number): void {
		const starts = this.starts;
		let at = rowStart + 2;
		for (let field = 0; field < FIELDS_READ; field++) {
			starts[field] = at;
			at += 4 + Math.max(row.readInt32BE(at), 0);
		}
		starts[FIELDS_READ] = at;
		const fields = (first: number, last: number) => row.toString('latin1', starts[first]!, starts[last + 1]!);
		const isNull = (field: number) => row.readInt32BE(starts[field]!) < 0;
		const learner = fields(USERNAME, USERNAME) + fields(COURSE, COURSE);
		this.learners.add(learner);
		this.types.add(fields(EVENT_TYPE, EVENT_TYPE));
		if (!isNull(PAGE)) this.pages.add(fields(PAGE, PAGE));
		if (!isNull(TIME)) {
			let agents = this.clients.get(learner);
			if (!agents) this.clients.set(learner, (agents = new Map()));
			// agent and accept_language are neighbours in the row.
			const client = fields(AGENT, ACCEPT_LANGUAGE);
			agents.set(client, (agents.get(client) ?? 0) + 1);
		}
	}

	/** The keys as binary COPY rows of load_keys (LOAD_KEY_COLUMNS), header and trailer not included. */
	copyRows(): Buffer {
		const {loadId} = this;
		const out = new RowBuffer(1 << 16);
		const raw = (fields: string) => {
			out.reserve(fields.length);
			out.length += out.bytes.write(fields, out.length, 'latin1');
		};
		const nulls = (count: number) => {
			for (let index = 0; index < count; index++) nullField(out);
		};
		const start = (kind: string) => {
			startRow(out, 9);
			int4Field(out, loadId);
			textField(out, kind);
		};
		// Columns after the kind: username, course_id, event_type, page, agent, accept_language, timed_events.
		for (const learner of this.learners) {
			start('learner');
			raw(learner);
			nulls(5);
		}
		for (const type of this.types) {
			start('type');
			nulls(2);
			raw(type);
			nulls(4);
		}
		for (const page of this.pages) {
			start('page');
			nulls(3);
			raw(page);
			nulls(3);
		}
		for (const [learner, agents] of this.clients) {
			for (const [client, events] of agents) {
				start('client');
				raw(learner);
				nulls(2);
				raw(client);
				int8Field(out, events);
			}
		}
		return out.view();
	}
}
