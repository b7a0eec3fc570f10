import { Float16Array } from '@petamoriken/float16';
import type { NamedTensor, TensorData } from '../named-tensor.js';
import { rowWidth } from '../tensor-rows.js';

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

/** Values per row up to which a tensor is logged as one column per value; wider rows go as bytes. */
const MAX_SPREAD = 64;

export type LogColumn = Float64Array | string[];

/**
 * The records as columns, one row per prediction: `id`, `time`, `latency_ms`, then each input as
 * `in.NAME` and each output as `out.NAME`. A row of several values spreads over `NAME[0]`, `NAME[1]`
 * ... (or over the model's feature names, for its single input), so that monitoring reads plain
 * columns; rows wider than 64 values (images) are kept whole as base64 of their little-endian bytes.
 * Numbers are stored as float64 (int64 labels are exact up to 2^53), booleans as 0/1.
 */
export function predictionColumns(
  records: readonly PredictionRecord[],
  featureNames: ReadonlyMap<string, readonly string[]>,
): { rows: number; ids: string[]; times: number[]; columns: Map<string, LogColumn> } {
  const ids: string[] = [];
  const times: number[] = [];
  const latencies: number[] = [];
  for (const record of records) {
    const rows = record.inputs[0]?.dims[0] ?? record.outputs[0]?.dims[0] ?? 0;
    for (let i = 0; i < rows; i += 1) {
      ids.push(rows === 1 ? record.id : `${record.id}:${i}`);
      times.push(record.time);
      latencies.push(record.latencyMs);
    }
  }
  const columns = new Map<string, LogColumn>([
    ['id', ids],
    ['time', Float64Array.from(times)],
    ['latency_ms', Float64Array.from(latencies)],
  ]);
  const [first] = records;
  if (first) {
    first.inputs.forEach((tensor, at) =>
      spread(
        columns,
        `in.${tensor.name}`,
        records.map((record) => record.inputs[at] as NamedTensor),
        featureNames.get(tensor.name),
      ),
    );
    first.outputs.forEach((tensor, at) =>
      spread(
        columns,
        `out.${tensor.name}`,
        records.map((record) => record.outputs[at] as NamedTensor),
        undefined,
      ),
    );
  }
  return { rows: ids.length, ids, times, columns };
}

function spread(
  columns: Map<string, LogColumn>,
  prefix: string,
  parts: readonly NamedTensor[],
  names: readonly string[] | undefined,
): void {
  const template = parts[0] as NamedTensor;
  const width = rowWidth(template.dims);
  const rows = parts.reduce((sum, part) => sum + (part.dims[0] as number), 0);
  if (width > MAX_SPREAD) {
    const encoded: string[] = [];
    for (const part of parts) {
      for (let r = 0; r < (part.dims[0] as number); r += 1) encoded.push(rowBytes(part.data, r, width));
    }
    columns.set(prefix, encoded);
    return;
  }
  const columnNames = Array.from({ length: width }, (_, j) =>
    width === 1 ? prefix : `${prefix}.${names?.length === width ? names[j] : `[${j}]`}`,
  );
  if (template.type === 'string') {
    const text = columnNames.map(() => new Array<string>(rows));
    let row = 0;
    for (const part of parts) {
      const data = part.data as string[];
      for (let r = 0; r < (part.dims[0] as number); r += 1, row += 1) {
        for (let j = 0; j < width; j += 1) (text[j] as string[])[row] = data[r * width + j] ?? '';
      }
    }
    columnNames.forEach((name, j) => columns.set(name, text[j] as string[]));
    return;
  }
  const numbers = columnNames.map(() => new Float64Array(rows));
  let row = 0;
  for (const part of parts) {
    const raw = part.data as Exclude<TensorData, string[]>;
    // float16 tensors hold half bits: read them as the numbers they are.
    const data = part.type === 'float16' ? new Float16Array(raw.buffer, raw.byteOffset, raw.length) : raw;
    for (let r = 0; r < (part.dims[0] as number); r += 1, row += 1) {
      for (let j = 0; j < width; j += 1) {
        (numbers[j] as Float64Array)[row] = Number(data[r * width + j] as number | bigint);
      }
    }
  }
  columnNames.forEach((name, j) => columns.set(name, numbers[j] as Float64Array));
}

function rowBytes(data: TensorData, row: number, width: number): string {
  if (Array.isArray(data))
    return Buffer.from(JSON.stringify(data.slice(row * width, (row + 1) * width))).toString('base64');
  const size = data.BYTES_PER_ELEMENT;
  return Buffer.from(data.buffer, data.byteOffset + row * width * size, width * size).toString('base64');
}
