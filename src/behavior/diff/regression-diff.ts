import type { RowMask } from '../../evaluation/metrics/row-mask.js';
import { checkMask, countIncluded } from '../../evaluation/metrics/row-mask.js';
import { checkLength } from '../../evaluation/metrics/metric-inputs.js';
import type { Histogram } from './delta-histogram.js';
import { histogram } from './delta-histogram.js';

export interface RegressionDiffInputs {
  readonly oldValues: Float64Array;
  readonly newValues: Float64Array;
  readonly mask?: RowMask | null;
  /** Equal-width histogram bins over the deltas' range (default 20). */
  readonly bins?: number;
}

/**
 * How a regressor's outputs moved, delta = new - old per included row: reference.json's keys plus a
 * histogram of the deltas (see delta-histogram.ts). Means and max are null without included rows and
 * NaN when a delta is NaN; the histogram counts the finite deltas.
 */
export interface RegressionDiff {
  readonly n: number;
  readonly mean_abs_delta: number | null;
  readonly max_abs_delta: number | null;
  readonly mean_delta: number | null;
  readonly histogram: Histogram;
}

/** Everything reference.json reports for two regressors on the same rows, over the included rows. */
export function regressionDiff(inputs: RegressionDiffInputs): RegressionDiff {
  const { oldValues, newValues, mask, bins = 20 } = inputs;
  const rows = oldValues.length;
  checkLength('New values', newValues, rows);
  checkMask(mask, rows);
  const deltas = new Float64Array(countIncluded(mask, rows));
  let n = 0;
  let sum = 0;
  let sumAbs = 0;
  let maxAbs = 0;
  for (let i = 0; i < rows; i++) {
    if (mask != null && mask[i] === 0) continue;
    const delta = (newValues[i] as number) - (oldValues[i] as number);
    deltas[n++] = delta;
    const abs = Math.abs(delta);
    sum += delta;
    sumAbs += abs;
    if (abs > maxAbs || abs !== abs) maxAbs = abs;
  }
  return {
    n,
    mean_abs_delta: n === 0 ? null : sumAbs / n,
    max_abs_delta: n === 0 ? null : maxAbs,
    mean_delta: n === 0 ? null : sum / n,
    histogram: histogram(deltas, bins),
  };
}
