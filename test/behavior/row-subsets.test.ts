import { describe, expect, it } from 'vitest';
import { argmaxLabels } from '../../src/evaluation/metrics/argmax.js';
import { classificationMetrics } from '../../src/evaluation/metrics/classification-metrics.js';
import { regressionMetrics } from '../../src/evaluation/metrics/regression-metrics.js';
import { countIncluded } from '../../src/evaluation/metrics/row-mask.js';
import { classificationDiff } from '../../src/behavior/diff/classification-diff.js';
import { regressionDiff } from '../../src/behavior/diff/regression-diff.js';
import {
  classLabels,
  diffPair,
  loadFixture,
  numericLabels,
  runModel,
} from '../evaluation/support/fixture-models.js';

// A mask must give exactly the numbers of the same rows copied out: slices depend on it.
function pick<T extends Int32Array | Float32Array | Float64Array>(values: T, mask: Uint8Array, width = 1): T {
  const out = new (values.constructor as new (length: number) => T)(countIncluded(mask, mask.length) * width);
  let k = 0;
  mask.forEach((included, i) => {
    if (included) for (let c = 0; c < width; c++) out[k++] = values[i * width + c] as number;
  });
  return out;
}

describe('row subsets', () => {
  it.each([
    ['breast_cancer', 'mean_radius', 15],
    ['iris', 'sepal_width', 3],
  ])('%s: a masked classification slice equals the copied rows', async (name, column, cut) => {
    const fixture = loadFixture(name);
    const mask = Uint8Array.from(fixture.rows, (row) => (Number(row[column]) > cut ? 1 : 0));
    expect(countIncluded(mask, mask.length)).toBeGreaterThan(5);
    const yTrue = classLabels(fixture);
    const [oldFile, newFile] = diffPair(Object.keys(fixture.reference.diffs)[0] as string);
    const before = await runModel(fixture, oldFile);
    const after = await runModel(fixture, newFile);
    const classCount = before.classCount as number;
    const oldP = before.probabilities as Float32Array;
    const newP = after.probabilities as Float32Array;
    const oldLabels = argmaxLabels(oldP, classCount);
    const newLabels = argmaxLabels(newP, classCount);

    const masked = classificationMetrics({
      yTrue,
      predicted: oldLabels,
      probabilities: oldP,
      classCount,
      mask,
    });
    const copied = classificationMetrics({
      yTrue: pick(yTrue, mask),
      predicted: pick(oldLabels, mask),
      probabilities: pick(oldP, mask, classCount),
      classCount,
    });
    expect(masked).toEqual(copied);

    const common = { classCount, thresholds: [0.5, 0.7, 0.9], scoreClass: classCount - 1 };
    const maskedDiff = classificationDiff({
      ...common,
      yTrue,
      oldLabels,
      newLabels,
      oldProbabilities: oldP,
      newProbabilities: newP,
      mask,
    });
    const copiedDiff = classificationDiff({
      ...common,
      yTrue: pick(yTrue, mask),
      oldLabels: pick(oldLabels, mask),
      newLabels: pick(newLabels, mask),
      oldProbabilities: pick(oldP, mask, classCount),
      newProbabilities: pick(newP, mask, classCount),
    });
    expect(maskedDiff).toEqual(copiedDiff);
    expect(maskedDiff.n).toBe(countIncluded(mask, mask.length));
  });

  it('bike_sharing: a masked regression slice equals the copied rows', async () => {
    const fixture = loadFixture('bike_sharing');
    const mask = Uint8Array.from(fixture.rows, (row) =>
      row.weather === 'clear' && row.workingday === '1' ? 1 : 0,
    );
    const yTrue = numericLabels(fixture);
    const before = (await runModel(fixture, 'bike-v1.onnx')).values as Float64Array;
    const after = (await runModel(fixture, 'bike-v2.onnx')).values as Float64Array;
    expect(regressionMetrics({ yTrue, yPred: after, mask })).toEqual(
      regressionMetrics({ yTrue: pick(yTrue, mask), yPred: pick(after, mask) }),
    );
    expect(regressionDiff({ oldValues: before, newValues: after, mask })).toEqual(
      regressionDiff({ oldValues: pick(before, mask), newValues: pick(after, mask) }),
    );
  });
});
