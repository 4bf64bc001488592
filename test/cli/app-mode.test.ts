import assert from 'node:assert/strict';
import {test} from 'node:test';
import {runsHeadless} from '../../source/commands/app.js';

const terminal = {isTTY: true};

test('the app runs headless off a terminal, with --no-tui, and on a terminal that says it cannot move its cursor (TERM=dumb)', () => {
	assert.equal(runsHeadless(terminal, terminal, undefined, {TERM: 'xterm-256color'}), false);
	assert.equal(runsHeadless(terminal, terminal, undefined, {}), false, 'no TERM: Windows Terminal sets none');
	assert.equal(runsHeadless(terminal, terminal, undefined, {TERM: 'linux'}), false);
	// Emacs' M-x shell: a pty, so both are terminals, and the full screen's frames were a stream of escape sequences.
	assert.equal(runsHeadless(terminal, terminal, undefined, {TERM: 'dumb'}), true);
	assert.equal(runsHeadless({}, terminal, undefined, {TERM: 'xterm'}), true, 'stdout piped');
	assert.equal(runsHeadless(terminal, {isTTY: false}, undefined, {TERM: 'xterm'}), true, 'stdin from a file');
	assert.equal(runsHeadless(terminal, terminal, false, {TERM: 'xterm'}), true, '--no-tui');
});
