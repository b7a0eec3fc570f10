import { sql } from 'kysely';
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import type { Database } from '../../store/database.js';
import { PredictionRepository, type PredictionBatchRow } from '../../store/prediction-repository.js';
import type { IndexRequest } from './prediction-log-protocol.js';
import type { PredictionLogThread } from './prediction-log-thread-client.js';
import type { PredictionFile, PredictionSink } from './prediction-sink.js';

/**
 * Batches into the store this process opened: each batch's ids into the database's index, its
 * Arrow file into the artifact store (`predictions/DEPLOYMENT/BATCH.arrow`), then its row into
 * `prediction_batches`, which makes it visible to queries. In a SQLite file the log's thread
 * writes the index with its own connection as it encodes the batch (better-sqlite3 would run the
 * inserts on the HTTP thread); on PostgreSQL the index comes back as JSON and goes in here, with
 * the batch's row, in one transaction (asynchronous I/O: the HTTP thread hands over a few strings).
 * A batch that cannot be stored leaves neither file nor index behind.
 */
export class LocalPredictionSink implements PredictionSink {
  private readonly repository: PredictionRepository;
  private sqliteFile: Promise<string | null> | null = null;

  constructor(
    private readonly database: Database,
    private readonly artifacts: ArtifactStore,
    private readonly thread: PredictionLogThread,
    private readonly now: () => number = Date.now,
  ) {
    this.repository = new PredictionRepository(database.dialect);
  }

  async indexFor(batchId: string): Promise<IndexRequest> {
    const file = await this.sqliteFileOf();
    return file === null ? { kind: 'json' } : { kind: 'sqlite', file, batchId };
  }

  /** Rows of the stored batch `id`, or null when there is none. */
  storedRows(id: string): Promise<number | null> {
    return this.repository.batchRows(this.database.db, id);
  }

  async write(file: PredictionFile): Promise<boolean> {
    if (!file.indexed && file.index === null) throw new Error('a batch for the store must carry its index');
    const path = `predictions/${encodeURIComponent(file.source.deployment)}/${file.id}.arrow`;
    const row: PredictionBatchRow = {
      id: file.id,
      deployment: file.source.deployment,
      model_name: file.source.modelName,
      model_version: file.source.modelVersion,
      first_time: file.firstTime,
      last_time: file.lastTime,
      row_count: file.rows,
      artifact_path: path,
      creation_time: this.now(),
    };
    let written = false;
    try {
      const { bytes } = file;
      await this.artifacts.write(
        path,
        Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]),
        { maxBytes: Number.MAX_SAFE_INTEGER },
      );
      written = true;
      // false: the same batch, uploaded twice at once, was stored by the other upload, from the
      // same bytes: its file and index rows are that batch's.
      return await this.database.write((trx) =>
        file.indexed
          ? this.repository.insertBatchRow(trx, row)
          : this.repository.insertBatch(trx, row, file.index ?? []),
      );
    } catch (error) {
      if (written) await this.artifacts.delete(path).catch(() => undefined);
      if (file.indexed) await this.unindex(file.id).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {}

  private async unindex(batchId: string): Promise<void> {
    const file = await this.sqliteFileOf();
    if (file !== null) await this.thread.unindex(file, batchId);
  }

  /** The SQLite database's file, which the log's thread opens too; null on PostgreSQL or in memory. */
  private sqliteFileOf(): Promise<string | null> {
    this.sqliteFile ??= (async () => {
      if (this.database.dialect !== 'sqlite') return null;
      const { rows } = await sql<{
        file: string;
      }>`select file from pragma_database_list where name = 'main'`.execute(this.database.db);
      const file = rows[0]?.file ?? '';
      return file === '' ? null : file;
    })().catch((error: unknown) => {
      this.sqliteFile = null;
      throw error;
    });
    return this.sqliteFile;
  }
}
