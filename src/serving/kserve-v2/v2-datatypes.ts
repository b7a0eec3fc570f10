import { isTensorType, type TensorType } from '../named-tensor.js';

/**
 * KServe v2 / Open Inference Protocol datatypes and how they meet onnxruntime's element types.
 * The protocol's BYTES is onnxruntime's `string`: Assay's models take text, not raw bytes.
 */
export type V2Datatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

const TENSOR_TYPE_OF: Readonly<Record<V2Datatype, TensorType>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const DATATYPE_OF: Readonly<Record<TensorType, V2Datatype>> = Object.fromEntries(
  Object.entries(TENSOR_TYPE_OF).map(([datatype, type]) => [type, datatype]),
) as Record<TensorType, V2Datatype>;

/** Every datatype, in the order the protocol's specification lists them (used in messages). */
export const V2_DATATYPES = Object.keys(TENSOR_TYPE_OF) as readonly V2Datatype[];

export function isV2Datatype(value: unknown): value is V2Datatype {
  return typeof value === 'string' && Object.hasOwn(TENSOR_TYPE_OF, value);
}

export function tensorTypeOf(datatype: V2Datatype): TensorType {
  return TENSOR_TYPE_OF[datatype];
}

export function datatypeOf(type: TensorType): V2Datatype {
  return DATATYPE_OF[type];
}

/**
 * The datatype for a signature's type string, or null for what the protocol cannot carry
 * (non-tensor outputs such as ZipMap's sequence of maps, or element types it has no name for).
 */
export function datatypeOfSpecType(type: string): V2Datatype | null {
  return isTensorType(type) ? DATATYPE_OF[type] : null;
}

/** Bytes per element in the binary extension; null for BYTES, whose elements carry their own length. */
export function elementByteSize(datatype: V2Datatype): number | null {
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
    case 'INT8':
      return 1;
    case 'UINT16':
    case 'INT16':
    case 'FP16':
      return 2;
    case 'UINT32':
    case 'INT32':
    case 'FP32':
      return 4;
    case 'UINT64':
    case 'INT64':
    case 'FP64':
      return 8;
    case 'BYTES':
      return null;
  }
}

/** The range JSON integers must fall in, per integer datatype (64-bit ones: see v2-json-data.ts). */
export const INTEGER_RANGES: Readonly<Partial<Record<V2Datatype, readonly [number, number]>>> = {
  UINT8: [0, 0xff],
  UINT16: [0, 0xffff],
  UINT32: [0, 0xffffffff],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-0x80, 0x7f],
  INT16: [-0x8000, 0x7fff],
  INT32: [-0x80000000, 0x7fffffff],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
