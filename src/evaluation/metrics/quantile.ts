import { InvalidParameterError } from '../../errors/assay-error.js';

// Beyond this many partition rounds the input is adversarial for median-of-three; sorting the
// remaining range bounds the cost at O(n log n).
const MAX_ROUNDS = 64;

function swap(values: Float64Array, i: number, j: number): void {
  const v = values[i] as number;
  values[i] = values[j] as number;
  values[j] = v;
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}

/**
 * Reorders `values` (NaN-free) so that `values[k]` is the k-th smallest, everything before it is <= and
 * everything after it >= (Hoare/Wirth selection: O(n) on average, duplicates split evenly).
 */
export function selectKth(values: Float64Array, k: number): void {
  let left = 0;
  let right = values.length - 1;
  for (let round = 0; left < right; round++) {
    if (round === MAX_ROUNDS) {
      values.subarray(left, right + 1).sort();
      return;
    }
    const pivot = medianOfThree(values[left] as number, values[k] as number, values[right] as number);
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) swap(values, i++, j--);
    }
    if (j < k) left = i;
    if (k < i) right = j;
  }
}

/**
 * numpy's default (`method='linear'`) percentile of `values`, `percent` in [0, 100]; reorders `values`.
 * The interpolation mirrors numpy's `_lerp` (from the upper neighbour when the fraction is >= 0.5) so the
 * last digits agree. Null for no values, NaN when any value is NaN (as numpy).
 */
export function percentile(values: Float64Array, percent: number): number | null {
  if (!(percent >= 0 && percent <= 100)) {
    throw new InvalidParameterError(`Percentile must be in [0, 100], got ${percent}.`);
  }
  const n = values.length;
  if (n === 0) return null;
  for (let i = 0; i < n; i++) if (values[i] !== values[i]) return Number.NaN;
  const virtual = (n - 1) * (percent / 100);
  const lower = Math.floor(virtual);
  const t = virtual - lower;
  selectKth(values, lower);
  const a = values[lower] as number;
  if (lower + 1 >= n) return a;
  // After selection everything past `lower` is >= a: the upper neighbour is their minimum.
  let b = values[lower + 1] as number;
  for (let i = lower + 2; i < n; i++) if ((values[i] as number) < b) b = values[i] as number;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
