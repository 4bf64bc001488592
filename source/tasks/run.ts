import type pg from 'pg';
import {backendPid, cancelOnAbort} from '../../ingest/db/database.js';
import {UserError} from '../../ingest/errors.js';
import {resolveParameters, sqlTypeOf} from './parameters.js';
import {toPositional} from './placeholders.js';
import type {ColumnKind, TaskDefinition, TaskResult} from './types.js';

const NUMBER_TYPES = new Set([20, 21, 23, 26, 700, 701, 1700]);
const BOOLEAN_TYPE = 16;
const DATE_TYPE = 1082;
const TIMESTAMP_TYPES = new Set([1114, 1184]);
const TIMESTAMPTZ_TYPE = 1184;
const JSON_TYPES = new Set([114, 3802]);
const QUERY_CANCELED = '57014';

function kindOf(dataTypeId: number): ColumnKind {
	if (NUMBER_TYPES.has(dataTypeId)) return 'number';
	if (dataTypeId === BOOLEAN_TYPE) return 'boolean';
	if (dataTypeId === DATE_TYPE) return 'date';
	if (TIMESTAMP_TYPES.has(dataTypeId)) return 'timestamp';
	if (JSON_TYPES.has(dataTypeId)) return 'json';
	return 'text';
}

/**
 * Numbers as numbers, booleans as booleans, timestamptz as ISO-8601 UTC; everything else (dates,
 * wall-clock timestamps, JSON, intervals) as PostgreSQL prints it — never JS Dates in the local zone.
 */
const resultTypes = {
	getTypeParser(oid: number) {
		if (NUMBER_TYPES.has(oid)) return (value: string) => Number(value);
		if (oid === BOOLEAN_TYPE) return (value: string) => value === 't';
		if (oid === TIMESTAMPTZ_TYPE) return (value: string) => toIsoUtc(value);
		return (value: string) => value;
	},
};

/** '2024-01-02 03:04:05.678+00' (the session runs in UTC) → '2024-01-02T03:04:05.678Z'. */
function toIsoUtc(value: string): string {
	const match = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)\+00$/.exec(value);
	return match ? `${match[1]}T${match[2]}Z` : value;
}

/** A query's columns (with their kinds) and rows as a task's result holds them (see resultTypes). */
export async function queryTable(client: pg.ClientBase | pg.Pool, text: string, values: unknown[] = []): Promise<Pick<TaskResult, 'columns' | 'rows'>> {
	const result = await client.query({text, values, rowMode: 'array', types: resultTypes});
	return {columns: result.fields.map((field) => ({name: field.name, kind: kindOf(field.dataTypeID)})), rows: result.rows as TaskResult['rows']};
}

function abortError(): DOMException {
	return new DOMException('The task was cancelled.', 'AbortError');
}

/**
 * Runs a task: checks and completes its parameter values, binds each as $n, runs the SQL in a
 * read-only transaction. When `signal` aborts, the query is cancelled on the server (from another
 * connection) and the promise rejects with an AbortError.
 */
export async function runTask(
	pool: pg.Pool,
	task: TaskDefinition,
	values: Record<string, string>,
	options: {signal?: AbortSignal} = {},
): Promise<TaskResult> {
	const {signal} = options;
	if (signal?.aborted) throw abortError();
	const {resolved: parameters, notes} = await resolveParameters(pool, task, values);
	const typeOf = new Map(task.parameters.map((parameter) => [parameter.name, sqlTypeOf(parameter)]));
	const {text, names} = toPositional(task.sql, (name) => typeOf.get(name) ?? 'text');
	const bound = names.map((name) => (parameters[name] ? parameters[name] : null));

	const client = await pool.connect();
	const started = performance.now();
	const pids: number[] = [];
	const cancellation = cancelOnAbort(pool, signal, pids);
	try {
		pids.push(await backendPid(client));
		if (signal?.aborted) throw abortError();
		await client.query('BEGIN TRANSACTION READ ONLY');
		const table = await queryTable(client, text, bound);
		await client.query('COMMIT');
		const elapsedMs = performance.now() - started;
		return {taskId: task.id, ...table, parameters, elapsedMs, ...(notes.length > 0 ? {notes} : {})};
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		if (cancellation.requested() || (error as {code?: string}).code === QUERY_CANCELED) throw abortError();
		if (error instanceof DOMException) throw error;
		const message = error instanceof Error ? error.message : String(error);
		throw new UserError(`Task "${task.id}" failed in the database: ${message} (${task.file}).`);
	} finally {
		client.release();
		await cancellation.settle();
	}
}
