import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

/** Columns and rows of the terminal, updated on every resize. */
export function useTerminalSize(): {width: number; height: number} {
	const {stdout} = useStdout();
	const read = () => ({width: stdout.columns || 80, height: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
		// The stream is the same for the whole run.
	}, [stdout]);
	return size;
}
