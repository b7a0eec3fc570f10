import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError } from '../../../src/errors/assay-error.js';
import type { ModelSpec } from '../../../src/runtime/model-spec.js';
import { decodeScoringRequest } from '../../../src/serving/mlflow-scoring/scoring-request.js';
import { UnsupportedMediaTypeError } from '../../../src/serving/mlflow-scoring/unsupported-media-type-error.js';
import { featureColumns, loadModel, readFixtureCsv, type LoadedModel } from './support/scoring-fixtures.js';

const features = featureColumns(readFixtureCsv('breast_cancer', 'breast_cancer.csv'));
const ROW = features.map((_, at) => at + 0.5);
const FORMATS = "{'dataframe_split', 'dataframe_records', 'instances', 'inputs'}";

let tensorModel: LoadedModel;
let columnsModel: LoadedModel;
beforeAll(async () => {
  tensorModel = await loadModel('breast_cancer', 'bc-logreg-v1.onnx', { featureColumns: features });
  columnsModel = await loadModel('bike_sharing', 'bike-v1.onnx');
});
afterAll(async () => {
  await Promise.all([tensorModel.session.release(), columnsModel.session.release()]);
});

/** The error decoding throws: always an AssayError, never a stack trace in the message. */
function failure(body: string | Buffer, spec: ModelSpec, contentType = 'application/json'): AssayError {
  try {
    decodeScoringRequest(contentType, Buffer.isBuffer(body) ? body : Buffer.from(body), spec);
  } catch (error) {
    expect(error).toBeInstanceOf(AssayError);
    expect((error as Error).message).not.toMatch(/\n\s+at /);
    return error as AssayError;
  }
  throw new Error('decoding succeeded');
}

/** A bad request body: 400 with MLflow's BAD_REQUEST code, and a message holding each fragment. */
function expectBadRequest(body: string | Buffer, spec: () => ModelSpec, ...fragments: string[]): void {
  const error = failure(body, spec());
  expect({ code: error.code, status: error.httpStatus }).toEqual({ code: 'BAD_REQUEST', status: 400 });
  for (const fragment of fragments) expect(error.message).toContain(fragment);
}

const tensor = () => tensorModel.spec;
const columns = () => columnsModel.spec;
const request = (value: unknown) => JSON.stringify(value);

describe('the JSON envelope', () => {
  it('malformed JSON', () => {
    expectBadRequest('{"inputs": [[1, 2', tensor, 'Ensure that input is a valid JSON formatted string');
  });
  it('an unknown key and no input field', () => {
    expectBadRequest(
      request({ data: [ROW] }),
      tensor,
      `exactly one of the input fields ${FORMATS}`,
      "Received dictionary with input fields: ['data']",
    );
  });
  it('two input fields', () => {
    expectBadRequest(
      request({ inputs: [ROW], instances: [ROW] }),
      tensor,
      "Received dictionary with input fields: ['inputs', 'instances']",
    );
  });
  it('a list at the top', () => {
    expectBadRequest(request([ROW]), tensor, 'Received a list.');
  });
  it('a scalar at the top', () => {
    expectBadRequest('42', tensor, "Received unexpected input type 'number'");
  });
});

describe('dataframe_split', () => {
  it('a list instead of an object', () => {
    expectBadRequest(
      request({ dataframe_split: [ROW] }),
      tensor,
      'Dataframe split format must be a dictionary. Got a list.',
    );
  });
  it('an unknown field', () => {
    expectBadRequest(
      request({ dataframe_split: { columns: features, data: [ROW], rows: 1 } }),
      tensor,
      "must have 'data' field and optionally 'columns' and 'index' fields. Got columns, data, rows.",
    );
  });
  it('a missing feature column', () => {
    expectBadRequest(
      request({ dataframe_split: { columns: features.slice(1), data: [ROW.slice(1)] } }),
      tensor,
      "The model needs column 'mean_radius' (for the model's input 'input', float32)",
    );
  });
  it('a missing input column (columns mode)', () => {
    expectBadRequest(
      request({ dataframe_split: { columns: ['hr'], data: [[3]] } }),
      columns,
      "The model needs column 'holiday'",
      'its columns: hr',
    );
  });
  it('a row of the wrong width', () => {
    expectBadRequest(
      request({ dataframe_split: { columns: features, data: [ROW, ROW.slice(1)] } }),
      tensor,
      "dataframe_split: row 1 of 'data' has 29 values; 'columns' names 30",
    );
  });
  it('a non-numeric value', () => {
    const data = [ROW, ROW.map((value, at) => (at === 1 ? 'abc' : value))];
    expectBadRequest(
      request({ dataframe_split: { columns: features, data } }),
      tensor,
      'column \'mean_texture\' mixes kinds: row 0 holds 1.5, row 1 holds "abc"',
    );
  });
  it('text where a number is needed', () => {
    const data = [ROW.map((value, at) => (at === 1 ? 'abc' : value))];
    expectBadRequest(
      request({ dataframe_split: { columns: features, data } }),
      tensor,
      "Column 'mean_texture', row 0: \"abc\" is not a number (for the model's input 'input', float32)",
    );
  });
  it('a missing value', () => {
    const data = [ROW, ROW.map((value, at) => (at === 2 ? null : value))];
    expectBadRequest(
      request({ dataframe_split: { columns: features, data } }),
      tensor,
      "Column 'mean_perimeter', row 1: missing value",
    );
  });
  it('a list in a cell', () => {
    const data = [ROW.map((value, at) => (at === 0 ? [value] : value))];
    expectBadRequest(
      request({ dataframe_split: { columns: features, data } }),
      tensor,
      "column 'mean_radius', row 0 holds a list",
    );
  });
  it('an index of the wrong length', () => {
    expectBadRequest(
      request({ dataframe_split: { columns: features, data: [ROW], index: [0, 1] } }),
      tensor,
      "'index' has 2 entries and 'data' 1 rows",
    );
  });
  it('a column named twice', () => {
    expectBadRequest(
      request({ dataframe_split: { columns: [...features, 'mean_radius'], data: [[...ROW, 1]] } }),
      tensor,
      "column 'mean_radius' appears twice",
    );
  });
  it('no rows', () => {
    expectBadRequest(
      request({ dataframe_split: { columns: features, data: [] } }),
      tensor,
      'the request holds no rows',
    );
  });
  it('a number where an integral text category is needed', () => {
    const data = [[3, 0, 1, 0.5, 0.5, 0.5, 0.1, 1.5, 'clear']];
    expectBadRequest(
      request({
        dataframe_split: {
          columns: ['hr', 'holiday', 'workingday', 'temp', 'atemp', 'hum', 'windspeed', 'season', 'weather'],
          data,
        },
      }),
      columns,
      "Column 'season', row 0: the number 1.5 has no single text form",
    );
  });
});

describe('dataframe_records', () => {
  it('an object instead of a list', () => {
    expectBadRequest(
      request({ dataframe_records: { mean_radius: 1 } }),
      tensor,
      'Dataframe records format must be a list of records. Got dictionary.',
    );
  });
  it('a row that is not a record', () => {
    expectBadRequest(request({ dataframe_records: [ROW] }), tensor, 'dataframe_records: row 0 is a list');
  });
  it('a record without a needed column', () => {
    const record = Object.fromEntries(features.map((name, at) => [name, ROW[at]]));
    const { mean_area: _, ...short } = record;
    expectBadRequest(
      request({ dataframe_records: [record, short] }),
      tensor,
      "Column 'mean_area', row 1: missing value",
    );
  });
});

describe('instances and inputs', () => {
  it('a row of the wrong width', () => {
    expectBadRequest(
      request({ inputs: [ROW, ROW.slice(2)] }),
      tensor,
      "'inputs': row 1 has 28 values; the model's input 'input' takes 30 per row",
    );
  });
  it('a flat row instead of a list of rows', () => {
    expectBadRequest(
      request({ instances: ROW }),
      tensor,
      "'instances': row 0 is 0.5, not a list of 30 values",
    );
  });
  it('a non-numeric value', () => {
    expectBadRequest(
      request({ inputs: [ROW.map((value, at) => (at === 29 ? 'x' : value))] }),
      tensor,
      'Column \'worst_fractal_dimension\', row 0: "x" is not a number',
    );
  });
  it('an unknown input name', () => {
    expectBadRequest(
      request({ inputs: { input: [ROW], extra: [1] } }),
      tensor,
      "'inputs' names 'extra', which the model does not take; its inputs: input",
    );
  });
  it('no values for the tensor input', () => {
    expectBadRequest(request({ inputs: {} }), tensor, "'inputs' has no values for the model's input 'input'");
  });
  it('a list for a model of several inputs', () => {
    expectBadRequest(
      request({ inputs: [[3, 0, 1]] }),
      columns,
      "'inputs' is a list, which can only feed a model with a single input; this model has 9",
      'hr, holiday, workingday',
    );
  });
  it('inputs of different lengths', () => {
    expectBadRequest(
      request({ inputs: { hr: [1, 2], season: ['fall'] } }),
      columns,
      "'inputs': 'hr' has 2 values and 'season' 1",
    );
  });
  it('a missing input (columns mode)', () => {
    expectBadRequest(request({ inputs: { hr: [1] } }), columns, "The model needs column 'holiday'");
  });
  it('several values for a one-value input', () => {
    expectBadRequest(
      request({ inputs: { hr: [[1, 2]] } }),
      columns,
      "'inputs.hr': row 0 has 2 values; the model's input 'hr' takes one per row",
    );
  });
  it('a scalar', () => {
    expectBadRequest(request({ inputs: 3 }), tensor, "'inputs' must be a list of rows or an object");
  });
  it('instances mixing records and rows', () => {
    expectBadRequest(request({ instances: [{ input: ROW }, ROW] }), tensor, "'instances': row 1 is a list");
  });
});

describe('CSV', () => {
  const csv = (text: string) => failure(Buffer.from(text), tensorModel.spec, 'text/csv');
  it('a row of the wrong width', () => {
    const error = csv(`${features.join(',')}\n${ROW.join(',')}\n1,2\n`);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('Failed to parse input as a Pandas DataFrame');
    expect(error.message).toContain('Invalid Record Length');
  });
  it('an unclosed quote', () => {
    expect(csv(`${features.join(',')}\n"1.5,2\n`).message).toContain('Quote Not Closed');
  });
  it('an empty body', () => {
    expect(csv('').message).toContain('No columns to parse from input');
  });
  it('text where a number is needed', () => {
    const row = ROW.map((value, at) => (at === 3 ? 'n/a' : value));
    expect(csv(`${features.join(',')}\n${row.join(',')}\n`).message).toContain(
      'Column \'mean_area\', row 0: "n/a" is not a number',
    );
  });
});

describe('Content-Type', () => {
  const body = request({ inputs: [ROW] });
  it.each([
    ['text/plain', "Got 'text/plain'"],
    ['application/x-www-form-urlencoded', "Types: ['text/csv', 'application/json']"],
  ])('%s is a 415', (type, fragment) => {
    const error = failure(body, tensorModel.spec, type);
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect({ code: error.code, status: error.httpStatus }).toEqual({ code: 'BAD_REQUEST', status: 415 });
    expect(error.message).toContain(fragment);
  });
  it('no Content-Type is a 415', () => {
    let error: unknown;
    try {
      decodeScoringRequest(undefined, Buffer.from(body), tensorModel.spec);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect((error as Error).message).toContain('Got no Content-Type');
  });
  it('a charset other than UTF-8 is a 415', () => {
    expect(failure(body, tensorModel.spec, 'application/json; charset=latin-1').message).toBe(
      'The scoring server only supports UTF-8',
    );
  });
  it('an unknown parameter is a 415', () => {
    expect(failure(body, tensorModel.spec, 'application/json; format=pandas-split').message).toContain(
      'Unrecognized content type parameters: format',
    );
  });
  it.each(['application/json', 'Application/JSON; charset=UTF-8', 'application/json;charset="utf-8"'])(
    '%s is taken',
    (type) => {
      expect(decodeScoringRequest(type, Buffer.from(body), tensorModel.spec).rows).toBe(1);
    },
  );
});
