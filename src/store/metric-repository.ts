import { sql } from 'kysely';
import type { Metric } from '../tracking/entities.js';
import type { Executor } from './executor.js';
import type { LatestMetricsTable, MetricsTable } from './schema.js';
import { toMetric } from './run-repository.js';

/** Rows per INSERT: far below both databases' bind-parameter limits (SQLite 32766, PostgreSQL 65535). */
const INSERT_CHUNK = 1000;

export interface HistoryCursor {
  step: number;
  timestamp: number;
  value: number;
  isNan: number;
}

export interface HistoryPage {
  metrics: Metric[];
  /** Where the next page starts; null on the last page. */
  next: HistoryCursor | null;
}

/** SQL for metric points and each run's latest value per key. */
export class MetricRepository {
  /** Appends points; a point identical to a stored one (all fields) is skipped, as in MLflow. */
  async insertPoints(
    db: Executor,
    runId: string,
    experimentId: number,
    metrics: readonly Metric[],
  ): Promise<void> {
    for (let start = 0; start < metrics.length; start += INSERT_CHUNK) {
      const rows = metrics.slice(start, start + INSERT_CHUNK).map((metric) => toRow(runId, metric));
      await db
        .insertInto('metrics')
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
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
    const latest = new Map<string, LatestMetricsTable>();
    for (const metric of metrics) {
      const row = { ...toRow(runId, metric), experiment_id: experimentId };
      const current = latest.get(metric.key);
      if (!current || compareTuple(row, current) > 0) latest.set(metric.key, row);
    }
    if (latest.size === 0) return;
    await db
      .insertInto('latest_metrics')
      .values([...latest.values()])
      .onConflict((oc) =>
        oc
          .columns(['run_uuid', 'key'])
          .doUpdateSet((eb) => ({
            step: eb.ref('excluded.step'),
            timestamp: eb.ref('excluded.timestamp'),
            value: eb.ref('excluded.value'),
            is_nan: eb.ref('excluded.is_nan'),
          }))
          .where(
            sql<boolean>`(excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`,
          ),
      )
      .execute();
  }

  /** One page of a metric's history in (step, timestamp, value) order, starting after `after`. */
  async historyPage(
    db: Executor,
    runId: string,
    key: string,
    limit: number,
    after: HistoryCursor | null,
  ): Promise<HistoryPage> {
    let query = db
      .selectFrom('metrics')
      .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
      .where('run_uuid', '=', runId)
      .where('key', '=', key);
    if (after) {
      query = query.where(
        sql<boolean>`(step, timestamp, value, is_nan) > (${after.step}, ${after.timestamp}, ${after.value}, ${after.isNan})`,
      );
    }
    const rows = await query
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value')
      .orderBy('is_nan')
      .limit(limit + 1)
      .execute();
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      metrics: page.map(toMetric),
      next:
        hasMore && last
          ? {
              step: Number(last.step),
              timestamp: Number(last.timestamp),
              value: Number(last.value),
              isNan: last.is_nan,
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

function toRow(runId: string, metric: Metric): MetricsTable {
  const isNan = Number.isNaN(metric.value);
  return {
    run_uuid: runId,
    key: metric.key,
    step: metric.step,
    timestamp: metric.timestamp,
    value: isNan ? 0 : metric.value,
    is_nan: isNan ? 1 : 0,
  };
}

function compareTuple(a: MetricsTable, b: MetricsTable): number {
  return (
    a.step - b.step || a.timestamp - b.timestamp || (a.value === b.value ? 0 : a.value > b.value ? 1 : -1)
  );
}
