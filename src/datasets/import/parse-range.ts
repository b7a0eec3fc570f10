import { CsvBatchBuilder } from './csv-batch-builder.js';
import { parseCsvRange } from './csv-range-parser.js';
import type { EncodedBatch } from './encoded-batch.js';
import { parseJsonlRange } from './jsonl-range-parser.js';
import type { RangeTask } from './range-task.js';

/** One range on its own (in a worker): its batches end where it ends. */
export function parseRange(task: RangeTask): AsyncGenerator<EncodedBatch> {
  return task.format === 'csv' ? parseCsvRange(task) : parseJsonlRange(task);
}

/**
 * Consecutive ranges on this thread, as one stream of full-size batches: CSV ranges share one
 * batch builder (each still picks its own parser); JSONL, which has no choice of parser, is read
 * as a single range.
 */
export async function* parseRangesInline(tasks: readonly RangeTask[]): AsyncGenerator<EncodedBatch> {
  const first = tasks[0];
  const last = tasks[tasks.length - 1];
  if (!first || !last) return;
  if (first.format === 'jsonl') {
    yield* parseJsonlRange({ ...first, end: last.end });
    return;
  }
  const builder = new CsvBatchBuilder(first);
  for (const [i, task] of tasks.entries()) yield* parseCsvRange(task, builder, i === tasks.length - 1);
}
