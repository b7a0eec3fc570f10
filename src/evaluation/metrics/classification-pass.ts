import { binOf, eceFromGaps, topProbability } from './calibration-error.js';
import { rowLoss } from './log-loss.js';
import type { Probabilities } from './metric-inputs.js';
import { labelOutOfRange } from './metric-inputs.js';
import { AucKeys } from './roc-auc.js';
import type { RowMask } from './row-mask.js';

/** Bins of the expected calibration error (the data README's definition). */
const ECE_BINS = 10;

/** What a classifier's metrics are made of, gathered from its rows in one pass. */
export interface ClassificationTally {
  /** Confusion counts, flat [true x predicted] (confusion-matrix.ts). */
  readonly counts: Float64Array;
  readonly logLoss: number | null;
  readonly ece: number | null;
  /**
   * ROC AUC of class 1 for binary problems scored in float32 (onnxruntime's); undefined otherwise,
   * when roc-auc.ts computes it on its own.
   */
  readonly rocAuc?: number | null;
}

/**
 * Confusion counts, log loss, calibration error and, for a binary float32 classifier, the sorted
 * score keys of ROC AUC, all in one read of the rows: each metric on its own reads every row again,
 * and an evaluation's metrics are computed once, over a million rows, right after the last is
 * scored, where a pass less is time saved. Every number equals what the metric's own function in
 * this folder gives (the same row-level formulas, summed in the same order); the first invalid
 * label found is reported as confusionCounts reports it.
 */
export function tallyClassification(
  yTrue: Int32Array,
  predicted: Int32Array,
  probabilities: Probabilities,
  classCount: number,
  mask: RowMask | null | undefined,
): ClassificationTally {
  const rows = yTrue.length;
  const counts = new Float64Array(classCount * classCount);
  const gap = new Float64Array(ECE_BINS);
  let eceIsNan = false;
  let lossSum = 0;
  let n = 0;
  // Binary float32 scores: positives' keys from the front of one buffer, negatives' from the back.
  const bits =
    classCount === 2 && probabilities instanceof Float32Array
      ? new Uint32Array(probabilities.buffer, probabilities.byteOffset, probabilities.length)
      : null;
  const keys = bits === null ? null : new AucKeys(rows);
  let aucIsNan = false;
  for (let i = 0, base = 0; i < rows; i++, base += classCount) {
    if (mask != null && mask[i] === 0) continue;
    const t = yTrue[i] as number;
    const p = predicted[i] as number;
    if (t >>> 0 >= classCount) throw labelOutOfRange('True label', i, t, classCount);
    if (p >>> 0 >= classCount) throw labelOutOfRange('Predicted label', i, p, classCount);
    counts[t * classCount + p]! += 1;
    lossSum += rowLoss(probabilities, base, t, classCount);
    const confidence = topProbability(probabilities, base, classCount);
    if (confidence !== confidence) eceIsNan = true;
    else gap[binOf(confidence, ECE_BINS)]! += (p === t ? 1 : 0) - confidence;
    if (keys !== null && !keys.add((bits as Uint32Array)[base + 1] as number, t === 1)) aucIsNan = true;
    n++;
  }
  const tally = {
    counts,
    logLoss: n === 0 ? null : lossSum / n,
    ece: eceIsNan ? Number.NaN : eceFromGaps(gap, n),
  };
  if (keys === null) return tally;
  return { ...tally, rocAuc: aucIsNan ? Number.NaN : keys.auc() };
}
