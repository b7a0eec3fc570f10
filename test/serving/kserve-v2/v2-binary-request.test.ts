import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../../src/runtime/model-spec.js';
import { decodeInferRequest } from '../../../src/serving/kserve-v2/v2-request.js';
import { binaryBody, fixtureSignature, invalidParameterMessage } from './support/v2-bodies.js';

let breastCancer: ModelSignature;
let bike: ModelSignature;

beforeAll(async () => {
  breastCancer = await fixtureSignature('breast_cancer', 'bc-wide-mlp.onnx');
  bike = await fixtureSignature('bike_sharing', 'bike-v1.onnx');
});

const ROWS = Float32Array.from({ length: 60 }, (_, i) => i / 8 - 2);
const ROW_BYTES = new Uint8Array(ROWS.buffer);

function bcBinaryInput(size = ROW_BYTES.length, shape = [2, 30]) {
  return { name: 'input', shape, datatype: 'FP32', parameters: { binary_data_size: size } };
}

function bcError(body: Uint8Array, headerLength: number | null): string {
  return invalidParameterMessage(() => decodeInferRequest(body, headerLength, breastCancer));
}

/** A BYTES blob as the extension lays it out, written by hand. */
function bytesBlob(...texts: string[]): Uint8Array {
  return Buffer.concat(
    texts.flatMap((text) => {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(Buffer.byteLength(text));
      return [length, Buffer.from(text)];
    }),
  );
}

describe('decodeInferRequest on binary bodies', () => {
  it('reads a tensor in place when its bytes sit at a multiple of its element size, else copies it', () => {
    const { body, headerLength } = binaryBody({ inputs: [bcBinaryInput()] }, [ROW_BYTES]);
    // Laid out as the request front lays a body out: the binary part at a multiple of 8 in memory.
    const padding = (8 - (headerLength % 8)) % 8;
    const aligned = Buffer.from(new ArrayBuffer(body.byteLength + padding), padding, body.byteLength);
    body.copy(aligned);
    const inPlace = decodeInferRequest(aligned, headerLength, breastCancer).inputs[0]?.data as Float32Array;
    expect(inPlace.buffer).toBe(aligned.buffer);
    expect(inPlace.byteOffset).toBe(padding + headerLength);
    expect([...inPlace]).toEqual([...ROWS]);
    // One byte off: a Float32Array cannot start there, so the values are copied.
    const shifted = Buffer.from(new ArrayBuffer(body.byteLength + padding + 1), padding + 1, body.byteLength);
    body.copy(shifted);
    const copied = decodeInferRequest(shifted, headerLength, breastCancer).inputs[0]?.data as Float32Array;
    expect(copied.buffer).not.toBe(shifted.buffer);
    expect([...copied]).toEqual([...ROWS]);
  });

  it('reads an input from the blob after the header', () => {
    const { body, headerLength } = binaryBody({ id: 'b1', inputs: [bcBinaryInput()] }, [ROW_BYTES]);
    const request = decodeInferRequest(body, headerLength, breastCancer);
    expect(request.id).toBe('b1');
    expect(request.inputs).toEqual([{ name: 'input', type: 'float32', dims: [2, 30], data: ROWS }]);
  });

  it('reads blobs in the order the inputs are listed, mixed with JSON inputs', () => {
    const numbers = ['hr', 'holiday', 'workingday', 'temp', 'atemp', 'hum', 'windspeed'];
    const floatBlobs = numbers.map((_, i) => new Uint8Array(Float32Array.of(i, -i).buffer));
    const weather = bytesBlob('Clear', 'Mist ☁');
    const { body, headerLength } = binaryBody(
      {
        inputs: [
          {
            name: 'weather',
            shape: [2, 1],
            datatype: 'BYTES',
            parameters: { binary_data_size: weather.length },
          },
          { name: 'season', shape: [2, 1], datatype: 'BYTES', data: ['spring', 'fall'] },
          ...numbers.map((name) => ({
            name,
            shape: [2, 1],
            datatype: 'FP32',
            parameters: { binary_data_size: 8 },
          })),
        ],
      },
      [weather, ...floatBlobs],
    );
    const inputs = new Map(
      decodeInferRequest(body, headerLength, bike).inputs.map((input) => [input.name, input]),
    );
    expect(inputs.get('weather')?.data).toEqual(['Clear', 'Mist ☁']);
    expect(inputs.get('season')?.data).toEqual(['spring', 'fall']);
    expect(inputs.get('hum')?.data).toEqual(Float32Array.of(5, -5));
  });

  it('takes a header that fills the whole body when no input is binary', () => {
    const { body, headerLength } = binaryBody(
      { inputs: [{ name: 'input', shape: [2, 30], datatype: 'FP32', data: Array.from(ROWS) }] },
      [],
    );
    expect(decodeInferRequest(body, headerLength, breastCancer).inputs[0]?.data).toEqual(ROWS);
  });
});

describe('decodeInferRequest refuses binary bodies that do not add up', () => {
  it('a blob size other than the shape needs', () => {
    const { body, headerLength } = binaryBody({ inputs: [bcBinaryInput(100)] }, [ROW_BYTES.subarray(0, 100)]);
    expect(bcError(body, headerLength)).toBe(
      "Input 'input': binary_data_size 100 but shape [2,30] of FP32 needs 240 bytes",
    );
  });

  it('a body shorter than the blob sizes declare', () => {
    const { body, headerLength } = binaryBody({ inputs: [bcBinaryInput()] }, [ROW_BYTES.subarray(0, 100)]);
    expect(bcError(body, headerLength)).toBe(
      "Input 'input': binary_data_size 240 but only 100 bytes of the body remain",
    );
  });

  it('bytes left over after every blob', () => {
    const { body, headerLength } = binaryBody({ inputs: [bcBinaryInput()] }, [
      ROW_BYTES,
      Uint8Array.of(1, 2),
    ]);
    expect(bcError(body, headerLength)).toBe(
      "The request body has 2 bytes beyond the JSON header and the inputs' binary_data_size",
    );
  });

  it('a header length beyond the body, negative or fractional', () => {
    const { body } = binaryBody({ inputs: [bcBinaryInput()] }, [ROW_BYTES]);
    expect(bcError(body, body.length + 1)).toBe(
      `Inference-Header-Content-Length ${body.length + 1} is beyond the body's ${body.length} bytes`,
    );
    for (const length of [-1, 2.5, NaN]) {
      expect(bcError(body, length)).toBe('Inference-Header-Content-Length must be a non-negative integer');
    }
  });

  it('a header length that cuts the JSON short', () => {
    const { body, headerLength } = binaryBody({ inputs: [bcBinaryInput()] }, [ROW_BYTES]);
    expect(bcError(body, headerLength - 1)).toContain('Inference header is not valid JSON: ');
  });

  it('binary_data_size in a body with no binary part', () => {
    const body = Buffer.from(JSON.stringify({ inputs: [bcBinaryInput()] }));
    expect(bcError(body, null)).toBe(
      "Input 'input': parameters.binary_data_size is given but the request has no binary part " +
        '(no Inference-Header-Content-Length header)',
    );
  });

  it('a binary_data_size that is not a size', () => {
    for (const size of [-1, 1.5, '240', null]) {
      const { body, headerLength } = binaryBody({ inputs: [bcBinaryInput(size as number)] }, [ROW_BYTES]);
      expect(bcError(body, headerLength)).toBe(
        "Input 'input': parameters.binary_data_size must be a non-negative integer",
      );
    }
  });

  describe('BYTES blobs', () => {
    const signature: ModelSignature = {
      inputs: [{ name: 'text', type: 'string', shape: ['N'] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['N'] }],
    };
    function bytesError(blob: Uint8Array, count = 2): string {
      const { body, headerLength } = binaryBody(
        {
          inputs: [
            {
              name: 'text',
              shape: [count],
              datatype: 'BYTES',
              parameters: { binary_data_size: blob.length },
            },
          ],
        },
        [blob],
      );
      return invalidParameterMessage(() => decodeInferRequest(body, headerLength, signature));
    }

    it('an element longer than what remains', () => {
      const blob = bytesBlob('ab', 'cdef');
      blob[6] = 9;
      expect(bytesError(blob)).toBe(
        "Input 'text': element 1 declares 9 bytes but only 4 remain in its binary data",
      );
    });

    it('a blob too short for the elements’ lengths', () => {
      expect(bytesError(bytesBlob('ab'), 3)).toBe(
        "Input 'text': binary_data_size 6 but shape [3] of BYTES needs at least 12 bytes (a 4-byte length per element)",
      );
      expect(bytesError(Buffer.concat([bytesBlob('abcdefgh'), Uint8Array.of(1)]), 2)).toBe(
        "Input 'text': binary data ends at element 1 of 2 (each BYTES element starts with a 4-byte length)",
      );
    });

    it('bytes left over after the last element', () => {
      expect(bytesError(Buffer.concat([bytesBlob('ab', 'cd'), Uint8Array.of(0)]))).toBe(
        "Input 'text': binary_data_size 13 but its 2 BYTES elements take 12 bytes",
      );
    });

    it('an element that is not UTF-8 text', () => {
      const blob = bytesBlob('ab', 'cd');
      blob[10] = 0xff;
      expect(bytesError(blob)).toBe("Input 'text': element 1 is not valid UTF-8");
    });
  });

  it('a BOOL byte other than 0 or 1', () => {
    const signature: ModelSignature = {
      inputs: [{ name: 'flag', type: 'bool', shape: ['N'] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['N'] }],
    };
    const { body, headerLength } = binaryBody(
      { inputs: [{ name: 'flag', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } }] },
      [Uint8Array.of(1, 0, 2)],
    );
    expect(invalidParameterMessage(() => decodeInferRequest(body, headerLength, signature))).toBe(
      "Input 'flag': element 2 is byte 2; BOOL elements are 0 or 1",
    );
  });
});
