import type { NamedTensor } from '../named-tensor.js';
import { elementBytes, MAX_SPREAD } from './pending-batch.js';
import type { PackedBatch, PackedTensor } from './prediction-log-protocol.js';

/** One request's predictions as logged: every row of its inputs and outputs. */
export interface PredictionRecord {
  /** The request's prediction id; its rows are `id` (one row) or `id:0`, `id:1`, ... */
  readonly id: string;
  /** Epoch milliseconds when it was answered. */
  readonly time: number;
  readonly latencyMs: number;
  readonly inputs: readonly NamedTensor[];
  readonly outputs: readonly NamedTensor[];
}

export type LogColumn = Float64Array | Float32Array | string[];

export interface BatchColumns {
  readonly rows: number;
  readonly ids: string[];
  readonly times: Float64Array;
  readonly columns: Map<string, LogColumn>;
}

/**
 * A batch as columns, one row per prediction: `id`, `time`, `latency_ms`, then each input as
 * `in.NAME` and each output as `out.NAME`. A row of several values spreads over `NAME.[0]`,
 * `NAME.[1]` ... (or over the model's feature names, for its single input), so that monitoring
 * reads plain columns; rows wider than 64 values (images) are kept whole as base64 of their
 * little-endian bytes. float32 values stay float32 (widening them doubled the file and bought no
 * precision); other numbers are stored as float64 (int64 labels are exact up to 2^53), booleans
 * as 0/1.
 */
export function predictionColumns(batch: PackedBatch): BatchColumns {
  const { rowCounts, idBytes, idEnds } = batch;
  const text = Buffer.from(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength);
  let rows = 0;
  for (const count of rowCounts) rows += count;
  const ids = new Array<string>(rows);
  const times = new Float64Array(rows);
  const latencies = new Float64Array(rows);
  let row = 0;
  for (let r = 0; r < rowCounts.length; r += 1) {
    const count = rowCounts[r] as number;
    const id = text.toString('utf8', r === 0 ? 0 : (idEnds[r - 1] as number), idEnds[r] as number);
    const time = batch.times[r] as number;
    const latency = batch.latencies[r] as number;
    for (let i = 0; i < count; i += 1, row += 1) {
      ids[row] = count === 1 ? id : `${id}:${i}`;
      times[row] = time;
      latencies[row] = latency;
    }
  }
  const columns = new Map<string, LogColumn>([
    ['id', ids],
    ['time', times],
    ['latency_ms', latencies],
  ]);
  for (const tensor of batch.tensors) spread(columns, tensor, rows);
  return { rows, ids, times, columns };
}

function spread(columns: Map<string, LogColumn>, tensor: PackedTensor, rows: number): void {
  const { column: prefix, width } = tensor;
  if (width > MAX_SPREAD) {
    columns.set(prefix, wideRows(tensor, rows));
    return;
  }
  const names = Array.from({ length: width }, (_, j) =>
    width === 1 ? prefix : `${prefix}.${tensor.names ? tensor.names[j] : `[${j}]`}`,
  );
  if (tensor.strings !== null) {
    const strings = tensor.strings;
    names.forEach((name, j) => {
      const text = new Array<string>(rows);
      for (let r = 0; r < rows; r += 1) text[r] = strings[r * width + j] ?? '';
      columns.set(name, text);
    });
    return;
  }
  const values = numbers(tensor);
  if (width === 1) {
    columns.set(prefix, values);
    return;
  }
  names.forEach((name, j) => {
    const column = values instanceof Float32Array ? new Float32Array(rows) : new Float64Array(rows);
    for (let r = 0, at = j; r < rows; r += 1, at += width) column[r] = values[at] as number;
    columns.set(name, column);
  });
}

/**
 * A numeric tensor's elements: float32 as they are, anything else as float64 (64-bit integers
 * rounded past 2^53, half floats decoded).
 */
function numbers(tensor: PackedTensor): Float64Array | Float32Array {
  const buffer = tensor.bytes as ArrayBuffer;
  const length = tensor.byteLength / elementBytes(tensor.type);
  switch (tensor.type) {
    case 'float64':
      return new Float64Array(buffer, 0, length);
    case 'float32':
      return new Float32Array(buffer, 0, length);
    case 'int32':
      return new Float64Array(new Int32Array(buffer, 0, length));
    case 'uint32':
      return new Float64Array(new Uint32Array(buffer, 0, length));
    case 'int16':
      return new Float64Array(new Int16Array(buffer, 0, length));
    case 'uint16':
      return new Float64Array(new Uint16Array(buffer, 0, length));
    case 'int8':
      return new Float64Array(new Int8Array(buffer, 0, length));
    case 'bool':
    case 'uint8':
      return new Float64Array(new Uint8Array(buffer, 0, length));
    case 'int64':
    case 'uint64': {
      const wide =
        tensor.type === 'int64'
          ? new BigInt64Array(buffer, 0, length)
          : new BigUint64Array(buffer, 0, length);
      const out = new Float64Array(length);
      for (let i = 0; i < length; i += 1) out[i] = Number(wide[i]);
      return out;
    }
    case 'float16': {
      const half = new Uint16Array(buffer, 0, length);
      const out = new Float64Array(length);
      for (let i = 0; i < length; i += 1) out[i] = halfToNumber(half[i] as number);
      return out;
    }
    case 'string':
      throw new Error('a string tensor has no numbers');
  }
}

/** IEEE 754 half-precision bits as the number they stand for. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Each row whole: base64 of its little-endian bytes (strings: of their JSON). */
function wideRows(tensor: PackedTensor, rows: number): string[] {
  const { width } = tensor;
  const encoded = new Array<string>(rows);
  if (tensor.strings !== null) {
    for (let r = 0; r < rows; r += 1) {
      const row = tensor.strings.slice(r * width, (r + 1) * width);
      encoded[r] = Buffer.from(JSON.stringify(row)).toString('base64');
    }
    return encoded;
  }
  const size = width * elementBytes(tensor.type);
  const buffer = tensor.bytes as ArrayBuffer;
  for (let r = 0; r < rows; r += 1) encoded[r] = Buffer.from(buffer, r * size, size).toString('base64');
  return encoded;
}
