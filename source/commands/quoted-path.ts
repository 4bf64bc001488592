import {UserError} from '../../ingest/errors.js';

/**
 * A path argument as the user meant it. On Windows, cmd and PowerShell hand "C:\My Logs\" to a program as
 * C:\My Logs" (a backslash before the closing quote keeps the quote; PowerShell's tab completion writes folders
 * so), and anything after it is joined to the same argument. No Windows name holds a quote, so a last one is
 * that quote and goes; one inside means arguments were joined, which only the user can undo.
 */
export function meantPath(arg: string, platform: NodeJS.Platform = process.platform): string {
	if (platform !== 'win32' || !arg.includes('"')) return arg;
	const meant = arg.endsWith('"') ? arg.slice(0, -1) : arg;
	if (!meant.includes('"')) return meant;
	const first = arg.slice(0, arg.indexOf('"'));
	throw new UserError(
		`The path ${arg} holds a quote: cmd and PowerShell keep the quote of "…\\" in the path and join what follows to it; write each folder without its last backslash ("${first}").`,
	);
}
