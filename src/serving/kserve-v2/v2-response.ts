import type { NamedTensor } from '../named-tensor.js';
import { encodeBinaryTensor } from './v2-binary-data.js';
import { datatypeOf } from './v2-datatypes.js';
import { tensorDataToJsonText } from './v2-json-data.js';

export interface InferResponseParts {
  readonly modelName: string;
  /** Left out of the response when null. */
  readonly modelVersion: string | null;
  /** The request's id, or the one serving gave the prediction when the client sent none. */
  readonly id: string;
  /** In the order they are to appear. */
  readonly outputs: readonly NamedTensor[];
  /** Whether an output goes in the binary part (see DecodedInferRequest's outputs and binaryOutputs). */
  readonly binary: (name: string) => boolean;
}

/**
 * All JSON (`headerLength` null), the body is the text: Node writes a string body in one write
 * with the response's headers, a Buffer in a second (measured: a few percent of a one-row request).
 * With binary outputs, `headerLength` is the length of the JSON header, for the
 * `Inference-Header-Content-Length` HTTP header (with Content-Type application/octet-stream).
 */
export type EncodedInferResponse =
  | { readonly body: string; readonly headerLength: null }
  | { readonly body: Buffer; readonly headerLength: number };

/**
 * Encodes a KServe v2 infer response. JSON outputs carry flat `data` (float16 as numbers, 64-bit
 * integers as exact JSON numbers, non-finite floats as Triton writes them: see v2-json-text.ts);
 * binary outputs carry `parameters.binary_data_size` and their bytes follow the JSON, in order.
 *
 * @example
 * const { body, headerLength } = encodeInferResponse({
 *   modelName: 'bc', modelVersion: '3', id: request.id ?? predictionId, outputs,
 *   binary: (name) => request.outputs?.find((o) => o.name === name)?.binary ?? request.binaryOutputs,
 * });
 */
export function encodeInferResponse(parts: InferResponseParts): EncodedInferResponse {
  const blobs: Uint8Array[] = [];
  const outputTexts = parts.outputs.map((tensor) => {
    // Data arrays are written as text directly: JSON.stringify would turn NaN into null and BigInts into errors.
    const described = { name: tensor.name, datatype: datatypeOf(tensor.type), shape: tensor.dims };
    const opening = JSON.stringify(described).slice(0, -1);
    if (!parts.binary(tensor.name)) return `${opening},"data":${tensorDataToJsonText(tensor)}}`;
    const blob = encodeBinaryTensor(tensor);
    blobs.push(blob);
    return `${opening},"parameters":${JSON.stringify({ binary_data_size: blob.byteLength })}}`;
  });
  const envelope = {
    model_name: parts.modelName,
    ...(parts.modelVersion === null ? {} : { model_version: parts.modelVersion }),
    id: parts.id,
  };
  const text = `${JSON.stringify(envelope).slice(0, -1)},"outputs":[${outputTexts.join(',')}]}`;
  if (blobs.length === 0) return { body: text, headerLength: null };
  const header = Buffer.from(text);
  return { body: Buffer.concat([header, ...blobs]), headerLength: header.byteLength };
}
