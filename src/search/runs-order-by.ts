/** The order_by of runs/search (SearchUtils.parse_order_by_for_search_runs plus the store's checks). */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { OrderByClause } from './filter-ast.js';
import { DuplicateFieldGuard } from './duplicate-order-by.js';
import { runIdentifier } from './identifier.js';
import { parseOrderByClause } from './order-by-clause.js';
import { canonicalRunAttribute, RUN_ORDER_BY_KEYS } from './run-keys.js';

/**
 * Metrics, params and tags by any key; attributes run_id, run_name, user_id, status, start_time
 * (alias created / Created), end_time, artifact_uri. No defaults or tie-breakers are added here.
 */
export function parseRunsOrderBy(clauses: readonly string[]): OrderByClause[] {
  const fields = new DuplicateFieldGuard(clauses);
  return clauses.map((clause) => {
    const { identifier, ascending } = parseOrderByClause(clause);
    const { entity, key } = runIdentifier(identifier.trim(), RUN_ORDER_BY_KEYS);
    // The parser accepts `datasets.name`; MLflow's store then refuses it.
    if (entity === 'dataset') throw new InvalidParameterError(`Invalid identifier type '${entity}'`);
    const canonical = entity === 'attribute' ? canonicalRunAttribute(key) : key;
    fields.add(`${entity}\u0000${canonical}`);
    return { entity, key: canonical, ascending };
  });
}
