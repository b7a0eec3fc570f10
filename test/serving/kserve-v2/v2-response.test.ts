import { describe, expect, it } from 'vitest';
import type { NamedTensor } from '../../../src/serving/named-tensor.js';
import { parseV2Json } from '../../../src/serving/kserve-v2/v2-json-text.js';
import { encodeInferResponse, type InferResponseParts } from '../../../src/serving/kserve-v2/v2-response.js';
import { bodyBytes, readResponse } from './support/v2-bodies.js';

/** What bc-wide-mlp gives for two rows. */
const LABEL: NamedTensor = { name: 'label', type: 'int64', dims: [2], data: BigInt64Array.of(1n, 0n) };
const PROBABILITIES: NamedTensor = {
  name: 'probabilities',
  type: 'float32',
  dims: [2, 2],
  data: Float32Array.of(0.1, 0.9, 0.75, 0.25),
};

function parts(overrides: Partial<InferResponseParts> = {}): InferResponseParts {
  return {
    modelName: 'breast-cancer',
    modelVersion: '3',
    id: 'req-1',
    outputs: [LABEL, PROBABILITIES],
    binary: () => false,
    ...overrides,
  };
}

describe('encodeInferResponse, all JSON', () => {
  it('writes the envelope and flat data, float32 in its shortest exact form', () => {
    const encoded = encodeInferResponse(parts());
    expect(encoded.headerLength).toBeNull();
    expect(JSON.parse(bodyBytes(encoded).toString('utf8'))).toEqual({
      model_name: 'breast-cancer',
      model_version: '3',
      id: 'req-1',
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [2], data: [1, 0] },
        { name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: [0.1, 0.9, 0.75, 0.25] },
      ],
    });
  });

  it('leaves out a null model version', () => {
    expect(readResponse(encodeInferResponse(parts({ modelVersion: null }))).json).not.toHaveProperty(
      'model_version',
    );
  });

  it('writes int64 values beyond 2^53 with all their digits', () => {
    const big: NamedTensor = {
      name: 'label',
      type: 'int64',
      dims: [2],
      data: BigInt64Array.of(2n ** 62n + 1n, -7n),
    };
    const text = bodyBytes(encodeInferResponse(parts({ outputs: [big] }))).toString('utf8');
    expect(text).toContain('"data":[4611686018427387905,-7]');
  });

  it('writes float16 as numbers that round back to the same half', () => {
    const halves: NamedTensor = {
      name: 'h',
      type: 'float16',
      dims: [4],
      data: Uint16Array.of(0x2e66, 0x7bff, 0x0001, 0x8000),
    };
    const { json } = readResponse(encodeInferResponse(parts({ outputs: [halves] })));
    // 0x2e66 is 0.0999755859375, 0x7bff is 65504 (65500 reads back as it), 0x0001 the smallest subnormal.
    expect(json.outputs[0]?.data).toEqual([0.1, 65500, 6e-8, -0]);
  });

  it('writes non-finite floats as Triton does, which a lenient reader parses back', () => {
    const special: NamedTensor = {
      name: 'probabilities',
      type: 'float64',
      dims: [4],
      data: Float64Array.of(NaN, Infinity, -Infinity, 1e-300),
    };
    const body = bodyBytes(encodeInferResponse(parts({ outputs: [special] })));
    expect(body.toString('utf8')).toContain('"data":[NaN,Infinity,-Infinity,1e-300]');
    const parsed = parseV2Json(body, 'Response') as { outputs: { data: number[] }[] };
    expect(parsed.outputs[0]?.data).toEqual([NaN, Infinity, -Infinity, 1e-300]);
  });

  it('writes float32 non-finite values the same way', () => {
    const special: NamedTensor = {
      name: 'p',
      type: 'float32',
      dims: [2],
      data: Float32Array.of(NaN, -Infinity),
    };
    expect(bodyBytes(encodeInferResponse(parts({ outputs: [special] }))).toString('utf8')).toContain(
      '"data":[NaN,-Infinity]',
    );
  });

  it('escapes strings and writes booleans', () => {
    const outputs: NamedTensor[] = [
      { name: 's', type: 'string', dims: [2], data: ['say "hi"', 'é\n'] },
      { name: 'b', type: 'bool', dims: [2], data: Uint8Array.of(1, 0) },
    ];
    const { json } = readResponse(encodeInferResponse(parts({ outputs })));
    expect(json.outputs.map((output) => output.data)).toEqual([
      ['say "hi"', 'é\n'],
      [true, false],
    ]);
  });
});

describe('encodeInferResponse with binary outputs', () => {
  it('puts the chosen outputs after the JSON, in order, and gives the header length', () => {
    const encoded = encodeInferResponse(parts({ binary: (name) => name === 'probabilities' }));
    expect(encoded.headerLength).toBeGreaterThan(0);
    const { json, blobs } = readResponse(encoded);
    expect(json.outputs).toEqual([
      { name: 'label', datatype: 'INT64', shape: [2], data: [1, 0] },
      { name: 'probabilities', datatype: 'FP32', shape: [2, 2], parameters: { binary_data_size: 16 } },
    ]);
    expect(new Float32Array(new Uint8Array(blobs.get('probabilities') ?? []).buffer)).toEqual(
      PROBABILITIES.data,
    );
  });

  it('writes every output binary when asked, int64 as 8 little-endian bytes each', () => {
    const { json, blobs } = readResponse(encodeInferResponse(parts({ binary: () => true })));
    expect(json.outputs.map((output) => output.parameters?.binary_data_size)).toEqual([16, 16]);
    expect(Buffer.from(blobs.get('label') ?? []).readBigInt64LE(0)).toBe(1n);
  });

  it('writes NaN bit for bit in binary', () => {
    const nan: NamedTensor = { name: 'p', type: 'float64', dims: [1], data: Float64Array.of(NaN) };
    const { blobs } = readResponse(encodeInferResponse(parts({ outputs: [nan], binary: () => true })));
    expect(Buffer.from(blobs.get('p') ?? []).readDoubleLE(0)).toBeNaN();
  });
});
