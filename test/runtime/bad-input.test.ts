import { afterAll, describe, expect, it } from 'vitest';
import type { Column, TableBatch } from '../../src/datasets/dataset-table.js';
import { inspectModel } from '../../src/runtime/inspect-model.js';
import { ModelInputError } from '../../src/runtime/model-input-error.js';
import { prepareRunner, type ModelRunner, type RunnerOptions } from '../../src/runtime/model-runner.js';
import { fixtureBytes, readFixtureCsv, tableBatch } from './support/fixture-tables.js';
import { int64TensorModel, softmaxModel, typedColumnsModel } from './support/onnx-builder.js';

const runners: ModelRunner[] = [];
afterAll(async () => {
  await Promise.all(runners.map((runner) => runner.close()));
});

async function runner(
  bytes: Buffer,
  options: RunnerOptions = {},
  task?: 'classification',
): Promise<ModelRunner> {
  const prepared = await prepareRunner(bytes, await inspectModel(bytes, { task }), options);
  runners.push(prepared);
  return prepared;
}

function batch(columns: readonly Column[], offset = 0): TableBatch {
  const length = columns[0]?.values.length ?? 0;
  return { length, offset, columns: new Map(columns.map((column) => [column.name, column])) };
}

const numbers = (name: string, values: readonly number[]): Column => ({
  name,
  type: 'float64',
  values: Float64Array.from(values),
});
const texts = (name: string, values: readonly (string | null)[]): Column => ({
  name,
  type: 'string',
  values: [...values],
});
const bools = (name: string, values: readonly number[], valid: readonly number[] | null = null): Column => ({
  name,
  type: 'bool',
  values: Uint8Array.from(values),
  valid: valid === null ? null : Uint8Array.from(valid),
});

async function inputError(promise: Promise<unknown>): Promise<ModelInputError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelInputError);
  return error as ModelInputError;
}

describe('tensor mode: one [N, F] input', () => {
  const iris = readFixtureCsv('iris', 'iris.csv');
  const features = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  const irisRunner = () =>
    runner(fixtureBytes('iris', 'iris-mlp-v2.onnx'), { defaultFeatureColumns: features, chunkRows: 4 });
  const rows = iris.rows.slice(0, 10);

  it('a missing column: named, with the columns the data has', async () => {
    const model = await irisRunner();
    const error = await inputError(
      model.run(tableBatch(rows, ['id', 'sepal_length', 'sepal_width', 'petal_width'])),
    );
    expect(error.message).toBe(
      "The model needs column 'petal_length' (for the model's input 'input', float32), which the data does not have; its columns: id, sepal_length, sepal_width, petal_width",
    );
    expect(error.column).toBe('petal_length');
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('text in a numeric feature: column and row (in the dataset) named', async () => {
    const model = await irisRunner();
    const edited = rows.map((row, index) => (index === 6 ? { ...row, sepal_width: 'wide' } : row));
    const error = await inputError(model.run(tableBatch(edited, iris.header, 500)));
    expect(error.message).toBe(
      `Column 'sepal_width', row 506: "wide" is not a number (for the model's input 'input', float32)`,
    );
    expect([error.column, error.row]).toEqual(['sepal_width', 506]);
  });

  it('a text column holding plain decimal numbers feeds as numbers', async () => {
    const model = await irisRunner();
    const asNumbers = await model.run(tableBatch(rows, iris.header));
    const textual = tableBatch(rows, iris.header);
    const columns = new Map(textual.columns);
    columns.set(
      'petal_length',
      texts(
        'petal_length',
        rows.map((row) => ` ${row.petal_length} `),
      ),
    );
    const asText = await model.run({ ...textual, columns });
    expect([...(asText.probabilities ?? [])]).toEqual([...(asNumbers.probabilities ?? [])]);
  });

  it('NaN (a missing value) in a feature', async () => {
    const model = await irisRunner();
    const edited = rows.map((row, index) => (index === 9 ? { ...row, petal_width: '' } : row));
    const error = await inputError(model.run(tableBatch(edited, iris.header, 40)));
    expect(error.message).toBe(
      "Column 'petal_width', row 49: missing value (for the model's input 'input', float32)",
    );
  });

  it('integer inputs take integral numbers only', async () => {
    const model = await runner(int64TensorModel(), { defaultFeatureColumns: ['ones', 'tens'] });
    const good = await model.run(batch([numbers('ones', [1, 2, -3]), numbers('tens', [4, 0, 2])]));
    expect([...(good.values ?? [])]).toEqual([41, 2, 17]);
    const error = await inputError(
      model.run(batch([numbers('ones', [1, 2.5]), numbers('tens', [4, 0])], 10)),
    );
    expect(error.message).toBe(
      "Column 'ones', row 11: 2.5 is not an integer (for the model's input 'x', int64)",
    );
  });
});

describe('columns mode: one [N, 1] input per column', () => {
  const bike = readFixtureCsv('bike_sharing', 'hour.csv');
  const rows = bike.rows.slice(0, 20);
  const bikeRunner = () => runner(fixtureBytes('bike_sharing', 'bike-v1.onnx'), { chunkRows: 8 });
  const withColumn = (base: TableBatch, column: Column): TableBatch => ({
    ...base,
    columns: new Map([...base.columns, [column.name, column]]),
  });

  it('a missing column', async () => {
    const model = await bikeRunner();
    const header = bike.header.filter((name) => name !== 'weather');
    const error = await inputError(model.run(tableBatch(rows, header)));
    expect(error.message).toMatch(
      /^The model needs column 'weather' \(for the model's input 'weather', string\), which the data does not have; its columns: instant, dteday, season, /,
    );
  });

  it('text where the input takes float32', async () => {
    const model = await bikeRunner();
    const hours = rows.map((row, index) => (index === 12 ? 'noon' : (row.hr as string)));
    const error = await inputError(
      model.run(withColumn(tableBatch(rows, bike.header, 100), texts('hr', hours))),
    );
    expect(error.message).toBe(
      `Column 'hr', row 112: "noon" is not a number (for the model's input 'hr', float32)`,
    );
  });

  it('numbers where the input takes strings: integers convert, fractions do not', async () => {
    const model = await bikeRunner();
    const base = tableBatch(rows, bike.header);
    const coded = await model.run(
      withColumn(
        base,
        numbers(
          'season',
          rows.map(() => 1),
        ),
      ),
    );
    expect(coded.values).toHaveLength(rows.length);
    const error = await inputError(
      model.run(
        withColumn(
          base,
          numbers(
            'season',
            rows.map((_, index) => (index === 3 ? 1.5 : 1)),
          ),
        ),
      ),
    );
    expect(error.message).toBe(
      "Column 'season', row 3: the number 1.5 has no single text form (for the model's input 'season', string)",
    );
  });

  it('booleans where the input takes strings; a missing category', async () => {
    const model = await bikeRunner();
    const base = tableBatch(rows, bike.header);
    const asBools = await inputError(
      model.run(
        withColumn(
          base,
          bools(
            'weather',
            rows.map(() => 1),
          ),
        ),
      ),
    );
    expect(asBools.message).toBe(
      "Column 'weather' holds booleans; the model's input 'weather', string cannot take them",
    );
    const missing = await inputError(
      model.run(
        withColumn(
          base,
          texts(
            'weather',
            rows.map((row, index) => (index === 19 ? null : (row.weather ?? null))),
          ),
        ),
      ),
    );
    expect(missing.message).toBe(
      "Column 'weather', row 19: missing value (for the model's input 'weather', string)",
    );
  });

  it('every input dtype, converted only where the answer is unambiguous', async () => {
    const model = await runner(typedColumnsModel(), { chunkRows: 2 });
    const good = batch([
      numbers('a', [1, 2, 3]),
      texts('b', ['10', '20', '-30']),
      bools('c', [1, 0, 1]),
      numbers('d', [0.5, 0.25, 0]),
      texts('e', ['x', 'y', 'z']),
    ]);
    expect([...((await model.run(good)).values ?? [])]).toEqual([12.5, 22.25, -26]);
    const boolsFromNumbers = batch(
      [...good.columns.values()].map((column) => (column.name === 'c' ? numbers('c', [0, 1, 1]) : column)),
    );
    expect([...((await model.run(boolsFromNumbers)).values ?? [])]).toEqual([11.5, 23.25, -26]);

    const replace = (column: Column) =>
      batch(
        [...good.columns.values()].map((existing) => (existing.name === column.name ? column : existing)),
        7,
      );
    const cases: [Column, string][] = [
      [
        numbers('a', [1, 2.25, 3]),
        "Column 'a', row 8: 2.25 is not an integer (for the model's input 'a', int64)",
      ],
      [
        texts('b', ['1', '2', '3e9']),
        "Column 'b', row 9: 3000000000 is out of the input's range (for the model's input 'b', int32)",
      ],
      [
        texts('b', ['1', 'two', '3']),
        `Column 'b', row 8: "two" is not a number (for the model's input 'b', int32)`,
      ],
      [
        numbers('c', [0, 2, 1]),
        "Column 'c', row 8: 2 is not a boolean (0 or 1) (for the model's input 'c', bool)",
      ],
      [
        bools('c', [1, 1, 0], [1, 1, 0]),
        "Column 'c', row 9: missing value (for the model's input 'c', bool)",
      ],
      [
        texts('c', ['true', 'false', 'true']),
        "Column 'c' holds text; the model's input 'c', bool cannot take them",
      ],
      [
        numbers('d', [1, Number.NaN, 2]),
        "Column 'd', row 8: missing value (for the model's input 'd', float64)",
      ],
    ];
    for (const [column, message] of cases) {
      expect((await inputError(model.run(replace(column)))).message).toBe(message);
    }
  });

  it('checkSchema refuses what no value could fix, before any row is read', async () => {
    const model = await runner(typedColumnsModel());
    const schema = (types: Record<string, 'float64' | 'string' | 'bool'>) => ({
      columns: Object.entries(types).map(([name, type]) => ({ name, type })),
    });
    expect(() =>
      model.checkSchema(schema({ a: 'float64', b: 'string', c: 'bool', d: 'float64', e: 'string' })),
    ).not.toThrow();
    expect(() => model.checkSchema(schema({ a: 'float64', b: 'string', c: 'bool', d: 'float64' }))).toThrow(
      "The model needs column 'e' (for the model's input 'e', string), which the data does not have; its columns: a, b, c, d",
    );
    expect(() =>
      model.checkSchema(schema({ a: 'float64', b: 'string', c: 'string', d: 'float64', e: 'string' })),
    ).toThrow("Column 'c' holds text; the model's input 'c', bool cannot take them");
    expect(() =>
      model.checkSchema(schema({ a: 'float64', b: 'string', c: 'bool', d: 'float64', e: 'bool' })),
    ).toThrow("Column 'e' holds booleans; the model's input 'e', string cannot take them");
  });
});

describe('classifier outputs beyond the fixtures', () => {
  const x = [numbers('p', [3, 0, 1]), numbers('q', [1, 5, 1]), numbers('r', [0, 1, 9])];

  it('an int32 label output', async () => {
    const model = await runner(softmaxModel({ label: true }), { defaultFeatureColumns: ['p', 'q', 'r'] });
    expect(model.spec.labelOutput).toBe('klass');
    const predictions = await model.run(batch(x));
    expect([...(predictions.labels ?? [])]).toEqual([0, 1, 2]);
    expect(predictions.classCount).toBe(3);
  });

  it('probabilities alone (task given): labels are their argmax', async () => {
    const model = await runner(
      softmaxModel({ label: false }),
      { defaultFeatureColumns: ['p', 'q', 'r'] },
      'classification',
    );
    expect(model.spec.labelOutput).toBeNull();
    const predictions = await model.run(batch(x));
    expect([...(predictions.labels ?? [])]).toEqual([0, 1, 2]);
    expect(predictions.probabilities).toHaveLength(9);
  });
});

describe('models exported with a fixed batch size', () => {
  it('a [2, 3] input gets whole batches of 2; the padding row’s predictions are dropped', async () => {
    const columns = [
      numbers('p', [3, 0, 1, 2, 7]),
      numbers('q', [1, 5, 1, 8, 0]),
      numbers('r', [0, 1, 9, 1, 1]),
    ];
    const fixed = await runner(softmaxModel({ label: true, batch: 2 }), {
      defaultFeatureColumns: ['p', 'q', 'r'],
    });
    const dynamic = await runner(softmaxModel({ label: true }), { defaultFeatureColumns: ['p', 'q', 'r'] });
    const got = await fixed.run(batch(columns));
    const expected = await dynamic.run(batch(columns));
    expect(got.length).toBe(5);
    expect([...(got.labels ?? [])]).toEqual([0, 1, 2, 1, 0]);
    expect([...(got.probabilities ?? [])]).toEqual([...(expected.probabilities ?? [])]);
  });

  it('a [1, 1]-per-column model, strings included, row by row', async () => {
    const model = await runner(typedColumnsModel(1), { chunkRows: 1024 });
    const rows = batch([
      numbers('a', [1, 2, 3]),
      numbers('b', [10, 20, 30]),
      bools('c', [1, 0, 1]),
      numbers('d', [0.5, 0.25, 0]),
      texts('e', ['x', 'y', 'z']),
    ]);
    expect([...((await model.run(rows)).values ?? [])]).toEqual([12.5, 22.25, 34]);
  });
});
