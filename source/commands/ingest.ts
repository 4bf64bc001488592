import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type {Database} from '../../ingest/db/database.js';
import {resolveWorkdir} from '../../ingest/db/workdir.js';
import {canonicalTimeZone, timeZoneNames} from '../../ingest/derived/day-zone.js';
import {runIngest} from '../../ingest/engine.js';
import {expandWildcards, hasWildcards, missingInput} from '../../ingest/sources.js';
import {liveLine} from './live-line.js';
import {zoneGuess} from '../suggest.js';
import {meantPath} from './quoted-path.js';
import {UserError} from '../../ingest/errors.js';
import type {IngestSnapshot, IngestSummary} from '../../ingest/progress.js';
import {derivedStepText, tablesPercent, fileNotices, loadPercent, loadRatesText, readyShort, supersededOf, notLogsOf, formatBytes, formatDuration, formatCount, loadingMs, noticeLine, zoneKeptClause} from '../format.js';
import {defaultResultDir} from '../tasks/index.js';
import {cancellable, withDatabase, type Command, type CommandContext} from './context.js';

/** Never read as inputs (`ingest .` beside them): the workdir (its cluster, password and logs) and result/ (saved tables). */
export const ourFolders = (context: CommandContext) => [resolveWorkdir(context.flags.workdir).root, defaultResultDir()];

/** The default source: input/ in the current folder. */
export const defaultInput = () => path.join(process.cwd(), 'input');

/** The paths named (wildcards the shell left expanded here), or the default source; they must exist. */
export function ingestPaths(args: string[], platform: NodeJS.Platform = process.platform): string[] {
	// Checked before the database starts: a mistyped name made the workdir and its cluster.
	const named = args.flatMap((typed) => {
		const arg = meantPath(typed, platform);
		// "-" is standard input to many tools: a pipe has no content to fingerprint or resume from (see discoverSources).
		if (arg === '-' && !fs.existsSync(arg)) throw new UserError('ingest reads files, not standard input ("-"); save the log to a file first.');
		if (fs.existsSync(arg) || !hasWildcards(arg)) return [arg];
		const matches = expandWildcards(arg);
		if (matches.length === 0) throw new UserError(`No file or folder matches ${arg}.`);
		return matches;
	});
	const missing = named.find((file) => !fs.existsSync(file));
	if (missing !== undefined) throw missingInput(missing);
	if (named.length > 0) return named;
	const input = defaultInput();
	if (!fs.existsSync(input)) throw new UserError(`There is no input/ folder in ${process.cwd()}; put logs there or name them: openpolyedu-tui ingest FILE…`);
	return [input];
}

/**
 * The --tz of ingest and the app: the zone to count the derived tables' days in (canonical name), or
 * undefined to keep theirs. An unknown zone is a UserError.
 */
export async function dayZoneFlag(pool: pg.Pool, tz: string | undefined): Promise<string | undefined> {
	if (!zoneGiven(tz)) return undefined;
	const zone = await canonicalTimeZone(pool, tz);
	if (zone === undefined) {
		const {names, abbreviations} = await timeZoneNames(pool);
		throw unknownZone(tz, names, abbreviations);
	}
	return zone;
}

/** An empty value is no value, as for run: a script's unset variable (`--tz "$TZ"`) keeps the day zone. */
const zoneGiven = (tz: string | undefined): tz is string => tz !== undefined && tz.trim() !== '';

/** Named against the server's zones where it runs, else against Node's (which spell a few differently: Asia/Calcutta). */
const unknownZone = (tz: string, zones: string[], abbreviations?: Map<string, string[]>) =>
	new UserError(`Unknown time zone "${tz}" for --tz${zoneGuess(tz, zones, abbreviations)}; use a name like UTC or Europe/Moscow.`);

/**
 * Whether ingest or the app got a --tz, checked before the database starts (and the screen is taken): a misspelt zone was
 * only found by the load, and the full-screen app showed it as logs that could not be loaded. Node's zones decide
 * here, as they count the day zone's days (see day-zone.ts); the server's list is checked when the zone is applied.
 */
export function zoneFlagGiven(tz: string | undefined): boolean {
	if (!zoneGiven(tz)) return false;
	try {
		new Intl.DateTimeFormat('en-US', {timeZone: tz});
	} catch {
		throw unknownZone(tz, ['UTC', ...Intl.supportedValuesOf('timeZone')]);
	}
	return true;
}

export function progressLine(snapshot: IngestSnapshot): string {
	const {derived} = snapshot;
	// The wait first: after some 80 characters a terminal cuts the line, and the step's words alone take 50.
	if (snapshot.phase === 'deriving') {
		// Before its first step (an ANALYZE of the new events, another build's lock) the build has no figures yet: the
		// load's line said "deriving 100% 0 B/0 B · 0.0 MB/s …" there.
		const step = derived ? derivedStepText(derived) : 'starting';
		return [`deriving ${tablesPercent(snapshot)}%`, snapshot.ready && readyShort(snapshot.ready.seconds), step].filter(Boolean).join(' · ');
	}
	// The build's last line, once it is over: the line before it (up to a second before the end) says 99 % at most.
	if (snapshot.phase === 'done' && snapshot.derivedMs !== undefined) return `deriving ${tablesPercent(snapshot)}% · the tables are updated`;
	// The load screen's "ready in" line, short: after some 70 characters, an 80-column terminal cut it off (and the
	// counts after it).
	const tables = snapshot.ready ? ` + ~${formatDuration(snapshot.ready.tablesSeconds * 1000)} tables` : '';
	return [
		`${snapshot.phase} ${loadPercent(snapshot.bytesDone, snapshot.bytesTotal)} ${formatBytes(snapshot.bytesDone)}/${formatBytes(snapshot.bytesTotal)}`,
		loadRatesText(snapshot, tables),
		`loaded ${formatCount(snapshot.loaded)}, duplicates ${formatCount(snapshot.duplicates)}, rejected ${formatCount(snapshot.rejected)}`,
		snapshot.currentFile ? path.basename(snapshot.currentFile) : '',
	]
		.filter(Boolean)
		.join(' · ');
}

/** Events an earlier load had stored, read again because their log grew past a half-written last line: said only when there are some. */
const readAgainOf = (summary: IngestSummary) =>
	summary.readAgain > 0 ? `read again ${summary.readAgain} (loaded before: the log grew past its half-written last line), ` : '';

export function summaryLines(summary: IngestSummary): string[] {
	const lines = [
		`read ${summary.lines} lines: loaded ${summary.loaded}, ${readAgainOf(summary)}duplicates ${summary.duplicates}, rejected ${summary.rejected}`,
		`files: ${summary.filesLoaded} loaded, ${notLogsOf(summary)}${summary.filesSkipped} skipped (already loaded), ${supersededOf(summary)}${summary.filesFailed} failed; ${summary.blankLines} blank lines ignored; ${formatBytes(summary.bytesRead)} read in ${formatDuration(summary.elapsedMs)}`,
	];
	const {derivedMs} = summary;
	if (derivedMs !== undefined && summary.phase === 'done') {
		lines.push(`time: loading ${formatDuration(loadingMs(summary))}, updating the tables the tasks read ${formatDuration(derivedMs)}`);
	}
	const reasons = Object.entries(summary.rejectedByReason).filter(([, count]) => count > 0);
	if (reasons.length > 0) lines.push(`rejected by reason: ${reasons.map(([reason, count]) => `${reason} ${count}`).join(', ')} (see: openpolyedu-tui rejected)`);
	lines.push(...fileNotices(summary).map(noticeLine));
	const change = summary.dayZoneChange;
	if (change) lines.push(`days are now counted in ${change.to} (was ${change.from}): the derived tables were rebuilt`);
	return lines;
}

/** Headless ingest with a progress line about once a second on stderr; returns the exit code. */
export async function ingestHeadless(context: CommandContext, database: Database, paths: string[], signal: AbortSignal): Promise<number> {
	// The first line a second in: a run that only skips loaded files prints no "loading 0%".
	let lastPrinted = Date.now();
	let lastPhase = '';
	const dayZone = await dayZoneFlag(database.pool, context.flags.tz);
	const live = liveLine(context.stderr);
	let summary: IngestSummary;
	try {
		summary = await runIngest({
			databaseUrl: database.url,
			pool: database.pool,
			paths,
			dayZone,
			workers: context.flags.workers,
			maxLineBytes: context.flags.maxLineBytes,
			scratchDir: database.scratchDir,
			dataDir: database.dataDir,
			serverFailure: database.serverFailure,
			skipFolders: ourFolders(context),
			signal,
			onProgress(snapshot) {
				if (snapshot.phase === 'deriving' && lastPhase !== 'deriving') live.print('building the derived tables the tasks read…');
				const built = snapshot.phase === 'done' && lastPhase === 'deriving';
				lastPhase = snapshot.phase;
				if (!built && ((snapshot.phase !== 'loading' && snapshot.phase !== 'deriving') || Date.now() - lastPrinted < 1000)) return;
				lastPrinted = Date.now();
				live.show(progressLine(snapshot));
			},
		});
	} finally {
		live.end();
	}
	for (const line of summaryLines(summary)) context.stdout.write(`${line}\n`);
	// Else "read 0 lines" alone reads like logs with nothing in them (a load cancelled before it listed them has none either).
	if (summary.files.length === 0 && paths.length > 0 && summary.phase !== 'cancelled') context.stderr.write(`No log files were found in ${paths.join(', ')}; nothing was loaded.\n`);
	if (summary.phase === 'cancelled') {
		context.stderr.write(
			summary.derivedCancelled
				? `Cancelled while updating the tables the tasks read: everything is loaded, and the next ingest (or run) updates them${zoneKeptClause(summary)}.\n`
				: 'Cancelled; what was committed stays, and the next ingest resumes from there.\n',
		);
		return 130;
	}
	if (summary.filesFailed > 0) {
		context.stderr.write(`${summary.filesFailed} input(s) could not be loaded completely; the others are loaded.\n`);
		return 1;
	}
	return 0;
}

export const ingestCommand: Command = async (context) => {
	// A flag's mistake before the inputs': told the missing input/ first, the user fixed that to be told of the zone.
	zoneFlagGiven(context.flags.tz);
	return ingestInto(context, ingestPaths(context.args));
};

/** Headless ingest of `paths` (none: only the tables left pending and --tz) on the command's database; returns the exit code. */
export async function ingestInto(context: CommandContext, paths: string[]): Promise<number> {
	// Listening from before the server starts: a signal then still stops it and releases the workdir. Cancelled before the
	// load (the server starting, a wait for a lock), it ends as a cancelled load does.
	return cancellable('Cancelled; what was committed stays, and the next ingest resumes from there.', (signal) =>
		withDatabase(context, (database) => ingestHeadless(context, database, paths, signal), {signal}),
	);
}
