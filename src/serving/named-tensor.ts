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

const ARRAY_OF: Readonly<
  Record<NumericType, new (buffer: ArrayBuffer, byteOffset: number, length: number) => TensorData>
> = {
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
  const size = (TypedArray as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (bytes.byteOffset % size !== 0) return null;
  return new TypedArray(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
}

/** A zeroed array of `count` elements in the representation NamedTensor uses for `type` (strings: empty). */
export function allocateTensorData(type: TensorType, count: number): TensorData {
  switch (type) {
    case 'bool':
    case 'uint8':
      return new Uint8Array(count);
    case 'int8':
      return new Int8Array(count);
    case 'int16':
      return new Int16Array(count);
    case 'uint16':
    case 'float16':
      return new Uint16Array(count);
    case 'int32':
      return new Int32Array(count);
    case 'uint32':
      return new Uint32Array(count);
    case 'int64':
      return new BigInt64Array(count);
    case 'uint64':
      return new BigUint64Array(count);
    case 'float32':
      return new Float32Array(count);
    case 'float64':
      return new Float64Array(count);
    case 'string':
      return new Array<string>(count).fill('');
  }
}
