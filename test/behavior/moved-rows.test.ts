import { describe, expect, it } from 'vitest';
import { topMovedClassificationRows, topMovedRegressionRows } from '../../src/behavior/diff/moved-rows.js';

/** Binary probabilities [1 - s, s] for scores s. */
const binary = (scores: number[]): Float64Array => Float64Array.from(scores.flatMap((s) => [1 - s, s]));

describe('top moved rows', () => {
  it('puts flipped rows first, then the largest probability change, then the lower row', () => {
    const rows = topMovedClassificationRows({
      oldLabels: Int32Array.from([0, 0, 1, 0, 1, 0]),
      newLabels: Int32Array.from([0, 1, 1, 1, 1, 0]),
      classCount: 2,
      oldProbabilities: binary([0.1, 0.45, 0.9, 0.2, 0.8, 0.3]),
      newProbabilities: binary([0.4, 0.55, 0.5, 0.9, 0.4, 0.0]),
      k: 4,
    });
    expect(rows.map((r) => r.row)).toEqual([3, 1, 2, 4]);
    expect(rows[0]).toEqual({ row: 3, flipped: true, change: expect.closeTo(0.7, 12) as number });
    expect(rows[2]?.flipped).toBe(false);
  });

  it("follows the old model's predicted class for multiclass", () => {
    const rows = topMovedClassificationRows({
      oldLabels: Int32Array.from([2, 0]),
      newLabels: Int32Array.from([2, 0]),
      classCount: 3,
      // Row 0: class 2 moves 0.1 (class 1 moves 0.5, not followed); row 1: class 0 moves 0.3.
      oldProbabilities: Float64Array.from([0.0, 0.1, 0.9, 0.6, 0.2, 0.2]),
      newProbabilities: Float64Array.from([0.0, 0.6, 0.8, 0.3, 0.5, 0.2]),
      k: 2,
    });
    expect(rows.map((r) => r.row)).toEqual([1, 0]);
    expect(rows[1]?.change).toBeCloseTo(-0.1, 12);
  });

  it('equals a full sort on random data, with ties by row index, and respects the mask', () => {
    let seed = 3;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const n = 2000;
    const before = Float64Array.from({ length: n }, () => Math.round(random() * 20));
    const after = Float64Array.from({ length: n }, () => Math.round(random() * 20));
    const mask = Uint8Array.from({ length: n }, () => (random() < 0.7 ? 1 : 0));
    const expected = Array.from({ length: n }, (_, i) => i)
      .filter((i) => mask[i] === 1)
      .sort((a, b) => Math.abs(after[b]! - before[b]!) - Math.abs(after[a]! - before[a]!) || a - b)
      .slice(0, 25);
    const rows = topMovedRegressionRows({ oldValues: before, newValues: after, k: 25, mask });
    expect(rows.map((r) => r.row)).toEqual(expected);
    expect(rows[0]?.change).toBe(after[expected[0]!]! - before[expected[0]!]!);
  });

  it('ranks a NaN output as moved most, and handles k = 0 and k beyond the rows', () => {
    const values = {
      oldValues: Float64Array.from([1, 2, 3]),
      newValues: Float64Array.from([5, Number.NaN, 3]),
    };
    expect(topMovedRegressionRows({ ...values, k: 10 }).map((r) => r.row)).toEqual([1, 0, 2]);
    expect(topMovedRegressionRows({ ...values, k: 0 })).toEqual([]);
    expect(() => topMovedRegressionRows({ ...values, k: -1 })).toThrow(/non-negative integer/);
  });

  it('ranks by flips alone without probabilities', () => {
    const rows = topMovedClassificationRows({
      oldLabels: Int32Array.from([0, 1, 0]),
      newLabels: Int32Array.from([0, 0, 1]),
      classCount: 2,
      k: 3,
    });
    expect(rows).toEqual([
      { row: 1, flipped: true, change: null },
      { row: 2, flipped: true, change: null },
      { row: 0, flipped: false, change: null },
    ]);
  });
});
