import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../src/runtime/model-spec.js';
import { decodeInferRequest } from '../../../src/serving/kserve-v2/v2-request.js';
import { fixtureSignature, invalidParameterMessage, jsonBody } from './support/v2-bodies.js';

/** bc-wide-mlp: input 'input' float32 [N, 30]; outputs label int64 [N], probabilities float32 [N, 2]. */
let breastCancer: ModelSignature;
/** bike-v1: one [N, 1] input per column, float32 and string; output 'variable' float32 [N, 1]. */
let bike: ModelSignature;

beforeAll(async () => {
  breastCancer = await fixtureSignature('breast_cancer', 'bc-wide-mlp.onnx');
  bike = await fixtureSignature('bike_sharing', 'bike-v1.onnx');
});

const FEATURES = Array.from({ length: 30 }, (_, i) => i / 4);

function bcInput(overrides: Record<string, unknown> = {}) {
  return { name: 'input', shape: [2, 30], datatype: 'FP32', data: [...FEATURES, ...FEATURES], ...overrides };
}

const BIKE_NUMBERS = ['hr', 'holiday', 'workingday', 'temp', 'atemp', 'hum', 'windspeed'];

/** A two-row bike request, its inputs in the reverse of the model's order. */
function bikeInputs(): Record<string, unknown>[] {
  return [
    { name: 'weather', shape: [2, 1], datatype: 'BYTES', data: [['Clear'], ['Mist']] },
    { name: 'season', shape: [2, 1], datatype: 'BYTES', data: ['spring', 'winter'] },
    ...BIKE_NUMBERS.map((name, i) => ({
      name,
      shape: [2, 1],
      datatype: 'FP32',
      data: [i, i + 0.5],
    })).reverse(),
  ];
}

function decodeBc(request: unknown) {
  return decodeInferRequest(jsonBody(request), null, breastCancer);
}

function bcError(request: unknown): string {
  return invalidParameterMessage(() => decodeBc(request));
}

function bcInputError(overrides: Record<string, unknown>): string {
  return bcError({ inputs: [bcInput(overrides)] });
}

describe('decodeInferRequest on JSON bodies', () => {
  it('decodes a flat tensor input, with no id and all outputs', () => {
    const request = decodeBc({ inputs: [bcInput()] });
    expect(request).toEqual({
      id: null,
      inputs: [
        {
          name: 'input',
          type: 'float32',
          dims: [2, 30],
          data: Float32Array.from([...FEATURES, ...FEATURES]),
        },
      ],
      rows: 2,
      outputs: null,
      binaryOutputs: false,
      timeoutMicroseconds: null,
    });
  });

  it('decodes nested data as the same row-major tensor', () => {
    const nested = decodeBc({ inputs: [bcInput({ data: [FEATURES, FEATURES] })] });
    expect(nested.inputs).toEqual(decodeBc({ inputs: [bcInput()] }).inputs);
  });

  it('keeps the id, and the outputs asked for with their binary choice', () => {
    const request = decodeBc({
      id: 'req-7',
      parameters: { binary_data_output: true },
      inputs: [bcInput()],
      outputs: [{ name: 'probabilities', parameters: { binary_data: false } }, { name: 'label' }],
    });
    expect(request.id).toBe('req-7');
    expect(request.binaryOutputs).toBe(true);
    expect(request.outputs).toEqual([
      { name: 'probabilities', binary: false },
      { name: 'label', binary: true },
    ]);
  });

  it('reads an empty outputs list as all outputs', () => {
    expect(decodeBc({ inputs: [bcInput()], outputs: [] }).outputs).toBeNull();
  });

  it('accepts zero rows', () => {
    const request = decodeBc({ inputs: [bcInput({ shape: [0, 30], data: [] })] });
    expect(request.rows).toBe(0);
    expect(request.inputs[0]?.data).toEqual(new Float32Array(0));
  });

  it('puts per-column inputs in the model’s order, strings and floats each in their array', () => {
    const request = decodeInferRequest(jsonBody({ inputs: bikeInputs() }), null, bike);
    expect(request.rows).toBe(2);
    expect(request.inputs.map((input) => input.name)).toEqual(bike.inputs.map((spec) => spec.name));
    const byName = new Map(request.inputs.map((input) => [input.name, input]));
    expect(byName.get('season')).toEqual({
      name: 'season',
      type: 'string',
      dims: [2, 1],
      data: ['spring', 'winter'],
    });
    expect(byName.get('weather')?.data).toEqual(['Clear', 'Mist']);
    expect(byName.get('temp')).toEqual({
      name: 'temp',
      type: 'float32',
      dims: [2, 1],
      data: Float32Array.of(3, 3.5),
    });
  });

  it('reads the non-finite tokens Triton writes for float inputs', () => {
    const text = JSON.stringify({ inputs: [bcInput({ shape: [1, 30], data: FEATURES })] }).replace(
      '[0,0.25,0.5,',
      '[NaN,Infinity,-Infinity,',
    );
    const data = decodeInferRequest(Buffer.from(text), null, breastCancer).inputs[0]?.data as Float32Array;
    expect(Array.from(data.subarray(0, 4))).toEqual([NaN, Infinity, -Infinity, 0.75]);
  });
});

describe('decodeInferRequest refuses, naming the input and the problem', () => {
  it.each([
    ['a body that is not JSON', '{"inputs": [', 'Request body is not valid JSON: '],
    ['a body that is not UTF-8', '\u00ff', 'Request body is not valid UTF-8'],
    ['a JSON array', '[]', "The request must be a JSON object with 'inputs'"],
    ['no inputs', '{}', "'inputs' must be a non-empty array"],
    ['empty inputs', '{"inputs": []}', "'inputs' must be a non-empty array"],
    ['a numeric id', '{"id": 3, "inputs": []}', "'id' must be a string"],
    [
      'parameters that are not an object',
      '{"parameters": [], "inputs": []}',
      "'parameters' must be an object",
    ],
  ])('%s', (_, text, message) => {
    const body = text === '\u00ff' ? Buffer.of(0xff) : Buffer.from(text);
    expect(invalidParameterMessage(() => decodeInferRequest(body, null, breastCancer))).toContain(message);
  });

  it('an input that is not an object, or has no name', () => {
    expect(bcError({ inputs: [bcInput(), 'input'] })).toBe(
      'inputs[1] must be an object with name, shape, datatype and data',
    );
    expect(bcError({ inputs: [{ shape: [1, 30] }] })).toBe("inputs[0]: 'name' must be a string");
  });

  it('an input the model does not take', () => {
    expect(bcError({ inputs: [bcInput(), bcInput({ name: 'x' })] })).toBe(
      "Unknown input 'x'; the model takes: input",
    );
  });

  it('an input given twice', () => {
    expect(bcError({ inputs: [bcInput(), bcInput()] })).toBe("Input 'input' appears twice");
  });

  it('a model input left out', () => {
    const inputs = bikeInputs().filter((input) => input.name !== 'hum');
    expect(invalidParameterMessage(() => decodeInferRequest(jsonBody({ inputs }), null, bike))).toBe(
      "Input 'hum': missing",
    );
  });

  it('a datatype other than the model’s, or unknown', () => {
    expect(bcInputError({ datatype: 'FP64' })).toBe(
      "Input 'input': datatype FP64 does not match the model's FP32",
    );
    expect(bcInputError({ datatype: 'FLOAT' })).toBe(
      "Input 'input': unknown datatype 'FLOAT'; KServe v2 datatypes are " +
        'BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES',
    );
    expect(bcInputError({ datatype: undefined })).toContain("Input 'input': 'datatype' must be a string");
  });

  it('a shape that is not a list of sizes', () => {
    for (const shape of [undefined, '2,30', [2, -30], [2, 1.5], [2, '30']]) {
      expect(bcInputError({ shape })).toBe(
        "Input 'input': 'shape' must be an array of non-negative integers",
      );
    }
  });

  it('a rank other than the model’s', () => {
    expect(bcInputError({ shape: [60] })).toBe(
      "Input 'input': shape [60] has 1 dimension but the model's [N,30] has 2",
    );
    expect(bcInputError({ shape: [2, 30, 1] })).toBe(
      "Input 'input': shape [2,30,1] has 3 dimensions but the model's [N,30] has 2",
    );
  });

  it('a fixed dimension of another size', () => {
    expect(bcInputError({ shape: [2, 29] })).toBe(
      "Input 'input': dimension 1 is 29 but the model's shape [N,30] fixes it at 30",
    );
  });

  it('inputs with different numbers of rows', () => {
    const inputs = bikeInputs();
    inputs[1] = { name: 'season', shape: [3, 1], datatype: 'BYTES', data: ['a', 'b', 'c'] };
    expect(invalidParameterMessage(() => decodeInferRequest(jsonBody({ inputs }), null, bike))).toBe(
      "Input 'season': 3 rows (shape [3,1]) but input 'weather' has 2",
    );
  });

  it('flat data with another number of elements than the shape holds', () => {
    expect(bcInputError({ data: FEATURES.concat(FEATURES).slice(1) })).toBe(
      "Input 'input': shape [2,30] holds 60 elements but data has 59",
    );
  });

  it('nested data of the wrong shape', () => {
    expect(bcInputError({ data: [FEATURES, FEATURES.slice(1)] })).toBe(
      "Input 'input': data at [1] has 29 elements but shape [2,30] needs 30 there",
    );
    expect(bcInputError({ data: [FEATURES, FEATURES, FEATURES] })).toBe(
      "Input 'input': data has 3 elements but shape [2,30] needs 2 there",
    );
    expect(bcInputError({ data: [FEATURES, 5] })).toBe(
      "Input 'input': data at [1] is 5, not an array as shape [2,30] needs",
    );
    expect(bcInputError({ data: [FEATURES, [[1], ...FEATURES.slice(1)]] })).toBe(
      "Input 'input': data at [1][0] is an array, nested deeper than shape [2,30]",
    );
  });

  it('data that is missing, not an array, or given with binary_data_size', () => {
    expect(bcInputError({ data: undefined })).toBe(
      "Input 'input': has no 'data' (nor parameters.binary_data_size)",
    );
    expect(bcInputError({ data: 'abc' })).toBe("Input 'input': 'data' must be an array");
    expect(bcInputError({ parameters: { binary_data_size: 240 } })).toBe(
      "Input 'input': has both 'data' and parameters.binary_data_size",
    );
    expect(bcInputError({ parameters: 'binary' })).toBe("Input 'input': 'parameters' must be an object");
  });

  it('elements of the wrong kind for the datatype', () => {
    const data = [...FEATURES, ...FEATURES];
    data[3] = '1.5' as unknown as number;
    expect(bcInputError({ data })).toBe('Input \'input\': element 3 is "1.5", not a number');
    data[3] = 1e39;
    expect(bcInputError({ data })).toBe("Input 'input': element 3 is 1e+39, out of range for FP32");
    const season = bikeInputs();
    season[1] = { name: 'season', shape: [2, 1], datatype: 'BYTES', data: ['spring', 4] };
    expect(invalidParameterMessage(() => decodeInferRequest(jsonBody({ inputs: season }), null, bike))).toBe(
      "Input 'season': element 1 is 4, not a string",
    );
  });

  it('an output the model does not give, or asked for twice', () => {
    expect(bcError({ inputs: [bcInput()], outputs: [{ name: 'y' }] })).toBe(
      "Unknown output 'y'; the model gives: label, probabilities",
    );
    expect(bcError({ inputs: [bcInput()], outputs: [{ name: 'label' }, { name: 'label' }] })).toBe(
      "Output 'label' is requested twice",
    );
    expect(bcError({ inputs: [bcInput()], outputs: { name: 'label' } })).toBe("'outputs' must be an array");
    expect(bcError({ inputs: [bcInput()], outputs: [{ id: 'label' }] })).toBe(
      "outputs[0]: 'name' must be a string",
    );
  });

  it('binary choices that are not booleans', () => {
    expect(bcError({ parameters: { binary_data_output: 'true' }, inputs: [bcInput()] })).toBe(
      'parameters.binary_data_output must be true or false',
    );
    expect(
      bcError({ inputs: [bcInput()], outputs: [{ name: 'label', parameters: { binary_data: 1 } }] }),
    ).toBe("Output 'label': parameters.binary_data must be true or false");
  });
});

describe('what the protocol cannot carry', () => {
  const zipMap: ModelSignature = {
    inputs: [{ name: 'input', type: 'float32', shape: ['N', 4] }],
    outputs: [
      { name: 'output_label', type: 'int64', shape: ['N'] },
      { name: 'output_probability', type: 'non-tensor', shape: [] },
    ],
  };

  it('a non-tensor output asked for by name', () => {
    const body = jsonBody({
      inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
      outputs: [{ name: 'output_probability' }],
    });
    expect(invalidParameterMessage(() => decodeInferRequest(body, null, zipMap))).toBe(
      "Output 'output_probability' is not a tensor (non-tensor), which KServe v2 cannot carry",
    );
  });

  it('an unknown output: the message lists only the outputs a client can ask for', () => {
    const body = jsonBody({
      inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
      outputs: [{ name: 'probabilities' }],
    });
    expect(invalidParameterMessage(() => decodeInferRequest(body, null, zipMap))).toBe(
      "Unknown output 'probabilities'; the model gives: output_label",
    );
  });
});
