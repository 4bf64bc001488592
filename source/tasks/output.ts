import fs from 'node:fs';
import path from 'node:path';
import {stringify} from 'csv-stringify/sync';
import stringWidth from 'string-width';
import {UserError} from '../../ingest/errors.js';
import {oneLineCell, timestampText} from '../format.js';
import type {OutputFormat, TaskResult} from './types.js';

type Cell = TaskResult['rows'][number][number];

function cellText(value: Cell): string {
	return value === null ? '' : String(value);
}

/** What Excel reads as the start of a formula (OWASP's list): a learner's name or search can start so. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * CSV; for Excel (`bom`), a text cell that Excel would run as a formula (=HYPERLINK(…) as a username) gets a
 * leading ' that Excel shows as text. Without the BOM the cells are left exact for scripts.
 */
function toCsv(result: TaskResult, bom: boolean): string {
	const kinds = result.columns.map((column) => column.kind);
	const forExcel = (value: Cell, index: number) => {
		const text = cellText(value);
		return bom && kinds[index] !== 'number' && FORMULA_START.test(text) ? `'${text}` : text;
	};
	return stringify([result.columns.map((column) => column.name), ...result.rows.map((row) => row.map(forExcel))], {bom, record_delimiter: 'unix'});
}

function toJson(result: TaskResult): string {
	const objects = result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column.name, row[index] ?? null])));
	return `${JSON.stringify(objects, null, 2)}\n`;
}

/** Markdown: pipes escaped, line breaks as <br>, number columns right-aligned. */
function toMarkdown(result: TaskResult): string {
	const escape = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/\r?\n/g, '<br>');
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	return [
		line(result.columns.map((column) => escape(column.name))),
		line(result.columns.map((column) => (column.kind === 'number' ? '---:' : '---'))),
		...result.rows.map((row) => line(row.map((value) => escape(cellText(value))))),
	].join('\n') + '\n';
}

/** Aligned columns for a terminal (display width aware), numbers right-aligned, timestamps to the second as in the app, one line per row. */
function toTable(result: TaskResult): string {
	const oneLine = (value: Cell, index: number) => {
		const text = oneLineCell(cellText(value));
		return result.columns[index]!.kind === 'timestamp' ? timestampText(text) : text;
	};
	const cells = [result.columns.map((column) => column.name), ...result.rows.map((row) => row.map(oneLine))];
	const widths = result.columns.map((_, index) => Math.max(...cells.map((row) => stringWidth(row[index]!))));
	const pad = (text: string, index: number) => {
		const fill = ' '.repeat(widths[index]! - stringWidth(text));
		return result.columns[index]!.kind === 'number' ? fill + text : text + fill;
	};
	const lines = cells.map((row) => row.map(pad).join('  ').trimEnd());
	lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
	return `${lines.join('\n')}\n`;
}

export function formatResult(result: TaskResult, format: OutputFormat | 'table', options: {bom?: boolean} = {}): string {
	switch (format) {
		case 'csv':
			return toCsv(result, options.bom ?? false);
		case 'json':
			return toJson(result);
		case 'md':
			return toMarkdown(result);
		case 'table':
			return toTable(result);
	}
}

const EXTENSIONS: Record<OutputFormat, string> = {csv: 'csv', json: 'json', md: 'md'};

/**
 * Safe on every file system: letters, digits, `_`, `-` only (no `:` `+` `/` `\`). No dot either: Windows
 * reads everything before a name's first dot as the name, so `aux.x_…csv` would be the AUX device.
 * Letters of any script count (a learner named борис stays борис), composed (NFC) whatever the input was.
 */
function fileNamePart(text: string): string {
	const safe = text.normalize('NFC').replace(/[^\p{L}\p{M}\p{N}_-]+/gu, '_').replace(/^_+|_+$/g, '');
	// At most 64 UTF-8 bytes a part, so four parts stay under the 255 bytes file systems allow.
	let part = '';
	for (const char of safe) {
		if (Buffer.byteLength(part + char) > 64) break;
		part += char;
	}
	return part;
}

/** `<task>_<course|all>[_<learner>]_<UTC timestamp>`: a run for one learner names them. */
export function resultFileBase(result: Pick<TaskResult, 'taskId' | 'parameters'>, when: Date): string {
	const learner = fileNamePart(result.parameters.user ?? '');
	return [fileNamePart(result.taskId) || 'task', fileNamePart(result.parameters.course ?? '') || 'all', ...(learner ? [learner] : []), timestampPart(when)].join('_');
}

/** 2026-11-25T15:48:18.123Z → 20261125T154818Z */
function timestampPart(date: Date): string {
	return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** Writes to a temp file beside the target, then links it in place: fails rather than overwrite. */
function writeNew(target: string, content: string): boolean {
	const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
	fs.writeFileSync(temp, content);
	try {
		fs.linkSync(temp, target);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		// File systems without hard links: an exclusive copy is still never an overwrite.
		try {
			fs.copyFileSync(temp, target, fs.constants.COPYFILE_EXCL);
			return true;
		} catch (copyError) {
			if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') return false;
			throw copyError;
		}
	} finally {
		fs.rmSync(temp, {force: true});
	}
}

/** Makes `dir` and its parents; a file in the way is one sentence (mkdir says EEXIST or ENOTDIR). */
function makeFolder(dir: string): void {
	try {
		fs.mkdirSync(dir, {recursive: true});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
		let file = dir;
		while (!fs.existsSync(file)) file = path.dirname(file);
		throw new UserError(`Cannot save in ${dir}: ${file === dir ? 'it' : file} is a file, not a folder; move it away first.`);
	}
}

/** Where --save and the app's save key write: result/ in the current folder. */
export const defaultResultDir = () => path.join(process.cwd(), 'result');

/** Why --out `out` cannot be written as a new file (a folder, or a file already there), or undefined. */
export function outProblem(out: string): string | undefined {
	const target = path.resolve(out);
	let stat: fs.Stats | undefined;
	try {
		stat = fs.statSync(target, {throwIfNoEntry: false});
	} catch {
		// A file where a folder of the path should be (ENOTDIR): saving says so, as it makes the folders.
		return undefined;
	}
	if (stat?.isDirectory()) return `${target} is a folder; give --out a file name in it, or use --save.`;
	if (stat) return `${target} already exists; choose another --out file or remove it first.`;
	return undefined;
}

/**
 * Saves a result: to `out`, or to resultDir (default ./result) under a name from its task and
 * parameters (resultFileBase) and `[-n].<ext>`. Never overwrites an existing file.
 */
export async function saveResult(
	result: TaskResult,
	options: {format: OutputFormat; out?: string; resultDir?: string; bom?: boolean},
): Promise<{path: string; rows: number}> {
	const content = formatResult(result, options.format, {bom: options.bom});
	const dir = path.resolve(options.out ? path.dirname(options.out) : (options.resultDir ?? defaultResultDir()));
	try {
		if (options.out) {
			const target = path.resolve(options.out);
			makeFolder(dir);
			const problem = outProblem(target);
			if (problem !== undefined) throw new UserError(problem);
			// Made meanwhile (another run): still never overwritten.
			if (!writeNew(target, content)) throw new UserError(outProblem(target) ?? `${target} could not be written.`);
			return {path: target, rows: result.rows.length};
		}
		makeFolder(dir);
		const base = resultFileBase(result, new Date());
		for (let attempt = 1; attempt < 1000; attempt++) {
			const target = path.join(dir, `${base}${attempt > 1 ? `-${attempt}` : ''}.${EXTENSIONS[options.format]}`);
			if (writeNew(target, content)) return {path: target, rows: result.rows.length};
		}
		throw new UserError(`Could not find a free file name in ${dir}.`);
	} catch (error) {
		if (error instanceof UserError) throw error;
		// Node names the temporary file it was writing ("EACCES: permission denied, open '/data/.x.csv.12795.tmp'"): the folder is what to fix.
		const reason = (error as Error).message.replace(/,.*$/s, '');
		throw new UserError(`Cannot write the result file in ${dir}: ${reason}.`);
	}
}
