import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** ../shared/corpus beside the project root, when present (it is absent on a fresh clone). */
export function sharedCorpus(): string | undefined {
	const dir = path.join(projectRoot, '..', 'shared', 'corpus');
	return fs.existsSync(dir) ? dir : undefined;
}

export const SHARED_MISSING = 'skipped: ../shared/corpus is not present beside the project';

export {projectRoot};

/** Polls `ready` until it holds, failing with `what` after `timeoutMs`: for effects that come a moment after what a test awaited. */
export async function until(ready: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
	const started = Date.now();
	while (!ready()) {
		assert.ok(Date.now() - started < timeoutMs, what);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** `promise`'s outcome, failing with `what` if it takes longer than `timeoutMs`: a bound that only a hang reaches, not a timing. */
export async function settled<T>(promise: Promise<T>, what: string, timeoutMs = 30_000): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new assert.AssertionError({message: what})), timeoutMs);
	});
	try {
		return await Promise.race([promise, late]);
	} finally {
		clearTimeout(timer);
	}
}
