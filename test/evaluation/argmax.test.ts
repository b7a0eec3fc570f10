import { describe, expect, it } from 'vitest';
import { argmaxLabels } from '../../src/evaluation/metrics/argmax.js';

describe('argmaxLabels', () => {
  it('takes the first of tied maxima and the first NaN, as numpy', () => {
    const probabilities = Float32Array.from([0.5, 0.5, 0.2, 0.8, 0.1, Number.NaN, Number.NaN, 0.9]);
    expect(Array.from(argmaxLabels(probabilities, 2))).toEqual([0, 1, 1, 0]);
  });

  it('handles several classes and refuses partial rows', () => {
    expect(Array.from(argmaxLabels(Float64Array.from([0.1, 0.2, 0.7, 0.3, 0.4, 0.3]), 3))).toEqual([2, 1]);
    expect(() => argmaxLabels(Float64Array.from([0.1, 0.2, 0.7]), 2)).toThrow(/not a whole number of rows/);
  });
});
