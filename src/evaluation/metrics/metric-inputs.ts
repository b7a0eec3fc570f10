import { InvalidParameterError } from '../../errors/assay-error.js';

/**
 * Class probabilities, row-major [rows x classCount]. onnxruntime hands float32 back; float64 is
 * accepted too. Every computation reads them as float64 (the reference upcasts the same way).
 */
export type Probabilities = Float32Array | Float64Array;

/** Throws unless `classCount` is an integer of at least 2. */
export function checkClassCount(classCount: number): void {
  if (!Number.isInteger(classCount) || classCount < 2) {
    throw new InvalidParameterError(`Class count must be an integer >= 2, got ${classCount}.`);
  }
}

/** Throws unless `array` holds `expected` values; `name` says which input in the message. */
export function checkLength(name: string, array: ArrayLike<unknown>, expected: number): void {
  if (array.length !== expected) {
    throw new InvalidParameterError(`${name} has ${array.length} values, expected ${expected}.`);
  }
}

/** Throws unless probabilities hold `rows x classCount` values. */
export function checkProbabilities(
  name: string,
  probabilities: Probabilities,
  rows: number,
  classCount: number,
): void {
  if (probabilities.length !== rows * classCount) {
    throw new InvalidParameterError(
      `${name} has ${probabilities.length} values, expected ${rows} rows x ${classCount} classes = ${rows * classCount}.`,
    );
  }
}

/**
 * The error for a class index outside 0..classCount-1. Built only on the failure path, so the hot loops
 * that index matrices by label pay one comparison per row for the check.
 */
export function labelOutOfRange(
  name: string,
  row: number,
  value: number,
  classCount: number,
): InvalidParameterError {
  return new InvalidParameterError(
    `${name} at row ${row} is ${value}, expected a class index from 0 to ${classCount - 1}.`,
  );
}

/** Throws unless `index` names one of the classes. */
export function checkClassIndex(name: string, index: number, classCount: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= classCount) {
    throw new InvalidParameterError(
      `${name} is ${index}, expected a class index from 0 to ${classCount - 1}.`,
    );
  }
}

/** Rows in a row-major [rows x classCount] probability array; throws when it is not a whole number. */
export function rowsOf(name: string, probabilities: Probabilities, classCount: number): number {
  checkClassCount(classCount);
  if (probabilities.length % classCount !== 0) {
    throw new InvalidParameterError(
      `${name} have ${probabilities.length} values, not a whole number of rows of ${classCount} classes.`,
    );
  }
  return probabilities.length / classCount;
}
