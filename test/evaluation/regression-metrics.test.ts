import { describe, expect, it } from 'vitest';
import { regressionMetrics } from '../../src/evaluation/metrics/regression-metrics.js';

const metrics = (yTrue: number[], yPred: number[], mask?: number[]) =>
  regressionMetrics({
    yTrue: Float64Array.from(yTrue),
    yPred: Float64Array.from(yPred),
    mask: mask ? Uint8Array.from(mask) : null,
  });

describe('regression metrics', () => {
  it('matches scikit-learn on a small example', () => {
    // mean_absolute_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) == 0.5, mean_squared_error == 0.375,
    // r2_score == 0.9486081370449679
    const m = metrics([3, -0.5, 2, 7], [2.5, 0, 2, 8]);
    expect(m.mae).toBe(0.5);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(m.r2).toBeCloseTo(0.9486081370449679, 15);
  });

  it('gives 0 error and R^2 = 1 for perfect predictions', () => {
    expect(metrics([1, 2, 3], [1, 2, 3])).toEqual({ mae: 0, rmse: 0, r2: 1 });
  });

  it('follows r2_score for constant targets and single rows', () => {
    expect(metrics([2, 2], [2, 2]).r2).toBe(1);
    expect(metrics([2, 2], [2, 3]).r2).toBe(0);
    expect(metrics([2, 5], [2, 3], [1, 0])).toEqual({ mae: 0, rmse: 0, r2: null });
  });

  it('is null for no rows and propagates NaN', () => {
    expect(metrics([1, 2], [1, 2], [0, 0])).toEqual({ mae: null, rmse: null, r2: null });
    const withNaN = metrics([1, Number.NaN, 3], [1, 2, 3]);
    expect(withNaN.mae).toBeNaN();
    expect(withNaN.r2).toBeNaN();
    expect(metrics([1, Number.NaN, 3], [1, 2, 4], [1, 0, 1]).mae).toBe(0.5);
  });
});
