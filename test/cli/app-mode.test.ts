import assert from 'node:assert/strict';
import {test} from 'node:test';
import {noColourForInk, runsHeadless} from '../../source/commands/app.js';

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

test("NO_COLOR (or whatever else makes Node's hasColors() false) turns Ink's colours off through FORCE_COLOR=0, which alone its chalk reads", () => {
	const env: NodeJS.ProcessEnv = {NO_COLOR: '1', TERM: 'xterm-256color'};
	noColourForInk({hasColors: () => false}, env);
	assert.equal(env.FORCE_COLOR, '0');
	const coloured: NodeJS.ProcessEnv = {TERM: 'xterm-256color'};
	noColourForInk({hasColors: () => true}, coloured);
	assert.equal(coloured.FORCE_COLOR, undefined);
	const forced: NodeJS.ProcessEnv = {NO_COLOR: '1', FORCE_COLOR: '1'};
	noColourForInk({hasColors: () => false}, forced);
	assert.equal(forced.FORCE_COLOR, '1', 'FORCE_COLOR given: left as it is (Node too puts it first)');
});
