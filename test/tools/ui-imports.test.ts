import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

/**
 * Code that is no UI (the load, the tasks, the headless commands, the benchmarks) imports nothing of source/ui: the
 * tasks bench took the menu's dayZonesText from source/ui/lib. Only the app command, which starts the UI, may.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ui = path.join(root, 'source', 'ui');
const launcher = path.join(root, 'source', 'commands', 'app.ts');

function sources(dir: string): string[] {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return full === ui ? [] : sources(full);
		return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
	});
}

/** The files under source/ui that `file` imports (statically, dynamically or for types), as written. */
function uiImports(source: string, file: string): string[] {
	return ts
		.preProcessFile(source, true, true)
		.importedFiles.map((imported) => imported.fileName)
		.filter((name) => name.startsWith('.') && path.resolve(path.dirname(file), name).startsWith(ui + path.sep));
}

test('the check finds static, dynamic and type imports of source/ui, and not those of its neighbours', () => {
	const file = path.join(root, 'source', 'commands', 'x.ts');
	const source = "import {a} from '../ui/lib/format.js';\nimport type {B} from '../ui/state/app-state.js';\nconst c = await import('../ui/app.js');\nimport {d} from '../format.js';\nimport {e} from '../uix/f.js';\nimport g from 'ui';\n";
	assert.deepEqual(uiImports(source, file), ['../ui/lib/format.js', '../ui/state/app-state.js', '../ui/app.js']);
});

test('no code but the UI and the app command imports source/ui (the load, the tasks, the commands, the benchmarks)', () => {
	const files = [...sources(path.join(root, 'ingest')), ...sources(path.join(root, 'source')), ...sources(path.join(root, 'test', 'bench'))].filter((file) => file !== launcher);
	assert.ok(files.length > 50, `sources found under ${root}: ${files.length}`);
	const found = files.flatMap((file) => uiImports(fs.readFileSync(file, 'utf8'), file).map((name) => `${path.relative(root, file)}: ${name}`));
	assert.deepEqual(found, []);
});
