import { describe, expect, it } from 'vitest';
import { logLoss } from '../../src/evaluation/metrics/log-loss.js';

describe('log loss', () => {
  it('matches scikit-learn on its documented example', () => {
    // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
    const probabilities = Float64Array.from([0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65]);
    expect(logLoss(Int32Array.from([1, 0, 0, 1]), probabilities, 2)).toBeCloseTo(0.21616187468057912, 15);
  });

  it('clips a zero probability of the true class at 1e-15', () => {
    const loss = logLoss(Int32Array.from([0]), Float32Array.from([0, 1]), 2);
    expect(loss).toBeCloseTo(-Math.log(1e-15), 9);
  });

  it('renormalises rows that do not sum to one', () => {
    expect(logLoss(Int32Array.from([0]), Float64Array.from([0.2, 0.2]), 2)).toBeCloseTo(Math.log(2), 15);
  });

  it('is null for no rows and NaN for a NaN probability', () => {
    const yTrue = Int32Array.from([0, 1]);
    const probabilities = Float64Array.from([0.5, 0.5, Number.NaN, 0.5]);
    expect(logLoss(yTrue, probabilities, 2, Uint8Array.from([0, 0]))).toBeNull();
    expect(logLoss(yTrue, probabilities, 2)).toBeNaN();
    expect(logLoss(yTrue, probabilities, 2, Uint8Array.from([1, 0]))).toBeCloseTo(Math.log(2), 15);
  });

  it('refuses probabilities of the wrong size', () => {
    expect(() => logLoss(Int32Array.from([0, 1]), Float64Array.from([1, 0, 0]), 2)).toThrow(
      /Probabilities has 3 values, expected 2 rows x 2 classes = 4/,
    );
  });
});
