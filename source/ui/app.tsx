import {Box, Text, useApp} from 'ink';
import {useEffect} from 'react';
import {HelpOverlay} from './components/help-overlay.js';
import {KeyHints} from './components/key-hints.js';
import {useAppController} from './hooks/use-app-controller.js';
import {useKeyPresses} from './hooks/use-key-presses.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {DetailsScreen} from './screens/details-screen.js';
import {ErrorScreen} from './screens/error-screen.js';
import {CourseScreen, FormScreen, PickScreen, RunningScreen} from './screens/form-screens.js';
import {IngestScreen, SummaryScreen} from './screens/ingest-screen.js';
import {MenuScreen} from './screens/menu-screen.js';
import {ResultScreen} from './screens/result-screen.js';
import {StartingScreen} from './screens/starting-screen.js';
import type {AppServices} from './services.js';
import {closingText, coursePageSize, flashLine, flashLineShown, helpPageSize, keyHints, lockWaitLines, pickerPageSize, savingLines, scopeOf, screenHeight, shownHelpLines, usableHeight, type AppState} from './state/app-state.js';

export type AppProps = {
	services: AppServices;
	width: number;
	height: number;
	/** Called with the exit code once everything is cancelled (default: Ink's exit, resolving waitUntilExit with it). */
	onQuit?: (exitCode: number) => void;
	/** Aborted on SIGTERM / SIGHUP: the app quits as on Ctrl-C (load rolled back, database closed). */
	quitSignal?: AbortSignal;
};

/** The app at the terminal's size, following resizes (Ink 6 has no useWindowSize). */
export function TerminalApp(props: Omit<AppProps, 'width' | 'height'>) {
	const {width, height} = useTerminalSize();
	return <App {...props} width={width} height={height} />;
}

/**
 * The root: one key handler feeding the state machine, and the screen for the current state.
 * Sized to rows - 1 lines so Ink 6 never clears the terminal between frames.
 */
export function App({services, width, height, onQuit, quitSignal}: AppProps) {
	const {exit} = useApp();
	const [state, dispatch] = useAppController(services, {width, height}, onQuit ?? exit);
	useEffect(() => {
		const quit = () => dispatch({type: 'quit'});
		quitSignal?.addEventListener('abort', quit, {once: true});
		return () => quitSignal?.removeEventListener('abort', quit);
	}, [quitSignal, dispatch]);
	useKeyPresses((press) => dispatch({type: 'key', ...press}), !state.quitting);
	const rows = usableHeight(height);
	const scope = scopeOf(state);
	// A flash takes a line of the screen's (a form's fields were squeezed out under "needs a value").
	const flashShown = flashLineShown(state);
	const waiting = lockWaitLines(state);
	const saving = savingLines(state);
	return (
		<Box flexDirection="column" width={width} height={rows} overflow="hidden">
			<Box flexDirection="column" flexGrow={1} overflow="hidden">
				{state.help ? <HelpOverlay lines={shownHelpLines(state)} offset={state.help.offset} width={width} rows={helpPageSize(height)} /> : <CurrentScreen state={state} width={width} height={screenHeight(state)} />}
			</Box>
			{waiting.map((line, index) => (
				<Text key={index} color="yellow">
					{line}
				</Text>
			))}
			{saving.map((line, index) => (
				<Text key={index} color="yellow" wrap="truncate-end">
					{line}
				</Text>
			))}
			{state.flash && flashShown && (
				<Text color={state.flash.tone === 'error' ? 'red' : 'green'} wrap="truncate-end">
					{flashLine(state.flash, width - 1)}
				</Text>
			)}
			{state.quitting ? <Text dimColor>{closingText(state)}</Text> : <KeyHints scope={state.help ? 'help' : scope} hints={keyHints(state)} width={state.width} />}
		</Box>
	);
}

function CurrentScreen({state, width, height}: {state: AppState; width: number; height: number}) {
	const {screen} = state;
	switch (screen.name) {
		case 'starting':
			return <StartingScreen step={screen.step} />;
		case 'ingest':
			return <IngestScreen snapshot={screen.snapshot} rateHistory={screen.rateHistory} confirmCancel={screen.confirmCancel} cancelling={screen.cancelling} width={width} height={height} />;
		case 'summary':
			return <SummaryScreen summary={screen.summary} width={width} height={height} />;
		case 'menu':
			return <MenuScreen tasks={state.tasks} menu={state.menu} courses={state.courses} eventsWithoutCourse={state.eventsWithoutCourse} course={state.course} dayZone={state.timeZone} problems={state.problems} lastIngest={state.lastIngest} width={width} height={height} />;
		case 'course':
			return <CourseScreen task={screen.task} choices={screen.choices} list={screen.list} courses={state.courses ?? []} width={width} rows={coursePageSize(state)} />;
		case 'picker':
			return <PickScreen kind={screen.kind} task={screen.task} course={screen.course} items={screen.items} list={screen.list} width={width} rows={pickerPageSize(state)} />;
		case 'form':
			return <FormScreen task={screen.task} form={screen.form} width={width} height={height} />;
		case 'running':
			return <RunningScreen task={screen.task} values={screen.values} startedAt={screen.startedAt} />;
		case 'result':
			return <ResultScreen screen={screen} flash={state.flash} saving={state.saving} width={width} height={state.height} />;
		case 'details':
			return <DetailsScreen task={screen.task} top={screen.top} width={width} height={height} />;
		case 'error':
			return <ErrorScreen error={screen} fatal={screen.fatal} back={screen.back} width={width} />;
	}
}
