import { describe, expect, it } from 'vitest';
import { isNanBits, sortableKey, sortKeys } from '../../src/evaluation/metrics/radix-sort.js';
import { rocAuc } from '../../src/evaluation/metrics/roc-auc.js';
import { lcg } from './support/random-rows.js';

/** The keys of float32 values, in the order the native typed-array sort puts the values. */
function nativeOrderKeys(values: Float32Array): number[] {
  return keysOf(Float32Array.from(values).sort());
}

function keysOf(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length), sortableKey);
}

/** The float32 bits a sortable key came from: the key's inverse (+0 for -0). */
function keyBits(key: number): number {
  return key & 0x80000000 ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
}

/** A deterministic generator, so that a failure can be replayed. */
const AWKWARD = Float32Array.from([
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

describe('sortable keys of float32 scores', () => {
  it('compare as the values do, -0 and +0 alike', () => {
    const keys = keysOf(AWKWARD);
    for (let i = 0; i < AWKWARD.length; i++) {
      for (let j = 0; j < AWKWARD.length; j++) {
        const [a, b] = [AWKWARD[i] as number, AWKWARD[j] as number];
        const [ka, kb] = [keys[i] as number, keys[j] as number];
        expect(Math.sign(ka - kb)).toBe(a < b ? -1 : a > b ? 1 : 0);
      }
    }
  });

  it('give back the bits they came from (+0 for -0)', () => {
    const bits = new Uint32Array(AWKWARD.buffer);
    for (const value of bits) {
      expect(keyBits(sortableKey(value))).toBe(value === 0x80000000 ? 0 : value);
    }
  });

  it('recognise NaN by its bits', () => {
    const values = Float32Array.from([Number.NaN, -Number.NaN, Infinity, 0, 1]);
    const bits = Array.from(new Uint32Array(values.buffer));
    expect(bits.map(isNanBits)).toEqual([true, true, false, false, false]);
  });
});

describe('sortKeys', () => {
  it('orders the awkward values as the native sort does', () => {
    const keys = Uint32Array.from(keysOf(AWKWARD));
    sortKeys(keys);
    expect(Array.from(keys)).toEqual(nativeOrderKeys(AWKWARD));
  });

  it('sorts a large random array with many duplicates exactly as the native sort does', () => {
    const random = lcg(7);
    const values = new Float32Array(200_000);
    for (let i = 0; i < values.length; i++) {
      const r = random();
      // A third coarse (ties), a third spread over magnitudes, a third plain probabilities.
      values[i] = i % 3 === 0 ? Math.round(r * 20) / 20 : i % 3 === 1 ? (r - 0.5) * 10 ** (r * 30 - 15) : r;
    }
    const keys = Uint32Array.from(keysOf(values));
    sortKeys(keys);
    expect(Array.from(keys)).toEqual(nativeOrderKeys(values));
  });

  it('sorts a view in place without touching the keys around it', () => {
    const backing = Uint32Array.from([9, 3, 1, 2, 9]);
    sortKeys(backing.subarray(1, 4));
    expect(Array.from(backing)).toEqual([9, 1, 2, 3, 9]);
  });

  it('leaves empty and single-key arrays alone', () => {
    const empty = new Uint32Array(0);
    sortKeys(empty);
    expect(empty.length).toBe(0);
    const one = Uint32Array.from([7]);
    sortKeys(one);
    expect(Array.from(one)).toEqual([7]);
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
