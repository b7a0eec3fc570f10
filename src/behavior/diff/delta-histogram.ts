import { InvalidParameterError } from '../../errors/assay-error.js';

/** `counts[i]` values fall in [edges[i], edges[i + 1]); the last bin also holds its right edge. */
export interface Histogram {
  readonly edges: number[];
  readonly counts: number[];
}

/**
 * `numpy.histogram(values, bins)`: `bins` equal-width bins over [min, max] of the finite values (edges as
 * `linspace`, the last bin closed, a value on an inner edge in the bin to its right), and the range
 * widened to [v - 0.5, v + 0.5] when every value is the same v. numpy refuses NaN; here non-finite values
 * are left out, so counts sum to the finite values. No finite value: no edges, no counts.
 */
export function histogram(values: Float64Array, bins = 20): Histogram {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new InvalidParameterError(`Histogram bins must be a positive integer, got ${bins}.`);
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max) || !Number.isFinite(min) || !Number.isFinite(max)) {
    return finiteOnlyHistogram(values, bins);
  }
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const edges = linspace(min, max, bins + 1);
  const counts = new Float64Array(bins);
  const width = max - min;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    // numpy's fast path: a scaled index, then a nudge where float rounding put a value next to its edge.
    let b = Math.floor(((v - min) / width) * bins);
    if (b >= bins) b = bins - 1;
    if (v < (edges[b] as number)) b--;
    else if (b !== bins - 1 && v >= (edges[b + 1] as number)) b++;
    counts[b]! += 1;
  }
  return { edges, counts: Array.from(counts) };
}

// Infinite values make the range infinite: bin the finite ones only (none left: an empty histogram).
function finiteOnlyHistogram(values: Float64Array, bins: number): Histogram {
  let finite = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite++;
  // (All finite cannot reach here; the check only makes the recursion visibly terminate.)
  if (finite === 0 || finite === values.length) return { edges: [], counts: [] };
  const kept = new Float64Array(finite);
  for (let i = 0, k = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) kept[k++] = values[i] as number;
  }
  return histogram(kept, bins);
}

/** numpy's `linspace(start, stop, count)`: start + i * step, the last value exactly `stop`. */
function linspace(start: number, stop: number, count: number): number[] {
  const step = (stop - start) / (count - 1);
  const out: number[] = [];
  for (let i = 0; i < count - 1; i++) out.push(start + i * step);
  out.push(stop);
  return out;
}
