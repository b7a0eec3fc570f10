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
 * and an evaluation's metrics are computed over a million rows, where a pass less is time saved.
 * Every number equals what the metric's own function in this folder gives (the same row-level
 * formulas, summed in the same order); the first invalid label found is reported as
 * confusionCounts reports it.
 */
export function tallyClassification(
  yTrue: Int32Array,
  predicted: Int32Array,
  probabilities: Probabilities,
  classCount: number,
  mask: RowMask | null | undefined,
): ClassificationTally {
  const tally = new ClassificationTallier(yTrue.length, classCount, probabilities instanceof Float32Array);
  tally.add(yTrue, predicted, probabilities, 0, yTrue.length, mask);
  return tally.result();
}

/**
 * tallyClassification, taken a range of rows at a time: an evaluation tallies each batch as its
 * predictions come in, while the model scores the next ones, rather than every row after the
 * last. Ranges added front to back sum in the order one pass over all the rows does, so the
 * numbers are the same to the last bit.
 */
export class ClassificationTallier {
  private readonly counts: Float64Array;
  private readonly gap = new Float64Array(ECE_BINS);
  private eceIsNan = false;
  private lossSum = 0;
  private n = 0;
  /** Binary float32 scores: positives' keys from the front of one buffer, negatives' from the back. */
  private readonly keys: AucKeys | null;
  private aucIsNan = false;

  /** `rows`: how many rows all the ranges hold at most; `float32`: whether the scores are float32. */
  constructor(
    rows: number,
    private readonly classCount: number,
    float32: boolean,
  ) {
    this.counts = new Float64Array(classCount * classCount);
    this.keys = classCount === 2 && float32 ? new AucKeys(rows) : null;
  }

  /** Rows [from, to) of the arrays (mask 0: left out). */
  add(
    yTrue: Int32Array,
    predicted: Int32Array,
    probabilities: Probabilities,
    from: number,
    to: number,
    mask: RowMask | null | undefined,
  ): void {
    const { classCount, counts, gap, keys } = this;
    const bits =
      keys !== null
        ? new Uint32Array(probabilities.buffer, probabilities.byteOffset, probabilities.length)
        : null;
    let lossSum = this.lossSum;
    let n = this.n;
    for (let i = from, base = from * classCount; i < to; i++, base += classCount) {
      if (mask != null && mask[i] === 0) continue;
      const t = yTrue[i] as number;
      const p = predicted[i] as number;
      if (t >>> 0 >= classCount) throw labelOutOfRange('True label', i, t, classCount);
      if (p >>> 0 >= classCount) throw labelOutOfRange('Predicted label', i, p, classCount);
      counts[t * classCount + p]! += 1;
      lossSum += rowLoss(probabilities, base, t, classCount);
      const confidence = topProbability(probabilities, base, classCount);
      if (confidence !== confidence) this.eceIsNan = true;
      else gap[binOf(confidence, ECE_BINS)]! += (p === t ? 1 : 0) - confidence;
      if (keys !== null && !keys.add((bits as Uint32Array)[base + 1] as number, t === 1))
        this.aucIsNan = true;
      n++;
    }
    this.lossSum = lossSum;
    this.n = n;
  }

  /** The tally of every row added. Sorts ROC AUC's keys: call it once. */
  result(): ClassificationTally {
    const { n } = this;
    const tally = {
      counts: this.counts,
      logLoss: n === 0 ? null : this.lossSum / n,
      ece: this.eceIsNan ? Number.NaN : eceFromGaps(this.gap, n),
    };
    if (this.keys === null) return tally;
    return { ...tally, rocAuc: this.aucIsNan ? Number.NaN : this.keys.auc() };
  }
}
