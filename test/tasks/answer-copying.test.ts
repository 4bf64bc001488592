import assert from 'node:assert/strict';
import {it} from 'node:test';
import {refreshDerived} from '../../ingest/derived/refresh.js';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {fixtureDir, ingest, openTestDatabase, writeLog} from '../helpers/ingest.js';

/**
 * answer-copying on two courses whose answers are worked out by hand (every event from the server, at 2024-05-01 HH:MM).
 *
 * COURSE A
 * - h1 shows p1..p6 at 10:00, 10:10, …, 10:50 (p1-p3 from address X, p4-p6 from Y); m1 checks pk right k minutes
 *   after (from the same address): 6 copied, delays 60..360 s, median 210. m1 also solves p7 (wrong at 12:00, right
 *   at 12:01) and p8 (12:05): 8 solved, 75 % copied, 7 of 8 right at the first check (87.5 %); m1 passes at 13:00.
 *   h1 solved p8 at 09:00 (from X) and showed 6: h1 as the master copied nothing.
 * - b2 shows q1..q6 five minutes AFTER a2 checked each right (address C): nothing copied either way.
 * - n1 shows s1..s6, n2 checks each right 2 minutes later, but from a NAT address of 9 learners (n3..n9 check s1 wrong):
 *   left out, unless max_sharing is 9.
 * - w1 shows r1..r6, w2 checks each right 2 hours later (address E): beyond the 60-minute window, inside 120 minutes.
 * COURSE B
 * - c1..c6 check a problem from address X: with course A's m1 and h1 that is 8 learners, but each course counts its own.
 * - "x'; drop table events; --" shows u1..u5, mb checks each right 30 s later (address F): 5 copied, the least listed.
 */
const A = 'course-v1:Uni+CAMEO+2024';
const B = 'course-v1:Uni+OTHER+2024';
const EVIL = "x'; drop table events; --";
const address = (letter: string) => `anon_${letter.repeat(64)}`;
const userIds = new Map<string, number>();
const at = (minutes: number, seconds = 0) =>
	`2024-05-01T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:${String(seconds).padStart(2, '0')}+00:00`;
function event(course: string, username: string, ip: string, time: string, type: string, payload: Record<string, unknown>): string {
	if (!userIds.has(username)) userIds.set(username, 100 + userIds.size);
	return JSON.stringify({
		username,
		event_type: type,
		event_source: 'server',
		time,
		ip,
		page: 'x_module',
		context: {course_id: course, user_id: userIds.get(username), org_id: 'Uni', path: '/event'},
		event: payload,
	});
}
const problem = (course: string, id: string) => `block-v1:${course.slice('course-v1:'.length)}+type@problem+block@${id}`;
const show = (course: string, username: string, ip: string, id: string, time: string) => event(course, username, ip, time, 'showanswer', {problem_id: problem(course, id)});
const check = (course: string, username: string, ip: string, id: string, time: string, correct: boolean) =>
	event(course, username, ip, time, 'problem_check', {problem_id: problem(course, id), success: correct ? 'correct' : 'incorrect', answers: {[`${id}_2_1`]: 'x'}});

const [X, Y, C, NAT, E, F] = ['a', 'b', 'c', 'd', 'e', 'f'].map(address) as [string, string, string, string, string, string];
const range = (count: number) => Array.from({length: count}, (_, index) => index + 1);
const lines = [
	check(A, 'h1', X, 'p8', at(9 * 60), true),
	...range(6).flatMap((k) => {
		const ip = k <= 3 ? X : Y;
		return [show(A, 'h1', ip, `p${k}`, at(600 + 10 * (k - 1))), check(A, 'm1', ip, `p${k}`, at(600 + 10 * (k - 1) + k), true)];
	}),
	check(A, 'm1', X, 'p7', at(12 * 60), false),
	check(A, 'm1', X, 'p7', at(12 * 60 + 1), true),
	check(A, 'm1', X, 'p8', at(12 * 60 + 5), true),
	event(A, 'm1', X, at(13 * 60), 'edx.course.grade.passed.first_time', {}),
	...range(6).flatMap((k) => [check(A, 'a2', C, `q${k}`, at(14 * 60 + k), true), show(A, 'b2', C, `q${k}`, at(14 * 60 + k + 5))]),
	...range(6).flatMap((k) => [show(A, 'n1', NAT, `s${k}`, at(15 * 60 + 3 * k)), check(A, 'n2', NAT, `s${k}`, at(15 * 60 + 3 * k + 2), true)]),
	...range(7).map((k) => check(A, `n${k + 2}`, NAT, 's1', at(16 * 60), false)),
	...range(6).flatMap((k) => [show(A, 'w1', E, `r${k}`, at(17 * 60 + k)), check(A, 'w2', E, `r${k}`, at(19 * 60 + k), true)]),
	...range(6).map((k) => check(B, `c${k}`, X, 'v1', at(9 * 60 + k), false)),
	...range(5).flatMap((k) => [show(B, EVIL, F, `u${k}`, at(10 * 60 + k)), check(B, 'mb', F, `u${k}`, at(10 * 60 + k, 30), true)]),
];
const dir = fixtureDir();
const database = await openTestDatabase('answer_copying');
await ingest(database, [writeLog(dir, 'cameo.log', lines)]);
const {tasks} = await loadTaskCatalogue();
const answerCopying = tasks.find((task) => task.id === 'answer-copying')!;
const rows = async (db: typeof database, values: Record<string, string> = {}) => (await runTask(db.pool, answerCopying, values)).rows;

// course_id, master, harvester, shared_ips, copied, master_solved, percent_copied, median_seconds, master_first_try_percent,
// harvester_shown, harvester_solved, master_finished
const M1 = [A, 'm1', 'h1', 2, 6, 8, 75, 210, 87.5, 6, 1, true];
const MB = [B, 'mb', EVIL, 1, 5, 5, 100, 30, 100, 5, 0, false];

it('answer-copying: a pair copying on 6 problems, each course apart; shown after the check, a NAT address and a late check are not copying', async () => {
	assert.deepEqual(await rows(database), [M1, MB]);
	assert.deepEqual(await rows(database, {course: B}), [MB]);
});

it('answer-copying: max_sharing, window and min_problems', async () => {
	assert.deepEqual(await rows(database, {max_sharing: '9'}), [M1, [A, 'n2', 'n1', 1, 6, 6, 100, 120, 100, 6, 0, false], MB]);
	assert.deepEqual(await rows(database, {window: '120'}), [M1, [A, 'w2', 'w1', 1, 6, 6, 100, 7200, 100, 6, 0, false], MB]);
	assert.deepEqual(await rows(database, {min_problems: '6'}), [M1]);
	// At most 4 minutes: m1's p1..p4 (fewer than mb's 5: listed after).
	assert.deepEqual(await rows(database, {window: '4', min_problems: '1'}), [MB, [A, 'm1', 'h1', 2, 4, 8, 50, 150, 87.5, 6, 1, true]]);
});

it('answer-copying: the show-answer in one load and the correct check in the next (a learner seen in both counted once)', async () => {
	const incremental = await openTestDatabase('answer_copying_incremental');
	// Address Z: hz shows u1..u5 in the first load, mz checks them right in the second; o1..o5 send a check from Z in both,
	// and hz a wrong one in the second: 7 distinct learners (13 rows of d_learner_ip) are no more than max_sharing.
	const Z = address('9');
	const others = (minute: number) => range(5).map((k) => check(B, `o${k}`, Z, 'v1', at(minute + k), false));
	const first = writeLog(dir, 'first.log', [...range(5).map((k) => show(B, 'hz', Z, `u${k}`, at(10 * 60 + 2 * k))), ...others(8 * 60)]);
	const second = writeLog(dir, 'second.log', [
		...range(5).map((k) => check(B, 'mz', Z, `u${k}`, at(10 * 60 + 2 * k + 1), true)),
		check(B, 'hz', Z, 'u1', at(11 * 60), false),
		...others(12 * 60),
	]);
	for (const file of [first, second]) assert.equal((await ingest(incremental, [file])).phase, 'done');
	const expected = [[B, 'mz', 'hz', 1, 5, 5, 100, 60, 100, 5, 0, false]];
	assert.deepEqual(await rows(incremental), expected);
	await incremental.pool.query('UPDATE loads SET derived_done = false');
	await refreshDerived(incremental.pool);
	assert.deepEqual(await rows(incremental), expected);
});
