import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Comparison, FilterNode } from '../search/filter-ast.js';
import type { Dialect } from './database.js';
import { likeExpression } from './search-sql.js';

type Condition = RawBuilder<SqlBool>;

export interface RegistryFilterTarget {
  /** The column an attribute key compares, e.g. `rm.name`; numeric columns compare numbers. */
  attribute(key: string): { column: RawBuilder<unknown>; numeric: boolean };
  /** EXISTS over the entity's tag rows with `key`, all of `conditions` holding on one row's value. */
  tagExists(key: string, conditions: (value: RawBuilder<unknown>) => Condition[]): Condition;
}

/**
 * Compiles a registered-model or model-version filter to SQL. As in MLflow's SQL store, the tag
 * conditions ANDed together on one key must all hold on the same tag row (`tags.t != 'x'` needs
 * the tag to exist); OR branches (Assay's extension) are compiled independently.
 */
export function registryFilterSql(
  dialect: Dialect,
  node: FilterNode,
  target: RegistryFilterTarget,
): Condition {
  if (node.kind === 'comparison')
    return node.entity === 'tag' ? tagCondition(dialect, [node], target) : attribute(dialect, node, target);
  if (node.kind === 'or') {
    return joinConditions(
      node.clauses.map((clause) => registryFilterSql(dialect, clause, target)),
      'or',
    );
  }
  const parts: Condition[] = [];
  const tagsByKey = new Map<string, Comparison[]>();
  for (const clause of node.clauses) {
    if (clause.kind === 'comparison' && clause.entity === 'tag') {
      tagsByKey.set(clause.key, [...(tagsByKey.get(clause.key) ?? []), clause]);
    } else {
      parts.push(registryFilterSql(dialect, clause, target));
    }
  }
  for (const comparisons of tagsByKey.values()) parts.push(tagCondition(dialect, comparisons, target));
  return joinConditions(parts, 'and');
}

function tagCondition(
  dialect: Dialect,
  comparisons: readonly Comparison[],
  target: RegistryFilterTarget,
): Condition {
  const key = comparisons[0]?.key ?? '';
  return target.tagExists(key, (value) =>
    comparisons.map((comparison) => compare(dialect, value, comparison, false)),
  );
}

function attribute(dialect: Dialect, node: Comparison, target: RegistryFilterTarget): Condition {
  const { column, numeric } = target.attribute(node.key);
  return compare(dialect, column, node, numeric);
}

function compare(
  dialect: Dialect,
  column: RawBuilder<unknown>,
  node: Comparison,
  numeric: boolean,
): Condition {
  const { comparator, value } = node;
  if (comparator === 'IN' || comparator === 'NOT IN') {
    const list = Array.isArray(value) ? (value as readonly string[]) : [String(value)];
    if (list.length === 0) return comparator === 'IN' ? sql<SqlBool>`1 = 0` : sql<SqlBool>`1 = 1`;
    const items = sql.join(list.map((item) => sql`${item}`));
    return comparator === 'IN'
      ? sql<SqlBool>`${column} in (${items})`
      : sql<SqlBool>`${column} not in (${items})`;
  }
  if (comparator === 'LIKE' || comparator === 'ILIKE')
    return likeExpression(dialect, column, comparator, String(value));
  const operator = sql.raw(comparator === '!=' ? '<>' : comparator);
  if (!numeric) return sql<SqlBool>`${column} ${operator} ${String(value)}`;
  return numericComparison(column, comparator, operator, value);
}

/**
 * `version_number = '2'` compares as a number, as SQL type affinity makes it in MLflow. A value
 * that is no number sorts after every number there (SQLite), so it equals and precedes none.
 */
function numericComparison(
  column: RawBuilder<unknown>,
  comparator: string,
  operator: RawBuilder<unknown>,
  value: unknown,
): Condition {
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isFinite(number)) {
    return comparator === '!=' || comparator === '<' || comparator === '<='
      ? sql<SqlBool>`1 = 1`
      : sql<SqlBool>`1 = 0`;
  }
  // A fractional or huge bound against an integer column: PostgreSQL would read the parameter as bigint.
  const bound = Number.isSafeInteger(number) ? sql`${number}` : sql`cast(${number} as double precision)`;
  return sql<SqlBool>`${column} ${operator} ${bound}`;
}

function joinConditions(parts: readonly Condition[], joiner: 'and' | 'or'): Condition {
  if (parts.length === 0) return joiner === 'and' ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(${sql.join(parts, sql.raw(` ${joiner} `))})`;
}
