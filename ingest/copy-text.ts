/**
 * PostgreSQL COPY text format (for rejected lines; events go in binary, see copy-binary.ts):
 * columns separated by tabs, rows by newlines, NULL as \N, and backslash, tab, newline and
 * carriage return escaped with a backslash.
 */
const COPY_NULL = '\\N';

const special = /[\\\t\n\r\0]/;
const specialGlobal = /[\\\t\n\r\0]/g;
// PostgreSQL text cannot hold NUL at all (COPY fails the whole chunk): it becomes U+FFFD.
const escapes: Record<string, string> = {'\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\uFFFD'};

export function copyField(value: string | number | null | undefined): string {
	if (value === null || value === undefined) return COPY_NULL;
	if (typeof value === 'number') return String(value);
	// Most values need no escaping: test first, replace only when needed.
	return special.test(value) ? value.replace(specialGlobal, (char) => escapes[char]!) : value;
}

/** A bytea value in COPY text format: hex, with the backslash itself escaped. */
export function copyBytea(bytes: Uint8Array): string {
	return `\\\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}
