/**
 * An error whose message is one clear sentence meant for the user (bad flag, missing file,
 * unreachable database). The CLI prints only the message and exits non-zero; anything else is a bug
 * and gets logged in full.
 */
export class UserError extends Error {
	override name = 'UserError';
	/** The CLI's exit code after it. */
	readonly exitCode: number = 1;
	/** The task parameter the message is about, when one is: the app's form puts its cursor there. */
	parameter?: string;
}

/** Removes passwords from connection strings before anything is printed or logged. */
export function redactSecrets(text: string): string {
	// Greedy to the last @ of the URL: a password may itself hold a raw @ (URL parsers split at the last one).
	return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)\S*@/gi, '$1***@');
}

/** A full disk stopped the work: its message says which folder's disk, how much is free, and what to do (see disk-full.ts). */
export class DiskFullError extends UserError {
	override name = 'DiskFullError';
}
