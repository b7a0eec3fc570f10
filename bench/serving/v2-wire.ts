/** KServe v2 infer bodies as the benchmark sends them, and the answers decoded, FP32 inputs only. */

export interface EncodedRequest {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** A body that is all JSON: `data` flat, the numbers as written (decimal text, not float32 noise). */
export function jsonInferRequest(
  input: string,
  rows: readonly number[],
  rowDims: readonly number[],
): EncodedRequest {
  const count = rows.length / rowDims.reduce((a, b) => a * b, 1);
  const body = JSON.stringify({
    inputs: [{ name: input, shape: [count, ...rowDims], datatype: 'FP32', data: rows }],
  });
  return { body: Buffer.from(body), headers: { 'content-type': 'application/json' } };
}

/**
 * The binary tensor extension both ways: the JSON header, then the input's float32 bytes
 * (little-endian); `binary_data_output` asks for the outputs the same way.
 */
export function binaryInferRequest(
  input: string,
  rows: readonly number[],
  rowDims: readonly number[],
): EncodedRequest {
  const count = rows.length / rowDims.reduce((a, b) => a * b, 1);
  const data = Buffer.from(Float32Array.from(rows).buffer);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        {
          name: input,
          shape: [count, ...rowDims],
          datatype: 'FP32',
          parameters: { binary_data_size: data.byteLength },
        },
      ],
      parameters: { binary_data_output: true },
    }),
  );
  return {
    body: Buffer.concat([header, data]),
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.byteLength),
    },
  };
}

interface OutputHeader {
  name: string;
  datatype: string;
  shape: number[];
  data?: number[];
  parameters?: { binary_data_size?: number };
}

/** The outputs of an infer response, JSON or binary, each as plain numbers by name. */
export function decodeInferResponse(body: Buffer, headerLength: string | null): Map<string, number[]> {
  const jsonLength = headerLength === null ? body.byteLength : Number(headerLength);
  const header = JSON.parse(body.subarray(0, jsonLength).toString('utf8')) as { outputs: OutputHeader[] };
  const outputs = new Map<string, number[]>();
  let offset = jsonLength;
  for (const output of header.outputs) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) {
      outputs.set(output.name, output.data ?? []);
      continue;
    }
    const bytes = body.subarray(offset, offset + size);
    offset += size;
    const copy = new Uint8Array(bytes).buffer;
    if (output.datatype === 'FP32') outputs.set(output.name, [...new Float32Array(copy)]);
    else if (output.datatype === 'INT64') outputs.set(output.name, [...new BigInt64Array(copy)].map(Number));
    else throw new Error(`output '${output.name}': datatype ${output.datatype} not decoded by the bench`);
  }
  return outputs;
}
