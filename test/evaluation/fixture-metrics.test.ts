import { describe, expect, it } from 'vitest';
import { argmaxLabels } from '../../src/evaluation/metrics/argmax.js';
import { classificationMetrics } from '../../src/evaluation/metrics/classification-metrics.js';
import { regressionMetrics } from '../../src/evaluation/metrics/regression-metrics.js';
import { classLabels, loadFixture, numericLabels, runModel } from './support/fixture-models.js';
import { referenceMismatches } from './support/reference-compare.js';

// Every model of every dataset: the metrics Assay computes from onnxruntime's outputs equal reference.json.
describe.each(['breast_cancer', 'iris'])('classification metrics on %s', (name) => {
  const fixture = loadFixture(name);
  const yTrue = classLabels(fixture);

  it('takes the eval rows the reference counts', () => {
    expect(fixture.rows.length).toBe(fixture.reference.eval_rows);
  });

  it.each(Object.keys(fixture.reference.models))('%s matches reference.json', async (model) => {
    const { labels, probabilities, classCount } = await runModel(fixture, model);
    if (!labels || !probabilities || classCount === undefined)
      throw new Error(`${model} is not a classifier`);
    const metrics = classificationMetrics({ yTrue, predicted: labels, probabilities, classCount });
    expect(referenceMismatches(metrics, fixture.reference.models[model])).toEqual([]);
    expect(Object.keys(metrics).sort()).toEqual(Object.keys(fixture.reference.models[model] ?? {}).sort());
  });

  // The README defines diffs on argmax(probabilities); for the metrics the fixtures cannot tell the two
  // apart, because the label output and the argmax agree on every eval row of every model.
  it.each(Object.keys(fixture.reference.models))(
    '%s: label output equals argmax(probabilities)',
    async (model) => {
      const { labels, probabilities, classCount } = await runModel(fixture, model);
      if (!labels || !probabilities || classCount === undefined)
        throw new Error(`${model} is not a classifier`);
      expect(argmaxLabels(probabilities, classCount)).toEqual(labels);
    },
  );
});

describe.each(['diabetes', 'bike_sharing'])('regression metrics on %s', (name) => {
  const fixture = loadFixture(name);
  const yTrue = numericLabels(fixture);

  it('takes the eval rows the reference counts', () => {
    expect(fixture.rows.length).toBe(fixture.reference.eval_rows);
  });

  it.each(Object.keys(fixture.reference.models))('%s matches reference.json', async (model) => {
    const { values } = await runModel(fixture, model);
    if (!values) throw new Error(`${model} is not a regressor`);
    const metrics = regressionMetrics({ yTrue, yPred: values });
    expect(referenceMismatches(metrics, fixture.reference.models[model])).toEqual([]);
  });
});
