/**
 * Named placeholders (`:name`) in task SQL → positional parameters ($1, $2, …). A placeholder is a
 * `:` followed by a name, outside string literals, quoted identifiers and comments, and not part of a
 * `::` cast. Values are never spliced into the text: they travel separately, bound by the server.
 */
const PLACEHOLDER = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|::|:([a-z_][a-z0-9_]*)/gi;

/** The distinct placeholder names in order of first use. */
export function namedParameters(sql: string): string[] {
	const names: string[] = [];
	for (const match of sql.matchAll(PLACEHOLDER)) {
		const name = match[1]?.toLowerCase();
		if (name && !names.includes(name)) names.push(name);
	}
	return names;
}

/**
 * Rewrites `:name` to `$n::castType` (each name gets one number) and returns the names in $n order.
 * The cast lets PostgreSQL know each parameter's type even where the SQL only tests it for NULL.
 */
export function toPositional(sql: string, castOf: (name: string) => string): {text: string; names: string[]} {
	const names: string[] = [];
	const text = sql.replace(PLACEHOLDER, (whole, name: string | undefined) => {
		if (!name) return whole;
		const lower = name.toLowerCase();
		let index = names.indexOf(lower);
		if (index < 0) index = names.push(lower) - 1;
		return `$${index + 1}::${castOf(lower)}`;
	});
	return {text, names};
}
