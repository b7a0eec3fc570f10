import type { Column, TableBatch } from '../datasets/dataset-table.js';

/**
 * The rows of `batch` where `mask` is 1, as a new batch; `rowNumbers` are their dataset row numbers
 * (the rows are no longer consecutive).
 */
export function selectRows(
  batch: TableBatch,
  mask: Uint8Array,
  count: number,
  rowNumbers: Float64Array,
): TableBatch {
  if (count === batch.length) return batch;
  const columns = new Map<string, Column>();
  for (const [name, column] of batch.columns) columns.set(name, selectColumn(column, mask, count));
  return { length: count, offset: rowNumbers[0] ?? batch.offset, rowNumbers, columns };
}

function selectColumn(column: Column, mask: Uint8Array, count: number): Column {
  const { values } = column;
  if (values instanceof Float64Array) {
    const selected = new Float64Array(count);
    for (let i = 0, j = 0; i < mask.length; i += 1) if (mask[i]) selected[j++] = values[i] as number;
    return { name: column.name, type: column.type, values: selected };
  }
  if (values instanceof Uint8Array) {
    const selected = new Uint8Array(count);
    const valid = column.valid ? new Uint8Array(count) : null;
    for (let i = 0, j = 0; i < mask.length; i += 1) {
      if (!mask[i]) continue;
      selected[j] = values[i] as number;
      if (valid && column.valid) valid[j] = column.valid[i] as number;
      j += 1;
    }
    return { name: column.name, type: column.type, values: selected, valid };
  }
  const selected: (string | null)[] = [];
  for (let i = 0; i < mask.length; i += 1) if (mask[i]) selected.push(values[i] ?? null);
  return { name: column.name, type: column.type, values: selected };
}
