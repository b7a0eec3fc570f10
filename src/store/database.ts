import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Executor } from './executor.js';
import { GroupCommit } from './group-commit.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import type { Schema } from './schema.js';
import { CachingSqliteDialect } from './sqlite-dialect.js';
import { parseStoreUri } from './store-uri.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  /**
   * Runs `work` in a write transaction: all of it commits or none of it does, and the promise
   * settles only after the commit. Use this for every write, never `db.transaction()` directly.
   */
  write<T>(work: (trx: Executor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const PG_INT8_OID = 20;

/** Opens the metadata store named by `uri` (see parseStoreUri). Does not migrate. */
export function openDatabase(uri: string): Database {
  const location = parseStoreUri(uri);
  if (location.kind === 'sqlite') {
    if (location.file !== ':memory:') fs.mkdirSync(path.dirname(location.file), { recursive: true });
    const sqlite = new SqliteDatabase(location.file);
    // WAL: readers never block the writer; NORMAL sync is durable across process crashes (kill -9),
    // only an OS crash can lose the last transactions.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    // Search and latest-value upserts touch index pages all over the file: keep up to 16 MiB of
    // them in SQLite's page cache (2 MiB by default). More measured no faster, only bigger.
    sqlite.pragma('cache_size = -16384');
    const db = new Kysely<Schema>({ dialect: new CachingSqliteDialect(sqlite) });
    if (location.file === ':memory:') {
      const groupCommit = new GroupCommit(db, () => {});
      return { db, dialect: 'sqlite', write: (work) => groupCommit.run(work), close: () => db.destroy() };
    }
    // Checkpoints happen in a worker thread, never inside a request's COMMIT.
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.pragma('journal_size_limit = 67108864');
    // Should the worker ever die, SQLite's own automatic checkpoint takes over again. It starts with
    // the first write: a process that only reads (most CLI commands) never needs the thread.
    let checkpointer: SqliteCheckpointer | null = null;
    const startCheckpointer = (): SqliteCheckpointer =>
      new SqliteCheckpointer(location.file, () => {
        if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
      });
    const groupCommit = new GroupCommit(db, () => (checkpointer ??= startCheckpointer()).noteWrite());
    return {
      db,
      dialect: 'sqlite',
      write: (work) => groupCommit.run(work),
      close: async () => {
        await checkpointer?.close();
        // Closing the last connection checkpoints what is left in the WAL.
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: 10,
    // Times are epoch milliseconds in BIGINT: well inside Number's exact range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID && format !== 'binary'
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's connection error must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    // PostgreSQL has many writers: concurrent transactions need no grouping.
    write: (work) => db.transaction().execute(work),
    close: () => db.destroy(),
  };
}
