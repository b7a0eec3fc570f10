/**
 * MLflow's comparator sets, in the declaration order of its source. Messages print them as Python
 * sets, whose real order is hash-random per server process; declaration order is the fixed
 * choice Assay makes (clients can only rely on the elements).
 */
import type { Comparator } from './filter-ast.js';

/** Metrics and numeric attributes (VALID_METRIC_COMPARATORS). */
export const NUMERIC_COMPARATORS: readonly Comparator[] = ['>', '>=', '!=', '=', '<', '<='];

/** Params and tags (VALID_PARAM_COMPARATORS / VALID_TAG_COMPARATORS). */
export const STRING_COMPARATORS: readonly Comparator[] = ['!=', '=', 'LIKE', 'ILIKE'];

/** String attributes and datasets (VALID_STRING_ATTRIBUTE_COMPARATORS / VALID_DATASET_COMPARATORS). */
export const STRING_ATTRIBUTE_COMPARATORS: readonly Comparator[] = [
  '!=',
  '=',
  'LIKE',
  'ILIKE',
  'IN',
  'NOT IN',
];

/** Narrows an upper-cased comparator to the set, or undefined when it is not in it. */
export function comparatorIn(comparator: string, set: readonly Comparator[]): Comparator | undefined {
  return set.find((allowed) => allowed === comparator);
}
