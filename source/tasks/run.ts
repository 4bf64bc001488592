import type pg from 'pg';
import {backendPid, cancelOnAbort} from '../../ingest/db/database.js';
import {UserError} from '../../ingest/errors.js';
import {resolveParameters, sqlTypeOf} from './parameters.js';
import {toPositional} from './placeholders.js';
import {columnOf, decoderFor} from './result-values.js';
import {queryWireRows} from './wire-rows.js';
import {runZoneParameter, type TaskDefinition, type TaskResult, type TaskSink} from './types.js';

const QUERY_CANCELED = '57014';

/** The task's SQL failed on the server (an error in a task file, a refusal of the database): not its values. */
export class TaskQueryError extends UserError {
	override name = 'TaskQueryError';
}

/**
 * Always the extended protocol, which takes one statement: without values pg sends the simple one, which runs
 * several, so a task file's `SELECT 1; COMMIT; DELETE FROM events` ended the read-only transaction and deleted.
 */
const ONE_STATEMENT = {queryMode: 'extended'} as const;

/**
 * A query's columns (with their kinds) and rows as a task's result holds them (see decoderFor; `inZone`: the session's
 * TimeZone was set to the run's zone).
 */
export async function queryTable(client: pg.ClientBase, text: string, values: unknown[] = [], inZone = false): Promise<Pick<TaskResult, 'columns' | 'rows'>> {
	const result = await queryWireRows(client, {text, values, ...ONE_STATEMENT}, (field) => decoderFor(field, inZone));
	return {columns: result.fields.map(columnOf), rows: result.rows as TaskResult['rows']};
}

function abortError(): DOMException {
	return new DOMException('The task was cancelled.', 'AbortError');
}

/** `body` in a read-only transaction on `client` (one snapshot for all its queries): committed, or rolled back when it throws. */
export async function readOnly<T>(client: pg.ClientBase, body: () => Promise<T>): Promise<T> {
	await client.query('BEGIN TRANSACTION READ ONLY');
	try {
		const value = await body();
		await client.query('COMMIT');
		return value;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	}
}

/** A task's parameters as they were used, with the notes they give (see resolveParameters). */
type Resolved = Pick<TaskResult, 'parameters' | 'notes'>;

/**
 * Sets the transaction's TimeZone to the run's zone (the task's first timezone parameter), so that PostgreSQL writes a
 * timestamptz as that zone's wall time and offset at that instant, and says whether it did. A query's own
 * `AT TIME ZONE :tz` gave a timestamp without the offset: a script reading the JSON could not get the instant back, nor
 * tell the two 01:30s of a night when the clocks go back. Set after the parameters' checks, whose queries count in UTC.
 */
async function inRunZone(client: pg.ClientBase, task: TaskDefinition, parameters: Record<string, string>): Promise<boolean> {
	const parameter = runZoneParameter(task.parameters);
	const zone = parameter ? parameters[parameter.name] : undefined;
	if (!zone) return false;
	await client.query({text: "SELECT set_config('TimeZone', $1, true)", values: [zone]});
	return true;
}

/** The task's planner settings (`planner:`), for its transaction only: after the parameters' checks, which they are not for. */
async function withPlannerSettings(client: pg.ClientBase, task: TaskDefinition): Promise<void> {
	if (!task.planner) return;
	await client.query({
		text: 'SELECT set_config(name, value, true) FROM unnest($1::text[], $2::text[]) AS setting (name, value)',
		values: [Object.keys(task.planner), Object.values(task.planner)],
	});
}

/**
 * Checks and completes a task's parameter values, binds each as $n, and gives `body` the SQL to run in a
 * read-only transaction on its client. When `signal` aborts, the query is cancelled on the server (from
 * another connection) and the promise rejects with an AbortError.
 */
async function inTaskTransaction<T>(
	pool: pg.Pool,
	task: TaskDefinition,
	values: Record<string, string>,
	signal: AbortSignal | undefined,
	body: (client: pg.PoolClient, query: {text: string; bound: unknown[]; inZone: boolean}, resolved: Resolved) => Promise<T>,
): Promise<T> {
	if (signal?.aborted) throw abortError();
	const client = await pool.connect();
	const pids: number[] = [];
	const cancellation = cancelOnAbort(pool, signal, pids);
	try {
		pids.push(await backendPid(client));
		if (signal?.aborted) throw abortError();
		return await readOnly(client, async () => {
			// On the task's connection, which the cancel reaches: run from the pool, a check that waited for another
			// session's lock (a course looked up in d_type_total while a build held it) kept the app's Esc waiting too.
			const {resolved: parameters, notes} = await resolveParameters(pool, task, values, client);
			const typeOf = new Map(task.parameters.map((parameter) => [parameter.name, sqlTypeOf(parameter)]));
			const {text, names} = toPositional(task.sql, (name) => typeOf.get(name) ?? 'text');
			const bound = names.map((name) => (parameters[name] ? parameters[name] : null));
			const inZone = await inRunZone(client, task, parameters);
			await withPlannerSettings(client, task);
			return body(client, {text, bound, inZone}, {parameters, ...(notes.length > 0 ? {notes} : {})});
		});
	} catch (error) {
		if (cancellation.requested() || (error as {code?: string}).code === QUERY_CANCELED || signal?.aborted) throw abortError();
		// The sink's own (a result file that cannot be written) are not the database's.
		if (error instanceof DOMException || error instanceof UserError) throw error;
		const message = error instanceof Error ? error.message : String(error);
		throw new TaskQueryError(`Task "${task.id}" failed in the database: ${message} (${task.file}).`);
	} finally {
		client.release();
		await cancellation.settle();
	}
}

/** Runs a task (see inTaskTransaction) and keeps its whole result, as the app shows it. */
export async function runTask(
	pool: pg.Pool,
	task: TaskDefinition,
	values: Record<string, string>,
	options: {signal?: AbortSignal} = {},
): Promise<TaskResult> {
	const started = performance.now();
	return inTaskTransaction(pool, task, values, options.signal, async (client, {text, bound, inZone}, resolved) => {
		const table = await queryTable(client, text, bound, inZone);
		return {taskId: task.id, ...table, ...resolved, elapsedMs: performance.now() - started};
	});
}

/** Rows fetched per round trip when a result is streamed: a few MB at a time, however large the result. */
const STREAMED_ROWS = 10_000;

type Table = Pick<TaskResult, 'columns' | 'rows'>;

/**
 * Runs `text` through a cursor on `client` (which is in a transaction) and hands `batch` its rows (as queryTable
 * gives them) `batchRows` at a time, all at once for Infinity; the first batch even when empty, for its columns.
 * Memory holds one batch, however many rows there are. Returns how many there were.
 */
export async function fetchInBatches(
	client: pg.ClientBase,
	text: string,
	values: unknown[],
	batch: (table: Table, index: number) => Promise<void>,
	options: {batchRows?: number; signal?: AbortSignal; inZone?: boolean} = {},
): Promise<number> {
	const {batchRows = STREAMED_ROWS, signal, inZone} = options;
	await client.query({text: `DECLARE batched_rows NO SCROLL CURSOR FOR ${text}`, values, ...ONE_STATEMENT});
	const fetch = `FETCH ${Number.isFinite(batchRows) ? batchRows : 'ALL'} FROM batched_rows`;
	let rows = 0;
	for (let index = 0; ; index++) {
		signal?.throwIfAborted();
		const table = await queryTable(client, fetch, [], inZone);
		if (index === 0 || table.rows.length > 0) await batch(table, index);
		rows += table.rows.length;
		if (table.rows.length < batchRows) return rows;
	}
}

/**
 * Runs a task as runTask does, but hands its rows to `sink` a batch at a time instead of keeping them: an
 * export of learner-unit-events with every event type at 10M events (1M rows) took 2.2 GB in memory, and
 * more would pass Node's heap limit. A cursor runs the query without parallel workers (the server cannot
 * lend them to a query it may have to pause), 15-25 % slower for learner-unit-events at 10M, so the app
 * keeps runTask for what it shows.
 */
export async function streamTask(
	pool: pg.Pool,
	task: TaskDefinition,
	values: Record<string, string>,
	sink: TaskSink,
	options: {signal?: AbortSignal; batchRows?: number} = {},
): Promise<{rows: number}> {
	const {signal, batchRows} = options;
	return inTaskTransaction(pool, task, values, signal, async (client, {text, bound, inZone}, resolved) => {
		// Planned for the whole result, as a plain query is (by default a cursor's plan favours its first tenth).
		await client.query('SET LOCAL cursor_tuple_fraction = 1');
		const rows = await fetchInBatches(
			client,
			text,
			bound,
			async (table, index) => {
				if (index === 0) await sink.start({taskId: task.id, columns: table.columns, ...resolved});
				if (table.rows.length > 0) await sink.rows(table.rows);
			},
			{batchRows, signal, inZone},
		);
		return {rows};
	});
}
