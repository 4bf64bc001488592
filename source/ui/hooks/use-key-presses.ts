import {useInput, useStdin} from 'ink';
import {useEffect, useRef, useState} from 'react';
import {createKeyReader, type KeyPress} from '../keymap.js';

/**
 * Ink's useInput, one call per key (see keyPresses), a bracketed paste as the text it types (createKeyReader).
 * useInput reports F1 to F12 alike (no flag, no input), so the sequence Ink's input parser emitted is noted by a
 * listener placed ahead of useInput's on the same emitter, to tell F1 (help) from the others.
 */
export function useKeyPresses(onKey: (press: KeyPress) => void, isActive: boolean): void {
	const {internal_eventEmitter: events} = useStdin();
	const sequence = useRef('');
	const [read] = useState(createKeyReader);
	useEffect(() => {
		const note = (raw: string) => {
			sequence.current = raw;
		};
		events.prependListener('input', note);
		return () => {
			events.removeListener('input', note);
		};
	}, [events]);
	useInput(
		(input, key) => {
			for (const press of read(input, key, sequence.current)) onKey(press);
		},
		{isActive},
	);
}
