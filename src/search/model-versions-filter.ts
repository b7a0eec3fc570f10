/**
 * The filter of model-versions/search (MLflow's SearchModelVersionUtils plus the comparator
 * checks of its SqlAlchemy registry store): name, version_number, run_id, source_path, and tags.
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Comparator, FilterNode } from './filter-ast.js';
import type { FilterDialect, ParsedComparison } from './filter-builder.js';
import { parseFilter } from './filter-builder.js';
import type { Operand } from './filter-syntax.js';
import type { FilterValue } from './filter-values.js';
import { isStringLike, onlyRunIdListsError } from './filter-values.js';
import type { Identifier } from './identifier.js';
import { quotedValue, registryIdentifier } from './identifier.js';
import { parseInList } from './in-list.js';
import { comparatorIn, NUMERIC_COMPARATORS, STRING_COMPARATORS } from './comparators.js';
import { pySetRepr } from '../util/python-repr.js';

/** SearchModelVersionUtils.VALID_SEARCH_ATTRIBUTE_KEYS, declaration order. */
const MODEL_VERSION_FILTER_KEYS = ['name', 'version_number', 'run_id', 'source_path'] as const;
/** NUMERIC_ATTRIBUTES: the two timestamps are listed by MLflow but not searchable. */
const NUMERIC_KEYS = ['version_number', 'creation_timestamp', 'last_updated_timestamp'] as const;
/** VALID_STRING_ATTRIBUTE_COMPARATORS of model versions: no NOT IN. */
const STRING_ATTRIBUTE_COMPARATORS: readonly Comparator[] = ['!=', '=', 'LIKE', 'ILIKE', 'IN'];
/** What SQLite (and MLflow's later int()) would read as a number in `version_number = '2'`. */
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function isNumericKey(key: string): boolean {
  return (NUMERIC_KEYS as readonly string[]).includes(key);
}

/** SearchModelVersionUtils._get_value. */
function modelVersionValue({ entity, key }: Identifier, operand: Operand): FilterValue {
  if (entity === 'tag') {
    if (isStringLike(operand)) return quotedValue(operand.text);
    throw new InvalidParameterError(
      `Expected a quoted string value for tag (e.g. 'my-value'). Got value ${operand.text}`,
    );
  }
  if (isStringLike(operand)) {
    const text = quotedValue(operand.text);
    if (!isNumericKey(key)) return text;
    // MLflow accepts `version_number = '2'` and lets the database compare text with the integer
    // column (any text sorts after numbers in SQLite). Assay takes numeric text as the number
    // and refuses other text rather than answer nonsense.
    if (NUMERIC_TEXT.test(text)) return Number(text);
    throw new InvalidParameterError(
      `Expected numeric value type for numeric attribute: ${key}. Found ${operand.text}`,
    );
  }
  if (operand.kind === 'list') {
    if (key !== 'run_id') throw onlyRunIdListsError();
    return parseInList(operand);
  }
  if (operand.kind === 'number') {
    if (!isNumericKey(key)) {
      throw new InvalidParameterError(
        `Only the '${pySetRepr(NUMERIC_KEYS)}' attributes support comparison with numeric values.`,
      );
    }
    return Number(operand.text);
  }
  throw new InvalidParameterError(
    `Expected a quoted string value or a list of quoted string values for attributes. Got value ${operand.text}`,
  );
}

const modelVersionDialect: FilterDialect = {
  quoting: 'plain',

  parseComparison(identifier, comparator, operand): ParsedComparison {
    const resolved = registryIdentifier(identifier, MODEL_VERSION_FILTER_KEYS);
    return { ...resolved, comparator, value: modelVersionValue(resolved, operand) };
  },

  checkComparator({ entity, key, comparator }: ParsedComparison): Comparator {
    if (entity === 'tag') {
      const valid = comparatorIn(comparator, STRING_COMPARATORS);
      if (valid) return valid;
      throw new InvalidParameterError(`Invalid comparator for tag: ${comparator}`);
    }
    if (isNumericKey(key)) {
      const valid = comparatorIn(comparator, NUMERIC_COMPARATORS);
      if (valid) return valid;
      throw new InvalidParameterError(`Invalid comparator for attribute ${key}: ${comparator}`);
    }
    const valid = comparatorIn(comparator, STRING_ATTRIBUTE_COMPARATORS);
    if (valid && (valid !== 'IN' || key === 'run_id')) return valid;
    throw new InvalidParameterError(`Invalid comparator for attribute: ${comparator}`);
  },
};

/** Parses the `filter` of model-versions/search; null when there is nothing to filter on. */
export function parseModelVersionsFilter(filter: string | null | undefined): FilterNode | null {
  return parseFilter(filter, modelVersionDialect);
}
