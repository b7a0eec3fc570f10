import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../src/runtime/model-spec.js';
import type { TensorType } from '../../../src/serving/named-tensor.js';
import { decodeInferRequest } from '../../../src/serving/kserve-v2/v2-request.js';
import { invalidParameterMessage, jsonBody } from './support/v2-bodies.js';

/** A model taking one [N] tensor 'x' of `type`. */
function oneInput(type: TensorType): ModelSignature {
  return {
    inputs: [{ name: 'x', type, shape: ['N'] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['N'] }],
  };
}

function elementError(type: TensorType, datatype: string, data: unknown[]): string {
  const body = jsonBody({ inputs: [{ name: 'x', shape: [data.length], datatype, data }] });
  return invalidParameterMessage(() => decodeInferRequest(body, null, oneInput(type)));
}

describe('JSON elements are checked against the datatype', () => {
  it.each([
    ['int32', 'INT32', [0, 1, 2, 1.5], "Input 'x': element 3 is 1.5, not an integer"],
    ['int32', 'INT32', [0, true], "Input 'x': element 1 is true, not a number"],
    ['int32', 'INT32', [null], "Input 'x': element 0 is null, not a number"],
    [
      'int32',
      'INT32',
      [2147483648],
      "Input 'x': element 0 is 2147483648, out of range for INT32 (-2147483648 to 2147483647)",
    ],
    ['uint8', 'UINT8', [0, 256], "Input 'x': element 1 is 256, out of range for UINT8 (0 to 255)"],
    ['uint8', 'UINT8', [-1], "Input 'x': element 0 is -1, out of range for UINT8 (0 to 255)"],
    ['int8', 'INT8', [-129], "Input 'x': element 0 is -129, out of range for INT8 (-128 to 127)"],
    ['int16', 'INT16', [40000], "Input 'x': element 0 is 40000, out of range for INT16 (-32768 to 32767)"],
    ['uint16', 'UINT16', [65536], "Input 'x': element 0 is 65536, out of range for UINT16 (0 to 65535)"],
    ['uint32', 'UINT32', [{}], "Input 'x': element 0 is an object, not a number"],
    ['uint64', 'UINT64', [-1], "Input 'x': element 0 is -1, out of range for UINT64 (0 to 9007199254740991)"],
    [
      'int64',
      'INT64',
      [0, 2 ** 60],
      "Input 'x': element 1 is 1152921504606847000, beyond the integers a JSON number carries exactly (2^53 - 1); " +
        'send INT64 as binary data',
    ],
    ['bool', 'BOOL', [true, 1], "Input 'x': element 1 is 1, not a boolean"],
    ['bool', 'BOOL', ['true'], 'Input \'x\': element 0 is "true", not a boolean'],
    ['float16', 'FP16', [1, 70000], "Input 'x': element 1 is 70000, out of range for FP16"],
    ['float64', 'FP64', [[1]], "Input 'x': data at [0] is an array, nested deeper than shape [1]"],
    ['string', 'BYTES', [null], "Input 'x': element 0 is null, not a string"],
    ['string', 'BYTES', [1, 'a'.repeat(100)].reverse(), "Input 'x': element 1 is 1, not a string"],
  ])('%s: %j', (type, datatype, data, message) => {
    expect(elementError(type as TensorType, datatype, data)).toBe(message);
  });

  it('long strings are cut short in messages', () => {
    expect(elementError('float32', 'FP32', ['a'.repeat(100)])).toBe(
      `Input 'x': element 0 is "${'a'.repeat(36)}..., not a number`,
    );
  });

  it('floats are rounded to the datatype, non-finite values kept', () => {
    const text = '{"inputs":[{"name":"x","shape":[4],"datatype":"FP16","data":[0.1,65519,-Infinity,NaN]}]}';
    const data = decodeInferRequest(Buffer.from(text), null, oneInput('float16')).inputs[0]?.data;
    // 0.1 rounds to the half 0x2e66; 65519 still rounds down to 65504 (0x7bff), the largest half.
    expect(data).toEqual(Uint16Array.of(0x2e66, 0x7bff, 0xfc00, 0x7e00));
  });

  it('the largest safe integers pass for 64-bit types, as BigInts', () => {
    const body = jsonBody({
      inputs: [{ name: 'x', shape: [2], datatype: 'INT64', data: [-(2 ** 53 - 1), 2 ** 53 - 1] }],
    });
    expect(decodeInferRequest(body, null, oneInput('int64')).inputs[0]?.data).toEqual(
      BigInt64Array.of(-9007199254740991n, 9007199254740991n),
    );
  });
});
