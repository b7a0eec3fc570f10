import fs from 'node:fs';
import type { ForcedColumns } from './encoded-batch.js';
import type { RecordDelimiter } from './record-boundaries.js';

/**
 * A line-aligned byte range of a CSV or JSONL file for one parser (a worker thread, or the main
 * thread for small files). Ranges start where a record starts, so they parse independently.
 */
export interface RangeTask {
  readonly format: 'csv' | 'jsonl';
  readonly file: string;
  /** Bytes [start, end) of the file. */
  readonly start: number;
  readonly end: number;
  /** The 1-based line number of the byte at `start`, for error messages. */
  readonly firstLine: number;
  /** CSV: the header's column names (the range at offset 0 starts with the header row itself). */
  readonly header: readonly string[] | null;
  /** CSV: how records end, as found in the header; null lets csv-parse find out (a one-line file). */
  readonly delimiter: RecordDelimiter | null;
  /** CSV: whether the range holds any quote character. */
  readonly quoted: boolean;
  readonly forced: ForcedColumns | null;
  /** Rows per batch; the last batch of a range may be shorter. */
  readonly batchRows: number;
}

/** Rows converted at a time: a CSV parser holds at most this many rows of text. */
export const CHUNK_ROWS = 4096;

/** Read size for range files: large reads, few syscalls. */
export const READ_BYTES = 1 << 20;

/** The task's bytes, read in READ_BYTES pieces. Destroy it when done. */
export function readRange(task: RangeTask): fs.ReadStream {
  return fs.createReadStream(task.file, { start: task.start, end: task.end - 1, highWaterMark: READ_BYTES });
}
