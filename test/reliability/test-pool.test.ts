import fs from 'node:fs';
import {describe, it} from 'node:test';
import {createTestDatabase, dropTestDatabase, testPool} from '../helpers/database.js';
import {until} from '../helpers/shared.js';

/** Whether SIGTERM waits in process `pid`'s pending signals (Linux shows them in /proc). */
function termPending(pid: number): boolean {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const SIGTERM_BIT = 1n << 14n;
	return ['SigPnd', 'ShdPnd'].some((field) => (BigInt(`0x${new RegExp(`^${field}:\\s*(\\w+)$`, 'm').exec(status)![1]}`) & SIGTERM_BIT) !== 0n);
}

describe("a test's pool", {skip: process.platform === 'linux' ? false : 'skipped: stops a server process and reads its pending signals in /proc (Linux)'}, () => {
	it("ended just before its database is dropped is no failure: the drop's FATAL to a connection still closing was an uncaught error (cli/commands failed 1 full run in 5 to 10)", async () => {
		const url = await createTestDatabase('pool_goodbye');
		const pool = testPool(url);
		const {rows} = await pool.query<{pid: number}>('SELECT pg_backend_pid() AS pid');
		const backend = rows[0]!.pid;
		// The server process does not read the pool's goodbye at once, as on a busy machine.
		process.kill(backend, 'SIGSTOP');
		// Not events.once, whose own 'error' listener would hear the FATAL.
		const closed = new Promise((resolve) => pool.once('remove', resolve));
		let dropped: Promise<void> | undefined;
		try {
			await pool.end();
			dropped = dropTestDatabase(url);
			await until(() => termPending(backend), 'the drop terminates the connection');
		} finally {
			// Resumed once the drop has signalled it (the drop waits 5 s for it to leave, then fails).
			process.kill(backend, 'SIGCONT');
		}
		await dropped;
		// The connection heard the server's FATAL, then its end.
		await closed;
	});
});
