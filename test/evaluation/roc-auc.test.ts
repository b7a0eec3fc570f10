import { describe, expect, it } from 'vitest';
import { rocAuc, rocAucOvrMacro } from '../../src/evaluation/metrics/roc-auc.js';

/** Binary probabilities [1 - s, s] for scores s. */
function binary(scores: number[]): Float64Array {
  return Float64Array.from(scores.flatMap((s) => [1 - s, s]));
}

// Brute force over all (positive, negative) pairs, ties counting one half: the definition itself.
function pairwiseAuc(yTrue: Int32Array, scores: Float64Array): number {
  let pairs = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] !== 1) continue;
    for (let j = 0; j < yTrue.length; j++) {
      if (yTrue[j] !== 0) continue;
      total++;
      const a = scores[i] as number;
      const b = scores[j] as number;
      pairs += a > b ? 1 : a === b ? 0.5 : 0;
    }
  }
  return pairs / total;
}

describe('ROC AUC', () => {
  it("matches scikit-learn's documented example", () => {
    // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    expect(rocAuc(Int32Array.from([0, 0, 1, 1]), binary([0.1, 0.4, 0.35, 0.8]), 2, 1)).toBe(0.75);
  });

  it('counts tied scores as one half, as the trapezoidal curve does', () => {
    expect(rocAuc(Int32Array.from([0, 1, 0, 1]), binary([0.5, 0.5, 0.5, 0.9]), 2, 1)).toBe(0.75);
    expect(rocAuc(Int32Array.from([0, 1, 0, 1]), binary([0.3, 0.3, 0.3, 0.3]), 2, 1)).toBe(0.5);
  });

  it('equals the pairwise definition on random scores with many ties', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      const n = 50 + round * 10;
      const yTrue = Int32Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
      yTrue[0] = 0;
      yTrue[1] = 1;
      const scores = Float64Array.from({ length: n }, () => Math.round(random() * 8) / 8);
      const auc = rocAuc(yTrue, binary(Array.from(scores)), 2, 1);
      expect(auc).toBeCloseTo(pairwiseAuc(yTrue, scores), 14);
    }
  });

  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    const yTrue = Int32Array.from([0, 0, 1, 1]);
    expect(rocAuc(yTrue, binary([0.1, 0.2, 0.8, 0.9]), 2, 1)).toBe(1);
    expect(rocAuc(yTrue, binary([0.9, 0.8, 0.2, 0.1]), 2, 1)).toBe(0);
  });

  it('is null when only one class is present, NaN with a NaN score', () => {
    expect(rocAuc(Int32Array.from([1, 1]), binary([0.2, 0.9]), 2, 1)).toBeNull();
    expect(rocAuc(Int32Array.from([0, 1]), binary([0.2, 0.9]), 2, 1, Uint8Array.from([0, 1]))).toBeNull();
    expect(rocAuc(Int32Array.from([0, 1]), binary([Number.NaN, 0.9]), 2, 1)).toBeNaN();
  });

  it('averages one-vs-rest AUCs over classes, null when a class is missing', () => {
    const yTrue = Int32Array.from([0, 1, 2, 2]);
    const probabilities = Float64Array.from([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.2, 0.7, 0.5, 0.4, 0.1]);
    // Class 0: positive 0.8 vs negatives 0.2, 0.1, 0.5 -> 1. Class 1: 0.7 vs 0.1, 0.2, 0.4 -> 1.
    // Class 2: positives 0.7, 0.1 vs negatives 0.1, 0.1 -> (1 + 1 + 0.5 + 0.5) / 4 = 0.75.
    expect(rocAucOvrMacro(yTrue, probabilities, 3)).toBeCloseTo((1 + 1 + 0.75) / 3, 15);
    expect(rocAucOvrMacro(yTrue, probabilities, 3, Uint8Array.from([1, 0, 1, 1]))).toBeNull();
  });
});
