/**
 * The value rules of MLflow's base parser (SearchUtils._get_value), used by runs and experiments:
 * which kind of value token each entity accepts, and MLflow's message for each refusal. The
 * registry parsers have their own rules (registered-models-filter.ts, model-versions-filter.ts).
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { EntityType } from './filter-ast.js';
import type { Operand } from './filter-syntax.js';
import { quotedValue } from './identifier.js';
import { parseInList } from './in-list.js';

export type FilterValue = number | string | readonly string[];

const ONLY_RUN_ID_LISTS =
  "Only the 'run_id' attribute supports comparison with a list of quoted string values.";

/** Is the token a string for MLflow: `'x'`, or an identifier (`"x"`, also bare words, refused later). */
export function isStringLike(operand: Operand): boolean {
  return operand.kind === 'string' || operand.kind === 'name';
}

export function onlyRunIdListsError(): InvalidParameterError {
  return new InvalidParameterError(ONLY_RUN_ID_LISTS);
}

/**
 * @param key the key as written (aliases not resolved): MLflow checks `created` as numeric and
 *   prints it in messages as typed.
 * @param numericAttributes the attribute keys that take numbers.
 */
export function baseValue(
  entity: EntityType,
  key: string,
  operand: Operand,
  numericAttributes: readonly string[],
): FilterValue {
  switch (entity) {
    case 'metric':
      if (operand.kind !== 'number') {
        throw new InvalidParameterError(`Expected numeric value type for metric. Found ${operand.text}`);
      }
      return Number(operand.text);
    case 'parameter':
    case 'tag':
      if (isStringLike(operand)) return quotedValue(operand.text);
      throw new InvalidParameterError(
        `Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${operand.text}`,
      );
    case 'attribute':
      if (numericAttributes.includes(key)) {
        if (operand.kind !== 'number') {
          throw new InvalidParameterError(
            `Expected numeric value type for numeric attribute: ${key}. Found ${operand.text}`,
          );
        }
        return Number(operand.text);
      }
      if (isStringLike(operand)) return quotedValue(operand.text);
      if (operand.kind === 'list') {
        if (key !== 'run_id') throw onlyRunIdListsError();
        return parseInList(operand);
      }
      throw new InvalidParameterError(
        `Expected a quoted string value for attributes. Got value ${operand.text}`,
      );
    case 'dataset':
      if (isStringLike(operand)) return quotedValue(operand.text);
      if (operand.kind === 'list') return parseInList(operand);
      throw new InvalidParameterError(
        `Expected a quoted string value for dataset attributes. Got value ${operand.text}`,
      );
  }
}
