import { describe, expect, it } from 'vitest';
import { classificationDiff } from '../../src/behavior/diff/classification-diff.js';
import { scoreDelta } from '../../src/behavior/diff/score-delta.js';
import { thresholdCrossings, thresholdKey } from '../../src/behavior/diff/threshold-crossings.js';

/** Binary probabilities [1 - s, s] for scores s. */
const binary = (...scores: number[]): Float64Array => Float64Array.from(scores.flatMap((s) => [1 - s, s]));

describe('score delta', () => {
  it('summarises new - old of the followed class', () => {
    const delta = scoreDelta({
      oldProbabilities: binary(0.1, 0.5, 0.9, 0.4),
      newProbabilities: binary(0.2, 0.5, 0.6, 0.4),
      classCount: 2,
      classIndex: 1,
    });
    // deltas 0.1, 0, -0.3, 0 -> |.|: 0.1, 0, 0.3, 0
    expect(delta.mean_abs).toBeCloseTo(0.1, 15);
    expect(delta.max_abs).toBeCloseTo(0.3, 15);
    expect(delta.p50).toBe(0);
    expect(delta.p99_abs).toBeCloseTo(0.1 + (0.3 - 0.1) * 0.97, 12);
  });

  it('is null for no rows and NaN when a delta is NaN', () => {
    const inputs = {
      oldProbabilities: binary(0.1, 0.5),
      newProbabilities: binary(0.2, Number.NaN),
      classCount: 2,
    };
    expect(scoreDelta({ ...inputs, classIndex: 1, mask: Uint8Array.from([0, 0]) })).toEqual({
      mean_abs: null,
      max_abs: null,
      p50: null,
      p99_abs: null,
    });
    const withNaN = scoreDelta({ ...inputs, classIndex: 1 });
    expect(withNaN.max_abs).toBeNaN();
    expect(withNaN.p50).toBeNaN();
    expect(scoreDelta({ ...inputs, classIndex: 1, mask: Uint8Array.from([1, 0]) }).max_abs).toBeCloseTo(
      0.1,
      15,
    );
  });
});

describe('threshold crossings', () => {
  it('counts a score reaching the threshold exactly as at or above', () => {
    const crossings = thresholdCrossings({
      oldProbabilities: binary(0.69, 0.7, 0.2, 0.95),
      newProbabilities: binary(0.7, 0.69, 0.3, 0.96),
      classCount: 2,
      classIndex: 1,
      thresholds: [0.7, 0.5],
    });
    expect(crossings).toEqual({ '0.7': { rate: 0.5, up: 1, down: 1 }, '0.5': { rate: 0, up: 0, down: 0 } });
  });

  it("follows any class of a multiclass model and keys thresholds as Python's str(float)", () => {
    const crossings = thresholdCrossings({
      oldProbabilities: Float64Array.from([0.2, 0.3, 0.5, 0.6, 0.2, 0.2]),
      newProbabilities: Float64Array.from([0.1, 0.3, 0.6, 0.2, 0.3, 0.5]),
      classCount: 3,
      classIndex: 2,
      thresholds: [0.5, 1, 0.5],
    });
    expect(crossings).toEqual({ '0.5': { rate: 0.5, up: 1, down: 0 }, '1.0': { rate: 0, up: 0, down: 0 } });
    expect(thresholdKey(0.9)).toBe('0.9');
    expect(thresholdKey(0.00001)).toBe('1e-05');
  });

  it('treats NaN as below every threshold, and has no rate without rows', () => {
    const inputs = {
      oldProbabilities: binary(0.8),
      newProbabilities: binary(Number.NaN),
      classCount: 2,
      classIndex: 1,
    };
    expect(thresholdCrossings({ ...inputs, thresholds: [0.5] })).toEqual({
      '0.5': { rate: 1, up: 0, down: 1 },
    });
    expect(thresholdCrossings({ ...inputs, thresholds: [0.5], mask: Uint8Array.from([0]) })).toEqual({
      '0.5': { rate: null, up: 0, down: 0 },
    });
    expect(() => thresholdCrossings({ ...inputs, thresholds: [Number.NaN] })).toThrow(
      /Threshold must be a finite/,
    );
  });
});

describe('classification diff', () => {
  const base = {
    yTrue: Int32Array.from([0, 1, 2]),
    oldLabels: Int32Array.from([0, 1, 2]),
    newLabels: Int32Array.from([0, 2, 2]),
    classCount: 3,
    oldProbabilities: Float64Array.from([0.8, 0.1, 0.1, 0.2, 0.6, 0.2, 0.1, 0.1, 0.8]),
    newProbabilities: Float64Array.from([0.8, 0.1, 0.1, 0.2, 0.3, 0.5, 0.1, 0.1, 0.8]),
  };

  it('follows no class of a multiclass model unless asked', () => {
    expect(classificationDiff(base)).not.toHaveProperty('score_delta');
    const followed = classificationDiff({ ...base, scoreClass: 2, thresholds: [0.5] });
    expect(followed.crossings).toEqual({ '0.5': { rate: 1 / 3, up: 1, down: 0 } });
    expect(followed.score_delta?.max_abs).toBeCloseTo(0.3, 15);
  });

  it('refuses one-sided probabilities', () => {
    expect(() => classificationDiff({ ...base, newProbabilities: null })).toThrow(
      /both models' probabilities/,
    );
  });
});
