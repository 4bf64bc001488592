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
