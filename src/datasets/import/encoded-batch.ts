/**
 * Rows on their way from a parser (often in a worker thread) to the Arrow writer: one batch of
 * columns in flat buffers, cheap to transfer between threads. Missing values: NaN in float64
 * columns, `valid[i] = 0` in bool and string columns (whose `valid` is null when nothing is missing).
 */
export type EncodedColumn =
  /** Every value of the batch is missing: the column's type is not known from this batch. */
  | { readonly type: 'null' }
  | { readonly type: 'float64'; readonly values: Float64Array; readonly integer: boolean }
  | { readonly type: 'bool'; readonly values: Uint8Array; readonly valid: Uint8Array | null }
  | {
      readonly type: 'string';
      /** rows + 1 offsets into `data` (UTF-8); a missing value is an empty slice. */
      readonly offsets: Int32Array;
      readonly data: Uint8Array;
      readonly valid: Uint8Array | null;
    }
  /**
   * Values of several kinds, some already converted (e.g. numbers, then text): the batch cannot be
   * stored as it is, and the source must be read again with the column's final type.
   */
  | { readonly type: 'mixed' };

export interface EncodedBatch {
  readonly rows: number;
  /** Column names, parallel to `columns`. */
  readonly names: readonly string[];
  readonly columns: readonly EncodedColumn[];
  /** How far into the source file this batch reaches, in bytes (for progress). */
  readonly sourceBytes: number;
}

/** Column types forced on a second reading, once a first one has seen every value. */
export interface ForcedColumns {
  readonly names: readonly string[];
  readonly types: readonly ('float64' | 'string' | 'bool')[];
}

/** The ArrayBuffers of a batch, to transfer (not copy) it to another thread. */
export function batchBuffers(batch: EncodedBatch): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  const add = (view: ArrayBufferView | null): void => {
    if (view && view.buffer instanceof ArrayBuffer && !buffers.includes(view.buffer))
      buffers.push(view.buffer);
  };
  for (const column of batch.columns) {
    if (column.type === 'float64') add(column.values);
    else if (column.type === 'bool') {
      add(column.values);
      add(column.valid);
    } else if (column.type === 'string') {
      add(column.offsets);
      add(column.data);
      add(column.valid);
    }
  }
  return buffers;
}
