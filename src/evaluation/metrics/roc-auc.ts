import { sortFloat32 } from './radix-sort.js';
import type { RowMask } from './row-mask.js';
import { checkMask } from './row-mask.js';
import type { Probabilities } from './metric-inputs.js';
import { checkClassCount, checkClassIndex, checkProbabilities, labelOutOfRange } from './metric-inputs.js';

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the share of (positive, negative) pairs the
 * score orders correctly, a tie counting one half. That is exactly what scikit-learn's trapezoidal
 * `roc_auc_score` gives with tied scores, and it needs two native typed-array sorts and one merge walk
 * instead of a comparator sort of row indices.
 */
function mannWhitneyAuc(
  positives: Float32Array | Float64Array,
  negatives: Float32Array | Float64Array,
): number {
  sortScores(positives);
  sortScores(negatives);
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

function sortScores(scores: Float32Array | Float64Array): void {
  if (scores instanceof Float32Array) sortFloat32(scores);
  else scores.sort();
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
  // float32 scores (onnxruntime's) stay float32, for the radix sort.
  const scores = probabilities instanceof Float32Array ? new Float32Array(rows) : new Float64Array(rows);
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
  return mannWhitneyAuc(scores.subarray(0, positives), scores.subarray(rows - negatives));
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
