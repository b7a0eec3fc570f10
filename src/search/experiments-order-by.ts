/** The order_by of experiments/search (SearchExperimentsUtils.parse_order_by_for_search_experiments). */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { OrderByClause } from './filter-ast.js';
import { experimentIdentifier } from './identifier.js';
import { parseOrderByClause } from './order-by-clause.js';

/** SearchExperimentsUtils.VALID_ORDER_BY_ATTRIBUTE_KEYS, declaration order. */
const EXPERIMENT_ORDER_BY_KEYS = ['name', 'experiment_id', 'creation_time', 'last_update_time'] as const;

/**
 * Attributes name, experiment_id, creation_time, last_update_time. As in MLflow, a field named
 * twice is accepted (the experiments store has no duplicate check, and it is harmless in SQL).
 */
export function parseExperimentsOrderBy(clauses: readonly string[]): OrderByClause[] {
  return clauses.map((clause) => {
    const { identifier, ascending } = parseOrderByClause(clause);
    const { entity, key } = experimentIdentifier(identifier.trim(), EXPERIMENT_ORDER_BY_KEYS);
    if (entity !== 'attribute') throw new InvalidParameterError(`Invalid order_by entity: ${entity}`);
    return { entity, key, ascending };
  });
}
