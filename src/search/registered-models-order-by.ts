/**
 * The order_by of registered-models/search (SearchUtils.parse_order_by_for_search_registered_models
 * plus the registry store's checks).
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { OrderByClause } from './filter-ast.js';
import { DuplicateFieldGuard } from './duplicate-order-by.js';
import { parseOrderByClause } from './order-by-clause.js';
import { pySetRepr } from '../util/python-repr.js';

/**
 * Bare keys only (no `attribute.` prefix, no quotes). `timestamp` is MLflow's name for
 * last_updated_timestamp. `creation_timestamp` is an Assay extension (MLflow 2.10.2 refuses it,
 * later versions accept it).
 */
const KEYS: ReadonlyMap<string, string> = new Map([
  ['name', 'name'],
  ['timestamp', 'last_updated_timestamp'],
  ['last_updated_timestamp', 'last_updated_timestamp'],
  ['creation_timestamp', 'creation_timestamp'],
]);
/** RECOMMENDED_ORDER_BY_KEYS_REGISTERED_MODELS: what MLflow's message lists. */
const RECOMMENDED_KEYS = ['name', 'timestamp'] as const;

export function parseRegisteredModelsOrderBy(clauses: readonly string[]): OrderByClause[] {
  const fields = new DuplicateFieldGuard(clauses);
  return clauses.map((clause) => {
    const { identifier, ascending } = parseOrderByClause(clause);
    const written = identifier.trim();
    const key = KEYS.get(written);
    if (key === undefined) {
      throw new InvalidParameterError(
        `Invalid order by key '${written}' specified. Valid keys are '${pySetRepr(RECOMMENDED_KEYS)}'`,
      );
    }
    fields.add(key);
    return { entity: 'attribute', key, ascending };
  });
}
