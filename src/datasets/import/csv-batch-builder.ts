import type { ColumnType } from '../dataset-table.js';
import type { EncodedBatch } from './encoded-batch.js';
import { CHUNK_ROWS, type RangeTask } from './range-task.js';
import { TextColumnEncoder } from './text-column-encoder.js';

/**
 * Collects a range's CSV records (arrays of field text) and converts them column-wise every
 * CHUNK_ROWS rows, so that at most that many rows of text are held; completed batches wait in
 * `ready` for the parser to hand them out.
 */
export class CsvBatchBuilder {
  readonly ready: EncodedBatch[] = [];
  private readonly header: readonly string[];
  private readonly types: readonly (ColumnType | null)[];
  private encoders: TextColumnEncoder[];
  private readonly chunk: string[][] = [];
  private rows = 0;

  constructor(private readonly task: RangeTask) {
    this.header = task.header ?? [];
    this.types = this.header.map((name) => {
      const index = task.forced ? task.forced.names.indexOf(name) : -1;
      return index < 0 ? null : (task.forced?.types[index] ?? null);
    });
    this.encoders = this.newEncoders();
  }

  get columns(): number {
    return this.header.length;
  }

  /** `sourceBytes`: how far into the file the parser has read, for progress. */
  add(record: string[], sourceBytes: number): void {
    this.chunk.push(record);
    // A batch never exceeds batchRows (its builders' capacity).
    if (this.chunk.length === CHUNK_ROWS || this.rows + this.chunk.length === this.task.batchRows) {
      this.flushChunk(sourceBytes);
    }
  }

  /** Converts what is left into a last batch. */
  finish(sourceBytes: number): void {
    this.flushChunk(sourceBytes);
    if (this.rows > 0) this.finishBatch(sourceBytes);
  }

  private flushChunk(sourceBytes: number): void {
    const chunk = this.chunk;
    if (chunk.length === 0) return;
    for (let column = 0; column < this.encoders.length; column++) {
      (this.encoders[column] as TextColumnEncoder).append(chunk, chunk.length, column);
    }
    this.rows += chunk.length;
    chunk.length = 0;
    if (this.rows >= this.task.batchRows) this.finishBatch(sourceBytes);
  }

  private finishBatch(sourceBytes: number): void {
    this.ready.push({
      rows: this.rows,
      names: this.header,
      columns: this.encoders.map((encoder) => encoder.finish()),
      sourceBytes,
    });
    this.encoders = this.newEncoders();
    this.rows = 0;
  }

  private newEncoders(): TextColumnEncoder[] {
    return this.types.map((type) => new TextColumnEncoder(this.task.batchRows, type));
  }
}

export function raggedRowMessage(line: number, fields: number, columns: number): string {
  return `Ragged CSV row at line ${line}: it has ${fields} field${fields === 1 ? '' : 's'} but the header has ${columns} column${columns === 1 ? '' : 's'}`;
}
