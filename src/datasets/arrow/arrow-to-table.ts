import type { Data, RecordBatch } from 'apache-arrow';
import { arrow } from './apache-arrow.js';
import type { Column, TableBatch } from '../dataset-table.js';
import { unpackBits } from './bitmaps.js';

/**
 * A stored record batch as a TableBatch. Float64 columns are views of the batch's buffer (stored
 * missing values are NaN already); strings are decoded, in one go when the text is ASCII.
 */
export function toTableBatch(batch: RecordBatch, offset: number, columns: readonly string[]): TableBatch {
  const result = new Map<string, Column>();
  for (const name of columns) {
    const vector = batch.getChild(name);
    const data = vector?.data[0];
    if (!data) throw new Error(`Stored dataset batch has no column '${name}'`);
    result.set(name, toColumn(name, data));
  }
  return { length: batch.numRows, offset, columns: result };
}

function toColumn(name: string, data: Data): Column {
  const length = data.length;
  if (data.typeId === arrow.Type.Float) {
    const values = (data.values as Float64Array).subarray(data.offset, data.offset + length);
    return { name, type: 'float64', values };
  }
  const valid =
    data.nullCount > 0 && data.nullBitmap ? unpackBits(data.nullBitmap, data.offset, length) : null;
  if (data.typeId === arrow.Type.Bool) {
    return { name, type: 'bool', values: unpackBits(data.values as Uint8Array, data.offset, length), valid };
  }
  if (data.typeId === arrow.Type.Utf8) {
    const offsets = (data.valueOffsets as Int32Array).subarray(data.offset, data.offset + length + 1);
    return { name, type: 'string', values: decodeStrings(data.values as Uint8Array, offsets, valid) };
  }
  throw new Error(`Stored dataset column '${name}' has an unexpected Arrow type ${String(data.type)}`);
}

function decodeStrings(bytes: Uint8Array, offsets: Int32Array, valid: Uint8Array | null): (string | null)[] {
  const count = offsets.length - 1;
  const first = offsets[0] ?? 0;
  const last = offsets[count] ?? 0;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('utf8', first, last);
  // ASCII: one character per byte, so the offsets index the decoded text directly.
  const ascii = text.length === last - first;
  const values = new Array<string | null>(count);
  for (let i = 0; i < count; i++) {
    if (valid !== null && valid[i] === 0) {
      values[i] = null;
      continue;
    }
    const start = offsets[i] as number;
    const end = offsets[i + 1] as number;
    values[i] = ascii ? text.slice(start - first, end - first) : buffer.toString('utf8', start, end);
  }
  return values;
}
