/**
 * The filter of runs/search (MLflow's SearchUtils plus the comparator checks of its SqlAlchemy
 * tracking store): metrics, params, tags, run attributes and dataset fields.
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Comparator, FilterNode } from './filter-ast.js';
import type { FilterDialect, ParsedComparison } from './filter-builder.js';
import { parseFilter } from './filter-builder.js';
import { baseValue } from './filter-values.js';
import {
  comparatorIn,
  NUMERIC_COMPARATORS,
  STRING_ATTRIBUTE_COMPARATORS,
  STRING_COMPARATORS,
} from './comparators.js';
import { runIdentifier } from './identifier.js';
import { pySetRepr } from '../util/python-repr.js';
import { canonicalRunAttribute, RUN_FILTER_KEYS, RUN_NUMERIC_KEYS } from './run-keys.js';

const runDialect: FilterDialect = {
  quoting: 'quoted',

  parseComparison(identifier, comparator, operand): ParsedComparison {
    const { entity, key } = runIdentifier(identifier, RUN_FILTER_KEYS);
    const value = baseValue(entity, key, operand, RUN_NUMERIC_KEYS);
    return { entity, key: entity === 'attribute' ? canonicalRunAttribute(key) : key, comparator, value };
  },

  checkComparator({ entity, key, comparator }): Comparator {
    const numeric =
      entity === 'metric' ||
      (entity === 'attribute' && (RUN_NUMERIC_KEYS as readonly string[]).includes(key));
    const allowed = numeric
      ? NUMERIC_COMPARATORS
      : entity === 'parameter' || entity === 'tag'
        ? STRING_COMPARATORS
        : STRING_ATTRIBUTE_COMPARATORS;
    const valid = comparatorIn(comparator, allowed);
    if (valid) return valid;
    throw new InvalidParameterError(invalidComparatorMessage(entity, numeric, comparator));
  },
};

/**
 * MLflow's texts, quirks kept: only params close the quote after the set, and numeric attributes
 * list the string-attribute set. Where MLflow 2.10.2 answers 500 (tags, attributes, datasets; the
 * string-attribute text even says `{comparator}` literally), Assay answers 400 with the comparator.
 */
function invalidComparatorMessage(entity: string, numeric: boolean, comparator: string): string {
  const start = `Invalid comparator '${comparator}' not one of '`;
  if (entity === 'metric') return `${start}${pySetRepr(NUMERIC_COMPARATORS)}`;
  if (entity === 'parameter') return `${start}${pySetRepr(STRING_COMPARATORS)}'`;
  if (entity === 'tag') return `${start}${pySetRepr(STRING_COMPARATORS)}`;
  if (entity === 'attribute' && !numeric) return `${start}${pySetRepr(STRING_ATTRIBUTE_COMPARATORS)}'`;
  return `${start}${pySetRepr(STRING_ATTRIBUTE_COMPARATORS)}`;
}

/**
 * Parses the `filter` of runs/search. Null when there is nothing to filter on (absent, blank, or
 * only ANDs). Keys of attributes are canonical (`created` -> start_time, `Run name` -> run_name).
 */
export function parseRunsFilter(filter: string | null | undefined): FilterNode | null {
  return parseFilter(filter, runDialect);
}
