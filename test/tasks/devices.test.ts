import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {it} from 'node:test';
import {loadTaskCatalogue, runTask} from '../../source/tasks/index.js';
import {eventLine, fixtureDir, ingest, openTestDatabase} from '../helpers/ingest.js';

/** The Open edX mobile apps' agents, unknown to the user-agent parser, count as mobile devices. */
const database = await openTestDatabase('devices_apps');

it('the iOS app and Android okhttp agents are mobile devices, a desktop browser stays desktop', async () => {
	const agents = {
		ios: 'edX/org.edx.mobile (2.16.1; OS Version 12.2 (Build 16E227))',
		android: 'okhttp/3.12.1',
		desk: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:109.0) Gecko/20100101 Firefox/113.0',
	};
	const file = path.join(fixtureDir(), 'agents.log');
	fs.writeFileSync(file, `${Object.entries(agents).map(([username, agent], n) => eventLine(n, {username, agent})).join('\n')}\n`);
	await ingest(database, [file]);
	const {tasks} = await loadTaskCatalogue();
	const devices = tasks.find((task) => task.id === 'devices')!;
	const by = async (what: string) => (await runTask(database.pool, devices, {by: what})).rows.map((row) => row.slice(0, 2));
	assert.deepEqual(await by('device'), [['mobile', 2], ['desktop', 1]]);
	assert.deepEqual(await by('os'), [['Android', 1], ['Mac OS', 1], ['iOS', 1]]);
	assert.deepEqual(await by('browser'), [['Android app (okhttp)', 1], ['Firefox', 1], ['edX app', 1]]);
});
