import type { OrderByClause } from '../search/filter-ast.js';

/**
 * Completes a parsed order_by (src/search refuses unknown and duplicate keys) as MLflow's SQL store
 * does: the default order, then tie-breakers that make the order total so pages never overlap.
 */

/** Registered models: default and tie-breaker `name ASC`. */
export function registeredModelOrder(parsed: readonly OrderByClause[]): OrderByClause[] {
  const order = [...parsed];
  if (!order.some((clause) => clause.key === 'name'))
    order.push({ entity: 'attribute', key: 'name', ascending: true });
  return order;
}

/** Model versions: default `last_updated_timestamp DESC`; tie-breakers `name ASC`, `version DESC`. */
export function modelVersionOrder(parsed: readonly OrderByClause[]): OrderByClause[] {
  const order: OrderByClause[] =
    parsed.length > 0
      ? [...parsed]
      : [{ entity: 'attribute', key: 'last_updated_timestamp', ascending: false }];
  if (!order.some((clause) => clause.key === 'name'))
    order.push({ entity: 'attribute', key: 'name', ascending: true });
  if (!order.some((clause) => clause.key === 'version_number')) {
    order.push({ entity: 'attribute', key: 'version_number', ascending: false });
  }
  return order;
}
