import type {FileProgress, IngestSnapshot} from '../../ingest/progress.js';
import type {TaskDefinition, TaskResult} from '../../source/tasks/types.js';
import type {AppIngestSummary, Course, CourseList} from '../../source/ui/state/app-state.js';

/** Fakes of the UI's inputs (task definitions, results, progress snapshots) for screen and reducer tests. */
export function task(id: string, group: string, extra: Partial<TaskDefinition> = {}): TaskDefinition {
	return {
		id,
		title: id.replace(/-/g, ' ').replace(/^./, (first) => first.toUpperCase()),
		group,
		description: `What ${id} counts. More detail follows.`,
		parameters: [
			{name: 'course', type: 'course', description: 'Course id'},
			{name: 'tz', type: 'timezone', description: 'Time zone', default: 'UTC'},
		],
		file: `/queries/${id}.sql`,
		sql: 'SELECT 1',
		...extra,
	};
}

export const tasks: TaskDefinition[] = [
	task('event-types', 'Activity', {chart: {kind: 'bar', x: 'event_type', y: ['events']}}),
	task('activity-by-day', 'Activity', {chart: {kind: 'line', x: 'day', y: ['events']}}),
	task('learners', 'Learners'),
	task('course-summary', 'Overview', {parameters: [{name: 'course', type: 'course', description: 'Course id'}]}),
];

export function result(rows: TaskResult['rows'], taskId = 'event-types'): TaskResult {
	return {
		taskId,
		columns: [
			{name: 'event_type', kind: 'text'},
			{name: 'events', kind: 'number'},
		],
		rows,
		parameters: {},
		elapsedMs: 12,
	};
}

export function file(label: string, status: FileProgress['status'], done: number, total: number, extra: Partial<FileProgress> = {}): FileProgress {
	return {label, kind: 'plain', bytesTotal: total, bytesDone: done, lines: 0, blankLines: 0, loaded: 0, readAgain: 0, duplicates: 0, rejected: 0, status, ...extra};
}

export function snapshot(extra: Partial<IngestSnapshot> = {}): IngestSnapshot {
	return {
		phase: 'loading',
		elapsedMs: 5000,
		bytesTotal: 4_000_000,
		bytesDone: 1_000_000,
		// a.log's, loaded in this run.
		bytesRead: 1_000_000,
		lines: 1000,
		blankLines: 0,
		loaded: 990,
		readAgain: 0,
		duplicates: 7,
		rejected: 3,
		rejectedByReason: {'malformed-json': 3},
		megabytesPerSecond: 12.5,
		eventsPerSecond: 2400,
		etaSeconds: 30,
		currentFile: 'input/b.log.gz',
		files: [file('input/a.log', 'loaded', 1_000_000, 1_000_000, {loaded: 990}), file('input/b.log.gz', 'loading', 0, 3_000_000)],
		...extra,
	};
}

/** What listCourses gives: these courses, and no events without one unless said. */
export const courseList = (courses: Course[], eventsWithoutCourse = 0): CourseList => ({courses, eventsWithoutCourse});

export function summary(extra: Partial<AppIngestSummary> = {}): AppIngestSummary {
	return {...snapshot({phase: 'done', bytesDone: 4_000_000, etaSeconds: 0}), filesLoaded: 2, filesSkipped: 0, filesFailed: 0, ...extra};
}

/** A task about one learner, with the values whose title line must keep the learner whole (see title-line.ts). */
export const learnersTask = task('learners', 'Learners', {
	parameters: [
		{name: 'course', type: 'course', description: 'Course id'},
		{name: 'user', type: 'user', description: 'Learner username (empty: all learners)'},
		{name: 'tz', type: 'timezone', description: 'Time zone', default: 'UTC'},
	],
});
export const learnerValues = {course: 'course-v1:spbstu+PHYLOS+fall_2018', user: 'jolly-clever-siberiansable', tz: 'Europe/Moscow'};

const LEARNER_SUMMARY_FIGURES = ['active_days', 'days_inactive', 'events', 'minutes', 'sessions', 'videos_played', 'videos_completed', 'video_minutes', 'problems_attempted', 'problems_solved', 'problems_first_try', 'forum_posts', 'pages'];

/**
 * learner-summary's first 22 columns (its key: username and course_id), a row per learner: Cyrillic and CJK names as OpenEdu
 * has them. Each row's figures start at its `events` and go up by one a column, so a cell tells whose row it is in.
 */
export function learnerSummary(): TaskResult {
	const course = 'course-v1:spbstu+PHYLOS+fall_2018';
	const learners: Array<[string, number]> = [
		['Анна_Иванова', 1200],
		['李小龍', 700],
		['bob', 300],
	];
	return {
		taskId: 'learner-summary',
		columns: [
			{name: 'username', kind: 'text'},
			{name: 'course_id', kind: 'text'},
			{name: 'user_id', kind: 'id'},
			{name: 'enrolled', kind: 'boolean'},
			{name: 'enrolled_at', kind: 'timestamp'},
			{name: 'mode', kind: 'text'},
			{name: 'first_activity', kind: 'timestamp'},
			{name: 'last_activity', kind: 'timestamp'},
			...LEARNER_SUMMARY_FIGURES.map((name) => ({name, kind: 'number' as const})),
			{name: 'finished_at', kind: 'timestamp'},
		],
		rows: learners.map(([username, events], index) => [
			username,
			course,
			101 + index,
			true,
			'2018-09-03 10:00:00',
			'audit',
			'2018-09-03 10:05:00',
			'2018-12-01 18:30:00',
			...LEARNER_SUMMARY_FIGURES.map((_, column) => events + column),
			index === 0 ? '2018-12-01 18:00:00' : null,
		]),
		parameters: {},
		elapsedMs: 12,
	};
}
