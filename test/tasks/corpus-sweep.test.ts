import assert from 'node:assert/strict';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask, type TaskDefinition} from '../../source/tasks/index.js';
import {ingest, openTestDatabase} from '../helpers/ingest.js';
import {SHARED_MISSING, sharedCorpus} from '../helpers/shared.js';

/**
 * Every task on every real log at once (the whole corpus folder: 184 files of four projects, their quirks together),
 * for all courses and for the three busiest: no task fails, and no figure is out of the range its column's name
 * promises. What each task counts is checked elsewhere (golden and corpus tests); this is the net under all of them.
 */
const corpus = sharedCorpus();

/** Why a cell is out of range for its column, or null. Names: a percent is 0-100, a correlation -1..1, counts not negative. */
function outOfRange(column: string, value: unknown): string | null {
	if (typeof value !== 'number') return typeof value === 'string' && /NaN|undefined|\[object /.test(value) ? 'garbled text' : null;
	// engagement-segments: attempts per completed problem is Infinity where none was completed (EAP's convention).
	if (!Number.isFinite(value)) return column === 'attempts_per_completed' ? null : 'not finite';
	if (/percent|share/.test(column)) return value < 0 || value > 100 ? 'a percent outside 0-100' : null;
	if (/_r$/.test(column)) return value < -1 || value > 1 ? 'a correlation outside -1..1' : null;
	// Cronbach's alpha can be negative (items that work against each other), a day's net enrollment change too.
	if (/alpha/.test(column)) return value > 1 ? 'an alpha above 1' : null;
	if (column === 'net') return null;
	return value < 0 ? 'negative' : null;
}

/** A value for each required parameter (a learner, video or problem of the course), or null when the course has none. */
async function requiredValues(pool: import('pg').Pool, task: TaskDefinition, course: string): Promise<Record<string, string> | null> {
	const sources: Record<string, string> = {
		user: `SELECT username AS value FROM d_learner WHERE course_id = $1 AND username <> '' ORDER BY events DESC, username LIMIT 1`,
		video: 'SELECT min(video_id) AS value FROM d_learner_video WHERE course_id = $1',
		problem: 'SELECT min(problem_id) AS value FROM d_learner_problem WHERE course_id = $1 AND checks > 0',
	};
	const values: Record<string, string> = {};
	for (const parameter of task.parameters.filter((parameter) => parameter.required)) {
		const {rows} = await pool.query<{value: string | null}>(sources[parameter.type]!, [course]);
		if (!rows[0]?.value) return null;
		values[parameter.name] = rows[0].value;
	}
	return values;
}

it('every task on the whole corpus, for all courses and the busiest three: no failure, no figure out of its range', {skip: corpus ? false : SHARED_MISSING}, async () => {
	const database = await openTestDatabase('corpus_sweep');
	await ingest(database, [corpus!]);
	const {rows: busiest} = await database.pool.query<{course_id: string}>(
		`SELECT course_id FROM d_course_hour WHERE course_id <> '' GROUP BY 1 ORDER BY sum(events) DESC, 1 LIMIT 3`,
	);
	assert.equal(busiest.length, 3);
	const {tasks} = await loadTaskCatalogue();
	const faults: string[] = [];
	let runs = 0;
	for (const task of tasks) {
		const takesCourse = task.parameters.some((parameter) => parameter.name === 'course');
		for (const course of ['', ...(takesCourse ? busiest.map((row) => row.course_id) : [])]) {
			const values = course === '' ? (task.parameters.some((parameter) => parameter.required) ? null : {}) : await requiredValues(database.pool, task, course);
			if (values === null) continue;
			const given = course === '' ? values : {...values, course};
			runs++;
			try {
				const result = await runTask(database.pool, task, given);
				for (const row of result.rows) {
					row.forEach((value, index) => {
						const column = result.columns[index]!.name;
						const fault = outOfRange(column, value);
						if (fault) faults.push(`${task.id} ${JSON.stringify(given)}: ${column} = ${String(value)}, ${fault}`);
					});
				}
			} catch (error) {
				// A refusal of a value, not a failure: a course without videos has none of learner-unit-events' default types.
				if ((error as Error).message.startsWith('No events of type')) continue;
				faults.push(`${task.id} ${JSON.stringify(given)}: ${(error as Error).message}`);
			}
		}
	}
	assert.deepEqual(faults, []);
	// All courses: every task but the two that need a learner or a video; each busy course: every task that takes a course.
	assert.ok(runs > tasks.length * 3, `${runs} runs`);
});
