import type { Column, TableBatch } from './dataset-table.js';

/** Rows [from, to) of `batch`, as views where the column type allows. */
export function sliceBatch(batch: TableBatch, from: number, to: number): TableBatch {
  const columns = new Map<string, Column>();
  for (const [name, column] of batch.columns) {
    if (column.type === 'string') {
      columns.set(name, {
        name,
        type: 'string',
        values: (column.values as (string | null)[]).slice(from, to),
      });
    } else if (column.type === 'float64') {
      columns.set(name, {
        name,
        type: 'float64',
        values: (column.values as Float64Array).subarray(from, to),
      });
    } else {
      const valid = column.valid ? column.valid.subarray(from, to) : null;
      columns.set(name, {
        name,
        type: 'bool',
        values: (column.values as Uint8Array).subarray(from, to),
        valid,
      });
    }
  }
  const rowNumbers = batch.rowNumbers?.subarray(from, to);
  return {
    length: to - from,
    offset: rowNumbers ? (rowNumbers[0] ?? batch.offset) : batch.offset + from,
    ...(rowNumbers ? { rowNumbers } : {}),
    columns,
  };
}

/** Consecutive batches (same columns) as one. */
function concatBatches(batches: readonly TableBatch[]): TableBatch {
  const first = batches[0];
  if (!first) throw new Error('concatBatches needs at least one batch');
  if (batches.length === 1) return first;
  const length = batches.reduce((sum, batch) => sum + batch.length, 0);
  const columns = new Map<string, Column>();
  for (const [name, column] of first.columns) {
    const parts = batches.map((batch) => batch.columns.get(name) as Column);
    if (column.type === 'string') {
      columns.set(name, {
        name,
        type: 'string',
        values: parts.flatMap((part) => part.values as (string | null)[]),
      });
    } else if (column.type === 'float64') {
      const values = new Float64Array(length);
      let at = 0;
      for (const part of parts) {
        values.set(part.values as Float64Array, at);
        at += part.values.length;
      }
      columns.set(name, { name, type: 'float64', values });
    } else {
      const values = new Uint8Array(length);
      const anyMissing = parts.some((part) => part.valid);
      const valid = anyMissing ? new Uint8Array(length) : null;
      let at = 0;
      for (const part of parts) {
        values.set(part.values as Uint8Array, at);
        if (valid) {
          if (part.valid) valid.set(part.valid, at);
          else valid.fill(1, at, at + part.values.length);
        }
        at += part.values.length;
      }
      columns.set(name, { name, type: 'bool', values, valid });
    }
  }
  return { length, offset: first.offset, columns };
}

/** Re-cuts a stream of batches into batches of exactly `size` rows (the last one shorter). */
export async function* rebatch(source: AsyncIterable<TableBatch>, size: number): AsyncGenerator<TableBatch> {
  let pending: TableBatch[] = [];
  let pendingRows = 0;
  for await (let batch of source) {
    while (pendingRows + batch.length >= size) {
      const take = size - pendingRows;
      pending.push(sliceBatch(batch, 0, take));
      yield concatBatches(pending);
      pending = [];
      pendingRows = 0;
      batch = sliceBatch(batch, take, batch.length);
    }
    if (batch.length > 0) {
      pending.push(batch);
      pendingRows += batch.length;
    }
  }
  if (pendingRows > 0) yield concatBatches(pending);
}
