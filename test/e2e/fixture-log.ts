/**
 * A small tracking log whose answers are known by hand, for the end-to-end test of the app:
 * one course, two learners, 9 distinct events (play_video 5, pause_video 2, problem_check 1,
 * edx.course.enrollment.activated 1), one exact duplicate line and one line that is not JSON.
 * Read: 11 lines → loaded 9, duplicates 1, rejected 1.
 */
export const FIXTURE_COURSE = 'course-v1:TestX+T101+2024';

function event(username: string, userId: number, eventType: string, minute: number): string {
	return JSON.stringify({
		username,
		event_type: eventType,
		name: eventType,
		event_source: eventType.startsWith('edx.') ? 'server' : 'browser',
		time: `2024-03-01T10:${String(minute).padStart(2, '0')}:00.000000+00:00`,
		context: {course_id: FIXTURE_COURSE, user_id: userId, org_id: 'TestX', path: '/event'},
		event: JSON.stringify({id: 'video-1', currentTime: minute}),
		page: `https://courses.example.org/courses/${FIXTURE_COURSE}/courseware/week1/`,
		host: 'courses.example.org',
		ip: '10.0.0.1',
		agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
		session: `session-${username}`,
		referer: '',
		accept_language: 'en-US',
	});
}

export const FIXTURE_EXPECTED = {lines: 11, loaded: 9, duplicates: 1, rejected: 1, firstEventType: 'play_video', firstEventCount: 5};

export function fixtureLog(): string {
	const lines = [
		event('bob', 2, 'edx.course.enrollment.activated', 0),
		event('alice', 1, 'play_video', 1),
		event('alice', 1, 'pause_video', 2),
		event('alice', 1, 'play_video', 3),
		event('alice', 1, 'play_video', 4),
		event('alice', 1, 'problem_check', 5),
		event('bob', 2, 'play_video', 6),
		event('bob', 2, 'pause_video', 7),
		event('bob', 2, 'play_video', 8),
	];
	return [...lines, lines[1], 'this line is not JSON'].join('\n') + '\n';
}
