import type { RowMask } from './row-mask.js';
import { checkMask } from './row-mask.js';
import type { Probabilities } from './metric-inputs.js';
import { checkClassCount, checkProbabilities, labelOutOfRange } from './metric-inputs.js';

/**
 * Probabilities are clipped to [1e-15, 1 - 1e-15] and each row is then renormalised to sum to 1, as
 * scikit-learn's `log_loss` did before 1.2 (eps=1e-15, `y_pred /= y_pred.sum(axis=1)`): the convention
 * that reproduces reference.json. Later releases clip at the dtype's epsilon (1.19e-7 for float32) and
 * stop renormalising, which changes the loss of a confidently wrong row (e.g. bc-wide-mlp by 0.007).
 */
const CLIP = 1e-15;

/** A probability as the loss reads it. */
export function clip(p: number): number {
  return p < CLIP ? CLIP : p > 1 - CLIP ? 1 - CLIP : p;
}

/** One row's loss: -log of its true class's clipped probability over the row's clipped sum. */
export function rowLoss(probabilities: Probabilities, base: number, t: number, classCount: number): number {
  let rowSum = 0;
  for (let c = 0; c < classCount; c++) rowSum += clip(probabilities[base + c] as number);
  return -Math.log(clip(probabilities[base + t] as number) / rowSum);
}

/**
 * Mean cross-entropy of the true class, scikit-learn's `log_loss` over all `classCount` columns.
 * Null without included rows; NaN when an included row holds a NaN probability.
 */
export function logLoss(
  yTrue: Int32Array,
  probabilities: Probabilities,
  classCount: number,
  mask?: RowMask | null,
): number | null {
  checkClassCount(classCount);
  const rows = yTrue.length;
  checkProbabilities('Probabilities', probabilities, rows, classCount);
  checkMask(mask, rows);
  let n = 0;
  let sum = 0;
  for (let i = 0, base = 0; i < rows; i++, base += classCount) {
    if (mask != null && mask[i] === 0) continue;
    const t = yTrue[i] as number;
    if (t >>> 0 >= classCount) throw labelOutOfRange('True label', i, t, classCount);
    sum += rowLoss(probabilities, base, t, classCount);
    n++;
  }
  return n === 0 ? null : sum / n;
}
