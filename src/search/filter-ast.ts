/**
 * The parsed form of MLflow search filters and order_by clauses, shared by runs, experiments,
 * registered models and model versions. Parsers (this folder) produce it; repositories compile it
 * to SQL. Keys are canonical: attribute aliases (e.g. `created`, `Run name`) are already resolved.
 */

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export type EntityType = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

export interface Comparison {
  readonly kind: 'comparison';
  readonly entity: EntityType;
  /** Metric/param/tag key as written (quotes removed), or the canonical attribute/dataset key. */
  readonly key: string;
  readonly comparator: Comparator;
  /**
   * A number for metrics and numeric attributes; a string for string comparisons (LIKE patterns
   * keep their `%` and `_`); a list of strings for IN / NOT IN.
   */
  readonly value: number | string | readonly string[];
}

/** `AND` and the Assay extensions `OR` and parentheses. AND binds tighter than OR. */
export interface Conjunction {
  readonly kind: 'and' | 'or';
  readonly clauses: readonly FilterNode[];
}

export type FilterNode = Comparison | Conjunction;

export interface OrderByClause {
  readonly entity: EntityType;
  /** Canonical key (attribute aliases resolved). */
  readonly key: string;
  readonly ascending: boolean;
}
