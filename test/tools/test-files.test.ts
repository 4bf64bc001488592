import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

/**
 * Node 20's test runner ends a file's root test, and runs its top-level `after` hooks (fixture folders
 * removed, pools ended), as soon as the tests registered so far have finished — even while the module
 * is still at a top-level `await`. A test registered after such an await then runs against removed
 * fixtures: CI failed this way once (untimed-events, "learners-1.log does not exist"), when creating
 * a database took longer than the file's first test. So every top-level await comes before the first test.
 */
const registrars = new Set(['it', 'test', 'describe', 'suite']);

function registersTest(statement: ts.Statement): boolean {
	if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return false;
	const callee = statement.expression.expression;
	const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression.text : '';
	return registrars.has(name);
}

/** Whether the statement awaits at the module's top level (an await inside a function does not count). */
function awaitsAtTopLevel(node: ts.Node): boolean {
	if (ts.isFunctionLike(node)) return false;
	if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) return true;
	return ts.forEachChild(node, awaitsAtTopLevel) ?? false;
}

/** Lines (1-based) of the top-level awaits that come after the source's first registered test. */
export function awaitsAfterFirstTest(source: string, fileName = 'file.ts'): number[] {
	const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
	const first = file.statements.findIndex(registersTest);
	if (first < 0) return [];
	return file.statements
		.slice(first + 1)
		.filter(awaitsAtTopLevel)
		.map((statement) => file.getLineAndCharacterOfPosition(statement.getStart()).line + 1);
}

function testSources(dir: string): string[] {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return testSources(full);
		return /\.test\.tsx?$/.test(entry.name) ? [full] : [];
	});
}

test('the check finds an await after the first test, and not one before it or inside a function', () => {
	const late = "const a = await open();\nit('one', async () => { await a.run(); });\nconst b = await open();\nfor await (const x of y) {}\nit('two', () => {});\n";
	assert.deepEqual(awaitsAfterFirstTest(late), [3, 4]);
	const early = "const a = await open();\nconst b = await open();\nit('one', async () => { await a.run(); });\ndescribe('d', () => { it('two', async () => { await b.run(); }); });\nconst f = async () => await a;\n";
	assert.deepEqual(awaitsAfterFirstTest(early), []);
});

test('no test file awaits at its top level after registering a test', () => {
	// dist/test/tools → the sources in test/.
	const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test');
	const files = testSources(root);
	assert.ok(files.length > 30, `test sources found in ${root}: ${files.length}`);
	const late = files.flatMap((file) => awaitsAfterFirstTest(fs.readFileSync(file, 'utf8'), file).map((line) => `${path.relative(root, file)}:${line}`));
	assert.deepEqual(late, []);
});
