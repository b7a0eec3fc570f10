import type { EncodedBatch, ForcedColumns } from './encoded-batch.js';

/** A table being imported, readable more than once (a second time with the types the first found). */
export interface TableSource {
  /** Column names known before any row is read (CSV header, Parquet schema); null for JSONL. */
  readonly columns: readonly string[] | null;
  readonly size: number;
  read(forced: ForcedColumns | null): AsyncGenerator<EncodedBatch>;
}
