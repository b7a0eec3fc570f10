import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamedTensor } from '../../../src/serving/named-tensor.js';
import { decodeScoringRequest } from '../../../src/serving/mlflow-scoring/scoring-request.js';
import { encodeScoringResponse } from '../../../src/serving/mlflow-scoring/scoring-response.js';
import {
  featureColumns,
  json,
  jsonCells,
  loadModel,
  readFixtureCsv,
  runInputs,
  type LoadedModel,
} from './support/scoring-fixtures.js';

describe('real model outputs', () => {
  const table = readFixtureCsv('breast_cancer', 'breast_cancer.csv');
  const features = featureColumns(table);
  const rows = table.rows.slice(0, 3);
  let classifier: LoadedModel;
  let regressor: LoadedModel;
  beforeAll(async () => {
    classifier = await loadModel('breast_cancer', 'bc-logreg-v1.onnx', { featureColumns: features });
    regressor = await loadModel('bike_sharing', 'bike-v1.onnx');
  });
  afterAll(async () => {
    await Promise.all([classifier.session.release(), regressor.session.release()]);
  });

  async function outputs(
    model: LoadedModel,
    body: unknown,
  ): Promise<{ outputs: NamedTensor[]; format: 'dataframe' | 'tensor' }> {
    const decoded = decodeScoringRequest('application/json', json(body), model.spec);
    return { outputs: await runInputs(model, decoded.inputs), format: decoded.format };
  }

  it('a DataFrame request: one record per row, the label a number and the probabilities a list', async () => {
    const { outputs: out, format } = await outputs(classifier, {
      dataframe_split: { columns: features, data: jsonCells(rows, features) },
    });
    const probabilities = out[1]?.data as Float32Array;
    const labels = out[0]?.data as BigInt64Array;
    const response = encodeScoringResponse(out, format);
    expect(response).toEqual({
      predictions: rows.map((_, row) => ({
        label: Number(labels[row]),
        probabilities: [probabilities[row * 2], probabilities[row * 2 + 1]],
      })),
    });
    // Row 0 of breast_cancer.csv is malignant (target 0).
    const sent = JSON.parse(JSON.stringify(response)) as { predictions: { label: number }[] };
    expect(sent.predictions[0]?.label).toBe(0);
  });

  it('a tensor request: one array per output, nested by its dims', async () => {
    const { outputs: out, format } = await outputs(classifier, { inputs: jsonCells(rows, features) });
    const probabilities = out[1]?.data as Float32Array;
    const response = encodeScoringResponse(out, format);
    expect(Object.keys(response.predictions)).toEqual(['label', 'probabilities']);
    expect((response.predictions as Record<string, unknown>).probabilities).toEqual(
      rows.map((_, row) => [probabilities[row * 2], probabilities[row * 2 + 1]]),
    );
  });

  it('a regressor: a [N, 1] output is one value per record, and [[v], ...] as a tensor', async () => {
    const inputs = {
      hr: [8, 17],
      holiday: [0, 0],
      workingday: [1, 1],
      temp: [0.5, 0.6],
      atemp: [0.5, 0.6],
      hum: [0.5, 0.4],
      windspeed: [0.1, 0.2],
      season: ['summer', 'fall'],
      weather: ['clear', 'mist'],
    };
    const columns = Object.keys(inputs);
    const data = [0, 1].map((row) =>
      columns.map((name) => (inputs as Record<string, unknown[]>)[name]?.[row]),
    );
    const frame = await outputs(regressor, { dataframe_split: { columns, data } });
    const values = frame.outputs[0]?.data as Float32Array;
    expect(encodeScoringResponse(frame.outputs, frame.format)).toEqual({
      predictions: [{ variable: values[0] }, { variable: values[1] }],
    });
    const tensor = await outputs(regressor, { inputs });
    expect(encodeScoringResponse(tensor.outputs, tensor.format)).toEqual({
      predictions: { variable: [[values[0]], [values[1]]] },
    });
  });
});

describe('element types', () => {
  const tensor = (
    name: string,
    type: NamedTensor['type'],
    dims: number[],
    data: NamedTensor['data'],
  ): NamedTensor => ({
    name,
    type,
    dims,
    data,
  });

  it('writes float32 as the double it is, as numpy tolist() does', () => {
    const response = encodeScoringResponse([tensor('p', 'float32', [1], Float32Array.of(0.1))], 'tensor');
    expect(JSON.stringify(response)).toBe('{"predictions":{"p":[0.10000000149011612]}}');
  });

  it('writes int64 as numbers, bool as booleans, strings as they are', () => {
    const outputs = [
      tensor('label', 'int64', [2], BigInt64Array.of(3n, -1n)),
      tensor('flag', 'bool', [2, 1], Uint8Array.of(1, 0)),
      tensor('name', 'string', [2], ['a', 'b']),
    ];
    expect(encodeScoringResponse(outputs, 'dataframe')).toEqual({
      predictions: [
        { label: 3, flag: true, name: 'a' },
        { label: -1, flag: false, name: 'b' },
      ],
    });
  });

  it('decodes float16 and writes NaN and infinities as null', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x7c00 = +inf, 0x7e00 = NaN, 0x0001 = 2^-24.
    const half = tensor('h', 'float16', [5], Uint16Array.of(0x3c00, 0xc000, 0x7c00, 0x7e00, 0x0001));
    expect(encodeScoringResponse([half], 'tensor')).toEqual({
      predictions: { h: [1, -2, null, null, 2 ** -24] },
    });
    const floats = tensor('f', 'float64', [2], Float64Array.of(Number.NaN, -Infinity));
    expect(encodeScoringResponse([floats], 'tensor')).toEqual({ predictions: { f: [null, null] } });
  });

  it('nests outputs of more than two dimensions', () => {
    const cube = tensor('c', 'int32', [2, 2, 2], Int32Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect(encodeScoringResponse([cube], 'tensor')).toEqual({
      predictions: {
        c: [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8],
          ],
        ],
      },
    });
    expect(encodeScoringResponse([cube], 'dataframe')).toEqual({
      predictions: [
        {
          c: [
            [1, 2],
            [3, 4],
          ],
        },
        {
          c: [
            [5, 6],
            [7, 8],
          ],
        },
      ],
    });
  });

  it('refuses outputs that disagree on the number of rows', () => {
    const outputs = [
      tensor('a', 'int32', [2], Int32Array.of(1, 2)),
      tensor('b', 'int32', [3], Int32Array.of(1, 2, 3)),
    ];
    expect(() => encodeScoringResponse(outputs, 'dataframe')).toThrow("output 'b' has dims [3], not 2 rows");
  });
});
