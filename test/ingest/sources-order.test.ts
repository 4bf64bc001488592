import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {discoverSources} from '../../ingest/sources.js';
import {fixtureDir} from '../helpers/ingest.js';

const dir = fixtureDir();
for (const name of ['b.log', 'y.log', 'tracking.log-10', 'aa.log', 'j.log', 'tracking.log-9']) fs.writeFileSync(path.join(dir, name), '');
const expected = ['aa.log', 'b.log', 'j.log', 'tracking.log-9', 'tracking.log-10', 'y.log'];
const sources = new URL('../../ingest/sources.js', import.meta.url).href;

it('a folder lists its files in one natural order whatever the machine\'s language', {skip: process.platform === 'win32' ? 'skipped: Node takes the language from LANG on POSIX systems only' : false}, () => {
	assert.deepEqual(discoverSources([dir]).files.map((file) => path.basename(file.path)), expected);
	// Danish sorts "aa" as "å", after z; Lithuanian sorts y with i, before j.
	for (const language of ['da_DK.UTF-8', 'lt_LT.UTF-8', 'C']) {
		const script = `import {discoverSources} from ${JSON.stringify(sources)}; import path from 'node:path';
			console.log(JSON.stringify(discoverSources([${JSON.stringify(dir)}]).files.map((file) => path.basename(file.path))))`;
		const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {env: {...process.env, LANG: language, LC_ALL: language}, encoding: 'utf8'});
		assert.equal(child.status, 0, child.stderr);
		assert.deepEqual(JSON.parse(child.stdout), expected, language);
	}
});
