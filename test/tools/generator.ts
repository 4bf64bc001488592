import crypto from 'node:crypto';
import fs from 'node:fs';
import {once} from 'node:events';
import type {Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import zlib from 'node:zlib';
import {buildCourses, type Course} from './course-catalog.js';
import {Learner, type User} from './learner.js';
import {Random} from './random.js';
import {REJECT_KINDS, TruthCounter, type RejectKind, type Truth} from './truth.js';
import {ACCEPT_LANGUAGES, ADJECTIVES, AGENTS, ANIMALS} from './vocabulary.js';

/**
 * A realistic, seeded OpenEdu tracking log, streamed to disk (flat memory whatever the size), with
 * the exact expected counts in `<file>.truth.json`. Same options and seed → byte-identical output.
 *
 * Good events come from learners simulated over a course term, merged in time order. Bad lines are
 * mixed in at seeded positions, drawn from a separate random stream: the good events of a seed are
 * the same whatever `badLines` is.
 */

export type GenerateOptions = {
	events: number;
	file: string;
	seed?: number;
	gzip?: boolean;
	/** Bad lines mixed in: malformed, truncated, non-object JSON, invalid UTF-8, and exact duplicates of earlier lines. */
	badLines?: number;
	courses?: number;
	/** Distinct users; some enroll in two courses. Default: one per 400 events (10 to 50 000). */
	learners?: number;
	/** Start of the course term, ISO date. */
	start?: string;
	/** Length of the term in days. */
	days?: number;
};

export type {Truth} from './truth.js';

/** Bumped whenever the output for given options changes (cached benchmark logs are keyed on it). */
export const GENERATOR_VERSION = 4;

export const truthPath = (file: string) => `${file}.truth.json`;

export function defaultLearners(events: number): number {
	return Math.max(10, Math.min(50_000, Math.round(events / 400)));
}

function buildUsers(count: number, rng: Random): User[] {
	const combinations = ADJECTIVES.length * ADJECTIVES.length * ANIMALS.length;
	const users: User[] = [];
	for (let index = 0; index < count; index++) {
		// A fixed odd multiplier coprime to the number of combinations spreads names without repeats.
		const code = (index * 7919) % combinations;
		const first = ADJECTIVES[code % ADJECTIVES.length]!;
		const second = ADJECTIVES[Math.floor(code / ADJECTIVES.length) % ADJECTIVES.length]!;
		const animal = ANIMALS[Math.floor(code / (ADJECTIVES.length * ADJECTIVES.length))]!;
		const round = Math.floor(index / combinations);
		users.push({
			username: `${first}-${second}-${animal}${round > 0 ? round : ''}`,
			userId: 100_001 + index,
			agent: rng.pick(AGENTS),
			acceptLanguage: rng.pick(ACCEPT_LANGUAGES),
			// A few share a network with the previous user (a household, a classroom): the same hashed ip.
			ip: index > 0 && rng.chance(0.03) ? users[index - 1]!.ip : `anon_${rng.hex(64)}`,
		});
	}
	return users;
}

type Enrollment = {user: User; course: Course};

function buildEnrollments(users: User[], courses: Course[], rng: Random): Enrollment[] {
	// Earlier courses in the catalogue are more popular.
	const popularity = courses.map((_, index) => 1 / (index + 1));
	const enrollments: Enrollment[] = [];
	for (const user of users) {
		const first = rng.weighted(popularity);
		enrollments.push({user, course: courses[first]!});
		if (courses.length > 1 && rng.chance(0.15)) {
			let second = rng.weighted(popularity);
			if (second === first) second = (first + 1) % courses.length;
			enrollments.push({user, course: courses[second]!});
		}
	}
	return enrollments;
}

/** Events per enrollment: 1 (enrolled, never started) for some, a heavy-tailed share of the rest for the others; exactly `events` in all. */
function allocateBudgets(count: number, events: number, rng: Random): number[] {
	if (events <= count) return Array.from({length: count}, (_, index): number => (index < events ? 1 : 0));
	const weights = Array.from({length: count}, (): number => (rng.chance(0.12) ? 0 : rng.logNormal(1, 1)));
	if (!weights.some((weight) => weight > 0)) weights[0] = 1;
	let remainingWeight = weights.reduce((sum, weight) => sum + weight, 0);
	let remaining = events - count;
	return weights.map((weight) => {
		const share = remainingWeight > 0 ? Math.min(remaining, Math.round((remaining * weight) / remainingWeight)) : 0;
		remainingWeight -= weight;
		remaining -= share;
		// Float rounding can leave a few events over at the last weighted learner: give them there.
		const extra = remainingWeight <= 1e-9 && weight > 0 ? remaining : 0;
		remaining -= extra;
		return 1 + share + extra;
	});
}

/** Learners ordered by their next event time (binary heap). */
class LearnerQueue {
	private readonly heap: Learner[] = [];

	get size(): number {
		return this.heap.length;
	}

	push(learner: Learner): void {
		const heap = this.heap;
		heap.push(learner);
		let index = heap.length - 1;
		while (index > 0) {
			const parent = (index - 1) >> 1;
			if (heap[parent]!.nextTime <= learner.nextTime) break;
			heap[index] = heap[parent]!;
			index = parent;
		}
		heap[index] = learner;
	}

	pop(): Learner {
		const heap = this.heap;
		const top = heap[0]!;
		const last = heap.pop()!;
		if (heap.length > 0) {
			let index = 0;
			for (;;) {
				const left = 2 * index + 1;
				if (left >= heap.length) break;
				const right = left + 1;
				const child = right < heap.length && heap[right]!.nextTime < heap[left]!.nextTime ? right : left;
				if (heap[child]!.nextTime >= last.nextTime) break;
				heap[index] = heap[child]!;
				index = child;
			}
			heap[index] = last;
		}
		return top;
	}
}

const CHUNK_BYTES = 2 << 20;

/**
 * Packs lines into ~2 MB buffers and waits when the stream is full; hashes and counts what it writes.
 * Lines are ASCII (non-ASCII is escaped as \uXXXX, as Python's json.dumps does), so latin1 encoding,
 * much faster than utf8, writes the same bytes.
 */
class LineSink {
	private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
	private used = 0;
	bytes = 0;
	private readonly hash = crypto.createHash('sha256');

	constructor(private readonly stream: Writable) {}

	async line(text: string): Promise<void> {
		if (this.used + text.length + 1 > this.chunk.length) {
			await this.flush();
			if (text.length + 1 > this.chunk.length) this.chunk = Buffer.allocUnsafe(text.length + 1);
		}
		this.used += this.chunk.write(text, this.used, 'latin1');
		this.chunk[this.used++] = 0x0a;
	}

	async rawLine(bytes: Buffer): Promise<void> {
		await this.flush();
		await this.write(Buffer.concat([bytes, Buffer.from('\n')]));
	}

	async flush(): Promise<void> {
		if (this.used === 0) return;
		const full = this.chunk.subarray(0, this.used);
		// The stream keeps the buffer until written: continue in a new one.
		this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
		this.used = 0;
		await this.write(full);
	}

	digest(): string {
		return this.hash.digest('hex');
	}

	private async write(chunk: Buffer): Promise<void> {
		this.bytes += chunk.length;
		this.hash.update(chunk);
		if (!this.stream.write(chunk)) await once(this.stream, 'drain');
	}
}

type BadKind = RejectKind | 'duplicate';

/** Makes bad lines from recent good ones, the way real exports break. */
class BadLineMaker {
	/** The last good lines and their line numbers (a small ring), copied for duplicates and damaged for the rest. */
	private readonly recent: {text: string; line: number}[] = [];
	private counter = 0;

	constructor(private readonly rng: Random) {}

	remember(text: string, line: number): void {
		if (this.recent.length < 32) this.recent.push({text, line});
		else this.recent[line % 32] = {text, line};
	}

	kind(): BadKind {
		const kinds: BadKind[] = [...REJECT_KINDS, 'duplicate'];
		const kind = kinds[this.rng.int(0, kinds.length - 1)]!;
		return kind === 'duplicate' && this.recent.length === 0 ? 'not-an-object' : kind;
	}

	duplicate(): {text: string; line: number} {
		return this.rng.pick(this.recent);
	}

	damaged(kind: RejectKind): string | Buffer {
		const template = this.recent.length > 0 ? this.rng.pick(this.recent).text : FALLBACK_TEMPLATE;
		const agentAt = template.indexOf(AGENT_KEY) + AGENT_KEY.length;
		switch (kind) {
			case 'truncated-json':
				// Cut inside the agent string, as a writer stopped mid-line leaves it.
				return template.slice(0, agentAt + this.rng.int(1, 40));
			case 'malformed-json':
				// A comma lost between two fields (the first two string fields: every line has them).
				return template.replace('", "', '" "');
			case 'invalid-utf8': {
				const bytes = Buffer.from(template, 'utf8');
				const at = Buffer.byteLength(template.slice(0, agentAt + this.rng.int(1, 40)), 'utf8');
				const invalid = this.rng.pick([[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80]]);
				return Buffer.concat([bytes.subarray(0, at), Buffer.from(invalid), bytes.subarray(at)]);
			}
			case 'not-an-object': {
				const n = ++this.counter;
				return this.rng.pick([
					'null', String(n * 37), `[${n}, "page_close"]`, `"tracking log line ${n}"`, 'true',
					`[{"event_type": "page_close", "n": ${n}}]`,
				]);
			}
		}
	}
}

const AGENT_KEY = '"agent": "';
const FALLBACK_TEMPLATE = '{"username": "broken", "event_type": "page_close", "ip": "anon_0", "agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36", "host": "courses.openedu.ru", "event": ""}';

function openOutput(file: string, gzip: boolean): {sink: Writable; done: Promise<void>} {
	// Opened here so that an unwritable path fails at once, as a plain error, not later on the stream.
	const output = fs.createWriteStream(file, {fd: fs.openSync(file, 'w'), highWaterMark: 4 << 20});
	if (!gzip) return {sink: output, done: once(output, 'finish').then(() => {})};
	const compressor = zlib.createGzip({level: 6});
	return {sink: compressor, done: pipeline(compressor, output)};
}

export async function generateLog(options: GenerateOptions): Promise<Truth> {
	const events = options.events;
	const badLines = options.badLines ?? 0;
	if (!Number.isSafeInteger(events) || events < 0) throw new Error(`events must be a whole number >= 0, not ${events}`);
	if (!Number.isSafeInteger(badLines) || badLines < 0) throw new Error(`badLines must be a whole number >= 0, not ${badLines}`);
	const seed = options.seed ?? 1;
	const courseCount = options.courses ?? 3;
	const learnerCount = options.learners ?? defaultLearners(events);
	const start = options.start ?? '2018-09-01T00:00:00Z';
	const days = options.days ?? 120;
	const startMs = Date.parse(start);
	if (!Number.isFinite(startMs)) throw new Error(`start must be an ISO date, not ${start}`);
	if (!(courseCount >= 1 && learnerCount >= 1 && days > 0)) throw new Error('courses, learners and days must be at least 1');

	const root = new Random(seed);
	const eventRandom = root.fork();
	const badRandom = root.fork();
	const courses = buildCourses(courseCount, eventRandom);
	const users = buildUsers(learnerCount, eventRandom);
	const enrollments = buildEnrollments(users, courses, eventRandom);
	const budgets = allocateBudgets(enrollments.length, events, eventRandom);
	const term = {start: startMs * 1000, end: (startMs + days * 86_400_000) * 1000};

	const truth = new TruthCounter();
	const queue = new LearnerQueue();
	const learnerIndex = new Map<Learner, number>();
	enrollments.forEach((enrollment, index) => {
		const budget = budgets[index]!;
		if (budget === 0) return;
		const learner = new Learner(eventRandom.fork(), enrollment.user, enrollment.course, budget, term);
		if (budget === 1) truth.enrolledOnly(enrollment.course.id);
		learnerIndex.set(learner, index);
		queue.push(learner);
	});

	const gzip = options.gzip ?? false;
	const {sink: stream, done} = openOutput(options.file, gzip);
	const sink = new LineSink(stream);
	const bad = new BadLineMaker(badRandom);
	const totalLines = events + badLines;
	let badLeft = badLines;
	for (let line = 1; line <= totalLines; line++) {
		// Each remaining slot is bad with probability (bad left / slots left): exactly badLines in all, at seeded places.
		if (badLeft > 0 && badRandom.next() * (totalLines - line + 1) < badLeft) {
			badLeft--;
			const kind = bad.kind();
			if (kind === 'duplicate') {
				const original = bad.duplicate();
				truth.duplicateLine(line, original.line);
				await sink.line(original.text);
				continue;
			}
			truth.rejectedLine(line, kind);
			const text = bad.damaged(kind);
			if (typeof text === 'string') await sink.line(text);
			else await sink.rawLine(text);
			continue;
		}
		const learner = queue.pop();
		const event = learner.next();
		truth.goodEvent(event, learnerIndex.get(learner)!, learner.userId);
		bad.remember(event.line, line);
		await sink.line(event.line);
		if (!learner.done) queue.push(learner);
	}
	if (queue.size > 0) throw new Error('generator bug: events left over after the budget');
	await sink.flush();
	stream.end();
	await done;

	const result = truth.finish(
		{version: GENERATOR_VERSION, seed, events, badLines, courses: courseCount, learners: learnerCount, start: new Date(startMs).toISOString(), days, gzip},
		sink.bytes,
		fs.statSync(options.file).size,
		sink.digest(),
	);
	await fs.promises.writeFile(truthPath(options.file), `${JSON.stringify(result, null, '\t')}\n`);
	return result;
}
