import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Predictions } from '../../../src/runtime/model-spec.js';
import { decodeScoringRequest } from '../../../src/serving/mlflow-scoring/scoring-request.js';
import {
  asPredictions,
  csvText,
  evaluationPredictions,
  json,
  jsonCells,
  recordCells,
  loadModel,
  readFixtureCsv,
  runInputs,
  type LoadedModel,
} from './support/scoring-fixtures.js';

const table = readFixtureCsv('bike_sharing', 'hour.csv');
const rows = table.rows.filter((row) => row.yr === '1');
const header = table.header;
const INPUTS = ['hr', 'holiday', 'workingday', 'temp', 'atemp', 'hum', 'windspeed', 'season', 'weather'];
const JSON_TYPE = 'application/json';

/** Each input's values in one list: flat, or one [value] per row (the [N, 1] shape). */
function byInput(wrap: boolean): Record<string, unknown[]> {
  const cells = jsonCells(rows, INPUTS);
  return Object.fromEntries(
    INPUTS.map((name, at) => [name, cells.map((row) => (wrap ? [row[at]] : row[at]))]),
  );
}

const REQUESTS: readonly { name: string; contentType: string; body: Buffer; format: string }[] = [
  {
    name: 'dataframe_split, every column of hour.csv',
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: header, data: jsonCells(rows, header) } }),
    format: 'dataframe',
  },
  {
    name: 'dataframe_records, the inputs only',
    contentType: JSON_TYPE,
    body: json({
      dataframe_records: recordCells(rows, INPUTS),
    }),
    format: 'dataframe',
  },
  {
    name: 'text/csv',
    contentType: 'text/csv',
    body: Buffer.from(csvText(rows, header)),
    format: 'dataframe',
  },
  {
    name: 'inputs {name: values}',
    contentType: JSON_TYPE,
    body: json({ inputs: byInput(false) }),
    format: 'tensor',
  },
  {
    name: 'inputs {name: [[value]]}',
    contentType: JSON_TYPE,
    body: json({ inputs: byInput(true) }),
    format: 'tensor',
  },
  {
    name: 'instances [{name: value}]',
    contentType: JSON_TYPE,
    body: json({
      instances: jsonCells(rows, INPUTS).map((cells) =>
        Object.fromEntries(INPUTS.map((name, at) => [name, cells[at]])),
      ),
    }),
    format: 'tensor',
  },
];

describe('bike-v1.onnx (one [N, 1] input per column): every request form scores as the evaluation path does', () => {
  let model: LoadedModel;
  let expected: Predictions;
  beforeAll(async () => {
    model = await loadModel('bike_sharing', 'bike-v1.onnx');
    expected = await evaluationPredictions(model, rows, header);
  });
  afterAll(async () => {
    await model.session.release();
  });

  it('is a columns-mode regressor', () => {
    expect(model.spec.inputMode).toBe('columns');
    expect(model.spec.task).toBe('regression');
  });

  for (const request of REQUESTS) {
    it(request.name, async () => {
      const decoded = decodeScoringRequest(request.contentType, request.body, model.spec);
      expect(decoded.rows).toBe(rows.length);
      expect(decoded.format).toBe(request.format);
      expect(decoded.inputs.map((input) => input.name)).toEqual(
        model.spec.signature.inputs.map((input) => input.name),
      );
      for (const input of decoded.inputs) {
        expect(input.dims).toEqual([rows.length, 1]);
        expect(input.type).toBe(input.name === 'season' || input.name === 'weather' ? 'string' : 'float32');
      }
      const predictions = asPredictions(model, await runInputs(model, decoded.inputs));
      expect(predictions.values).toEqual(expected.values);
    });
  }
});
