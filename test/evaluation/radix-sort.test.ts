import { describe, expect, it } from 'vitest';
import { sortFloat32 } from '../../src/evaluation/metrics/radix-sort.js';
import { rocAuc } from '../../src/evaluation/metrics/roc-auc.js';

/** The reference order: the native typed-array sort (numeric, -0 before +0). */
function nativeSorted(values: Float32Array): Float32Array {
  return Float32Array.from(values).sort();
}

function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

/** A deterministic generator, so that a failure can be replayed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('sortFloat32', () => {
  it('orders the awkward values as the native sort does, bit for bit', () => {
    const values = Float32Array.from([
      0.5,
      -0.5,
      0,
      -0,
      Infinity,
      -Infinity,
      1e-45,
      -1e-45,
      1.1754942e-38,
      -1.1754942e-38,
      3.4028235e38,
      -3.4028235e38,
      0.5,
      0.25,
      -0,
      0,
      1,
      -1,
      1e-45,
    ]);
    const expected = nativeSorted(values);
    sortFloat32(values);
    expect(bits(values)).toEqual(bits(expected));
  });

  it('sorts a large random array with many duplicates exactly as the native sort does', () => {
    const random = lcg(7);
    const values = new Float32Array(200_000);
    for (let i = 0; i < values.length; i++) {
      const r = random();
      // A third coarse (ties), a third spread over magnitudes, a third plain probabilities.
      values[i] = i % 3 === 0 ? Math.round(r * 20) / 20 : i % 3 === 1 ? (r - 0.5) * 10 ** (r * 30 - 15) : r;
    }
    const expected = nativeSorted(values);
    sortFloat32(values);
    expect(bits(values)).toEqual(bits(expected));
  });

  it('sorts a view in place without touching the bytes around it', () => {
    const backing = Float32Array.from([9, 3, 1, 2, 9]);
    sortFloat32(backing.subarray(1, 4));
    expect(Array.from(backing)).toEqual([9, 1, 2, 3, 9]);
  });

  it('leaves empty and single-element arrays alone', () => {
    const empty = new Float32Array(0);
    sortFloat32(empty);
    expect(empty.length).toBe(0);
    const one = Float32Array.from([-2]);
    sortFloat32(one);
    expect(Array.from(one)).toEqual([-2]);
  });

  it('gives ROC AUC over float32 scores the same value as over the same scores in float64', () => {
    const random = lcg(11);
    const rows = 50_000;
    const labels = new Int32Array(rows);
    const probabilities32 = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const score = Math.fround(Math.round(random() * 1000) / 1000);
      labels[i] = random() < score ? 1 : 0;
      probabilities32[i * 2] = 1 - score;
      probabilities32[i * 2 + 1] = score;
    }
    const probabilities64 = Float64Array.from(probabilities32);
    expect(rocAuc(labels, probabilities32, 2, 1)).toBe(rocAuc(labels, probabilities64, 2, 1));
  });
});
