/**
 * Each learner's completed videos, kept by the build (d_learner_items.videos_completed, migration 180): a learner
 * completed a video when their watching reached 95 % of its duration, the longest its players reported to any learner
 * of the course (d_video_duration), as video-engagement and edx2bigquery take it. A load that raises a video's duration
 * can take a completion from any of its learners, not only those whose events it brings: they are recounted.
 */

/** Each video's duration (NULL: no player reported one) from the rows of d_learner_video `v` that `join` keeps. */
export const videoDurations = (join: string) =>
	`SELECT v.course_id, v.video_id, max(v.reported_duration) AS duration FROM d_learner_video v ${join} GROUP BY 1, 2`;

/** The videos of d_learner_video `v` completed, counted per group, with DURATION_OF_VIDEO joined. */
export const COMPLETED_VIDEOS = 'count(*) FILTER (WHERE v.reached >= 0.95 * d.duration)';
export const DURATION_OF_VIDEO = 'LEFT JOIN d_video_duration d ON d.course_id = v.course_id AND d.video_id = v.video_id';

/** d_learner_items.videos_completed counted again from d_learner_video for the learners whose rows `where` keeps. */
export const recountCompletedVideos = (where: string) => `
UPDATE d_learner_items i SET videos_completed = c.videos
FROM (SELECT v.course_id, v.username, ${COMPLETED_VIDEOS} AS videos FROM d_learner_video v ${DURATION_OF_VIDEO} ${where} GROUP BY 1, 2) c
WHERE c.course_id = i.course_id AND c.username = i.username`;
