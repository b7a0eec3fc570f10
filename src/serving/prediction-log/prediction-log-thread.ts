/**
 * The prediction log's thread: a flush's CPU work, off the HTTP thread of a serving process (which
 * is what limits its requests/s). It turns a batch's buffers into columns and one Arrow file,
 * checks files uploaded by other serving processes, and writes the id index into a SQLite store
 * with a connection of its own (better-sqlite3 runs a statement on the calling thread: 8192 index
 * rows held the HTTP thread 30-80 ms). Requests are handled one at a time, in order. Terminating
 * the thread closes its connection (better-sqlite3 closes what a thread leaves open).
 */
import type { Kysely } from 'kysely';
import { parentPort } from 'node:worker_threads';
import { arrow } from '../../datasets/arrow/apache-arrow.js';
import type { PredictionRepository } from '../../store/prediction-repository.js';
import type { Schema } from '../../store/schema.js';
import { lowerThisThreadPriority } from '../../util/thread-priority.js';
import {
  encodePredictionFile,
  indexJson,
  indexOrder,
  inspectPredictionFile,
  InvalidPredictionFile,
  type PredictionTable,
} from './prediction-file.js';
import {
  INDEX_CHUNK_ROWS,
  type IndexRequest,
  type LogThreadReply,
  type LogThreadRequest,
} from './prediction-log-protocol.js';

const port = parentPort;

if (port) {
  // A flush is a burst of CPU: below the HTTP and inference threads, it runs in what they leave.
  lowerThisThreadPriority();
  let queue: Promise<unknown> = Promise.resolve();
  port.on('message', (message: LogThreadRequest) => {
    queue = queue.then(() => handle(message));
  });
}

async function handle(message: LogThreadRequest): Promise<void> {
  try {
    switch (message.kind) {
      case 'encode':
        return await answer(message.id, encodePredictionFile(arrow, message.batch), message.index);
      case 'inspect':
        return await answer(message.id, inspectPredictionFile(arrow, message.bytes), message.index);
      case 'unindex': {
        const { db, repository } = await connect(message.file);
        await repository.deleteIndex(db, message.batchId);
        port?.postMessage({ kind: 'unindexed', id: message.id } satisfies LogThreadReply);
        return;
      }
    }
  } catch (error) {
    port?.postMessage({
      kind: 'failed',
      id: message.id,
      message: error instanceof Error ? error.message : String(error),
      invalid: error instanceof InvalidPredictionFile,
    } satisfies LogThreadReply);
  }
}

/** The file back to the HTTP thread, its index written or returned as `index` asks. */
async function answer(id: number, table: PredictionTable, index: IndexRequest | null): Promise<void> {
  let json: string[] | null = null;
  if (index?.kind === 'json') json = indexJson(table.ids, table.times, indexOrder(table.ids));
  if (index?.kind === 'sqlite') await indexRows(index.file, index.batchId, table);
  const { bytes, rows, firstTime, lastTime } = table;
  const { buffer, byteOffset, byteLength } = bytes;
  // The file's buffer goes back whole when the file is all of it (Arrow writes it so), else copied.
  const owned = byteOffset === 0 && byteLength === buffer.byteLength && buffer instanceof ArrayBuffer;
  const file = { bytes, rows, firstTime, lastTime, index: json, indexed: index?.kind === 'sqlite' };
  port?.postMessage({ kind: 'encoded', id, file } satisfies LogThreadReply, owned ? [buffer] : []);
}

/**
 * The batch's index rows into the SQLite file, in id order, one short transaction per chunk: the
 * HTTP thread's own connection never waits long for the write lock. Should a chunk fail, the rows
 * written are removed again. The batch's row, which makes it visible, is the HTTP thread's to
 * write once its file is stored.
 */
async function indexRows(file: string, batchId: string, table: PredictionTable): Promise<void> {
  const { db, repository } = await connect(file);
  const rows = { ids: table.ids, times: table.times, order: indexOrder(table.ids) };
  try {
    for (let start = 0; start < table.rows; start += INDEX_CHUNK_ROWS) {
      const end = Math.min(table.rows, start + INDEX_CHUNK_ROWS);
      await db.transaction().execute((trx) => repository.insertIndexRows(trx, batchId, rows, start, end));
    }
  } catch (error) {
    await repository.deleteIndex(db, batchId).catch(() => undefined);
    throw error;
  } finally {
    connection?.idle.refresh();
  }
}

/** How long the thread keeps its SQLite connection (and its page cache) open after its last use. */
const IDLE_CONNECTION_MS = 30_000;

interface Connection {
  readonly file: string;
  readonly db: Kysely<Schema>;
  readonly repository: PredictionRepository;
  idle: NodeJS.Timeout;
}

let connection: Connection | null = null;

/**
 * The thread's connection to the SQLite `file`, kept between batches: a fresh one would read the id
 * index's pages again for every batch. Its page cache is as large as the HTTP thread's connection's.
 */
async function connect(file: string): Promise<Connection> {
  if (connection?.file === file) {
    connection.idle.refresh();
    return connection;
  }
  await disconnect();
  const [{ default: SqliteDatabase }, { Kysely }, { CachingSqliteDialect }, { PredictionRepository }] =
    await Promise.all([
      import('better-sqlite3'),
      import('kysely'),
      import('../../store/sqlite-dialect.js'),
      import('../../store/prediction-repository.js'),
    ]);
  const sqlite = new SqliteDatabase(file, { fileMustExist: true });
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('cache_size = -16384');
  const idle = setTimeout(() => void disconnect(), IDLE_CONNECTION_MS);
  idle.unref();
  connection = {
    file,
    db: new Kysely<Schema>({ dialect: new CachingSqliteDialect(sqlite) }),
    repository: new PredictionRepository('sqlite'),
    idle,
  };
  return connection;
}

async function disconnect(): Promise<void> {
  const open = connection;
  connection = null;
  if (!open) return;
  clearTimeout(open.idle);
  await open.db.destroy();
}
