import os from 'node:os';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { allocateTensorData, tensorDataView, type NamedTensor, type TensorData } from '../named-tensor.js';
import { datatypeOf, elementByteSize, tensorTypeOf, type V2Datatype } from './v2-datatypes.js';

/** The extension's tensors are little-endian; so is nearly every host, which then copies bytes as they are. */
const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * Tensor data in the binary tensor data extension: little-endian, row-major, no padding; BOOL one
 * byte per element (0 or 1: any other byte is refused rather than read as true, as it most likely
 * means the client sent another datatype's bytes); BYTES as a 4-byte little-endian length followed
 * by that many bytes, which Assay reads as UTF-8 because its models take text (onnxruntime strings).
 *
 * On a little-endian host (nearly every one) a tensor is read in place or copied whole; on a
 * big-endian one its elements go through a DataView one by one (a few ms per million elements).
 */

const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true });
const UTF8_ENCODER = new TextEncoder();

type Read = (view: DataView, offset: number) => number | bigint;
type Write = (view: DataView, offset: number, value: number | bigint) => void;

const READ: Readonly<Record<Exclude<V2Datatype, 'BYTES'>, Read>> = {
  BOOL: (view, offset) => view.getUint8(offset),
  UINT8: (view, offset) => view.getUint8(offset),
  INT8: (view, offset) => view.getInt8(offset),
  UINT16: (view, offset) => view.getUint16(offset, true),
  INT16: (view, offset) => view.getInt16(offset, true),
  // float16 stays as its half bits, which is how NamedTensor (and onnxruntime) hold it.
  FP16: (view, offset) => view.getUint16(offset, true),
  UINT32: (view, offset) => view.getUint32(offset, true),
  INT32: (view, offset) => view.getInt32(offset, true),
  FP32: (view, offset) => view.getFloat32(offset, true),
  UINT64: (view, offset) => view.getBigUint64(offset, true),
  INT64: (view, offset) => view.getBigInt64(offset, true),
  FP64: (view, offset) => view.getFloat64(offset, true),
};

const WRITE: Readonly<Record<Exclude<V2Datatype, 'BYTES'>, Write>> = {
  BOOL: (view, offset, value) => view.setUint8(offset, value === 0 ? 0 : 1),
  UINT8: (view, offset, value) => view.setUint8(offset, Number(value)),
  INT8: (view, offset, value) => view.setInt8(offset, Number(value)),
  UINT16: (view, offset, value) => view.setUint16(offset, Number(value), true),
  INT16: (view, offset, value) => view.setInt16(offset, Number(value), true),
  FP16: (view, offset, value) => view.setUint16(offset, Number(value), true),
  UINT32: (view, offset, value) => view.setUint32(offset, Number(value), true),
  INT32: (view, offset, value) => view.setInt32(offset, Number(value), true),
  FP32: (view, offset, value) => view.setFloat32(offset, Number(value), true),
  UINT64: (view, offset, value) => view.setBigUint64(offset, BigInt(value), true),
  INT64: (view, offset, value) => view.setBigInt64(offset, BigInt(value), true),
  FP64: (view, offset, value) => view.setFloat64(offset, Number(value), true),
};

/**
 * The `count` elements in `blob`. Fixed-size datatypes expect the caller to have checked the blob's
 * size against the shape (its message names the shape); BYTES blobs are checked here, element by
 * element. `what` names the tensor in messages (`Input 'x'`).
 */
export function decodeBinaryTensor(
  blob: Uint8Array,
  datatype: V2Datatype,
  count: number,
  what: string,
): TensorData {
  if (datatype === 'BYTES') return decodeBinaryStrings(blob, count, what);
  if (datatype === 'BOOL') {
    const bad = blob.findIndex((byte) => byte > 1);
    if (bad >= 0) {
      throw new InvalidParameterError(
        `${what}: element ${bad} is byte ${blob[bad]}; BOOL elements are 0 or 1`,
      );
    }
  }
  const type = tensorTypeOf(datatype);
  const size = elementByteSize(datatype) ?? 0;
  if (LITTLE_ENDIAN && type !== 'string') {
    // The wire's byte order is the host's: the tensor is read in place where the bytes sit at a
    // multiple of the element size (the request body is laid out so: see readRequestBody), else
    // copied once (an image in microseconds).
    const view = tensorDataView(type, blob.subarray(0, count * size), count);
    if (view !== null) return view;
  }
  const data = allocateTensorData(type, count);
  if (LITTLE_ENDIAN) {
    const typed = data as Exclude<TensorData, string[]>;
    new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength).set(blob.subarray(0, count * size));
    return data;
  }
  // Each typed array takes the kind its reader returns (BigInt for the 64-bit integers).
  const elements = data as unknown as { [index: number]: number | bigint };
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const read = READ[datatype];
  for (let i = 0; i < count; i++) elements[i] = read(view, i * size);
  return data;
}

function decodeBinaryStrings(blob: Uint8Array, count: number, what: string): string[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const strings = new Array<string>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > blob.byteLength) {
      throw new InvalidParameterError(
        `${what}: binary data ends at element ${i} of ${count} (each BYTES element starts with a 4-byte length)`,
      );
    }
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > blob.byteLength) {
      throw new InvalidParameterError(
        `${what}: element ${i} declares ${length} bytes but only ${blob.byteLength - offset} remain in its binary data`,
      );
    }
    try {
      strings[i] = UTF8_DECODER.decode(blob.subarray(offset, offset + length));
    } catch {
      throw new InvalidParameterError(`${what}: element ${i} is not valid UTF-8`);
    }
    offset += length;
  }
  if (offset !== blob.byteLength) {
    throw new InvalidParameterError(
      `${what}: binary_data_size ${blob.byteLength} but its ${count} BYTES elements take ${offset} bytes`,
    );
  }
  return strings;
}

/** The tensor's elements as the extension's bytes. */
export function encodeBinaryTensor(tensor: NamedTensor): Uint8Array {
  const datatype = datatypeOf(tensor.type);
  if (datatype === 'BYTES') return encodeBinaryStrings(tensor.data as string[]);
  if (LITTLE_ENDIAN) {
    const typed = tensor.data as Exclude<TensorData, string[]>;
    return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  }
  const values = tensor.data as ArrayLike<number | bigint>;
  const size = elementByteSize(datatype) ?? 0;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  const write = WRITE[datatype];
  for (let i = 0; i < values.length; i++) write(view, i * size, values[i] ?? 0);
  return bytes;
}

function encodeBinaryStrings(strings: readonly string[]): Uint8Array {
  const encoded = strings.map((text) => UTF8_ENCODER.encode(text));
  const bytes = new Uint8Array(encoded.reduce((total, item) => total + 4 + item.byteLength, 0));
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const item of encoded) {
    view.setUint32(offset, item.byteLength, true);
    bytes.set(item, offset + 4);
    offset += 4 + item.byteLength;
  }
  return bytes;
}
