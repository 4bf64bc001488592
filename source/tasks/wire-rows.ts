import pg from 'pg';

/** A column's value from the bytes PostgreSQL sent for it (text format). */
export type FieldDecoder = (data: Buffer, start: number, end: number) => unknown;

type Connection = {stream: NodeJS.EventEmitter};
type Field = {name: string; dataTypeID: number};

/** What this module uses of pg 8's Query beyond its typings (which declare `submit` as a property). */
type QueryInternals = {
	submit(connection: Connection): Error | null;
	handleRowDescription(message: {fields: Field[]}): void;
	handleError(error: Error, connection: Connection): void;
	_result: pg.QueryResult & {rows: unknown[]};
};
const PgQuery = pg.Query as unknown as new (config: pg.QueryConfig & {rowMode: 'array'; callback: (error: Error | null, result: pg.QueryResult) => void}) => QueryInternals;

const DATA_ROW = 0x44;
const ERROR_RESPONSE = 0x45;
const READY_FOR_QUERY = 0x5a;
const HEADER = 5;

/**
 * A query whose data rows are read from the connection's bytes here rather than by pg: pg makes a message
 * object, a field array and a string of every field before its parsers see them (learner-unit-events at 10M
 * events, 474k rows: the client's CPU 1.0-1.14 s a run through pg, 0.70-0.76 s here; the task 1.5-1.95 s against
 * 1.36-1.6 s, four interleaved pairs). Every other message, and a data row before the row description, goes to
 * pg as it came, so pg's state (errors, notices, the end of the query) stays its own.
 * `decoderFor` gives each column's decoder, which must give what pg's type parser for that column would.
 */
class WireRowsQuery extends PgQuery {
	private decoders: FieldDecoder[] | undefined;
	/** The start of a message not yet whole, the bytes it has and the bytes it needs. */
	private pending: Buffer[] = [];
	private pendingBytes = 0;
	private pendingNeeds = 0;
	private pgListener: ((chunk: Buffer) => void) | undefined;
	private socket: NodeJS.EventEmitter | undefined;

	constructor(
		config: pg.QueryConfig,
		private readonly decoderFor: (field: Field) => FieldDecoder,
		callback: (error: Error | null, result: pg.QueryResult) => void,
	) {
		super({...config, rowMode: 'array', callback});
	}

	override submit(connection: Connection): Error | null {
		const listeners = connection.stream.listeners('data') as Array<(chunk: Buffer) => void>;
		// One listener is pg's parser; anything else and the rows go through pg as usual.
		if (listeners.length === 1) {
			this.socket = connection.stream;
			this.pgListener = listeners[0];
			this.socket.removeListener('data', this.pgListener!);
			this.socket.on('data', this.onData);
		}
		const error = super.submit(connection);
		if (error) this.detach();
		return error;
	}

	override handleRowDescription(message: {fields: Field[]}): void {
		super.handleRowDescription(message);
		this.decoders = message.fields.map((field) => this.decoderFor(field));
	}

	override handleError(error: Error, connection: Connection): void {
		this.detach();
		super.handleError(error, connection);
	}

	private readonly onData = (chunk: Buffer): void => {
		if (this.pending.length === 0) return this.read(chunk);
		// Only the message an earlier read began is joined (a long one once whole, not at every read).
		const missing = this.pendingNeeds - this.pendingBytes;
		if (chunk.length < missing) {
			this.pending.push(chunk);
			this.pendingBytes += chunk.length;
			return;
		}
		const begun = Buffer.concat([...this.pending, chunk.subarray(0, missing)], this.pendingNeeds);
		this.pending = [];
		const pgListener = this.pgListener!;
		this.read(begun);
		const rest = chunk.subarray(missing);
		if (rest.length === 0) return;
		if (this.socket) this.onData(rest);
		else pgListener(rest);
	};

	private read(data: Buffer): void {
		let at = 0;
		// The start of the messages read but not yet handed to pg.
		let unsent = 0;
		while (at + HEADER <= data.length) {
			const code = data[at]!;
			const end = at + 1 + data.readInt32BE(at + 1);
			if (end > data.length) break;
			if (code === DATA_ROW) {
				// What came before it first: the row description there gives the decoders.
				if (unsent < at) this.pgListener!(data.subarray(unsent, at));
				unsent = at;
				if (this.decoders) {
					this.readRow(data, at + HEADER, this.decoders);
					unsent = end;
				}
			} else if (code === ERROR_RESPONSE || code === READY_FOR_QUERY) {
				// The query's end: pg reads the rest, from this message on.
				this.detach(data.subarray(unsent));
				return;
			}
			at = end;
		}
		if (unsent < at) this.pgListener!(data.subarray(unsent, at));
		if (at < data.length) {
			const rest = data.subarray(at);
			this.pending = [rest];
			this.pendingBytes = rest.length;
			this.pendingNeeds = rest.length >= HEADER ? 1 + rest.readInt32BE(1) : HEADER;
		}
	}

	private readRow(data: Buffer, start: number, decoders: FieldDecoder[]): void {
		const count = data.readInt16BE(start);
		const row = new Array<unknown>(count);
		let at = start + 2;
		for (let index = 0; index < count; index++) {
			const length = data.readInt32BE(at);
			at += 4;
			if (length < 0) {
				row[index] = null;
			} else {
				row[index] = decoders[index]!(data, at, at + length);
				at += length;
			}
		}
		this._result.rows.push(row);
	}

	/** Gives the connection's bytes back to pg, with `rest` (what this query read but did not handle). */
	private detach(rest?: Buffer): void {
		if (!this.socket || !this.pgListener) return;
		this.socket.removeListener('data', this.onData);
		this.socket.on('data', this.pgListener);
		const listener = this.pgListener;
		this.socket = undefined;
		this.pgListener = undefined;
		if (rest && rest.length > 0) listener(rest);
	}
}

/**
 * The same decoders as pg's type parsers, from the text pg made: for the rows pg reads itself (a data row before
 * the row description, a socket with other listeners).
 */
function typesFrom(decoderFor: (field: Field) => FieldDecoder) {
	return {
		getTypeParser(oid: number) {
			const decode = decoderFor({name: '', dataTypeID: oid});
			return (value: string) => {
				const bytes = Buffer.from(value);
				return decode(bytes, 0, bytes.length);
			};
		},
	};
}

/** Runs `config` on `client` with the rows as arrays, each field decoded by `decoderFor(its column)`. */
export function queryWireRows(client: pg.ClientBase, config: pg.QueryConfig, decoderFor: (field: Field) => FieldDecoder): Promise<pg.QueryResult<unknown[]>> {
	return new Promise((resolve, reject) => {
		const query = new WireRowsQuery({...config, types: typesFrom(decoderFor)}, decoderFor, (error, result) => (error ? reject(error) : resolve(result as pg.QueryResult<unknown[]>)));
		client.query(query as unknown as pg.Submittable);
	});
}
