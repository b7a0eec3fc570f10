import type { RowMask } from './row-mask.js';
import { checkMask } from './row-mask.js';
import { checkClassCount, checkLength, labelOutOfRange } from './metric-inputs.js';

/**
 * Confusion counts, flat row-major [classCount x classCount]: entry (t, p) counts included rows of true
 * class t predicted as p. Every label-based metric derives from these, so labels are read once.
 * Float64Array because counts may pass 2^31 and stay exact up to 2^53.
 */
export function confusionCounts(
  yTrue: Int32Array,
  predicted: Int32Array,
  classCount: number,
  mask?: RowMask | null,
): Float64Array {
  checkClassCount(classCount);
  const rows = yTrue.length;
  checkLength('Predicted labels', predicted, rows);
  checkMask(mask, rows);
  const counts = new Float64Array(classCount * classCount);
  for (let i = 0; i < rows; i++) {
    if (mask != null && mask[i] === 0) continue;
    const t = yTrue[i] as number;
    const p = predicted[i] as number;
    // One unsigned comparison rejects negatives and values >= classCount alike.
    if (t >>> 0 >= classCount) throw labelOutOfRange('True label', i, t, classCount);
    if (p >>> 0 >= classCount) throw labelOutOfRange('Predicted label', i, p, classCount);
    counts[t * classCount + p]! += 1;
  }
  return counts;
}

/** Flat counts as nested rows (rows = true class, columns = predicted class), the JSON shape. */
export function countsToRows(counts: Float64Array, classCount: number): number[][] {
  const rows: number[][] = [];
  for (let t = 0; t < classCount; t++)
    rows.push(Array.from(counts.subarray(t * classCount, (t + 1) * classCount)));
  return rows;
}

/** scikit-learn's `confusion_matrix` over all `classCount` classes (rows = true, columns = predicted). */
export function confusionMatrix(
  yTrue: Int32Array,
  predicted: Int32Array,
  classCount: number,
  mask?: RowMask | null,
): number[][] {
  return countsToRows(confusionCounts(yTrue, predicted, classCount, mask), classCount);
}
