import assert from 'node:assert/strict';
import {isUtf8} from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import zlib from 'node:zlib';
import {generateLog, truthPath, type Truth} from './generator.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'openpolyedu-generator-'));
after(() => fs.rmSync(folder, {recursive: true, force: true}));

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** Physical lines of a file, as bytes, without the final empty piece after the last newline. */
function linesOf(bytes: Buffer): Buffer[] {
	const lines: Buffer[] = [];
	let start = 0;
	for (let end = bytes.indexOf(0x0a); end >= 0; end = bytes.indexOf(0x0a, start)) {
		lines.push(bytes.subarray(start, end));
		start = end + 1;
	}
	if (start < bytes.length) lines.push(bytes.subarray(start));
	return lines;
}

type Counts = {
	lines: number;
	good: number;
	duplicates: number[];
	rejected: {line: number; kind: string}[];
	perType: Record<string, number>;
	perCourse: Record<string, number>;
	perDay: Record<string, number>;
	usersPerDay: Record<string, number>;
	usersPerCourse: Record<string, number>;
	enrollments: Record<string, number>;
	unenrollments: Record<string, number>;
	plays: Record<string, number>;
	serverChecks: Record<string, number>;
	timeOnTask30: Record<string, number>;
	distinctUsers: number;
	nonAsciiGoodLines: number;
	outOfOrder: number;
};

const bump = (map: Record<string, number>, key: string, by = 1) => {
	map[key] = (map[key] ?? 0) + by;
};

/** A deliberately plain re-count of a generated file, sharing no code with the generator. */
function recount(bytes: Buffer): Counts {
	const counts: Counts = {
		lines: 0, good: 0, duplicates: [], rejected: [], perType: {}, perCourse: {}, perDay: {}, usersPerDay: {}, usersPerCourse: {},
		enrollments: {}, unenrollments: {}, plays: {}, serverChecks: {}, timeOnTask30: {}, distinctUsers: 0, nonAsciiGoodLines: 0, outOfOrder: 0,
	};
	const seen = new Set<string>();
	const users = new Set<string>();
	const userDays = new Set<string>();
	const courseUsers = new Map<string, Set<string>>();
	const lastTimeOf = new Map<string, number>();
	let previousTime = -Infinity;
	linesOf(bytes).forEach((line, index) => {
		const number = index + 1;
		if (line.toString('latin1').trim() === '') return;
		counts.lines++;
		if (!isUtf8(line)) return counts.rejected.push({line: number, kind: 'invalid-utf8'});
		let record: unknown;
		try {
			record = JSON.parse(line.toString('utf8'));
		} catch {
			return counts.rejected.push({line: number, kind: 'malformed-or-truncated'});
		}
		if (!record || typeof record !== 'object' || Array.isArray(record)) return counts.rejected.push({line: number, kind: 'not-an-object'});
		const key = line.toString('latin1');
		if (seen.has(key)) return counts.duplicates.push(number);
		seen.add(key);
		counts.good++;
		if (/[^\x00-\x7f]/.test(key)) counts.nonAsciiGoodLines++;
		const event = record as {username: string; event_type: string; event_source: string; time: string; context: {course_id: string}; event: unknown};
		const time = microseconds(event.time);
		// Times written without microseconds are the whole second: up to 1 s before the true order.
		if (time < previousTime - 1_000_000) counts.outOfOrder++;
		previousTime = time;
		bump(counts.perType, event.event_type);
		const day = new Date(time / 1000).toISOString().slice(0, 10);
		bump(counts.perDay, day);
		const course = event.context.course_id;
		if (course) bump(counts.perCourse, course);
		// The grading worker's events carry no username: they are no learner's.
		if (event.username === '') return;
		if (!userDays.has(`${event.username} ${day}`)) {
			userDays.add(`${event.username} ${day}`);
			bump(counts.usersPerDay, day);
		}
		users.add(event.username);
		if (!course) return;
		if (!courseUsers.has(course)) courseUsers.set(course, new Set());
		courseUsers.get(course)!.add(event.username);
		const learner = `${event.username} ${course}`;
		const last = lastTimeOf.get(learner);
		if (last !== undefined && time - last < 30 * 60_000_000) bump(counts.timeOnTask30, course, (time - last) / 1e6);
		lastTimeOf.set(learner, time);
		if (event.event_type === 'edx.course.enrollment.activated') bump(counts.enrollments, (event.event as {course_id: string}).course_id);
		if (event.event_type === 'edx.course.enrollment.deactivated') bump(counts.unenrollments, (event.event as {course_id: string}).course_id);
		if (event.event_type === 'play_video') bump(counts.plays, course);
		if (event.event_type === 'problem_check' && event.event_source === 'server') bump(counts.serverChecks, course);
	});
	counts.distinctUsers = users.size;
	for (const [course, set] of courseUsers) counts.usersPerCourse[course] = set.size;
	return counts;
}

/** Microseconds since the epoch of an ISO time (Date.parse keeps only milliseconds). */
function microseconds(text: string): number {
	const fraction = /\.(\d{6})/.exec(text)?.[1];
	return Date.parse(text) * 1000 + (fraction ? Number(fraction.slice(3)) : 0);
}

const readTruth = (file: string) => JSON.parse(fs.readFileSync(truthPath(file), 'utf8')) as Truth;

describe('log generator', () => {
	test('the same seed gives the same bytes; another seed does not; --gzip holds the same content', async () => {
		const first = path.join(folder, 'first.log');
		const second = path.join(folder, 'second.log');
		const other = path.join(folder, 'other.log');
		const zipped = path.join(folder, 'zipped.log.gz');
		const options = {events: 3000, seed: 7, badLines: 40, courses: 2};
		await generateLog({...options, file: first});
		await generateLog({...options, file: second});
		await generateLog({...options, seed: 8, file: other});
		const truth = await generateLog({...options, file: zipped, gzip: true});
		const bytes = fs.readFileSync(first);
		assert.equal(sha256(fs.readFileSync(second)), sha256(bytes));
		assert.equal(readTruth(first).sha256, sha256(bytes));
		assert.notEqual(sha256(fs.readFileSync(other)), sha256(bytes));
		const unzipped = zlib.gunzipSync(fs.readFileSync(zipped));
		assert.equal(sha256(unzipped), sha256(bytes));
		assert.equal(truth.bytes, bytes.length);
		assert.equal(truth.fileBytes, fs.statSync(zipped).size);
		assert.ok(truth.fileBytes < truth.bytes / 4, 'gzip output is compressed');
	});

	test('the truth file agrees with an independent re-count of the file', async () => {
		const file = path.join(folder, 'counted.log');
		const truth = await generateLog({events: 20_000, file, seed: 3, badLines: 300, courses: 4, learners: 60, start: '2019-02-01', days: 30});
		const counts = recount(fs.readFileSync(file));

		assert.equal(truth.goodEvents, 20_000);
		assert.equal(truth.duplicateLines + truth.rejectedLines, 300);
		assert.equal(counts.lines, truth.lines);
		assert.equal(counts.good, truth.goodEvents);
		assert.deepEqual(counts.duplicates, truth.duplicates.map((duplicate) => duplicate.line));
		assert.deepEqual(counts.rejected.map((rejected) => rejected.line), truth.rejected.map((rejected) => rejected.line));
		const kindsByLine = new Map(counts.rejected.map((rejected) => [rejected.line, rejected.kind]));
		for (const rejected of truth.rejected) {
			const found = kindsByLine.get(rejected.line)!;
			assert.equal(found, rejected.kind.endsWith('-json') ? 'malformed-or-truncated' : rejected.kind, `line ${rejected.line}`);
		}
		for (const kind of ['malformed-json', 'truncated-json', 'not-an-object', 'invalid-utf8'] as const) assert.ok(truth.rejectedByKind[kind] > 0, kind);
		assert.ok(truth.duplicateLines > 0);

		assert.deepEqual(counts.perType, truth.eventsPerType);
		assert.deepEqual(counts.perCourse, truth.eventsPerCourse);
		assert.deepEqual(counts.perDay, truth.eventsPerDay);
		assert.deepEqual(counts.usersPerDay, truth.distinctUsersPerDay);
		assert.deepEqual(counts.usersPerCourse, truth.distinctUsersPerCourse);
		assert.equal(counts.distinctUsers, truth.distinctUsers);
		assert.deepEqual(counts.enrollments, truth.enrollmentsPerCourse);
		assert.deepEqual(counts.unenrollments, truth.unenrollmentsPerCourse);
		assert.deepEqual(counts.plays, truth.playVideoPerCourse);
		assert.deepEqual(counts.serverChecks, truth.problemChecksServerPerCourse);
		for (const [course, seconds] of Object.entries(truth.timeOnTask30PerCourse)) {
			assert.ok(Math.abs(counts.timeOnTask30[course]! - seconds) < 1e-3, `${course}: ${counts.timeOnTask30[course]} != ${seconds}`);
		}
		assert.equal(counts.outOfOrder, 0, 'events are written in time order');
		assert.equal(counts.nonAsciiGoodLines, 0, 'non-ASCII is escaped as \\uXXXX, as Python writes it');
		assert.equal(Object.keys(truth.eventsPerCourse).length, 4);
		assert.ok(Object.keys(truth.eventsPerDay).length >= 25, 'events spread over the term');
	});

	test('every major event type is present, with realistic line sizes', async () => {
		const file = path.join(folder, 'sizes.log');
		const truth = await generateLog({events: 30_000, file, seed: 11});
		const average = truth.bytes / truth.lines;
		assert.ok(average > 1300 && average < 1900, `average line ${average.toFixed(0)} bytes`);
		const types = Object.keys(truth.eventsPerType);
		for (const type of [
			'edx.course.enrollment.activated', 'edx.course.enrollment.deactivated', 'play_video', 'pause_video', 'seek_video',
			'stop_video', 'load_video', 'problem_check', 'problem_show', 'showanswer', 'seq_goto', 'seq_next', 'seq_prev', 'page_close',
			'edx.forum.thread.created', 'edx.forum.response.created', 'edx.forum.comment.created', 'textbook.pdf.page.navigated',
			'textbook.pdf.search.executed', 'textbook.pdf.zoom.buttons.changed', 'textbook.pdf.page.scrolled',
			'edx.special_exam.timed.attempt.submitted', 'edx.certificate.created', '/dashboard', 'edx.grades.course.grade_calculated',
		]) assert.ok(types.includes(type), type);
		assert.ok(types.some((type) => /^\/courses\/course-v1:[^/]+\/courseware\//.test(type)), 'server page views named by URL');
		assert.ok(Object.values(truth.enrolledNotStartedPerCourse).some((count) => count > 0));
		const timeFormats = new Set<string>();
		for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
			const match = /"time": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?(Z|\+00:00|\+03:00)"/.exec(line);
			if (match) timeFormats.add(`${match[1] ? 'microseconds' : 'seconds'} ${match[2]}`);
		}
		assert.deepEqual([...timeFormats].sort(), ['microseconds +00:00', 'microseconds +03:00', 'microseconds Z', 'seconds +00:00']);
	});

	test('bad lines do not change the good events of a seed', async () => {
		const clean = path.join(folder, 'clean.log');
		const dirty = path.join(folder, 'dirty.log');
		await generateLog({events: 5000, file: clean, seed: 5});
		const truth = await generateLog({events: 5000, file: dirty, seed: 5, badLines: 100});
		const badLines = new Set([...truth.rejected.map((bad) => bad.line), ...truth.duplicates.map((bad) => bad.line)]);
		const goodOnly = linesOf(fs.readFileSync(dirty)).filter((_, index) => !badLines.has(index + 1));
		assert.deepEqual(Buffer.concat(goodOnly.flatMap((line) => [line, Buffer.from('\n')])), fs.readFileSync(clean));
	});

	test('tiny and empty logs', async () => {
		const tiny = path.join(folder, 'tiny.log');
		const truth = await generateLog({events: 5, file: tiny, learners: 20, badLines: 2});
		assert.equal(truth.goodEvents, 5);
		assert.equal(truth.lines, 7);
		assert.equal(fs.readFileSync(tiny, 'utf8').split('\n').length, 8);
		const empty = path.join(folder, 'empty.log');
		const none = await generateLog({events: 0, file: empty});
		assert.equal(none.lines, 0);
		assert.equal(fs.statSync(empty).size, 0);
	});
});
