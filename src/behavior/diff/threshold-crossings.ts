import type { RowMask } from '../../evaluation/metrics/row-mask.js';
import { checkMask } from '../../evaluation/metrics/row-mask.js';
import type { Probabilities } from '../../evaluation/metrics/metric-inputs.js';
import { checkClassIndex, checkProbabilities, rowsOf } from '../../evaluation/metrics/metric-inputs.js';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { pyFloatRepr } from '../../util/python-repr.js';

export interface CrossingInputs {
  readonly oldProbabilities: Probabilities;
  readonly newProbabilities: Probabilities;
  readonly classCount: number;
  /** The probability column whose decision thresholds are checked (1 for binary problems). */
  readonly classIndex: number;
  readonly thresholds: readonly number[];
  readonly mask?: RowMask | null;
}

/**
 * Rows whose decision at one threshold changed: `up` = old below t, new at or above; `down` the
 * reverse; `rate` = (up + down) / n, null without included rows. A NaN probability is "below" every
 * threshold, as numpy's `p >= t` is False for NaN.
 */
export interface Crossing {
  readonly rate: number | null;
  readonly up: number;
  readonly down: number;
}

/**
 * The JSON key of a threshold: Python's `str(float)` ("0.5", "0.7", "1.0", "1e-05"), the keys the
 * reference's `crossings` object uses.
 */
export function thresholdKey(threshold: number): string {
  return pyFloatRepr(threshold);
}

/** Decision changes at each threshold, keyed by thresholdKey, in the order the thresholds are given. */
export function thresholdCrossings(inputs: CrossingInputs): Record<string, Crossing> {
  const { oldProbabilities, newProbabilities, classCount, classIndex, thresholds, mask } = inputs;
  const rows = rowsOf('Old probabilities', oldProbabilities, classCount);
  checkClassIndex('Threshold class', classIndex, classCount);
  checkProbabilities('New probabilities', newProbabilities, rows, classCount);
  checkMask(mask, rows);
  for (const t of thresholds) {
    if (!Number.isFinite(t)) throw new InvalidParameterError(`Threshold must be a finite number, got ${t}.`);
  }
  const unique = [...new Set(thresholds)];
  const levels = Float64Array.from(unique);
  const up = new Float64Array(levels.length);
  const down = new Float64Array(levels.length);
  let n = 0;
  for (let i = 0, at = classIndex; i < rows; i++, at += classCount) {
    if (mask != null && mask[i] === 0) continue;
    n++;
    const before = oldProbabilities[at] as number;
    const after = newProbabilities[at] as number;
    // An unchanged score cannot cross anything: when most rows agree, this skips most of the work.
    if (before === after) continue;
    for (let k = 0; k < levels.length; k++) {
      const t = levels[k] as number;
      const wasAbove = before >= t;
      const isAbove = after >= t;
      if (wasAbove !== isAbove) {
        if (isAbove) up[k]! += 1;
        else down[k]! += 1;
      }
    }
  }
  const result: Record<string, Crossing> = {};
  unique.forEach((t, k) => {
    const u = up[k] as number;
    const d = down[k] as number;
    result[thresholdKey(t)] = { rate: n === 0 ? null : (u + d) / n, up: u, down: d };
  });
  return result;
}
