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

  constructor(dialect: Dialect) {
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

  /** The batch's row and one index row per prediction (its id, where it is, when). */
  async insertBatch(
    db: Executor,
    batch: PredictionBatchRow,
    ids: readonly string[],
    times: readonly number[],
  ): Promise<void> {
    await db.insertInto('prediction_batches').values(batch).execute();
    for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
      const values: unknown[] = [];
      const end = Math.min(ids.length, start + IDS_PER_STATEMENT);
      for (let i = start; i < end; i += 1) values.push(ids[i], batch.id, i, times[i]);
      await this.indexInsert.execute(db, values);
    }
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
