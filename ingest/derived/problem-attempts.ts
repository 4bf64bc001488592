/**
 * What one learner's graded checks and show-answer uses of one problem say (d_learner_problem). The
 * events come sorted by time, then by the attempt number the server counted (event.attempts), then by
 * their answers' JSON text (see compareProblemEvents), so the first and the last of two simultaneous checks
 * are the server's first and last, the same on every build.
 */

/** answers, partsCorrect (each part's grading): jsonb values as COPY sends them (kept as bytes: they go back the same way). */
export type ProblemEvent = {kind: 'check' | 'show_answer'; correct: boolean | null; answers: Buffer | null; partsCorrect: Buffer | null};

export type ProblemAttempts = {
	checks: number;
	/** Whether the first check was correct: null when that is unknown and no later check settles it (SQL's bool_or). */
	firstCorrect: boolean | null;
	/** Number of the first correct check (1 = first try), null if never correct. */
	firstCorrectAttempt: number | null;
	firstAnswers: Buffer | null;
	lastAnswers: Buffer | null;
	/** The grading of the first and last answers' parts (from the same checks as the answers). */
	firstPartsCorrect: Buffer | null;
	lastPartsCorrect: Buffer | null;
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
	let firstPartsCorrect: Buffer | null = null;
	let lastPartsCorrect: Buffer | null = null;
	let showedAnswer = false;
	let showedAnswerUntried = false;
	for (const event of events) {
		if (event.answers !== null) {
			if (firstAnswers === null) [firstAnswers, firstPartsCorrect] = [event.answers, event.partsCorrect];
			[lastAnswers, lastPartsCorrect] = [event.answers, event.partsCorrect];
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
	return {checks, firstCorrect, firstCorrectAttempt, firstAnswers, lastAnswers, firstPartsCorrect, lastPartsCorrect, showedAnswer, showedAnswerUntried};
}
