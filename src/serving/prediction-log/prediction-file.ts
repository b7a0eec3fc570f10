import type * as ApacheArrow from 'apache-arrow';
import { predictionColumns } from './prediction-columns.js';
import { INDEX_CHUNK_ROWS, type PackedBatch } from './prediction-log-protocol.js';

type Arrow = typeof ApacheArrow;

/** The columns every prediction file has, before its `in.*` and `out.*` columns. */
const REQUIRED_COLUMNS = ['id', 'time', 'latency_ms'] as const;

/** An Arrow file that is not a prediction file: the message says what is wrong with it. */
export class InvalidPredictionFile extends Error {}

/** A prediction file, and what its index needs: each row's id and time. */
export interface PredictionTable {
  readonly bytes: Uint8Array;
  readonly rows: number;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly ids: ArrayLike<string>;
  readonly times: ArrayLike<number>;
}

/**
 * A batch as one Arrow IPC file (see predictionColumns for its columns). Columns are built as
 * Arrow data directly: float64 columns as they are, strings as one UTF-8 buffer and its offsets
 * (Arrow's generic builders went value by value, the largest part of a flush).
 */
export function encodePredictionFile(arrow: Arrow, batch: PackedBatch): PredictionTable {
  const { rows, ids, times, columns } = predictionColumns(batch);
  const vectors: Record<string, ApacheArrow.Vector> = {};
  for (const [name, column] of columns) {
    vectors[name] = Array.isArray(column) ? utf8Vector(arrow, column) : arrow.makeVector(column);
  }
  const bytes = arrow.tableToIPC(new arrow.Table(vectors), 'file');
  const { first, last } = timeRange(batch.times);
  return { bytes, rows, firstTime: first, lastTime: last, ids, times };
}

/**
 * Checks that `bytes` is a prediction file another process wrote (an Arrow IPC file whose `id`
 * column holds strings and whose `time` and `latency_ms` columns hold numbers, with at least one
 * row, and only plain `in.*` and `out.*` columns besides) and reads what its index needs.
 */
export function inspectPredictionFile(arrow: Arrow, bytes: Uint8Array): PredictionTable {
  if (!isArrowFile(bytes)) {
    throw new InvalidPredictionFile(
      'the body is not an Arrow IPC file (one starts and ends with the bytes ARROW1; an Arrow stream is not accepted)',
    );
  }
  let table: ApacheArrow.Table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (error) {
    throw new InvalidPredictionFile(
      `the body is not a readable Arrow IPC file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { DataType } = arrow;
  const isText = (type: ApacheArrow.DataType): boolean =>
    DataType.isUtf8(type) ||
    DataType.isLargeUtf8(type) ||
    (DataType.isDictionary(type) &&
      (DataType.isUtf8(type.dictionary) || DataType.isLargeUtf8(type.dictionary)));
  const isNumber = (type: ApacheArrow.DataType): boolean =>
    DataType.isFloat(type) || DataType.isInt(type) || DataType.isBool(type);
  const fields = new Map(table.schema.fields.map((field) => [field.name, field]));
  for (const name of REQUIRED_COLUMNS) {
    if (!fields.has(name)) throw new InvalidPredictionFile(`the Arrow file has no '${name}' column`);
  }
  for (const field of table.schema.fields) {
    const { name, type } = field;
    if (name === 'id') {
      if (!isText(type))
        throw new InvalidPredictionFile(`column 'id' must hold strings, it holds ${String(type)}`);
    } else if (name === 'time' || name === 'latency_ms') {
      if (!DataType.isFloat(type) && !DataType.isInt(type)) {
        throw new InvalidPredictionFile(`column '${name}' must hold numbers, it holds ${String(type)}`);
      }
    } else if (!name.startsWith('in.') && !name.startsWith('out.')) {
      throw new InvalidPredictionFile(
        `column '${name}' is not a prediction column (id, time, latency_ms, in.NAME, out.NAME)`,
      );
    } else if (!isText(type) && !isNumber(type)) {
      throw new InvalidPredictionFile(
        `column '${name}' must hold numbers or strings, it holds ${String(type)}`,
      );
    }
  }
  const rows = table.numRows;
  if (rows === 0) throw new InvalidPredictionFile('the Arrow file has no rows');
  const idColumn = table.getChild('id') as ApacheArrow.Vector;
  const timeColumn = table.getChild('time') as ApacheArrow.Vector;
  if (idColumn.nullCount > 0) throw new InvalidPredictionFile("column 'id' has missing values");
  if (timeColumn.nullCount > 0) throw new InvalidPredictionFile("column 'time' has missing values");
  const ids = idColumn.toArray() as ArrayLike<string>;
  const rawTimes = timeColumn.toArray() as ArrayLike<number | bigint>;
  const times = new Float64Array(rows);
  for (let row = 0; row < rows; row += 1) {
    if (ids[row] === '') throw new InvalidPredictionFile(`column 'id' is empty at row ${row}`);
    const time = Number(rawTimes[row]);
    if (!Number.isFinite(time))
      throw new InvalidPredictionFile(`column 'time' is not a number at row ${row}`);
    times[row] = time;
  }
  const { first, last } = timeRange(times);
  return { bytes, rows, firstTime: first, lastTime: last, ids, times };
}

function isArrowFile(bytes: Uint8Array): boolean {
  const magic = 'ARROW1';
  if (bytes.length < 2 * magic.length + 4) return false;
  const text = (at: number) =>
    Buffer.from(bytes.buffer, bytes.byteOffset + at, magic.length).toString('latin1');
  return text(0) === magic && text(bytes.length - magic.length) === magic;
}

function timeRange(times: ArrayLike<number>): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < times.length; i += 1) {
    const time = times[i] as number;
    if (time < first) first = time;
    if (time > last) last = time;
  }
  return { first: Math.round(first), last: Math.round(last) };
}

/**
 * The rows in the order their index rows are written: by id. Each chunk of INDEX_CHUNK_ROWS then
 * lands in one stretch of the database's id index instead of all over it: with random ids (UUIDs),
 * chunks in row order rewrote most of the index's pages once per chunk (SQLite: 290 ms per 8192
 * rows into 250,000, against 77 ms in id order). Time-ordered ids come sorted already.
 */
export function indexOrder(ids: ArrayLike<string>): Int32Array {
  const order = new Int32Array(ids.length);
  let sorted = true;
  for (let row = 0; row < ids.length; row += 1) {
    order[row] = row;
    if (row > 0 && sorted) sorted = (ids[row - 1] as string) <= (ids[row] as string);
  }
  if (sorted) return order;
  return order.sort((a, b) => {
    const x = ids[a] as string;
    const y = ids[b] as string;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
}

/** The id index as JSON chunks `[[id, row, time], ...]` of INDEX_CHUNK_ROWS rows, in `order`. */
export function indexJson(ids: ArrayLike<string>, times: ArrayLike<number>, order: Int32Array): string[] {
  const chunks: string[] = [];
  // Rows of a record share its time, and records of a millisecond share theirs: each written once.
  let lastTime = NaN;
  let timeText = '';
  for (let start = 0; start < order.length; start += INDEX_CHUNK_ROWS) {
    const end = Math.min(order.length, start + INDEX_CHUNK_ROWS);
    let chunk = '[';
    for (let at = start; at < end; at += 1) {
      const row = order[at] as number;
      const id = ids[row] as string;
      const time = Math.round(times[row] as number);
      if (time !== lastTime) {
        lastTime = time;
        timeText = String(time);
      }
      // Ids are mostly UUIDs, which JSON holds as they are; others are escaped.
      const text = PLAIN_JSON_STRING.test(id) ? `"${id}"` : JSON.stringify(id);
      chunk += `${at === start ? '' : ','}[${text},${row},${timeText}]`;
    }
    chunks.push(`${chunk}]`);
  }
  return chunks;
}

/** A string JSON writes as it is, between quotes. */
const PLAIN_JSON_STRING = /^[\w.:@+/=-]*$/;

/** Strings as an Arrow utf8 vector: one UTF-8 buffer and its offsets, no per-value builder. */
function utf8Vector(arrow: Arrow, values: readonly string[]): ApacheArrow.Vector {
  const joined = values.join('');
  const data = Buffer.from(joined, 'utf8');
  const offsets = new Int32Array(values.length + 1);
  // All ASCII (bytes = UTF-16 units): each value's byte length is its length.
  const ascii = data.length === joined.length;
  let at = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] as string;
    at += ascii ? value.length : Buffer.byteLength(value);
    offsets[i + 1] = at;
  }
  return arrow.makeVector(
    arrow.makeData({
      type: new arrow.Utf8(),
      length: values.length,
      nullCount: 0,
      valueOffsets: offsets,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    }),
  );
}
