import { describe, expect, it } from 'vitest';
import { histogram } from '../../src/behavior/diff/delta-histogram.js';
import { regressionDiff } from '../../src/behavior/diff/regression-diff.js';

describe('histogram (numpy.histogram)', () => {
  it('closes only the last bin', () => {
    expect(histogram(Float64Array.from([1, 2, 2, 3, 4]), 3)).toEqual({
      edges: [1, 2, 3, 4],
      counts: [1, 2, 2],
    });
  });

  it('places values on rounded edges as numpy does', () => {
    // numpy.histogram([0, 0.1, 0.2, 0.30000000000000004, 1], bins=10) -> [1, 1, 1, 1, 0, 0, 0, 0, 0, 1]
    const { counts } = histogram(Float64Array.from([0, 0.1, 0.2, 0.30000000000000004, 1]), 10);
    expect(counts).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 1]);
    expect(histogram(Float64Array.from([-1.5, -0.5, 0, 0.25, 2]), 4)).toEqual({
      edges: [-1.5, -0.625, 0.25, 1.125, 2],
      counts: [1, 2, 1, 1],
    });
  });

  it('widens a single value to [v - 0.5, v + 0.5]', () => {
    expect(histogram(Float64Array.from([7, 7, 7]), 4)).toEqual({
      edges: [6.5, 6.75, 7, 7.25, 7.5],
      counts: [0, 0, 3, 0],
    });
  });

  it('leaves non-finite values out and is empty without finite ones', () => {
    const { counts } = histogram(Float64Array.from([1, Number.NaN, Infinity, 2]), 2);
    expect(counts).toEqual([1, 1]);
    expect(histogram(new Float64Array(0))).toEqual({ edges: [], counts: [] });
    expect(histogram(Float64Array.from([Number.NaN]))).toEqual({ edges: [], counts: [] });
  });
});

describe('regression diff', () => {
  it('summarises new - old over the included rows', () => {
    const diff = regressionDiff({
      oldValues: Float64Array.from([1, 2, 3, 10]),
      newValues: Float64Array.from([2, 2, 1, 0]),
      mask: Uint8Array.from([1, 1, 1, 0]),
      bins: 3,
    });
    expect(diff).toEqual({
      n: 3,
      mean_abs_delta: 1,
      max_abs_delta: 2,
      mean_delta: -1 / 3,
      histogram: { edges: [-2, -1, 0, 1], counts: [1, 0, 2] },
    });
  });

  it('is null for an empty subset and NaN-aware', () => {
    const values = { oldValues: Float64Array.from([1, 2]), newValues: Float64Array.from([Number.NaN, 3]) };
    expect(regressionDiff({ ...values, mask: new Uint8Array(2) })).toEqual({
      n: 0,
      mean_abs_delta: null,
      max_abs_delta: null,
      mean_delta: null,
      histogram: { edges: [], counts: [] },
    });
    const diff = regressionDiff(values);
    expect(diff.max_abs_delta).toBeNaN();
    expect(diff.mean_delta).toBeNaN();
    expect(diff.histogram.counts.reduce((a, b) => a + b, 0)).toBe(1);
  });
});
