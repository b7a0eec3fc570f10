import { sql, type RawBuilder } from 'kysely';
import type { Comparison, FilterNode, OrderByClause } from '../search/filter-ast.js';
import type { LifecycleStage } from '../tracking/entities.js';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';
import { binaryText, likeExpression } from './search-sql.js';

export interface RunSearchQuery {
  experimentIds: readonly number[];
  stages: readonly LifecycleStage[];
  filter: FilterNode | null;
  orderBy: readonly OrderByClause[];
  offset: number;
  limit: number;
}

const ATTRIBUTE_COLUMNS: Record<string, string> = {
  run_id: 'r.run_uuid',
  run_name: 'r.name',
  user_id: 'r.user_id',
  status: 'r.status',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
  artifact_uri: 'r.artifact_uri',
};

const NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time']);

const TRUE = sql<boolean>`1 = 1`;
const FALSE = sql<boolean>`1 = 0`;

/**
 * Compiles a runs search (MLflow's filter and order_by) to one SQL query that returns the ids of
 * one page of runs. Metrics compare each run's latest value. Ordering puts real values first,
 * then NaN, then runs without the key, in both directions; ties break by start_time DESC, run_uuid.
 */
export class RunSearchRepository {
  constructor(private readonly dialect: Dialect) {}

  async searchIds(db: Executor, query: RunSearchQuery): Promise<string[]> {
    if (query.experimentIds.length === 0) return [];
    const joins: RawBuilder<unknown>[] = [];
    const order: RawBuilder<unknown>[] = [];
    const experiments = sql`r.experiment_id in (${sql.join([...query.experimentIds])})`;
    const conditions: RawBuilder<unknown>[] = [sql`r.lifecycle_stage in (${sql.join([...query.stages])})`];
    if (query.filter) conditions.push(this.condition(query.filter));

    let from = sql`from runs r`;
    const [lead] = query.orderBy;
    const leadRange = lead?.entity === 'metric' ? requiredMetricComparisons(query.filter, lead.key) : [];
    const [experimentId] = query.experimentIds;
    if (lead && query.experimentIds.length === 1 && experimentId !== undefined && leadRange.length > 0) {
      // The best runs of one experiment by a metric the filter requires: walk that experiment's
      // values of the metric through the (experiment_id, key, value) index in the requested order,
      // joining each run by primary key, and stop at the end of the page instead of sorting every
      // run. SQLite follows the join order written with CROSS JOIN; PostgreSQL plans it by cost.
      const range = leadRange.map(
        (comparison) => sql`o0.value ${sql.raw(comparison.comparator)} ${comparison.value as number}`,
      );
      from = sql`from latest_metrics o0 ${sql.raw(this.dialect === 'sqlite' ? 'cross join' : 'join')} runs r on r.run_uuid = o0.run_uuid`;
      // The experiment is restricted through o0 only: a second condition on runs.experiment_id
      // led PostgreSQL, with statistics not yet updated after a bulk load, to join runs through
      // their experiment index instead of their primary key (6 s instead of 60 ms).
      conditions.unshift(
        sql`o0.experiment_id = ${experimentId} and o0.key = ${lead.key} and o0.is_nan = 0 and ${sql.join(range, sql` and `)}`,
      );
      order.push(sql`o0.value ${sql.raw(lead.ascending ? 'asc' : 'desc')}`);
    } else {
      conditions.unshift(experiments);
    }

    const requiredMetrics = new Set(metricKeysRequiredByFilter(query.filter));
    query.orderBy.forEach((clause, index) => {
      if (index === 0 && order.length > 0) return; // the lead metric drives the query (above)
      const alias = sql.raw(`o${index}`);
      const direction = sql.raw(clause.ascending ? 'asc' : 'desc');
      if (clause.entity === 'metric') {
        if (requiredMetrics.has(clause.key)) {
          // The filter already demands a real value for this metric: no NaN or missing rows.
          joins.push(
            sql`join latest_metrics ${alias} on ${alias}.run_uuid = r.run_uuid and ${alias}.key = ${clause.key}`,
          );
          order.push(sql`${alias}.value ${direction}`);
        } else {
          joins.push(
            sql`left join latest_metrics ${alias} on ${alias}.run_uuid = r.run_uuid and ${alias}.key = ${clause.key}`,
          );
          order.push(sql`case when ${alias}.is_nan = 1 then 1 when ${alias}.value is null then 2 else 0 end`);
          order.push(sql`${alias}.value ${direction}`);
        }
      } else if (clause.entity === 'parameter' || clause.entity === 'tag') {
        const table = sql.raw(clause.entity === 'parameter' ? 'params' : 'tags');
        joins.push(
          sql`left join ${table} ${alias} on ${alias}.run_uuid = r.run_uuid and ${alias}.key = ${clause.key}`,
        );
        order.push(sql`case when ${alias}.value is null then 1 else 0 end`);
        order.push(sql`${binaryText(this.dialect, sql`${alias}.value`)} ${direction}`);
      } else {
        const column = sql.raw(attributeColumn(clause.key));
        const sortable = NUMERIC_ATTRIBUTES.has(clause.key) ? column : binaryText(this.dialect, column);
        order.push(sql`case when ${column} is null then 1 else 0 end`);
        order.push(sql`${sortable} ${direction}`);
      }
    });
    if (!query.orderBy.some((clause) => clause.entity === 'attribute' && clause.key === 'start_time')) {
      order.push(sql`r.start_time desc`);
    }
    order.push(sql`r.run_uuid asc`);

    const statement = sql<{ run_uuid: string }>`select r.run_uuid ${from} ${sql.join(joins, sql` `)}
      where ${sql.join(conditions, sql` and `)}
      order by ${sql.join(order, sql`, `)}
      limit ${query.limit} offset ${query.offset}`;
    const { rows } = await statement.execute(db);
    return rows.map((row) => row.run_uuid);
  }

  private condition(node: FilterNode): RawBuilder<unknown> {
    if (node.kind !== 'comparison') {
      const parts = node.clauses.map((clause) => this.condition(clause));
      return sql`(${sql.join(parts, node.kind === 'and' ? sql` and ` : sql` or `)})`;
    }
    switch (node.entity) {
      case 'metric':
        return sql`exists (select 1 from latest_metrics m where m.run_uuid = r.run_uuid and m.key = ${node.key} and ${metricComparison(node)})`;
      case 'parameter':
        return sql`exists (select 1 from params p where p.run_uuid = r.run_uuid and p.key = ${node.key} and ${this.compare(sql`p.value`, node)})`;
      case 'tag':
        return sql`exists (select 1 from tags t where t.run_uuid = r.run_uuid and t.key = ${node.key} and ${this.compare(sql`t.value`, node)})`;
      case 'attribute':
        return this.compare(sql.raw(attributeColumn(node.key)), node);
      case 'dataset':
        return this.datasetCondition(node);
    }
  }

  private datasetCondition(node: Comparison): RawBuilder<unknown> {
    const base = sql`select 1 from inputs i join datasets d on d.dataset_uuid = i.source_id`;
    const scope = sql`i.destination_type = 'RUN' and i.source_type = 'DATASET' and i.destination_id = r.run_uuid`;
    if (node.key === 'context') {
      return sql`exists (${base} join input_tags it on it.input_uuid = i.input_uuid and it.name = 'mlflow.data.context'
        where ${scope} and ${this.compare(sql`it.value`, node)})`;
    }
    const column = sql.raw(node.key === 'digest' ? 'd.digest' : 'd.name');
    return sql`exists (${base} where ${scope} and ${this.compare(column, node)})`;
  }

  private compare(column: RawBuilder<unknown>, node: Comparison): RawBuilder<unknown> {
    const { comparator, value } = node;
    switch (comparator) {
      case 'LIKE':
      case 'ILIKE':
        return likeExpression(this.dialect, column, comparator, String(value));
      case 'IN':
      case 'NOT IN': {
        const list = Array.isArray(value) ? (value as readonly string[]) : [String(value)];
        if (list.length === 0) return comparator === 'IN' ? FALSE : TRUE;
        return sql`${column} ${sql.raw(comparator.toLowerCase())} (${sql.join([...list])})`;
      }
      default:
        return sql`${column} ${sql.raw(comparator === '!=' ? '<>' : comparator)} ${value as string | number}`;
    }
  }
}

/**
 * NaN follows IEEE rules (MLflow's SQL store compares it as 0): it satisfies only `!=`.
 */
function metricComparison(node: Comparison): RawBuilder<unknown> {
  if (node.comparator === '!=') return sql`(m.is_nan = 1 or m.value <> ${node.value as number})`;
  return sql`m.is_nan = 0 and m.value ${sql.raw(node.comparator)} ${node.value as number}`;
}

/** Comparisons that every matching run must satisfy: the comparisons of the top-level AND. */
function requiredComparisons(filter: FilterNode | null): Comparison[] {
  if (!filter) return [];
  if (filter.kind === 'comparison') return [filter];
  if (filter.kind === 'or') return [];
  return filter.clauses.flatMap((clause) => requiredComparisons(clause));
}

/** Metric keys that every matching run must have with a real (non-NaN) value. */
function metricKeysRequiredByFilter(filter: FilterNode | null): string[] {
  return requiredComparisons(filter)
    .filter((comparison) => comparison.entity === 'metric' && comparison.comparator !== '!=')
    .map((comparison) => comparison.key);
}

/** The required comparisons on one metric that bound its value (usable as an index range). */
function requiredMetricComparisons(filter: FilterNode | null, key: string): Comparison[] {
  return requiredComparisons(filter).filter(
    (comparison) =>
      comparison.entity === 'metric' && comparison.key === key && comparison.comparator !== '!=',
  );
}

function attributeColumn(key: string): string {
  const column = ATTRIBUTE_COLUMNS[key];
  if (!column) throw new Error(`unknown run attribute '${key}'`);
  return column;
}
