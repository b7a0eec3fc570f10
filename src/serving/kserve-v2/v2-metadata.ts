import type { ModelSignature, TensorSpec } from '../../runtime/model-spec.js';
import { datatypeOfSpecType, type V2Datatype } from './v2-datatypes.js';

/** The protocol extensions Assay's v2 endpoints implement (Server Metadata lists them). */
export const V2_EXTENSIONS: readonly string[] = ['binary_tensor_data'];

/** The platform name KServe and Triton give ONNX models run by onnxruntime. */
export const ONNX_PLATFORM = 'onnxruntime_onnx';

export interface V2TensorMetadata {
  readonly name: string;
  readonly datatype: V2Datatype;
  /** -1 for a dimension of any size (a symbolic one such as the batch N). */
  readonly shape: readonly number[];
}

export interface V2ModelMetadata {
  readonly name: string;
  readonly versions: readonly string[];
  readonly platform: string;
  readonly inputs: readonly V2TensorMetadata[];
  readonly outputs: readonly V2TensorMetadata[];
}

export interface V2ServerMetadata {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

/**
 * The answer to `GET /v2/models/{name}` (and `/versions/{v}`). Tensors the protocol cannot carry
 * (a non-tensor output such as ZipMap's sequence of maps) are left out: a client could neither
 * request nor receive them.
 *
 * @example
 * modelMetadata('bc', ['1', '2'], spec.signature);
 * // { name: 'bc', versions: ['1', '2'], platform: 'onnxruntime_onnx',
 * //   inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 30] }], outputs: [...] }
 */
export function modelMetadata(
  name: string,
  versions: readonly string[],
  signature: ModelSignature,
): V2ModelMetadata {
  return {
    name,
    versions,
    platform: ONNX_PLATFORM,
    inputs: carriedTensors(signature.inputs),
    outputs: carriedTensors(signature.outputs),
  };
}

/**
 * The answer to `GET /v2`.
 *
 * @example
 * serverMetadata('assay', '0.1.0'); // { name: 'assay', version: '0.1.0', extensions: ['binary_tensor_data'] }
 */
export function serverMetadata(name: string, version: string): V2ServerMetadata {
  return { name, version, extensions: V2_EXTENSIONS };
}

function carriedTensors(specs: readonly TensorSpec[]): V2TensorMetadata[] {
  return specs.flatMap((spec) => {
    const datatype = datatypeOfSpecType(spec.type);
    if (datatype === null) return [];
    const shape = spec.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1));
    return [{ name: spec.name, datatype, shape }];
  });
}
