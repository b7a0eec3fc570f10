/**
 * What serving passes between its parts: a model's inputs or outputs as named tensors whose first
 * dimension is the batch (rows). The protocols (KServe v2, MLflow scoring) decode requests into
 * these and encode responses from them; the batcher concatenates requests' tensors along the first
 * dimension and splits the outputs back; the inference threads hand them to onnxruntime as they are.
 */

/** onnxruntime's element types, as its Tensor names them. */
export const TENSOR_TYPES = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
  'string',
] as const;

export type TensorType = (typeof TENSOR_TYPES)[number];

const TENSOR_TYPE_SET: ReadonlySet<string> = new Set(TENSOR_TYPES);

/** Whether a signature's element type is a tensor's (not a sequence's or a map's, like ZipMap outputs). */
export function isTensorType(type: string): type is TensorType {
  return TENSOR_TYPE_SET.has(type);
}

/**
 * The elements, row-major, in the array onnxruntime takes for the type: bool as 0/1 in a
 * Uint8Array, float16 as IEEE half bits in a Uint16Array, 64-bit integers as BigInt arrays.
 */
export type TensorData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Float32Array
  | Float64Array
  | string[];

export interface NamedTensor {
  readonly name: string;
  readonly type: TensorType;
  /** Concrete dimensions; dims[0] is the number of rows. */
  readonly dims: readonly number[];
  readonly data: TensorData;
}

type NumericType = Exclude<TensorType, 'string'>;

/** A typed array constructor: `count` zeroed elements, or a view of existing memory. */
interface TypedArrayOf {
  new (count: number): TensorData;
  new (buffer: ArrayBuffer, byteOffset: number, count: number): TensorData;
  readonly BYTES_PER_ELEMENT: number;
}

/** The typed array NamedTensor holds each numeric type in (float16 as its half bits). */
const ARRAY_OF: Readonly<Record<NumericType, TypedArrayOf>> = {
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  float16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

/**
 * `count` elements of `type` read in place from `bytes` (host byte order), or null when `bytes`
 * does not start at a multiple of the element size, where a typed array cannot begin.
 */
export function tensorDataView(type: NumericType, bytes: Uint8Array, count: number): TensorData | null {
  const TypedArray = ARRAY_OF[type];
  if (bytes.byteOffset % TypedArray.BYTES_PER_ELEMENT !== 0) return null;
  return new TypedArray(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
}

/** A zeroed array of `count` elements in the representation NamedTensor uses for `type` (strings: empty). */
export function allocateTensorData(type: TensorType, count: number): TensorData {
  return type === 'string' ? new Array<string>(count).fill('') : new ARRAY_OF[type](count);
}
