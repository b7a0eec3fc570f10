import type { ColumnSchema, ColumnType, DatasetSchema } from '../dataset-table.js';
import type { EncodedBatch, ForcedColumns } from './encoded-batch.js';

type Seen = 'null' | ColumnType;

/**
 * Column names and types as batches arrive, in order: a column is float64 if every batch saw
 * numbers (or nothing), bool if every batch saw true/false, string otherwise; one never given a
 * value is float64. The file is written with the types of the first batch (Arrow needs them up
 * front); `observe` says when a later batch does not fit them, and the import then reads the
 * source again with the final types.
 */
export class SchemaTracker {
  private readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly seen: Seen[] = [];
  private readonly integer: boolean[] = [];
  private written: { readonly names: readonly string[]; readonly types: readonly ColumnType[] } | null = null;

  /** `forced`: the columns of a second reading, known from the first. */
  constructor(forced: ForcedColumns | null = null) {
    forced?.names.forEach((name, i) => {
      this.index.set(name, i);
      this.names.push(name);
      this.seen.push(forced.types[i] ?? 'string');
      this.integer.push(true);
    });
  }

  /** Merges `batch` in; false when it does not fit the types being written. */
  observe(batch: EncodedBatch): boolean {
    const fits = this.fits(batch);
    batch.names.forEach((name, i) => {
      const column = batch.columns[i];
      if (!column) return;
      let at = this.index.get(name);
      if (at === undefined) {
        at = this.names.length;
        this.index.set(name, at);
        this.names.push(name);
        this.seen.push('null');
        this.integer.push(true);
      }
      if (column.type === 'null') return;
      const type: ColumnType = column.type === 'mixed' ? 'string' : column.type;
      const before = this.seen[at] as Seen;
      this.seen[at] = before === 'null' || before === type ? type : 'string';
      if (column.type === 'float64' && !column.integer) this.integer[at] = false;
    });
    return fits;
  }

  /** Whether `batch` can be written with the types fixed (any batch, before they are). */
  fits(batch: EncodedBatch): boolean {
    return batch.names.every((name, i) => {
      const column = batch.columns[i];
      if (!column || column.type === 'mixed') return false;
      if (!this.written) return true;
      const at = this.index.get(name);
      // A column the file being written does not have.
      if (at === undefined || at >= this.written.names.length) return false;
      return column.type === 'null' || column.type === this.written.types[at];
    });
  }

  /** Fixes the types the file is written with: those seen so far (nothing seen: float64). */
  fixWrittenTypes(): { readonly names: readonly string[]; readonly types: readonly ColumnType[] } {
    this.written = this.forced();
    return this.written;
  }

  /** The columns as known after the last batch. */
  schema(): DatasetSchema {
    const columns: ColumnSchema[] = this.names.map((name, i) => {
      const type = finalType(this.seen[i] as Seen);
      return type === 'float64' ? { name, type, integer: this.integer[i] as boolean } : { name, type };
    });
    return { columns };
  }

  forced(): ForcedColumns {
    return { names: [...this.names], types: this.seen.map(finalType) };
  }
}

function finalType(seen: Seen): ColumnType {
  return seen === 'null' ? 'float64' : seen;
}
