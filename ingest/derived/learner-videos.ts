import type pg from 'pg';
import {float8Field, float8OrNullField, int8Field, readInt8, startRow, textField} from '../copy-binary.js';
import {learnerFieldsById, type LearnerRowHandlers, readLearnerRows, withSpilledTables} from './streamed-copy.js';
import {type PlayerEvent, type VideoAction, videoWatching} from './video-watching.js';

const VIDEO_TABLES = {
	d_video_interval: 'course_id, username, video_id, start_time, start_position, end_position',
	d_learner_video: 'course_id, username, video_id, plays, reported_duration, furthest, watched_seconds, reached',
};

/**
 * The watching intervals and per-video sums (d_video_interval, d_learner_video) of the learners in
 * learners_to_refresh, from all their player events: PostgreSQL sorts them by learner, video, time and
 * action and streams them; Node walks each learner's videos (video-watching.ts) and COPYs the rows back.
 */
export async function recomputeVideos(client: pg.PoolClient, scratchDir?: string): Promise<void> {
	const learners = await learnerFieldsById(client, 'learners_to_refresh');
	await withSpilledTables(VIDEO_TABLES, scratchDir, async (tables) => {
		let learner: Buffer;
		let videoId: string | undefined;
		let events: PlayerEvent[] = [];
		const row = (table: keyof typeof VIDEO_TABLES, fields: number) => {
			const out = tables.rows(table);
			startRow(out, fields + 3);
			out.copy(learner, 0, learner.length);
			textField(out, videoId!);
			return out;
		};
		const finishVideo = () => {
			if (events.length === 0) return;
			const watching = videoWatching(events);
			for (const interval of watching.intervals) {
				const out = row('d_video_interval', 3);
				int8Field(out, interval.start);
				float8Field(out, interval.startPosition);
				float8Field(out, interval.endPosition);
			}
			const out = row('d_learner_video', 5);
			int8Field(out, watching.plays);
			float8OrNullField(out, watching.reportedDuration);
			float8OrNullField(out, watching.furthest);
			float8OrNullField(out, watching.watchedSeconds);
			float8OrNullField(out, watching.reached);
			events = [];
		};
		const number = (data: Buffer, at: number) => (at < 0 ? null : data.readDoubleBE(at));
		const handlers: LearnerRowHandlers = {
			start: (learnerId) => {
				learner = learners.get(learnerId)!;
				videoId = undefined;
			},
			// Fields: learner_id, video_id, time, action, position, old_position, new_position, duration.
			row: (data, starts) => {
				const text = (field: number) => data.toString('utf8', starts[field], starts[field]! + data.readInt32BE(starts[field]! - 4));
				const video = text(1);
				if (video !== videoId) {
					finishVideo();
					videoId = video;
				}
				events.push({
					time: readInt8(data, starts[2]!),
					action: text(3) as VideoAction,
					position: number(data, starts[4]!),
					oldPosition: number(data, starts[5]!),
					newPosition: number(data, starts[6]!),
					duration: number(data, starts[7]!),
				});
			},
			end: finishVideo,
		};
		await readLearnerRows(
			client,
			`SELECT r.learner_id, v.video_id, v.time, v.action, v.position, v.old_position, v.new_position, v.duration
			FROM d_video_event v JOIN learners_to_refresh r ON r.course_id = v.course_id AND r.username = v.username
			ORDER BY 1, 2, 3, 4`,
			handlers,
			tables,
		);
		await tables.store(client);
	});
}
