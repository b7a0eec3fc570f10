/**
 * The filter of experiments/search (MLflow's SearchExperimentsUtils plus the comparator checks of
 * its SqlAlchemy tracking store): attributes name, creation_time, last_update_time, and tags.
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
import { experimentIdentifier } from './identifier.js';
import { pySetRepr } from '../util/python-repr.js';

/** SearchExperimentsUtils.VALID_SEARCH_ATTRIBUTE_KEYS, declaration order. */
export const EXPERIMENT_FILTER_KEYS = ['name', 'creation_time', 'last_update_time'] as const;
const NUMERIC_KEYS = ['creation_time', 'last_update_time'] as const;

const experimentDialect: FilterDialect = {
  quoting: 'plain',

  parseComparison(identifier, comparator, operand): ParsedComparison {
    const { entity, key } = experimentIdentifier(identifier, EXPERIMENT_FILTER_KEYS);
    return { entity, key, comparator, value: baseValue(entity, key, operand, NUMERIC_KEYS) };
  },

  // MLflow's experiments path does not upper-case the comparator, so `name like 'a%'` fails there
  // (500). Assay is lenient: the builder upper-cases it as for the other search kinds.
  checkComparator({ entity, key, comparator }: ParsedComparison): Comparator {
    if (entity === 'tag') {
      const valid = comparatorIn(comparator, STRING_COMPARATORS);
      if (valid) return valid;
      throw new InvalidParameterError(`Invalid comparator for tag: ${comparator}`);
    }
    const start = `Invalid comparator '${comparator}' not one of '${pySetRepr(STRING_ATTRIBUTE_COMPARATORS)}`;
    if ((NUMERIC_KEYS as readonly string[]).includes(key)) {
      // MLflow's text (500 in 2.10.2): the string-attribute set, no closing quote.
      const valid = comparatorIn(comparator, NUMERIC_COMPARATORS);
      if (valid) return valid;
      throw new InvalidParameterError(start);
    }
    // MLflow's text says `{comparator}` literally (a missing f-prefix) and answers 500.
    if (!comparatorIn(comparator, STRING_ATTRIBUTE_COMPARATORS)) throw new InvalidParameterError(`${start}'`);
    const valid = comparatorIn(comparator, STRING_COMPARATORS);
    if (valid) return valid;
    throw new InvalidParameterError(`Invalid comparator for string attribute: ${comparator}`);
  },
};

/** Parses the `filter` of experiments/search; null when there is nothing to filter on. */
export function parseExperimentsFilter(filter: string | null | undefined): FilterNode | null {
  return parseFilter(filter, experimentDialect);
}
