import { Readable } from 'node:stream';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { ArrowFileEncoder } from '../arrow/arrow-file-encoder.js';
import { arrowSchema } from '../arrow/arrow-schema.js';
import type { DatasetSchema } from '../dataset-table.js';
import { BatchAssembler } from './batch-assembler.js';
import type { EncodedBatch, ForcedColumns } from './encoded-batch.js';
import { SchemaTracker } from './schema-tracker.js';
import { sourceChangedError } from './source-changed.js';
import type { TableSource } from './table-source.js';

export interface ImportedTable {
  readonly schema: DatasetSchema;
  readonly rowCount: number;
}

export interface TableImportOptions {
  /** Rows per stored record batch. */
  readonly batchRows: number;
  /** Where the source came from, for messages. */
  readonly sourceName: string;
  readonly onProgress?: ((bytes: number, total: number, pass: 1 | 2) => void) | undefined;
}

/**
 * Streams `source` into an Arrow IPC file through `write` (which stores a stream all or nothing).
 * Arrow needs each column's type before the first batch, but a CSV column's type is settled only by
 * its last value; so the file is written with the types of the first batch, which almost always
 * hold. When a later batch disagrees (a column of numbers with text far down), that write is
 * abandoned, the rest of the source is read only to settle the types, and the source is read and
 * written again with them: one reading in the common case, two at worst, and memory bounded by a
 * few batches either way.
 */
export async function importTable(
  source: TableSource,
  write: (body: Readable) => Promise<void>,
  options: TableImportOptions,
): Promise<ImportedTable> {
  const first = await writeOnce(source, null, write, options);
  if ('rowCount' in first) return first;
  const second = await writeOnce(source, first.forced, write, options);
  if ('rowCount' in second) return second;
  throw sourceChangedError('the column types differ between two readings');
}

class TypesChanged extends Error {}

async function writeOnce(
  source: TableSource,
  forced: ForcedColumns | null,
  write: (body: Readable) => Promise<void>,
  options: TableImportOptions,
): Promise<ImportedTable | { forced: ForcedColumns }> {
  const pass = forced ? 2 : 1;
  const tracker = new SchemaTracker(forced);
  const batches = source.read(forced);
  let rowCount = 0;
  let conflict = false;
  try {
    const first = await batches.next();
    if (first.done) throw new InvalidParameterError(`Dataset source ${options.sourceName} has no rows`);
    tracker.observe(first.value);
    const written = tracker.fixWrittenTypes();
    const assembler = new BatchAssembler(
      arrowSchema(written.names, written.types),
      written.types,
      options.batchRows,
    );
    const encoder = new ArrowFileEncoder();

    async function* bytes(): AsyncGenerator<Uint8Array> {
      let batch: EncodedBatch = first.value as EncodedBatch;
      if (!tracker.fits(batch)) {
        conflict = true;
        throw new TypesChanged();
      }
      for (;;) {
        rowCount += batch.rows;
        for (const recordBatch of assembler.push(batch)) yield* encoder.write(recordBatch);
        options.onProgress?.(batch.sourceBytes, source.size, pass);
        const next = await batches.next();
        if (next.done) break;
        batch = next.value;
        if (!tracker.observe(batch)) {
          conflict = true;
          throw new TypesChanged();
        }
      }
      const last = assembler.flush();
      if (last) yield* encoder.write(last);
      yield* encoder.finish();
    }

    try {
      await write(Readable.from(bytes(), { objectMode: false }));
    } catch (error) {
      if (!conflict) throw error;
      // The stored write was abandoned (nothing is left of it); read on only to settle the types.
      for (let next = await batches.next(); !next.done; next = await batches.next()) {
        tracker.observe(next.value);
        options.onProgress?.(next.value.sourceBytes, source.size, pass);
      }
      return { forced: tracker.forced() };
    }
    return { schema: tracker.schema(), rowCount };
  } finally {
    await batches.return(undefined);
  }
}
