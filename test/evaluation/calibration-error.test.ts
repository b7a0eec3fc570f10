import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from '../../src/evaluation/metrics/calibration-error.js';

const ece = (yTrue: number[], probabilities: number[], predicted: number[], mask?: number[]): number | null =>
  expectedCalibrationError(
    Int32Array.from(yTrue),
    Float64Array.from(probabilities),
    Int32Array.from(predicted),
    2,
    mask ? Uint8Array.from(mask) : null,
  );

describe('expected calibration error', () => {
  it('is 0 for confident correct predictions', () => {
    expect(ece([0, 1], [1, 0, 0, 1], [0, 1])).toBe(0);
  });

  it('weights each bin by its share of rows', () => {
    // Bin (0.7, 0.8]: two rows at 0.8, one right -> |0.5 - 0.8| * 2/4; bin (0.9, 1]: two right at 1 -> 0.
    expect(ece([0, 1, 1, 1], [0.8, 0.2, 0.8, 0.2, 0, 1, 0, 1], [0, 0, 1, 1])).toBeCloseTo(0.15, 15);
  });

  it('puts a confidence on an edge in the bin below it: (i/10, (i+1)/10]', () => {
    // 0.5 belongs to (0.4, 0.5]; 0.5000001 to (0.5, 0.6]. Same bin would average the two.
    const split = ece([0, 1], [0.5, 0.5, 0.4999999, 0.5000001], [0, 1]);
    expect(split).toBeCloseTo((0.5 + (1 - 0.5000001)) / 2, 12);
  });

  it('uses the given predictions for accuracy, not the argmax', () => {
    // Confidence 0.9 in both; the prediction says which is right.
    expect(ece([0], [0.9, 0.1], [0])).toBeCloseTo(0.1, 15);
    expect(ece([0], [0.9, 0.1], [1])).toBeCloseTo(0.9, 15);
  });

  it('is null for no rows and NaN when a top probability is NaN', () => {
    expect(ece([0, 1], [0.9, 0.1, 0.2, 0.8], [0, 1], [0, 0])).toBeNull();
    expect(ece([0, 1], [0.9, 0.1, Number.NaN, 0.8], [0, 1])).toBeNaN();
  });
});
