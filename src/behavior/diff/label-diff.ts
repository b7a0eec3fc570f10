import type { RowMask } from '../../evaluation/metrics/row-mask.js';
import { checkMask } from '../../evaluation/metrics/row-mask.js';
import { checkClassCount, checkLength, labelOutOfRange } from '../../evaluation/metrics/metric-inputs.js';
import { countsToRows } from '../../evaluation/metrics/confusion-matrix.js';

export interface LabelDiffInputs {
  /** True class per row; null for unlabelled rows (then the flip split, btc and bec are null). */
  readonly yTrue: Int32Array | null;
  readonly oldLabels: Int32Array;
  readonly newLabels: Int32Array;
  readonly classCount: number;
  readonly mask?: RowMask | null;
}

/**
 * How two models' labels compare on the same rows, keyed as in reference.json (definitions in the data
 * README). Undefined ratios are null: every rate without included rows, `btc` when the old model got no
 * row right, `bec` when the new model got none wrong.
 */
export interface LabelDiff {
  readonly n: number;
  readonly agreement: number | null;
  readonly flip_rate: number | null;
  readonly negative_flip_rate: number | null;
  readonly positive_flip_rate: number | null;
  readonly negative_flips: number | null;
  readonly positive_flips: number | null;
  readonly btc: number | null;
  readonly bec: number | null;
  /** transitions[a][b]: included rows the old model labels a and the new labels b. */
  readonly transitions: number[][];
}

function rate(count: number, total: number): number | null {
  return total === 0 ? null : count / total;
}

/** Agreement, flips, BTC/BEC and the transition matrix, in one pass over the labels. */
export function labelDiff(inputs: LabelDiffInputs): LabelDiff {
  const { yTrue, oldLabels, newLabels, classCount, mask } = inputs;
  checkClassCount(classCount);
  const rows = oldLabels.length;
  checkLength('New labels', newLabels, rows);
  if (yTrue !== null) checkLength('True labels', yTrue, rows);
  checkMask(mask, rows);
  const transitions = new Float64Array(classCount * classCount);
  let n = 0;
  // Right/wrong cross-tabulation of (old, new); only needed with true labels.
  let bothRight = 0;
  let oldRightOnly = 0;
  let newRightOnly = 0;
  let bothWrong = 0;
  for (let i = 0; i < rows; i++) {
    if (mask != null && mask[i] === 0) continue;
    const a = oldLabels[i] as number;
    const b = newLabels[i] as number;
    if (a >>> 0 >= classCount) throw labelOutOfRange('Old label', i, a, classCount);
    if (b >>> 0 >= classCount) throw labelOutOfRange('New label', i, b, classCount);
    transitions[a * classCount + b]! += 1;
    n++;
    if (yTrue === null) continue;
    const t = yTrue[i] as number;
    if (t >>> 0 >= classCount) throw labelOutOfRange('True label', i, t, classCount);
    if (a === t) {
      if (b === t) bothRight++;
      else oldRightOnly++;
    } else if (b === t) newRightOnly++;
    else bothWrong++;
  }
  let agreeing = 0;
  for (let c = 0; c < classCount; c++) agreeing += transitions[c * classCount + c] as number;
  const labelled = yTrue !== null;
  return {
    n,
    agreement: rate(agreeing, n),
    flip_rate: rate(n - agreeing, n),
    negative_flip_rate: labelled ? rate(oldRightOnly, n) : null,
    positive_flip_rate: labelled ? rate(newRightOnly, n) : null,
    negative_flips: labelled ? oldRightOnly : null,
    positive_flips: labelled ? newRightOnly : null,
    btc: labelled ? rate(bothRight, bothRight + oldRightOnly) : null,
    bec: labelled ? rate(bothWrong, bothWrong + oldRightOnly) : null,
    transitions: countsToRows(transitions, classCount),
  };
}
