import type { Data, RecordBatch, Schema } from 'apache-arrow';
import { arrow } from '../arrow/apache-arrow.js';
import { packBytes, packPresent } from '../arrow/bitmaps.js';
import type { ColumnType } from '../dataset-table.js';
import type { EncodedBatch, EncodedColumn } from './encoded-batch.js';

/**
 * Re-cuts parsed batches (whatever their sizes: ranges end anywhere) into Arrow record batches of
 * exactly `batchRows` rows, the last one shorter, so that the stored file does not depend on how
 * the source was split. A parsed batch that is a whole record batch by itself is used as it is;
 * others are copied, each value once.
 */
export class BatchAssembler {
  private readonly columns: ColumnAccumulator[];
  private rows = 0;

  constructor(
    private readonly schema: Schema,
    private readonly types: readonly ColumnType[],
    private readonly batchRows: number,
  ) {
    this.columns = types.map((type) => accumulator(type, batchRows));
  }

  /** Adds `batch` (whose columns must fit the schema); returns the record batches it completed. */
  push(batch: EncodedBatch): RecordBatch[] {
    const byName = new Map<string, EncodedColumn>();
    batch.names.forEach((name, i) => byName.set(name, batch.columns[i] as EncodedColumn));
    const incoming = this.schema.fields.map((field) => byName.get(field.name) ?? NULL_COLUMN);
    if (this.rows === 0 && batch.rows === this.batchRows) {
      const children = incoming.map((column, i) =>
        wholeColumn(this.types[i] as ColumnType, column, batch.rows),
      );
      return [this.recordBatch(children, batch.rows)];
    }
    const done: RecordBatch[] = [];
    let from = 0;
    while (from < batch.rows) {
      const count = Math.min(batch.rows - from, this.batchRows - this.rows);
      this.columns.forEach((column, i) => column.append(incoming[i] as EncodedColumn, from, count));
      this.rows += count;
      from += count;
      if (this.rows === this.batchRows) done.push(this.emit());
    }
    return done;
  }

  /** The last, partial record batch, if any rows are left. */
  flush(): RecordBatch | null {
    return this.rows > 0 ? this.emit() : null;
  }

  private emit(): RecordBatch {
    const children = this.columns.map((column) => column.take());
    const batch = this.recordBatch(children, this.rows);
    this.rows = 0;
    return batch;
  }

  private recordBatch(children: Data[], length: number): RecordBatch {
    const data = arrow.makeData({
      type: new arrow.Struct(this.schema.fields),
      length,
      nullCount: 0,
      children,
    });
    return new arrow.RecordBatch(this.schema, data);
  }
}

/** A parsed column of `rows` rows as Arrow data, sharing its buffers (all missing: new ones). */
function wholeColumn(type: ColumnType, column: EncodedColumn, rows: number): Data {
  if (type === 'float64') {
    return float64Data(column.type === 'float64' ? column.values : new Float64Array(rows).fill(NaN), rows);
  }
  if (type === 'bool') {
    if (column.type !== 'bool') return boolData(new Uint8Array(rows), new Uint8Array(rows), rows, rows);
    return boolData(column.values, column.valid, column.valid ? countMissing(column.valid) : 0, rows);
  }
  if (column.type !== 'string') {
    return utf8Data(new Int32Array(rows + 1), new Uint8Array(0), new Uint8Array(rows), rows, rows);
  }
  const nulls = column.valid ? countMissing(column.valid) : 0;
  return utf8Data(column.offsets, column.data, column.valid, nulls, rows);
}

/** float64 values as Arrow data; NaN is a missing value. */
function float64Data(values: Float64Array, length: number): Data {
  const { bitmap, nulls } = packPresent(values, length);
  return arrow.makeData({
    type: new arrow.Float64(),
    length,
    nullCount: nulls,
    ...(bitmap ? { nullBitmap: bitmap } : {}),
    data: values,
  });
}

/** Booleans as Arrow data, one byte each here; `valid` (0: missing) matters only when `nulls` > 0. */
function boolData(values: Uint8Array, valid: Uint8Array | null, nulls: number, length: number): Data {
  return arrow.makeData({
    type: new arrow.Bool(),
    length,
    nullCount: nulls,
    ...(valid && nulls > 0 ? { nullBitmap: packBytes(valid, length) } : {}),
    data: packBytes(values, length),
  });
}

/** Text as Arrow data; `valid` (0: missing) matters only when `nulls` > 0. */
function utf8Data(
  offsets: Int32Array,
  data: Uint8Array,
  valid: Uint8Array | null,
  nulls: number,
  length: number,
): Data {
  return arrow.makeData({
    type: new arrow.Utf8(),
    length,
    nullCount: nulls,
    ...(valid && nulls > 0 ? { nullBitmap: packBytes(valid, length) } : {}),
    valueOffsets: offsets,
    data,
  });
}

function countMissing(valid: Uint8Array): number {
  let missing = 0;
  for (const byte of valid) if (byte === 0) missing += 1;
  return missing;
}

const NULL_COLUMN: EncodedColumn = { type: 'null' };

interface ColumnAccumulator {
  /** Rows [from, from + count) of `column` (of this column's type, or all missing). */
  append(column: EncodedColumn, from: number, count: number): void;
  /** The rows appended so far as Arrow data; starts over. */
  take(): Data;
}

function accumulator(type: ColumnType, capacity: number): ColumnAccumulator {
  if (type === 'float64') return new Float64Accumulator(capacity);
  if (type === 'bool') return new BoolAccumulator(capacity);
  return new StringAccumulator(capacity);
}

class Float64Accumulator implements ColumnAccumulator {
  private values: Float64Array;
  private length = 0;

  constructor(private readonly capacity: number) {
    this.values = new Float64Array(capacity);
  }

  append(column: EncodedColumn, from: number, count: number): void {
    if (column.type === 'float64') this.values.set(column.values.subarray(from, from + count), this.length);
    else this.values.fill(NaN, this.length, this.length + count);
    this.length += count;
  }

  take(): Data {
    const data = float64Data(this.values.subarray(0, this.length), this.length);
    this.values = new Float64Array(this.capacity);
    this.length = 0;
    return data;
  }
}

class BoolAccumulator implements ColumnAccumulator {
  private values: Uint8Array;
  private valid: Uint8Array;
  private length = 0;
  private nulls = 0;

  constructor(private readonly capacity: number) {
    this.values = new Uint8Array(capacity);
    this.valid = new Uint8Array(capacity);
  }

  append(column: EncodedColumn, from: number, count: number): void {
    if (column.type === 'bool') {
      this.values.set(column.values.subarray(from, from + count), this.length);
      if (column.valid) {
        const valid = column.valid.subarray(from, from + count);
        this.valid.set(valid, this.length);
        this.nulls += countMissing(valid);
      } else this.valid.fill(1, this.length, this.length + count);
    } else {
      this.nulls += count;
    }
    this.length += count;
  }

  take(): Data {
    const data = boolData(this.values, this.valid, this.nulls, this.length);
    this.values = new Uint8Array(this.capacity);
    this.valid = new Uint8Array(this.capacity);
    this.length = 0;
    this.nulls = 0;
    return data;
  }
}

class StringAccumulator implements ColumnAccumulator {
  private offsets: Int32Array;
  private valid: Uint8Array;
  private data = new Uint8Array(1 << 16);
  private bytes = 0;
  private length = 0;
  private nulls = 0;

  constructor(private readonly capacity: number) {
    this.offsets = new Int32Array(capacity + 1);
    this.valid = new Uint8Array(capacity);
  }

  append(column: EncodedColumn, from: number, count: number): void {
    if (column.type !== 'string') {
      this.offsets.fill(this.bytes, this.length + 1, this.length + count + 1);
      this.nulls += count;
      this.length += count;
      return;
    }
    const start = column.offsets[from] as number;
    const end = column.offsets[from + count] as number;
    this.reserve(end - start);
    this.data.set(column.data.subarray(start, end), this.bytes);
    const shift = this.bytes - start;
    for (let i = 1; i <= count; i++)
      this.offsets[this.length + i] = (column.offsets[from + i] as number) + shift;
    if (column.valid) {
      const valid = column.valid.subarray(from, from + count);
      this.valid.set(valid, this.length);
      this.nulls += countMissing(valid);
    } else this.valid.fill(1, this.length, this.length + count);
    this.bytes += end - start;
    this.length += count;
  }

  take(): Data {
    const { length } = this;
    const data = utf8Data(
      this.offsets.subarray(0, length + 1),
      this.data.subarray(0, this.bytes),
      this.valid,
      this.nulls,
      length,
    );
    this.offsets = new Int32Array(this.capacity + 1);
    this.valid = new Uint8Array(this.capacity);
    this.data = new Uint8Array(Math.max(1 << 16, this.bytes));
    this.bytes = 0;
    this.length = 0;
    this.nulls = 0;
    return data;
  }

  private reserve(more: number): void {
    if (this.bytes + more <= this.data.length) return;
    const next = new Uint8Array(Math.max(this.bytes + more, this.data.length * 2));
    next.set(this.data.subarray(0, this.bytes));
    this.data = next;
  }
}
