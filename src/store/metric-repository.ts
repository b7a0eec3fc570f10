import { sql } from 'kysely';
import type { Metric } from '../tracking/entities.js';
import { BulkInsert } from './bulk-insert.js';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';
import { toMetric } from './run-repository.js';

const POINT_COLUMNS = ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'];

/** Rows per INSERT: far below both databases' bind-parameter limits (SQLite 32766, PostgreSQL 65535). */
const INSERT_CHUNK = 1000;

export interface HistoryCursor {
  step: number;
  timestamp: number;
  value: number;
  isNan: number;
}

export interface HistoryJsonPage {
  /** MLflow's JSON list of the page's points: `[{"key":..,"value":..,"timestamp":..,"step":..}, ...]`. */
  json: string;
  count: number;
  /** Where the next page starts; null on the last page. */
  next: HistoryCursor | null;
}

/** SQL for metric points and each run's latest value per key. */
export class MetricRepository {
  private readonly pointInsert: BulkInsert;
  private readonly latestUpsert: BulkInsert;

  constructor(private readonly dialect: Dialect) {
    this.pointInsert = new BulkInsert(dialect, 'metrics', POINT_COLUMNS, 'on conflict do nothing');
    this.latestUpsert = new BulkInsert(
      dialect,
      'latest_metrics',
      [...POINT_COLUMNS, 'experiment_id'],
      `on conflict (run_uuid, key) do update set step = excluded.step, timestamp = excluded.timestamp,
       value = excluded.value, is_nan = excluded.is_nan
       where (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`,
    );
  }

  /** Appends points; a point identical to a stored one (all fields) is skipped, as in MLflow. */
  async insertPoints(
    db: Executor,
    runId: string,
    experimentId: number,
    metrics: readonly Metric[],
  ): Promise<void> {
    for (let start = 0; start < metrics.length; start += INSERT_CHUNK) {
      const chunk = metrics.slice(start, start + INSERT_CHUNK);
      const parameters: unknown[] = [];
      for (const metric of chunk) pushPoint(parameters, runId, metric);
      await this.pointInsert.execute(db, parameters);
    }
    await this.raiseLatest(db, runId, experimentId, metrics);
  }

  /**
   * Keeps `latest_metrics` at the greatest (step, timestamp, value) per key, which is what run data
   * shows and what search compares. One row per key per statement: PostgreSQL refuses to update a
   * row twice in one INSERT ... ON CONFLICT.
   */
  private async raiseLatest(
    db: Executor,
    runId: string,
    experimentId: number,
    metrics: readonly Metric[],
  ): Promise<void> {
    const latest = new Map<string, Metric>();
    for (const metric of metrics) {
      const current = latest.get(metric.key);
      if (!current || isLater(metric, current)) latest.set(metric.key, metric);
    }
    if (latest.size === 0) return;
    const parameters: unknown[] = [];
    for (const metric of latest.values()) pushPoint(parameters, runId, metric).push(experimentId);
    await this.latestUpsert.execute(db, parameters);
  }

  /**
   * One page of a metric's history in (step, timestamp, value) order, after `after`, as the JSON
   * text of MLflow's metric list. The database writes the JSON: handing 25,000 points to
   * JavaScript value by value cost more than everything else in reading a long history (both
   * databases print doubles exactly: shortest form on PostgreSQL, 17 digits where needed on SQLite).
   */
  async historyPageJson(
    db: Executor,
    runId: string,
    key: string,
    limit: number,
    after: HistoryCursor | null,
  ): Promise<HistoryJsonPage> {
    const range = sql`from metrics where run_uuid = ${runId} and key = ${key}${
      after
        ? sql` and (step, timestamp, value, is_nan) > (${after.step}, ${after.timestamp}, ${after.value}, ${after.isNan})`
        : sql``
    }`;
    const order = sql`step, timestamp, value, is_nan`;
    const point =
      this.dialect === 'postgres'
        ? sql`json_build_object('key', ${key}::text, 'value', case when is_nan = 1 then to_json('NaN'::text)
            when value = 'Infinity'::float8 then to_json('Infinity'::text)
            when value = '-Infinity'::float8 then to_json('-Infinity'::text) else to_json(value) end,
            'timestamp', timestamp, 'step', step)`
        : sql`json_object('key', ${key}, 'value', case when is_nan = 1 then 'NaN'
            when value = 9e999 then 'Infinity' when value = -9e999 then '-Infinity' else value end,
            'timestamp', timestamp, 'step', step)`;
    // SQLite hands the ordered, limited subquery to the aggregate in order (a co-routine), so an
    // ORDER BY inside the aggregate would only sort the page a second time; PostgreSQL promises
    // no such order without one.
    const aggregate =
      this.dialect === 'postgres'
        ? sql`coalesce(json_agg(${point} order by ${order}), '[]')::text`
        : sql`json_group_array(${point})`;
    const { rows } = await sql<{
      points: string;
      count: number;
    }>`select ${aggregate} as points, count(*) as count
      from (select step, timestamp, value, is_nan ${range} order by ${order} limit ${limit}) page`.execute(
      db,
    );
    const count = Number(rows[0]?.count ?? 0);
    if (count < limit) return { json: count === 0 ? '[]' : (rows[0]?.points ?? '[]'), count, next: null };
    // A full page: the next one starts after its last point, if anything follows it.
    const { rows: edge } = await sql<{ step: number; timestamp: number; value: number; is_nan: number }>`
      select step, timestamp, value, is_nan ${range} order by ${order} limit 2 offset ${limit - 1}`.execute(
      db,
    );
    const last = edge[0];
    return {
      json: rows[0]?.points ?? '[]',
      count,
      next:
        edge.length === 2 && last
          ? {
              step: Number(last.step),
              timestamp: Number(last.timestamp),
              value: Number(last.value),
              isNan: Number(last.is_nan),
            }
          : null,
    };
  }

  /** The highest step logged for `key` in each run (runs without the key are absent). */
  async maxSteps(db: Executor, runIds: readonly string[], key: string): Promise<Map<string, number>> {
    if (runIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('metrics')
      .select(['run_uuid', (eb) => eb.fn.max('step').as('max_step')])
      .where('run_uuid', 'in', [...runIds])
      .where('key', '=', key)
      .groupBy('run_uuid')
      .execute();
    return new Map(rows.map((row) => [row.run_uuid, Number(row.max_step)]));
  }

  /** Points of one run at the given steps, in (step, timestamp, value) order. */
  async pointsAtSteps(
    db: Executor,
    runId: string,
    key: string,
    steps: readonly number[],
    limit: number,
  ): Promise<Metric[]> {
    if (steps.length === 0) return [];
    const rows = await db
      .selectFrom('metrics')
      .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .where('step', 'in', [...steps])
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value')
      .limit(limit)
      .execute();
    return rows.map(toMetric);
  }
}

/** A point's columns in POINT_COLUMNS order; NaN is stored as 0 with is_nan set (SQLite has no NaN). */
function pushPoint(parameters: unknown[], runId: string, metric: Metric): unknown[] {
  const isNan = Number.isNaN(metric.value);
  parameters.push(runId, metric.key, metric.step, metric.timestamp, isNan ? 0 : metric.value, isNan ? 1 : 0);
  return parameters;
}

/** MLflow's order of a key's points: by step, then timestamp, then value (NaN counts as 0). */
function isLater(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  const aValue = Number.isNaN(a.value) ? 0 : a.value;
  const bValue = Number.isNaN(b.value) ? 0 : b.value;
  return aValue > bValue;
}
