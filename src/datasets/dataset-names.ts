import { InvalidParameterError } from '../errors/assay-error.js';

/** Dataset names follow registered model names: not empty, and no '/' (they appear in paths and NAME@VERSION). */
export function validateDatasetName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '')
    throw new InvalidParameterError('Dataset name cannot be empty.');
  if (name.includes('/'))
    throw new InvalidParameterError(`Invalid dataset name '${name}': names cannot contain '/'.`);
}

/** A version number (1, 2, ...) or 'latest'. */
export function validateVersionSelector(version: unknown): asserts version is number | 'latest' {
  if (version === 'latest') return;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new InvalidParameterError(
      `Dataset version must be a positive integer or 'latest', got '${String(version)}'`,
    );
  }
}
