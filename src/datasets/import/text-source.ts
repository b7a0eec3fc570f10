import type { ForcedColumns } from './encoded-batch.js';
import { parseRanges } from './range-pool.js';
import type { RangeTask } from './range-task.js';
import type { ScannedSource } from './source-scan.js';
import type { TableSource } from './table-source.js';

export interface TextSourceOptions {
  readonly batchRows: number;
  /** Worker threads for parsing; 0 parses on the calling thread. */
  readonly workers: number;
}

/** A CSV or JSONL file as ranges between the scan's boundaries; for CSV, `header` holds the column names. */
export function textSource(
  scan: ScannedSource,
  format: 'csv' | 'jsonl',
  header: readonly string[] | null,
  options: TextSourceOptions,
): TableSource {
  const tasks = (forced: ForcedColumns | null): RangeTask[] =>
    scan.boundaries
      .map((boundary, i) => ({
        format,
        file: scan.path,
        start: boundary.offset,
        end: scan.boundaries[i + 1]?.offset ?? scan.size,
        firstLine: boundary.line,
        header,
        delimiter: scan.delimiter,
        quoted: (scan.boundaries[i + 1]?.quotes ?? scan.quotes) > boundary.quotes,
        forced,
        batchRows: options.batchRows,
      }))
      .filter((task) => task.end > task.start);
  return {
    columns: header,
    size: scan.size,
    read: (forced) => parseRanges(tasks(forced), options.workers),
  };
}
