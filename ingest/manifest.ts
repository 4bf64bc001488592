import type pg from 'pg';
import {inTransaction, takenFromOthers, takeRepeatedRejects, type ChunkStats} from './chunk-loader.js';
import type {Superseded} from './progress.js';
import {DAMAGED, damagedFingerprint, fileIdentity, fingerprintFile, HEAD_SAMPLE, prefixFingerprint, type FileIdentity, type SourceKind} from './sources.js';

/**
 * The source_files manifest: decides for each input whether to skip it (same content already
 * loaded), resume it (an interrupted load, or a log that grew), or load it from the start.
 */

export type SourceIdentity = {
	path: string;
	member: string;
	kind: SourceKind;
	size: number;
	mtime: Date | undefined;
	fingerprint: string;
	headHash: string;
	/** The hash of the first `length` bytes (the head a smaller earlier version of this file had). */
	headHashAt?: (length: number) => string;
	/** Plain files: is the byte at this offset a newline? (A log read while being written may end in half a line.) */
	newlineAt?: (offset: number) => boolean;
	/** The file's (an archive's, for a member) volume and file id, from the stat its fingerprint made (see fileIdentity). */
	file: FileIdentity | null | undefined;
};

export type LoadPlan =
	| {
			action: 'skip';
			reason: string;
			/** The input (label) whose content this is, when it is another one. */
			sameContentAs?: string;
			/** Why that content was found to be no log and skipped when it was first met (see NotALog): said again. */
			notALog?: string;
	  }
	| {
			action: 'load';
			fileId: number;
			/** Where reading starts (end of the committed prefix) and the number of the line found there. */
			startOffset: number;
			firstLine: number;
			/**
			 * Byte ranges of the chunks committed beyond the prefix (a killed run commits out of order), in order.
			 * The reader cuts its chunks where they begin and end and skips what lies inside them, so they stay right even
			 * if the run that committed them cut chunks of another size.
			 */
			committedRanges: Array<{start: number; end: number}>;
			resumed: boolean;
			/** The damaged fingerprint of the file this resumes (see damagedFingerprint): the same bytes, not hashed again when they fail again. */
			damagedAs?: string;
	  };

type FileRow = {file_id: number; status: string; head_hash: string; size_bytes: number; fingerprint: string; error: string | null};

/**
 * A loaded input with the same content, if any, and the current rows of the same name or of the same file (file id) under
 * other names (named_path): one round trip for all, as the reading thread waits for each file's plan (2,988 daily files
 * waited 15-18 s for four statements each, 11 s for two).
 */
type Known = {same_id: number | null; same_path: string | null; same_member: string | null; same_error: string | null; file_id: number | null; named_path: string | null} & Omit<FileRow, 'file_id'>;

/** How the load will skip an input whose content is loaded (see skipOfContent), known before it starts: said from its first snapshot. */
export type KnownSkip = {reason: string; sameContentAs?: string};

/**
 * Of `sources` (plain and .gz files), those the load will skip as their content is loaded, and how, known before it
 * starts, so the load screen says so from the start (each was "pending" until the load reached it). Recorded as
 * loaded under the same name with the same size and time of last change, one is taken as already loaded without a
 * read, in one round trip. The others whose size a loaded input has (a copy under another name, a folder copied again
 * with new times) are fingerprinted, as the load does, at most 128 KiB read each: new inputs, of other sizes, cost
 * nothing. planSource still decides, by content, when the load comes to them.
 */
export async function loadedBefore(pool: pg.Pool, sources: ReadonlyArray<{path: string; size: number; mtime: Date}>): Promise<Map<string, KnownSkip>> {
	const known = new Map<string, KnownSkip>();
	if (sources.length === 0) return known;
	const {rows} = await pool.query<{path: string}>(
		`SELECT f.path FROM source_files f JOIN unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS s(path, size, mtime)
		   ON f.path = s.path AND f.member = '' AND f.status = 'loaded' AND f.size_bytes = s.size AND f.mtime = s.mtime`,
		[sources.map((source) => source.path), sources.map((source) => source.size), sources.map((source) => source.mtime)],
	);
	for (const {path} of rows) known.set(path, {reason: ALREADY_LOADED});
	const rest = sources.filter((source) => !known.has(source.path));
	if (rest.length === 0) return known;
	const {rows: sizes} = await pool.query<{size: string}>(`SELECT DISTINCT size_bytes::text AS size FROM source_files WHERE status = 'loaded' AND size_bytes = ANY($1::bigint[])`, [
		rest.map((source) => source.size),
	]);
	const loadedSizes = new Set(sizes.map((row) => Number(row.size)));
	const candidates = rest.flatMap((source) => {
		if (!loadedSizes.has(source.size)) return [];
		try {
			const {fingerprint, size, file} = fingerprintFile(source.path);
			return [{path: source.path, fingerprint, size, file}];
		} catch {
			// The load says why it cannot be read when it comes to it.
			return [];
		}
	});
	if (candidates.length === 0) return known;
	// As planSource's lookup: the loaded row of that content, its own name's first, and whether a row holds this name.
	const {rows: same} = await pool.query<{path: string; same_path: string; same_member: string; named: boolean}>(
		`SELECT s.path, same.path AS same_path, same.member AS same_member,
		   EXISTS (SELECT 1 FROM source_files WHERE path = s.path AND member = '' AND status <> 'replaced') AS named
		 FROM unnest($1::text[], $2::text[]) AS s(path, fingerprint)
		 JOIN LATERAL (SELECT path, member FROM source_files WHERE fingerprint = s.fingerprint AND status = 'loaded' ORDER BY (path = s.path AND member = '') DESC LIMIT 1) AS same ON true`,
		[candidates.map((candidate) => candidate.path), candidates.map((candidate) => candidate.fingerprint)],
	);
	for (const row of same) {
		const source = {...candidates.find((candidate) => candidate.path === row.path)!, member: ''};
		const skip = skipOfContent({path: row.same_path, member: row.same_member}, source, row.named);
		known.set(row.path, skip === 'moved' ? {reason: ALREADY_LOADED} : skip);
	}
	return known;
}

const ALREADY_LOADED = 'already loaded';

/**
 * How an input whose content is loaded as `same` is skipped: as already loaded, or as a copy of that input; 'moved' when
 * it is the loaded one moved or renamed since (nothing is left at its old path and no row holds this name), whose row is
 * to follow it. `named`: a row (not replaced) holds this input's name.
 */
function skipOfContent(same: {path: string; member: string}, source: {path: string; member: string; size: number; file: FileIdentity | null | undefined}, named: boolean): KnownSkip | 'moved' {
	// An empty file repeats no other: a folder's empty days are not each named as a copy of the first, in every load.
	if ((same.path === source.path && same.member === source.member) || source.size === 0) return {reason: ALREADY_LOADED};
	// Moved or renamed since: the input it was loaded from is gone and nothing is recorded under this name, so its row
	// follows it. Named as a copy of a file no longer there, a moved folder's files were each said at every later load.
	const recorded = named ? 'another' : recordedFile(same.path, source.file);
	if (recorded === 'gone') return 'moved';
	// The very file under another name of its own: its row stays (followed, a hard link's two names took it from each
	// other at every load).
	if (recorded === 'this one') return {reason: ALREADY_LOADED};
	const sameContentAs = same.member ? `${same.path}!${same.member}` : same.path;
	return {reason: `same content as ${sameContentAs}`, sameContentAs};
}

export async function planSource(pool: pg.Pool, source: SourceIdentity, loadId: number): Promise<LoadPlan> {
	const {file} = source;
	const {rows: known} = await pool.query<Known>(
		`SELECT same.file_id AS same_id, same.path AS same_path, same.member AS same_member, same.error AS same_error, named.*
		 FROM (SELECT 1) AS one
		 -- Also a copy met earlier in this same run, whose last chunks may still be loading.
		 LEFT JOIN LATERAL (SELECT file_id, path, member, error FROM source_files WHERE fingerprint = $1 AND (status = 'loaded' OR (status = 'loading' AND load_id = $4))
		   ORDER BY (path = $2 AND member = $3) DESC LIMIT 1) AS same ON true
		 LEFT JOIN LATERAL (
		   SELECT file_id, path AS named_path, status, head_hash, size_bytes, fingerprint, error FROM source_files WHERE path = $2 AND member = $3 AND status <> 'replaced'
		   UNION ALL
		   SELECT file_id, path, status, head_hash, size_bytes, fingerprint, error FROM source_files
		   WHERE file_ino = $5 AND file_dev = $6 AND member = $3 AND path <> $2 AND status <> 'replaced') AS named ON true
		 ORDER BY named.named_path = $2 DESC, named.file_id DESC`,
		[source.fingerprint, source.path, source.member, loadId, file?.ino ?? null, file?.dev ?? null],
	);
	const {same_id: sameId, same_path: samePath, same_member: sameMember, same_error: sameError} = known[0]!;
	const ofThisName = known[0]!.named_path === source.path;
	// This input's row: the one of its name, else one of another name of the very file (that name leads to this file
	// still), whose grown log goes on where it stopped: met as C:\logs\x.log after C:\Logs\x.log (Windows and macOS
	// take both for one), it was read again from its start.
	const named = known.find((row) => row.file_id !== null && (row.named_path === source.path || recordedFile(row.named_path!, file) === 'this one'));
	if (samePath !== null) {
		// A loaded row's error is why its content is no log (finishSource).
		const notALog = sameError ?? undefined;
		const skip = skipOfContent({path: samePath, member: sameMember!}, source, ofThisName);
		if (skip !== 'moved') return {action: 'skip', ...skip, notALog};
		await pool.query('UPDATE source_files SET path = $2, member = $3, file_dev = $4, file_ino = $5 WHERE file_id = $1', [sameId, source.path, source.member, file?.dev ?? null, file?.ino ?? null]);
		return {action: 'skip', reason: ALREADY_LOADED, notALog};
	}
	const existing = named === undefined ? undefined : {...named, file_id: named.file_id!};
	// Another input holds its content whole (supersedeCopies): nothing is left to load from it while it stays as it is.
	if (existing?.status === 'superseded' && existing.fingerprint === source.fingerprint) return {action: 'skip', reason: existing.error!};
	// Same beginning and not smaller: an interrupted load or an appended log; its committed chunks stay.
	const sameHead = (row: FileRow) => {
		const length = Math.min(HEAD_SAMPLE, row.size_bytes);
		return row.head_hash === (source.headHashAt && length < source.size ? source.headHashAt(length) : source.headHash);
	};
	// A .zip member cannot grow, but an interrupted one (same CRC and sizes) resumes like any file.
	// Damaged compressed data (finishSource) resumes only as the very same bytes: an intact copy in its place loads whole.
	const damagedAs = existing?.fingerprint.startsWith(DAMAGED) ? existing.fingerprint : undefined;
	const continues =
		existing !== undefined &&
		(damagedAs !== undefined
			? (await damagedFingerprint(source.path)) === damagedAs
			: source.kind === 'zip'
				? existing.fingerprint === source.fingerprint
				: source.size >= existing.size_bytes && sameHead(existing));
	// Other content under the same name (a rotated log): the old row, its chunks and rejected lines
	// stay as history, and the new content gets a row of its own.
	if (existing && !continues) await pool.query("UPDATE source_files SET status = 'replaced', finished_at = coalesce(finished_at, now()) WHERE file_id = $1", [existing.file_id]);
	if (!existing || !continues) {
		const inserted = await pool.query<{file_id: number}>(
			`INSERT INTO source_files (path, member, kind, size_bytes, mtime, fingerprint, head_hash, status, load_id, file_dev, file_ino)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, 'loading', $8, $9, $10) RETURNING file_id`,
			[source.path, source.member, source.kind, source.size, source.mtime ?? null, source.fingerprint, source.headHash, loadId, file?.dev ?? null, file?.ino ?? null],
		);
		// A new row has no chunks: read from the start (a round trip less for each new daily file).
		return {action: 'load', fileId: inserted.rows[0]!.file_id, startOffset: 0, firstLine: 1, committedRanges: [], resumed: false};
	}
	const fileId = existing.file_id;
	await pool.query(
		`UPDATE source_files SET kind = $2, size_bytes = $3, mtime = $4, fingerprint = $5, head_hash = $6, status = 'loading',
		 error = NULL, load_id = $7, started_at = now(), finished_at = NULL, file_dev = $8, file_ino = $9 WHERE file_id = $1`,
		// A damaged file keeps its fingerprint while it resumes: interrupted before it fails again, it would otherwise be
		// known by the sampled one, which an intact copy in its place shares.
		[fileId, source.kind, source.size, source.mtime ?? null, damagedAs ?? source.fingerprint, source.headHash, loadId, file?.dev ?? null, file?.ino ?? null],
	);
	// Trailing garbage met before (recordTrailingGarbage's chunk, the one with no bytes) is taken back with its entry, in one
	// statement: the file may now go on where it was (a garbage repaired into gzip data), or it is met and stored again.
	await pool.query(
		`WITH chunk AS (DELETE FROM file_chunks WHERE file_id = $1 AND start_offset = end_offset RETURNING first_line)
		 DELETE FROM rejected_lines r USING chunk WHERE r.file_id = $1 AND r.line_no = chunk.first_line`,
		[fileId],
	);
	const {rows: chunks} = await pool.query<{start_offset: number; end_offset: number; first_line: number; next_line: number}>(
		'SELECT start_offset, end_offset, first_line, first_line + lines + blank_lines AS next_line FROM file_chunks WHERE file_id = $1 ORDER BY start_offset',
		[fileId],
	);
	let startOffset = 0;
	let firstLine = 1;
	let index = 0;
	while (index < chunks.length && chunks[index]!.start_offset === startOffset) {
		startOffset = chunks[index]!.end_offset;
		firstLine = chunks[index]!.next_line;
		index++;
	}
	// The prefix ends inside a line and the file grew: that last line was half-written when it was read.
	// Its chunk is taken back (in one statement, so a kill cannot leave half of it) and read again whole.
	// Its stored events stay (the derived tables have counted them): read again, they are recognised as
	// this chunk's own lines and counted as loaded, not stored twice.
	const last = chunks[index - 1];
	if (last && source.newlineAt && source.size > startOffset && !source.newlineAt(startOffset - 1)) {
		await pool.query(
			`WITH chunk AS (DELETE FROM file_chunks WHERE file_id = $1 AND start_offset = $2)
			 DELETE FROM rejected_lines WHERE file_id = $1 AND line_no >= $3 AND line_no < $4`,
			[fileId, last.start_offset, last.first_line, last.next_line],
		);
		startOffset = last.start_offset;
		firstLine = last.first_line;
	}
	const committedRanges = chunks.slice(index).map((chunk) => ({start: chunk.start_offset, end: chunk.end_offset}));
	return {action: 'load', fileId, startOffset, firstLine, committedRanges, resumed: chunks.length > 0, ...(damagedAs ? {damagedAs} : {})};
}

/**
 * What is at the path an input was loaded from (`recorded`) now, for the one met whose file is `current`: nothing, this
 * very file under another name, or another file. Windows compares names without case: a file loaded as C:\proj\input\a.log
 * and met as c:\proj\Input\a.log (VS Code's terminal starts in c:), or through an 8.3 name, still "existed" at its old
 * path, and was said to be a copy of itself at every load; so was a file reached through a link to its folder.
 */
function recordedFile(recorded: string, current: FileIdentity | null | undefined): 'gone' | 'this one' | 'another' {
	const old = fileIdentity(recorded);
	if (old === undefined) return 'gone';
	return old !== null && current?.dev === old.dev && current.ino === old.ino ? 'this one' : 'another';
}

/** Totals of a file (of `f`) are the sums over its committed chunks (so they stay right across resumes). */
const COMMITTED_TOTALS = `(lines_read, blank_lines, loaded, duplicates, rejected, content_bytes) = (SELECT * FROM file_committed_counts(f.file_id))`;

/**
 * A file read to its end is loaded, one with an `error` failed. One whose content is no log (`notALog`: see NotALog) is
 * loaded with nothing from it, as an empty file is, and the reason kept as its error: `files` shows it, and a later
 * load that skips it says it again (planSource). One whose compressed data is damaged keeps `damagedAs` as its fingerprint
 * (see damagedFingerprint).
 */
export async function finishSource(pool: pg.Pool, fileId: number, error: string | undefined, notALog?: string, damagedAs?: string): Promise<void> {
	const client = await pool.connect();
	try {
		await inTransaction(client, async () => {
			// Locked first, in a statement of its own: a chunk of an input with a lower file id that came after this one in
			// the load (a grown log) may be taking events from it (LOCK_WHAT_TO_TAKE in chunk-loader.ts). Summed in the
			// same statement, its chunks were read as they were before that chunk's commit, which changed them.
			await client.query('SELECT FROM source_files WHERE file_id = $1 FOR NO KEY UPDATE', [fileId]);
			await client.query(`UPDATE source_files f SET status = $2, error = $3, fingerprint = coalesce($4, fingerprint), finished_at = now(), ${COMMITTED_TOTALS} WHERE f.file_id = $1`, [
				fileId,
				error === undefined ? 'loaded' : 'failed',
				error ?? notALog ?? null,
				damagedAs ?? null,
			]);
		});
	} finally {
		client.release();
	}
}

/** Bytes after a compressed file's gzip data that are not gzip: kept as a rejected entry after its last line (see recordTrailingGarbage). */
export type TrailingGarbageEntry = {fileId: number; contentEnd: number; lineNo: number; offset: number; detail: string; raw: Buffer};

/**
 * Stores the trailing garbage as a rejected entry numbered as the line after the last, with a chunk of its own (one line,
 * rejected, no content bytes: at the content's end), so that the file's counts include it; or a duplicate, when another
 * input holds the same garbage first (a copy of the .gz: see TAKE_REPEATED_REJECTS). One transaction, so a kill cannot
 * keep one row without the other. A load that resumes the file or reads it grown takes them back (planSource).
 */
export async function recordTrailingGarbage(pool: pg.Pool, entry: TrailingGarbageEntry): Promise<ChunkStats> {
	const client = await pool.connect();
	try {
		return await inTransaction(client, async () => {
			await client.query(
				`INSERT INTO rejected_lines (file_id, line_no, byte_offset, reason, detail, raw) VALUES ($1, $2, $3, 'trailing-garbage', $4, $5)`,
				[entry.fileId, entry.lineNo, entry.offset, entry.detail, entry.raw],
			);
			const taken = await takeRepeatedRejects(client, {fileId: entry.fileId, firstLine: entry.lineNo, lineCount: 1});
			const duplicates = taken.some((line) => line.own) ? 1 : 0;
			await client.query(
				`INSERT INTO file_chunks (file_id, start_offset, end_offset, first_line, lines, blank_lines, loaded, duplicates, rejected)
				 VALUES ($1, $2, $2, $3, 1, 0, 0, $4, $5)`,
				[entry.fileId, entry.contentEnd, entry.lineNo, duplicates, 1 - duplicates],
			);
			return {lines: 1, blankLines: 0, loaded: 0, readAgain: 0, duplicates, rejected: 1 - duplicates, rejectedByReason: duplicates ? {} : {'trailing-garbage': 1}, creditedFrom: [], rejectsFrom: takenFromOthers(taken)};
		});
	} finally {
		client.release();
	}
}

/** Events loaded and not in the derived tables yet (a load cancelled before they were built, or this one's so far). */
export async function eventsNotBuilt(pool: pg.Pool): Promise<number> {
	const {rows} = await pool.query<{events: number}>('SELECT coalesce(sum(f.loaded), 0)::float8 AS events FROM source_files f JOIN loads l USING (load_id) WHERE NOT l.derived_done');
	return rows[0]!.events;
}

/** A cancelled load's unfinished files keep status 'loading' (the next run resumes them) and show what they committed. */
export async function recordInterrupted(pool: pg.Pool, loadId: number): Promise<void> {
	await pool.query(`UPDATE source_files f SET ${COMMITTED_TOTALS} WHERE f.load_id = $1 AND f.status = 'loading'`, [loadId]);
}

const labelOf = (path: string, member: string) => (member ? `${path}!${member}` : path);

type CopyCandidate = {file_id: number; path: string; member: string; size_bytes: number; fingerprint: string; of_path: string; of_member: string; of_fingerprint: string};

/**
 * Inputs left 'loading' (a load cut off) or 'failed' (a cut .gz) whose content an input loaded whole holds, one of the
 * two met by this load, become 'superseded': otherwise every run said the first was partly loaded, and every ingest
 * failed on the second though nothing was left to load from either. The same fingerprint is the same content under
 * another name; a plain or .gz file whose fingerprint is that of the first bytes of a bigger one is a cut copy of it
 * (read from the bigger one, so only while it is still where it was loaded from, unchanged).
 */
export async function supersedeCopies(pool: pg.Pool, loadId: number): Promise<Superseded[]> {
	const {rows} = await pool.query<CopyCandidate>(
		`SELECT r.file_id, r.path, r.member, r.size_bytes, r.fingerprint, l.path AS of_path, l.member AS of_member, l.fingerprint AS of_fingerprint
		 FROM source_files r JOIN source_files l ON l.status = 'loaded' AND l.file_id <> r.file_id AND l.kind = r.kind
		 WHERE r.status IN ('loading', 'failed') AND (r.load_id = $1 OR l.load_id = $1)
		   AND (r.fingerprint = l.fingerprint OR (r.kind IN ('plain', 'gz') AND r.size_bytes < l.size_bytes AND (r.size_bytes < $2 OR r.head_hash = l.head_hash)))
		 ORDER BY r.file_id, r.fingerprint = l.fingerprint DESC, l.file_id`,
		[loadId, HEAD_SAMPLE],
	);
	const superseded: Superseded[] = [];
	const done = new Set<number>();
	for (const row of rows) {
		if (done.has(row.file_id)) continue;
		const of = labelOf(row.of_path, row.of_member);
		let note: string;
		if (row.fingerprint === row.of_fingerprint) note = `same content as ${of}, which is loaded whole; nothing is left to load from it`;
		else if (isCutCopy(row)) note = `a cut copy of ${of}, which is loaded whole; nothing is left to load from it`;
		else continue;
		await pool.query(`UPDATE source_files f SET status = 'superseded', error = $2, finished_at = now(), ${COMMITTED_TOTALS} WHERE f.file_id = $1`, [row.file_id, note]);
		done.add(row.file_id);
		superseded.push({file: labelOf(row.path, row.member), note});
	}
	return superseded;
}

function isCutCopy(row: CopyCandidate): boolean {
	try {
		return fingerprintFile(row.of_path).fingerprint === row.of_fingerprint && prefixFingerprint(row.of_path, row.size_bytes) === row.fingerprint;
	} catch {
		return false; // gone or unreadable: it cannot tell
	}
}

/**
 * A .zip whose members could be read: a row of an earlier run that could not open it (a cut download, since
 * completed) is history now ('replaced'), not a failed input beside the loaded members.
 */
export async function retireFailedArchive(pool: pg.Pool, path: string): Promise<void> {
	await pool.query("UPDATE source_files SET status = 'replaced' WHERE path = $1 AND member = '' AND kind = 'zip' AND status = 'failed'", [path]);
}

/** A .zip that cannot be opened at all still gets a row, so `files` shows what happened. */
export async function recordFailedSource(pool: pg.Pool, source: SourceIdentity, loadId: number, error: string): Promise<void> {
	await pool.query(
		`INSERT INTO source_files (path, member, kind, size_bytes, mtime, fingerprint, head_hash, status, error, load_id, finished_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', $8, $9, now())
		 ON CONFLICT (path, member) WHERE status <> 'replaced' DO UPDATE SET status = 'failed', error = $8, load_id = $9, finished_at = now()`,
		[source.path, source.member, source.kind, source.size, source.mtime ?? null, source.fingerprint, source.headHash, error, loadId],
	);
}
