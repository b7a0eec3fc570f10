import { describe, expect, it } from 'vitest';
import { labelDiff } from '../../src/behavior/diff/label-diff.js';

const labels = (...values: number[]): Int32Array => Int32Array.from(values);

describe('label diff', () => {
  it('splits flips into negative and positive and computes btc and bec', () => {
    // rows: both right, old right only (negative flip), new right only (positive flip), both wrong (same label)
    const diff = labelDiff({
      yTrue: labels(0, 1, 1, 0, 1),
      oldLabels: labels(0, 1, 0, 1, 1),
      newLabels: labels(0, 0, 1, 1, 1),
      classCount: 2,
    });
    expect(diff).toEqual({
      n: 5,
      agreement: 3 / 5,
      flip_rate: 2 / 5,
      negative_flip_rate: 1 / 5,
      positive_flip_rate: 1 / 5,
      negative_flips: 1,
      positive_flips: 1,
      btc: 2 / 3, // of 3 rows the old got right, 2 stay right
      bec: 1 / 2, // of the new model's 2 errors, the old made 1
      transitions: [
        [1, 1],
        [1, 2],
      ],
    });
  });

  it('is fully compatible for identical models', () => {
    const y = labels(0, 1, 2, 2);
    const predicted = labels(0, 1, 2, 1);
    const diff = labelDiff({ yTrue: y, oldLabels: predicted, newLabels: predicted, classCount: 3 });
    expect(diff).toMatchObject({
      agreement: 1,
      flip_rate: 0,
      negative_flips: 0,
      positive_flips: 0,
      btc: 1,
      bec: 1,
    });
  });

  it('gives null btc when the old model got nothing right and null bec when the new makes no error', () => {
    const diff = labelDiff({
      yTrue: labels(0, 1),
      oldLabels: labels(1, 0),
      newLabels: labels(0, 1),
      classCount: 2,
    });
    expect(diff.btc).toBeNull();
    expect(diff.bec).toBeNull();
    expect(diff.positive_flip_rate).toBe(1);
  });

  it('leaves label-dependent numbers null without true labels', () => {
    const diff = labelDiff({ yTrue: null, oldLabels: labels(0, 1), newLabels: labels(0, 0), classCount: 2 });
    expect(diff).toMatchObject({
      n: 2,
      agreement: 0.5,
      flip_rate: 0.5,
      negative_flip_rate: null,
      positive_flip_rate: null,
      negative_flips: null,
      positive_flips: null,
      btc: null,
      bec: null,
    });
  });

  it('counts only included rows and gives null rates for an empty subset', () => {
    const inputs = {
      yTrue: labels(0, 1, 1),
      oldLabels: labels(0, 1, 0),
      newLabels: labels(1, 1, 0),
      classCount: 2,
    };
    expect(labelDiff({ ...inputs, mask: Uint8Array.from([0, 1, 1]) })).toMatchObject({
      n: 2,
      agreement: 1,
      negative_flips: 0,
    });
    expect(labelDiff({ ...inputs, mask: new Uint8Array(3) })).toEqual({
      n: 0,
      agreement: null,
      flip_rate: null,
      negative_flip_rate: null,
      positive_flip_rate: null,
      negative_flips: 0,
      positive_flips: 0,
      btc: null,
      bec: null,
      transitions: [
        [0, 0],
        [0, 0],
      ],
    });
  });

  it('names the row of an out-of-range label', () => {
    expect(() =>
      labelDiff({ yTrue: null, oldLabels: labels(0, 2), newLabels: labels(0, 1), classCount: 2 }),
    ).toThrow(/Old label at row 1 is 2/);
  });
});
