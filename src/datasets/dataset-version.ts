import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import { listColumns } from '../expression/expression-check.js';
import { sharedMemory } from '../util/shared-memory-pool.js';
import type { BodyMemory } from './arrow/arrow-file-reader.js';
import type { DatasetVersionInfo } from './dataset-entities.js';
import type { Column, ColumnType, TableBatch } from './dataset-table.js';
import { rebatch } from './table-batches.js';

export interface BatchOptions {
  /** Only these columns (in this order); all by default. */
  readonly columns?: readonly string[] | undefined;
  /** Rows per batch; the stored record batches' size (65,536) by default. */
  readonly batchSize?: number | undefined;
}

/** A batch whose memory is lent: it stays as it is until released, and is reused after. */
export interface LeasedBatch {
  readonly batch: TableBatch;
  /** The caller is done with the batch; call it once. */
  release(): void;
}

/** A dataset version's rows, streamed from the artifact store: one record batch in memory at a time. */
export interface DatasetVersion {
  readonly info: DatasetVersionInfo;
  batches(options?: BatchOptions): AsyncIterable<TableBatch>;
  /**
   * The stored batches for scans that hand rows to worker threads: numeric columns in shared
   * memory, which threads read in place, reused once a batch is released. Batches not released
   * are left to the garbage collector.
   */
  sharedBatches(columns?: readonly string[]): AsyncIterable<LeasedBatch>;
  /**
   * The rows at `indices` (0-based, any order, repeats allowed), in that order. The result's
   * `offset` is 0: its rows are not consecutive. Reads the file up to the last row wanted.
   */
  readRows(indices: readonly number[], columns?: readonly string[]): Promise<TableBatch>;
}

export class StoredDatasetVersion implements DatasetVersion {
  constructor(
    readonly info: DatasetVersionInfo,
    private readonly artifacts: ArtifactStore,
  ) {}

  batches(options: BatchOptions = {}): AsyncIterable<TableBatch> {
    const columns = this.columnNames(options.columns);
    const size = options.batchSize;
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 1)) {
      throw new InvalidParameterError(`Batch size must be a positive integer, got ${size}`);
    }
    const stored = this.tableBatches(columns, 'fresh');
    return size === undefined ? stored : rebatch(stored, size);
  }

  sharedBatches(columnNames?: readonly string[]): AsyncIterable<LeasedBatch> {
    return this.stored(this.columnNames(columnNames), sharedMemory);
  }

  async readRows(indices: readonly number[], columnNames?: readonly string[]): Promise<TableBatch> {
    const columns = this.columnNames(columnNames);
    for (const index of indices) {
      if (!Number.isSafeInteger(index) || index < 0 || index >= this.info.rowCount) {
        throw new InvalidParameterError(
          `Row ${index} is not in dataset ${this.info.name}@${this.info.version}, which has rows 0 to ${this.info.rowCount - 1}`,
        );
      }
    }
    const types = new Map(this.info.schema.columns.map((column) => [column.name, column.type]));
    const gather = columns.map((name) => new Gatherer(name, types.get(name) ?? 'string', indices.length));
    // Output positions in row order, so one pass over the file fills them all.
    const order = indices
      .map((_, position) => position)
      .sort((a, b) => (indices[a] as number) - (indices[b] as number));
    let next = 0;
    if (order.length > 0) {
      // Every value wanted is copied out of a batch before the next is read: one buffer will do.
      for await (const batch of this.tableBatches(columns, 'reuse')) {
        const end = batch.offset + batch.length;
        for (; next < order.length && (indices[order[next] as number] as number) < end; next++) {
          const position = order[next] as number;
          const row = (indices[position] as number) - batch.offset;
          for (const gatherer of gather)
            gatherer.copy(batch.columns.get(gatherer.name) as Column, row, position);
        }
        if (next === order.length) break;
      }
    }
    return { length: indices.length, offset: 0, columns: new Map(gather.map((g) => [g.name, g.finish()])) };
  }

  private async *tableBatches(columns: readonly string[], bodies: BodyMemory): AsyncGenerator<TableBatch> {
    for await (const { batch } of this.stored(columns, bodies)) yield batch;
  }

  private async *stored(columns: readonly string[], bodies: BodyMemory): AsyncGenerator<LeasedBatch> {
    // Arrow is loaded on first read: processes that never read rows do not pay for it at start-up.
    const [{ readArrowFile }, { toTableBatch }] = await Promise.all([
      import('./arrow/arrow-file-reader.js'),
      import('./arrow/arrow-to-table.js'),
    ]);
    const file = await this.artifacts.open(this.info.artifactPath);
    let offset = 0;
    for await (const { batch, body } of readArrowFile(file, { bodies })) {
      // Only a pool's memory comes back as `body`; it goes back once.
      let lent = body;
      const release = (): void => {
        if (lent !== null && typeof bodies === 'object') bodies.give(lent);
        lent = null;
      };
      yield { batch: toTableBatch(batch, offset, columns), release };
      offset += batch.numRows;
    }
  }

  private columnNames(requested: readonly string[] | undefined): readonly string[] {
    const all = this.info.schema.columns.map((column) => column.name);
    if (requested === undefined) return all;
    const known = new Set(all);
    for (const name of requested) {
      if (!known.has(name)) {
        throw new InvalidParameterError(
          `Column '${name}' is not in dataset ${this.info.name}@${this.info.version}; its columns are: ${listColumns(all)}`,
        );
      }
    }
    return requested;
  }
}

/** Collects one column's values for readRows. */
class Gatherer {
  private readonly floats: Float64Array | undefined;
  private readonly strings: (string | null)[] | undefined;
  private readonly bools: Uint8Array | undefined;
  private readonly valid: Uint8Array | undefined;
  private missing = 0;

  constructor(
    readonly name: string,
    private readonly type: ColumnType,
    length: number,
  ) {
    if (type === 'float64') this.floats = new Float64Array(length);
    else if (type === 'string') this.strings = new Array<string | null>(length).fill(null);
    else {
      this.bools = new Uint8Array(length);
      this.valid = new Uint8Array(length);
    }
  }

  copy(column: Column, row: number, position: number): void {
    if (this.floats) this.floats[position] = (column.values as Float64Array)[row] as number;
    else if (this.strings) this.strings[position] = (column.values as (string | null)[])[row] ?? null;
    else if (this.bools && this.valid) {
      const present = !column.valid || column.valid[row] === 1;
      this.bools[position] = present ? ((column.values as Uint8Array)[row] as number) : 0;
      this.valid[position] = present ? 1 : 0;
      if (!present) this.missing += 1;
    }
  }

  finish(): Column {
    if (this.floats) return { name: this.name, type: this.type, values: this.floats };
    if (this.strings) return { name: this.name, type: this.type, values: this.strings };
    return {
      name: this.name,
      type: this.type,
      values: this.bools as Uint8Array,
      valid: this.missing > 0 ? (this.valid as Uint8Array) : null,
    };
  }
}
