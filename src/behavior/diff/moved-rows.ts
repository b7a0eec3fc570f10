import type { RowMask } from '../../evaluation/metrics/row-mask.js';
import { checkMask } from '../../evaluation/metrics/row-mask.js';
import type { Probabilities } from '../../evaluation/metrics/metric-inputs.js';
import {
  checkClassCount,
  checkLength,
  checkProbabilities,
  labelOutOfRange,
} from '../../evaluation/metrics/metric-inputs.js';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { checkBothOrNeither, defaultScoreClass } from './score-class.js';
import { TopRows } from './top-rows.js';

/** A row that moved: its index in the input arrays, whether its label flipped, and new - old of its score. */
export interface MovedRow {
  readonly row: number;
  readonly flipped: boolean;
  /** Classification: the followed probability's change (null without probabilities); regression: the delta. */
  readonly change: number | null;
}

export interface ClassificationMovedRowsInputs {
  readonly oldLabels: Int32Array;
  readonly newLabels: Int32Array;
  readonly classCount: number;
  readonly oldProbabilities?: Probabilities | null;
  readonly newProbabilities?: Probabilities | null;
  /** The probability followed; default 1 for binary, and the old model's predicted class for multiclass. */
  readonly scoreClass?: number | null;
  readonly k: number;
  readonly mask?: RowMask | null;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 0) {
    throw new InvalidParameterError(`Top row count must be a non-negative integer, got ${k}.`);
  }
}

/**
 * The k included rows that moved most between two classifiers: rows whose label flipped first, then by
 * |change| of the followed probability (the positive class for binary, else the class the old model
 * predicted: what a consumer of the old model acted on), then by row index. Best first.
 */
export function topMovedClassificationRows(inputs: ClassificationMovedRowsInputs): MovedRow[] {
  const { oldLabels, newLabels, classCount, oldProbabilities, newProbabilities, k, mask } = inputs;
  checkClassCount(classCount);
  checkK(k);
  const rows = oldLabels.length;
  checkLength('New labels', newLabels, rows);
  checkMask(mask, rows);
  checkBothOrNeither(oldProbabilities, newProbabilities);
  if (oldProbabilities != null) checkProbabilities('Old probabilities', oldProbabilities, rows, classCount);
  if (newProbabilities != null) checkProbabilities('New probabilities', newProbabilities, rows, classCount);
  const fixedClass = defaultScoreClass(classCount, inputs.scoreClass);
  const changeAt =
    oldProbabilities != null && newProbabilities != null
      ? (row: number): number => {
          const c = fixedClass ?? (oldLabels[row] as number);
          if (c >>> 0 >= classCount) throw labelOutOfRange('Old label', row, c, classCount);
          return (
            (newProbabilities[row * classCount + c] as number) -
            (oldProbabilities[row * classCount + c] as number)
          );
        }
      : null;
  const top = new TopRows(k);
  for (let i = 0; i < rows; i++) {
    if (mask != null && mask[i] === 0) continue;
    top.offer(i, oldLabels[i] !== newLabels[i], changeAt === null ? 0 : Math.abs(changeAt(i)));
  }
  return top.ranked().map((row) => ({
    row,
    flipped: oldLabels[row] !== newLabels[row],
    change: changeAt === null ? null : changeAt(row),
  }));
}

export interface RegressionMovedRowsInputs {
  readonly oldValues: Float64Array;
  readonly newValues: Float64Array;
  readonly k: number;
  readonly mask?: RowMask | null;
}

/** The k included rows whose regression output moved most (largest |new - old|, then row index). Best first. */
export function topMovedRegressionRows(inputs: RegressionMovedRowsInputs): MovedRow[] {
  const { oldValues, newValues, k, mask } = inputs;
  checkK(k);
  const rows = oldValues.length;
  checkLength('New values', newValues, rows);
  checkMask(mask, rows);
  const top = new TopRows(k);
  for (let i = 0; i < rows; i++) {
    if (mask != null && mask[i] === 0) continue;
    top.offer(i, false, Math.abs((newValues[i] as number) - (oldValues[i] as number)));
  }
  return top.ranked().map((row) => ({
    row,
    flipped: false,
    change: (newValues[row] as number) - (oldValues[row] as number),
  }));
}
