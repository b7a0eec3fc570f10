import { isNanBits, sortableKey, sortKeys } from './radix-sort.js';
import type { RowMask } from './row-mask.js';
import { checkMask } from './row-mask.js';
import type { Probabilities } from './metric-inputs.js';
import { checkClassCount, checkClassIndex, checkProbabilities, labelOutOfRange } from './metric-inputs.js';

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the share of (positive, negative) pairs the
 * score orders correctly, a tie counting one half. That is exactly what scikit-learn's trapezoidal
 * `roc_auc_score` gives with tied scores, and it needs two sorts and one merge walk instead of a
 * comparator sort of row indices. Scores are compared as given: float64 values, or the sortable
 * keys of float32 ones (radix-sort.ts), whose order and ties are the scores' own.
 */
function mannWhitneyAuc(
  positives: Uint32Array | Float64Array,
  negatives: Uint32Array | Float64Array,
): number {
  let below = 0; // negatives strictly below the current positive score
  let pairs = 0;
  for (let i = 0; i < positives.length;) {
    const score = positives[i] as number;
    let same = i + 1;
    while (same < positives.length && positives[same] === score) same++;
    while (below < negatives.length && (negatives[below] as number) < score) below++;
    let equal = below;
    while (equal < negatives.length && negatives[equal] === score) equal++;
    pairs += (same - i) * (below + (equal - below) / 2);
    i = same;
  }
  return pairs / (positives.length * negatives.length);
}

/**
 * The float32 scores of one ROC AUC, gathered row by row as sortable keys (radix-sort.ts): positives
 * fill one buffer from the front and negatives from the back, one allocation for both.
 */
export class AucKeys {
  private readonly keys: Uint32Array;
  private positives = 0;
  private negatives = 0;

  constructor(private readonly rows: number) {
    this.keys = new Uint32Array(rows);
  }

  /** Adds one row's score, given by its float32 bits; false, adding nothing, when it is NaN. */
  add(scoreBits: number, isPositive: boolean): boolean {
    if (isNanBits(scoreBits)) return false;
    if (isPositive) this.keys[this.positives++] = sortableKey(scoreBits);
    else this.keys[this.rows - ++this.negatives] = sortableKey(scoreBits);
    return true;
  }

  /** The AUC of the rows added; null without positives or negatives. Sorts the keys in place. */
  auc(): number | null {
    if (this.positives === 0 || this.negatives === 0) return null;
    const positives = this.keys.subarray(0, this.positives);
    const negatives = this.keys.subarray(this.rows - this.negatives);
    sortKeys(positives);
    sortKeys(negatives);
    return mannWhitneyAuc(positives, negatives);
  }
}

/**
 * One-vs-rest ROC AUC of class `positive`, scored by its probability column (for binary problems,
 * scikit-learn's `roc_auc_score(y, p[:, 1])` with `positive = 1`). Null when the included rows lack
 * positives or negatives (scikit-learn refuses: "Only one class present"); NaN when a score is NaN.
 */
export function rocAuc(
  yTrue: Int32Array,
  probabilities: Probabilities,
  classCount: number,
  positive: number,
  mask?: RowMask | null,
): number | null {
  checkClassCount(classCount);
  checkClassIndex('Positive class', positive, classCount);
  const rows = yTrue.length;
  checkProbabilities('Probabilities', probabilities, rows, classCount);
  checkMask(mask, rows);
  // Positives fill the buffer from the front and negatives from the back: one allocation, one pass.
  if (probabilities instanceof Float32Array) {
    // onnxruntime's float32 scores are sorted as keys of their bits, by the radix sort.
    const bits = new Uint32Array(probabilities.buffer, probabilities.byteOffset, probabilities.length);
    const keys = new AucKeys(rows);
    for (let i = 0, at = positive; i < rows; i++, at += classCount) {
      if (mask != null && mask[i] === 0) continue;
      const t = yTrue[i] as number;
      if (t >>> 0 >= classCount) throw labelOutOfRange('True label', i, t, classCount);
      if (!keys.add(bits[at] as number, t === positive)) return Number.NaN;
    }
    return keys.auc();
  }
  const scores = new Float64Array(rows);
  let positives = 0;
  let negatives = 0;
  for (let i = 0, at = positive; i < rows; i++, at += classCount) {
    if (mask != null && mask[i] === 0) continue;
    const t = yTrue[i] as number;
    if (t >>> 0 >= classCount) throw labelOutOfRange('True label', i, t, classCount);
    const score = probabilities[at] as number;
    if (score !== score) return Number.NaN;
    if (t === positive) scores[positives++] = score;
    else scores[rows - ++negatives] = score;
  }
  if (positives === 0 || negatives === 0) return null;
  return mannWhitneyAuc(scores.subarray(0, positives).sort(), scores.subarray(rows - negatives).sort());
}

/**
 * scikit-learn's `roc_auc_score(multi_class='ovr', average='macro')`: the unweighted mean of every
 * class's one-vs-rest AUC. Null when some class has no positive or no negative among the included rows
 * (scikit-learn refuses those too); NaN when a score is NaN.
 */
export function rocAucOvrMacro(
  yTrue: Int32Array,
  probabilities: Probabilities,
  classCount: number,
  mask?: RowMask | null,
): number | null {
  let sum = 0;
  for (let c = 0; c < classCount; c++) {
    const auc = rocAuc(yTrue, probabilities, classCount, c, mask);
    if (auc === null) return null;
    sum += auc;
  }
  return sum / classCount;
}
