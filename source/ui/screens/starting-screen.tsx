import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';

/** While the database comes up: one spinner naming the step ("starting database", "applying migrations"). */
export function StartingScreen({step}: {step: string}) {
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>OpenPolyEdu</Text>
			<Text>
				<Text color="cyan">
					<Spinner type="dots" />
				</Text>{' '}
				{step[0]?.toUpperCase()}
				{step.slice(1)}…
			</Text>
		</Box>
	);
}
