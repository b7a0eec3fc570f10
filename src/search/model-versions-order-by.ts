/**
 * The order_by of model-versions/search (SearchModelVersionUtils.parse_order_by_for_search_model_versions
 * plus the registry store's checks).
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { OrderByClause } from './filter-ast.js';
import { DuplicateFieldGuard } from './duplicate-order-by.js';
import { experimentIdentifier } from './identifier.js';
import { parseOrderByClause } from './order-by-clause.js';
import { pySetRepr } from '../util/python-repr.js';

/** SearchModelVersionUtils.VALID_ORDER_BY_ATTRIBUTE_KEYS, declaration order. */
const MODEL_VERSION_ORDER_BY_KEYS = [
  'name',
  'version_number',
  'creation_timestamp',
  'last_updated_timestamp',
] as const;

export function parseModelVersionsOrderBy(clauses: readonly string[]): OrderByClause[] {
  const fields = new DuplicateFieldGuard(clauses);
  return clauses.map((clause) => {
    const { identifier, ascending } = parseOrderByClause(clause);
    const { entity, key } = experimentIdentifier(identifier.trim(), MODEL_VERSION_ORDER_BY_KEYS);
    if (entity !== 'attribute') {
      // MLflow's text: this set, unlike the others, is not wrapped in quotes.
      throw new InvalidParameterError(
        `Invalid order by key '${key}' specified. Valid keys are ${pySetRepr(MODEL_VERSION_ORDER_BY_KEYS)}`,
      );
    }
    fields.add(key);
    return { entity, key, ascending };
  });
}
