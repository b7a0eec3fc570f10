import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeScoringRequest } from '../../../src/serving/mlflow-scoring/scoring-request.js';
import type { Predictions } from '../../../src/runtime/model-spec.js';
import {
  asPredictions,
  csvText,
  evaluationPredictions,
  featureColumns,
  json,
  jsonCells,
  recordCells,
  loadModel,
  readFixtureCsv,
  runInputs,
  type LoadedModel,
} from './support/scoring-fixtures.js';

const table = readFixtureCsv('breast_cancer', 'breast_cancer.csv');
const rows = table.rows.filter((row) => row.split === 'eval');
const features = featureColumns(table);
const header = table.header;
const JSON_TYPE = 'application/json';

/** Every request form of the same eval rows, for a tensor-mode model ([N, 30] input 'input'). */
const REQUESTS: readonly { name: string; contentType: string; body: Buffer; format: string }[] = [
  {
    // Every CSV column, id, target and split included: the model takes its features by name.
    name: 'dataframe_split, all columns',
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: header, data: jsonCells(rows, header) } }),
    format: 'dataframe',
  },
  {
    name: 'dataframe_split, features reversed, with index',
    contentType: JSON_TYPE,
    body: json({
      dataframe_split: {
        index: rows.map((_, at) => at),
        columns: [...features].reverse(),
        data: jsonCells(rows, [...features].reverse()),
      },
      params: { ignored: true },
    }),
    format: 'dataframe',
  },
  {
    name: 'dataframe_split without columns (positional)',
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { data: jsonCells(rows, features) } }),
    format: 'dataframe',
  },
  {
    name: 'dataframe_records',
    contentType: JSON_TYPE,
    body: json({
      dataframe_records: recordCells(rows, header),
    }),
    format: 'dataframe',
  },
  {
    name: 'text/csv',
    contentType: 'text/csv; charset=utf-8',
    body: Buffer.from(csvText(rows, header)),
    format: 'dataframe',
  },
  {
    name: 'inputs as rows',
    contentType: JSON_TYPE,
    body: json({ inputs: jsonCells(rows, features) }),
    format: 'tensor',
  },
  {
    name: 'instances as rows',
    contentType: JSON_TYPE,
    body: json({ instances: jsonCells(rows, features) }),
    format: 'tensor',
  },
  {
    name: 'inputs as {input: rows}',
    contentType: JSON_TYPE,
    body: json({ inputs: { input: jsonCells(rows, features) } }),
    format: 'tensor',
  },
  {
    name: 'instances as [{input: row}]',
    contentType: JSON_TYPE,
    body: json({ instances: jsonCells(rows, features).map((row) => ({ input: row })) }),
    format: 'tensor',
  },
];

for (const file of ['bc-logreg-v1.onnx', 'bc-wide-mlp.onnx']) {
  describe(`${file}: every request form scores as the evaluation path does`, () => {
    let model: LoadedModel;
    let expected: Predictions;
    beforeAll(async () => {
      // Registered with its feature columns, as `assay models register` records them.
      model = await loadModel('breast_cancer', file, { featureColumns: features });
      expected = await evaluationPredictions(model, rows, header);
    });
    afterAll(async () => {
      await model.session.release();
    });

    for (const request of REQUESTS) {
      it(request.name, async () => {
        const decoded = decodeScoringRequest(request.contentType, request.body, model.spec);
        expect(decoded.rows).toBe(rows.length);
        expect(decoded.format).toBe(request.format);
        expect(decoded.inputs.map(({ name, type, dims }) => ({ name, type, dims }))).toEqual([
          { name: 'input', type: 'float32', dims: [rows.length, 30] },
        ]);
        const predictions = asPredictions(model, await runInputs(model, decoded.inputs));
        expect(predictions.labels).toEqual(expected.labels);
        expect(predictions.probabilities).toEqual(expected.probabilities);
      });
    }
  });
}

describe('bc-logreg-v1.onnx registered without feature columns', () => {
  let model: LoadedModel;
  let expected: Predictions;
  beforeAll(async () => {
    model = await loadModel('breast_cancer', 'bc-logreg-v1.onnx');
    expected = await evaluationPredictions(model, rows, header, features);
  });
  afterAll(async () => {
    await model.session.release();
  });

  it('takes a DataFrame columns in the order given, as MLflow feeds DataFrame.values', async () => {
    expect(model.spec.featureColumns).toBeNull();
    const body = json({ dataframe_split: { columns: features, data: jsonCells(rows, features) } });
    const decoded = decodeScoringRequest(JSON_TYPE, body, model.spec);
    const predictions = asPredictions(model, await runInputs(model, decoded.inputs));
    expect(predictions.labels).toEqual(expected.labels);
    expect(predictions.probabilities).toEqual(expected.probabilities);
  });

  it('takes rows of 30 values', async () => {
    const decoded = decodeScoringRequest(JSON_TYPE, json({ inputs: jsonCells(rows, features) }), model.spec);
    const predictions = asPredictions(model, await runInputs(model, decoded.inputs));
    expect(predictions.probabilities).toEqual(expected.probabilities);
  });

  it('refuses a DataFrame whose width is not the input width', () => {
    const body = json({ dataframe_split: { columns: header, data: jsonCells(rows, header) } });
    expect(() => decodeScoringRequest(JSON_TYPE, body, model.spec)).toThrow(
      "The model's input 'input' takes 30 feature columns; the data offers 33",
    );
  });
});

it('copies tensors out of the feeder: a second request leaves the first one as it was', async () => {
  const model = await loadModel('breast_cancer', 'bc-logreg-v1.onnx', { featureColumns: features });
  try {
    const first = decodeScoringRequest(JSON_TYPE, json({ inputs: jsonCells(rows, features) }), model.spec);
    const copy = Float32Array.from(first.inputs[0]?.data as Float32Array);
    decodeScoringRequest(JSON_TYPE, json({ inputs: jsonCells(rows, features).reverse() }), model.spec);
    expect(first.inputs[0]?.data).toEqual(copy);
  } finally {
    await model.session.release();
  }
});
