/**
 * The contract between the task layer (registry, runner, output) and its users (CLI `tasks`/`run`,
 * the TUI). Tasks are data: one .sql file per task in queries/, with a metadata header.
 */

export type ParameterType = 'text' | 'course' | 'user' | 'video' | 'problem' | 'event-types' | 'date' | 'timezone' | 'integer' | 'number' | 'boolean' | 'choice';

export type TaskParameter = {
	name: string;
	type: ParameterType;
	description: string;
	/** Default value as the user would type it ('' or undefined = none). */
	default?: string;
	/** Allowed values for type 'choice'. */
	choices?: string[];
	/** Inclusive bounds for type 'integer' (written `integer(1..240)` in the header). */
	min?: number;
	max?: number;
	required?: boolean;
};

/**
 * What a parameter's header line says beside its type and description: "required", "default 7", "one of a, b",
 * "from 1 to 240" (`run <task> --help` and the app's task details say the same).
 */
export function parameterFacts(parameter: TaskParameter): string[] {
	return [
		parameter.required ? 'required' : '',
		parameter.default ? `default ${parameter.default}` : '',
		parameter.choices ? `one of ${parameter.choices.join(', ')}` : '',
		parameter.min !== undefined ? `from ${parameter.min} to ${parameter.max}` : '',
	].filter(Boolean);
}

/** The run's zone: a task's first timezone parameter, the zone its times are written in (see inRunZone), read by its SQL or not. */
export const runZoneParameter = (parameters: TaskParameter[]) => parameters.find((parameter) => parameter.type === 'timezone');

/** How a value of a type is written, said after its parameter's description (the app's form and details, `run <task> --help`). */
export const PARAMETER_FORMATS: Partial<Record<ParameterType, string>> = {date: 'YYYY-MM-DD'};

/**
 * A description with `notes` after it, in the parenthesis it ends with if it does: "(empty: no limit; YYYY-MM-DD)", where
 * "(empty: no limit) (YYYY-MM-DD)" read as two asides.
 */
export function describedWith(description: string, notes: string[]): string {
	if (notes.length === 0) return description;
	const said = notes.join('; ');
	return description.endsWith(')') && description.includes('(') ? `${description.slice(0, -1)}; ${said})` : `${description} (${said})`;
}

export type ChartSpec = {
	kind: 'line' | 'bar' | 'heatmap';
	/** Column for the x-axis (a heatmap's: the label of each row). */
	x: string;
	/** Value column(s); a heatmap's each a column or `first..last`, the result's columns from first to last. */
	y: string[];
	/** A line chart's rows with the same x value are added up, column by column, before they are drawn (`sum`). */
	sum?: true;
};

export type TaskDefinition = {
	id: string;
	title: string;
	group: string;
	/** One paragraph: what is counted and why. */
	description: string;
	parameters: TaskParameter[];
	chart?: ChartSpec;
	sort?: {column: string; direction: 'asc' | 'desc'};
	/** The row's identifying columns (`key:`), kept in sight at the table's left when it scrolls right; absent: the first column. */
	key?: string[];
	/**
	 * The parameter given which the answer puts events in days by their exact times, not by the UTC hour the tables
	 * count them in (activity-by-day's user): the note on a zone whose offset is not whole hours says which answer is which.
	 */
	exactWith?: string;
	/**
	 * Planner settings (`planner:`) for the task's transaction: a plan PostgreSQL's estimates do not pick
	 * (time-on-course-by-day's parallel sort outside the day zone).
	 */
	planner?: Record<string, string>;
	/** Absolute path of the .sql file. */
	file: string;
	sql: string;
};

export type TaskProblem = {file: string; message: string};

export type TaskCatalogue = {
	tasks: TaskDefinition[];
	/** Malformed task files: reported, never fatal for the others. */
	problems: TaskProblem[];
};

/** `id`: a whole number that names something (a column `id` or `…_id`, user_id): a number, shown as written. */
export type ColumnKind = 'number' | 'id' | 'text' | 'date' | 'timestamp' | 'boolean' | 'json';

/** Whether a column holds numbers (right-aligned, never an Excel formula): an identifier is one too. */
export const isNumeric = (kind: ColumnKind | undefined) => kind === 'number' || kind === 'id';

export type TaskResult = {
	taskId: string;
	/**
	 * `elements`: an array column's (text[], int[], jsonb[] …) elements' kind. Its values are PostgreSQL's text of the
	 * array (`{a,"b c",NULL}`), a text to the app and to CSV and Markdown; JSON writes a JSON array.
	 */
	columns: Array<{name: string; kind: ColumnKind; elements?: ColumnKind}>;
	/** Row-major values: numbers as numbers (one a double cannot hold as PostgreSQL's text), dates/timestamps as ISO strings, NULL as null. */
	rows: Array<Array<string | number | boolean | null>>;
	/** Parameter values actually used (after defaults). */
	parameters: Record<string, string>;
	elapsedMs: number;
	/** What the answer leaves approximate, in sentences (see resolveParameters). */
	notes?: string[];
};

/** Where a streamed task's rows go (see streamTask): its head first, then its rows a batch at a time. */
export type TaskSink = {
	/** Called once, before any rows, also when there are none. */
	start(head: Omit<TaskResult, 'rows' | 'elapsedMs'>): Promise<void>;
	rows(rows: TaskResult['rows']): Promise<void>;
};

export type OutputFormat = 'csv' | 'json' | 'md';
