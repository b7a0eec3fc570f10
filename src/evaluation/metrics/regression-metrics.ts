import type { RowMask } from './row-mask.js';
import { checkMask } from './row-mask.js';
import { checkLength } from './metric-inputs.js';

export interface RegressionInputs {
  readonly yTrue: Float64Array;
  readonly yPred: Float64Array;
  readonly mask?: RowMask | null;
}

/** Regressor metrics keyed as in reference.json; null when undefined for the rows (see regressionMetrics). */
export interface RegressionMetrics {
  readonly mae: number | null;
  readonly rmse: number | null;
  readonly r2: number | null;
}

/**
 * MAE, RMSE and R^2 (scikit-learn's `mean_absolute_error`, `sqrt(mean_squared_error)`, `r2_score`).
 * No included row: all null. R^2 follows `r2_score`: null below two rows (scikit-learn returns NaN and
 * warns), and for constant targets 1 when predictions are exact, else 0 (`force_finite=True`).
 * NaN in either input propagates (mask out rows without a label).
 */
export function regressionMetrics(inputs: RegressionInputs): RegressionMetrics {
  const { yTrue, yPred, mask } = inputs;
  const rows = yTrue.length;
  checkLength('Predictions', yPred, rows);
  checkMask(mask, rows);
  let n = 0;
  let sumTrue = 0;
  let sumAbs = 0;
  let sumSquares = 0;
  for (let i = 0; i < rows; i++) {
    if (mask != null && mask[i] === 0) continue;
    const t = yTrue[i] as number;
    const error = t - (yPred[i] as number);
    sumTrue += t;
    sumAbs += Math.abs(error);
    sumSquares += error * error;
    n++;
  }
  if (n === 0) return { mae: null, rmse: null, r2: null };
  return {
    mae: sumAbs / n,
    rmse: Math.sqrt(sumSquares / n),
    r2: rSquared(yTrue, mask, n, sumTrue / n, sumSquares),
  };
}

// A second pass around the mean: the one-pass sum-of-squares shortcut loses digits on large targets.
function rSquared(
  yTrue: Float64Array,
  mask: RowMask | null | undefined,
  n: number,
  mean: number,
  residualSquares: number,
): number | null {
  if (n < 2) return null;
  let totalSquares = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (mask != null && mask[i] === 0) continue;
    const d = (yTrue[i] as number) - mean;
    totalSquares += d * d;
  }
  if (totalSquares === 0) return residualSquares === 0 ? 1 : 0;
  return 1 - residualSquares / totalSquares;
}
