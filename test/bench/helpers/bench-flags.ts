/**
 * A bench's flags as `read` makes them from the command line; when they are wrong, a one-sentence complaint and the
 * usage (exit 1); with --help, the usage alone (exit 0).
 */
export function benchFlags<Flags extends {help?: boolean}>(usage: string, read: () => Flags): Flags {
	let flags: Flags;
	try {
		flags = read();
	} catch (error) {
		console.error(`${(error as Error).message.split('\n')[0]!.replace(/\.?$/, '.')}\n${usage}`);
		process.exit(1);
	}
	if (flags.help) {
		console.log(usage);
		process.exit(0);
	}
	return flags;
}
