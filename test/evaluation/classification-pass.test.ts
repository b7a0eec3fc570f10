import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from '../../src/evaluation/metrics/calibration-error.js';
import { tallyClassification } from '../../src/evaluation/metrics/classification-pass.js';
import { confusionCounts } from '../../src/evaluation/metrics/confusion-matrix.js';
import { logLoss } from '../../src/evaluation/metrics/log-loss.js';
import { rocAuc } from '../../src/evaluation/metrics/roc-auc.js';
import { lcg, randomProbabilityRow } from './support/random-rows.js';

interface Rows {
  yTrue: Int32Array;
  predicted: Int32Array;
  probabilities: Float32Array;
  mask: Uint8Array;
}

/** Random rows of a classifier: softmax-like probabilities, coarse enough for ties, a random mask. */
function rows(count: number, classCount: number, seed: number): Rows {
  const random = lcg(seed);
  const yTrue = new Int32Array(count);
  const predicted = new Int32Array(count);
  const probabilities = new Float32Array(count * classCount);
  const mask = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const best = randomProbabilityRow(random, probabilities, i, classCount, 50);
    predicted[i] = best;
    yTrue[i] = random() < 0.7 ? best : Math.floor(random() * classCount);
    mask[i] = random() < 0.8 ? 1 : 0;
  }
  return { yTrue, predicted, probabilities, mask };
}

/** What each metric's own function gives. */
function separately({ yTrue, predicted, probabilities }: Rows, classCount: number, mask: Uint8Array | null) {
  return {
    counts: Array.from(confusionCounts(yTrue, predicted, classCount, mask)),
    logLoss: logLoss(yTrue, probabilities, classCount, mask),
    ece: expectedCalibrationError(yTrue, probabilities, predicted, classCount, mask),
    rocAuc: classCount === 2 ? rocAuc(yTrue, probabilities, classCount, 1, mask) : undefined,
  };
}

function tallied({ yTrue, predicted, probabilities }: Rows, classCount: number, mask: Uint8Array | null) {
  const tally = tallyClassification(yTrue, predicted, probabilities, classCount, mask);
  return { counts: Array.from(tally.counts), logLoss: tally.logLoss, ece: tally.ece, rocAuc: tally.rocAuc };
}

/**
 * Each metric written out the plain way, from its definition (data README, scikit-learn), sharing
 * no code with src/: log loss with probabilities clipped to [1e-15, 1 - 1e-15] and each row
 * renormalised; ECE over bins (i/10, (i+1)/10] of the top probability; ROC AUC over every pair.
 */
function byDefinition({ yTrue, predicted, probabilities }: Rows, classCount: number, mask: Uint8Array) {
  const included = Array.from(yTrue.keys()).filter((i) => mask[i] !== 0);
  const p = (i: number, c: number) => probabilities[i * classCount + c] as number;
  const counts = new Array<number>(classCount * classCount).fill(0);
  let loss = 0;
  const gap = new Array<number>(10).fill(0);
  for (const i of included) {
    const t = yTrue[i] as number;
    counts[t * classCount + (predicted[i] as number)]! += 1;
    const clip = (x: number) => Math.min(Math.max(x, 1e-15), 1 - 1e-15);
    let sum = 0;
    for (let c = 0; c < classCount; c++) sum += clip(p(i, c));
    loss -= Math.log(clip(p(i, t)) / sum);
    const top = Math.max(...Array.from({ length: classCount }, (_, c) => p(i, c)));
    let bin = 0;
    while (bin < 9 && !(top <= (bin + 1) / 10)) bin++;
    gap[bin]! += (predicted[i] === t ? 1 : 0) - top;
  }
  const positives = included.filter((i) => yTrue[i] === 1).map((i) => p(i, 1));
  const negatives = included.filter((i) => yTrue[i] !== 1).map((i) => p(i, 1));
  let pairs = 0;
  for (const a of positives) for (const b of negatives) pairs += a > b ? 1 : a === b ? 0.5 : 0;
  return {
    counts,
    logLoss: loss / included.length,
    ece: gap.reduce((sum, g) => sum + Math.abs(g), 0) / included.length,
    rocAuc: pairs / (positives.length * negatives.length),
  };
}

describe('one pass over a classifier’s rows', () => {
  it('gives what each metric’s definition gives, on awkward scores and a mask of any bytes', () => {
    const data = rows(600, 2, 17);
    const awkward = [-0, 0, 1, Infinity, -0.25, 1.5, 1e-20, 0.5];
    awkward.forEach((value, k) => (data.probabilities[2 * (k * 7) + 1] = value));
    const mask = Uint8Array.from(data.mask, (byte, i) => (byte === 0 ? 0 : (i % 5) + 1));
    const tally = tallyClassification(data.yTrue, data.predicted, data.probabilities, 2, mask);
    const expected = byDefinition(data, 2, mask);
    expect(Array.from(tally.counts)).toEqual(expected.counts);
    expect(tally.logLoss).toBeCloseTo(expected.logLoss, 12);
    expect(tally.ece).toBeCloseTo(expected.ece, 12);
    expect(tally.rocAuc).toBe(expected.rocAuc);
  });

  it.each([
    ['binary, every row', 2, false],
    ['binary, masked', 2, true],
    ['multiclass, masked', 4, true],
  ] as const)('gives exactly what each metric gives on its own: %s', (_, classCount, masked) => {
    const data = rows(20_000, classCount, 3);
    const mask = masked ? data.mask : null;
    expect(tallied(data, classCount, mask)).toEqual(separately(data, classCount, mask));
  });

  it('leaves float64 scores to rocAuc and still counts the rest', () => {
    const data = rows(1_000, 2, 5);
    const probabilities = Float64Array.from(data.probabilities);
    const tally = tallyClassification(data.yTrue, data.predicted, probabilities, 2, null);
    expect(tally.rocAuc).toBeUndefined();
    expect(tally.logLoss).toBe(logLoss(data.yTrue, probabilities, 2));
  });

  it('gives NaN for the score metrics of rows with a NaN probability, and still counts decisions', () => {
    const data = rows(1_000, 2, 9);
    data.probabilities[2 * 500 + 1] = Number.NaN;
    const tally = tallied(data, 2, null);
    expect(tally).toEqual(separately(data, 2, null));
    expect(tally.logLoss).toBeNaN();
    expect(tally.ece).toBeNaN();
    expect(tally.rocAuc).toBeNaN();
    expect(tally.counts.reduce((a, b) => a + b, 0)).toBe(1_000);
  });

  it('gives null without rows, or without one of the two classes for ROC AUC', () => {
    const data = rows(100, 2, 11);
    expect(tallied(data, 2, new Uint8Array(100))).toEqual({
      counts: [0, 0, 0, 0],
      logLoss: null,
      ece: null,
      rocAuc: null,
    });
    data.yTrue.fill(1);
    expect(tallied(data, 2, null).rocAuc).toBeNull();
  });

  it('reports the first invalid label as the confusion counts do', () => {
    const data = rows(100, 3, 13);
    data.predicted[40] = 7;
    data.yTrue[60] = -1;
    const expected = (() => {
      try {
        confusionCounts(data.yTrue, data.predicted, 3);
      } catch (error) {
        return (error as Error).message;
      }
      return null;
    })();
    expect(expected).toBe('Predicted label at row 40 is 7, expected a class index from 0 to 2.');
    expect(() => tallyClassification(data.yTrue, data.predicted, data.probabilities, 3, null)).toThrow(
      expected as string,
    );
  });
});
