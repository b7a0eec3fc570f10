import { InvalidParameterError } from '../errors/assay-error.js';

/**
 * A table that cannot feed a model: a column it needs is missing, or a value in it is missing or of
 * the wrong kind. `column` and `row` (0-based, in the dataset) say where, when one place is to blame.
 */
export class ModelInputError extends InvalidParameterError {
  constructor(
    message: string,
    readonly column: string,
    readonly row: number | null = null,
  ) {
    super(message);
  }
}

/** The model input a column feeds, for messages: `input 'hr' (float32)`. */
export interface InputTarget {
  readonly input: string;
  readonly type: string;
}

export function missingColumn(
  column: string,
  available: Iterable<string>,
  target: InputTarget,
): ModelInputError {
  const columns = [...available];
  return new ModelInputError(
    `The model needs column '${column}' (for ${describeTarget(target)}), which the data does not have; its columns: ${columns.length > 0 ? columns.join(', ') : '(none)'}`,
    column,
  );
}

export function badValue(column: string, row: number, problem: string, target: InputTarget): ModelInputError {
  return new ModelInputError(
    `Column '${column}', row ${row}: ${problem} (for ${describeTarget(target)})`,
    column,
    row,
  );
}

export function wrongColumnType(column: string, holds: string, target: InputTarget): ModelInputError {
  return new ModelInputError(
    `Column '${column}' holds ${holds}; ${describeTarget(target)} cannot take them`,
    column,
  );
}

function describeTarget(target: InputTarget): string {
  return `the model's input '${target.input}', ${target.type}`;
}
