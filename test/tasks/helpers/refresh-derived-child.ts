import pg from 'pg';
import {clientConfig} from '../../../ingest/db/database.js';
import {refreshDerived} from '../../../ingest/derived/refresh.js';

/** Child process of the derived-memory test: refreshes the derived tables of the database at argv[2]. */
const pool = new pg.Pool(clientConfig(process.argv[2]!));
try {
	await refreshDerived(pool);
} finally {
	await pool.end();
}
