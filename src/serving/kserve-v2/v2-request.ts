import { InvalidParameterError } from '../../errors/assay-error.js';
import type { ModelSignature, TensorSpec } from '../../runtime/model-spec.js';
import type { NamedTensor, TensorData } from '../named-tensor.js';
import { decodeBinaryTensor } from './v2-binary-data.js';
import { elementByteSize, tensorTypeOf } from './v2-datatypes.js';
import { checkInputHeader, type InputHeader } from './v2-input-header.js';
import { flattenJsonData, tensorDataFromJson } from './v2-json-data.js';
import {
  booleanParameter,
  countParameter,
  isJsonObject,
  parametersOf,
  type JsonObject,
} from './v2-json-object.js';
import { parseV2Json } from './v2-json-text.js';
import { requestedOutputs, type RequestedOutput } from './v2-requested-outputs.js';
import { elementCount, shapeText } from './v2-shape.js';

export type { RequestedOutput } from './v2-requested-outputs.js';

export interface DecodedInferRequest {
  /** The client's request id, echoed in the response; null when it gave none. */
  readonly id: string | null;
  /** One tensor per model input, in the model's input order. */
  readonly inputs: readonly NamedTensor[];
  /** The batch size: every input's first dimension. */
  readonly rows: number;
  /** The outputs asked for, in the request's order; null for all of the model's outputs. */
  readonly outputs: readonly RequestedOutput[] | null;
  /** Whether outputs not listed in `outputs` come back binary (`parameters.binary_data_output`). */
  readonly binaryOutputs: boolean;
  /**
   * `parameters.timeout`, in microseconds as Triton takes it: how long the request may wait in the
   * queue before it is answered 504 instead of run; null when not given.
   */
  readonly timeoutMicroseconds: number | null;
}

/**
 * Decodes and checks a KServe v2 infer request (`POST /v2/models/{name}/infer`) against the model's
 * signature, throwing InvalidParameterError with a message naming the input and the problem.
 *
 * `headerLength` is the `Inference-Header-Content-Length` HTTP header: null for a body that is all
 * JSON; otherwise the body is that many bytes of JSON followed by the inputs' binary data, one blob
 * per input with `parameters.binary_data_size`, in the order the inputs are listed.
 *
 * @example
 * const request = decodeInferRequest(Buffer.from(JSON.stringify({
 *   inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data: features }],
 * })), null, spec.signature);
 * // request.inputs[0]: { name: 'input', type: 'float32', dims: [1, 30], data: Float32Array(30) }
 */
export function decodeInferRequest(
  body: Uint8Array,
  headerLength: number | null,
  signature: ModelSignature,
): DecodedInferRequest {
  const { header, binary } = splitBody(body, headerLength);
  const json = parseV2Json(header, headerLength === null ? 'Request body' : 'Inference header');
  if (!isJsonObject(json)) throw new InvalidParameterError("The request must be a JSON object with 'inputs'");
  const id = json['id'];
  if (id !== undefined && typeof id !== 'string') throw new InvalidParameterError("'id' must be a string");
  const parameters = parametersOf(json, '');
  const binaryOutputs = booleanParameter(parameters, 'binary_data_output', '') ?? false;
  const timeoutMicroseconds = countParameter(parameters, 'timeout', '') ?? null;
  // Checked before any tensor is decoded: a misnamed output should not cost a large input's parsing.
  const outputs = requestedOutputs(json['outputs'], signature, binaryOutputs);

  const headers = inputHeaders(json['inputs'], signature);
  const blobs = new BinaryPart(binary, headerLength !== null);
  const tensors = new Map<string, NamedTensor>();
  let rows: { count: number; input: string } | null = null;
  for (const input of headers) {
    const count = input.dims[0] ?? 1;
    rows ??= { count, input: input.name };
    if (count !== rows.count) {
      throw new InvalidParameterError(
        `Input '${input.name}': ${count} rows (shape ${shapeText(input.dims)}) but input '${rows.input}' has ${rows.count}`,
      );
    }
    const data = input.binaryDataSize === null ? jsonTensorData(input) : blobs.tensorData(input);
    tensors.set(input.name, { name: input.name, type: tensorTypeOf(input.datatype), dims: input.dims, data });
  }
  blobs.checkAllRead();

  return {
    id: id ?? null,
    inputs: signature.inputs.map((spec) => tensors.get(spec.name) as NamedTensor),
    rows: rows?.count ?? 0,
    outputs,
    binaryOutputs,
    timeoutMicroseconds,
  };
}

function splitBody(
  body: Uint8Array,
  headerLength: number | null,
): { header: Uint8Array; binary: Uint8Array } {
  if (headerLength === null) return { header: body, binary: body.subarray(body.byteLength) };
  if (!Number.isSafeInteger(headerLength) || headerLength < 0) {
    throw new InvalidParameterError('Inference-Header-Content-Length must be a non-negative integer');
  }
  if (headerLength > body.byteLength) {
    throw new InvalidParameterError(
      `Inference-Header-Content-Length ${headerLength} is beyond the body's ${body.byteLength} bytes`,
    );
  }
  return { header: body.subarray(0, headerLength), binary: body.subarray(headerLength) };
}

/**
 * The request's inputs, each checked against the model: names known, none twice, none missing;
 * then datatypes and shapes. Kept in the request's order, which is the order of their blobs.
 */
function inputHeaders(raw: unknown, signature: ModelSignature): InputHeader[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new InvalidParameterError("'inputs' must be a non-empty array");
  }
  const specs = new Map(signature.inputs.map((spec) => [spec.name, spec]));
  const named = raw.map((item: unknown, index): { raw: JsonObject; spec: TensorSpec } => {
    if (!isJsonObject(item)) {
      throw new InvalidParameterError(
        `inputs[${index}] must be an object with name, shape, datatype and data`,
      );
    }
    const name = item['name'];
    if (typeof name !== 'string')
      throw new InvalidParameterError(`inputs[${index}]: 'name' must be a string`);
    const spec = specs.get(name);
    if (spec === undefined) {
      throw new InvalidParameterError(
        `Unknown input '${name}'; the model takes: ${[...specs.keys()].join(', ')}`,
      );
    }
    return { raw: item, spec };
  });
  const seen = new Set<string>();
  for (const { spec } of named) {
    if (seen.has(spec.name)) throw new InvalidParameterError(`Input '${spec.name}' appears twice`);
    seen.add(spec.name);
  }
  const missing = signature.inputs.find((spec) => !seen.has(spec.name));
  if (missing !== undefined) throw new InvalidParameterError(`Input '${missing.name}': missing`);
  return named.map(({ raw: item, spec }) => checkInputHeader(item, spec));
}

function jsonTensorData(input: InputHeader): TensorData {
  const what = `Input '${input.name}'`;
  return tensorDataFromJson(flattenJsonData(input.data, input.dims, what), input.datatype, what);
}

/** The binary part of a request, read blob by blob in the order the inputs are listed. */
class BinaryPart {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly present: boolean,
  ) {}

  tensorData(input: InputHeader): TensorData {
    const what = `Input '${input.name}'`;
    const size = input.binaryDataSize ?? 0;
    if (!this.present) {
      throw new InvalidParameterError(
        `${what}: parameters.binary_data_size is given but the request has no binary part ` +
          '(no Inference-Header-Content-Length header)',
      );
    }
    const count = elementCount(input.dims);
    const elementSize = elementByteSize(input.datatype);
    if (elementSize !== null && size !== count * elementSize) {
      throw new InvalidParameterError(
        `${what}: binary_data_size ${size} but shape ${shapeText(input.dims)} of ${input.datatype} needs ${count * elementSize} bytes`,
      );
    }
    if (elementSize === null && size < count * 4) {
      throw new InvalidParameterError(
        `${what}: binary_data_size ${size} but shape ${shapeText(input.dims)} of BYTES needs at least ${count * 4} bytes (a 4-byte length per element)`,
      );
    }
    const remaining = this.bytes.byteLength - this.offset;
    if (size > remaining) {
      throw new InvalidParameterError(
        `${what}: binary_data_size ${size} but only ${remaining} bytes of the body remain`,
      );
    }
    const blob = this.bytes.subarray(this.offset, this.offset + size);
    this.offset += size;
    return decodeBinaryTensor(blob, input.datatype, count, what);
  }

  /** Bytes no input claimed most likely mean a client computed a size wrong: refuse, not ignore. */
  checkAllRead(): void {
    const extra = this.bytes.byteLength - this.offset;
    if (extra > 0) {
      throw new InvalidParameterError(
        `The request body has ${extra} bytes beyond the JSON header and the inputs' binary_data_size`,
      );
    }
  }
}
