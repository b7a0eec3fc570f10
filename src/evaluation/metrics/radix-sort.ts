/**
 * Sorting float32 scores by a radix sort on their bits: ROC AUC sorts every score of an evaluation,
 * and for a million rows this is about six times faster than the native comparison sort.
 *
 * A score's sortable key is its bits with positive floats' sign bit set and negative floats'
 * bits flipped, so that keys compare as unsigned integers in the floats' numeric order. -0 gets
 * the key of +0 (they are equal scores). NaN has no place in that order: callers check first.
 */

const SIGN = 0x80000000;

/** The sortable key of a float32 given by its bits (not NaN). */
export function sortableKey(bits: number): number {
  if (bits === SIGN) return SIGN; // -0: the key of +0
  return bits & SIGN ? ~bits >>> 0 : (bits | SIGN) >>> 0;
}

/** True when float32 bits are a NaN. */
export function isNanBits(bits: number): boolean {
  return (bits & 0x7fffffff) > 0x7f800000;
}

/**
 * Sorts keys ascending, in place: two stable counting passes on 16 bits each, whose two
 * histograms are counted in one read of the keys.
 */
export function sortKeys(keys: Uint32Array): void {
  const n = keys.length;
  if (n < 2) return;
  const low = new Uint32Array(65536);
  const high = new Uint32Array(65536);
  for (let i = 0; i < n; i++) {
    const key = keys[i] as number;
    low[key & 0xffff]! += 1;
    high[key >>> 16]! += 1;
  }
  const scratch = new Uint32Array(n);
  scatter(keys, scratch, offsets(low), 0);
  scatter(scratch, keys, offsets(high), 16);
}

/** Each digit's first position in the output, from its count. */
function offsets(counts: Uint32Array): Uint32Array {
  let total = 0;
  for (let digit = 0; digit < 65536; digit++) {
    const count = counts[digit] as number;
    counts[digit] = total;
    total += count;
  }
  return counts;
}

/** One stable pass on 16 bits of the keys, from `source` into `target`. */
function scatter(source: Uint32Array, target: Uint32Array, next: Uint32Array, shift: number): void {
  const n = source.length;
  for (let i = 0; i < n; i++) {
    const key = source[i] as number;
    const digit = (key >>> shift) & 0xffff;
    const at = next[digit] as number;
    target[at] = key;
    next[digit] = at + 1;
  }
}
