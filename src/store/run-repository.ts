import type {
  DatasetInput,
  KeyValue,
  LifecycleStage,
  Metric,
  Run,
  RunInfo,
  RunStatus,
} from '../tracking/entities.js';
import { BulkInsert } from './bulk-insert.js';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';
import type { RunsTable } from './schema.js';
import { RunInputRepository } from './run-input-repository.js';

/** What reads of a run's info select: every column but `deleted_time`. */
export type RunRow = Omit<RunsTable, 'deleted_time'>;

export interface NewRun {
  runId: string;
  experimentId: number;
  name: string;
  userId: string;
  startTime: number;
  artifactUri: string;
  tags: readonly KeyValue[];
}

export interface RunUpdate {
  status?: RunStatus | undefined;
  endTime?: number | undefined;
  name?: string | undefined;
}

const INFO_COLUMNS = [
  'run_uuid',
  'experiment_id',
  'name',
  'user_id',
  'status',
  'start_time',
  'end_time',
  'lifecycle_stage',
  'artifact_uri',
] as const;
/** Column order of `runs` rows written by `insert`. */
const RUN_COLUMNS = [...INFO_COLUMNS, 'deleted_time'];
const KEY_VALUE_COLUMNS = ['run_uuid', 'key', 'value'];

/** SQL for runs, their params and tags, and assembling whole runs for reads. */
export class RunRepository {
  private readonly inputs = new RunInputRepository();
  private readonly runInsert: BulkInsert;
  private readonly tagInsert: BulkInsert;
  private readonly tagUpsert: BulkInsert;
  private readonly paramInsert: BulkInsert;

  constructor(dialect: Dialect) {
    this.runInsert = new BulkInsert(dialect, 'runs', RUN_COLUMNS);
    this.tagInsert = new BulkInsert(dialect, 'tags', KEY_VALUE_COLUMNS);
    this.tagUpsert = new BulkInsert(
      dialect,
      'tags',
      KEY_VALUE_COLUMNS,
      'on conflict (run_uuid, key) do update set value = excluded.value',
    );
    this.paramInsert = new BulkInsert(
      dialect,
      'params',
      KEY_VALUE_COLUMNS,
      'on conflict (run_uuid, key) do nothing',
    );
  }

  async insert(db: Executor, run: NewRun): Promise<void> {
    await this.runInsert.execute(db, [
      run.runId,
      run.experimentId,
      run.name,
      run.userId,
      'RUNNING',
      run.startTime,
      null,
      'active',
      run.artifactUri,
      null,
    ]);
    await this.tagInsert.execute(db, keyValueRows(run.runId, run.tags));
  }

  async findState(
    db: Executor,
    runId: string,
  ): Promise<{ lifecycleStage: LifecycleStage; experimentId: number } | undefined> {
    const row = await db
      .selectFrom('runs')
      .select(['lifecycle_stage', 'experiment_id'])
      .where('run_uuid', '=', runId)
      .executeTakeFirst();
    return row
      ? { lifecycleStage: row.lifecycle_stage as LifecycleStage, experimentId: Number(row.experiment_id) }
      : undefined;
  }

  async findInfo(db: Executor, runId: string): Promise<RunInfo | undefined> {
    const row = await db
      .selectFrom('runs')
      .select(INFO_COLUMNS)
      .where('run_uuid', '=', runId)
      .executeTakeFirst();
    return row ? toRunInfo(row) : undefined;
  }

  async update(db: Executor, runId: string, update: RunUpdate): Promise<void> {
    const set: Partial<RunsTable> = {};
    if (update.status !== undefined) set.status = update.status;
    if (update.endTime !== undefined) set.end_time = update.endTime;
    if (update.name !== undefined) set.name = update.name;
    if (Object.keys(set).length === 0) return;
    await db.updateTable('runs').set(set).where('run_uuid', '=', runId).execute();
  }

  async setLifecycleStage(db: Executor, runId: string, stage: LifecycleStage, now: number): Promise<void> {
    await db
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
      .where('run_uuid', '=', runId)
      .execute();
  }

  async upsertTags(db: Executor, runId: string, tags: readonly KeyValue[]): Promise<void> {
    await this.tagUpsert.execute(db, keyValueRows(runId, tags));
  }

  async deleteTag(db: Executor, runId: string, key: string): Promise<boolean> {
    const result = await db
      .deleteFrom('tags')
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async findTag(db: Executor, runId: string, key: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('tags')
      .select('value')
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  /** Existing values of the given param keys of one run. */
  async findParams(db: Executor, runId: string, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await db
      .selectFrom('params')
      .select(['key', 'value'])
      .where('run_uuid', '=', runId)
      .where('key', 'in', [...keys])
      .execute();
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  /** Inserts params whose keys the run does not have yet; returns how many were new. */
  async insertParams(db: Executor, runId: string, params: readonly KeyValue[]): Promise<number> {
    return this.paramInsert.execute(db, keyValueRows(runId, params));
  }

  /** Whole runs (info, latest metrics, params, tags, dataset inputs), in the order of `runIds`. */
  async loadRuns(db: Executor, runIds: readonly string[]): Promise<Run[]> {
    if (runIds.length === 0) return [];
    const ids = [...runIds];
    const [infos, metrics, params, tags, inputs] = await Promise.all([
      db.selectFrom('runs').select(INFO_COLUMNS).where('run_uuid', 'in', ids).execute(),
      db
        .selectFrom('latest_metrics')
        .selectAll()
        .where('run_uuid', 'in', ids)
        .orderBy('run_uuid')
        .orderBy('key')
        .execute(),
      db
        .selectFrom('params')
        .selectAll()
        .where('run_uuid', 'in', ids)
        .orderBy('run_uuid')
        .orderBy('key')
        .execute(),
      db
        .selectFrom('tags')
        .selectAll()
        .where('run_uuid', 'in', ids)
        .orderBy('run_uuid')
        .orderBy('key')
        .execute(),
      this.inputs.loadForRuns(db, ids),
    ]);
    const metricsByRun = groupBy(metrics, (row) => row.run_uuid, toMetric);
    const paramsByRun = groupBy(
      params,
      (row) => row.run_uuid,
      (row) => ({ key: row.key, value: row.value }),
    );
    const tagsByRun = groupBy(
      tags,
      (row) => row.run_uuid,
      (row) => ({ key: row.key, value: row.value }),
    );
    const infoById = new Map(infos.map((row) => [row.run_uuid, toRunInfo(row)]));
    const runs: Run[] = [];
    for (const id of ids) {
      const info = infoById.get(id);
      if (!info) continue;
      runs.push({
        info,
        data: {
          metrics: metricsByRun.get(id) ?? [],
          params: paramsByRun.get(id) ?? [],
          tags: tagsByRun.get(id) ?? [],
        },
        inputs: { datasetInputs: inputs.get(id) ?? ([] as DatasetInput[]) },
      });
    }
    return runs;
  }
}

export function toRunInfo(row: RunRow): RunInfo {
  return {
    runId: row.run_uuid,
    experimentId: String(row.experiment_id),
    runName: row.name,
    userId: row.user_id,
    status: row.status as RunStatus,
    startTime: Number(row.start_time),
    endTime: row.end_time === null ? null : Number(row.end_time),
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
  };
}

export function toMetric(row: {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}): Metric {
  return {
    key: row.key,
    value: row.is_nan ? Number.NaN : Number(row.value),
    timestamp: Number(row.timestamp),
    step: Number(row.step),
  };
}

function groupBy<Row, Item>(
  rows: readonly Row[],
  keyOf: (row: Row) => string,
  map: (row: Row) => Item,
): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const row of rows) {
    const key = keyOf(row);
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(map(row));
  }
  return groups;
}

function keyValueRows(runId: string, entries: readonly KeyValue[]): unknown[] {
  const values: unknown[] = [];
  for (const entry of entries) values.push(runId, entry.key, entry.value);
  return values;
}
