import { allocateTensorData } from '../../../src/serving/named-tensor.js';
import { setFloat16 } from '@petamoriken/float16';
import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../src/runtime/model-spec.js';
import type { NamedTensor, TensorData, TensorType } from '../../../src/serving/named-tensor.js';
import {
  datatypeOf,
  datatypeOfSpecType,
  elementByteSize,
  isV2Datatype,
  tensorTypeOf,
  V2_DATATYPES,
  type V2Datatype,
} from '../../../src/serving/kserve-v2/v2-datatypes.js';
import { decodeInferRequest } from '../../../src/serving/kserve-v2/v2-request.js';
import { encodeInferResponse } from '../../../src/serving/kserve-v2/v2-response.js';
import { binaryBody, jsonBody, readResponse } from './support/v2-bodies.js';

interface DatatypeCase {
  readonly datatype: V2Datatype;
  readonly type: TensorType;
  readonly size: number | null;
  /** Three elements as JSON carries them... */
  readonly json: readonly unknown[];
  /** ...and as NamedTensor holds them. */
  readonly data: TensorData;
  /** Their little-endian bytes, built without the codec. */
  readonly bytes: Uint8Array;
}

function littleEndian(
  size: number,
  values: readonly (number | bigint)[],
  write: (b: Buffer, v: never, o: number) => void,
) {
  const bytes = Buffer.alloc(size * values.length);
  values.forEach((value, i) => write(bytes, value as never, i * size));
  return new Uint8Array(bytes);
}

function halfBytes(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 2));
  values.forEach((value, i) => setFloat16(view, i * 2, value, true));
  return new Uint8Array(view.buffer);
}

const CASES: readonly DatatypeCase[] = [
  {
    datatype: 'BOOL',
    type: 'bool',
    size: 1,
    json: [true, false, true],
    data: Uint8Array.of(1, 0, 1),
    bytes: Uint8Array.of(1, 0, 1),
  },
  {
    datatype: 'UINT8',
    type: 'uint8',
    size: 1,
    json: [0, 255, 7],
    data: Uint8Array.of(0, 255, 7),
    bytes: Uint8Array.of(0, 255, 7),
  },
  {
    datatype: 'UINT16',
    type: 'uint16',
    size: 2,
    json: [0, 65535, 300],
    data: Uint16Array.of(0, 65535, 300),
    bytes: littleEndian(2, [0, 65535, 300], (b, v, o) => b.writeUInt16LE(v, o)),
  },
  {
    datatype: 'UINT32',
    type: 'uint32',
    size: 4,
    json: [0, 4294967295, 70000],
    data: Uint32Array.of(0, 4294967295, 70000),
    bytes: littleEndian(4, [0, 4294967295, 70000], (b, v, o) => b.writeUInt32LE(v, o)),
  },
  {
    datatype: 'UINT64',
    type: 'uint64',
    size: 8,
    json: [0, 9007199254740991, 5],
    data: BigUint64Array.of(0n, 9007199254740991n, 5n),
    bytes: littleEndian(8, [0n, 9007199254740991n, 5n], (b, v, o) => b.writeBigUInt64LE(v, o)),
  },
  {
    datatype: 'INT8',
    type: 'int8',
    size: 1,
    json: [-128, 127, 0],
    data: Int8Array.of(-128, 127, 0),
    bytes: Uint8Array.of(0x80, 0x7f, 0),
  },
  {
    datatype: 'INT16',
    type: 'int16',
    size: 2,
    json: [-32768, 32767, -1],
    data: Int16Array.of(-32768, 32767, -1),
    bytes: littleEndian(2, [-32768, 32767, -1], (b, v, o) => b.writeInt16LE(v, o)),
  },
  {
    datatype: 'INT32',
    type: 'int32',
    size: 4,
    json: [-2147483648, 2147483647, -1],
    data: Int32Array.of(-2147483648, 2147483647, -1),
    bytes: littleEndian(4, [-2147483648, 2147483647, -1], (b, v, o) => b.writeInt32LE(v, o)),
  },
  {
    datatype: 'INT64',
    type: 'int64',
    size: 8,
    json: [-9007199254740991, 9007199254740991, -1],
    data: BigInt64Array.of(-9007199254740991n, 9007199254740991n, -1n),
    bytes: littleEndian(8, [-9007199254740991n, 9007199254740991n, -1n], (b, v, o) =>
      b.writeBigInt64LE(v, o),
    ),
  },
  {
    datatype: 'FP16',
    type: 'float16',
    size: 2,
    json: [1.5, -0.25, 2048],
    data: Uint16Array.of(0x3e00, 0xb400, 0x6800),
    bytes: halfBytes([1.5, -0.25, 2048]),
  },
  {
    datatype: 'FP32',
    type: 'float32',
    size: 4,
    json: [0.5, -2, 0.1],
    data: Float32Array.of(0.5, -2, 0.1),
    bytes: littleEndian(4, [0.5, -2, 0.1], (b, v, o) => b.writeFloatLE(v, o)),
  },
  {
    datatype: 'FP64',
    type: 'float64',
    size: 8,
    json: [0.1, -1e300, 2.5],
    data: Float64Array.of(0.1, -1e300, 2.5),
    bytes: littleEndian(8, [0.1, -1e300, 2.5], (b, v, o) => b.writeDoubleLE(v, o)),
  },
  {
    datatype: 'BYTES',
    type: 'string',
    size: null,
    json: ['a', 'été', ''],
    data: ['a', 'été', ''],
    bytes: Uint8Array.of(1, 0, 0, 0, 0x61, 5, 0, 0, 0, 0xc3, 0xa9, 0x74, 0xc3, 0xa9, 0, 0, 0, 0),
  },
];

/** A model taking and giving one [N, 3] tensor of `type`: every datatype, where no fixture has them all. */
function signatureOf(type: TensorType): ModelSignature {
  return { inputs: [{ name: 'x', type, shape: ['N', 3] }], outputs: [{ name: 'y', type, shape: ['N', 3] }] };
}

function tensor(testCase: DatatypeCase): NamedTensor {
  return { name: 'y', type: testCase.type, dims: [1, 3], data: testCase.data };
}

describe('the datatype tables', () => {
  it('name all thirteen datatypes, each mapped to an onnxruntime type and back', () => {
    expect(V2_DATATYPES).toEqual(CASES.map((testCase) => testCase.datatype));
    for (const { datatype, type, size } of CASES) {
      expect(tensorTypeOf(datatype)).toBe(type);
      expect(datatypeOf(type)).toBe(datatype);
      expect(datatypeOfSpecType(type)).toBe(datatype);
      expect(isV2Datatype(datatype)).toBe(true);
      expect(elementByteSize(datatype)).toBe(size);
    }
  });

  it('know nothing of other names', () => {
    for (const name of ['FP8', 'fp32', 'STRING', 'toString', '__proto__', 3])
      expect(isV2Datatype(name)).toBe(false);
    for (const type of ['non-tensor', 'bfloat16', 'FP32', 'hasOwnProperty'])
      expect(datatypeOfSpecType(type)).toBeNull();
  });

  it.each(CASES)('allocate $type as the array NamedTensor holds', ({ type, data }) => {
    const allocated = allocateTensorData(type, 3);
    expect(allocated.constructor).toBe(data.constructor);
    expect(allocated).toHaveLength(3);
  });
});

describe.each(CASES)('$datatype both ways', (testCase) => {
  const signature = signatureOf(testCase.type);

  it('JSON request data, flat and nested, decodes to the onnxruntime array', () => {
    for (const [shape, data] of [
      [[1, 3], testCase.json],
      [[1, 3], [testCase.json]],
    ] as const) {
      const request = decodeInferRequest(
        jsonBody({ inputs: [{ name: 'x', shape, datatype: testCase.datatype, data }] }),
        null,
        signature,
      );
      expect(request.inputs).toEqual([{ name: 'x', type: testCase.type, dims: [1, 3], data: testCase.data }]);
    }
  });

  it('JSON response data encodes to the JSON values', () => {
    const { json } = readResponse(
      encodeInferResponse({
        modelName: 'm',
        modelVersion: '1',
        id: 'r',
        outputs: [tensor(testCase)],
        binary: () => false,
      }),
    );
    expect(json.outputs).toEqual([
      { name: 'y', datatype: testCase.datatype, shape: [1, 3], data: testCase.json },
    ]);
  });

  it('binary response data is the little-endian bytes, which decode back as a binary request input', () => {
    const { json, blobs } = readResponse(
      encodeInferResponse({
        modelName: 'm',
        modelVersion: '1',
        id: 'r',
        outputs: [tensor(testCase)],
        binary: () => true,
      }),
    );
    expect(json.outputs).toEqual([
      {
        name: 'y',
        datatype: testCase.datatype,
        shape: [1, 3],
        parameters: { binary_data_size: testCase.bytes.length },
      },
    ]);
    expect(blobs.get('y')).toEqual(testCase.bytes);

    const { body, headerLength } = binaryBody(
      {
        inputs: [
          {
            name: 'x',
            shape: [1, 3],
            datatype: testCase.datatype,
            parameters: { binary_data_size: testCase.bytes.length },
          },
        ],
      },
      [testCase.bytes],
    );
    expect(decodeInferRequest(body, headerLength, signature).inputs[0]?.data).toEqual(testCase.data);
  });
});
