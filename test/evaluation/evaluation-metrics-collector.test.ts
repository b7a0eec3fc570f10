import { describe, expect, it } from 'vitest';
import { EvaluationMetricsCollector } from '../../src/evaluation/evaluation-metrics-collector.js';
import { evaluationMetrics } from '../../src/evaluation/evaluation-metrics.js';
import type { EvaluationOutputs } from '../../src/evaluation/evaluation-outputs.js';
import { lcg, randomProbabilityRow } from './support/random-rows.js';

/**
 * A classifier's outputs over `count` rows: coarse float32 probabilities (ties for ROC AUC),
 * labels that mostly agree, a row in twenty without a label, two slices.
 */
function classifierOutputs(count: number, classCount: number, seed: number): EvaluationOutputs {
  const random = lcg(seed);
  const rows = new Float64Array(count);
  const truth = new Float64Array(count);
  const labels = new Int32Array(count);
  const probabilities = new Float32Array(count * classCount);
  const odd = new Uint8Array(count);
  const sure = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    rows[i] = 3 * i + 1;
    const best = randomProbabilityRow(random, probabilities, i, classCount, 20);
    labels[i] = best;
    truth[i] = random() < 0.05 ? Number.NaN : random() < 0.75 ? best : Math.floor(random() * classCount);
    odd[i] = i % 2;
    sure[i] = (probabilities[i * classCount + best] as number) > 0.5 ? 1 : 0;
  }
  return {
    length: count,
    rows,
    truth,
    labels,
    probabilities,
    classCount,
    slices: new Map([
      ['odd', odd],
      ['sure', sure],
    ]),
  };
}

/** Collects the outputs in uneven ranges, as an evaluation's batches come in. */
function collected(outputs: EvaluationOutputs, task: 'classification' | 'regression', label: string | null) {
  const collector = new EvaluationMetricsCollector(task, label, outputs.length + 100);
  const random = lcg(7);
  for (let from = 0; from < outputs.length;) {
    const to = Math.min(outputs.length, from + 1 + Math.floor(random() * 300));
    collector.collect(outputs, from, to);
    from = to;
  }
  return collector.finish(outputs);
}

describe('metrics gathered batch by batch', () => {
  it.each([
    ['binary', 2],
    ['three classes', 3],
  ])('equal, to the last bit, those of the finished outputs: %s', (_, classCount) => {
    const outputs = classifierOutputs(5000, classCount, 11 + classCount);
    const expected = evaluationMetrics(outputs, 'classification', 'label');
    const actual = collected(outputs, 'classification', 'label');
    expect(actual).toEqual(expected);
    // The rows without a label are left out, as are the slices' own.
    expect(Object.keys(actual.slices)).toEqual(['odd', 'sure']);
    expect(actual.metrics.accuracy).toBeGreaterThan(0.5);
  });

  it('equal those of the finished outputs when every row has its label', () => {
    const outputs = classifierOutputs(3000, 2, 5);
    const truth = outputs.truth as Float64Array;
    for (let i = 0; i < truth.length; i++) if (Number.isNaN(truth[i])) truth[i] = 1;
    expect(collected(outputs, 'classification', 'label')).toEqual(
      evaluationMetrics(outputs, 'classification', 'label'),
    );
  });

  it('refuse a label that is not a class index, naming its dataset row, as the finished outputs do', () => {
    const outputs = classifierOutputs(1000, 2, 3);
    (outputs.truth as Float64Array)[700] = 2;
    const message =
      "Label column 'label' holds 2 at row 2101: a classifier's labels must be class indices 0 to 1";
    expect(() => evaluationMetrics(outputs, 'classification', 'label')).toThrow(message);
    expect(() => collected(outputs, 'classification', 'label')).toThrow(message);
  });

  it('are computed at the end for what cannot be tallied as it comes: a regressor, a classifier without probabilities', () => {
    const random = lcg(9);
    const values = Float64Array.from({ length: 800 }, () => random() * 10);
    const regression: EvaluationOutputs = {
      length: 800,
      rows: Float64Array.from({ length: 800 }, (_, i) => i),
      truth: values.map((value) => value + random() - 0.5),
      values,
      slices: new Map([['low', Uint8Array.from(values, (value) => (value < 5 ? 1 : 0))]]),
    };
    expect(collected(regression, 'regression', 'y')).toEqual(
      evaluationMetrics(regression, 'regression', 'y'),
    );

    const { probabilities: _, classCount: __, ...decisions } = classifierOutputs(900, 3, 4);
    expect(collected(decisions, 'classification', 'label')).toEqual(
      evaluationMetrics(decisions, 'classification', 'label'),
    );
    const unlabelled = { ...classifierOutputs(400, 2, 8), truth: null };
    expect(collected(unlabelled, 'classification', null)).toEqual(
      evaluationMetrics(unlabelled, 'classification', null),
    );
  });
});
