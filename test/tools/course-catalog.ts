import {pyJson} from './event-lines.js';
import type {Random} from './random.js';
import {COURSE_SEEDS, ORIGIN, SECTION_WORDS, TERMS, VIDEO_CODES} from './vocabulary.js';

/** The structure of a generated course: the blocks learners visit, with the ids real logs carry. */

// Strings every event of a block repeats (URL paths, JSON-escaped names) are built once here.
export type Video = {id: string; code: string; durationSeconds: number; saveStatePath: string};
export type Problem = {blockId: string; hex: string; parts: number; displayName: string; displayNameJson: string; checkPath: string; showPath: string};
export type Unit = {
	verticalId: string;
	video?: Video;
	problem?: Problem;
	/** Courseware URL that activates this unit. */
	url: string;
	/** The page-view request that links to this unit, JSON-string-escaped. */
	activateRequest: string;
};
export type Sequential = {
	hex: string;
	blockId: string;
	name: string;
	units: Unit[];
	/** Courseware path, as server page views carry it in event_type. */
	path: string;
	gotoPositionPath: string;
};
export type Chapter = {hex: string; name: string; sequentials: Sequential[]};
export type Textbook = {chapter: string; pages: number};

export type Course = {
	id: string;
	org: string;
	/** The part after "course-v1:", used inside block ids. */
	key: string;
	/** Display name (Russian, as on OpenEdu). */
	name: string;
	chapters: Chapter[];
	textbooks: Textbook[];
	discussionIds: string[];
	/** https://courses.openedu.ru/courses/<id> */
	baseUrl: string;
	/** Problems in the course: a learner's course grade is their score summed over all of them. */
	problemCount: number;
	/** The course version and grading policy hash grade events carry (fixed per course). */
	version: string;
};

export const blockId = (key: string, type: string, hex: string) => `block-v1:${key}+type@${type}+block@${hex}`;

const handlerPath = (key: string, block: string, handler: string) => `/courses/course-v1:${key}/xblock/${block}/handler/xmodule_handler/${handler}`;

export function buildCourses(count: number, rng: Random): Course[] {
	const courses: Course[] = [];
	for (let index = 0; index < count; index++) {
		const [org, code, title] = COURSE_SEEDS[index % COURSE_SEEDS.length]!;
		const round = Math.floor(index / COURSE_SEEDS.length);
		const term = TERMS[(index + round) % TERMS.length]!;
		// Past the seed list, repeat a course in another run, as OpenEdu reruns courses every term.
		const key = `${org}+${code}${round > 0 ? round + 1 : ''}+${term}`;
		const chapters: Chapter[] = [];
		const chapterCount = rng.int(6, 10);
		const chapterHexes = Array.from({length: chapterCount}, () => rng.hex(32));
		for (let c = 0; c < chapterCount; c++) {
			const sequentials: Sequential[] = [];
			const sequentialCount = rng.int(3, 5);
			for (let s = 0; s < sequentialCount; s++) {
				const units: Unit[] = [];
				const unitCount = rng.int(2, 6);
				const chapterHex = chapterHexes[c]!;
				const hex = rng.hex(32);
				const path = `/courses/course-v1:${key}/courseware/${chapterHex}/${hex}/`;
				for (let u = 0; u < unitCount; u++) {
					const verticalId = rng.hex(32);
					const vertical = blockId(key, 'vertical', verticalId);
					const unit: Unit = {
						verticalId,
						url: `${ORIGIN}${path}${u + 1}?activate_block_id=${encodeURIComponent(vertical)}`,
						activateRequest: JSON.stringify(`{"POST": {}, "GET": {"activate_block_id": ["${vertical}"]}}`),
					};
					if (rng.chance(0.55)) {
						const id = rng.hex(32);
						unit.video = {id, code: rng.pick(VIDEO_CODES), durationSeconds: rng.int(180, 1500), saveStatePath: handlerPath(key, blockId(key, 'video', id), 'save_user_state')};
					}
					if (!unit.video || rng.chance(0.4)) {
						const problemHex = rng.hex(32);
						const problem = blockId(key, 'problem', problemHex);
						const displayName = `${rng.pick(SECTION_WORDS)} ${c + 1}.${s + 1}.${u + 1}`;
						unit.problem = {
							blockId: problem, hex: problemHex, parts: rng.int(1, 4), displayName, displayNameJson: pyJson(displayName),
							checkPath: handlerPath(key, problem, 'problem_check'), showPath: handlerPath(key, problem, 'problem_show'),
						};
					}
					units.push(unit);
				}
				const sequential = blockId(key, 'sequential', hex);
				sequentials.push({hex, blockId: sequential, name: `${c + 1}.${s + 1} ${rng.pick(SECTION_WORDS)}`, units, path, gotoPositionPath: handlerPath(key, sequential, 'goto_position')});
			}
			chapters.push({hex: chapterHexes[c]!, name: `Неделя ${c + 1}. ${rng.pick(SECTION_WORDS)}`, sequentials});
		}
		const textbooks: Textbook[] = [];
		const textbookCount = rng.int(1, 4);
		for (let t = 0; t < textbookCount; t++) {
			textbooks.push({chapter: `/asset-v1:${key}+type@asset+block/Lecture_${t + 1}.pdf`, pages: rng.int(12, 80)});
		}
		const discussionIds = Array.from({length: rng.int(3, 8)}, () => rng.hex(32));
		const id = `course-v1:${key}`;
		const problemCount = chapters.reduce((sum, chapter) => sum + chapter.sequentials.reduce((inChapter, sequential) => inChapter + sequential.units.filter((unit) => unit.problem).length, 0), 0);
		courses.push({id, org, key, name: title, chapters, textbooks, discussionIds, baseUrl: `${ORIGIN}/courses/${id}`, problemCount, version: chapterHexes[0]!.slice(0, 24)});
	}
	return courses;
}
