import {UserError} from '../../ingest/errors.js';
import type {Command} from './context.js';

// Placeholder until the module is built.
export const filesCommand: Command = async () => {
	throw new UserError('This command is not built yet.');
};
export const rejectedCommand = filesCommand;
