import {isUtf8} from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {pipeline, Readable, Transform} from 'node:stream';
import yauzl from 'yauzl';
import {UserError} from './errors.js';
import {crcChecked, gunzipMembers} from './gunzip.js';
import {notALog, officeDocument, SNIFF_BYTES, sniffContent} from './sniff.js';
import {memberName} from './zip-names.js';

/**
 * Finds the inputs (files, .gz, .zip members, folders recursively) and opens them as streams of
 * decompressed bytes, counting the on-disk bytes consumed for the progress meters.
 */

export type SourceKind = 'plain' | 'gz' | 'zip';

/** `unreadable`: why it cannot be read, known when it was found (its name: notUtf8Name). */
export type SourceFile = {path: string; kind: SourceKind; size: number; mtime: Date; unreadable?: string};

/** An entry of an input folder that is neither a file nor a folder (a named pipe, a socket, a device): passed over, and said. */
export type NotAFile = {path: string; what: string};

/** A name's format by its extension: for a file that cannot be read (others are known by their first bytes: contentKindOf, decodedContent). */
export function kindOf(file: string): SourceKind {
	const lower = file.toLowerCase();
	if (lower.endsWith('.gz')) return 'gz';
	if (lower.endsWith('.zip')) return 'zip';
	return 'plain';
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
// A local file header, or the end record of an empty archive.
const ZIP_MAGICS = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];

/**
 * A file's format by its first bytes, as gzip and zip mark themselves: a gzipped log saved as `.log`
 * was read as text, every line rejected, and its content then counted as loaded. Its name decides only
 * for a file that cannot be read (opening it for the load reports why); an empty file is plain, whatever
 * its name.
 */
export function contentKindOf(file: string, size: number): SourceKind {
	let head: Buffer;
	try {
		head = readFileAt(file, Math.min(4, size), 0);
	} catch {
		return kindOf(file);
	}
	return kindOfHead(head);
}

/** A content's format by its first bytes (up to 4), as gzip and zip mark themselves. */
function kindOfHead(head: Buffer): SourceKind {
	if (head.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) return 'gz';
	if (ZIP_MAGICS.some((magic) => head.subarray(0, magic.length).equals(magic))) return 'zip';
	return 'plain';
}

// In folders, only log-like files: not dotfiles, our own README, nor the generator's truth files.
const skippedInFolders = /^(\..*|readme(\.\w+)?|.*\.(md|truth\.json))$/i;

/**
 * A name whose bytes are not UTF-8 (unzip writes a Windows zip's cp1251 names so): Node reads it, in a folder and on
 * the command line, with U+FFFD in place of those bytes, and no file has that name. It failed "cannot read: ENOENT",
 * or "does not exist". Loading it would take its name as bytes through every read and a text name for the manifest.
 */
export const NOT_UTF8_NAME = 'its name is not UTF-8 (\ufffd marks the bytes that are not), and ingest reads names as UTF-8 only: rename it (convmv -f cp866 -t utf-8 --notest FILE for a name out of a Russian Windows zip, -f cp1251 for one from elsewhere on Windows), or give ingest the .zip it came from, whose names it reads as Windows wrote them';

/** Whether `target`, as Node decoded it, is the name of an entry of its folder whose bytes are not UTF-8. */
function hasNotUtf8Name(target: string): boolean {
	if (!target.includes('\ufffd')) return false;
	try {
		return fs.readdirSync(path.dirname(target), {encoding: 'buffer'}).some((entry) => !isUtf8(entry) && entry.toString() === path.basename(target));
	} catch {
		return false; // its folder is gone or unreadable too
	}
}

/** The sentence for a named input that is not there (a link whose target is gone included), or whose name Node cannot pass on. */
export const missingInput = (target: string) =>
	new UserError(hasNotUtf8Name(target) ? `The input path ${target} cannot be read: ${NOT_UTF8_NAME}.` : `The input path ${target} does not exist.`);

/**
 * Natural name order: tracking.log-9 before tracking.log-10, so daily files load in date order. English rules on
 * every machine: the machine's own language (Node takes it from LANG) put aa.log after z.log in Danish and y.log
 * before j.log in Lithuanian, and the files' load order decides which input an event they share is credited to.
 */
export const naturalOrder = (a: string, b: string) => a.localeCompare(b, 'en', {numeric: true});

/** Whether a path holds a wildcard (* or ?) that a shell would have expanded. */
export const hasWildcards = (named: string) => /[*?]/.test(named);

/**
 * What a path with wildcards names, in natural order, as a POSIX shell expands it (`*` any run of characters,
 * `?` one; a name that starts with "." only for a part that does): Windows' cmd and PowerShell pass
 * `logs\tracking.log-2018*.gz` to the program as typed, and bash does when nothing matches. Empty when nothing does.
 */
export function expandWildcards(pattern: string): string[] {
	const {root} = path.parse(pattern);
	const parts = pattern.slice(root.length).split(path.sep === '\\' ? /[\\/]+/ : /\/+/).filter(Boolean);
	let matches = [root];
	for (const part of parts) {
		if (!hasWildcards(part)) {
			matches = matches.map((match) => path.join(match, part));
			continue;
		}
		const source = part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
		const regex = new RegExp(`^${source}$`, process.platform === 'win32' ? 'i' : '');
		matches = matches.flatMap((folder) => {
			let entries: string[];
			try {
				entries = fs.readdirSync(folder || '.');
			} catch {
				return []; // not a folder, or not readable: no match there
			}
			return entries.filter((entry) => regex.test(entry) && (part.startsWith('.') || !entry.startsWith('.'))).sort(naturalOrder).map((entry) => path.join(folder, entry));
		});
	}
	return matches.filter((match) => fs.existsSync(match));
}

/** What a special file is, in words. */
function specialKind(stat: fs.Stats): string {
	if (stat.isFIFO()) return 'a named pipe (FIFO)';
	if (stat.isSocket()) return 'a socket';
	return 'a device';
}

/**
 * An input's path as recorded (the manifest knows an input by it): absolute, and on Windows with an upper-case drive letter.
 * A terminal may start in c:\ (VS Code's does) and another in C:\, and Windows takes both for one folder: a log that grew,
 * or whose load was cut off, met under the other spelling was a new input, read again from its start.
 */
export function inputPath(target: string, paths: path.PlatformPath = path): string {
	const resolved = paths.resolve(target);
	return paths.sep === '\\' ? resolved.replace(/^[a-z](?=:)/, (drive) => drive.toUpperCase()) : resolved;
}

/**
 * A folder's real path, to know it when met again. The native realpath gives on Windows the case the disk has (the JS
 * one keeps the case typed, so `ingest .` with --workdir .\WorkDir walked the workdir's cluster and logs as inputs). It
 * fails (EISDIR) on disks that Windows' mount manager does not know (ImDisk's RAM disks, some virtual disks), where the
 * JS one is taken: an ingest there ended in "EISDIR: illegal operation on a directory, realpath".
 */
function realFolder(folder: string): string {
	try {
		return fs.realpathSync.native(folder);
	} catch {
		return fs.realpathSync(folder);
	}
}

/**
 * Expands paths into files, in a stable natural order (daily files load in date order); the `skipped` folders are
 * never walked. The special files met in folders are passed over and returned as `notFiles`, for the summary to say.
 */
export function discoverSources(paths: string[], skipped: string[] = []): {files: SourceFile[]; notFiles: NotAFile[]} {
	const found: SourceFile[] = [];
	const notFiles: NotAFile[] = [];
	// Real paths of the folders walked: a link back up the tree is walked once, not until ELOOP. The skipped ones count as walked.
	const walked = new Set<string>(skipped.filter((folder) => fs.existsSync(folder)).map(realFolder));
	const visit = (target: string, explicit: boolean) => {
		let stat: fs.Stats;
		try {
			stat = fs.statSync(target);
		} catch {
			if (explicit) throw missingInput(target);
			// A link in a folder whose target is gone: it fails on its own (files failed), the others load.
			found.push({path: inputPath(target), kind: kindOf(target), size: 0, mtime: new Date(0)});
			return;
		}
		if (stat.isDirectory()) {
			const real = realFolder(target);
			if (walked.has(real)) return;
			walked.add(real);
			const entries = fs.readdirSync(target, {encoding: 'buffer'}).map((bytes) => ({name: bytes.toString(), utf8: isUtf8(bytes)}));
			for (const {name, utf8} of entries.sort((a, b) => naturalOrder(a.name, b.name))) {
				if (skippedInFolders.test(name)) continue;
				const file = path.join(target, name);
				if (utf8) visit(file, false);
				else found.push({path: inputPath(file), kind: kindOf(name), size: 0, mtime: new Date(0), unreadable: NOT_UTF8_NAME});
			}
		} else if (stat.isFile() && (explicit || !skippedInFolders.test(path.basename(target)))) {
			found.push({path: inputPath(target), kind: contentKindOf(target, stat.size), size: stat.size, mtime: stat.mtime});
		} else if (explicit && !stat.isFile()) {
			// A pipe or device has no content to fingerprint or resume: it was passed over with exit 0.
			throw new UserError(`The input ${target} is not a file or folder; save the log to a file first.`);
		} else if (!stat.isFile()) {
			// In a folder the others load, but a pipe passed over without a word looked like a log with nothing in it.
			notFiles.push({path: inputPath(target), what: specialKind(stat)});
		}
	};
	for (const target of paths) visit(target, true);
	const unique = new Map(found.map((file) => [file.path, file]));
	return {files: [...unique.values()], notFiles};
}

export const HEAD_SAMPLE = 64 * 1024;

function sha256(...parts: Array<Buffer | string>): string {
	const hash = crypto.createHash('sha256');
	for (const part of parts) hash.update(part);
	return hash.digest('hex');
}

function readAt(fd: number, length: number, position: number): Buffer {
	const buffer = Buffer.alloc(length);
	fs.readSync(fd, buffer, 0, length, position);
	return buffer;
}

function readFileAt(file: string, length: number, position: number): Buffer {
	const fd = fs.openSync(file, 'r');
	try {
		return readAt(fd, length, position);
	} finally {
		fs.closeSync(fd);
	}
}

/** The fingerprint of an open file's first `size` bytes, the hash of their head, and that head. */
function fingerprintOf(fd: number, size: number): {fingerprint: string; headHash: string; head: Buffer} {
	const sample = Math.min(HEAD_SAMPLE, size);
	const head = readAt(fd, sample, 0);
	// A file of one sample or less is its own tail: read once (most of a folder of daily files is small).
	const tail = size <= HEAD_SAMPLE ? head : readAt(fd, sample, size - sample);
	return {fingerprint: sha256(`${size}:`, head, tail), headHash: sha256(head), head};
}

/**
 * Content identity of a file on disk: its size and first and last 64 KiB; and of its head alone (for growth). The head
 * is returned too: a plain file read from its start is sniffed from it (openFileContent), which opened each of 3,000
 * daily files once more.
 */
export function fingerprintFile(file: string): FileFingerprint {
	const fd = fs.openSync(file, 'r');
	try {
		return fingerprintOpenFile(fd);
	} finally {
		fs.closeSync(fd);
	}
}

/** A file's volume and file id as stat gives them, in decimal (a 64-bit file id is past a double's whole numbers). */
export type FileIdentity = {dev: string; ino: string};

/** null on a file system without file ids (some network shares give 0). */
const identityFrom = (stats: fs.BigIntStats): FileIdentity | null => (stats.ino === 0n ? null : {dev: String(stats.dev), ino: String(stats.ino)});

/** `file`'s identity (see identityFrom); undefined when it cannot be read. */
export function fileIdentity(file: string): FileIdentity | null | undefined {
	try {
		return identityFrom(fs.statSync(file, {bigint: true}));
	} catch {
		return undefined; // gone, or no longer reachable
	}
}

/** The file's identity too, from the stat that gives its size: the manifest knows a file met under another name by it. */
export type FileFingerprint = {fingerprint: string; headHash: string; size: number; head: Buffer; file: FileIdentity | null};

/** fingerprintFile of a file already open: a file loaded is read through the descriptor it was fingerprinted by (openFileContent). */
export function fingerprintOpenFile(fd: number): FileFingerprint {
	const stats = fs.fstatSync(fd, {bigint: true});
	const size = Number(stats.size);
	return {...fingerprintOf(fd, size), size, file: identityFrom(stats)};
}

/**
 * The identity of a file whose compressed data was found damaged: a hash of all its bytes, marked as such. The sampled
 * fingerprint cannot tell it from an intact copy put in its place (a flipped byte in the middle leaves size, head and
 * tail alone), and the chunks it committed hold what the damage garbled, so only the very same bytes may resume from them.
 */
export async function damagedFingerprint(file: string): Promise<string> {
	const hash = crypto.createHash('sha256');
	// Streamed: read in one synchronous loop, an 18 GB file held the app's screen and Ctrl-C for its whole read.
	for await (const chunk of fs.createReadStream(file, {highWaterMark: READ_SIZE})) hash.update(chunk as Buffer);
	return `${DAMAGED}${hash.digest('hex')}`;
}

export const DAMAGED = 'damaged:';

/**
 * The fingerprint a file's first `length` bytes would have as a file of their own: equal to a smaller file's, that
 * file is (as far as a fingerprint can tell) a cut copy of this one, such as a download stopped early.
 */
export function prefixFingerprint(file: string, length: number): string {
	const fd = fs.openSync(file, 'r');
	try {
		return fingerprintOf(fd, length).fingerprint;
	} finally {
		fs.closeSync(fd);
	}
}

/** Hash of a file's first `length` bytes: does a file still begin as it did when it was smaller? */
export function headHashOf(file: string, length: number): string {
	return sha256(readFileAt(file, length, 0));
}

export function isNewlineAt(file: string, offset: number): boolean {
	return readFileAt(file, 1, offset)[0] === 0x0a;
}

/** Counts bytes flowing through, for "bytes read" progress on the compressed side. */
function byteCounter(onBytes: (count: number) => void): Transform {
	return new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			onBytes(chunk.length);
			callback(null, chunk);
		},
	});
}

const READ_SIZE = 1024 * 1024;

/**
 * A read stream's buffer size for `bytes` to read: READ_SIZE, or less for a small file. Each read allocates a buffer
 * of this size (and the last one, which finds the end, another): 1 MiB ones for each of 3,000 daily files of ~150 KB
 * made the reading thread collect garbage three times as long as for one file of the same lines.
 */
const readSizeFor = (bytes: number) => Math.min(READ_SIZE, Math.max(64 * 1024, bytes + 1));

/** A gzipped log inflates to some ten times its size or more: an inflater's output buffer for a small .gz, sized so (see readSizeFor). */
const GZIP_RATIO = 8;

/**
 * A stream's first `length` bytes or more (its first chunks; fewer if it ends before), whether that is all of it, and
 * the stream to read from its start: the same one with them put back, or, if it ended meanwhile, one of just those
 * bytes; if it failed meanwhile (`failed`: trailing garbage after a small .gz's data, a damaged one), one of those
 * bytes and then its error, so that what came before the error is loaded as it was without the peek.
 */
function peek(stream: Readable, length: number): Promise<{head: Buffer; ended: boolean; failed: boolean; stream: Readable}> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let read = 0;
		const finish = (ended: boolean, error?: Error) => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			stream.off('error', onError);
			const head = Buffer.concat(chunks);
			if (error) {
				return resolve({
					head,
					ended,
					failed: true,
					stream: Readable.from(
						(async function* () {
							if (head.length > 0) yield head;
							throw error;
						})(),
						{objectMode: false},
					),
				});
			}
			if (ended) return resolve({head, ended, failed: false, stream: Readable.from(head.length > 0 ? [head] : [])});
			stream.unshift(head);
			resolve({head, ended, failed: false, stream});
		};
		const onReadable = () => {
			let chunk: Buffer | null;
			while (read < length && (chunk = stream.read() as Buffer | null) !== null) {
				chunks.push(chunk);
				read += chunk.length;
			}
			if (read >= length) finish(false);
		};
		const onEnd = () => finish(true);
		const onError = (error: Error) => finish(true, error);
		stream.on('readable', onReadable);
		stream.once('end', onEnd);
		stream.once('error', onError);
	});
}

/**
 * Decompressed content (of a .gz, or a zip member) read as its own first bytes say, as files are (see
 * contentKindOf): gunzipped once more when it is gzip itself (a .gz inside a .gz, a gzipped member whose name
 * does not end in .gz), which read as text had every line rejected and its content counted as loaded;
 * refused when it is a zip archive, which read as text loaded none of its events; and refused or skipped when
 * it is no tracking log (sniffContent: a .tar.gz, a gzipped CSV).
 */
async function decodedContent(content: Readable, container: 'gz' | 'zip'): Promise<Readable> {
	const {head, ended, failed, stream} = await peek(content, SNIFF_BYTES);
	switch (kindOfHead(head)) {
		case 'gz':
			return decodedContent(gunzipped(stream, () => {}), container);
		case 'zip':
			stream.destroy();
			throw new Error(`a zip archive inside the ${container} is not read: unzip it and load its files`);
		default:
			// A content cut by a fault is read to it, and fails there: a few bytes before it say little of what it is.
			if (failed) return stream;
			try {
				sniffContent(head, ended);
			} catch (error) {
				stream.destroy();
				throw error;
			}
			return stream;
	}
}

/**
 * Decompressed content of a plain or .gz file, from a decompressed offset (plain files seek there), read through `fd`,
 * which the stream closes (a folder of 3,000 daily files opened each once more to read it), and which it is given even
 * if this throws. `first` is the file's size and first bytes as fingerprintOpenFile read them.
 */
export async function openFileContent(file: SourceFile, startOffset: number, onDiskBytes: (count: number) => void, fd: number, first: {size: number; head: Buffer}): Promise<Readable> {
	// The stream we return carries an error of any stage (corrupt gzip): pipeline's and gunzipped's do.
	if (file.kind === 'plain') {
		const content = fs.createReadStream(file.path, {fd, start: startOffset, highWaterMark: readSizeFor(first.size - startOffset)});
		// Read from its start, a file has not loaded a line yet: the one place to look at its first bytes (HEAD_SAMPLE holds SNIFF_BYTES).
		try {
			if (startOffset === 0) sniffContent(first.head.subarray(0, SNIFF_BYTES), first.size <= SNIFF_BYTES);
		} catch (error) {
			content.destroy();
			throw error;
		}
		return pipeline(content, byteCounter(onDiskBytes), () => {});
	}
	// Counted as the inflater hands its output on: the compressed bytes read ahead of it (a megabyte, a
	// large part of a small file) would let the meters run ahead of the load (see loadStream).
	return decodedContent(gunzipped(fs.createReadStream(file.path, {fd, highWaterMark: readSizeFor(first.size)}), onDiskBytes, readSizeFor(first.size * GZIP_RATIO)), 'gz');
}

/** Gunzipped content as a byte stream (see gunzipMembers), which carries an error of the compressed stream too. */
function gunzipped(compressed: Readable, onConsumed: (count: number) => void, outputSize = READ_SIZE): Readable {
	return Readable.from(gunzipMembers(compressed, outputSize, onConsumed), {objectMode: false});
}

export type ZipMember = {
	name: string;
	compressedSize: number;
	fingerprint: string;
	open(onDiskBytes: (count: number) => void): Promise<Readable>;
};

/** The entries of an open zip, from its central directory (names and sizes: no content is read). */
async function zipEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
	const entries: yauzl.Entry[] = [];
	await new Promise<void>((resolve, reject) => {
		zip.on('entry', (entry: yauzl.Entry) => {
			entries.push(entry);
			zip.readEntry();
		});
		zip.once('end', resolve);
		zip.once('error', reject);
		zip.readEntry();
	});
	zip.removeAllListeners('entry');
	return entries;
}

/**
 * Walks the members of a .zip one at a time (gzipped members are gunzipped too). An Office document, which is a zip
 * (a .xlsx), throws a NotALog before any member is read: its XML members were each rejected as lines.
 */
export async function forEachZipMember(file: string, visit: (member: ZipMember) => Promise<void>): Promise<void> {
	const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
		yauzl.open(file, {lazyEntries: true, autoClose: false}, (error, opened) => (error ? reject(error) : resolve(opened))),
	);
	try {
		const entries = (await zipEntries(zip)).map((entry) => ({entry, name: memberName(entry)}));
		const office = officeDocument(entries.map(({name}) => name));
		if (office !== undefined) throw notALog(office);
		for (const {entry, name} of entries) {
			if (name.endsWith('/') || skippedInFolders.test(path.basename(name))) continue;
			await visit({
				name,
				compressedSize: entry.compressedSize,
				// The central directory's CRC and sizes identify the content without reading it.
				fingerprint: `zip:${entry.crc32.toString(16)}:${entry.uncompressedSize}:${entry.compressedSize}`,
				open: (onDiskBytes) =>
					new Promise<Readable>((resolve, reject) =>
						zip.openReadStream(entry, (error, stream) => {
							if (error) return reject(error);
							// yauzl has no hook on the compressed side: count decompressed bytes scaled to the member's compressed size.
							const ratio = entry.uncompressedSize > 0 ? entry.compressedSize / entry.uncompressedSize : 1;
							const counter = byteCounter((count) => onDiskBytes(count * ratio));
							// Read by its bytes, whatever its name (a .gz member that is plain text is read as text).
							decodedContent(pipeline(stream, crcChecked(entry.crc32), counter, () => {}), 'zip').then(resolve, reject);
						}),
					),
			});
		}
	} finally {
		zip.close();
	}
}
