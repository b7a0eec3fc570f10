import { describe, expect, it } from 'vitest';
import { argmaxLabels } from '../../src/evaluation/metrics/argmax.js';
import { classificationDiff } from '../../src/behavior/diff/classification-diff.js';
import { regressionDiff } from '../../src/behavior/diff/regression-diff.js';
import type { Fixture, ModelOutputs } from '../evaluation/support/fixture-models.js';
import { classLabels, diffPair, loadFixture, runModel } from '../evaluation/support/fixture-models.js';
import { referenceMismatches } from '../evaluation/support/reference-compare.js';

// The thresholds the data README lists for `crossings`.
const THRESHOLDS = [0.5, 0.7, 0.9];

async function outputs(fixture: Fixture, model: string): Promise<ModelOutputs> {
  return runModel(fixture, model);
}

describe.each(['breast_cancer', 'iris'])('classification diffs on %s', (name) => {
  const fixture = loadFixture(name);
  const yTrue = classLabels(fixture);

  it.each(Object.keys(fixture.reference.diffs))('%s matches reference.json', async (diffName) => {
    const [oldFile, newFile] = diffPair(diffName);
    const before = await outputs(fixture, oldFile);
    const after = await outputs(fixture, newFile);
    if (!before.probabilities || !after.probabilities || before.classCount === undefined) {
      throw new Error(`${diffName} is not between classifiers`);
    }
    const classCount = before.classCount;
    const diff = classificationDiff({
      yTrue,
      // The README: diffs compare argmax(probabilities).
      oldLabels: argmaxLabels(before.probabilities, classCount),
      newLabels: argmaxLabels(after.probabilities, classCount),
      classCount,
      oldProbabilities: before.probabilities,
      newProbabilities: after.probabilities,
      thresholds: THRESHOLDS,
    });
    const expected = fixture.reference.diffs[diffName] ?? {};
    expect(referenceMismatches(diff, expected)).toEqual([]);
    expect(Object.keys(diff).sort()).toEqual(Object.keys(expected).sort());
    if (diff.crossings) expect(Object.keys(diff.crossings)).toEqual(Object.keys(expected.crossings ?? {}));
  });
});

describe.each(['diabetes', 'bike_sharing'])('regression diffs on %s', (name) => {
  const fixture = loadFixture(name);

  it.each(Object.keys(fixture.reference.diffs))('%s matches reference.json', async (diffName) => {
    const [oldFile, newFile] = diffPair(diffName);
    const before = await outputs(fixture, oldFile);
    const after = await outputs(fixture, newFile);
    if (!before.values || !after.values) throw new Error(`${diffName} is not between regressors`);
    const diff = regressionDiff({ oldValues: before.values, newValues: after.values });
    expect(referenceMismatches(diff, fixture.reference.diffs[diffName])).toEqual([]);
    // The histogram is Assay's own addition: 20 bins spanning the deltas, holding every row.
    expect(diff.histogram.counts).toHaveLength(20);
    expect(diff.histogram.counts.reduce((a, b) => a + b, 0)).toBe(diff.n);
    expect(diff.histogram.edges[0]).toBe(Math.min(...deltas(before.values, after.values)));
    expect(diff.histogram.edges[20]).toBe(Math.max(...deltas(before.values, after.values)));
  });
});

function deltas(before: Float64Array, after: Float64Array): number[] {
  return Array.from(after, (v, i) => v - (before[i] as number));
}
