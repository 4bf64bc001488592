/** What the load screen's file list shows. */
import type {FileProgress, IngestSnapshot} from '../../../ingest/progress.js';

/**
 * A file's mark. ▸ is the file being read now, one at most; ▹ a file read to its end whose last chunks the loader
 * threads are still storing. Both were ▸: with daily files (each a chunk or two) two or three files showed ▸ at 0 %
 * at once, and which one the load was on could not be told.
 */
export function fileMark(file: FileProgress, currentFile: IngestSnapshot['currentFile']): string {
	if (file.status === 'loading') return file.label === currentFile ? '▸' : '▹';
	return {pending: '·', skipped: '=', loaded: '✓', failed: '✗'}[file.status];
}
