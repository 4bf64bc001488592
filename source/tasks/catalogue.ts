import fs from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {UserError} from '../../ingest/errors.js';
import {coerceValue} from './parameters.js';
import {namedParameters} from './placeholders.js';
import {runZoneParameter, type ChartSpec, type ParameterType, type TaskCatalogue, type TaskDefinition, type TaskParameter, type TaskProblem} from './types.js';

/** queries/ of this installation (not of the current directory): dist/source/tasks → project root. */
export const defaultQueriesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'queries');

const HEADER_KEYS = ['id', 'title', 'group', 'description', 'param', 'chart', 'sort', 'key', 'exact-with', 'planner'] as const;
type HeaderKey = (typeof HEADER_KEYS)[number];
const KEY_LINE = new RegExp(`^--\\s*(${HEADER_KEYS.join('|')}):\\s?(.*)$`);
const PARAMETER_TYPES: ParameterType[] = ['text', 'course', 'user', 'video', 'problem', 'event-types', 'date', 'timezone', 'integer', 'number', 'boolean', 'choice'];
/** A key line with a key that is not one: a word and a colon right after `--` and at most one space (continuations are indented). */
const UNKNOWN_KEY_LINE = /^-- ?([A-Za-z][\w-]*):(?:\s|$)/;
const TASK_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PARAMETER_NAME = /^[a-z_][a-z0-9_]*$/;

class TaskFileError extends Error {}

type Header = {entries: Array<{key: HeaderKey; value: string}>; body: string};

/** The leading `--` comment lines: `-- key: value`; other comment lines continue the previous value. */
function splitHeader(text: string): Header {
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	const entries: Header['entries'] = [];
	let index = 0;
	for (; index < lines.length; index++) {
		const line = lines[index]!.trim();
		// The header ends at the first line that is not a comment; a blank line ends it too, so the
		// SQL may start with comments of its own.
		if (line === '' ? entries.length > 0 : !line.startsWith('--')) break;
		if (line === '') continue;
		const match = KEY_LINE.exec(line);
		if (match) {
			entries.push({key: match[1] as HeaderKey, value: match[2]!.trim()});
		} else if (UNKNOWN_KEY_LINE.test(line)) {
			// A misspelt key ("-- titel: …") read as a continuation made the id "my-task titel: …" or a description longer.
			throw new TaskFileError(`line ${index + 1} has the unknown key "${UNKNOWN_KEY_LINE.exec(line)![1]}:" (keys: ${HEADER_KEYS.join(', ')}; indent a continuation line that starts with a word and a colon)`);
		} else if (entries.length > 0) {
			const continuation = line.replace(/^--\s*/, '');
			const last = entries[entries.length - 1]!;
			if (continuation) last.value = last.value ? `${last.value} ${continuation}` : continuation;
		}
	}
	return {entries, body: lines.slice(index).join('\n').trim()};
}

function single(header: Header, key: HeaderKey, required: boolean): string | undefined {
	const values = header.entries.filter((entry) => entry.key === key);
	if (values.length > 1) throw new TaskFileError(`"${key}:" appears ${values.length} times`);
	const value = values[0]?.value;
	if (required && !value) throw new TaskFileError(`the header has no "${key}:" line`);
	return value || undefined;
}

/** `name | type | default | description`; types `choice(a,b,c)` and `integer(min..max)`; default `required` = must be given. */
function parseParameter(value: string): TaskParameter {
	const parts = value.split('|').map((part) => part.trim());
	if (parts.length !== 4) throw new TaskFileError(`"param: ${value}" must be "name | type | default | description"`);
	const [name, typeText, defaultText, description] = parts as [string, string, string, string];
	if (!PARAMETER_NAME.test(name)) throw new TaskFileError(`parameter name "${name}" must be lower-case letters, digits and _`);
	const choice = /^choice\((.+)\)$/.exec(typeText);
	const range = /^integer\((-?\d+)\.\.(-?\d+)\)$/.exec(typeText);
	const type = (choice ? 'choice' : range ? 'integer' : typeText) as ParameterType;
	if (!PARAMETER_TYPES.includes(type)) {
		throw new TaskFileError(`parameter "${name}" has unknown type "${typeText}" (known: ${PARAMETER_TYPES.join(', ')})`);
	}
	const parameter: TaskParameter = {name, type, description};
	if (choice) parameter.choices = choice[1]!.split(',').map((option) => option.trim());
	if (range) Object.assign(parameter, {min: Number(range[1]), max: Number(range[2])});
	if (defaultText === 'required') parameter.required = true;
	else if (defaultText !== '') parameter.default = defaultText;
	try {
		coerceValue(parameter, parameter.default ?? '');
	} catch (error) {
		if (error instanceof UserError) throw new TaskFileError(`its default: ${error.message.replace(/\.$/, '')}`);
		throw error;
	}
	return parameter;
}

/** `line|bar|heatmap x=column y=column[,column…] [sum]` (a heatmap's y columns may be `first..last`) */
function parseChart(value: string): ChartSpec {
	const match = /^(line|bar|heatmap)\s+x=(\S+)\s+y=(\S+)(?:\s+(sum))?$/.exec(value);
	if (!match) throw new TaskFileError(`"chart: ${value}" must be "line|bar|heatmap x=column y=column[,column] [sum]"`);
	const y = match[3]!.split(',');
	// The bars draw one value per row: the other columns were left out without a word.
	if (match[1] === 'bar' && y.length > 1) throw new TaskFileError(`"chart: ${value}": a bar chart draws one column (y=${y[0]}); a line chart draws several`);
	// A bar (a heatmap's row) is a row of the table, in the table's order: sums would stand for rows the table shows apart.
	if (match[1] !== 'line' && match[4]) throw new TaskFileError(`"chart: ${value}": a ${match[1]} chart draws each row as it is; "sum" adds up a line chart's rows of the same x`);
	// A range names the columns between its ends, which only a heatmap draws (24 hours were 24 names).
	if (match[1] !== 'heatmap' && y.some((name) => name.includes('..'))) throw new TaskFileError(`"chart: ${value}": only a heatmap takes a range of columns (first..last)`);
	return {kind: match[1] as ChartSpec['kind'], x: match[2]!, y, ...(match[4] ? {sum: true as const} : {})};
}

function parseSort(value: string): TaskDefinition['sort'] {
	const match = /^(\S+)(?:\s+(asc|desc))?$/.exec(value);
	if (!match) throw new TaskFileError(`"sort: ${value}" must be "column [asc|desc]"`);
	return {column: match[1]!, direction: (match[2] ?? 'asc') as 'asc' | 'desc'};
}

/** `column[,column…]`: the row's identifying columns, each named once. */
function parseKey(value: string): string[] {
	const names = value.split(',').map((name) => name.trim());
	// "username course_id" (no comma) would have named one column that no result has.
	if (names.some((name) => !/^\S+$/.test(name))) throw new TaskFileError(`"key: ${value}" must be "column[,column…]"`);
	const twice = names.find((name, index) => names.indexOf(name) !== index);
	if (twice) throw new TaskFileError(`"key: ${value}" names ${twice} twice`);
	return names;
}

/**
 * The settings a `planner:` line may change: PostgreSQL's choice of plan (its methods, `enable_…`, and its cost
 * estimates), nothing that could change what a query reads or may do (the read-only transaction, its time limit).
 */
const PLANNER_SETTING = /^(?:enable_[a-z_]+|(?:seq|random)_page_cost|cpu_(?:index_)?tuple_cost|cpu_operator_cost|parallel_(?:setup|tuple)_cost|min_parallel_(?:table|index)_scan_size|effective_cache_size)$/;

/** `name=value[, name=value…]`: planner settings (PLANNER_SETTING), each named once; the server checks the values. */
function parsePlanner(value: string): Record<string, string> {
	const settings: Record<string, string> = {};
	for (const setting of value.split(',')) {
		const match = /^\s*([a-z_]+)\s*=\s*([\w.]+)\s*$/.exec(setting);
		if (!match) throw new TaskFileError(`"planner: ${value}" must be "setting=value[, setting=value…]"`);
		const name = match[1]!;
		if (!PLANNER_SETTING.test(name)) throw new TaskFileError(`"planner: ${value}": ${name} is no planner setting (enable_…, …_cost, min_parallel_…_scan_size, effective_cache_size)`);
		if (name in settings) throw new TaskFileError(`"planner: ${value}" sets ${name} twice`);
		settings[name] = match[2]!;
	}
	return settings;
}

/** Parses one task file; throws a TaskFileError whose message names the problem. */
export function parseTaskFile(file: string, text: string): TaskDefinition {
	const header = splitHeader(text);
	const id = single(header, 'id', true)!;
	if (!TASK_ID.test(id)) throw new TaskFileError(`id "${id}" must be kebab-case (lower-case letters and digits joined by -)`);
	const parameters = header.entries.filter((entry) => entry.key === 'param').map((entry) => parseParameter(entry.value));
	const declared = new Set<string>();
	for (const parameter of parameters) {
		if (declared.has(parameter.name)) throw new TaskFileError(`parameter "${parameter.name}" is declared twice`);
		declared.add(parameter.name);
	}
	if (!header.body) throw new TaskFileError('there is no SQL after the header');
	const used = namedParameters(header.body);
	const undeclared = used.filter((name) => !declared.has(name));
	if (undeclared.length > 0) throw new TaskFileError(`the SQL uses :${undeclared[0]}, which no "param:" line declares`);
	// A parameter the SQL never reads would take a value (in the form, from --param) and change nothing in the answer;
	// the run's zone changes the times written (see runZoneParameter).
	const runZone = runZoneParameter(parameters);
	const unused = parameters.find((parameter) => parameter !== runZone && !used.includes(parameter.name));
	if (unused) throw new TaskFileError(`parameter "${unused.name}" is declared, but the SQL never uses :${unused.name}`);
	const chart = single(header, 'chart', false);
	const sort = single(header, 'sort', false);
	const key = single(header, 'key', false);
	const exactWith = single(header, 'exact-with', false);
	const planner = single(header, 'planner', false);
	if (exactWith !== undefined && !declared.has(exactWith)) throw new TaskFileError(`"exact-with: ${exactWith}" must name a parameter that a "param:" line declares`);
	return {
		id,
		title: single(header, 'title', true)!,
		group: single(header, 'group', true)!,
		description: single(header, 'description', true)!,
		parameters,
		...(chart ? {chart: parseChart(chart)} : {}),
		...(sort ? {sort: parseSort(sort)} : {}),
		...(key ? {key: parseKey(key)} : {}),
		...(exactWith ? {exactWith} : {}),
		...(planner ? {planner: parsePlanner(planner)} : {}),
		file,
		sql: header.body,
	};
}

/** The largest task file read (the largest built-in is under 5 kB): a database dump saved into queries/ is not read whole at every start. */
const MAX_TASK_FILE_BYTES = 1024 * 1024;

/** A task file's text: UTF-8 (a BOM allowed), neither empty nor larger than MAX_TASK_FILE_BYTES. */
async function readTaskFile(file: string): Promise<string> {
	const {size} = await fs.stat(file);
	// Rounded up: a file just over the limit was "1.0 MB; … at most 1 MB".
	if (size > MAX_TASK_FILE_BYTES) throw new TaskFileError(`it is ${(Math.ceil((size / MAX_TASK_FILE_BYTES) * 10) / 10).toFixed(1)} MB; a task file is at most 1 MB`);
	const bytes = await fs.readFile(file);
	if (bytes.toString('latin1').trim() === '') throw new TaskFileError('the file is empty');
	try {
		return new TextDecoder('utf-8', {fatal: true}).decode(bytes);
	} catch {
		// Read as UTF-8 regardless, a Latin-1 "é" in a title showed as "\uFFFD" in the menu and in `tasks`.
		const line = bytes.toString('utf8').split('\n').findIndex((text) => text.includes('\uFFFD')) + 1;
		throw new TaskFileError(`line ${line} is not UTF-8 text; save the file as UTF-8`);
	}
}

/** Every queries/*.sql, sorted by group then id; a bad file becomes a problem, the others still load. */
export async function loadTaskCatalogue(dir: string = defaultQueriesDir): Promise<TaskCatalogue> {
	let names: string[];
	try {
		names = (await fs.readdir(dir)).filter((name) => name.toLowerCase().endsWith('.sql')).sort();
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return {tasks: [], problems: [{file: dir, message: `${dir}: ${code === 'ENOENT' ? 'the task folder does not exist' : `the task folder cannot be read (${code})`}.`}]};
	}
	const parsed: TaskDefinition[] = [];
	const problems: TaskProblem[] = [];
	const problem = (file: string, error: unknown) => {
		if (!(error instanceof TaskFileError) && !(error as NodeJS.ErrnoException).code) throw error;
		problems.push({file, message: `${path.basename(file)}: ${(error as Error).message}.`});
	};
	for (const name of names) {
		const file = path.join(dir, name);
		try {
			parsed.push(parseTaskFile(file, await readTaskFile(file)));
		} catch (error) {
			problem(file, error);
		}
	}
	// An id belongs to the file named after it, else to the first by name: a copy of a built-in task under another
	// name (aaa-mine.sql with "id: course-summary") took course-summary's id and left course-summary.sql unread.
	const owners = new Map<string, TaskDefinition>();
	for (const task of parsed) {
		const owner = owners.get(task.id);
		if (!owner || (path.basename(task.file) === `${task.id}.sql` && path.basename(owner.file) !== `${task.id}.sql`)) owners.set(task.id, task);
	}
	for (const task of parsed) {
		const owner = owners.get(task.id)!;
		if (owner !== task) problem(task.file, new TaskFileError(`id "${task.id}" is already used by ${path.basename(owner.file)}`));
	}
	problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
	const tasks = parsed.filter((task) => owners.get(task.id) === task);
	tasks.sort((a, b) => a.group.localeCompare(b.group) || a.id.localeCompare(b.id));
	return {tasks, problems};
}
