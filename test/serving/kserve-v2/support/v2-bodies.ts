import { InvalidParameterError } from '../../../../src/errors/assay-error.js';
import { inspectModel } from '../../../../src/runtime/inspect-model.js';
import type { ModelSignature } from '../../../../src/runtime/model-spec.js';
import type { EncodedInferResponse } from '../../../../src/serving/kserve-v2/v2-response.js';
import { fixtureBytes } from '../../../runtime/support/fixture-tables.js';

/** The signature onnxruntime reports for a fixture model, e.g. ('breast_cancer', 'bc-wide-mlp.onnx'). */
export async function fixtureSignature(...parts: string[]): Promise<ModelSignature> {
  return (await inspectModel(fixtureBytes(...parts))).signature;
}

/** A request body all in JSON, as a client sends it. */
export function jsonBody(request: unknown): Buffer {
  return Buffer.from(JSON.stringify(request));
}

/** A binary-extension body: the JSON header, then the blobs; and the Inference-Header-Content-Length. */
export function binaryBody(
  header: unknown,
  blobs: readonly Uint8Array[],
): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...blobs]), headerLength: json.byteLength };
}

export interface ResponseOutput {
  readonly name: string;
  readonly datatype: string;
  readonly shape: number[];
  readonly data?: unknown[];
  readonly parameters?: { binary_data_size: number };
}

export interface ReadResponse {
  readonly json: { model_name: string; model_version?: string; id: string; outputs: ResponseOutput[] };
  /** Each binary output's bytes, by name, cut from the body as a client would. */
  readonly blobs: Map<string, Uint8Array>;
}

/** Reads an encoded response the way a client does (JSON.parse: strict JSON only). */
export function readResponse(encoded: EncodedInferResponse): ReadResponse {
  const { headerLength } = encoded;
  const body = bodyBytes(encoded);
  const header = headerLength === null ? body : body.subarray(0, headerLength);
  const json = JSON.parse(header.toString('utf8')) as ReadResponse['json'];
  const blobs = new Map<string, Uint8Array>();
  let offset = headerLength ?? body.byteLength;
  for (const output of json.outputs) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) continue;
    blobs.set(output.name, new Uint8Array(body.subarray(offset, offset + size)));
    offset += size;
  }
  if (offset !== body.byteLength) throw new Error(`response has ${body.byteLength - offset} unread bytes`);
  return { json, blobs };
}

/** The message of the InvalidParameterError `run` throws (fails the test if it throws anything else). */
export function invalidParameterMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidParameterError) return error.message;
    throw error;
  }
  throw new Error('expected an InvalidParameterError, but nothing was thrown');
}

/** An encoded response's body as bytes, as it goes on the wire. */
export function bodyBytes({ body }: EncodedInferResponse): Buffer {
  return typeof body === 'string' ? Buffer.from(body) : body;
}
