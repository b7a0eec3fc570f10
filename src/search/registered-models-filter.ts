/**
 * The filter of registered-models/search (MLflow's SearchModelUtils plus the comparator checks
 * of its SqlAlchemy registry store): the attribute `name`, and tags.
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Comparator, FilterNode } from './filter-ast.js';
import type { FilterDialect, ParsedComparison } from './filter-builder.js';
import { parseFilter } from './filter-builder.js';
import type { Operand } from './filter-syntax.js';
import type { FilterValue } from './filter-values.js';
import { isStringLike, onlyRunIdListsError } from './filter-values.js';
import { comparatorIn, STRING_COMPARATORS } from './comparators.js';
import { quotedValue, registryIdentifier } from './identifier.js';

const REGISTERED_MODEL_FILTER_KEYS = ['name'] as const;

/** SearchModelUtils._get_value: strings only (the only attribute, name, takes no list). */
function registeredModelValue(entity: string, operand: Operand): FilterValue {
  if (entity === 'tag') {
    if (isStringLike(operand)) return quotedValue(operand.text);
    throw new InvalidParameterError(
      `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${operand.text}`,
    );
  }
  if (isStringLike(operand)) return quotedValue(operand.text);
  if (operand.kind === 'list') throw onlyRunIdListsError();
  throw new InvalidParameterError(
    `Expected a quoted string value or a list of quoted string values for attributes. Got value ${operand.text}`,
  );
}

const registeredModelDialect: FilterDialect = {
  quoting: 'plain',

  parseComparison(identifier, comparator, operand): ParsedComparison {
    const { entity, key } = registryIdentifier(identifier, REGISTERED_MODEL_FILTER_KEYS);
    return { entity, key, comparator, value: registeredModelValue(entity, operand) };
  },

  checkComparator({ entity, comparator }: ParsedComparison): Comparator {
    const valid = comparatorIn(comparator, STRING_COMPARATORS);
    if (valid) return valid;
    const what = entity === 'tag' ? 'tag' : 'attribute';
    throw new InvalidParameterError(`Invalid comparator for ${what}: ${comparator}`);
  },
};

/** Parses the `filter` of registered-models/search; null when there is nothing to filter on. */
export function parseRegisteredModelsFilter(filter: string | null | undefined): FilterNode | null {
  return parseFilter(filter, registeredModelDialect);
}
