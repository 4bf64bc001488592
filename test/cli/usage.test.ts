import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {commandFlags, usage} from '../../source/usage.js';

/** The commands whose options each "Options of …" section of --help lists. */
const SECTIONS: Record<string, string[]> = {'the app': [''], ingest: ['ingest'], run: ['run'], 'files and rejected': ['files', 'rejected']};

/** The options named in each section of the usage, by its title ("all commands" for the common ones). */
function sections(): Map<string, Set<string>> {
	const found = new Map<string, Set<string>>();
	let current: Set<string> | undefined;
	for (const line of usage.split('\n')) {
		const title = /^ {2}Options (?:of (.+)|\((all commands)\))$/.exec(line);
		if (title) found.set(title[1] ?? title[2]!, (current = new Set()));
		else if (/^ {2}\S/.test(line)) current = undefined;
		else for (const [, name] of line.matchAll(/--(?:no-)?([a-z][a-z-]*)/g)) current?.add(name!);
	}
	return found;
}

describe('--help', () => {
	it('lists under each command the options it takes, and no other (the app took --workers and --max-line-bytes unsaid)', () => {
		const listed = sections();
		const common = listed.get('all commands')!;
		assert.deepEqual([...listed.keys()].sort(), ['all commands', ...Object.keys(SECTIONS)].sort());
		for (const [title, commands] of Object.entries(SECTIONS)) {
			for (const command of commands) {
				const taken = commandFlags[command]!.filter((flag) => flag !== 'y' && !common.has(flag));
				assert.deepEqual(taken.filter((flag) => !listed.get(title)!.has(flag)), [], `options of "${command || 'the app'}" that --help leaves out`);
			}
			const unknown = [...listed.get(title)!].filter((flag) => !commands.some((command) => commandFlags[command]!.includes(flag)));
			assert.deepEqual(unknown, [], `options under "Options of ${title}" that none of its commands takes`);
		}
	});
});
