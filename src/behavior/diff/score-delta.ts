import type { RowMask } from '../../evaluation/metrics/row-mask.js';
import { checkMask, countIncluded } from '../../evaluation/metrics/row-mask.js';
import type { Probabilities } from '../../evaluation/metrics/metric-inputs.js';
import { checkClassIndex, checkProbabilities, rowsOf } from '../../evaluation/metrics/metric-inputs.js';
import { percentile } from '../../evaluation/metrics/quantile.js';

export interface ScoreDeltaInputs {
  readonly oldProbabilities: Probabilities;
  readonly newProbabilities: Probabilities;
  readonly classCount: number;
  /** The probability column compared (1 for binary problems). */
  readonly classIndex: number;
  readonly mask?: RowMask | null;
}

/**
 * How one class's probability moved, new - old per row (computed in float64, as the reference does):
 * the mean and max of |delta|, the median of the signed delta and the 99th percentile of |delta|
 * (numpy's linear percentile). All null without included rows; NaN when a delta is NaN.
 */
export interface ScoreDelta {
  readonly mean_abs: number | null;
  readonly max_abs: number | null;
  readonly p50: number | null;
  readonly p99_abs: number | null;
}

/** Score delta of one class's probability over the included rows. */
export function scoreDelta(inputs: ScoreDeltaInputs): ScoreDelta {
  const { oldProbabilities, newProbabilities, classCount, classIndex, mask } = inputs;
  const rows = rowsOf('Old probabilities', oldProbabilities, classCount);
  checkClassIndex('Score class', classIndex, classCount);
  checkProbabilities('New probabilities', newProbabilities, rows, classCount);
  checkMask(mask, rows);
  // Only the included rows' deltas are kept: the quantiles reorder this buffer, never the inputs.
  const deltas = new Float64Array(countIncluded(mask, rows));
  let n = 0;
  let sumAbs = 0;
  let maxAbs = 0;
  for (let i = 0, at = classIndex; i < rows; i++, at += classCount) {
    if (mask != null && mask[i] === 0) continue;
    const delta = (newProbabilities[at] as number) - (oldProbabilities[at] as number);
    deltas[n++] = delta;
    const abs = Math.abs(delta);
    sumAbs += abs;
    // A NaN delta makes the max NaN and keeps it so, as numpy's max does.
    if (abs > maxAbs || abs !== abs) maxAbs = abs;
  }
  if (n === 0) return { mean_abs: null, max_abs: null, p50: null, p99_abs: null };
  const p50 = percentile(deltas, 50);
  for (let i = 0; i < n; i++) deltas[i] = Math.abs(deltas[i] as number);
  return { mean_abs: sumAbs / n, max_abs: maxAbs, p50, p99_abs: percentile(deltas, 99) };
}
