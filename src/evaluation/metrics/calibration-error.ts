import type { RowMask } from './row-mask.js';
import { checkMask } from './row-mask.js';
import type { Probabilities } from './metric-inputs.js';
import { checkClassCount, checkLength, checkProbabilities } from './metric-inputs.js';
import { InvalidParameterError } from '../../errors/assay-error.js';

/**
 * The bin of a confidence: bin i holds (i/bins, (i+1)/bins], 0 goes in the first. The edges are
 * compared as the float64 values i/bins, so a confidence equal to an edge lands exactly as the
 * definition says whatever rounding `p * bins` does. Values above 1 (float32 rounding of a sum) go in
 * the last bin, values below 0 in the first.
 */
export function binOf(confidence: number, bins: number): number {
  let b = Math.ceil(confidence * bins) - 1;
  if (b < 0) return 0;
  if (b > bins - 1) return bins - 1;
  while (b > 0 && confidence <= b / bins) b--;
  while (b < bins - 1 && confidence > (b + 1) / bins) b++;
  return b;
}

/** A row's top-class probability; NaN when any of its probabilities is NaN. */
export function topProbability(probabilities: Probabilities, base: number, classCount: number): number {
  let confidence = probabilities[base] as number;
  for (let c = 1; c < classCount; c++) {
    const p = probabilities[base + c] as number;
    if (p > confidence || p !== p) confidence = p;
    if (confidence !== confidence) break;
  }
  return confidence;
}

/** Sum over bins of |gap| / n: the calibration error from the bins' sums of (correct - confidence). */
export function eceFromGaps(gap: Float64Array, n: number): number | null {
  if (n === 0) return null;
  let ece = 0;
  for (let b = 0; b < gap.length; b++) ece += Math.abs(gap[b] as number);
  return ece / n;
}

/**
 * Expected calibration error over `bins` equal-width bins of the top-class probability (the data
 * README's definition): sum over bins of (rows in bin / n) * |accuracy in bin - mean confidence in bin|.
 * "Accurate" compares `predicted` with the true label, so the caller decides which labels count.
 * Null without included rows; NaN when an included row's top probability is NaN.
 */
export function expectedCalibrationError(
  yTrue: Int32Array,
  probabilities: Probabilities,
  predicted: Int32Array,
  classCount: number,
  mask?: RowMask | null,
  bins = 10,
): number | null {
  checkClassCount(classCount);
  if (!Number.isInteger(bins) || bins < 1) {
    throw new InvalidParameterError(`ECE bins must be a positive integer, got ${bins}.`);
  }
  const rows = yTrue.length;
  checkProbabilities('Probabilities', probabilities, rows, classCount);
  checkLength('Predicted labels', predicted, rows);
  checkMask(mask, rows);
  // Per bin: sum of (correct - confidence); |that sum| / n is the bin's term, so two sums suffice.
  const gap = new Float64Array(bins);
  let n = 0;
  for (let i = 0, base = 0; i < rows; i++, base += classCount) {
    if (mask != null && mask[i] === 0) continue;
    const confidence = topProbability(probabilities, base, classCount);
    if (confidence !== confidence) return Number.NaN;
    const correct = predicted[i] === yTrue[i] ? 1 : 0;
    gap[binOf(confidence, bins)]! += correct - confidence;
    n++;
  }
  return eceFromGaps(gap, n);
}
