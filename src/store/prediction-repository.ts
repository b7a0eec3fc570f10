import { sql } from 'kysely';
import { BulkInsert } from './bulk-insert.js';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';
import type { PredictionBatchesTable, PredictionLabelsTable } from './schema.js';

export type PredictionBatchRow = PredictionBatchesTable;

/** Ids per statement: well under SQLite's and PostgreSQL's parameter limits. */
const IDS_PER_STATEMENT = 500;

/** SQL for the prediction log's index and labels (the predictions themselves are Arrow files). */
export class PredictionRepository {
  private readonly indexInsert: BulkInsert;
  private readonly labelUpsert: BulkInsert;

  constructor(private readonly dialect: Dialect) {
    this.indexInsert = new BulkInsert(
      dialect,
      'prediction_index',
      ['id', 'batch_id', 'row_index', 'time'],
      'on conflict (id) do nothing',
    );
    this.labelUpsert = new BulkInsert(
      dialect,
      'prediction_labels',
      ['prediction_id', 'label', 'time'],
      'on conflict (prediction_id) do update set label = excluded.label, time = excluded.time',
    );
  }

  /**
   * Index rows of a batch, given as one JSON array `[[id, row, time], ...]`: one parameter, unpacked
   * by the database itself (binding four parameters per row cost the HTTP thread more than the
   * insert). An id logged before keeps its first row.
   */
  async insertIndexChunk(db: Executor, batchId: string, chunk: string): Promise<void> {
    if (this.dialect === 'postgres') {
      await sql`insert into prediction_index (id, batch_id, row_index, time)
        select e ->> 0, ${batchId}, (e ->> 1)::bigint, (e ->> 2)::bigint
        from jsonb_array_elements(${chunk}::jsonb) as t(e)
        on conflict (id) do nothing`.execute(db);
      return;
    }
    // `where true`: SQLite's upsert after a SELECT needs a WHERE to parse.
    await sql`insert into prediction_index (id, batch_id, row_index, time)
      select json_extract(value, '$[0]'), ${batchId}, json_extract(value, '$[1]'), json_extract(value, '$[2]')
      from json_each(${chunk}) where true
      on conflict (id) do nothing`.execute(db);
  }

  /**
   * Index rows of a batch as bound parameters: the rows `order[from..to)` of `ids` and `times`.
   * For a thread of its own (SQLite's), where binding costs no HTTP thread anything and building
   * JSON would cost more than the binding.
   */
  async insertIndexRows(
    db: Executor,
    batchId: string,
    rows: { ids: ArrayLike<string>; times: ArrayLike<number>; order: ArrayLike<number> },
    from: number,
    to: number,
  ): Promise<void> {
    const values: unknown[] = [];
    for (let at = from; at < to; at += 1) {
      const row = rows.order[at] as number;
      values.push(rows.ids[row], batchId, row, Math.round(rows.times[row] as number));
    }
    await this.indexInsert.execute(db, values);
  }

  /** The batch's row, which makes it visible to queries; false when a batch with its id exists. */
  async insertBatchRow(db: Executor, batch: PredictionBatchRow): Promise<boolean> {
    const result = await db
      .insertInto('prediction_batches')
      .values(batch)
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** A whole batch in one transaction: its index (`chunks`, see insertIndexChunk), then its row. */
  async insertBatch(db: Executor, batch: PredictionBatchRow, chunks: readonly string[]): Promise<boolean> {
    for (const chunk of chunks) await this.insertIndexChunk(db, batch.id, chunk);
    return this.insertBatchRow(db, batch);
  }

  /** Rows of the stored batch `id`, or null when there is none. */
  async batchRows(db: Executor, id: string): Promise<number | null> {
    const row = await db
      .selectFrom('prediction_batches')
      .select('row_count')
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : Number(row.row_count);
  }

  /** Index rows written for a batch that then failed to store. */
  async deleteIndex(db: Executor, batchId: string): Promise<void> {
    await db.deleteFrom('prediction_index').where('batch_id', '=', batchId).execute();
  }

  /** Batches of a deployment overlapping [from, to] (epoch ms), oldest first. */
  async batches(
    db: Executor,
    filter: {
      deployment: string;
      from?: number | undefined;
      to?: number | undefined;
      version?: number | undefined;
    },
  ): Promise<PredictionBatchRow[]> {
    let query = db.selectFrom('prediction_batches').selectAll().where('deployment', '=', filter.deployment);
    if (filter.from !== undefined) query = query.where('last_time', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('first_time', '<=', filter.to);
    if (filter.version !== undefined) query = query.where('model_version', '=', filter.version);
    const rows = await query.orderBy('first_time', 'asc').orderBy('id', 'asc').execute();
    return rows.map(normalizeBatch);
  }

  /** Which of `ids` are logged predictions. */
  async knownIds(db: Executor, ids: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
      const rows = await db
        .selectFrom('prediction_index')
        .select('id')
        .where('id', 'in', ids.slice(start, start + IDS_PER_STATEMENT))
        .execute();
      for (const row of rows) known.add(row.id);
    }
    return known;
  }

  async upsertLabels(db: Executor, labels: readonly PredictionLabelsTable[]): Promise<void> {
    for (let start = 0; start < labels.length; start += IDS_PER_STATEMENT) {
      const values: unknown[] = [];
      for (const label of labels.slice(start, start + IDS_PER_STATEMENT)) {
        values.push(label.prediction_id, label.label, label.time);
      }
      await this.labelUpsert.execute(db, values);
    }
  }

  /** The labels of `ids` that have one: id -> the label's JSON. */
  async labels(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
      const rows = await db
        .selectFrom('prediction_labels')
        .select(['prediction_id', 'label'])
        .where('prediction_id', 'in', ids.slice(start, start + IDS_PER_STATEMENT))
        .execute();
      for (const row of rows) found.set(row.prediction_id, row.label);
    }
    return found;
  }
}

function normalizeBatch(row: PredictionBatchRow): PredictionBatchRow {
  return {
    ...row,
    model_version: Number(row.model_version),
    first_time: Number(row.first_time),
    last_time: Number(row.last_time),
    row_count: Number(row.row_count),
    creation_time: Number(row.creation_time),
  };
}
