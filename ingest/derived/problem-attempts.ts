/**
 * What one learner's graded checks and show-answer uses of one problem say (d_learner_problem). The
 * events come sorted by time, then by the attempt number the server counted (event.attempts), then by
 * their answers' JSON text (see compareProblemEvents), so the first and the last of two simultaneous checks
 * are the server's first and last, the same on every build.
 */

/** answers: the jsonb value as COPY sends it (kept as bytes: it goes back the same way). */
export type ProblemEvent = {kind: 'check' | 'show_answer'; correct: boolean | null; answers: Buffer | null};

export type ProblemAttempts = {
	checks: number;
	/** Whether the first check was correct: null when that is unknown and no later check settles it (SQL's bool_or). */
	firstCorrect: boolean | null;
	/** Number of the first correct check (1 = first try), null if never correct. */
	firstCorrectAttempt: number | null;
	firstAnswers: Buffer | null;
	lastAnswers: Buffer | null;
	showedAnswer: boolean;
	/** Whether the learner showed the answer before their first graded check (or without any): looked before trying. */
	showedAnswerUntried: boolean;
};

export function problemAttempts(events: ProblemEvent[]): ProblemAttempts {
	let checks = 0;
	let firstCorrect: boolean | null = null;
	let firstCorrectAttempt: number | null = null;
	let firstAnswers: Buffer | null = null;
	let lastAnswers: Buffer | null = null;
	let showedAnswer = false;
	let showedAnswerUntried = false;
	for (const event of events) {
		if (event.answers !== null) {
			firstAnswers ??= event.answers;
			lastAnswers = event.answers;
		}
		if (event.kind === 'show_answer') {
			showedAnswer = true;
			if (checks === 0) showedAnswerUntried = true;
			continue;
		}
		const attempt = ++checks;
		// A later check makes "first check correct" false unless the first one already made it true.
		if (attempt === 1) firstCorrect = event.correct;
		else if (firstCorrect === null) firstCorrect = false;
		if (event.correct === true) firstCorrectAttempt ??= attempt;
	}
	return {checks, firstCorrect, firstCorrectAttempt, firstAnswers, lastAnswers, showedAnswer, showedAnswerUntried};
}
