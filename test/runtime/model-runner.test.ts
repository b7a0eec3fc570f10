import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultFeatureColumns } from '../../src/runtime/feature-columns.js';
import { inspectModel } from '../../src/runtime/inspect-model.js';
import { prepareRunner, type ModelRunner } from '../../src/runtime/model-runner.js';
import type { Predictions } from '../../src/runtime/model-spec.js';
import {
  featureColumns,
  fixtureBytes,
  fixturePath,
  readFixtureCsv,
  tableBatch,
  type FixtureTable,
} from './support/fixture-tables.js';

interface Dataset {
  readonly folder: string;
  readonly csv: string;
  readonly label: string;
  readonly isEval: (row: Record<string, string>) => boolean;
  readonly models: readonly string[];
}

const DATASETS: readonly Dataset[] = [
  {
    folder: 'breast_cancer',
    csv: 'breast_cancer.csv',
    label: 'target',
    isEval: (row) => row.split === 'eval',
    models: ['bc-logreg-v1.onnx', 'bc-mlp-v2.onnx', 'bc-forest-v3.onnx', 'bc-wide-mlp.onnx'],
  },
  {
    folder: 'iris',
    csv: 'iris.csv',
    label: 'target',
    isEval: (row) => row.split === 'eval',
    models: ['iris-logreg-v1.onnx', 'iris-mlp-v2.onnx'],
  },
  {
    folder: 'diabetes',
    csv: 'diabetes.csv',
    label: 'target',
    isEval: (row) => row.split === 'eval',
    models: ['diabetes-linear-v1.onnx', 'diabetes-mlp-v2.onnx'],
  },
  {
    folder: 'bike_sharing',
    csv: 'hour.csv',
    label: 'cnt',
    isEval: (row) => row.yr === '1',
    models: ['bike-v1.onnx', 'bike-v2.onnx'],
  },
];

interface Reference {
  eval_rows: number;
  models: Record<string, { accuracy?: number; confusion_matrix?: number[][]; mae?: number }>;
}

const runners: ModelRunner[] = [];
afterAll(async () => {
  await Promise.all(runners.map((runner) => runner.close()));
});

async function runnerFor(dataset: Dataset, table: FixtureTable, model: string, chunkRows?: number) {
  const bytes = fixtureBytes(dataset.folder, model);
  const runner = await prepareRunner(bytes, await inspectModel(bytes), {
    defaultFeatureColumns: featureColumns(table),
    chunkRows,
  });
  runners.push(runner);
  return runner;
}

for (const dataset of DATASETS) {
  describe(`${dataset.folder}: every model on its eval rows`, () => {
    const table = readFixtureCsv(dataset.folder, dataset.csv);
    const evalRows = table.rows.filter(dataset.isEval);
    const reference = JSON.parse(
      fs.readFileSync(fixturePath(dataset.folder, 'reference.json'), 'utf8'),
    ) as Reference;
    const truth = evalRows.map((row) => Number(row[dataset.label]));

    it('has the eval rows the reference counts', () => {
      expect(evalRows).toHaveLength(reference.eval_rows);
    });

    it.each(dataset.models)('%s', async (model) => {
      const runner = await runnerFor(dataset, table, model);
      const predictions = await runner.run(tableBatch(evalRows, table.header));
      expect(predictions.length).toBe(evalRows.length);
      const expected = reference.models[model];
      if (runner.spec.task === 'classification') {
        checkClassifierOutputs(predictions);
        const matrix = confusionMatrix(
          truth,
          predictions.labels as Int32Array,
          predictions.classCount as number,
        );
        expect(matrix).toEqual(expected?.confusion_matrix);
        const correct = truth.filter((label, row) => label === predictions.labels?.[row]).length;
        expect(correct / truth.length).toBeCloseTo(expected?.accuracy as number, 12);
      } else {
        const values = predictions.values as Float64Array;
        expect(values).toHaveLength(evalRows.length);
        const mae =
          truth.reduce((sum, label, row) => sum + Math.abs(label - (values[row] as number)), 0) /
          truth.length;
        expect(Math.abs(mae - (expected?.mae as number)) / (expected?.mae as number)).toBeLessThan(1e-6);
      }
    });

    it('gives the same predictions whatever the chunk size and however rows are split into batches', async () => {
      const model = dataset.models[0] as string;
      const whole = await (await runnerFor(dataset, table, model)).run(tableBatch(evalRows, table.header));
      const chunked = await runnerFor(dataset, table, model, 7);
      const parts: Predictions[] = [];
      for (let offset = 0; offset < evalRows.length; offset += 50) {
        parts.push(await chunked.run(tableBatch(evalRows.slice(offset, offset + 50), table.header, offset)));
      }
      const key = whole.values ? 'values' : 'probabilities';
      const joined = parts.flatMap((part) => [...(part[key] ?? [])]);
      expect(joined).toEqual([...(whole[key] ?? [])]);
      if (whole.labels) expect(parts.flatMap((part) => [...(part.labels ?? [])])).toEqual([...whole.labels]);
    });
  });
}

describe('runner plumbing', () => {
  const table = readFixtureCsv('iris', 'iris.csv');

  it('scores concurrent batches one after another, each with its own rows', async () => {
    const runner = await runnerFor(DATASETS[1] as Dataset, table, 'iris-logreg-v1.onnx', 16);
    const first = tableBatch(table.rows.slice(0, 75), table.header);
    const second = tableBatch(table.rows.slice(75), table.header, 75);
    const [a, b] = await Promise.all([runner.run(first), runner.run(second)]);
    expect([...a.probabilities!]).toEqual([...(await runner.run(first)).probabilities!]);
    expect([...b.probabilities!]).toEqual([...(await runner.run(second)).probabilities!]);
  });

  it('answers an empty batch without running the model', async () => {
    const runner = await runnerFor(DATASETS[1] as Dataset, table, 'iris-logreg-v1.onnx');
    const predictions = await runner.run(tableBatch([], table.header));
    expect(predictions).toEqual({
      length: 0,
      labels: new Int32Array(0),
      probabilities: new Float32Array(0),
      classCount: 3,
    });
  });

  it('uses the spec’s own feature columns before the caller’s default', async () => {
    const bytes = fixtureBytes('iris', 'iris-logreg-v1.onnx');
    const spec = await inspectModel(bytes, {
      featureColumns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    });
    const runner = await prepareRunner(bytes, spec, { defaultFeatureColumns: ['a', 'b', 'c', 'd'] });
    runners.push(runner);
    expect(runner.featureColumns).toEqual(spec.featureColumns);
  });

  it('needs feature columns for a tensor model, as many as the input is wide', async () => {
    const bytes = fixtureBytes('iris', 'iris-logreg-v1.onnx');
    const spec = await inspectModel(bytes);
    await expect(prepareRunner(bytes, spec)).rejects.toThrow(
      "The model's input 'input' takes 4 feature columns and none were recorded or given",
    );
    await expect(prepareRunner(bytes, spec, { defaultFeatureColumns: ['a', 'b', 'c'] })).rejects.toThrow(
      "The model's input 'input' takes 4 feature columns; the data offers 3: a, b, c",
    );
    await expect(prepareRunner(bytes, spec, { defaultFeatureColumns: ['a'], chunkRows: 0 })).rejects.toThrow(
      'Rows per model call must be a positive integer, got 0',
    );
  });
});

/** Labels are the argmax of probabilities, and each row's probabilities sum to 1. */
function checkClassifierOutputs(predictions: Predictions): void {
  const classes = predictions.classCount as number;
  const probabilities = predictions.probabilities as Float32Array;
  expect(probabilities).toHaveLength(predictions.length * classes);
  for (let row = 0; row < predictions.length; row += 1) {
    const scores = [...probabilities.subarray(row * classes, (row + 1) * classes)];
    expect(scores.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);
    expect(scores[predictions.labels?.[row] as number]).toBe(Math.max(...scores));
  }
}

function confusionMatrix(truth: readonly number[], predicted: Int32Array, classes: number): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((label, row) => {
    const counts = matrix[label] as number[];
    const predictedLabel = predicted[row] as number;
    counts[predictedLabel] = (counts[predictedLabel] ?? 0) + 1;
  });
  return matrix;
}

describe('defaultFeatureColumns', () => {
  it('the dataset’s columns in file order, without id, label and text columns', () => {
    const schema = {
      columns: [
        { name: 'id', type: 'float64' as const },
        { name: 'age', type: 'float64' as const },
        { name: 'split', type: 'string' as const },
        { name: 'member', type: 'bool' as const },
        { name: 'target', type: 'float64' as const },
        { name: 'income', type: 'float64' as const },
      ],
    };
    expect(defaultFeatureColumns(schema, { id: 'id', label: 'target' })).toEqual(['age', 'member', 'income']);
    expect(defaultFeatureColumns(schema, {})).toEqual(['id', 'age', 'member', 'target', 'income']);
  });
});
