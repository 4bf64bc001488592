import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {type ProblemEvent, problemAttempts} from '../../ingest/derived/problem-attempts.js';

const bytes = (text?: string) => (text === undefined ? null : Buffer.from(text));
const check = (correct: boolean | null, answers?: string, partsCorrect?: string): ProblemEvent => ({kind: 'check', correct, answers: bytes(answers), partsCorrect: bytes(partsCorrect)});
const showAnswer: ProblemEvent = {kind: 'show_answer', correct: null, answers: null, partsCorrect: null};

describe('problemAttempts', () => {
	it('numbers the checks, finds the first correct one and keeps the first and last answers', () => {
		const attempts = problemAttempts([check(false, 'a', 'a?'), showAnswer, check(null), check(true, 'b', 'b?'), check(true, 'c', 'c?')]);
		assert.equal(attempts.checks, 4);
		assert.equal(attempts.firstCorrect, false);
		assert.equal(attempts.firstCorrectAttempt, 3);
		assert.equal(attempts.firstAnswers?.toString(), 'a');
		assert.equal(attempts.lastAnswers?.toString(), 'c');
		// Each answer's grading comes from its own check.
		assert.equal(attempts.firstPartsCorrect?.toString(), 'a?');
		assert.equal(attempts.lastPartsCorrect?.toString(), 'c?');
		assert.equal(attempts.showedAnswer, true);
		// After the first check: checking one's work, not looking before trying.
		assert.equal(attempts.showedAnswerUntried, false);
	});

	it('a show-answer before the first graded check is one before trying', () => {
		assert.equal(problemAttempts([showAnswer, check(true), showAnswer]).showedAnswerUntried, true);
		assert.equal(problemAttempts([check(null), showAnswer]).showedAnswerUntried, false);
	});

	it('knows the first try was right, and leaves it unknown when a lone check has no grade', () => {
		assert.equal(problemAttempts([check(true), check(false)]).firstCorrect, true);
		assert.equal(problemAttempts([check(true), check(false)]).firstCorrectAttempt, 1);
		assert.equal(problemAttempts([check(null)]).firstCorrect, null);
		// A second check settles it: the first was not (known to be) correct.
		assert.equal(problemAttempts([check(null), check(true)]).firstCorrect, false);
	});

	it('a learner who only looked at the answer has no checks and no first-try result', () => {
		assert.deepEqual(problemAttempts([showAnswer]), {
			checks: 0,
			firstCorrect: null,
			firstCorrectAttempt: null,
			firstAnswers: null,
			lastAnswers: null,
			firstPartsCorrect: null,
			lastPartsCorrect: null,
			showedAnswer: true,
			showedAnswerUntried: true,
		});
	});
});
