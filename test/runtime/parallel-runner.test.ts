import { afterAll, describe, expect, it } from 'vitest';
import { inspectModel } from '../../src/runtime/inspect-model.js';
import { ModelInputError } from '../../src/runtime/model-input-error.js';
import { prepareRunner, type ModelRunner } from '../../src/runtime/model-runner.js';
import type { Predictions } from '../../src/runtime/model-spec.js';
import { prepareParallelRunner } from '../../src/runtime/parallel/parallel-runner.js';
import type { Column, TableBatch } from '../../src/datasets/dataset-table.js';
import { featureColumns, fixtureBytes, readFixtureCsv, tableBatch } from './support/fixture-tables.js';
import { buildOnnxModel, softmaxModel } from './support/onnx-builder.js';

const runners: ModelRunner[] = [];
afterAll(async () => {
  await Promise.all(runners.map((runner) => runner.close()));
});

function keep(runner: ModelRunner): ModelRunner {
  runners.push(runner);
  return runner;
}

/** Two worker threads and small pieces, so that every batch below is split across the lanes. */
const SPLIT = { workers: 2, dispatchRows: 37, chunkRows: 16 } as const;

const CASES = [
  {
    folder: 'breast_cancer',
    csv: 'breast_cancer.csv',
    model: 'bc-wide-mlp.onnx',
    exclude: ['id', 'target', 'split'],
  },
  {
    folder: 'breast_cancer',
    csv: 'breast_cancer.csv',
    model: 'bc-forest-v3.onnx',
    exclude: ['id', 'target', 'split'],
  },
  { folder: 'iris', csv: 'iris.csv', model: 'iris-mlp-v2.onnx', exclude: ['id', 'target', 'split'] },
  {
    folder: 'diabetes',
    csv: 'diabetes.csv',
    model: 'diabetes-mlp-v2.onnx',
    exclude: ['id', 'target', 'split'],
  },
  // Pipeline-style: one [N, 1] input per column, strings among them.
  { folder: 'bike_sharing', csv: 'hour.csv', model: 'bike-v2.onnx', exclude: ['id', 'cnt'] },
] as const;

describe('parallel runner: the same predictions as the single-session runner', () => {
  it.each(CASES)('$model', async ({ folder, csv, model, exclude }) => {
    const table = readFixtureCsv(folder, csv);
    const rows = table.rows.slice(0, 500);
    const bytes = fixtureBytes(folder, model);
    const spec = await inspectModel(bytes);
    const options = { defaultFeatureColumns: featureColumns(table, [...exclude]) };
    const single = keep(await prepareRunner(bytes, spec, options));
    const parallel = await prepareParallelRunner(bytes, spec, { ...options, ...SPLIT });
    keep(parallel);
    await parallel.started;
    const batch = tableBatch(rows, table.header, 1000);
    const expected = await single.run(batch);
    const actual = await parallel.run(batch);
    expect(actual.length).toBe(rows.length);
    expectSamePredictions(actual, expected);
    // Once the workers have started, they take pieces first (two each), the calling thread the rest.
    expect(parallel.handedOut().workers).toBeGreaterThanOrEqual(4);
    expect(parallel.handedOut().calling).toBeGreaterThan(0);
  });

  it('scores on the calling thread alone with no worker threads', async () => {
    const table = readFixtureCsv('iris', 'iris.csv');
    const bytes = fixtureBytes('iris', 'iris-mlp-v2.onnx');
    const spec = await inspectModel(bytes);
    const options = { defaultFeatureColumns: featureColumns(table) };
    const single = keep(await prepareRunner(bytes, spec, options));
    const local = keep(await prepareParallelRunner(bytes, spec, { ...options, ...SPLIT, workers: 0 }));
    const batch = tableBatch(table.rows, table.header);
    expectSamePredictions(await local.run(batch), await single.run(batch));
  });

  it('keeps concurrent batches apart and answers an empty one', async () => {
    const table = readFixtureCsv('iris', 'iris.csv');
    const bytes = fixtureBytes('iris', 'iris-logreg-v1.onnx');
    const spec = await inspectModel(bytes);
    const options = { defaultFeatureColumns: featureColumns(table) };
    const single = keep(await prepareRunner(bytes, spec, options));
    const parallel = keep(await prepareParallelRunner(bytes, spec, { ...options, ...SPLIT }));
    const first = tableBatch(table.rows.slice(0, 90), table.header);
    const second = tableBatch(table.rows.slice(90), table.header, 90);
    const [a, b, empty] = await Promise.all([
      parallel.run(first),
      parallel.run(second),
      parallel.run(tableBatch([], table.header)),
    ]);
    expectSamePredictions(a, await single.run(first));
    expectSamePredictions(b, await single.run(second));
    expect(empty.length).toBe(0);
    expect(empty.probabilities).toHaveLength(0);
  });
});

describe('parallel runner: failures', () => {
  it('names the column and the row in the dataset, whichever piece the row falls in', async () => {
    const table = readFixtureCsv('iris', 'iris.csv');
    const bytes = fixtureBytes('iris', 'iris-mlp-v2.onnx');
    const runner = keep(
      await prepareParallelRunner(bytes, await inspectModel(bytes), {
        defaultFeatureColumns: featureColumns(table),
        ...SPLIT,
      }),
    );
    // Row 100 of this slice is in the third piece of 37 rows.
    const rows = table.rows
      .slice(0, 120)
      .map((row, index) => (index === 100 ? { ...row, sepal_width: 'wide' } : row));
    const error = await runner.run(tableBatch(rows, table.header, 5000)).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ModelInputError);
    expect((error as ModelInputError).message).toBe(
      `Column 'sepal_width', row 5100: "wide" is not a number (for the model's input 'input', float32)`,
    );
    // The runner is still good for the next batch.
    const next = await runner.run(tableBatch(table.rows.slice(0, 10), table.header));
    expect(next.labels).toHaveLength(10);
  });

  it("reports onnxruntime's own failure from any lane, and every lane keeps serving", async () => {
    // y = x + w with w of 5 rows: onnxruntime broadcasts only batches of 1 or 5 rows.
    const bytes = buildOnnxModel({
      inputs: [{ name: 'x', type: 'float32', shape: ['N', 1] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['N', 1] }],
      initializers: [{ name: 'w', dims: [5, 1], values: [1, 2, 3, 4, 5] }],
      nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
    });
    const runner = await prepareParallelRunner(bytes, await inspectModel(bytes), {
      defaultFeatureColumns: ['a'],
      workers: 2,
    });
    keep(runner);
    await runner.started;
    const batch = (values: number[]) => ({
      length: values.length,
      offset: 0,
      columns: new Map([['x', { name: 'x', type: 'float64' as const, values: Float64Array.from(values) }]]),
    });
    // Five batches at once, one piece each: two to each worker, the fifth to the calling thread.
    const failed = await Promise.allSettled(Array.from({ length: 5 }, () => runner.run(batch([1, 2, 3]))));
    expect(runner.handedOut()).toEqual({ calling: 1, workers: 4 });
    for (const outcome of failed) {
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { message: expect.stringMatching(/^onnxruntime failed: .*Add/s) },
      });
    }
    // Every lane scores on.
    const good = await Promise.all(Array.from({ length: 5 }, () => runner.run(batch([10, 10, 10, 10, 10]))));
    expect(runner.handedOut()).toEqual({ calling: 2, workers: 8 });
    for (const predictions of good) expect([...(predictions.values ?? [])]).toEqual([11, 12, 13, 14, 15]);
  });

  it.each([
    [{ dispatchRows: 0 }, 'Rows per piece must be a positive integer, got 0'],
    [{ chunkRows: 1.5 }, 'Rows per model call must be a positive integer, got 1.5'],
  ])('refuses %o before starting any thread', async (options, message) => {
    const bytes = softmaxModel({ label: true });
    await expect(
      prepareParallelRunner(bytes, await inspectModel(bytes), {
        defaultFeatureColumns: ['a', 'b', 'c'],
        ...options,
      }),
    ).rejects.toThrow(message);
  });

  it('refuses to run once closed', async () => {
    const bytes = softmaxModel({ label: true });
    const runner = await prepareParallelRunner(bytes, await inspectModel(bytes), {
      defaultFeatureColumns: ['a', 'b', 'c'],
      workers: 1,
    });
    await runner.close();
    await expect(runner.run(tableBatch([{ a: '1', b: '2', c: '3' }], ['a', 'b', 'c']))).rejects.toThrow(
      'the model runner is closed',
    );
  });

  it('runs a model with a fixed batch size on the calling thread, as prepareRunner does', async () => {
    const bytes = softmaxModel({ label: true, batch: 4 });
    const runner = keep(
      await prepareParallelRunner(bytes, await inspectModel(bytes), {
        defaultFeatureColumns: ['a', 'b', 'c'],
      }),
    );
    const rows = Array.from({ length: 6 }, (_, i) => ({ a: String(i), b: '0', c: '1' }));
    const predictions = await runner.run(tableBatch(rows, ['a', 'b', 'c']));
    expect([...(predictions.labels ?? [])]).toEqual([2, 0, 0, 0, 0, 0]);
  });
});

/** Labels exactly; scores as the single session gives them, up to float32 rounding of a different summation order. */
function expectSamePredictions(actual: Predictions, expected: Predictions): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.classCount).toBe(expected.classCount);
  if (expected.labels) expect([...(actual.labels ?? [])]).toEqual([...expected.labels]);
  const scores = (expected.probabilities ?? expected.values) as ArrayLike<number>;
  const got = (actual.probabilities ?? actual.values) as ArrayLike<number>;
  expect(got).toHaveLength(scores.length);
  for (let i = 0; i < scores.length; i++) {
    expect(Math.abs((got[i] as number) - (scores[i] as number))).toBeLessThanOrEqual(
      1e-6 * Math.max(1, Math.abs(scores[i] as number)),
    );
  }
}

describe('batches in shared memory', () => {
  // DatasetVersion.sharedBatches lends batches whose numeric columns are views of a
  // SharedArrayBuffer: the worker threads read them in place.
  const table = readFixtureCsv('iris', 'iris.csv');
  const bytes = fixtureBytes('iris', 'iris-mlp-v2.onnx');

  function shared(batch: TableBatch): TableBatch {
    const columns = new Map<string, Column>();
    for (const [name, column] of batch.columns) {
      if (!(column.values instanceof Float64Array)) {
        columns.set(name, column);
        continue;
      }
      const values = new Float64Array(new SharedArrayBuffer(column.values.byteLength));
      values.set(column.values);
      columns.set(name, { ...column, values });
    }
    return { ...batch, columns };
  }

  it('are scored in every lane as batches in memory of their own are', async () => {
    const spec = await inspectModel(bytes);
    const options = { defaultFeatureColumns: featureColumns(table) };
    const single = keep(await prepareRunner(bytes, spec, options));
    const parallel = await prepareParallelRunner(bytes, spec, { ...options, ...SPLIT });
    keep(parallel);
    await parallel.started;
    const batch = tableBatch(table.rows, table.header, 300);
    const before = parallel.handedOut();
    const predictions = await parallel.run(shared(batch));
    expectSamePredictions(predictions, await single.run(batch));
    const after = parallel.handedOut();
    expect(after.workers - before.workers).toBeGreaterThan(0);
    expect(after.calling - before.calling).toBeGreaterThan(0);
  });

  it('are read as they are while their rows are scored: a lane sees what the batch holds then', async () => {
    const runner = await prepareParallelRunner(bytes, await inspectModel(bytes), {
      defaultFeatureColumns: featureColumns(table),
      ...SPLIT,
    });
    keep(runner);
    await runner.started;
    const zeroed = (batch: ReturnType<typeof shared>): void => {
      for (const column of batch.columns.values()) {
        if (column.values instanceof Float64Array) column.values.fill(0);
      }
    };
    const batch = shared(tableBatch(table.rows, table.header));
    const expected = await runner.run(batch);
    const zeros = shared(tableBatch(table.rows, table.header));
    zeroed(zeros);
    const zeroScores = await runner.run(zeros);
    const classes = expected.classCount ?? 0;
    const row = (scores: Float32Array | undefined, at: number): number[] => [
      ...(scores ?? new Float32Array(0)).subarray(at * classes, (at + 1) * classes),
    ];
    // Written over while in flight, the shared memory is what the lanes read. Lanes on other
    // threads may have read their rows before the write (they run beside this one), so each row
    // scores either as it was or as a row of zeros, and the rows read after the write changed.
    const pending = runner.run(batch);
    zeroed(batch);
    const changed = await pending;
    expect(changed.length).toBe(expected.length);
    let rewritten = 0;
    for (let at = 0; at < changed.length; at++) {
      const score = row(changed.probabilities, at);
      const asZeros = JSON.stringify(score) === JSON.stringify(row(zeroScores.probabilities, at));
      if (asZeros) rewritten += 1;
      else expect(score).toEqual(row(expected.probabilities, at));
    }
    expect(rewritten).toBeGreaterThan(0);
  });
});
